//! `kind = "paired-marks"`: an opening mark without its closing partner, or
//! the reverse — 《条例》 written 《条例》》, a （ closed by a half-width ).
//! Pairs are given by the pack (`pairs = ["《》", "（）", "“”"]`) and matched
//! within a paragraph: blocks on consecutive lines, or separated by a blank
//! line after a block that stops mid-sentence, are one run (PDF extraction
//! splits paragraphs at page breaks and line ends). A closing mark after a bare ordinal at the start of a line (`1）`,
//! `一）`) is a list marker, not half of a pair.

use std::ops::Range;

use regex::Regex;

use super::pattern::in_rule_scope;
use super::{Context, Sink};
use crate::pack::schema::{RuleSpec, Scope};
use crate::pack::{PackError, PackSource};
use crate::report::Block;

#[derive(Clone, Debug)]
pub struct PairedMarks {
    /// (opening, closing) marks.
    pairs: Vec<(char, char)>,
    /// Any of the marks: the text is searched for them, not walked char by
    /// char.
    marks: Regex,
    scope: Scope,
}

impl PairedMarks {
    pub(super) fn compile(src: &PackSource, spec: &RuleSpec) -> Result<PairedMarks, PackError> {
        let mut pairs = Vec::new();
        for pair in spec.pairs.as_deref().unwrap_or_default() {
            let mut chars = pair.chars();
            match (chars.next(), chars.next(), chars.next()) {
                (Some(open), Some(close), None) if open != close => pairs.push((open, close)),
                _ => {
                    return Err(PackError::at(
                        src,
                        spec.id.span().start,
                        format!(
                            "规则 “{}” 的 pairs 每项须是两个不同的字符（开、闭），而 “{pair}” 不是",
                            spec.id.get_ref()
                        ),
                    ));
                }
            }
        }
        if pairs.is_empty() {
            return Err(PackError::at(
                src,
                spec.id.span().start,
                format!(
                    "规则 “{}”（kind = \"paired-marks\"）需要 pairs，如 [\"《》\", \"（）\"]",
                    spec.id.get_ref()
                ),
            ));
        }
        let class: String = pairs
            .iter()
            .flat_map(|(o, c)| [*o, *c])
            .map(|c| regex::escape(&c.to_string()))
            .collect::<Vec<_>>()
            .join("|");
        let marks = Regex::new(&class).map_err(|e| {
            PackError::at(src, spec.id.span().start, format!("pairs 无法编译：{e}"))
        })?;
        Ok(PairedMarks {
            pairs,
            marks,
            scope: spec.scope.unwrap_or_default(),
        })
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        if self.scope == Scope::Title {
            let Some(title) = &cx.report.meta.title else {
                return;
            };
            let marks = self.marks_in(cx.slice(title));
            let (found, _) = self.unpaired(cx, [(None, title.start, &marks[..])], None);
            self.report(sink, found);
            return;
        }
        let parts = self.marks_by_block(cx);
        self.finish(
            cx,
            sink,
            parts.iter().map(|(b, m)| (*b, m.as_slice())),
            None,
        );
    }

    /// Whether the rule's findings are made from each block's marks (all
    /// scopes but the title, which is not a block).
    pub(super) fn by_blocks(&self) -> bool {
        self.scope != Scope::Title
    }

    /// The marks of one block (offsets relative to it); `None` when it has
    /// none.
    pub(super) fn block_marks(&self, text: &str, block: &Block) -> Option<Vec<Mark>> {
        let marks = self.marks_in(text.get(block.range.clone())?);
        (!marks.is_empty()).then_some(marks)
    }

    /// The marks of every block that has some, from one search of the whole
    /// text (a mark is one character: it never spans two blocks, and the
    /// text's marks inside a block are the block's).
    pub(super) fn marks_by_block(&self, cx: &Context) -> Vec<(usize, Vec<Mark>)> {
        let mut parts: Vec<(usize, Vec<Mark>)> = Vec::new();
        let mut current: Option<(usize, &Block)> = None;
        for m in self.marks.find_iter(cx.text) {
            let (b, block) = match current {
                Some((b, block)) if block.range.contains(&m.start()) => (b, block),
                _ => {
                    let Some(b) = cx.report.block_at(m.start()) else {
                        continue;
                    };
                    let block = &cx.report.blocks[b];
                    if !block.range.contains(&m.start()) {
                        continue;
                    }
                    current = Some((b, block));
                    (b, block)
                }
            };
            let Some(mark) = (cx.text.get(block.range.clone()))
                .and_then(|piece| mark_at(piece, m.start() - block.range.start, m.as_str()))
            else {
                continue;
            };
            match parts.last_mut() {
                Some((last, marks)) if *last == b => marks.push(mark),
                _ => parts.push((b, vec![mark])),
            }
        }
        parts
    }

