//! The JSON contract, version 1: one compact document with a trailing newline.
//!
//! ```json
//! {"version": 1,
//!  "files": [{"path": "…", "report": {"issuer": "…", "year": 2013, "regime": "2007", "packs": ["cn"]},
//!             "diagnostics": [{"rule": "…", "severity": "error", "message": "…", "basis": "…",
//!                              "url": "…", "pack": "cn",
//!                              "range": {"start": {"line": 1, "column": 1, "offset": 0},
//!                                        "end": {"line": 1, "column": 3, "offset": 6}},
//!                              "related": [{"range": {…}, "message": "…"}],
//!                              "fix": {"description": "…", "safe": true,
//!                                      "edits": [{"range": {…}, "text": "…"}]}}]}],
//!  "summary": {"files": 1, "errors": 0, "warnings": 0, "infos": 0, "hints": 0}}
//! ```
//!
//! Lines and columns are 1-based, columns in Unicode characters; `offset` is
//! the byte offset into the decoded (UTF-8) text. Fields may be added, never
//! removed or renamed, without changing `version`.

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use super::{CheckedFile, Position, Summary};
use crate::baseline::Entry;
use crate::diagnostic::{Diagnostic, Severity};
use crate::regime::Regime;

/// The contract's version; bump on an incompatible change.
const VERSION: u32 = 1;

/// Writes the JSON contract; with `--baseline`, the baseline entries that
/// match no finding any more are added as `"stale_baseline"`.
pub(super) fn write(
    out: &mut dyn Write,
    files: &[CheckedFile],
    stale_baseline: Option<&[&Entry]>,
) -> io::Result<()> {
    let mut document = document(files);
    document.stale_baseline = stale_baseline;
    // One write: `out` may be an unbuffered stdout.
    let mut bytes = serde_json::to_vec(&document).map_err(io::Error::other)?;
    bytes.push(b'\n');
    out.write_all(&bytes)
}

fn document(files: &[CheckedFile]) -> Document<'_> {
    Document {
        version: VERSION,
        files: files.iter().map(JsonFile::new).collect(),
        summary: JsonSummary::from(Summary::of(files)),
        stale_baseline: None,
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_baseline: Option<&'a [&'a Entry]>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    report: JsonReport<'a>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

