//! GitLab Code Quality: a JSON array of issues, uploaded as the
//! `artifacts:reports:codequality` of a job; GitLab shows new and fixed
//! issues in the merge request.
//!
//! ```json
//! [{"description": "法规名称有误：…", "check_name": "cn/regulation-name",
//!   "fingerprint": "…32 hex digits…", "severity": "critical",
//!   "location": {"path": "reports/2023.txt", "lines": {"begin": 3, "end": 3}}}]
//! ```
//!
//! Severities: error → `critical`, warning → `major`, info → `minor`, hint →
//! `info` (`blocker` is not used). The fingerprint is the baseline's (rule,
//! section path, normalised text, occurrence; see `crate::baseline`) hashed
//! with the path, so it does not change when lines are added above a finding:
//! GitLab then does not report it as fixed and new again.

use std::io::{self, Write};

use serde::Serialize;

use super::CheckedFile;
use crate::baseline;
use crate::diagnostic::Severity;
use crate::report::Report;

pub(super) fn write(out: &mut dyn Write, files: &[CheckedFile]) -> io::Result<()> {
    let mut bytes = serde_json::to_vec(&issues(files)).map_err(io::Error::other)?;
    bytes.push(b'\n');
    out.write_all(&bytes)
}

fn issues(files: &[CheckedFile]) -> Vec<Issue<'_>> {
    let mut issues = Vec::new();
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let path = repository_path(&file.path);
        // The outline gives the section path of each finding's fingerprint.
        // Without the text (which `xxgk check` keeps for this format) the
        // fingerprint has no section path.
        let text = file.source().map_or("", |s| s.text.as_str());
        let report = Report::parse(text);
        let keys = baseline::keys(text, &report, &file.diagnostics);
        for (d, key) in file.diagnostics.iter().zip(&keys) {
            issues.push(Issue {
                description: &d.message,
                check_name: d.rule_id(),
                fingerprint: baseline::fingerprint_with_path(&path, key),
                severity: severity(d.severity),
                location: Location {
                    path: path.clone(),
                    lines: Lines {
                        begin: file.position(d.range.start).line,
                        end: file.position(d.range.end).line,
                    },
                },
            });
        }
    }
    issues
}

/// GitLab matches paths against the repository's: `/` separators, no `./`.
fn repository_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    rest.to_owned()
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "minor",
        Severity::Hint => "info",
    }
}

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::fixtures;
    use super::*;

    fn render(files: &[CheckedFile]) -> String {
        let mut out = Vec::new();
        write(&mut out, files).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn parse(files: &[CheckedFile]) -> Value {
        let text = render(files);
        assert!(text.ends_with('\n'));
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn snapshot_of_all_fixtures() {
        let rules = fixtures::rules();
        let files = fixtures::all(&rules);
        assert_eq!(
            render(&files),
            serde_json::to_string(&issues(&files)).unwrap() + "\n"
        );
        insta::assert_snapshot!(serde_json::to_string_pretty(&issues(&files)).unwrap());
    }

    #[test]
    fn issues_have_the_fields_gitlab_requires() {
        let rules = fixtures::rules();
        let v = parse(&[fixtures::three_findings(&rules), fixtures::clean()]);
        let issues = v.as_array().unwrap();
        assert_eq!(issues.len(), 3);
        let first = &issues[0];
        assert_eq!(first["description"], "法规名称有误：“条列”应为“条例”");
        assert_eq!(first["check_name"], "cn/regulation-name");
        assert_eq!(first["severity"], "critical");
        assert_eq!(first["location"]["path"], "reports/2023.txt");
        assert_eq!(first["location"]["lines"]["begin"], 3);
        assert_eq!(issues[1]["severity"], "major");
        assert_eq!(issues[1]["location"]["lines"]["begin"], 5);
        assert_eq!(issues[2]["severity"], "minor");
        assert_eq!(issues[2]["location"]["lines"]["begin"], 7);
        for issue in issues {
            let fp = issue["fingerprint"].as_str().unwrap();
            assert_eq!(fp.len(), 32);
            assert!(fp.chars().all(|c| c.is_ascii_hexdigit()));
        }
    }

    #[test]
    fn crlf_astral_and_windows_paths() {
        let rules = fixtures::rules();
        let v = parse(&[fixtures::crlf(&rules), fixtures::astral(&rules)]);
        assert_eq!(v[0]["location"]["path"], "reports/crlf.txt");
        assert_eq!(v[0]["location"]["lines"]["begin"], 2);
        assert_eq!(v[1]["severity"], "info");
        assert_eq!(
            v[1]["location"]["lines"],
            serde_json::json!({"begin": 2, "end": 2})
        );
        assert_eq!(v[2]["location"]["path"], "astral.txt");
        assert_eq!(v[2]["location"]["lines"]["begin"], 1);
    }

    #[test]
    fn fingerprints_ignore_lines_added_above() {
        let rules = fixtures::rules();
        let file = fixtures::three_findings(&rules);
        let before = parse(std::slice::from_ref(&file));
        // The same findings, two lines further down.
        let mut moved = fixtures::three_findings(&rules);
        let added = "说明：\n本报告另附表格。\n";
        let mut text = moved.source().expect("text").text.clone();
        let title_end = text.find('\n').unwrap() + 1;
        text.insert_str(title_end, added);
        moved.source = super::super::Located::Text(super::super::Source::new(text));
        for d in &mut moved.diagnostics {
            d.range = d.range.start + added.len()..d.range.end + added.len();
        }
        let after = parse(&[moved]);
        for (b, a) in before
            .as_array()
            .unwrap()
            .iter()
            .zip(after.as_array().unwrap())
        {
            assert_eq!(b["fingerprint"], a["fingerprint"]);
            assert_ne!(
                b["location"]["lines"]["begin"],
                a["location"]["lines"]["begin"]
            );
        }
        // Unique within the report.
        let all = parse(&fixtures::all(&rules));
        let mut fps: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        let n = fps.len();
        fps.sort_unstable();
        fps.dedup();
        assert_eq!(fps.len(), n);
    }

    #[test]
    fn repository_paths() {
        assert_eq!(repository_path("./reports/a.txt"), "reports/a.txt");
        assert_eq!(repository_path(".\\reports\\a.txt"), "reports/a.txt");
        assert_eq!(repository_path("a.txt"), "a.txt");
    }

    #[test]
    fn empty_array_without_findings() {
        assert_eq!(render(&[fixtures::clean()]), "[]\n");
        assert_eq!(render(&[]), "[]\n");
    }
}
