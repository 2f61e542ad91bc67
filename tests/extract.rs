//! Word documents and web pages are checked like the text they hold: the
//! same report as `.txt`, as a `.docx` (made from it with LibreOffice
//! Writer) and as a published `.html` page (with navigation, header and
//! footer chrome) gives the same findings.
//!
//! `report.docx` was made by LibreOffice Writer from `docx-source.html` (the
//! same report; converting `report.txt` would give no Word table):
//!
//! ```text
//! soffice --headless --infilter="HTML (StarWriter)" \
//!     --convert-to 'docx:MS Word 2007 XML' docx-source.html
//! ```

use std::path::Path;

use xxgk::check::{CheckOptions, check};
use xxgk::extract::{self, Extracted, Location};
use xxgk::pack::PackSet;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/extract")
        .join(name);
    match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

fn ok<T>(result: Result<T, String>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{e}"),
    }
}

/// The findings of a text, as `rule: message` lines, sorted.
fn findings(text: &str) -> Vec<String> {
    let packs = PackSet::embedded();
    let outcome = ok(check(&packs, text, &CheckOptions::default()));
    let mut found: Vec<String> = outcome
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.rule.id, d.message))
        .collect();
    found.sort();
    found
}

fn txt() -> String {
    ok(String::from_utf8(fixture("report.txt")).map_err(|e| e.to_string()))
}

fn docx() -> Extracted {
    ok(extract::docx::extract(&fixture("report.docx")))
}

fn html() -> Extracted {
    ok(extract::html::extract(&fixture("report.html")))
}

#[test]
fn docx_gives_the_findings_of_the_text() {
    let expected = findings(&txt());
    assert!(expected.iter().any(|f| f.contains("××")), "{expected:#?}");
    assert_eq!(findings(&docx().text), expected);
}

#[test]
fn html_gives_the_findings_of_the_text() {
    assert_eq!(findings(&html().text), findings(&txt()));
}

#[test]
fn docx_lines_map_to_paragraphs_and_table_rows() {
    let e = docx();
    assert_eq!(e.text.lines().count(), e.locations.len());
    let line = |needle: &str| {
        e.text
            .lines()
            .position(|l| l.contains(needle))
            .and_then(|i| e.location(i))
    };
    assert_eq!(line("年度报告"), Some(Location::Paragraph(1)));
    assert_eq!(line("一、概述"), Some(Location::Paragraph(2)));
    assert_eq!(
        line("类别 | 条数 | 占比"),
        Some(Location::TableRow { table: 1, row: 1 })
    );
    assert_eq!(
        line("财政资金 | 40 | 47%"),
        Some(Location::TableRow { table: 1, row: 3 })
    );
    assert_eq!(line("三、依申请公开"), Some(Location::Paragraph(6)));
}

#[test]
fn html_drops_chrome_and_maps_lines() {
    let e = html();
    for chrome in [
        "门户网站",
        "首页",
        "当前位置",
        "网站导航",
        "相关链接",
        "备案号",
        "统计代码",
    ] {
        assert!(!e.text.contains(chrome), "{chrome} kept:\n{}", e.text);
    }
    assert!(
        e.text
            .starts_with("青山镇人民政府2013年政府信息公开工作年度报告\n一、概述\n"),
        "{}",
        e.text
    );
    assert!(e.text.contains("由镇党政办公室××同志"));
    assert!(e.text.contains("全年主动公开政府信息86条， 其中"));
    let row = e.text.lines().position(|l| l == "其他 | 34 | 39%");
    assert_eq!(
        row.and_then(|i| e.location(i)),
        Some(Location::TableRow { table: 1, row: 4 })
    );
    assert_eq!(
        e.location(1).map(|l| l.to_string()).as_deref(),
        Some("段落 2")
    );
}

#[test]
fn gbk_pages_are_read_by_their_meta_charset() {
    let page = ok(String::from_utf8(fixture("report.html")).map_err(|e| e.to_string()))
        .replace("charset=\"utf-8\"", "charset=\"gb2312\"");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&page);
    assert!(!unmappable);
    assert_eq!(ok(extract::html::extract(&bytes)).text, html().text);
}

#[test]
fn broken_docx_is_refused_in_chinese() {
    let mut bytes = fixture("report.docx");
    bytes.truncate(bytes.len() / 2);
    let Err(e) = extract::docx::extract(&bytes) else {
        panic!("a truncated .docx was accepted");
    };
    assert!(e.contains(".docx"), "{e}");
    let Err(e) = extract::docx::extract(&fixture("report.txt")) else {
        panic!("a text file was accepted as .docx");
    };
    assert!(e.contains("不是有效的 .docx 文件"), "{e}");
}
