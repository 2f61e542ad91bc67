//! The report model: a decoded text split into blocks (headings, paragraphs,
//! tables, blank lines), an outline tree of sections, and the report's
//! metadata (title, issuer, year). Parsing never fails: broken numbering or an
//! odd layout is something a rule reports, not an error.
//!
//! Architecture invariant: this module knows nothing of packs or rules.

mod blocks;
mod heading;
mod meta;
mod scan;
mod table;

use std::ops::Range;

pub use heading::{Heading, MarkerKind, parse_heading};
pub use meta::{Meta, Year};
pub use table::{Cell, Row, Table};

/// A parsed report. All ranges are byte offsets into the text it was parsed
/// from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub blocks: Vec<Block>,
    /// Top-level sections (each holding its sub-sections).
    pub outline: Vec<Section>,
    pub meta: Meta,
}

/// A run of whole lines. `range` covers the text of the lines without the
/// final line break.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// One or more lines holding only white space.
    Blank,
    /// A numbered or Markdown heading (one line).
    Heading(Heading),
    /// One or more lines of prose (lines hard-wrapped by PDF extraction are
    /// joined into one paragraph).
    Paragraph,
    /// Lines holding `|`-separated cells.
    Table(Table),
    /// A page-number line left by PDF extraction, e.g. `- 2 -`.
    PageNumber,
}

/// A heading and everything up to the next heading of the same or a higher
/// level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Index of the heading block in `Report::blocks`.
    pub heading: usize,
    /// Nesting depth in the outline (0 for top-level sections).
    pub depth: usize,
    /// Blocks after the heading up to (not including) the first sub-section
    /// or the end of the section: the section's own body.
    pub body: Range<usize>,
    /// Every block of the section after its heading, sub-sections included.
    pub content: Range<usize>,
    pub children: Vec<Section>,
}

impl Report {
    /// Parses `text`. Never fails and never panics, whatever the input.
    pub fn parse(text: &str) -> Report {
        let blocks = blocks::split(text);
        let outline = build_outline(&blocks);
        let meta = meta::extract(text, &blocks);
        Report {
            blocks,
            outline,
            meta,
        }
    }

    /// The heading of a block, if it is one.
    pub fn heading(&self, block: usize) -> Option<&Heading> {
        match &self.blocks.get(block)?.kind {
            BlockKind::Heading(h) => Some(h),
            _ => None,
        }
    }

    /// All sections in document order (depth first).
    pub fn sections(&self) -> Vec<&Section> {
        fn walk<'a>(sections: &'a [Section], out: &mut Vec<&'a Section>) {
            for s in sections {
                out.push(s);
                walk(&s.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.outline, &mut out);
        out
    }

    /// Index of the first heading block, if any: everything before it is the
    /// preamble (title, legal basis, statistics period…).
    pub fn first_heading(&self) -> Option<usize> {
        self.blocks
            .iter()
            .position(|b| matches!(b.kind, BlockKind::Heading(_)))
    }

    /// The block containing byte `offset` (the last block when past the end).
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        if self.blocks.is_empty() {
            return None;
        }
        let i = self.blocks.partition_point(|b| b.range.start <= offset);
        Some(i.saturating_sub(1))
    }
}

/// Builds the section tree from heading levels: a heading closes every open
/// section whose level is the same or deeper.
fn build_outline(blocks: &[Block]) -> Vec<Section> {
    struct Open {
        heading: usize,
        level: u8,
        body_end: Option<usize>,
        children: Vec<Section>,
    }
    fn close(open: Open, end: usize, depth: usize) -> Section {
        Section {
            heading: open.heading,
            depth,
            body: open.heading + 1..open.body_end.unwrap_or(end),
            content: open.heading + 1..end,
            children: open.children,
        }
    }

    let mut roots = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let BlockKind::Heading(h) = &block.kind else {
            continue;
        };
        while stack.last().is_some_and(|o| o.level >= h.level) {
            if let Some(open) = stack.pop() {
                let depth = stack.len();
                let section = close(open, i, depth);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(section),
                    None => roots.push(section),
                }
            }
        }
        if let Some(parent) = stack.last_mut() {
            parent.body_end.get_or_insert(i);
        }
        stack.push(Open {
            heading: i,
            level: h.level,
            body_end: None,
            children: Vec::new(),
        });
    }
    while let Some(open) = stack.pop() {
        let depth = stack.len();
        let section = close(open, blocks.len(), depth);
        match stack.last_mut() {
            Some(parent) => parent.children.push(section),
            None => roots.push(section),
        }
    }
    roots
}
