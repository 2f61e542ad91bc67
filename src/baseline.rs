//! Baselines: the findings a project has accepted for now, so that CI fails
//! only on new ones (`xxgk check --write-baseline FILE`, then
//! `--baseline FILE`). Pure: the command line reads and writes the file.
//!
//! A finding is identified without its line number, so that editing a report
//! above a known finding does not make it "new":
//!
//! - the rule id;
//! - its **section path**: the titles of the outline sections enclosing it
//!   (the section whose heading it is on included), each normalised by
//!   dropping the numbering marker (`一、`, `（二）`, `3.`…) and every character
//!   that is not a letter or digit (white space, punctuation), so renumbering
//!   or re-spacing headings keeps it;
//! - its **text**: the text of its range with white space removed; when the
//!   range starts on a heading's numbering marker and goes past it (a finding
//!   about a whole heading), the marker is left out too;
//! - its **occurrence**: its index among the findings of the same file with
//!   the same rule, section path and text, in document order;
//! - and, in the baseline file, the path of the report relative to the
//!   baseline file's folder (always with `/`).
//!
//! The first four are hashed into a `fingerprint` (FNV-1a, 128 bits, hex);
//! findings are matched on (path, fingerprint). The baseline file also keeps
//! the section path and an excerpt of the text, so that a reviewer can read
//! what was accepted. Format (docs/ci.md), one finding per line, sorted:
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": "xxgk",
//!   "findings": [
//!     {"path": "reports/2023.txt", "rule": "cn/placeholder-cross", "section": ["总体情况"], "text": "××", "occurrence": 0, "fingerprint": "…"}
//!   ]
//! }
//! ```

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::report::{BlockKind, Report, Section};

/// The baseline file format's version; bump on an incompatible change.
pub const VERSION: u32 = 1;

/// Characters of the normalised text kept in a baseline entry's `text` (the
/// fingerprint hashes all of it).
const EXCERPT_CHARS: usize = 40;

/// What identifies a finding within its file, without its position.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub rule: String,
    /// Normalised titles of the enclosing sections, outermost first.
    pub section: Vec<String>,
    /// The finding's text, normalised.
    pub text: String,
    /// Index among the file's findings with the same rule, section and text.
    pub occurrence: usize,
}

impl Key {
    /// The fingerprint of this key: 32 lowercase hex digits, the same on
    /// every platform and in every version of xxgk that reads baseline
    /// version 1.
    pub fn fingerprint(&self) -> String {
        let mut h = Fnv128::new();
        h.field(self.rule.as_bytes());
        for title in &self.section {
            h.field(title.as_bytes());
        }
        // The section path's length keeps ["a", "b"] + "c" apart from
        // ["a"] + "b" + "c".
        h.field(self.section.len().to_string().as_bytes());
        h.field(self.text.as_bytes());
        h.field(self.occurrence.to_string().as_bytes());
        h.hex()
    }

    /// The baseline entry for this key in the report at `path`.
    pub fn entry(&self, path: &str) -> Entry {
        Entry {
            path: path.to_owned(),
            rule: self.rule.clone(),
            section: self.section.clone(),
            text: excerpt(&self.text),
            occurrence: self.occurrence,
            fingerprint: self.fingerprint(),
        }
    }
}

/// A fingerprint that also covers the file's path (GitLab Code Quality
/// wants one unique across the whole report).
pub fn fingerprint_with_path(path: &str, key: &Key) -> String {
    let mut h = Fnv128::new();
    h.field(path.as_bytes());
    h.field(key.fingerprint().as_bytes());
    h.hex()
}

/// The keys of `diagnostics` (findings on `text`, parsed as `report`), in
/// the same order.
pub fn keys(text: &str, report: &Report, diagnostics: &[Diagnostic]) -> Vec<Key> {
    let mut seen: HashMap<(String, Vec<String>, String), usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let section = section_path(text, report, d.range.start);
            let finding_text = finding_text(text, report, &d.range);
            let n = seen
                .entry((d.rule.id.clone(), section.clone(), finding_text.clone()))
                .or_insert(0);
            let occurrence = *n;
            *n += 1;
            Key {
                rule: d.rule.id.clone(),
                section,
                text: finding_text,
                occurrence,
            }
        })
        .collect()
}

