//! Text of a Word document (`.docx`, WordprocessingML).
//!
//! The main part (found through `_rels/.rels`, normally `word/document.xml`)
//! is read in order: each body paragraph is one line (the text of its `w:t`
//! runs; `w:tab` is a tab; `w:br` and `w:cr` start a new line of the same
//! paragraph); each table row (`w:tr`) is one `cell | cell | cell` line, a
//! cell's paragraphs joined with a space. Nested tables flow into the cell
//! that holds them.
//!
//! Headings are paragraphs like any other: reports type their numbering
//! (`一、`, `（一）`) into the heading text, so the style is not rendered.
//!
//! Known limitations: automatic numbering (`w:numPr`, Word's 编号/多级列表)
//! is not rendered, so a heading numbered that way comes out without its
//! `一、`; text boxes (`w:txbxContent`), headers, footers, footnotes and
//! comments are not read; deleted text of tracked changes (`w:delText`) is
//! left out and inserted text kept.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::{Extracted, Location};

/// Refuse parts larger than this once inflated (a "zip bomb").
const MAX_PART: u64 = 256 * 1024 * 1024;

/// Extracts the text of a `.docx` file's bytes.
pub fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(
            "这是旧版 Word 文档（.doc）或加密的文档，无法读取；请在 Word 中“另存为” .docx 后再检查"
                .to_owned(),
        );
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("不是有效的 .docx 文件（无法作为 ZIP 压缩包读取：{e}）"))?;
    let main = read_part(&mut archive, "_rels/.rels")?
        .and_then(|rels| main_part(&rels))
        .unwrap_or_else(|| "word/document.xml".to_owned());
    let xml = read_part(&mut archive, &main)?
        .ok_or_else(|| format!("不是有效的 .docx 文件（缺少正文部件 {main}）"))?;
    document_text(&xml).map_err(|e| format!("无法读取 .docx 正文（{main}）：{e}"))
}

