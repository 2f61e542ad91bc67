//! The result cache of `xxgk check`, and its progress bar.
//!
//! A CI job that re-checks a folder of thousands of reports should only pay
//! for the reports that changed. Each checked file's findings and report
//! summary are stored, keyed by
//!
//! - the **settings key**: XXH3-128 of the xxgk version, the cache format,
//!   the text of every pack loaded (embedded and user packs, in order, with
//!   their origins), the configuration file's text and the `--year` given on
//!   the command line (in debug builds also the executable's size and time,
//!   so that a rebuilt development binary never serves stale findings);
//! - the **content key**: XXH3-128 of the decoded text.
//!
//! Layout (like Ruff's `.ruff_cache`): `.xxgk_cache/` in the current folder,
//! or `$XXGK_CACHE_DIR`, holding a `.gitignore` with `*` and a `CACHEDIR.TAG`;
//! entries are `<dir>/<version>/<settings key>/<content key, split
//! 2 + 30 hex digits>.json`. An entry
//! stores what rebuilds the findings without running the rules: each
//! finding's rule id, severity, message, byte range, related places and fix,
//! and the report summary. Rule ids are looked up in the pack set (its
//! `RuleInfo`s); an unknown id, a range outside the text or not on a
//! character boundary, a parse error or an unreadable file make the entry a
//! miss, never an error. Entries are written atomically (a temporary file
//! renamed into place); a cache that cannot be written is silently skipped.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use xxgk::check::ReportSummary;
use xxgk::config::{Settings, read_packs};
use xxgk::diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, RuleInfo, Severity};
use xxgk::pack::EMBEDDED;
use xxgk::regime::Regime;
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

/// The cache folder's default name, in the current folder.
pub const DEFAULT_DIR: &str = ".xxgk_cache";
/// The environment variable that names another cache folder.
pub const DIR_VAR: &str = "XXGK_CACHE_DIR";
/// The environment variable that makes `check` print hit and miss counts.
pub const STATS_VAR: &str = "XXGK_CACHE_STATS";
/// Bumped whenever the entry format changes.
const FORMAT: u32 = 1;
/// Runs with more files than this show a progress bar (on a terminal).
const PROGRESS_ABOVE: usize = 50;

/// The cache of one run.
pub struct ResultCache {
    /// `<cache dir>/<version>`.
    root: PathBuf,
    /// Slots by the address of their `Settings` (kept alive by the
    /// `SettingsCache` for the whole run).
    slots: HashMap<usize, Option<Arc<Slot>>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// Where the entries of one settings key live, and the rules to rehydrate
/// them with.
pub struct Slot {
    dir: PathBuf,
    rules: HashMap<String, Arc<RuleInfo>>,
}

/// Findings read back from the cache.
pub struct Cached {
    pub summary: ReportSummary,
    pub diagnostics: Vec<Diagnostic>,
}

impl ResultCache {
    /// Opens (creating it if need be) the cache folder; `None` when caching
    /// is off or the folder cannot be made.
    pub fn open(enabled: bool) -> Option<ResultCache> {
        if !enabled {
            return None;
        }
        let dir = std::env::var_os(DIR_VAR)
            .filter(|d| !d.is_empty())
            .map_or_else(|| PathBuf::from(DEFAULT_DIR), PathBuf::from);
        let root = dir.join(env!("CARGO_PKG_VERSION"));
        std::fs::create_dir_all(&root).ok()?;
        // Never committed, never backed up.
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            let _ = std::fs::write(&ignore, "# 由 xxgk 自动创建。\n*\n");
        }
        let tag = dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            let _ = std::fs::write(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n\
                 # This file is a cache directory tag created by xxgk.\n",
            );
        }
        Some(ResultCache {
            root,
            slots: HashMap::new(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        })
    }