/// Normalised titles of the sections enclosing byte `offset`, outermost
/// first. A heading belongs to its own section.
pub fn section_path(text: &str, report: &Report, offset: usize) -> Vec<String> {
    let Some(block) = report.block_at(offset) else {
        return Vec::new();
    };
    let mut path = Vec::new();
    let mut level: &[Section] = &report.outline;
    while let Some(section) = level
        .iter()
        .find(|s| s.heading <= block && block < s.content.end.max(s.heading + 1))
    {
        if let Some(heading) = report.heading(section.heading) {
            path.push(normalize_title(
                text.get(heading.title_range.clone()).unwrap_or_default(),
            ));
        }
        level = &section.children;
    }
    path
}

/// A heading title without white space and punctuation (the numbering
/// marker is not part of the title).
pub fn normalize_title(title: &str) -> String {
    title.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The text of a finding's range without white space; without the heading's
/// numbering marker when the range starts on one and goes past it.
fn finding_text(text: &str, report: &Report, range: &std::ops::Range<usize>) -> String {
    let slice = |r: std::ops::Range<usize>| text.get(r).unwrap_or_default();
    let marker = report
        .block_at(range.start)
        .and_then(|b| report.blocks.get(b))
        .and_then(|b| match &b.kind {
            BlockKind::Heading(h) => Some(h.marker_range.clone()),
            _ => None,
        })
        .filter(|m| range.start <= m.start && m.start < m.end && m.end < range.end);
    let raw = match marker {
        Some(m) => format!("{}{}", slice(range.start..m.start), slice(m.end..range.end)),
        None => slice(range.clone()).to_owned(),
    };
    normalize_text(&raw)
}

/// Text without white space (including U+3000 and line breaks).
pub fn normalize_text(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn excerpt(s: &str) -> String {
    let mut chars = s.char_indices();
    match chars.nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}

/// One accepted finding, as stored in the baseline file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// The report's path relative to the baseline file's folder, with `/`.
    pub path: String,
    pub rule: String,
    /// For people: the normalised section path.
    #[serde(default)]
    pub section: Vec<String>,
    /// For people: the start of the normalised text.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub occurrence: usize,
    /// What is matched (with `path`).
    pub fingerprint: String,
}

/// A set of accepted findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// Sorted, without duplicates.
    entries: Vec<Entry>,
}

/// The result of holding a run's findings against a baseline.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Matched<'a> {
    /// For each file, for each of its keys: whether the baseline hides it.
    pub hidden: Vec<Vec<bool>>,
    /// Entries for files of the run that match no finding any more.
    pub stale: Vec<&'a Entry>,
    /// Entries for files that were not part of the run (the caller decides:
    /// a file that no longer exists makes them stale).
    pub unchecked: Vec<&'a Entry>,
}

#[derive(Serialize, Deserialize)]
struct FileHeader {
    version: u32,
}

#[derive(Deserialize)]
struct FileV1 {
    findings: Vec<Entry>,
}

impl Baseline {
    pub fn new(mut entries: Vec<Entry>) -> Self {
        entries.sort();
        entries.dedup();
        Baseline { entries }
    }

    /// Today's findings: each file's path (relative to the baseline's folder)
    /// and its keys.
    pub fn record<'a>(files: impl IntoIterator<Item = (&'a str, &'a [Key])>) -> Self {
        Baseline::new(
            files
                .into_iter()
                .flat_map(|(path, keys)| keys.iter().map(move |k| k.entry(path)))
                .collect(),
        )
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads a baseline file's text. Errors are in Chinese, located.
    pub fn parse(json: &str) -> Result<Self, String> {
        let located = |e: serde_json::Error| format!("第 {} 行第 {} 列：{e}", e.line(), e.column());
        let header: FileHeader = serde_json::from_str(json)
            .map_err(|e| format!("不是有效的基线文件（{}）", located(e)))?;
        if header.version != VERSION {
            return Err(format!(
                "基线文件版本 {} 不受支持（此版本的 xxgk 读写版本 {VERSION}）",
                header.version
            ));
        }
        let file: FileV1 = serde_json::from_str(json)
            .map_err(|e| format!("不是有效的基线文件（{}）", located(e)))?;
        Ok(Baseline::new(file.findings))
    }