    /// The marks in a piece of text (offsets relative to it).
    fn marks_in(&self, piece: &str) -> Vec<Mark> {
        self.marks
            .find_iter(piece)
            .filter_map(|m| mark_at(piece, m.start(), m.as_str()))
            .collect()
    }

    /// The findings from the marks of each block (in document order) that is
    /// in the rule's scope. `open_spans`, when given, is filled in: the runs
    /// of blocks looked at while a mark was open (what else an edit there can
    /// change).
    pub(super) fn finish<'p>(
        &self,
        cx: &Context,
        sink: &mut Sink,
        parts: impl Iterator<Item = (usize, &'p [Mark])>,
        open_spans: Option<&mut Vec<Range<usize>>>,
    ) {
        let in_scope = |b: usize| in_rule_scope(cx, self.scope, None, b);
        let runs = parts
            .filter(|(b, _)| in_scope(*b))
            .map(|(b, marks)| (Some(b), cx.report.blocks[b].range.start, marks));
        let (found, _) = self.unpaired(cx, runs, open_spans);
        self.report(sink, found);
    }

    /// After an edit that kept every block's kind, when no mark was open
    /// across the blocks it re-parsed (none of the last `open_spans` meets
    /// them): the findings of those blocks' marks `parts`, if they leave no
    /// mark open after them, so the blocks after see what they saw before.
    /// Returns false, having reported nothing, otherwise. The runs of blocks
    /// looked at are added to `open_spans`.
    pub(super) fn refinish<'p>(
        &self,
        cx: &Context,
        sink: &mut Sink,
        parts: impl Iterator<Item = (usize, &'p [Mark])>,
        open_spans: &mut Vec<Range<usize>>,
    ) -> bool {
        let in_scope = |b: usize| in_rule_scope(cx, self.scope, None, b);
        let runs = parts
            .filter(|(b, _)| in_scope(*b))
            .map(|(b, marks)| (Some(b), cx.report.blocks[b].range.start, marks));
        let mut spans = Vec::new();
        let (found, left_open) = self.unpaired(cx, runs, Some(&mut spans));
        if left_open {
            return false;
        }
        open_spans.append(&mut spans);
        self.report(sink, found);
        true
    }

    fn report(&self, sink: &mut Sink, found: Vec<(Range<usize>, char, char)>) {
        for (at, mark, partner) in found {
            let message = sink.message(&[
                ("mark", &mark.to_string()),
                ("partner", &partner.to_string()),
            ]);
            sink.report(at, message, Vec::new(), None);
        }
    }

    /// The unpaired marks: where, which mark, its missing partner. `pieces`
    /// are the blocks with marks, in document order (block index, where the
    /// piece starts, its marks). Blocks on consecutive lines (a paragraph a
    /// PDF page break or a line the parser took for a heading has split) are
    /// one run; a blank line after a complete sentence ends it, so between two
    /// pieces, while a mark is open, the blocks in scope between them are
    /// looked at for such a break. Also tells whether marks were still open
    /// after the last piece.
    fn unpaired<'p>(
        &self,
        cx: &Context,
        pieces: impl IntoIterator<Item = (Option<usize>, usize, &'p [Mark])>,
        mut open_spans: Option<&mut Vec<Range<usize>>>,
    ) -> (Vec<(Range<usize>, char, char)>, bool) {
        if let Some(spans) = open_spans.as_deref_mut() {
            spans.clear();
        }
        let text = cx.text;
        let blocks = &cx.report.blocks;
        let mut found = Vec::new();
        let mut open: Vec<(usize, char, char)> = Vec::new();
        // The last block in scope seen.
        let mut previous: Option<usize> = None;
        let at = |i: usize, c: char| i..i + c.len_utf8();
        for (block, base, marks) in pieces {
            if let (Some(from), Some(to)) = (previous, block) {
                if let Some(spans) = open_spans.as_deref_mut()
                    && !open.is_empty()
                {
                    spans.push(from..to + 1);
                }
                let mut before = from;
                for b in from + 1..=to {
                    if open.is_empty() {
                        break;
                    }
                    if !in_rule_scope(cx, self.scope, None, b) {
                        continue;
                    }
                    let end = blocks[before].range.end;
                    let start = blocks[b].range.start;
                    if blank_line_between(text.get(end..start).unwrap_or("\n\n"))
                        && ends_a_sentence(text.get(..end).unwrap_or(""))
                    {
                        found.extend(open.drain(..).map(|(j, o, cl)| (at(j, o), o, cl)));
                    }
                    before = b;
                }
            }
            previous = block;
            for mark in marks {
                let (i, c) = (base + mark.at, mark.c);
                if let Some(&(_, close)) = self.pairs.iter().find(|(o, _)| *o == c) {
                    open.push((i, c, close));
                    continue;
                }
                let Some(&(opener, _)) = self.pairs.iter().find(|(_, cl)| *cl == c) else {
                    continue;
                };
                match open.iter().rposition(|(_, o, _)| *o == opener) {
                    Some(p) => {
                        // Marks opened inside this pair and never closed.
                        for (j, o, cl) in open.drain(p..).skip(1) {
                            found.push((at(j, o), o, cl));
                        }
                    }
                    None if !mark.list_marker => found.push((at(i, c), c, opener)),
                    None => {}
                }
            }
        }
        let left_open = !open.is_empty();
        // Marks left open look at every later piece: an edit after them can
        // close them.
        if let (Some(spans), Some(last), true) = (open_spans, previous, left_open) {
            spans.push(last..usize::MAX);
        }
        found.extend(open.into_iter().map(|(j, o, cl)| (at(j, o), o, cl)));
        found.sort_by_key(|(r, _, _)| r.start);
        (found, left_open)
    }
}

