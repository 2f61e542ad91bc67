//! JUnit XML, for CI services that show test reports (GitLab, Jenkins,
//! Azure Pipelines…): one `<testsuite>` per file, one `<testcase>` per
//! finding, so that each finding is listed with its place; a file without
//! findings gets one passing test case (named `xxgk`), so that every checked
//! file shows up.
//!
//! ```xml
//! <testsuite name="reports/2023.txt" tests="1" failures="1" errors="0" skipped="0">
//!   <testcase name="cn/regulation-name @ 3:20" classname="reports/2023.txt" file="reports/2023.txt" line="3">
//!     <failure type="error" message="法规名称有误：“条列”应为“条例”">reports/2023.txt:3:20: 错误[cn/regulation-name] 法规名称有误：“条列”应为“条例”
//! 依据：《中华人民共和国政府信息公开条例》（国务院令第711号）第五十条
//! 修复：改为“条例”（安全）</failure>
//!   </testcase>
//! </testsuite>
//! ```
//!
//! The failure's `type` is the severity (`error`, `warning`, `info`,
//! `hint`); its text starts with `path:line:column` (columns in Unicode
//! characters). Characters XML 1.0 cannot carry (control characters other
//! than tab and line breaks) become U+FFFD.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::CheckedFile;
use crate::diagnostic::Diagnostic;

pub(super) fn write(out: &mut dyn Write, files: &[CheckedFile]) -> io::Result<()> {
    // Built whole, then written once: `out` may be an unbuffered stdout.
    out.write_all(document(files).as_bytes())
}

fn document(files: &[CheckedFile]) -> String {
    let tests: usize = files.iter().map(|f| f.diagnostics.len().max(1)).sum();
    let failures: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"xxgk\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for file in files {
        suite(&mut xml, file);
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn suite(xml: &mut String, file: &CheckedFile) {
    let path = file.path.replace('\\', "/");
    let path_attr = escape(&path, true);
    let n = file.diagnostics.len();
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{path_attr}\" tests=\"{}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">",
        n.max(1)
    );
    if file.diagnostics.is_empty() {
        let _ = writeln!(
            xml,
            "    <testcase name=\"xxgk\" classname=\"{path_attr}\" file=\"{path_attr}\"/>"
        );
    }
    let mut names = HashSet::new();
    for d in &file.diagnostics {
        case(xml, file, &path, d, &mut names);
    }
    xml.push_str("  </testsuite>\n");
}

fn case(
    xml: &mut String,
    file: &CheckedFile,
    path: &str,
    d: &Diagnostic,
    names: &mut HashSet<String>,
) {
    let start = file.position(d.range.start);
    // Test names must be unique in a suite for most viewers to list them all.
    let base = format!("{} @ {}:{}", d.rule_id(), start.line, start.column);
    let mut name = base.clone();
    let mut n = 1;
    while !names.insert(name.clone()) {
        n += 1;
        name = format!("{base} ({n})");
    }
    let mut body = format!(
        "{path}:{}:{}: {}[{}] {}",
        start.line,
        start.column,
        d.severity.label_zh(),
        d.rule_id(),
        d.message
    );
    if let Some(basis) = &d.rule.basis {
        let _ = write!(body, "\n依据：{basis}");
    }
    if let Some(fix) = &d.fix {
        let safety = if fix.is_safe() { "安全" } else { "需确认" };
        let _ = write!(body, "\n修复：{}（{safety}）", fix.title);
    }
    if let Some(url) = &d.rule.url {
        let _ = write!(body, "\n说明：{url}");
    }
    let path_attr = escape(path, true);
    let _ = writeln!(
        xml,
        "    <testcase name=\"{}\" classname=\"{path_attr}\" file=\"{path_attr}\" line=\"{}\">",
        escape(&name, true),
        start.line
    );
    let _ = writeln!(
        xml,
        "      <failure type=\"{}\" message=\"{}\">{}</failure>",
        d.severity.as_str(),
        escape(&d.message, true),
        escape(&body, false)
    );
    xml.push_str("    </testcase>\n");
}