    /// The baseline file's text: stable, sorted, one finding per line, with a
    /// trailing newline.
    pub fn to_json(&self) -> String {
        let mut out =
            format!("{{\n  \"version\": {VERSION},\n  \"tool\": \"xxgk\",\n  \"findings\": [");
        for (i, entry) in self.entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            // Serialising a struct of strings and integers cannot fail.
            out.push_str(&serde_json::to_string(entry).unwrap_or_default());
        }
        if !self.entries.is_empty() {
            out.push_str("\n  ");
        }
        out.push_str("]\n}\n");
        out
    }

    /// Holds the findings of a run (each file's baseline-relative path and
    /// keys) against the baseline.
    pub fn apply<'a>(&'a self, files: &[(&str, &[Key])]) -> Matched<'a> {
        // Entries by (path, fingerprint); each hides one finding.
        let mut available: HashMap<&str, HashMap<&str, Vec<usize>>> = HashMap::new();
        for (i, entry) in self.entries.iter().enumerate().rev() {
            available
                .entry(entry.path.as_str())
                .or_default()
                .entry(entry.fingerprint.as_str())
                .or_default()
                .push(i);
        }
        let mut used = vec![false; self.entries.len()];
        let mut hidden = Vec::with_capacity(files.len());
        for (path, keys) in files {
            hidden.push(
                keys.iter()
                    .map(|key| {
                        let fingerprint = key.fingerprint();
                        available
                            .get_mut(*path)
                            .and_then(|by_fingerprint| by_fingerprint.get_mut(fingerprint.as_str()))
                            .and_then(Vec::pop)
                            .map(|i| used[i] = true)
                            .is_some()
                    })
                    .collect(),
            );
        }
        let checked: HashSet<&str> = files.iter().map(|(p, _)| *p).collect();
        let mut stale = Vec::new();
        let mut unchecked = Vec::new();
        for (entry, used) in self.entries.iter().zip(used) {
            if used {
                continue;
            }
            if checked.contains(entry.path.as_str()) {
                stale.push(entry);
            } else {
                unchecked.push(entry);
            }
        }
        Matched {
            hidden,
            stale,
            unchecked,
        }
    }
}

/// `file` relative to the folder `base`, with `/` separators. Both should
/// be absolute (or both relative to the same folder); `.` and `..` are
/// resolved lexically. When they share no root (another drive), `file`
/// itself.
pub fn relative_path(base: &Path, file: &Path) -> String {
    let base = lexical(base);
    let file = lexical(file);
    let common = base.iter().zip(&file).take_while(|(a, b)| a == b).count();
    let shares_root = common > 0
        || (base.first().is_none_or(|c| !is_root(c)) && file.first().is_none_or(|c| !is_root(c)));
    if !shares_root {
        let mut out = String::new();
        let mut names = Vec::new();
        for part in &file {
            match part {
                Part::Root(root) => {
                    out.push_str(root);
                    if !out.ends_with('/') {
                        out.push('/');
                    }
                }
                other => names.push(other.as_str()),
            }
        }
        return out + &names.join("/");
    }
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(std::iter::repeat_n("..", base.len() - common));
    parts.extend(file[common..].iter().map(|c| c.as_str()));
    parts.join("/")
}

/// A path component as text (lossy for non-UTF-8 names).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Root(String),
    Name(String),
    Up,
}

impl Part {
    fn as_str(&self) -> &str {
        match self {
            Part::Root(s) | Part::Name(s) => s,
            Part::Up => "..",
        }
    }
}

fn is_root(p: &Part) -> bool {
    matches!(p, Part::Root(_))
}

fn lexical(path: &Path) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    for c in path.components() {
        match c {
            Component::Prefix(p) => parts.push(Part::Root(p.as_os_str().to_string_lossy().into())),
            Component::RootDir => match parts.last_mut() {
                Some(Part::Root(prefix)) => prefix.push('/'),
                _ => parts.push(Part::Root(String::new())),
            },
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Part::Name(_)) => {
                    parts.pop();
                }
                Some(Part::Root(_)) => {}
                _ => parts.push(Part::Up),
            },
            Component::Normal(name) => parts.push(Part::Name(name.to_string_lossy().into())),
        }
    }
    parts
}

/// FNV-1a, 128 bits: small, stable and dependency-free; the fingerprints are
/// identifiers, not secrets.
struct Fnv128(u128);

