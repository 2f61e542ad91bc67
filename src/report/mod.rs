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
