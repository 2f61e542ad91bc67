//! The result cache of `xxgk check`, and its progress bar.
//!
//! A CI job that re-checks a folder of thousands of reports should only pay
//! for the reports that changed. What a checked file's findings need is
//! stored, keyed by
//!
//! - the **settings key**: XXH3-128 of the xxgk version, the cache format,
//!   the text of every pack loaded (embedded and user packs, in order, with
//!   their origins), the configuration file's text and the `--year` given on
//!   the command line (in debug builds also the executable's size and time,
//!   so that a rebuilt development binary never serves stale findings);
//! - the **content key**: XXH3-128 of the decoded text;
//! - and, to skip reading a file at all, its **stamp**: absolute path, size
//!   and modification time (as Ruff and git do). A stamp is trusted only when
//!   the file was last modified well before the run began (git's "racy"
//!   rule: an edit within the file system's time resolution could keep size
//!   and time), and only for formats that print positions, not text.
//!
//! Layout (like Ruff's `.ruff_cache`): `.xxgk_cache/` in the current folder,
//! or `$XXGK_CACHE_DIR`, holding a `.gitignore` with `*` and a `CACHEDIR.TAG`;
//! one index per settings key, `<dir>/<version>/<settings key>.json`, read
//! once at the start of a run and written once at its end (atomically,
//! merged with what another run wrote meanwhile; a lost update is only a
//! miss). An index maps stamps to content keys and content keys to entries;
//! an entry stores what rebuilds the findings without running the rules:
//! each finding's rule id, severity, message, byte range, related places and
//! fix, the report summary, and the line and column of every offset the
//! findings name. Rule ids are looked up in the pack set (its `RuleInfo`s);
//! an unknown id, a range outside the text or not on a character boundary,
//! a position missing or a parse error make the entry a miss, never an
//! error. An index that cannot be written is silently skipped.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use xxgk::check::ReportSummary;
use xxgk::config::{Settings, read_packs};
use xxgk::diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, RuleInfo, Severity};
use xxgk::emit::{Position, PositionTable};
use xxgk::pack::EMBEDDED;
use xxgk::regime::Regime;
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

/// The cache folder's default name, in the current folder.
pub const DEFAULT_DIR: &str = ".xxgk_cache";
/// The environment variable that names another cache folder.
pub const DIR_VAR: &str = "XXGK_CACHE_DIR";
/// The environment variable that makes `check` print hit and miss counts.
pub const STATS_VAR: &str = "XXGK_CACHE_STATS";
/// Bumped whenever the index format changes.
const FORMAT: u32 = 2;
/// Runs with more files than this show a progress bar (on a terminal).
const PROGRESS_ABOVE: usize = 50;
/// A file modified less than this before the run began is re-read even
/// when its stamp matches (coarse file system clocks; see the module doc).
const RACY: Duration = Duration::from_secs(2);

/// The cache of one run.
pub struct ResultCache {
    /// `<cache dir>/<version>`.
    root: PathBuf,
    /// Stamps modified after this are not trusted.
    trusted_before: SystemTime,
    /// Slots by the address of their `Settings` (kept alive by the
    /// `SettingsCache` for the whole run).
    slots: HashMap<usize, Option<Arc<Slot>>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// The index of one settings key, the rules to rehydrate its entries with,
/// and what this run learnt.
pub struct Slot {
    path: PathBuf,
    rules: HashMap<String, Arc<RuleInfo>>,
    stored: Index,
    learnt: Mutex<Learnt>,
}

/// XXH3-128 of a text, as 32 hex digits.
pub struct ContentKey(String);

impl ContentKey {
    pub fn of(text: &str) -> ContentKey {
        ContentKey(format!("{:032x}", xxh3_128(text.as_bytes())))
    }
}

#[derive(Default)]
struct Learnt {
    files: Vec<(String, FileRecord)>,
    entries: Vec<(String, Entry)>,
    /// Keys of the texts seen this run, whose entries `save` keeps.
    seen: Vec<String>,
}

/// A file's size and modification time, as nanoseconds since 1970.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    modified: u128,
}

/// A file as it was when last checked.
#[derive(Clone, Serialize, Deserialize)]
struct FileRecord {
    stamp: Stamp,
    /// Its content key, 32 hex digits.
    key: String,
}

