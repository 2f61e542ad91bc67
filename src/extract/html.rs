//! The body text of a published web page.
//!
//! The page is parsed as browsers do (html5ever, through `scraper`), then the
//! `<body>` is walked in document order:
//!
//! - block elements (`p`, `div`, `h1`–`h6`, `li`, `tr`, `section`, …) and
//!   `<br>` end a line; text inside a line has its white space collapsed to
//!   single spaces (full-width spaces `　` are kept: reports indent with
//!   them) and is trimmed; empty lines are dropped;
//! - each `<tr>` of a table is one `cell | cell | cell` line, a cell's own
//!   blocks joined with a space; nested tables flow into their cell;
//! - entities are decoded by the parser.
//!
//! Dropped as page chrome, with everything inside them: `script`, `style`,
//! `noscript`, `template`, `iframe`, `select`, `nav`, `header`, `footer`,
//! `aside`; elements with `hidden` or a `role` of `navigation`, `banner`,
//! `contentinfo`, `search` or `complementary`; and elements whose `class` or
//! `id`, split into words at spaces, `-` and `_`, contains one of the words
//! in [`CHROME_WORDS`] (`nav`, `menu`, `breadcrumb`, `footer`, `header`,
//! `sidebar`, …), compared without case. The heuristic errs towards
//! dropping: a content block named e.g. `article-header` would be dropped too.
//!
//! Locations: each line outside tables is a `段落 N` (counting the lines kept),
//! each table row `表格 T 第 R 行`.

use encoding_rs::Encoding;
use scraper::{Html, Node};

use super::{Extracted, Location};

/// Decodes a page's bytes and extracts its body text.
///
/// UTF-8 (with or without BOM) is taken as it is; bytes that are not UTF-8
/// are read in the encoding a `<meta charset>` (or `http-equiv` content type)
/// near the top of the page names, e.g. `gbk`, `gb2312`, `gb18030`; without
/// one, as `text::decode` reads them (GB18030, UTF-16 with BOM).
pub fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    Ok(extract_str(&decode(bytes)?))
}

/// Extracts the body text of a page already decoded.
pub fn extract_str(html: &str) -> Extracted {
    let document = Html::parse_document(html);
    let body = document
        .root_element()
        .children()
        .find(|n| matches!(n.value(), Node::Element(e) if e.name() == "body"))
        .unwrap_or_else(|| *document.root_element());
    let mut walker = Walker::default();
    // `traverse` is iterative: deeply nested pages do not exhaust the stack.
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in body.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(e) => {
                        if is_chrome(e) {
                            skipping = Some(node.id());
                        } else {
                            walker.open(e.name());
                        }
                    }
                    Node::Text(t) => walker.text(t),
                    _ => {}
                }
            }
            ego_tree::iter::Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if skipping.is_none()
                    && let Node::Element(e) = node.value()
                {
                    walker.close(e.name());
                }
            }
        }
    }
    walker.flush();
    walker.out.finish()
}

/// Words of a `class` or `id` that mark navigation chrome.
pub const CHROME_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menubar",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "footer",
    "header",
    "sidebar",
    "topbar",
];

const CHROME_ELEMENTS: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "select", "nav", "header", "footer",
    "aside", "head", "title",
];

const CHROME_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "complementary",
];

fn is_chrome(e: &scraper::node::Element) -> bool {
    if CHROME_ELEMENTS.contains(&e.name()) || e.attr("hidden").is_some() {
        return true;
    }
    if e.attr("role")
        .is_some_and(|r| CHROME_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
    {
        return true;
    }
    [e.attr("class"), e.attr("id")]
        .into_iter()
        .flatten()
        .any(|v| {
            v.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
                .any(|w| CHROME_WORDS.contains(&w.to_ascii_lowercase().as_str()))
        })
}

/// Elements that end a line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "ul",
];

#[derive(Default)]
struct Walker {
    out: Extracted,
    line: String,
    paragraphs: usize,
    tables: usize,
    /// Nesting of `<table>`; 0 outside tables.
    table_depth: usize,
    row: usize,
    /// Cells of the current row of the outermost table, `None` outside a row.
    cells: Option<Vec<String>>,
    /// Inside a cell of the outermost table.
    in_cell: bool,
}

