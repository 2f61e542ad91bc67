//! What to check: files named on the command line, the `.txt` and `.md`
//! files of folders (walked with `.gitignore` honoured), or standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Extensions checked when walking a folder.
const EXTENSIONS: &[&str] = &["txt", "md", "markdown"];

pub enum Input {
    File {
        path: PathBuf,
        /// Named on the command line (checked whatever its extension or
        /// exclusion), rather than found in a folder.
        explicit: bool,
    },
    Stdin {
        name: Option<PathBuf>,
    },
}

impl Input {
    /// The name shown in output.
    pub fn display(&self) -> String {
        match self {
            Input::File { path, .. } => path.display().to_string(),
            Input::Stdin { name } => name
                .as_ref()
                .map_or_else(|| "-".to_owned(), |n| n.display().to_string()),
        }
    }

    /// The folder whose `xxgk.toml` applies.
    pub fn dir(&self) -> PathBuf {
        let path = match self {
            Input::File { path, .. } => Some(path.as_path()),
            Input::Stdin { name } => name.as_deref(),
        };
        let parent = path
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::path::absolute(parent).unwrap_or_else(|_| parent.to_owned())
    }

    pub fn read(&self) -> Result<Vec<u8>, String> {
        match self {
            Input::File { path, .. } => {
                std::fs::read(path).map_err(|e| format!("{}: 无法读取：{e}", path.display()))
            }
            Input::Stdin { .. } => {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("-: 无法读取标准输入：{e}"))?;
                Ok(bytes)
            }
        }
    }
}

/// Expands the command line's paths into inputs, in a stable order.
pub fn collect(paths: &[PathBuf], stdin_name: Option<&Path>) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin {
                name: stdin_name.map(Path::to_owned),
            });
        } else if path.is_dir() {
            let mut found = Vec::new();
            let walker = ignore::WalkBuilder::new(path)
                .require_git(false)
                .sort_by_file_path(|a, b| a.cmp(b))
                .build();
            for entry in walker {
                let entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
                let is_report = entry.file_type().is_some_and(|t| t.is_file())
                    && entry
                        .path()
                        .extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()));
                if is_report {
                    found.push(Input::File {
                        path: entry.into_path(),
                        explicit: false,
                    });
                }
            }
            inputs.extend(found);
        } else if path.exists() {
            inputs.push(Input::File {
                path: path.clone(),
                explicit: true,
            });
        } else {
            return Err(format!("{}: 文件或文件夹不存在", path.display()));
        }
    }
    Ok(inputs)
}
