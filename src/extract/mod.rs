//! Text out of Word documents and published web pages, so that they can be
//! checked like `.txt` reports.
//!
//! Pure: bytes in, text out, no I/O. Each function returns an [`Extracted`]:
//! the text, one line per paragraph or table row, and for each line a
//! [`Location`] in terms a user can find in the original (`段落 3`,
//! `表格 1 第 2 行`). Tables come out as `cell | cell | cell` rows, which
//! `report::Report::parse` reads as tables.
//!
//! - [`docx`]: `word/document.xml` of a `.docx` (WordprocessingML).
//! - [`html`]: the body text of a web page, without its navigation chrome.

pub mod docx;
pub mod html;

use std::fmt;

/// Where a line of extracted text comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// The `n`th paragraph (1-based) outside tables, counting empty ones.
    Paragraph(usize),
    /// Row `row` (1-based) of the `table`th table (1-based) of the document.
    TableRow { table: usize, row: usize },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Paragraph(n) => write!(f, "段落 {n}"),
            Location::TableRow { table, row } => write!(f, "表格 {table} 第 {row} 行"),
        }
    }
}

/// Extracted text and, for each of its lines (split on `\n`), where it comes
/// from: `locations[i]` is the location of line `i` (0-based).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub text: String,
    pub locations: Vec<Location>,
}

impl Extracted {
    /// The location of line `line` (0-based) of `text`.
    pub fn location(&self, line: usize) -> Option<Location> {
        self.locations.get(line).copied()
    }

    /// Appends one line (without its line break).
    fn push_line(&mut self, line: &str, location: Location) {
        if !self.locations.is_empty() {
            self.text.push('\n');
        }
        if line.contains(['\n', '\r']) {
            self.text.push_str(&line.replace(['\n', '\r'], " "));
        } else {
            self.text.push_str(line);
        }
        self.locations.push(location);
    }

    /// Ends the text with a line break, like a text file.
    fn finish(mut self) -> Self {
        if !self.locations.is_empty() {
            self.text.push('\n');
        }
        self
    }
}

/// The text with each line prefixed by its location (`[段落 3] …`), for
/// showing users what was extracted (`--show-extracted`).
pub fn annotated(text: &str, locations: &[Location]) -> String {
    let mut out = String::with_capacity(text.len() + locations.len() * 16);
    for (i, line) in text.lines().enumerate() {
        match locations.get(i) {
            Some(location) => out.push_str(&format!("[{location}] {line}\n")),
            None => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_as_users_find_them() {
        assert_eq!(Location::Paragraph(3).to_string(), "段落 3");
        assert_eq!(
            Location::TableRow { table: 1, row: 2 }.to_string(),
            "表格 1 第 2 行"
        );
    }

    #[test]
    fn lines_and_locations_stay_in_step() {
        let mut e = Extracted::default();
        e.push_line("一、概述", Location::Paragraph(1));
        e.push_line("a | b", Location::TableRow { table: 1, row: 1 });
        let e = e.finish();
        assert_eq!(e.text, "一、概述\na | b\n");
        assert_eq!(e.text.lines().count(), e.locations.len());
        assert_eq!(e.location(1), Some(Location::TableRow { table: 1, row: 1 }));
        assert_eq!(
            annotated(&e.text, &e.locations),
            "[段落 1] 一、概述\n[表格 1 第 1 行] a | b\n"
        );
    }
}
