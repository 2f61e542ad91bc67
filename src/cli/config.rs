//! `xxgk.toml`: per-folder configuration, found by walking up from each
//! checked file. The nearest file wins; files are not merged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use xxgk::check::RuleSetting;
use xxgk::diagnostic::Severity;
use xxgk::text::{LineIndex, WideEncoding};

pub const FILE_NAME: &str = "xxgk.toml";

/// The configuration file's schema.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    /// Report year for every report under this folder.
    #[serde(default)]
    year: Option<u16>,
    /// Packs to apply whatever their selectors say (ids).
    #[serde(default)]
    packs: Vec<String>,
    /// Extra pack files or folders of packs, relative to this file.
    #[serde(default)]
    pack_paths: Vec<PathBuf>,
    /// Glob patterns (relative to this file) of paths not to check.
    #[serde(default)]
    exclude: Vec<String>,
    /// Rule or pack id → "off" or a severity.
    #[serde(default)]
    rules: BTreeMap<String, String>,
}

/// A loaded configuration.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The file it came from; `None` for the defaults.
    pub path: Option<PathBuf>,
    pub year: Option<u16>,
    pub packs: Vec<String>,
    pub pack_paths: Vec<PathBuf>,
    pub exclude: Option<globset::GlobSet>,
    pub rules: BTreeMap<String, RuleSetting>,
}

impl Config {
    /// Reads and validates a configuration file; errors are located
    /// `path:line:column: message`.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: 无法读取配置文件：{e}", path.display()))?;
        let located = |offset: usize, message: String| {
            let pos = LineIndex::new(&text).line_col(offset, WideEncoding::Utf32);
            format!(
                "{}:{}:{}: {message}",
                path.display(),
                pos.line + 1,
                pos.col + 1
            )
        };
        let file: ConfigFile = toml::from_str(&text).map_err(|e| {
            located(
                e.span().map_or(0, |s| s.start),
                format!("配置文件格式错误：{}", e.message().trim()),
            )
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut rules = BTreeMap::new();
        for (id, value) in file.rules {
            let setting = match value.as_str() {
                "off" => RuleSetting::Off,
                other => RuleSetting::Severity(other.parse::<Severity>().map_err(|e| {
                    located(text.find(&id).unwrap_or(0), format!("规则 “{id}”：{e}"))
                })?),
            };
            rules.insert(id, setting);
        }
        let exclude = if file.exclude.is_empty() {
            None
        } else {
            let mut builder = globset::GlobSetBuilder::new();
            for pattern in &file.exclude {
                let glob = globset::Glob::new(pattern).map_err(|e| {
                    located(
                        text.find(pattern.as_str()).unwrap_or(0),
                        format!("exclude 中的模式无效：{e}"),
                    )
                })?;
                builder.add(glob);
            }
            Some(builder.build().map_err(|e| located(0, e.to_string()))?)
        };
        Ok(Config {
            path: Some(std::path::absolute(path).unwrap_or_else(|_| path.to_owned())),
            year: file.year,
            packs: file.packs,
            pack_paths: file.pack_paths.iter().map(|p| dir.join(p)).collect(),
            exclude,
            rules,
        })
    }

    /// The nearest `xxgk.toml` in `dir` or its ancestors.
    pub fn discover(dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|candidate| candidate.is_file())
    }

    /// Whether `path` is excluded by this configuration.
    pub fn excludes(&self, path: &Path) -> bool {
        let (Some(set), Some(config)) = (&self.exclude, &self.path) else {
            return false;
        };
        let base = config.parent().unwrap_or(Path::new("."));
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let relative = absolute.strip_prefix(base).unwrap_or(&absolute);
        set.is_match(relative)
    }
}
