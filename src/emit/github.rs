//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! line per finding, which the runner turns into annotations on the pull
//! request.
//!
//! ```text
//! ::error file=a.txt,line=3,col=20,endLine=3,endColumn=22,title=cn/regulation-name::法规名称有误（依据：…）
//! ```
//!
//! Columns are in Unicode characters, like every other format.

use std::io::{self, Write};

use super::CheckedFile;
use crate::diagnostic::Severity;

pub(super) fn write(out: &mut dyn Write, files: &[CheckedFile]) -> io::Result<()> {
    for file in files {
        // GitHub matches annotations against repository paths, which use `/`.
        let path = escape_property(&file.path.replace('\\', "/"));
        for d in &file.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            let start = file.position(d.range.start);
            let end = file.position(d.range.end);
            let mut message = d.message.clone();
            if let Some(basis) = &d.rule.basis {
                message.push_str(&format!("（依据：{basis}）"));
            }
            writeln!(
                out,
                "::{command} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(d.rule_id()),
                escape_data(&message),
            )?;
        }
    }
    Ok(())
}

/// Escapes a command's message (after `::`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value (`key=value`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::fixtures;
    use super::*;
    use crate::diagnostic::Diagnostic;

    fn render(files: &[CheckedFile]) -> String {
        let mut out = Vec::new();
        write(&mut out, files).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot_of_all_fixtures() {
        let rules = fixtures::rules();
        insta::assert_snapshot!(render(&fixtures::all(&rules)));
    }

    #[test]
    fn one_line_per_finding_with_character_columns() {
        let rules = fixtures::rules();
        let out = render(&[
            fixtures::three_findings(&rules),
            fixtures::astral(&rules),
            fixtures::clean(),
        ]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[0],
            "::error file=reports/2023.txt,line=3,col=20,endLine=3,endColumn=22,title=cn/regulation-name::\
             法规名称有误：“条列”应为“条例”（依据：《中华人民共和国政府信息公开条例》（国务院令第711号）第五十条）"
        );
        assert_eq!(
            lines[1],
            "::warning file=reports/2023.txt,line=5,col=1,endLine=5,endColumn=20,title=cn/duplicate-paragraph::段落与前文重复"
        );
        assert!(
            lines[2].starts_with(
                "::notice file=reports/2023.txt,line=7,col=15,endLine=7,endColumn=15,"
            )
        );
        // After 𠮷 (one character, four bytes).
        assert!(
            lines[3].starts_with("::error file=astral.txt,line=1,col=17,endLine=1,endColumn=19,")
        );
    }

    #[test]
    fn crlf_and_windows_paths() {
        let rules = fixtures::rules();
        let out = render(&[fixtures::crlf(&rules)]);
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].starts_with(
                "::warning file=reports/crlf.txt,line=2,col=10,endLine=2,endColumn=12,"
            )
        );
        assert!(
            lines[1].starts_with(
                "::notice file=reports/crlf.txt,line=2,col=15,endLine=2,endColumn=15,"
            )
        );
        assert!(!out.contains('\r'));
    }

    #[test]
    fn escapes_messages_and_properties() {
        assert_eq!(escape_data("100%\r\n完成: a,b"), "100%25%0D%0A完成: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");

        let rules = fixtures::rules();
        let mut file = fixtures::clean();
        file.path = "年报,2023:终稿.txt".to_string();
        let mut rule = (*rules.duplicate_paragraph).clone();
        rule.id = "x/a:b,c".to_string();
        file.diagnostics.push(Diagnostic {
            rule: Arc::new(rule),
            severity: Severity::Hint,
            message: "第一行\n第二行 100%".to_string(),
            range: 0..3,
            related: Vec::new(),
            fix: None,
        });
        assert_eq!(
            render(&[file]),
            "::notice file=年报%2C2023%3A终稿.txt,line=1,col=1,endLine=1,endColumn=2,title=x/a%3Ab%2Cc::第一行%0A第二行 100%25\n"
        );
    }

    #[test]
    fn nothing_for_clean_files() {
        assert_eq!(render(&[fixtures::clean()]), "");
    }
}