    /// The slot for files checked with `settings` (plus `--pack` files
    /// `extra_packs` and the command line's `year`); `None` when a pack
    /// file cannot be read again (then those files are not cached).
    pub fn slot(
        &mut self,
        settings: &Arc<Settings>,
        extra_packs: &[PathBuf],
        year: Option<u16>,
    ) -> Option<Arc<Slot>> {
        let id = Arc::as_ptr(settings) as usize;
        if let Some(slot) = self.slots.get(&id) {
            return slot.clone();
        }
        let slot = settings_key(settings, extra_packs, year).and_then(|key| {
            let dir = self.root.join(format!("{key:032x}"));
            std::fs::create_dir_all(&dir).ok()?;
            let rules = settings
                .packs
                .all_rules()
                .map(|rule| (rule.info.id.clone(), rule.info.clone()))
                .collect();
            Some(Arc::new(Slot { dir, rules }))
        });
        self.slots.insert(id, slot.clone());
        slot
    }

    /// The cached findings on `text`, if any.
    pub fn get(&self, slot: &Slot, text: &str) -> Option<Cached> {
        let found = std::fs::read(entry_path(slot, text))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Entry>(&bytes).ok())
            .and_then(|entry| entry.rehydrate(slot, text));
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Stores the findings on `text`; failures are ignored (the next run
    /// checks the file again).
    pub fn put(
        &self,
        slot: &Slot,
        text: &str,
        summary: &ReportSummary,
        diagnostics: &[Diagnostic],
    ) {
        let entry = Entry::new(text, summary, diagnostics);
        if let Ok(bytes) = serde_json::to_vec(&entry) {
            let path = entry_path(slot, text);
            if let Some(dir) = path.parent() {
                let _ = write_atomically(dir, &path, &bytes).or_else(|_| {
                    // The shard's folder is made on first use.
                    std::fs::create_dir_all(dir).and_then(|()| write_atomically(dir, &path, &bytes))
                });
            }
        }
    }

    /// `(hits, misses)` so far.
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Prints the hit and miss counts on stderr when `XXGK_CACHE_STATS` is
    /// set (and not `0`).
    pub fn report_stats(&self) {
        if std::env::var_os(STATS_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
            let (hits, misses) = self.stats();
            eprintln!("xxgk: 缓存：命中 {hits}，未命中 {misses}");
        }
    }
}

/// A progress bar on stderr for `total` files: drawn only when stderr is a
/// terminal and there are more than a few dozen files; hidden otherwise.
pub fn progress(total: usize) -> ProgressBar {
    if total <= PROGRESS_ABOVE || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} 检查中 [{bar:30}] {pos}/{len} 个文件，剩余约 {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// XXH3-128 of everything that changes the findings besides the text.
fn settings_key(settings: &Settings, extra_packs: &[PathBuf], year: Option<u16>) -> Option<u128> {
    let mut h = Xxh3::new();
    let mut field = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(b"xxgk result cache");
    field(&FORMAT.to_le_bytes());
    field(env!("CARGO_PKG_VERSION").as_bytes());
    if cfg!(debug_assertions) {
        // A development build changes without a version bump.
        let exe = std::env::current_exe().and_then(std::fs::metadata).ok()?;
        field(&exe.len().to_le_bytes());
        let time = exe
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        field(&time.to_le_bytes());
    }
    field(&year.map_or(0u32, |y| 0x1_0000 | u32::from(y)).to_le_bytes());
    match &settings.config.path {
        Some(path) => {
            field(b"config");
            field(&std::fs::read(path).ok()?);
        }
        None => field(b"no config"),
    }
    for (origin, text) in EMBEDDED {
        field(origin.as_bytes());
        field(text.as_bytes());
    }
    // The user packs, as `SettingsCache::for_dir` reads them (a file named
    // twice is hashed twice, which only costs a miss).
    for path in settings.config.pack_paths.iter().chain(extra_packs) {
        for source in read_packs(path).ok()? {
            field(source.origin.as_bytes());
            field(source.text.as_bytes());
        }
    }
    Some(h.digest128())
}

/// `<slot>/<first two hex digits>/<the other 30>.json`: 256 sub-folders, so
/// that parallel writers rarely wait on the same folder's lock.
fn entry_path(slot: &Slot, text: &str) -> PathBuf {
    let hex = format!("{:032x}", xxh3_128(text.as_bytes()));
    let (shard, rest) = hex.split_at(2);
    slot.dir.join(shard).join(format!("{rest}.json"))
}

/// Writes `bytes` to `path` through a temporary file in `dir` and a rename,
/// so that a reader never sees half an entry. No `fsync`: an entry lost in a
/// crash is only a miss.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Entry format (JSON)
// ---------------------------------------------------------------------------

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    /// The text's length in bytes (a second check beside the key).
    len: usize,
    issuer: Option<String>,
    year: Option<u16>,
    packs: Vec<String>,
    diagnostics: Vec<Finding>,
}

#[derive(Serialize, Deserialize)]
struct Finding {
    rule: String,
    severity: String,
    message: String,
    range: (usize, usize),
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    related: Vec<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fix: Option<FixEntry>,
}

#[derive(Serialize, Deserialize)]
struct Place {
    range: (usize, usize),
    message: String,
}

#[derive(Serialize, Deserialize)]
struct FixEntry {
    title: String,
    safe: bool,
    edits: Vec<Place>,
}

impl Entry {
    fn new(text: &str, summary: &ReportSummary, diagnostics: &[Diagnostic]) -> Entry {
        let range = |r: &std::ops::Range<usize>| (r.start, r.end);
        Entry {
            format: FORMAT,
            len: text.len(),
            issuer: summary.issuer.clone(),
            year: summary.year,
            packs: summary.packs.clone(),
            diagnostics: diagnostics
                .iter()
                .map(|d| Finding {
                    rule: d.rule.id.clone(),
                    severity: d.severity.as_str().to_owned(),
                    message: d.message.clone(),
                    range: range(&d.range),
                    related: d
                        .related
                        .iter()
                        .map(|r| Place {
                            range: range(&r.range),
                            message: r.message.clone(),
                        })
                        .collect(),
                    fix: d.fix.as_ref().map(|f| FixEntry {
                        title: f.title.clone(),
                        safe: f.is_safe(),
                        edits: f
                            .edits()
                            .iter()
                            .map(|e| Place {
                                range: range(&e.range),
                                message: e.text.clone(),
                            })
                            .collect(),
                    }),
                })
                .collect(),
        }
    }

