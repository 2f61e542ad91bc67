//! `xxgk check --statistics`: how many findings each rule made, instead of
//! the findings. One row per rule and severity, most frequent first (then by
//! rule id).
//!
//! Human format, a table:
//!
//! ```text
//! 数量  可修复  安全  级别  规则
//!    2       2     2  警告  gbt/heading-ordinal-dunhao
//!    1       1     0  错误  cn/sections-2007
//!
//! 共 3 个问题（可修复 3 个，其中安全修复 2 个），检查了 1 个文件。
//! ```
//!
//! JSON, one compact object with a trailing newline:
//!
//! ```json
//! {"version": 1,
//!  "statistics": [{"rule": "gbt/heading-ordinal-dunhao", "severity": "warning",
//!                  "count": 2, "fixable": 2, "safe": 2}],
//!  "summary": {"files": 1, "errors": 0, "warnings": 2, "infos": 0, "hints": 0}}
//! ```
//!
//! `fixable` counts the findings that come with a fix, `safe` those whose fix
//! `xxgk fix` applies without `--unsafe-fixes`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::{CheckedFile, Summary};
use crate::baseline::Entry;
use crate::diagnostic::Severity;

/// Findings of one rule at one severity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub severity: Severity,
    pub count: usize,
    pub fixable: usize,
    pub safe: usize,
}

/// Counts per rule and severity, most frequent first, then by rule id and
/// severity (most severe first).
pub fn count(files: &[CheckedFile]) -> Vec<RuleCount> {
    let mut by_rule: BTreeMap<(&str, std::cmp::Reverse<Severity>), RuleCount> = BTreeMap::new();
    for d in files.iter().flat_map(|f| &f.diagnostics) {
        let row = by_rule
            .entry((d.rule_id(), std::cmp::Reverse(d.severity)))
            .or_insert_with(|| RuleCount {
                rule: d.rule_id().to_owned(),
                severity: d.severity,
                count: 0,
                fixable: 0,
                safe: 0,
            });
        row.count += 1;
        if let Some(fix) = &d.fix {
            row.fixable += 1;
            if fix.is_safe() {
                row.safe += 1;
            }
        }
    }
    let mut rows: Vec<RuleCount> = by_rule.into_values().collect();
    // Stable: ties keep the map's order (rule id, then severity).
    rows.sort_by_key(|r| std::cmp::Reverse(r.count));
    rows
}