impl<'a> JsonFile<'a> {
    fn new(file: &'a CheckedFile) -> Self {
        JsonFile {
            path: &file.path,
            report: JsonReport {
                issuer: file.report.issuer.as_deref(),
                year: file.report.year,
                regime: file.report.regime,
                packs: &file.report.packs,
            },
            diagnostics: file
                .diagnostics
                .iter()
                .map(|d| JsonDiagnostic::new(file, d))
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    issuer: Option<&'a str>,
    year: Option<u16>,
    regime: Option<Regime>,
    packs: &'a [String],
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    basis: Option<String>,
    url: Option<&'a str>,
    pack: &'a str,
    range: JsonRange,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(file: &'a CheckedFile, d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            rule: d.rule_id(),
            severity: d.severity,
            message: &d.message,
            basis: d.rule.basis.as_ref().map(ToString::to_string),
            url: d.rule.url.as_deref(),
            pack: &d.rule.provenance.pack,
            range: JsonRange::new(file, &d.range),
            related: d
                .related
                .iter()
                .map(|r| JsonRelated {
                    range: JsonRange::new(file, &r.range),
                    message: &r.message,
                })
                .collect(),
            fix: d.fix.as_ref().map(|fix| JsonFix {
                description: &fix.title,
                safe: fix.is_safe(),
                edits: fix
                    .edits()
                    .iter()
                    .map(|e| JsonEdit {
                        range: JsonRange::new(file, &e.range),
                        text: &e.text,
                    })
                    .collect(),
            }),
        }
    }
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

impl JsonRange {
    fn new(file: &CheckedFile, range: &Range<usize>) -> Self {
        JsonRange {
            start: file.position(range.start).into(),
            end: file.position(range.end).into(),
        }
    }
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    column: u32,
    offset: usize,
}

impl From<Position> for JsonPosition {
    fn from(p: Position) -> Self {
        JsonPosition {
            line: p.line,
            column: p.column,
            offset: p.offset,
        }
    }
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    range: JsonRange,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    safe: bool,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    range: JsonRange,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    hints: usize,
}

impl From<Summary> for JsonSummary {
    fn from(s: Summary) -> Self {
        JsonSummary {
            files: s.files,
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            hints: s.hints,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::fixtures;
    use super::*;

    fn render(files: &[CheckedFile]) -> String {
        let mut out = Vec::new();
        write(&mut out, files, None).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn parse(files: &[CheckedFile]) -> Value {
        let text = render(files);
        assert!(text.ends_with('\n'));
        assert_eq!(text.matches('\n').count(), 1, "compact, one line");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn snapshot_of_all_fixtures() {
        let rules = fixtures::rules();
        let files = fixtures::all(&rules);
        let compact = render(&files);
        assert_eq!(
            compact,
            serde_json::to_string(&document(&files)).unwrap() + "\n"
        );
        // Snapshot the same document pretty-printed, in field order, to keep it readable.
        insta::assert_snapshot!(serde_json::to_string_pretty(&document(&files)).unwrap());
    }

    #[test]
    fn contract_fields() {
        let rules = fixtures::rules();
        let files = [fixtures::three_findings(&rules)];
        let v = parse(&files);
        assert_eq!(v["version"], 1);
        let f = &v["files"][0];
        assert_eq!(f["path"], "reports/2023.txt");
        assert_eq!(f["report"]["issuer"], "广州市某某局");
        assert_eq!(f["report"]["year"], 2023);
        assert_eq!(f["report"]["regime"], "2021");
        assert_eq!(f["report"]["packs"], serde_json::json!(["cn", "gd"]));

        let d = &f["diagnostics"][0];
        assert_eq!(d["rule"], "cn/regulation-name");
        assert_eq!(d["severity"], "error");
        assert_eq!(
            d["basis"],
            "《中华人民共和国政府信息公开条例》（国务院令第711号）第五十条"
        );
        assert_eq!(d["url"], "https://xxgk.example/rules/cn/regulation-name");
        assert_eq!(d["pack"], "cn");
        // 本报告依据《中华人民共和国政府信息公开 = 19 characters before 条列.
        let start = &d["range"]["start"];
        assert_eq!(
            (start["line"].as_u64(), start["column"].as_u64()),
            (Some(3), Some(20))
        );
        let offset = files[0].source().expect("text").text.find("条列").unwrap();
        assert_eq!(start["offset"].as_u64(), Some(offset as u64));
        assert_eq!(d["range"]["end"]["column"], 22);
        assert_eq!(
            d["range"]["end"]["offset"].as_u64(),
            Some(offset as u64 + 6)
        );
        assert_eq!(d["related"], serde_json::json!([]));
        assert_eq!(d["fix"]["description"], "改为“条例”");
        assert_eq!(d["fix"]["safe"], true);
        assert_eq!(d["fix"]["edits"][0]["text"], "条例");
        assert_eq!(d["fix"]["edits"][0]["range"], d["range"]);

        let dup = &f["diagnostics"][1];
        assert_eq!(dup["severity"], "warning");
        assert_eq!(dup["basis"], Value::Null);
        assert_eq!(dup["url"], Value::Null);
        assert_eq!(dup["fix"], Value::Null);
        assert_eq!(dup["range"]["start"]["line"], 5);
        assert_eq!(dup["related"][0]["range"]["start"]["line"], 4);
        assert_eq!(dup["related"][0]["range"]["end"]["column"], 20);
        assert_eq!(dup["related"][0]["message"], "首次出现在此");

        let period = &f["diagnostics"][2];
        assert_eq!(period["severity"], "info");
        assert_eq!(period["range"]["start"], period["range"]["end"]);
        // 全年主动公开政府信息120条: 14 characters, the insertion point after them.
        assert_eq!(period["range"]["start"]["line"], 7);
        assert_eq!(period["range"]["start"]["column"], 15);
        assert_eq!(period["fix"]["safe"], false);
        assert_eq!(period["fix"]["edits"][0]["text"], "。");

        assert_eq!(
            v["summary"],
            serde_json::json!({"files": 1, "errors": 1, "warnings": 1, "infos": 1, "hints": 0})
        );
    }

    #[test]
    fn astral_character_counts_one_column() {
        let rules = fixtures::rules();
        let files = [fixtures::astral(&rules)];
        let v = parse(&files);
        let range = &v["files"][0]["diagnostics"][0]["range"];
        assert_eq!(range["start"]["line"], 1);
        assert_eq!(range["start"]["column"], 17);
        assert_eq!(range["end"]["column"], 19);
        // 𠮷 is four bytes, the fifteen other characters three each.
        assert_eq!(range["start"]["offset"], 4 + 15 * 3);
    }

    #[test]
    fn crlf_columns_ignore_the_carriage_return() {
        let rules = fixtures::rules();
        let files = [fixtures::crlf(&rules)];
        let v = parse(&files);
        let ds = &v["files"][0]["diagnostics"];
        assert_eq!(ds[0]["range"]["start"]["line"], 2);
        assert_eq!(ds[0]["range"]["start"]["column"], 10);
        // The insertion point at the end of line 2 (依据《政府信息公开条列》编制 = 14
        // characters), before the \r\n.
        assert_eq!(ds[1]["severity"], "hint");
        assert_eq!(ds[1]["range"]["start"]["line"], 2);
        assert_eq!(ds[1]["range"]["start"]["column"], 15);
        assert_eq!(v["files"][0]["report"]["issuer"], Value::Null);
        assert_eq!(v["files"][0]["report"]["regime"], "2007");
        assert_eq!(v["summary"]["hints"], 1);
    }

    #[test]
    fn file_without_findings_and_unknown_report() {
        let files = [fixtures::clean()];
        let v = parse(&files);
        assert_eq!(
            v["files"][0],
            serde_json::json!({
                "path": "clean.txt",
                "report": {"issuer": null, "year": null, "regime": null, "packs": []},
                "diagnostics": []
            })
        );
        assert_eq!(
            v["summary"],
            serde_json::json!({"files": 1, "errors": 0, "warnings": 0, "infos": 0, "hints": 0})
        );
    }

    #[test]
    fn no_files() {
        assert_eq!(
            render(&[]),
            "{\"version\":1,\"files\":[],\"summary\":{\"files\":0,\"errors\":0,\"warnings\":0,\"infos\":0,\"hints\":0}}\n"
        );
    }
}