impl Fnv128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

    fn new() -> Self {
        Fnv128(Self::OFFSET)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// A field, with its length first so that fields cannot run together.
    fn field(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }

    /// The hash, its bits mixed (MurmurHash3's finaliser on each half) so
    /// that keys differing in their last byte do not give look-alike
    /// fingerprints.
    fn hex(&self) -> String {
        fn fmix(mut h: u64) -> u64 {
            h ^= h >> 33;
            h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
            h ^= h >> 33;
            h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
            h ^ (h >> 33)
        }
        let (hi, lo) = ((self.0 >> 64) as u64, self.0 as u64);
        let a = fmix(lo ^ hi.rotate_left(32));
        let b = fmix(hi ^ a);
        format!("{b:016x}{a:016x}")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::{RuleInfo, Severity};

    fn rule(id: &str) -> Arc<RuleInfo> {
        Arc::new(RuleInfo::bare(id))
    }

    /// Findings of `id` on every occurrence of `needle` in `text`.
    fn findings(text: &str, id: &str, needle: &str) -> Vec<Diagnostic> {
        let rule = rule(id);
        text.match_indices(needle)
            .map(|(at, _)| Diagnostic {
                rule: rule.clone(),
                severity: Severity::Warning,
                message: String::new(),
                range: at..at + needle.len(),
                related: Vec::new(),
                fix: None,
            })
            .collect()
    }

    fn keys_of(text: &str, needle: &str) -> Vec<Key> {
        keys(text, &Report::parse(text), &findings(text, "cn/x", needle))
    }

    const REPORT: &str = "某某局2023年政府信息公开工作年度报告\n\
                          一、总体情况\n\
                          本机关××为主管部门。\n\
                          （一）主动公开\n\
                          公开××条，另有××条。\n\
                          二、其他 事项\n\
                          无××。\n";

    #[test]
    fn section_path_titles_are_normalised_and_nested() {
        let k = keys_of(REPORT, "××");
        let sections: Vec<Vec<String>> = k.iter().map(|k| k.section.clone()).collect();
        assert_eq!(
            sections,
            [
                vec!["总体情况".to_owned()],
                vec!["总体情况".to_owned(), "主动公开".to_owned()],
                vec!["总体情况".to_owned(), "主动公开".to_owned()],
                vec!["其他事项".to_owned()],
            ]
        );
        assert_eq!(
            k.iter().map(|k| k.occurrence).collect::<Vec<_>>(),
            [0, 0, 1, 0]
        );
        assert!(k.iter().all(|k| k.text == "××"));
    }

    #[test]
    fn fingerprints_survive_lines_above_and_renumbering() {
        let before: Vec<String> = keys_of(REPORT, "××").iter().map(Key::fingerprint).collect();
        let edited = REPORT
            .replace("一、总体情况", "新增一段说明。\n\n一、总 体 情 况")
            .replace("二、其他 事项", "三、其他事项")
            .replace("（一）", "(二)");
        let after: Vec<String> = keys_of(&edited, "××")
            .iter()
            .map(Key::fingerprint)
            .collect();
        assert_eq!(before, after);
        // All different from one another.
        let mut unique = before.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), before.len());
    }

    #[test]
    fn preamble_findings_have_an_empty_section_path() {
        let text = "××局年度报告\n一、概述\n";
        let k = keys_of(text, "××");
        assert_eq!(k[0].section, Vec::<String>::new());
    }

    #[test]
    fn a_finding_on_a_heading_leaves_its_number_out() {
        let text = "一、概述\n正文。\n二、存在问题\n正文。\n";
        let report = Report::parse(text);
        let d = findings(text, "cn/sections", "二、存在问题");
        let k = keys(text, &report, &d);
        assert_eq!(k[0].section, ["存在问题"]);
        assert_eq!(k[0].text, "存在问题");
        // The number alone is kept: it is what such a finding is about.
        let d = findings(text, "gbt/numbering", "二、");
        assert_eq!(keys(text, &report, &d)[0].text, "二、");
    }

    #[test]
    fn text_is_stripped_of_white_space() {
        assert_eq!(normalize_text(" 虽然\u{3000}我乡\r\n工作 "), "虽然我乡工作");
        assert_eq!(normalize_title("（一）主动 公开、情况！"), "一主动公开情况");
    }

    #[test]
    fn fingerprint_is_stable() {
        let key = Key {
            rule: "cn/placeholder-cross".to_owned(),
            section: vec!["总体情况".to_owned()],
            text: "××".to_owned(),
            occurrence: 0,
        };
        // Changing this value breaks every baseline file: don't.
        assert_eq!(key.fingerprint(), "3ea2231b7d17ce43726fc2df36ab03c7");
        assert_ne!(
            key.fingerprint(),
            Key {
                occurrence: 1,
                ..key.clone()
            }
            .fingerprint()
        );
        let moved = Key {
            section: vec!["总体情况××".to_owned()],
            text: String::new(),
            ..key.clone()
        };
        assert_ne!(key.fingerprint(), moved.fingerprint());
        assert_ne!(
            fingerprint_with_path("a.txt", &key),
            fingerprint_with_path("b.txt", &key)
        );
    }

    #[test]
    fn round_trip_sorted_one_line_per_finding() {
        let k = keys_of(REPORT, "××");
        let b = Baseline::record([("b.txt", &k[..2]), ("a.txt", &k[2..])]);
        let json = b.to_json();
        assert!(
            json.starts_with(
                "{\n  \"version\": 1,\n  \"tool\": \"xxgk\",\n  \"findings\": [\n    \
                 {\"path\":\"a.txt\",\"rule\":\"cn/x\",\"section\":[\"其他事项\"],\"text\":\"××\",\"occurrence\":0,\"fingerprint\":\""
            ),
            "{json}"
        );
        assert_eq!(json.lines().count(), 4 + 4 + 2);
        assert!(json.ends_with("\n  ]\n}\n"));
        assert_eq!(Baseline::parse(&json), Ok(b.clone()));
        // Writing again gives the same bytes.
        assert_eq!(Baseline::parse(&json).map(|b| b.to_json()), Ok(json));
        assert_eq!(
            Baseline::default().to_json(),
            "{\n  \"version\": 1,\n  \"tool\": \"xxgk\",\n  \"findings\": []\n}\n"
        );
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let e = Baseline::parse("{\"version\": 1, \"findings\": [1]}").unwrap_err();
        assert!(e.contains("第 1 行"), "{e}");
        let e = Baseline::parse("{\"version\": 2, \"findings\": []}").unwrap_err();
        assert!(e.contains("版本 2"), "{e}");
        assert!(Baseline::parse("not json").is_err());
        // Unknown fields are ignored (added in later versions).
        assert!(Baseline::parse("{\"version\": 1, \"findings\": [], \"x\": 0}").is_ok());
    }

    #[test]
    fn apply_hides_known_findings_and_reports_stale_ones() {
        let k = keys_of(REPORT, "××");
        let b = Baseline::record([("r.txt", &k[..]), ("gone.txt", &k[..1])]);
        // The second ×× of （一） fixed: its entry (occurrence 1) is stale.
        let fixed = REPORT.replacen("另有××条", "另有3条", 1);
        let now = keys_of(&fixed, "××");
        let m = b.apply(&[("r.txt", &now)]);
        assert_eq!(m.hidden, vec![vec![true, true, true]]);
        assert_eq!(m.stale.len(), 1);
        assert_eq!(m.stale[0].occurrence, 1);
        assert_eq!(m.unchecked.len(), 1);
        assert_eq!(m.unchecked[0].path, "gone.txt");

        // A new one.
        let added = REPORT.replace("无××。", "无××。\n有××。");
        let now = keys_of(&added, "××");
        let m = b.apply(&[("r.txt", &now)]);
        assert_eq!(m.hidden, vec![vec![true, true, true, true, false]]);
        assert!(m.stale.is_empty());
    }

    #[test]
    fn relative_paths() {
        let p = |s: &str| Path::new(s).to_owned();
        assert_eq!(
            relative_path(&p("/w/repo"), &p("/w/repo/reports/a.txt")),
            "reports/a.txt"
        );
        assert_eq!(
            relative_path(&p("/w/repo/ci"), &p("/w/repo/./reports/../a.txt")),
            "../a.txt"
        );
        assert_eq!(relative_path(&p("/"), &p("/a.txt")), "a.txt");
        assert_eq!(relative_path(&p("."), &p("a.txt")), "a.txt");
        assert_eq!(relative_path(&p("/w"), &p("/w")), "");
    }
}
