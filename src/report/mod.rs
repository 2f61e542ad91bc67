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

use std::ops::{Range, RangeInclusive};
use std::sync::Arc;

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
        Report::from_blocks(text, blocks::split(text))
    }

    /// The report of `text` split into `blocks`: outline and metadata.
    fn from_blocks(text: &str, blocks: Vec<Block>) -> Report {
        let outline = build_outline(&blocks);
        let meta = meta::extract(text, &blocks);
        Report {
            blocks,
            outline,
            meta,
        }
    }

    /// Where the report's first line of text is (`text` is the report's):
    /// a range for findings about the whole report (the title when there is
    /// one).
    pub fn document_anchor(&self, text: &str) -> Range<usize> {
        if let Some(title) = &self.meta.title {
            return title.clone();
        }
        self.blocks
            .iter()
            .find(|b| !matches!(b.kind, BlockKind::Blank))
            .map(|b| {
                let end = text
                    .get(b.range.clone())
                    .and_then(|s| s.find('\n'))
                    .map_or(b.range.end, |i| b.range.start + i);
                b.range.start..end
            })
            .unwrap_or(0..0)
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

    /// The section a heading block starts (found down the outline).
    pub fn section_headed_by(&self, heading: usize) -> Option<&Section> {
        let mut level = &self.outline[..];
        loop {
            let i = level
                .partition_point(|s| s.heading <= heading)
                .checked_sub(1)?;
            let section = &level[i];
            if section.heading == heading {
                return Some(section);
            }
            level = &section.children;
        }
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

    /// The blocks a byte range of the text touches (an empty range: the
    /// block it is in).
    pub fn blocks_over(&self, range: Range<usize>) -> Option<RangeInclusive<usize>> {
        let first = self.block_at(range.start)?;
        let last = self.block_at(range.end.saturating_sub(1).max(range.start))?;
        Some(first..=last)
    }
}

/// A report kept up to date with edits of its text: an edit re-parses only
/// the blocks around it (from a few lines before it to the first block
/// boundary after it where the old blocks resume), shifts the blocks after
/// it, and rebuilds the outline and metadata (cheap). What the block split
/// decides globally falls back to a full parse: an edit inside the title zone
/// (the first lines), or one that moves the hard-wrap width estimate across
/// the width of some line (so that a paragraph break elsewhere changes).
///
/// Invariant (tested): after any edits, `report()` equals `Report::parse` of
/// the edited text.
#[derive(Clone, Debug)]
pub struct LiveReport {
    /// Shared with the snapshots handed out; an edit copies it only while a
    /// snapshot of the previous version is still held.
    report: Arc<Report>,
    widths: blocks::WrapWidths,
}

/// Which blocks an edit replaced: the old blocks `start..old_end` are now
/// the blocks `start..end`; the blocks after them were only shifted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reparsed {
    pub start: usize,
    pub old_end: usize,
    pub end: usize,
    /// The new blocks are as many as the old, each of the same kind, every
    /// heading of the same level and every table the old one (moved with
    /// the text): the outline, the tables and every block's kind are as
    /// they were.
    pub same_kinds: bool,
    /// The re-parsed headings that are not the old ones moved with the
    /// text (block indices; with `same_kinds`).
    pub changed_headings: Vec<usize>,
    /// Those differ from the old ones in their titles alone: the marker,
    /// ordinal, level, punctuation and run-in are the same.
    pub retitled_only: bool,
}