/// A part of the package as text, `None` if there is no such part.
fn read_part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("无法读取 .docx 中的 {name}：{e}")),
    };
    let mut bytes = Vec::new();
    file.take(MAX_PART + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("无法读取 .docx 中的 {name}（文件可能已损坏）：{e}"))?;
    if bytes.len() as u64 > MAX_PART {
        return Err(format!("{name} 解压后超过 256 MB，拒绝读取"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec())
        .map(Some)
        .map_err(|e| format!(".docx 中的 {name} 不是 UTF-8 编码的 XML：{e}"))
}

/// The main document part named in the package relationships.
fn main_part(rels: &str) -> Option<String> {
    let mut reader = Reader::from_str(rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                let ty = attribute(&e, b"Type")?;
                if ty.ends_with("/officeDocument") {
                    let target = attribute(&e, b"Target")?;
                    return Some(target.trim_start_matches('/').to_owned());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn attribute(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            let raw = std::str::from_utf8(&a.value).ok()?;
            quick_xml::escape::unescape(raw)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Walks WordprocessingML, building lines.
#[derive(Default)]
struct Walker {
    out: Extracted,
    paragraphs: usize,
    tables: usize,
    /// Nesting of `w:tbl`; 0 outside tables.
    table_depth: usize,
    row: usize,
    /// Cells of the current (outermost) table row.
    cells: Vec<String>,
    /// Paragraphs of the current cell.
    cell: Vec<String>,
    /// Lines of the current paragraph (more than one after `w:br`).
    lines: Vec<String>,
    in_paragraph: bool,
    /// Inside `w:r`: `w:tab` and `w:br` count only there (not as tab stops).
    run_depth: usize,
    /// Inside `w:t`: its text is the document's.
    in_text: bool,
    /// Inside an element whose content is skipped, and its depth.
    skip: usize,
}

/// Elements whose content is not document text (or is a duplicate).
const SKIPPED: &[&[u8]] = &[
    b"delText",
    b"instrText",
    b"Fallback",
    b"txbxContent",
    b"footnoteReference",
    b"commentReference",
];

impl Walker {
    fn start(&mut self, name: &[u8]) {
        match name {
            b"tbl" => {
                if self.table_depth == 0 {
                    self.tables += 1;
                    self.row = 0;
                }
                self.table_depth += 1;
            }
            b"tr" if self.table_depth == 1 => self.cells.clear(),
            b"tc" if self.table_depth == 1 => self.cell.clear(),
            b"p" => self.begin_paragraph(),
            b"r" => self.run_depth += 1,
            b"t" if self.run_depth > 0 => self.in_text = true,
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"tbl" => self.table_depth = self.table_depth.saturating_sub(1),
            b"tr" if self.table_depth == 1 => {
                self.row += 1;
                let line = self.cells.join(" | ");
                let location = Location::TableRow {
                    table: self.tables,
                    row: self.row,
                };
                self.out.push_line(&line, location);
                self.cells.clear();
            }
            b"tc" if self.table_depth == 1 => {
                let text = self.cell.join(" ");
                self.cells.push(text.trim().to_owned());
                self.cell.clear();
            }
            b"p" => self.end_paragraph(),
            b"r" => self.run_depth = self.run_depth.saturating_sub(1),
            b"t" => self.in_text = false,
            _ => {}
        }
    }

    /// An empty element (`<w:tab/>`, `<w:br/>`, `<w:p/>`).
    fn empty(&mut self, name: &[u8]) {
        match name {
            b"p" => {
                self.begin_paragraph();
                self.end_paragraph();
            }
            b"tab" | b"ptab" if self.run_depth > 0 => self.push_str("\t"),
            b"br" | b"cr" if self.run_depth > 0 && self.in_paragraph => {
                self.lines.push(String::new());
            }
            b"noBreakHyphen" if self.run_depth > 0 => self.push_str("-"),
            _ => {}
        }
    }

    fn begin_paragraph(&mut self) {
        self.in_paragraph = true;
        self.lines.clear();
        self.lines.push(String::new());
    }

    fn end_paragraph(&mut self) {
        if !self.in_paragraph {
            return;
        }
        self.in_paragraph = false;
        let lines = std::mem::take(&mut self.lines);
        if self.table_depth > 0 {
            let text = lines.join(" ");
            let text = text.trim();
            if !text.is_empty() {
                self.cell.push(text.to_owned());
            }
        } else {
            self.paragraphs += 1;
            for line in lines {
                let line = line.trim_end();
                self.out
                    .push_line(line, Location::Paragraph(self.paragraphs));
            }
        }
    }

    fn push_str(&mut self, text: &str) {
        if self.in_paragraph
            && let Some(line) = self.lines.last_mut()
        {
            line.push_str(text);
        }
    }
}

/// The lines of a WordprocessingML document part.
fn document_text(xml: &str) -> Result<Extracted, String> {
    let mut reader = Reader::from_str(xml);
    let mut walker = Walker::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML 格式错误（位置 {}）：{e}", reader.error_position()))?;
        if walker.skip > 0 {
            match event {
                Event::Start(_) => walker.skip += 1,
                Event::End(_) => walker.skip -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                if SKIPPED.contains(&name.as_ref()) {
                    walker.skip = 1;
                } else {
                    walker.start(name.as_ref());
                }
            }
            Event::End(e) => walker.end(e.local_name().as_ref()),
            Event::Empty(e) => walker.empty(e.local_name().as_ref()),
            Event::Text(t) if walker.in_text => {
                let text = t
                    .xml10_content()
                    .map_err(|e| format!("文本编码错误：{e}"))?;
                walker.push_str(&text);
            }
            Event::CData(t) if walker.in_text => {
                let text = t.decode().map_err(|e| format!("文本编码错误：{e}"))?;
                walker.push_str(&text);
            }
            Event::GeneralRef(r) if walker.in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    walker.push_str(c.encode_utf8(&mut [0; 4]));
                } else if let Ok(name) = r.decode()
                    && let Some(text) = resolve_predefined_entity(&name)
                {
                    walker.push_str(text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(walker.out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(xml: &str) -> Extracted {
        let doc = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{xml}</w:body></w:document>"#
        );
        match document_text(&doc) {
            Ok(e) => e,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn paragraphs_runs_tabs_and_breaks() {
        let e = body(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>一、概述</w:t></w:r></w:p>
            <w:p/>
            <w:p><w:r><w:t xml:space="preserve">甲 </w:t></w:r><w:r><w:tab/><w:t>乙&amp;丙</w:t><w:br/><w:t>丁</w:t></w:r></w:p>"#,
        );
        assert_eq!(e.text, "一、概述\n\n甲 \t乙&丙\n丁\n");
        assert_eq!(
            e.locations,
            [
                Location::Paragraph(1),
                Location::Paragraph(2),
                Location::Paragraph(3),
                Location::Paragraph(3)
            ]
        );
    }

    #[test]
    fn tables_become_pipe_rows() {
        let e = body(
            r#"<w:p><w:r><w:t>前</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>类别</w:t></w:r></w:p><w:p><w:r><w:t>（条）</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>
            <w:tr><w:tc><w:p><w:r><w:t>机构</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:t>后</w:t></w:r></w:p>"#,
        );
        assert_eq!(e.text, "前\n类别 （条） | \n机构 | 12\n后\n");
        assert_eq!(e.location(1), Some(Location::TableRow { table: 1, row: 1 }));
        assert_eq!(e.location(2), Some(Location::TableRow { table: 1, row: 2 }));
        assert_eq!(e.location(3), Some(Location::Paragraph(2)));
    }

    #[test]
    fn deleted_text_and_fallbacks_are_left_out() {
        let e = body(
            r#"<w:p><w:del><w:r><w:delText>旧</w:delText></w:r></w:del><w:ins><w:r><w:t>新</w:t></w:r></w:ins><w:r><w:fldChar w:fldCharType="begin"/><w:instrText>PAGE</w:instrText></w:r></w:p>"#,
        );
        assert_eq!(e.text, "新\n");
    }

    #[test]
    fn broken_input_gives_chinese_errors() {
        let Err(e) = extract(b"not a zip") else {
            panic!("accepted");
        };
        assert!(e.contains("不是有效的 .docx 文件"), "{e}");
        let Err(e) = extract(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) else {
            panic!("accepted");
        };
        assert!(e.contains(".doc"), "{e}");
        let Err(e) = document_text("<w:document><w:body><w:p></w:body>") else {
            panic!("accepted");
        };
        assert!(e.contains("XML"), "{e}");
    }
}