/// A paired mark in a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Mark {
    /// Offset relative to the block.
    at: usize,
    c: char,
    /// A closing mark after a bare ordinal at the start of its line (`1）`).
    list_marker: bool,
}

/// Whether a block ends with sentence-final punctuation. One that stops
/// mid-sentence continues after a blank line (a PDF extraction that puts a
/// blank line after every line).
fn ends_a_sentence(before: &str) -> bool {
    before
        .trim_end()
        .chars()
        .last()
        .is_none_or(|c| "。！？；：…”’）》!?;:".contains(c))
}

/// Whether the text between two blocks holds a blank line (whole lines in it
/// that are empty or white space).
fn blank_line_between(gap: &str) -> bool {
    // The whole lines are those between the first and the last line break.
    match (gap.find('\n'), gap.rfind('\n')) {
        (Some(first), Some(last)) if first < last => gap[first + 1..last]
            .split('\n')
            .any(|l| l.trim().is_empty()),
        _ => false,
    }
}

/// The mark `found` at offset `at` of `piece`.
fn mark_at(piece: &str, at: usize, found: &str) -> Option<Mark> {
    Some(Mark {
        at,
        c: found.chars().next()?,
        list_marker: is_list_marker(piece, at),
    })
}

/// Whether the closing mark at `i` ends a bare ordinal at the start of its
/// line (`1）`, `（2` is not); `text` starts at a line start.
fn is_list_marker(text: &str, i: usize) -> bool {
    // Most marks follow a character that is no ordinal: no need to look for
    // the line's start.
    if !text[..i].chars().next_back().is_some_and(is_ordinal) {
        return false;
    }
    let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    let before = text[line_start..i].trim_start();
    !before.is_empty() && before.chars().count() <= 3 && before.chars().all(is_ordinal)
}

/// A digit of a list's ordinal (`1`, `十`).
fn is_ordinal(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
}

#[cfg(test)]
mod tests {
    use crate::check::testing::check_rule;

    const RULE: &str = r#"
id = "unpaired"
kind = "paired-marks"
severity = "warning"
message = "“{mark}”缺少配对的“{partner}”"
pairs = ["《》", "（）", "“”"]
"#;

    fn flagged(text: &str) -> Vec<(String, String)> {
        check_rule(RULE, text)
            .iter()
            .map(|d| (text[d.range.clone()].to_owned(), d.message.clone()))
            .collect()
    }

    #[test]
    fn balanced_and_nested_marks_are_silent() {
        assert!(flagged("依据《条例》（国务院令第711号）“应公开尽公开”。\n").is_empty());
        assert!(flagged("（一）主动公开情况\n1）公开目录\n一）公开指南\n").is_empty());
        assert!(flagged("学习《关于〈条例〉的解读》。\n").is_empty());
    }

    #[test]
    fn unclosed_and_unopened_marks_are_reported() {
        assert_eq!(
            flagged("依据《条例（国务院令第711号）编制。\n"),
            [("《".to_owned(), "“《”缺少配对的“》”".to_owned())]
        );
        assert_eq!(
            flagged("依据条例》编制。\n"),
            [("》".to_owned(), "“》”缺少配对的“《”".to_owned())]
        );
        // Opened inside a pair and never closed.
        assert_eq!(
            flagged("《条例（试行》编制。\n"),
            [("（".to_owned(), "“（”缺少配对的“）”".to_owned())]
        );
    }

    #[test]
    fn pairs_span_consecutive_lines_but_not_a_blank_line() {
        assert_eq!(flagged("“第一段。\n\n第二段”。\n").len(), 2);
        // A paragraph cut mid-sentence by a blank line continues after it.
        assert!(flagged("努力让政务信息“看\n\n得懂、用得上”。\n").is_empty());
        // A paragraph split by a page number, and a line taken for a heading.
        assert!(flagged("严格执行“分级\n- 1 -\n审核、先审后发”程序。\n").is_empty());
        assert!(flagged("（一）部分公开（区分处理的，只\n计这一情形）\n").is_empty());
    }
}
