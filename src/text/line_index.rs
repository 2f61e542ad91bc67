//! Byte offset ↔ line/column, after rust-analyzer's `line-index`: line starts
//! plus, per line, its non-ASCII characters, so a conversion costs a binary
//! search and a walk over the wide characters of one line only.
//!
//! Lines end at `\n`; a `\r` before it belongs to the line break, not the
//! line, so CRLF files have the same columns as LF files.

/// Code units in which a column is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WideEncoding {
    Utf8,
    Utf16,
    /// Unicode scalar values (what people call characters).
    Utf32,
}

/// A 0-based line and a 0-based column in some code unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    /// Byte offset from the line start.
    start: u32,
    /// Length in UTF-8 bytes (2–4).
    len: u8,
}

impl WideChar {
    fn utf16_len(self) -> u32 {
        if self.len == 4 { 2 } else { 1 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; always starts with 0.
    line_starts: Vec<usize>,
    /// Non-ASCII characters of each line (only lines that have some).
    wide: Vec<Vec<WideChar>>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        let mut wide = vec![Vec::new()];
        let mut line_start = 0;
        // Byte by byte: a character starts at every byte that is not a UTF-8
        // continuation byte (10xxxxxx); ASCII needs no bookkeeping but `\n`.
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                line_start = i + 1;
                line_starts.push(line_start);
                wide.push(Vec::new());
            } else if b >= 0xC0 {
                let len = match b {
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    _ => 4,
                };
                if let Some(line) = wide.last_mut() {
                    line.push(WideChar {
                        start: (i - line_start) as u32,
                        len,
                    });
                }
            }
        }
        LineIndex {
            line_starts,
            wide,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where `line` (0-based) starts.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.line_starts.get(line as usize).copied()
    }

    /// Line and column for a byte offset, the column in `encoding` units.
    /// Offsets past the end are clamped to the end; an offset inside a
    /// character counts from that character's start.
    pub fn line_col(&self, offset: usize, encoding: WideEncoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let in_line = (offset - self.line_starts[line]) as u32;
        let mut col = in_line;
        for w in &self.wide[line] {
            if w.start >= in_line {
                break;
            }
            let units = match encoding {
                WideEncoding::Utf8 => w.len as u32,
                WideEncoding::Utf16 => w.utf16_len(),
                WideEncoding::Utf32 => 1,
            };
            // Inside a character: count it as not yet reached.
            if w.start + w.len as u32 > in_line {
                col -= in_line - w.start;
                break;
            }
            col = col - w.len as u32 + units;
        }
        LineCol {
            line: line as u32,
            col,
        }
    }

    /// Byte offset for a line and column in `encoding` units; `None` when the
    /// line does not exist or the column falls inside a character. A column
    /// past the end of the line is clamped to the line end (as LSP asks).
    pub fn offset(&self, pos: LineCol, encoding: WideEncoding, text: &str) -> Option<usize> {
        let line = pos.line as usize;
        let start = *self.line_starts.get(line)?;
        let (end, has_break) = match self.line_starts.get(line + 1) {
            Some(&next) => (next - 1, true),
            None => (self.len, false),
        };
        let end = if has_break && end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        let mut units = 0u32;
        let mut byte = 0u32;
        let mut wide = self.wide[line].iter().peekable();
        while units < pos.col {
            if start + byte as usize >= end {
                return Some(end);
            }
            match wide.peek() {
                Some(w) if w.start == byte => {
                    let step = match encoding {
                        WideEncoding::Utf8 => w.len as u32,
                        WideEncoding::Utf16 => w.utf16_len(),
                        WideEncoding::Utf32 => 1,
                    };
                    if units + step > pos.col {
                        return None;
                    }
                    units += step;
                    byte += w.len as u32;
                    wide.next();
                }
                _ => {
                    units += 1;
                    byte += 1;
                }
            }
        }
        Some((start + byte as usize).min(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    #[test]
    fn ascii_and_cjk_columns() {
        let text = "ab\n一、概述\n";
        let idx = LineIndex::new(text);
        let gai = text.find('概').unwrap();
        assert_eq!(idx.line_col(gai, WideEncoding::Utf32), lc(1, 2));
        assert_eq!(idx.line_col(gai, WideEncoding::Utf16), lc(1, 2));
        assert_eq!(idx.line_col(gai, WideEncoding::Utf8), lc(1, 6));
        assert_eq!(idx.line_col(text.len(), WideEncoding::Utf32), lc(2, 0));
    }

    #[test]
    fn astral_characters_count_two_in_utf16() {
        let text = "𠮷野家😀x";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(x, WideEncoding::Utf32), lc(0, 4));
        assert_eq!(idx.line_col(x, WideEncoding::Utf16), lc(0, 6));
        assert_eq!(idx.line_col(x, WideEncoding::Utf8), lc(0, 14));
        for enc in [WideEncoding::Utf8, WideEncoding::Utf16, WideEncoding::Utf32] {
            assert_eq!(idx.offset(idx.line_col(x, enc), enc, text), Some(x));
        }
        // Column 1 in UTF-16 is inside 𠮷.
        assert_eq!(idx.offset(lc(0, 1), WideEncoding::Utf16, text), None);
    }

    #[test]
    fn crlf_columns_match_lf() {
        let text = "一、概述\r\n二、主动公开\r\n";
        let idx = LineIndex::new(text);
        let er = text.find('二').unwrap();
        assert_eq!(idx.line_col(er, WideEncoding::Utf32), lc(1, 0));
        // A column past the line end clamps before the \r.
        assert_eq!(
            idx.offset(lc(0, 99), WideEncoding::Utf32, text),
            Some(text.find('\r').unwrap())
        );
    }

    #[test]
    fn offset_inside_a_character_counts_from_its_start() {
        let text = "概述";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(1, WideEncoding::Utf32), lc(0, 0));
        assert_eq!(idx.line_col(4, WideEncoding::Utf32), lc(0, 1));
    }

    #[test]
    fn missing_line_is_none() {
        let idx = LineIndex::new("a\n");
        assert_eq!(idx.offset(lc(5, 0), WideEncoding::Utf16, "a\n"), None);
        assert_eq!(idx.line_count(), 2);
    }

    proptest::proptest! {
        #[test]
        fn round_trips_every_char_boundary(text in "[a\\r\\n一𠮷😀 　]{0,40}") {
            let idx = LineIndex::new(&text);
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                // The \r and \n of a CRLF are the line break, not columns.
                if text[offset..].starts_with("\r\n")
                    || (text[..offset].ends_with('\r') && text[offset..].starts_with('\n'))
                {
                    continue;
                }
                for enc in [WideEncoding::Utf8, WideEncoding::Utf16, WideEncoding::Utf32] {
                    let pos = idx.line_col(offset, enc);
                    proptest::prop_assert_eq!(idx.offset(pos, enc, &text), Some(offset));
                }
            }
        }
    }
}