impl Reparsed {
    /// The old blocks `old`, from block `start` on, replaced by `new` after
    /// an edit that replaced the old text's `edited` with text ending at
    /// `new_end`.
    fn compare(
        start: usize,
        old: &[Block],
        new: &[Block],
        edited: Range<usize>,
        new_end: usize,
    ) -> Reparsed {
        // A block before the edit re-parsed the same, or one after it the
        // same but moved.
        let unchanged = |o: &Block, n: &Block| {
            if o.range.end <= edited.start {
                o == n
            } else if o.range.start >= edited.end {
                let mut moved = o.clone();
                moved.shift(new_end, edited.end);
                &moved == n
            } else {
                false
            }
        };
        let pairs = || old.iter().zip(new);
        let same_kinds = old.len() == new.len()
            && pairs().all(|(o, n)| match (&o.kind, &n.kind) {
                (BlockKind::Table(_), _) => unchanged(o, n),
                (BlockKind::Heading(x), BlockKind::Heading(y)) => x.level == y.level,
                (x, y) => std::mem::discriminant(x) == std::mem::discriminant(y),
            });
        let mut changed_headings = Vec::new();
        let mut retitled_only = true;
        for (k, (o, n)) in pairs().enumerate() {
            if let (BlockKind::Heading(x), BlockKind::Heading(y)) = (&o.kind, &n.kind)
                && !unchanged(o, n)
            {
                changed_headings.push(start + k);
                retitled_only &= (x.marker, x.ordinal, x.level, &x.punctuation, x.run_in)
                    == (y.marker, y.ordinal, y.level, &y.punctuation, y.run_in);
            }
        }
        Reparsed {
            start,
            old_end: start + old.len(),
            end: start + new.len(),
            same_kinds,
            changed_headings,
            retitled_only,
        }
    }
}

impl LiveReport {
    pub fn parse(text: &str) -> LiveReport {
        let (blocks, widths) = blocks::split_counting(text);
        LiveReport {
            report: Arc::new(Report::from_blocks(text, blocks)),
            widths,
        }
    }

    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The current report, shared.
    pub fn shared(&self) -> Arc<Report> {
        self.report.clone()
    }

