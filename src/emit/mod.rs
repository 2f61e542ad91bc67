//! Output formats for `xxgk check`: one module per format, all fed the same
//! checked files. Line and column are made here, at the edge.
//!
//! Architecture invariant: emitters hold no rule logic and know nothing of
//! LSP.

mod explain;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;
mod statistics;

use std::io::{self, Write};
use std::sync::OnceLock;

pub use crate::check::ReportSummary;
use crate::diagnostic::{Diagnostic, RuleInfo, Severity};
use crate::text::{LineIndex, WideEncoding};

pub use explain::{explain, pack_reference};
pub use human::HumanOptions;
pub use statistics::{RuleCount, count as statistics};

/// One checked file, ready to print.
pub struct CheckedFile {
    /// The path as the user named it (or `-` / the `--stdin-filename`).
    pub path: String,
    /// Where ranges in `diagnostics` (byte offsets) are.
    pub source: Located,
    pub report: ReportSummary,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// What an emitter can know of a checked file's text.
pub enum Located {
    /// The decoded text itself.
    Text(Source),
    /// Only the positions of the offsets the findings name: a file served
    /// from the result cache to a format that prints no text (see
    /// `Format::needs_text`), which then need not be read at all.
    Positions(PositionTable),
}

/// A decoded text and its line index.
pub struct Source {
    pub text: String,
    /// Built when first asked for: only formats that show the text need it
    /// (`Format::needs_text`); the others get a `PositionTable`.
    line_index: OnceLock<LineIndex>,
}

impl Source {
    pub fn new(text: String) -> Source {
        Source {
            text,
            line_index: OnceLock::new(),
        }
    }

    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column in Unicode characters, and the byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let lc = self.line_index().line_col(offset, WideEncoding::Utf32);
        Position {
            line: lc.line + 1,
            column: lc.col + 1,
            offset,
        }
    }
}

/// A UTF-8 byte that continues a character (10xxxxxx).
fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

/// The positions of every offset that findings name (their ranges, related
/// places and fix edits), sorted by offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PositionTable(Vec<Position>);

impl PositionTable {
    /// The offsets `diagnostics` name, located in `text` by one pass over it
    /// (a `LineIndex` of the whole text costs far more for a few findings).
    pub fn of(text: &str, diagnostics: &[Diagnostic]) -> PositionTable {
        let mut offsets: Vec<usize> = diagnostics
            .iter()
            .flat_map(|d| {
                let edits = d.fix.iter().flat_map(|f| f.edits()).map(|e| &e.range);
                std::iter::once(&d.range)
                    .chain(d.related.iter().map(|r| &r.range))
                    .chain(edits)
            })
            .flat_map(|r| [r.start, r.end])
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        let bytes = text.as_bytes();
        // The line and column reached so far, at byte `at`.
        let (mut line, mut column, mut at) = (1u32, 1u32, 0usize);
        let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| !is_continuation(b)).count() as u32;
        let positions = offsets.into_iter().map(|offset| {
            // Past the end: the end; inside a character: that character.
            let mut to = offset.min(text.len());
            while !text.is_char_boundary(to) {
                to -= 1;
            }
            let passed = &bytes[at..to];
            match memchr::memrchr(b'\n', passed) {
                Some(last) => {
                    line += memchr::memchr_iter(b'\n', passed).count() as u32;
                    column = 1 + chars(&passed[last + 1..]);
                }
                None => column += chars(passed),
            }
            at = to;
            Position {
                line,
                column,
                offset,
            }
        });
        PositionTable(positions.collect())
    }

    /// A table read back from storage; `None` unless sorted by offset
    /// without repeats and 1-based.
    pub fn from_positions(positions: Vec<Position>) -> Option<PositionTable> {
        let sorted = positions.windows(2).all(|w| w[0].offset < w[1].offset);
        let based = positions.iter().all(|p| p.line >= 1 && p.column >= 1);
        (sorted && based).then_some(PositionTable(positions))
    }

    pub fn positions(&self) -> &[Position] {
        &self.0
    }

    /// Whether every offset `diagnostics` name is in the table.
    pub fn covers(&self, diagnostics: &[Diagnostic]) -> bool {
        let named = |o: usize| self.0.binary_search_by_key(&o, |p| p.offset).is_ok();
        diagnostics.iter().all(|d| {
            let edits = d.fix.iter().flat_map(|f| f.edits()).map(|e| &e.range);
            std::iter::once(&d.range)
                .chain(d.related.iter().map(|r| &r.range))
                .chain(edits)
                .all(|r| named(r.start) && named(r.end))
        })
    }

    /// The position of `offset`; an offset not in the table (which no
    /// finding names) gets the nearest one before it.
    fn position(&self, offset: usize) -> Position {
        let at = match self.0.binary_search_by_key(&offset, |p| p.offset) {
            Ok(i) => Some(i),
            Err(i) => i.checked_sub(1),
        };
        at.and_then(|i| self.0.get(i)).copied().unwrap_or(Position {
            line: 1,
            column: 1,
            offset,
        })
    }
}

