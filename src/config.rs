//! Settings shared by the front ends (the CLI and the language server):
//! `xxgk.toml`, per-folder configuration found by walking up from each checked
//! file (the nearest file wins; files are not merged), and the pack set it
//! implies (embedded packs, `pack-paths`, extra packs).
//!
//! Architecture invariant: this is front-end code — it reads files; the
//! analysis core never calls it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::check::{CheckOptions, RuleSetting};
use crate::diagnostic::Severity;
use crate::pack::{PackSet, PackSource, embedded_sources};
use crate::text::{LineIndex, WideEncoding};

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

/// Packs and configuration for the files under one `xxgk.toml` (or none).
#[derive(Debug)]
pub struct Settings {
    pub config: Config,
    pub packs: Arc<PackSet>,
}

impl Settings {
    /// The check options this configuration gives, with the year the user
    /// stated (command line) winning over the configuration's.
    pub fn options(&self, year: Option<u16>) -> CheckOptions {
        CheckOptions {
            year: year.or(self.config.year),
            packs: self.config.packs.clone(),
            rules: self.config.rules.clone(),
        }
    }
}

/// Which configuration file applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The nearest `xxgk.toml` upward from each file.
    Discover,
    /// This file for every report.
    File(PathBuf),
    /// None at all.
    None,
}

/// Where settings come from.
#[derive(Clone, Debug)]
pub struct SettingsSources {
    /// Pack files or folders added to every pack set (`--pack`).
    pub extra_packs: Vec<PathBuf>,
    pub config: ConfigChoice,
}

/// Loads configurations and their pack sets once each.
#[derive(Debug)]
pub struct SettingsCache {
    sources: SettingsSources,
    by_config: HashMap<Option<PathBuf>, Arc<Settings>>,
}

impl SettingsCache {
    pub fn new(sources: SettingsSources) -> Self {
        SettingsCache {
            sources,
            by_config: HashMap::new(),
        }
    }

    /// Every settings loaded so far.
    pub fn loaded(&self) -> impl Iterator<Item = &Arc<Settings>> {
        self.by_config.values()
    }

    /// Forgets what was loaded (a configuration or pack file changed).
    pub fn clear(&mut self) {
        self.by_config.clear();
    }

    /// The settings for a file in `dir`; errors are located messages.
    pub fn for_dir(&mut self, dir: &Path) -> Result<Arc<Settings>, String> {
        let config_path = match &self.sources.config {
            ConfigChoice::None => None,
            ConfigChoice::File(path) => Some(path.clone()),
            ConfigChoice::Discover => Config::discover(dir),
        };
        if let Some(settings) = self.by_config.get(&config_path) {
            return Ok(settings.clone());
        }
        let config = match &config_path {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        let mut sources: Vec<PackSource> = embedded_sources();
        // The same file named twice (in xxgk.toml and with --pack) loads once.
        let mut seen = std::collections::HashSet::new();
        for path in config.pack_paths.iter().chain(&self.sources.extra_packs) {
            for source in read_packs(path)? {
                let canonical = std::fs::canonicalize(&source.origin)
                    .unwrap_or_else(|_| PathBuf::from(&source.origin));
                if seen.insert(canonical) {
                    sources.push(source);
                }
            }
        }
        let packs = PackSet::new(&sources).map_err(|e| e.to_string())?;
        let settings = Arc::new(Settings {
            config,
            packs: Arc::new(packs),
        });
        self.by_config.insert(config_path, settings.clone());
        Ok(settings)
    }
}

/// Reads a pack file, or every `.toml` file of a folder (sorted).
pub fn read_packs(path: &Path) -> Result<Vec<PackSource>, String> {
    let files = if path.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| format!("{}: 无法读取规则包文件夹：{e}", path.display()))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_owned()]
    };
    files
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(&file)
                .map_err(|e| format!("{}: 无法读取规则包：{e}", file.display()))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("{}: 规则包必须是 UTF-8 编码的 TOML 文件", file.display()))?;
            Ok(PackSource {
                origin: file.display().to_string(),
                text,
            })
        })
        .collect()
}