    /// Replaces `range` of `text` with `replacement` and updates the report.
    /// A range outside the text or inside a character is narrowed to the
    /// text and to character boundaries.
    pub fn edit(&mut self, text: &mut String, range: Range<usize>, replacement: &str) -> Reparsed {
        let floor = |t: &str, mut i: usize| {
            i = i.min(t.len());
            while !t.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let a = floor(text, range.start);
        let b = floor(text, range.end).max(a);
        let old_count = self.report.blocks.len();
        let Some(window) = self.window(text, a) else {
            text.replace_range(a..b, replacement);
            return self.reparse_all(text, a..b, a + replacement.len());
        };
        let (from_block, pairs_from, top) = window;
        let old_wrap = self.widths.estimate();
        // The line pairs the edit touches leave the wrap estimate, and their
        // edited versions come in.
        self.widths.update(text, pairs_from, b + 1, false);
        text.replace_range(a..b, replacement);
        let new_b = a + replacement.len();
        self.widths.update(text, pairs_from, new_b + 1, true);
        if !self.widths.group_alike(&old_wrap, &self.widths.estimate()) {
            return self.reparse_all(text, a..b, new_b);
        }
        let shift = |start: usize| (start + new_b).wrapping_sub(b);
        let old = &self.report.blocks;
        // The old blocks after the edit, by their shifted start.
        let after = old.partition_point(|blk| blk.range.start <= b);
        let resumes = |at: usize| {
            let k = after + old[after..].partition_point(|blk| shift(blk.range.start) < at);
            old.get(k)
                .filter(|blk| shift(blk.range.start) == at)
                .map(|_| k)
        };
        let from = old[from_block].range.start;
        let (fresh, synced) =
            blocks::resplit(text, from, &self.widths, top, |at| resumes(at).is_some());
        let old_end = synced.and_then(resumes).unwrap_or(old_count);
        let count = fresh.len();
        let reparsed =
            Reparsed::compare(from_block, &old[from_block..old_end], &fresh, a..b, new_b);
        // The outline holds block indices and follows the headings' levels:
        // as many blocks as before, with headings of the same levels in the
        // same places, leave it as it is.
        let level = |blk: &Block| match &blk.kind {
            BlockKind::Heading(h) => Some(h.level),
            _ => None,
        };
        let replaced = &old[from_block..old_end];
        let outline_kept = count == replaced.len()
            && replaced
                .iter()
                .zip(&fresh)
                .all(|(o, n)| level(o) == level(n));
        let report = Arc::make_mut(&mut self.report);
        report.blocks.splice(from_block..old_end, fresh);
        for block in &mut report.blocks[from_block + count..] {
            block.shift(new_b, b);
        }
        if outline_kept {
            report.meta = meta::extract(text, &report.blocks);
        } else {
            *report = Report::from_blocks(text, std::mem::take(&mut report.blocks));
        }
        reparsed
    }

    /// Parses the whole edited text again (the edit replaced the old text's
    /// `edited` with what is now `edited.start..new_end`), and tells which
    /// blocks differ from the old ones: those before the edit that came out
    /// the same, and those after it that came out the same but moved, are
    /// not re-parsed as far as the caller is concerned (their text is
    /// unchanged, so is what was made from it).
    fn reparse_all(&mut self, text: &str, edited: Range<usize>, new_end: usize) -> Reparsed {
        let old = self.report.clone();
        *self = LiveReport::parse(text);
        let (old, new) = (&old.blocks, &self.report.blocks);
        let start = old
            .iter()
            .zip(new)
            .take_while(|(o, n)| o.range.end <= edited.start && o == n)
            .count();
        let same_moved = |(o, n): &(&Block, &Block)| {
            o.range.start >= edited.end && {
                let mut moved = (*o).clone();
                moved.shift(new_end, edited.end);
                &moved == *n
            }
        };
        let kept = old.len().min(new.len()) - start;
        let suffix = (old.iter().rev().zip(new.iter().rev()))
            .take(kept)
            .take_while(same_moved)
            .count();
        Reparsed::compare(
            start,
            &old[start..old.len() - suffix],
            &new[start..new.len() - suffix],
            edited,
            new_end,
        )
    }

    /// Where re-parsing an edit at byte `a` starts: the block holding the
    /// line `LOOKAHEAD + 1` lines before it (a block's grouping looks that
    /// far ahead), the start of the line before `a`'s (where the wrap
    /// estimate's line pairs change), and the title zone's last line. `None`
    /// when the edit is in the title zone, or the text has no blocks.
    fn window(&self, text: &str, a: usize) -> Option<(usize, usize, usize)> {
        let zone = blocks::title_zone(text)?;
        let after_zone = memchr::memchr(b'\n', &text.as_bytes()[zone.end..])? + zone.end + 1;
        if a < after_zone {
            return None;
        }
        let line_start =
            |pos: usize| memchr::memrchr(b'\n', &text.as_bytes()[..pos]).map_or(0, |i| i + 1);
        let own = line_start(a);
        let pairs_from = line_start(own.saturating_sub(1));
        let mut back = own;
        for _ in 0..=blocks::LOOKAHEAD {
            back = line_start(back.saturating_sub(1));
        }
        Some((self.report.block_at(back)?, pairs_from, zone.start))
    }
}

impl Block {
    /// Moves the block (and every range inside it) from after byte `old_end`
    /// of an edit to after byte `new_end`.
    fn shift(&mut self, new_end: usize, old_end: usize) {
        let shift = |r: &mut Range<usize>| {
            r.start = (r.start + new_end).wrapping_sub(old_end);
            r.end = (r.end + new_end).wrapping_sub(old_end);
        };
        shift(&mut self.range);
        match &mut self.kind {
            BlockKind::Heading(h) => {
                shift(&mut h.marker_range);
                shift(&mut h.title_range);
            }
            BlockKind::Table(table) => {
                // Every range of the table, listed without `..` so that a new
                // field with a range cannot be forgotten here.
                let Table { rows } = table;
                for row in rows {
                    let Row { range, cells } = row;
                    shift(range);
                    for cell in cells {
                        let Cell { range } = cell;
                        shift(range);
                    }
                }
            }
            BlockKind::Blank | BlockKind::Paragraph | BlockKind::PageNumber => {}
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The outline as (depth, heading text) in document order.
    fn outline(text: &str) -> Vec<(usize, String)> {
        let r = Report::parse(text);
        r.sections()
            .iter()
            .map(|s| {
                (
                    s.depth,
                    text[r.blocks[s.heading].range.clone()].trim().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn outline_nests_the_four_levels() {
        let t = "某某局2023年政府信息公开工作年度报告\n\
                 一、总体情况\n\
                 概述。\n\
                 （一）主动公开\n\
                 1.公开内容\n\
                 （1）规范性文件\n\
                 内容。\n\
                 （2）其他文件\n\
                 2.公开形式\n\
                 （二）依申请公开\n\
                 二、存在问题\n";
        let o = outline(t);
        let expect: Vec<(usize, &str)> = vec![
            (0, "一、总体情况"),
            (1, "（一）主动公开"),
            (2, "1.公开内容"),
            (3, "（1）规范性文件"),
            (3, "（2）其他文件"),
            (2, "2.公开形式"),
            (1, "（二）依申请公开"),
            (0, "二、存在问题"),
        ];
        assert_eq!(
            o,
            expect
                .iter()
                .map(|(d, s)| (*d, s.to_string()))
                .collect::<Vec<_>>()
        );
        let r = Report::parse(t);
        let first = &r.outline[0];
        assert_eq!(first.body, 2..3);
        assert_eq!(first.content, 2..10);
        assert_eq!(r.outline[1].content, 11..11);
    }

    #[test]
    fn repeated_top_level_numbers_stay_siblings() {
        let t = "一、概述\n正文。\n一、健全组织\n正文。\n二、完善机制\n正文。\n二、主动公开情况\n1、公开情况\n";
        let o = outline(t);
        assert_eq!(
            o.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
            [0, 0, 0, 0, 1],
            "{o:?}"
        );
    }

    #[test]
    fn parts_hold_reports() {
        let t = "范文\n篇1\n一、概述\n（一）组织\n篇2\n一、概述\n";
        let o = outline(t);
        assert_eq!(
            o.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
            [0, 1, 2, 0, 1]
        );
    }

    #[test]
    fn block_lookup() {
        let t = "标题报告\n\n一、概述\n正文。";
        let r = Report::parse(t);
        assert_eq!(r.first_heading(), Some(2));
        assert_eq!(r.block_at(0), Some(0));
        assert_eq!(r.block_at(t.find("一").unwrap()), Some(2));
        assert_eq!(r.block_at(t.len() + 10), Some(r.blocks.len() - 1));
        assert!(r.heading(2).is_some() && r.heading(0).is_none() && r.heading(99).is_none());
        assert_eq!(Report::parse("").block_at(0), None);
    }

    fn check_ranges(text: &str) {
        let r = Report::parse(text);
        let mut last = 0;
        for b in &r.blocks {
            assert!(b.range.start >= last, "blocks overlap or go backwards");
            assert!(b.range.start <= b.range.end && b.range.end <= text.len());
            assert!(text.is_char_boundary(b.range.start) && text.is_char_boundary(b.range.end));
            assert!(!text[b.range.clone()].ends_with('\r'));
            last = b.range.end;
            let inner: Vec<Range<usize>> = match &b.kind {
                BlockKind::Heading(h) => vec![h.marker_range.clone(), h.title_range.clone()],
                BlockKind::Table(t) => t
                    .rows
                    .iter()
                    .flat_map(|row| {
                        std::iter::once(row.range.clone())
                            .chain(row.cells.iter().map(|c| c.range.clone()))
                    })
                    .collect(),
                _ => vec![],
            };
            for x in inner {
                assert!(b.range.start <= x.start && x.start <= x.end && x.end <= b.range.end);
                assert!(text.is_char_boundary(x.start) && text.is_char_boundary(x.end));
            }
        }
        let m = &r.meta;
        for x in [
            m.title.clone(),
            m.issuer.clone().map(|i| i.1),
            m.year.clone().map(|y| y.range),
            m.date.clone().map(|d| d.3),
        ]
        .into_iter()
        .flatten()
        {
            assert!(x.start <= x.end && x.end <= text.len());
            assert!(text.is_char_boundary(x.start) && text.is_char_boundary(x.end));
        }
        assert!(m.preamble.end <= r.blocks.len());
        if let Some(c) = &m.closing {
            assert!(c.start < c.end && c.end <= r.blocks.len());
        }
        for s in r.sections() {
            assert!(s.heading < r.blocks.len() && s.content.end <= r.blocks.len());
        }
    }

    #[test]
    fn awkward_inputs_do_not_panic() {
        let long = "很长的一行没有标点".repeat(120_000);
        let pipes = "|".repeat(100_000);
        for t in [
            "",
            " ",
            "\u{feff}",
            "\u{feff}一、概述\r\n正文。\r\n",
            "\r",
            "\r\n\r\n",
            "\n",
            "一、\n（一）\n1.\n（1）\n#\n篇1\n第一部分",
            "𠮷、😀|𠮷\n（𠮷）😀\n- 𠮷 -\n",
            "\u{3000}\u{a0}\u{3000}\n\u{3000}一、\u{3000}",
            "|\n||\n|||\n",
            "a |\n|\n1 |\n",
            "2018年3月",
            "二○○九年三月\n",
            long.as_str(),
            pipes.as_str(),
        ] {
            check_ranges(t);
        }
    }

    #[test]
    fn large_report_parses_quickly() {
        let mut t = String::new();
        while t.len() < 1 << 20 {
            t.push_str("一、总体情况\n2023年，我区坚持以人民为中心，全面贯彻落实《条例》要求，不断完善政府\n信息公开制度。\n（一）主动公开\n信息内容 | 本年制发件数\n规章 | 0\n- 2 -\n");
        }
        let start = std::time::Instant::now();
        let r = Report::parse(&t);
        assert!(r.blocks.len() > 10_000);
        // Generous: debug builds are slow; this guards against quadratic time.
        assert!(start.elapsed().as_secs() < 10);
    }

    mod prop {
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            #[test]
            fn parse_never_panics_and_ranges_are_sane(
                s in r"[一二三十、（）()|\n\r　𠮷1.#：。 a年月日报告局第部分篇-]{0,200}"
            ) {
                super::check_ranges(&s);
            }

            #[test]
            fn parse_never_panics_on_any_string(s in any::<String>()) {
                super::check_ranges(&s);
            }
        }
    }

    /// Applies `edits` (position and length as fractions of the text, and the
    /// replacement) to a `LiveReport` and to a string, and checks the live
    /// report equals a fresh parse after every edit.
    pub(crate) fn live_matches_fresh(start: &str, edits: &[(f64, usize, String)]) {
        let mut text = start.to_owned();
        let mut live = LiveReport::parse(&text);
        for (at, len, insert) in edits {
            let mut a = ((text.len() as f64) * at) as usize;
            while !text.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = (a + len).min(text.len());
            while !text.is_char_boundary(b) {
                b += 1;
            }
            live.edit(&mut text, a..b, insert);
            let fresh = LiveReport::parse(&text);
            assert_eq!(
                live.report(),
                fresh.report(),
                "after replacing {a}..{b} with {insert:?}:\n{text}"
            );
            assert_eq!(live.widths, fresh.widths);
        }
    }

    /// A report with every kind of block, more than a title zone long.
    pub(crate) const LIVE_SAMPLE: &str = "某某区人民政府\n2023年政府信息公开工作年度报告\n\n本报告依据《中华人民共和国政府信息公开条例》编制，统计期限自2023年1月1日起至\n2023年12月31日止。\n一、总体情况\n2023年，某某区坚持以人民为中心，全面贯彻落实条例要求，不断完善政府\n信息公开制度，建立健全保障机制。\n（一）主动公开\n　　全年主动公开信息1234条。\n信息内容 | 本年制发件数\n规章 | 0\n第二十条第（五）项\n行政许可 | 550\n\n- 2 -\n二、存在问题\n1.公开质量\n部分栏目更新不及时，内容不够丰富；\n下一步将加强检查。\n三、其他需要报告的事项\n无。\n\n某某区人民政府\n2024年3月31日\n";

    #[test]
    fn live_report_reparses_only_near_the_edit() {
        let mut text = LIVE_SAMPLE.repeat(3);
        let mut live = LiveReport::parse(&text);
        let count = live.report().blocks.len();
        let at = text.rfind("部分栏目").unwrap();
        let r = live.edit(&mut text, at..at, "新增\n");
        assert!(r.start > count / 2 && r.end < count, "{r:?} of {count}");
        assert_eq!(live.report(), &Report::parse(&text));
    }

    /// An edit in the title zone parses the text again, but only the blocks
    /// that came out different count as re-parsed.
    #[test]
    fn a_full_parse_reports_only_the_blocks_that_changed() {
        let mut text = LIVE_SAMPLE.repeat(3);
        let mut live = LiveReport::parse(&text);
        let count = live.report().blocks.len();
        let at = text.find("某某区人民政府").unwrap();
        let r = live.edit(&mut text, at..at + "某某".len(), "东湖");
        assert_eq!(
            r,
            Reparsed {
                start: 0,
                old_end: 1,
                end: 1,
                same_kinds: true,
                changed_headings: Vec::new(),
                retitled_only: true
            }
        );
        assert_eq!(live.report().blocks.len(), count);
        assert_eq!(live.report(), &Report::parse(&text));
    }

    mod live {
        use proptest::prelude::*;

        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("\n".to_owned()),
                Just("\r\n".to_owned()),
                Just("".to_owned()),
                Just("二、新的标题\n".to_owned()),
                Just("（三）小标题".to_owned()),
                Just("| 甲 | 1 |\n".to_owned()),
                Just("\n\n".to_owned()),
                Just("𠮷😀".to_owned()),
                Just("。".to_owned()),
                Just("统计".to_owned()),
                Just("继续写的一段很长的文字没有标点符号一直写".to_owned()),
                Just("　　".to_owned()),
                Just("- 3 -\n".to_owned()),
                "[一二、（）|\r\n𠮷。a ]{0,8}",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

            #[test]
            fn live_report_equals_a_fresh_parse(
                repeat in 1usize..4,
                crlf in any::<bool>(),
                edits in proptest::collection::vec((0.0f64..1.0, 0usize..40, piece()), 1..12),
            ) {
                let mut start = super::LIVE_SAMPLE.repeat(repeat);
                if crlf {
                    start = start.replace('\n', "\r\n");
                }
                super::live_matches_fresh(&start, &edits);
            }
        }
    }

    /// The shared corpus, when present (CI has it; the repository must not
    /// copy its text).
    fn corpus(dir: &str) -> Vec<(String, String)> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus")
            .join(dir);
        let Ok(entries) = std::fs::read_dir(path) else {
            return Vec::new();
        };
        let mut files: Vec<(String, String)> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .filter_map(|p| {
                let name = p.file_name()?.to_string_lossy().into_owned();
                Some((name, std::fs::read_to_string(&p).ok()?))
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn corpus_reports() {
        for (name, text) in corpus("seeds").into_iter().chain(corpus("peer")) {
            check_ranges(&text);
            let r = Report::parse(&text);
            let m = &r.meta;
            let year = m.year.as_ref().map(|y| y.value);
            let issuer = m.issuer.as_ref().map(|i| i.0.as_str()).unwrap_or("");
            let headings: Vec<&str> = r
                .blocks
                .iter()
                .filter(|b| matches!(b.kind, BlockKind::Heading(_)))
                .map(|b| text[b.range.clone()].trim())
                .collect();
            match name.get(..3).unwrap_or("") {
                "000" => {
                    assert!(issuer.contains("崔各庄乡"), "{name}: {issuer}");
                    assert_eq!(year, Some(2013), "{name}");
                    assert!(headings.contains(&"一、概 述"), "{name}: {headings:?}");
                    assert!(
                        headings.contains(&"四、政府信息公开工作存在的主要问题及改进措施"),
                        "{name}"
                    );
                }
                "001" => assert_eq!(year, Some(2013), "{name}"),
                "002" => {
                    assert_eq!(year, Some(2017), "{name}");
                    let found = r.blocks.iter().any(|b| match &b.kind {
                        BlockKind::Table(t) => t.rows.iter().any(|row| {
                            let cells: Vec<&str> =
                                row.cells.iter().map(|c| &text[c.range.clone()]).collect();
                            cells.len() == 3
                                && matches!(cells[0], "（二）申请办结数" | "(二)申请办结数")
                                && cells[1] == "件"
                                && cells[2] == "10"
                        }),
                        _ => false,
                    });
                    assert!(found, "{name}: no 3-column row (二)申请办结数 | 件 | 10");
                }
                "003" => assert_eq!(year, Some(2008), "{name}"),
                "004" => assert_eq!(year, None, "{name}"),
                "01_" => {
                    assert!(issuer.contains("洪泽区人民政府"), "{name}: {issuer}");
                    assert_eq!(year, Some(2023), "{name}");
                }
                _ => {}
            }
        }
    }
}