impl CheckedFile {
    /// A file whose text is at hand.
    pub fn with_text(
        path: String,
        text: String,
        report: ReportSummary,
        diagnostics: Vec<Diagnostic>,
    ) -> CheckedFile {
        CheckedFile {
            path,
            source: Located::Text(Source::new(text)),
            report,
            diagnostics,
        }
    }

    /// The text, unless only positions were kept.
    pub fn source(&self) -> Option<&Source> {
        match &self.source {
            Located::Text(source) => Some(source),
            Located::Positions(_) => None,
        }
    }

    /// 1-based line and column in Unicode characters, and the byte offset.
    pub fn position(&self, offset: usize) -> Position {
        match &self.source {
            Located::Text(source) => source.position(offset),
            Located::Positions(table) => table.position(offset),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
}

/// Output formats. The variants' doc comments are the help `xxgk check
/// --help` shows for each value, hence in Chinese.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 带上下文片段和下划线，供人阅读
    Human,
    /// JSON 契约（版本 1），供脚本使用
    Json,
    /// SARIF 2.1.0，供代码扫描平台
    Sarif,
    /// GitHub Actions 工作流注释
    Github,
    /// JUnit XML（每个文件一个测试套件，每个问题一个测试用例），供 CI 的测试报告
    Junit,
    /// GitLab 代码质量（Code Quality）JSON，供合并请求
    Gitlab,
}

impl Format {
    /// Whether `--statistics` can be written in this format.
    pub fn has_statistics(self) -> bool {
        matches!(self, Format::Human | Format::Json)
    }

    /// Whether the format prints more of a file than its findings'
    /// positions: snippets (human) or fingerprints from the outline
    /// (GitLab). The others can print a file known only by `PositionTable`.
    pub fn needs_text(self) -> bool {
        matches!(self, Format::Human | Format::Gitlab)
    }
}

/// What `xxgk check` may add around the findings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Extras<'a> {
    /// Counts per rule instead of the findings (`--statistics`; human and
    /// JSON formats only, see `Format::has_statistics`).
    pub statistics: bool,
    /// `--baseline`: the baseline's entries that match no finding any more;
    /// the JSON formats add them as `"stale_baseline"` (other formats leave
    /// them to the caller, which notes them on stderr).
    pub stale_baseline: Option<&'a [&'a crate::baseline::Entry]>,
}

/// Counts by severity over all files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
}

impl Summary {
    pub fn of(files: &[CheckedFile]) -> Summary {
        let mut s = Summary {
            files: files.len(),
            ..Summary::default()
        };
        for d in files.iter().flat_map(|f| &f.diagnostics) {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
                Severity::Hint => s.hints += 1,
            }
        }
        s
    }
}

/// Writes `files` in `format`. `rules` is every rule that was in effect (SARIF
/// lists them all in `tool.driver.rules`, not only those that fired).
pub fn write(
    out: &mut dyn Write,
    format: Format,
    files: &[CheckedFile],
    rules: &[std::sync::Arc<RuleInfo>],
    human: &HumanOptions,
    extras: &Extras<'_>,
) -> io::Result<()> {
    if extras.statistics {
        return match format {
            Format::Human => statistics::write_human(out, files),
            Format::Json => statistics::write_json(out, files, extras.stale_baseline),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "--statistics 只能用于 human 和 json 格式",
            )),
        };
    }
    match format {
        Format::Human => human::write(out, files, human),
        Format::Json => json::write(out, files, extras.stale_baseline),
        Format::Sarif => sarif::write(out, files, rules),
        Format::Github => github::write(out, files),
        Format::Junit => junit::write(out, files),
        Format::Gitlab => gitlab::write(out, files),
    }
}