    /// The findings, or `None` when anything does not fit the text or the
    /// rules in effect.
    fn rehydrate(self, slot: &Slot, text: &str) -> Option<Cached> {
        if self.format != FORMAT || self.len != text.len() {
            return None;
        }
        let range = |(start, end): (usize, usize)| {
            (start <= end && text.is_char_boundary(start) && text.is_char_boundary(end))
                .then_some(start..end)
        };
        let mut diagnostics = Vec::with_capacity(self.diagnostics.len());
        for finding in self.diagnostics {
            let rule = slot.rules.get(&finding.rule)?.clone();
            let severity: Severity = finding.severity.parse().ok()?;
            let related = finding
                .related
                .into_iter()
                .map(|p| {
                    range(p.range).map(|range| Related {
                        range,
                        message: p.message,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            let fix = match finding.fix {
                None => None,
                Some(fix) => {
                    let edits = fix
                        .edits
                        .into_iter()
                        .map(|p| range(p.range).map(|range| Edit::replace(range, p.message)))
                        .collect::<Option<Vec<_>>>()?;
                    // Stored sorted; overlapping edits are corruption.
                    if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
                        return None;
                    }
                    let applicability = if fix.safe {
                        Applicability::Safe
                    } else {
                        Applicability::Unsafe
                    };
                    Some(Fix::new(fix.title, applicability, edits))
                }
            };
            diagnostics.push(Diagnostic {
                rule,
                severity,
                message: finding.message,
                range: range(finding.range)?,
                related,
                fix,
            });
        }
        Some(Cached {
            summary: ReportSummary {
                issuer: self.issuer,
                year: self.year,
                regime: self.year.map(Regime::for_year),
                packs: self.packs,
            },
            diagnostics,
        })
    }
}