/// Escapes text for XML 1.0 content, or for a double- or single-quoted
/// attribute value (where line breaks and tabs must be character references
/// to survive attribute-value normalisation).
fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            // A raw CR would be read as a line break (and CRLF as one LF).
            '\r' => out.push_str("&#13;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::fixtures;
    use super::*;
    use crate::diagnostic::Severity;

    fn render(files: &[CheckedFile]) -> String {
        let mut out = Vec::new();
        write(&mut out, files).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot_of_all_fixtures() {
        let rules = fixtures::rules();
        let out = render(&fixtures::all(&rules));
        // The 200 kB line is not in any message: the document stays small.
        assert!(out.len() < 10_000, "{}", out.len());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn one_suite_per_file_one_case_per_finding() {
        let rules = fixtures::rules();
        let out = render(&[fixtures::three_findings(&rules), fixtures::clean()]);
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"xxgk\" tests=\"4\" failures=\"3\" errors=\"0\">\n"), "{out}");
        assert!(out.contains(
            "<testsuite name=\"reports/2023.txt\" tests=\"3\" failures=\"3\" errors=\"0\" skipped=\"0\">"
        ));
        assert!(out.contains(
            "<testcase name=\"cn/regulation-name @ 3:20\" classname=\"reports/2023.txt\" file=\"reports/2023.txt\" line=\"3\">\n      \
             <failure type=\"error\" message=\"法规名称有误：“条列”应为“条例”\">reports/2023.txt:3:20: 错误[cn/regulation-name] 法规名称有误：“条列”应为“条例”\n\
             依据：《中华人民共和国政府信息公开条例》（国务院令第711号）第五十条\n\
             修复：改为“条例”（安全）\n\
             说明：https://xxgk.example/rules/cn/regulation-name</failure>"
        ), "{out}");
        assert!(out.contains("<failure type=\"warning\" message=\"段落与前文重复\">reports/2023.txt:5:1: 警告[cn/duplicate-paragraph]"));
        assert!(out.contains("<testcase name=\"cn/missing-period @ 7:15\""));
        assert!(out.contains("修复：补上句号（需确认）"));
        // The clean file passes.
        assert!(out.contains(
            "<testsuite name=\"clean.txt\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    \
             <testcase name=\"xxgk\" classname=\"clean.txt\" file=\"clean.txt\"/>\n  </testsuite>"
        ));
        assert!(out.ends_with("</testsuites>\n"));
    }

    #[test]
    fn crlf_astral_and_windows_paths() {
        let rules = fixtures::rules();
        let out = render(&[fixtures::crlf(&rules), fixtures::astral(&rules)]);
        assert!(
            out.contains("name=\"cn/regulation-name @ 2:10\" classname=\"reports/crlf.txt\""),
            "{out}"
        );
        assert!(
            out.contains(">reports/crlf.txt:2:15: 提示[cn/missing-period]"),
            "{out}"
        );
        assert!(
            out.contains(">astral.txt:1:17: 错误[cn/regulation-name]"),
            "{out}"
        );
        assert!(!out.contains('\r'));
    }

    #[test]
    fn escapes_markup_quotes_line_breaks_and_control_characters() {
        assert_eq!(
            escape("a<b>&\"c\" 'd'\n\t\r\u{1}\u{7f}]]>", true),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#10;&#9;&#13;\u{FFFD}\u{7f}]]&gt;"
        );
        assert_eq!(escape("a\"'\nb\r\u{0}", false), "a\"'\nb&#13;\u{FFFD}");

        let rules = fixtures::rules();
        let mut file = fixtures::clean();
        file.path = "年报<2023>&\"终稿\".txt".to_string();
        let mut rule = (*rules.duplicate_paragraph).clone();
        rule.id = "x/<a&b>".to_string();
        let rule = Arc::new(rule);
        for _ in 0..2 {
            file.diagnostics.push(Diagnostic {
                rule: rule.clone(),
                severity: Severity::Hint,
                message: "第一行\n第二行 <“&”>\u{c}".to_string(),
                range: 0..3,
                related: Vec::new(),
                fix: None,
            });
        }
        let out = render(&[file]);
        assert!(
            out.contains("<testsuite name=\"年报&lt;2023&gt;&amp;&quot;终稿&quot;.txt\""),
            "{out}"
        );
        assert!(
            out.contains("<testcase name=\"x/&lt;a&amp;b&gt; @ 1:1\""),
            "{out}"
        );
        // Two findings at one place: the second case's name is made unique.
        assert!(
            out.contains("<testcase name=\"x/&lt;a&amp;b&gt; @ 1:1 (2)\""),
            "{out}"
        );
        assert!(out.contains(
            "message=\"第一行&#10;第二行 &lt;“&amp;”&gt;\u{FFFD}\">年报&lt;2023&gt;&amp;\"终稿\".txt:1:1: 提示[x/&lt;a&amp;b&gt;] 第一行\n第二行 &lt;“&amp;”&gt;\u{FFFD}</failure>"
        ), "{out}");
    }

    #[test]
    fn no_files() {
        assert_eq!(
            render(&[]),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"xxgk\" tests=\"0\" failures=\"0\" errors=\"0\">\n</testsuites>\n"
        );
    }
}