/// Hand-made checked files shared by the emitters' tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use std::ops::Range;
    use std::sync::Arc;

    use super::{CheckedFile, ReportSummary};
    use crate::diagnostic::{
        Applicability, Basis, Diagnostic, Edit, Fix, Provenance, Related, RuleInfo, Severity,
    };
    use crate::regime::Regime;

    /// The byte range of the `nth` (0-based) occurrence of `needle`.
    pub(crate) fn find(text: &str, needle: &str, nth: usize) -> Range<usize> {
        let start = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("{needle:?} not in fixture"))
            .0;
        start..start + needle.len()
    }

    fn rule(
        id: &str,
        severity: Severity,
        summary: &str,
        basis: Option<Basis>,
        url: Option<&str>,
    ) -> Arc<RuleInfo> {
        let pack = id.split('/').next().unwrap_or_default().to_string();
        Arc::new(RuleInfo {
            id: id.to_string(),
            kind: "fixture",
            severity,
            summary: summary.to_string(),
            description: None,
            basis,
            url: url.map(str::to_string),
            examples_bad: Vec::new(),
            examples_good: Vec::new(),
            fixable: false,
            provenance: Provenance {
                level: if pack == "cn" { "national" } else { "province" }.to_string(),
                source: format!("rules/{id}.toml"),
                pack,
            },
        })
    }

    pub(crate) struct Rules {
        pub regulation_name: Arc<RuleInfo>,
        pub duplicate_paragraph: Arc<RuleInfo>,
        pub missing_period: Arc<RuleInfo>,
        /// In effect but never fires in the fixtures.
        pub table_total: Arc<RuleInfo>,
    }

    impl Rules {
        pub(crate) fn all(&self) -> Vec<Arc<RuleInfo>> {
            vec![
                self.regulation_name.clone(),
                self.duplicate_paragraph.clone(),
                self.missing_period.clone(),
                self.table_total.clone(),
            ]
        }
    }

    pub(crate) fn rules() -> Rules {
        let mut regulation_name = (*rule(
            "cn/regulation-name",
            Severity::Error,
            "法规名称有误",
            Some(Basis {
                document: "《中华人民共和国政府信息公开条例》".to_string(),
                number: Some("国务院令第711号".to_string()),
                article: Some("第五十条".to_string()),
            }),
            Some("https://xxgk.example/rules/cn/regulation-name"),
        ))
        .clone();
        regulation_name.kind = "regulation-name";
        regulation_name.description = Some("年度报告引用的法规名称须与正式名称一致。".to_string());
        regulation_name.examples_bad = vec!["依据《政府信息公开条列》".to_string()];
        regulation_name.examples_good = vec!["依据《中华人民共和国政府信息公开条例》".to_string()];
        regulation_name.fixable = true;
        Rules {
            regulation_name: Arc::new(regulation_name),
            duplicate_paragraph: rule(
                "cn/duplicate-paragraph",
                Severity::Warning,
                "段落重复",
                None,
                None,
            ),
            missing_period: rule(
                "cn/missing-period",
                Severity::Info,
                "句末缺少句号",
                Some(Basis {
                    document: "《标点符号用法》".to_string(),
                    number: Some("GB/T 15834—2011".to_string()),
                    article: None,
                }),
                None,
            ),
            table_total: rule(
                "gd/table-total",
                Severity::Hint,
                "表格合计与分项之和不符",
                None,
                None,
            ),
        }
    }

    fn file(
        path: &str,
        text: String,
        report: ReportSummary,
        diagnostics: Vec<Diagnostic>,
    ) -> CheckedFile {
        CheckedFile::with_text(path.to_string(), text, report, diagnostics)
    }

    fn regulation_name(rules: &Rules, text: &str, nth: usize, severity: Severity) -> Diagnostic {
        let range = find(text, "条列", nth);
        Diagnostic {
            rule: rules.regulation_name.clone(),
            severity,
            message: "法规名称有误：“条列”应为“条例”".to_string(),
            fix: Some(Fix::new(
                "改为“条例”",
                Applicability::Safe,
                vec![Edit::replace(range.clone(), "条例")],
            )),
            range,
            related: Vec::new(),
        }
    }

    /// (a) Three findings on CJK text: a replacement fix, a related location,
    /// an insertion point with an unsafe insertion fix.
    pub(crate) fn three_findings(rules: &Rules) -> CheckedFile {
        let text = "广州市某某局2023年政府信息公开工作年度报告\n\
                    一、总体情况\n\
                    本报告依据《中华人民共和国政府信息公开条列》编制。\n\
                    本机关坚持以公开为常态、不公开为例外。\n\
                    本机关坚持以公开为常态、不公开为例外。\n\
                    二、主动公开政府信息情况\n\
                    全年主动公开政府信息120条\n"
            .to_string();
        let para = "本机关坚持以公开为常态、不公开为例外。";
        let period = find(&text, "120条", 0).end;
        let diagnostics = vec![
            regulation_name(rules, &text, 0, Severity::Error),
            Diagnostic {
                rule: rules.duplicate_paragraph.clone(),
                severity: Severity::Warning,
                message: "段落与前文重复".to_string(),
                range: find(&text, para, 1),
                related: vec![Related {
                    range: find(&text, para, 0),
                    message: "首次出现在此".to_string(),
                }],
                fix: None,
            },
            Diagnostic {
                rule: rules.missing_period.clone(),
                severity: Severity::Info,
                message: "句末缺少句号".to_string(),
                range: period..period,
                related: Vec::new(),
                fix: Some(Fix::new(
                    "补上句号",
                    Applicability::Unsafe,
                    vec![Edit::insert(period, "。")],
                )),
            },
        ];
        let report = ReportSummary {
            issuer: Some("广州市某某局".to_string()),
            year: Some(2023),
            regime: Some(Regime::R2021),
            packs: vec!["cn".to_string(), "gd".to_string()],
        };
        file("reports/2023.txt", text, report, diagnostics)
    }

    /// (b) CRLF line breaks; a replacement on line 2 and an insertion at the
    /// end of line 2, before the `\r\n`.
    pub(crate) fn crlf(rules: &Rules) -> CheckedFile {
        let text = "一、总体情况\r\n依据《政府信息公开条列》编制\r\n三、其他\r\n".to_string();
        let end = find(&text, "编制", 0).end;
        let diagnostics = vec![
            regulation_name(rules, &text, 0, Severity::Warning),
            Diagnostic {
                rule: rules.missing_period.clone(),
                severity: Severity::Hint,
                message: "句末缺少句号".to_string(),
                range: end..end,
                related: Vec::new(),
                fix: None,
            },
        ];
        let report = ReportSummary {
            issuer: None,
            year: Some(2013),
            regime: Some(Regime::R2007),
            packs: vec!["cn".to_string()],
        };
        file("reports\\crlf.txt", text, report, diagnostics)
    }

    /// (c) An astral character (𠮷, four bytes, two UTF-16 units) before the
    /// finding: its column is 17 in characters.
    pub(crate) fn astral(rules: &Rules) -> CheckedFile {
        let text = "𠮷野家：本报告依据《政府信息公开条列》编制。\n".to_string();
        let diagnostics = vec![regulation_name(rules, &text, 0, Severity::Error)];
        file("astral.txt", text, ReportSummary::default(), diagnostics)
    }

    /// (d) No findings.
    pub(crate) fn clean() -> CheckedFile {
        let text = "一、总体情况\n无。\n".to_string();
        file("clean.txt", text, ReportSummary::default(), Vec::new())
    }

    /// (e) One line of about 200 kB with a finding in the middle (and one with
    /// a span of 30 000 characters).
    pub(crate) fn long_line(rules: &Rules) -> CheckedFile {
        let half = "政务公开".repeat(8_400);
        let text = format!("{half}依据《政府信息公开条列》编制{half}");
        let mut diagnostics = vec![regulation_name(rules, &text, 0, Severity::Error)];
        let mid = find(&text, "条列", 0).start;
        diagnostics.insert(
            0,
            Diagnostic {
                rule: rules.duplicate_paragraph.clone(),
                severity: Severity::Warning,
                message: "段落过长".to_string(),
                range: mid - 90_000..mid,
                related: vec![Related {
                    range: mid + 60_000..mid + 60_012,
                    message: "另见此处".to_string(),
                }],
                fix: None,
            },
        );
        file("long.txt", text, ReportSummary::default(), diagnostics)
    }

    /// All five, in order (a)–(e).
    pub(crate) fn all(rules: &Rules) -> Vec<CheckedFile> {
        vec![
            three_findings(rules),
            crlf(rules),
            astral(rules),
            clean(),
            long_line(rules),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::Entry;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass table gives every named offset the position the line
        /// index gives it: past the end, inside a character, around CRLF.
        #[test]
        fn position_table_agrees_with_the_line_index(
            text in "[a\r\n一𠮷 ]{0,40}",
            ranges in proptest::collection::vec((0usize..50, 0usize..50), 1..6),
        ) {
            let rule = std::sync::Arc::new(RuleInfo::bare("cn/x"));
            let diagnostics: Vec<Diagnostic> = ranges
                .iter()
                .map(|&(a, b)| Diagnostic {
                    rule: rule.clone(),
                    severity: Severity::Warning,
                    message: String::new(),
                    range: a.min(b)..a.max(b),
                    related: Vec::new(),
                    fix: None,
                })
                .collect();
            let table = PositionTable::of(&text, &diagnostics);
            let source = Source::new(text);
            for &(a, b) in &ranges {
                for offset in [a, b] {
                    prop_assert_eq!(table.position(offset), source.position(offset));
                }
            }
        }
    }

    fn entry() -> Entry {
        Entry {
            path: "a.txt".to_owned(),
            rule: "cn/x".to_owned(),
            section: vec!["总体情况".to_owned()],
            text: "××".to_owned(),
            occurrence: 0,
            fingerprint: "0".repeat(32),
        }
    }

    fn render(format: Format, files: &[CheckedFile], extras: &Extras<'_>) -> io::Result<String> {
        let mut out = Vec::new();
        write(
            &mut out,
            format,
            files,
            &[],
            &HumanOptions::default(),
            extras,
        )?;
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    #[test]
    fn json_gains_stale_baseline_at_the_end() {
        let e = entry();
        let stale = [&e];
        let extras = Extras {
            stale_baseline: Some(&stale),
            ..Extras::default()
        };
        let out = render(Format::Json, &[fixtures::clean()], &extras).unwrap();
        assert!(
            out.starts_with("{\"version\":1,\"files\":[{\"path\":\"clean.txt\""),
            "{out}"
        );
        assert!(out.ends_with(
            ",\"summary\":{\"files\":1,\"errors\":0,\"warnings\":0,\"infos\":0,\"hints\":0},\
             \"stale_baseline\":[{\"path\":\"a.txt\",\"rule\":\"cn/x\",\"section\":[\"总体情况\"],\"text\":\"××\",\"occurrence\":0,\"fingerprint\":\"00000000000000000000000000000000\"}]}\n"
        ), "{out}");
        let empty = Extras {
            stale_baseline: Some(&[]),
            ..Extras::default()
        };
        let out = render(Format::Json, &[], &empty).unwrap();
        assert!(
            out.ends_with("\"hints\":0},\"stale_baseline\":[]}\n"),
            "{out}"
        );
        // Without a baseline, the contract's document as it is.
        assert!(
            !render(Format::Json, &[], &Extras::default())
                .unwrap()
                .contains("stale")
        );
    }

    #[test]
    fn statistics_only_in_human_and_json() {
        let extras = Extras {
            statistics: true,
            ..Extras::default()
        };
        for format in [Format::Sarif, Format::Github, Format::Junit, Format::Gitlab] {
            assert!(!format.has_statistics());
            assert!(render(format, &[], &extras).is_err());
        }
        assert!(render(Format::Human, &[], &extras).is_ok());
        assert!(render(Format::Json, &[], &extras).is_ok());
    }
}