pub(super) fn write_human(out: &mut dyn Write, files: &[CheckedFile]) -> io::Result<()> {
    let rows = count(files);
    let summary = Summary::of(files);
    if rows.is_empty() {
        return writeln!(out, "未发现问题（检查了 {} 个文件）。", summary.files);
    }
    let headers = ["数量", "可修复", "安全"];
    let numbers: Vec<[String; 3]> = rows
        .iter()
        .map(|r| {
            [
                r.count.to_string(),
                r.fixable.to_string(),
                r.safe.to_string(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            numbers
                .iter()
                .map(|n| n[i].len())
                .chain([headers[i].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for (i, h) in headers.iter().enumerate() {
        text.push_str(&" ".repeat(widths[i] - h.width()));
        text.push_str(h);
        text.push_str("  ");
    }
    text.push_str("级别  规则\n");
    for (row, numbers) in rows.iter().zip(&numbers) {
        for (i, n) in numbers.iter().enumerate() {
            text.push_str(&format!("{n:>w$}  ", w = widths[i]));
        }
        text.push_str(row.severity.label_zh());
        text.push_str("  ");
        text.push_str(&row.rule);
        text.push('\n');
    }
    let total: usize = rows.iter().map(|r| r.count).sum();
    let fixable: usize = rows.iter().map(|r| r.fixable).sum();
    let safe: usize = rows.iter().map(|r| r.safe).sum();
    text.push_str(&format!(
        "\n共 {total} 个问题（可修复 {fixable} 个，其中安全修复 {safe} 个），检查了 {} 个文件。\n",
        summary.files
    ));
    out.write_all(text.as_bytes())
}

pub(super) fn write_json(
    out: &mut dyn Write,
    files: &[CheckedFile],
    stale_baseline: Option<&[&Entry]>,
) -> io::Result<()> {
    let mut bytes =
        serde_json::to_vec(&document(files, stale_baseline)).map_err(io::Error::other)?;
    bytes.push(b'\n');
    out.write_all(&bytes)
}

fn document<'a>(files: &[CheckedFile], stale_baseline: Option<&'a [&'a Entry]>) -> Document<'a> {
    let s = Summary::of(files);
    Document {
        version: 1,
        statistics: count(files),
        summary: JsonSummary {
            files: s.files,
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            hints: s.hints,
        },
        stale_baseline,
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    statistics: Vec<RuleCount>,
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_baseline: Option<&'a [&'a Entry]>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    hints: usize,
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    fn human(files: &[CheckedFile]) -> String {
        let mut out = Vec::new();
        write_human(&mut out, files).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn json(files: &[CheckedFile]) -> serde_json::Value {
        let mut out = Vec::new();
        write_json(&mut out, files, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches('\n').count(), 1, "compact, one line");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn snapshot_of_all_fixtures() {
        let rules = fixtures::rules();
        let files = fixtures::all(&rules);
        insta::assert_snapshot!(format!(
            "{}\n{}",
            human(&files),
            serde_json::to_string_pretty(&document(&files, None)).unwrap()
        ));
    }

    #[test]
    fn counts_per_rule_and_severity_most_frequent_first() {
        let rules = fixtures::rules();
        let rows = count(&fixtures::all(&rules));
        let summary: Vec<(&str, Severity, usize, usize, usize)> = rows
            .iter()
            .map(|r| (r.rule.as_str(), r.severity, r.count, r.fixable, r.safe))
            .collect();
        assert_eq!(
            summary,
            [
                ("cn/regulation-name", Severity::Error, 3, 3, 3),
                ("cn/duplicate-paragraph", Severity::Warning, 2, 0, 0),
                ("cn/missing-period", Severity::Info, 1, 1, 0),
                ("cn/missing-period", Severity::Hint, 1, 0, 0),
                ("cn/regulation-name", Severity::Warning, 1, 1, 1),
            ]
        );
    }

    #[test]
    fn human_table_is_aligned() {
        let rules = fixtures::rules();
        let out = human(&[fixtures::three_findings(&rules), fixtures::crlf(&rules)]);
        assert_eq!(
            out,
            "数量  可修复  安全  级别  规则\n\
             \x20  1       0     0  警告  cn/duplicate-paragraph\n\
             \x20  1       1     0  信息  cn/missing-period\n\
             \x20  1       0     0  提示  cn/missing-period\n\
             \x20  1       1     1  错误  cn/regulation-name\n\
             \x20  1       1     1  警告  cn/regulation-name\n\
             \n共 5 个问题（可修复 3 个，其中安全修复 2 个），检查了 2 个文件。\n"
        );
        assert_eq!(
            human(&[fixtures::clean()]),
            "未发现问题（检查了 1 个文件）。\n"
        );
    }

    #[test]
    fn json_object() {
        let rules = fixtures::rules();
        let v = json(&[fixtures::three_findings(&rules), fixtures::clean()]);
        assert_eq!(v["version"], 1);
        assert_eq!(
            v["statistics"][0],
            serde_json::json!({"rule": "cn/duplicate-paragraph", "severity": "warning", "count": 1, "fixable": 0, "safe": 0})
        );
        assert_eq!(v["statistics"].as_array().map(Vec::len), Some(3));
        assert_eq!(
            v["summary"],
            serde_json::json!({"files": 2, "errors": 1, "warnings": 1, "infos": 1, "hints": 0})
        );
        assert!(v.get("stale_baseline").is_none());
        assert_eq!(json(&[])["statistics"], serde_json::json!([]));
    }
}
