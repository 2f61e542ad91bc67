//! What to check: files named on the command line, the `.txt`, `.md`,
//! `.docx`, `.html` and `.htm` files of folders (walked with `.gitignore`
//! honoured), or standard input.
//!
//! [`Input::load`] turns an input into text: text files are decoded
//! (`text::decode`), Word documents and web pages extracted
//! (`xxgk::extract`), with each line's location in the original.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use xxgk::extract::{self, Location};
use xxgk::text::{SourceEncoding, decode};

/// Extensions checked when walking a folder.
const EXTENSIONS: &[&str] = &["txt", "md", "markdown", "docx", "html", "htm"];

/// What an input was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A text file, in this encoding (fixes write it back the same way).
    Text { encoding: SourceEncoding },
    /// A Word document: its text was extracted; it cannot be fixed in place.
    Docx,
    /// A web page: its body text was extracted; it cannot be fixed in place.
    Html,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Text { .. } => "文本文件",
            SourceKind::Docx => "Word 文档（.docx）",
            SourceKind::Html => "网页（.html）",
        }
    }
}

/// An input's text, ready to check.
#[derive(Debug)]
pub struct Loaded {
    pub text: String,
    pub kind: SourceKind,
    /// For extracted text, the location in the original of each line of
    /// `text` (0-based): `段落 N`, `表格 T 第 R 行`. `None` for text files,
    /// whose lines are their own locations.
    pub locations: Option<Vec<Location>>,
}

impl Loaded {
    /// The text with each line prefixed by its location, for
    /// `--show-extracted`; text files come back as they are.
    pub fn shown(&self) -> String {
        match &self.locations {
            Some(locations) => extract::annotated(&self.text, locations),
            None => self.text.clone(),
        }
    }
}

/// How an input's bytes are read, from its name, else from its first bytes.
fn kind_of(name: Option<&Path>, bytes: &[u8]) -> Option<SourceKind> {
    let ext = name
        .and_then(Path::extension)
        .and_then(|x| x.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("docx") => Some(SourceKind::Docx),
        Some("html" | "htm" | "xhtml") => Some(SourceKind::Html),
        // A .docx piped in without --stdin-filename, or misnamed.
        _ if bytes.starts_with(b"PK\x03\x04") => Some(SourceKind::Docx),
        _ => None,
    }
}

/// `path` made absolute against the working folder, which is read once per
/// run (`std::path::absolute` asks the system at every call: two calls per
/// file were a third of a cached run's system time). Like it, `..` is kept
/// and symbolic links are not resolved.
pub fn absolute(path: &Path) -> PathBuf {
    static WORKING: OnceLock<Option<PathBuf>> = OnceLock::new();
    if path.is_absolute() {
        return path.components().collect();
    }
    match WORKING.get_or_init(|| std::env::current_dir().ok()) {
        Some(working) => working.join(path).components().collect(),
        None => std::path::absolute(path).unwrap_or_else(|_| path.to_owned()),
    }
}

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
        absolute(parent)
    }

    /// The name that decides how the input is read (stdin's `--stdin-filename`).
    fn name(&self) -> Option<&Path> {
        match self {
            Input::File { path, .. } => Some(path),
            Input::Stdin { name } => name.as_deref(),
        }
    }

    /// Reads the input and turns it into text: text files decoded as
    /// `text::decode` does, `.docx` and `.html`/`.htm` extracted. Errors are
    /// prefixed with the input's name.
    pub fn load(&self) -> Result<Loaded, String> {
        let bytes = self.read()?;
        let display = self.display();
        let extracted = |kind, result: Result<extract::Extracted, String>| {
            result
                .map(|e| Loaded {
                    text: e.text,
                    kind,
                    locations: Some(e.locations),
                })
                .map_err(|e| format!("{display}: {e}"))
        };
        match kind_of(self.name(), &bytes) {
            Some(SourceKind::Docx) => extracted(SourceKind::Docx, extract::docx::extract(&bytes)),
            Some(SourceKind::Html) => extracted(SourceKind::Html, extract::html::extract(&bytes)),
            Some(SourceKind::Text { .. }) | None => decode(&bytes)
                .map(|d| Loaded {
                    text: d.text,
                    kind: SourceKind::Text {
                        encoding: d.encoding,
                    },
                    locations: None,
                })
                .map_err(|e| format!("{display}: {e}")),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_names_then_bytes() {
        let docx = kind_of(Some(Path::new("a/报告.DOCX")), b"");
        assert_eq!(docx, Some(SourceKind::Docx));
        assert_eq!(
            kind_of(Some(Path::new("a.htm")), b""),
            Some(SourceKind::Html)
        );
        assert_eq!(kind_of(None, b"PK\x03\x04rest"), Some(SourceKind::Docx));
        assert_eq!(kind_of(Some(Path::new("a.txt")), b"text"), None);
    }

    fn fixture(name: &str) -> Input {
        Input::File {
            path: Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/extract")
                .join(name),
            explicit: true,
        }
    }

    #[test]
    fn load_decodes_text_and_extracts_documents() {
        let Ok(txt) = fixture("report.txt").load() else {
            panic!("report.txt not loaded");
        };
        assert_eq!(
            txt.kind,
            SourceKind::Text {
                encoding: SourceEncoding::Utf8
            }
        );
        assert_eq!(txt.locations, None);
        for (name, kind) in [
            ("report.docx", SourceKind::Docx),
            ("report.html", SourceKind::Html),
        ] {
            let loaded = match fixture(name).load() {
                Ok(loaded) => loaded,
                Err(e) => panic!("{e}"),
            };
            assert_eq!(loaded.kind, kind);
            assert!(loaded.text.contains("一、概述\n"), "{name}");
            assert_eq!(
                loaded
                    .locations
                    .as_ref()
                    .and_then(|l| l.first())
                    .map(|l| l.to_string())
                    .as_deref(),
                Some("段落 1")
            );
            assert!(
                loaded.shown().starts_with("[段落 1] 青山镇人民政府2013年"),
                "{name}"
            );
        }
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("{e}"),
        };
        let path = dir.path().join("坏.docx");
        if let Err(e) = std::fs::write(&path, b"PK\x03\x04broken") {
            panic!("{e}");
        }
        let broken = Input::File {
            path,
            explicit: true,
        };
        let Err(e) = broken.load() else {
            panic!("a broken .docx was accepted");
        };
        assert!(e.contains("坏.docx: 不是有效的 .docx 文件"), "{e}");
    }
}
