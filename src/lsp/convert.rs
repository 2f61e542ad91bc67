//! Conversions between the core's byte offsets and LSP positions in the
//! negotiated encoding, and from findings to LSP types. The only place that
//! knows both.

use std::collections::HashMap;

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use crate::diagnostic::{Diagnostic, Edit, Severity};
use crate::text::WideEncoding;

/// The encoding the client and server agreed on.
pub fn negotiate(offered: Option<&[lsp::PositionEncodingKind]>) -> WideEncoding {
    let offered = offered.unwrap_or_default();
    if offered.contains(&lsp::PositionEncodingKind::UTF8) {
        WideEncoding::Utf8
    } else if offered.contains(&lsp::PositionEncodingKind::UTF32) {
        WideEncoding::Utf32
    } else {
        WideEncoding::Utf16
    }
}

pub fn encoding_kind(encoding: WideEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        WideEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        WideEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        WideEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

/// An analysed version's text, for converting its byte offsets (lookups in
/// the rope's tree: no per-version index to build).
pub struct Positions<'a> {
    pub rope: &'a Rope,
    pub encoding: WideEncoding,
}

impl Positions<'_> {
    pub fn position(&self, offset: usize) -> lsp::Position {
        let rope = self.rope;
        let offset = offset.min(rope.len_bytes());
        let line = rope.byte_to_line(offset);
        let column = match self.encoding {
            WideEncoding::Utf8 => offset - rope.line_to_byte(line),
            WideEncoding::Utf32 => rope.byte_to_char(offset) - rope.line_to_char(line),
            WideEncoding::Utf16 => {
                rope.char_to_utf16_cu(rope.byte_to_char(offset))
                    - rope.char_to_utf16_cu(rope.line_to_char(line))
            }
        };
        lsp::Position::new(line as u32, column as u32)
    }

    pub fn range(&self, range: &std::ops::Range<usize>) -> lsp::Range {
        lsp::Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of a position, clamped into its line and the text; a
    /// position inside a character means its start.
    pub fn offset(&self, position: lsp::Position) -> usize {
        self.rope
            .char_to_byte(rope_char(self.rope, position, self.encoding))
    }

    pub fn text_edit(&self, edit: &Edit) -> lsp::TextEdit {
        lsp::TextEdit::new(self.range(&edit.range), edit.text.clone())
    }

    pub fn diagnostic(&self, uri: &lsp::Uri, d: &Diagnostic) -> lsp::Diagnostic {
        let related: Vec<lsp::DiagnosticRelatedInformation> = d
            .related
            .iter()
            .map(|r| lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri.clone(), self.range(&r.range)),
                message: r.message.clone(),
            })
            .collect();
        lsp::Diagnostic {
            range: self.range(&d.range),
            severity: Some(severity(d.severity)),
            code: Some(lsp::NumberOrString::String(d.rule.id.clone())),
            code_description: d
                .rule
                .url
                .as_deref()
                .and_then(|u| u.parse::<lsp::Uri>().ok())
                .map(|href| lsp::CodeDescription { href }),
            source: Some("xxgk".to_owned()),
            message: d.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            ..lsp::Diagnostic::default()
        }
    }

    pub fn workspace_edit(&self, uri: &lsp::Uri, edits: &[Edit]) -> lsp::WorkspaceEdit {
        let edits = edits.iter().map(|e| self.text_edit(e)).collect();
        lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..lsp::WorkspaceEdit::default()
        }
    }
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// The rope's char index for an LSP position, clamped into the document (a
/// client may send positions past a line's end or the document's).
pub fn rope_char(rope: &Rope, position: lsp::Position, encoding: WideEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let mut units = 0usize;
    let mut chars = 0usize;
    let mut line_chars = rope.line(line).chars().peekable();
    while let Some(c) = line_chars.next() {
        // A CRLF's \r belongs to the line break, as in `text::LineIndex`.
        let line_break = c == '\n' || (c == '\r' && line_chars.peek() == Some(&'\n'));
        if line_break || units >= position.character as usize {
            break;
        }
        let width = match encoding {
            WideEncoding::Utf8 => c.len_utf8(),
            WideEncoding::Utf16 => c.len_utf16(),
            WideEncoding::Utf32 => 1,
        };
        // A position inside a character lands at its start.
        if units + width > position.character as usize {
            break;
        }
        units += width;
        chars += 1;
    }
    start + chars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rope_positions_in_each_encoding_and_clamped() {
        let rope = Rope::from_str("𠀀××\r\n一、概述\n");
        let at = |line, character, enc| rope_char(&rope, lsp::Position::new(line, character), enc);
        assert_eq!(at(0, 2, WideEncoding::Utf16), 1);
        assert_eq!(at(0, 4, WideEncoding::Utf8), 1);
        assert_eq!(at(0, 1, WideEncoding::Utf32), 1);
        // Inside 𠀀 (UTF-16 unit 1): its start.
        assert_eq!(at(0, 1, WideEncoding::Utf16), 0);
        // Past the line end: before the \r\n.
        assert_eq!(at(0, 99, WideEncoding::Utf16), 3);
        // Past the document: its end.
        assert_eq!(at(9, 0, WideEncoding::Utf16), rope.len_chars());
    }

    #[test]
    fn offsets_to_positions_in_each_encoding() {
        let text = "𠀀××\r\n一、概述\n";
        let rope = Rope::from_str(text);
        let at = |offset, encoding| {
            Positions {
                rope: &rope,
                encoding,
            }
            .position(offset)
        };
        let x = text.find('×').unwrap_or(0);
        assert_eq!(at(x, WideEncoding::Utf16), lsp::Position::new(0, 2));
        assert_eq!(at(x, WideEncoding::Utf8), lsp::Position::new(0, 4));
        assert_eq!(at(x, WideEncoding::Utf32), lsp::Position::new(0, 1));
        let gai = text.find('概').unwrap_or(0);
        assert_eq!(at(gai, WideEncoding::Utf16), lsp::Position::new(1, 2));
        assert_eq!(
            at(text.len() + 5, WideEncoding::Utf16),
            lsp::Position::new(2, 0)
        );
        let positions = Positions {
            rope: &rope,
            encoding: WideEncoding::Utf16,
        };
        assert_eq!(positions.offset(lsp::Position::new(1, 2)), gai);
    }

    #[test]
    fn negotiation_prefers_utf8_then_utf32() {
        use lsp::PositionEncodingKind as K;
        assert_eq!(negotiate(Some(&[K::UTF16, K::UTF8])), WideEncoding::Utf8);
        assert_eq!(negotiate(Some(&[K::UTF32, K::UTF16])), WideEncoding::Utf32);
        assert_eq!(negotiate(None), WideEncoding::Utf16);
    }
}