impl Walker {
    fn open(&mut self, name: &str) {
        match name {
            "table" => {
                self.flush();
                if self.table_depth == 0 {
                    self.tables += 1;
                    self.row = 0;
                }
                self.table_depth += 1;
            }
            "tr" if self.table_depth == 1 => {
                self.flush();
                self.cells = Some(Vec::new());
            }
            "td" | "th" if self.table_depth == 1 && self.cells.is_some() => {
                self.line.clear();
                self.in_cell = true;
            }
            "br" => self.flush(),
            _ if BLOCKS.contains(&name) => self.flush(),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "table" => {
                self.end_row();
                self.table_depth = self.table_depth.saturating_sub(1);
                self.flush();
            }
            "tr" if self.table_depth == 1 => self.end_row(),
            "td" | "th" if self.table_depth == 1 && self.in_cell => {
                let cell = self.line.trim().to_owned();
                self.line.clear();
                self.in_cell = false;
                if let Some(cells) = &mut self.cells {
                    cells.push(cell);
                }
            }
            _ if BLOCKS.contains(&name) => self.flush(),
            _ => {}
        }
    }

    fn end_row(&mut self) {
        if self.in_cell {
            self.close("td");
        }
        if let Some(cells) = self.cells.take() {
            if cells.iter().all(String::is_empty) {
                return;
            }
            self.row += 1;
            let location = Location::TableRow {
                table: self.tables,
                row: self.row,
            };
            self.out.push_line(&cells.join(" | "), location);
        }
    }

    /// Text, with runs of white space (not the full-width space) made one space.
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() && c != '\u{3000}' {
                if !self.line.is_empty() && !self.line.ends_with(' ') {
                    self.line.push(' ');
                }
            } else {
                self.line.push(c);
            }
        }
    }

    /// Ends the current line; inside a cell, a block only adds a space.
    fn flush(&mut self) {
        if self.in_cell {
            if !self.line.is_empty() && !self.line.ends_with(' ') {
                self.line.push(' ');
            }
            return;
        }
        let line = self.line.trim_matches(' ');
        if !line.is_empty() {
            self.paragraphs += 1;
            let location = Location::Paragraph(self.paragraphs);
            let line = line.to_owned();
            self.out.push_line(&line, location);
        }
        self.line.clear();
    }
}

/// The page's text: UTF-8, else the `<meta>` charset, else `text::decode`.
fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes_no_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes_no_bom) {
        return Ok(text.to_owned());
    }
    if let Some(encoding) = meta_charset(bytes) {
        if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
            return Ok(text.into_owned());
        }
        return Err(format!(
            "网页声明的编码为 {}，但内容无法按此编码读取",
            encoding.name()
        ));
    }
    crate::text::decode(bytes)
        .map(|d| d.text)
        .map_err(|e| e.to_string())
}

/// The encoding named by `charset=` in the first 4 KiB, if encoding_rs knows it.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"charset") {
        let mut j = from + i + b"charset".len();
        while j < lower.len() && matches!(lower[j], b' ' | b'\t' | b'\r' | b'\n') {
            j += 1;
        }
        if lower.get(j) == Some(&b'=') {
            j += 1;
            while j < lower.len() && matches!(lower[j], b' ' | b'"' | b'\'') {
                j += 1;
            }
            let end = lower[j..]
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')))
                .map_or(lower.len(), |k| j + k);
            if let Some(encoding) = Encoding::for_label(&lower[j..end]) {
                return Some(encoding);
            }
        }
        from = from + i + 1;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_tables_and_chrome() {
        let page = r#"<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body>
            <div class="top-nav"><a href="/">首页</a></div>
            <div id="breadcrumb">当前位置：首页 &gt; 年度报告</div>
            <div class="article"><h1>  青山镇 &nbsp;年度报告 </h1>
            <p>一、概述</p><p>第一行<br>第二行</p>
            <table><tr><th>类别</th><th>条数</th></tr><tr><td><p>机构</p><p>职能</p></td><td>12</td></tr></table>
            <ul><li>甲</li><li>乙</li></ul>
            <script>var x = "<p>不要</p>";</script></div>
            <div class="footer">版权所有</div><aside>相关链接</aside></body></html>"#;
        let e = extract_str(page);
        assert_eq!(
            e.text,
            "青山镇 年度报告\n一、概述\n第一行\n第二行\n类别 | 条数\n机构 职能 | 12\n甲\n乙\n"
        );
        assert_eq!(e.location(0), Some(Location::Paragraph(1)));
        assert_eq!(e.location(4), Some(Location::TableRow { table: 1, row: 1 }));
        assert_eq!(e.location(5), Some(Location::TableRow { table: 1, row: 2 }));
        assert_eq!(e.location(6), Some(Location::Paragraph(5)));
    }

    #[test]
    fn meta_charset_is_honoured_for_non_utf8_pages() {
        let page =
            "<html><head><meta charset=\"gb2312\"></head><body><p>年度报告</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        let e = match extract(&bytes) {
            Ok(e) => e,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(e.text, "年度报告\n");
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\"></head><body>信息公开</body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        assert_eq!(extract(&bytes).map(|e| e.text), Ok("信息公开\n".to_owned()));
    }
}