/// Findings read back from the cache.
pub struct Cached {
    pub summary: ReportSummary,
    pub diagnostics: Vec<Diagnostic>,
    pub positions: PositionTable,
}

impl Learnt {
    /// Records that the file at `path` holds the text `key`, unless the
    /// index already says so.
    fn remember(&mut self, slot: &Slot, file: Option<(String, Stamp)>, key: &str) {
        if let Some((path, stamp)) = file {
            let known = slot
                .stored
                .files
                .get(&path)
                .is_some_and(|r| r.stamp == stamp && r.key == key);
            if !known {
                let key = key.to_owned();
                self.files.push((path, FileRecord { stamp, key }));
            }
        }
    }
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
            trusted_before: SystemTime::now() - RACY,
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
        let slot = settings_key(settings, extra_packs, year).map(|key| {
            let path = self.root.join(format!("{key:032x}.json"));
            let rules = settings
                .packs
                .all_rules()
                .map(|rule| (rule.info.id.clone(), rule.info.clone()))
                .collect();
            Arc::new(Slot {
                stored: Index::read(&path),
                path,
                rules,
                learnt: Mutex::new(Learnt::default()),
            })
        });
        self.slots.insert(id, slot.clone());
        slot
    }

    /// The stamp of the file at `path`, when it can be trusted.
    pub fn stamp(&self, path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?;
        if modified >= self.trusted_before {
            return None;
        }
        Some(Stamp {
            size: meta.len(),
            modified: modified.duration_since(UNIX_EPOCH).ok()?.as_nanos(),
        })
    }

    /// The cached findings on the file at `path` (absolute) if it has not
    /// changed since it was checked, without reading it.
    pub fn by_stamp(&self, slot: &Slot, path: &str, stamp: Stamp) -> Option<Cached> {
        let found = slot
            .stored
            .files
            .get(path)
            .filter(|record| record.stamp == stamp)
            .and_then(|record| slot.stored.entries.get(&record.key))
            .filter(|entry| !entry.extracted)
            .and_then(|entry| entry.rehydrate(slot, None));
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    /// The cached findings on the text whose key is `key`, if any; a hit is
    /// to be confirmed with `seen`.
    pub fn by_text(&self, slot: &Slot, key: &ContentKey, text: &str) -> Option<Cached> {
        slot.stored
            .entries
            .get(&key.0)
            .and_then(|entry| entry.rehydrate(slot, Some(text)))
    }

    /// Notes a hit from `by_text` (and, with a path and stamp, that the file
    /// holds that text), for `save`.
    pub fn seen(&self, slot: &Slot, file: Option<(String, Stamp)>, key: ContentKey) {
        self.hits.fetch_add(1, Ordering::Relaxed);
        let Ok(mut learnt) = slot.learnt.lock() else {
            return;
        };
        learnt.remember(slot, file, &key.0);
        learnt.seen.push(key.0);
    }

    /// Stores the findings the rules made on a text (and, with a path and
    /// stamp, that the file holds it), for `save`.
    pub fn put(
        &self,
        slot: &Slot,
        file: Option<(String, Stamp)>,
        key: ContentKey,
        stored: Stored<'_>,
    ) {
        self.misses.fetch_add(1, Ordering::Relaxed);
        let entry = Entry::new(&stored);
        let Ok(mut learnt) = slot.learnt.lock() else {
            return;
        };
        learnt.remember(slot, file, &key.0);
        learnt.entries.push((key.0, entry));
    }

    /// Writes what this run learnt into each index; failures are ignored
    /// (the next run checks those files again).
    pub fn save(&self) {
        for slot in self.slots.values().flatten() {
            let Ok(mut learnt) = slot.learnt.lock() else {
                continue;
            };
            if learnt.files.is_empty() && learnt.entries.is_empty() {
                // Nothing new (texts seen but unchanged keep their entries).
                continue;
            }
            // Another run may have written the index since it was read.
            let mut index = Index::read(&slot.path);
            index.files.extend(learnt.files.drain(..));
            index.prune(&learnt.seen);
            index.entries.extend(learnt.entries.drain(..));
            if let Ok(bytes) = serde_json::to_vec(&index) {
                let _ = write_atomically(&self.root, &slot.path, &bytes);
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

/// What `put` stores about one checked text.
pub struct Stored<'a> {
    pub text: &'a str,
    /// Extracted from a Word document or web page (its findings' messages
    /// get locations in the original, so it is never served by stamp).
    pub extracted: bool,
    pub summary: &'a ReportSummary,
    pub diagnostics: &'a [Diagnostic],
    pub positions: &'a PositionTable,
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
// Index format (JSON)
// ---------------------------------------------------------------------------

#[derive(Default, Serialize, Deserialize)]
struct Index {
    format: u32,
    /// Files by absolute path.
    files: HashMap<String, FileRecord>,
    /// Entries by content key.
    entries: HashMap<String, Entry>,
}

impl Index {
    /// The index at `path`; empty when missing, unreadable or of another
    /// format.
    fn read(path: &Path) -> Index {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Index>(&bytes).ok())
            .filter(|index| index.format == FORMAT)
            .unwrap_or_else(|| Index {
                format: FORMAT,
                ..Index::default()
            })
    }

    /// Drops the entries that no file refers to and that were not `seen`
    /// this run (a report edited many times leaves one entry, not one per
    /// version).
    fn prune(&mut self, seen: &[String]) {
        let used: std::collections::HashSet<&str> = self
            .files
            .values()
            .map(|r| r.key.as_str())
            .chain(seen.iter().map(String::as_str))
            .collect();
        self.entries.retain(|key, _| used.contains(key.as_str()));
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    /// The text's length in bytes (a second check beside the key).
    len: usize,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    extracted: bool,
    issuer: Option<String>,
    year: Option<u16>,
    packs: Vec<String>,
    diagnostics: Vec<Finding>,
    /// `(offset, line, column)` of every offset the findings name.
    positions: Vec<(usize, u32, u32)>,
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
    fn new(stored: &Stored<'_>) -> Entry {
        let Stored {
            text,
            extracted,
            summary,
            diagnostics,
            positions,
        } = *stored;
        let range = |r: &std::ops::Range<usize>| (r.start, r.end);
        Entry {
            len: text.len(),
            extracted,
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
            positions: positions
                .positions()
                .iter()
                .map(|p| (p.offset, p.line, p.column))
                .collect(),
        }
    }

    /// The findings, or `None` when anything does not fit the text (when
    /// at hand: else its length), the positions or the rules in effect.
    fn rehydrate(&self, slot: &Slot, text: Option<&str>) -> Option<Cached> {
        if text.is_some_and(|t| t.len() != self.len) {
            return None;
        }
        let boundary = |p: usize| text.map_or(p <= self.len, |t| t.is_char_boundary(p));
        let range = |&(start, end): &(usize, usize)| {
            (start <= end && boundary(start) && boundary(end)).then_some(start..end)
        };
        let mut diagnostics = Vec::with_capacity(self.diagnostics.len());
        for finding in &self.diagnostics {
            let rule = slot.rules.get(&finding.rule)?.clone();
            let severity: Severity = finding.severity.parse().ok()?;
            let related = finding
                .related
                .iter()
                .map(|p| {
                    range(&p.range).map(|range| Related {
                        range,
                        message: p.message.clone(),
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            let fix = match &finding.fix {
                None => None,
                Some(fix) => {
                    let edits = fix
                        .edits
                        .iter()
                        .map(|p| {
                            range(&p.range).map(|range| Edit::replace(range, p.message.clone()))
                        })
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
                    Some(Fix::new(fix.title.clone(), applicability, edits))
                }
            };
            diagnostics.push(Diagnostic {
                rule,
                severity,
                message: finding.message.clone(),
                range: range(&finding.range)?,
                related,
                fix,
            });
        }
        let positions = self
            .positions
            .iter()
            .map(|&(offset, line, column)| Position {
                line,
                column,
                offset,
            })
            .collect();
        let positions =
            PositionTable::from_positions(positions).filter(|table| table.covers(&diagnostics))?;
        Some(Cached {
            summary: ReportSummary {
                issuer: self.issuer.clone(),
                year: self.year,
                regime: self.year.map(Regime::for_year),
                packs: self.packs.clone(),
            },
            diagnostics,
            positions,
        })
    }
}
