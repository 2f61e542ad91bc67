//! Splitting text into blocks.
//!
//! Each line is classified first (blank, table, page number, heading, prose),
//! then runs of lines are grouped: blank runs, tables (runs of lines with a
//! `|`, bridging one or two short lines of a merged cell), and paragraphs
//! (prose lines joined when a line was hard-wrapped by PDF extraction).

use std::ops::Range;

use super::heading::{Heading, MarkerKind, parse_heading};
use super::scan::{
    chars_and_width, chars_at_most, digit_value, is_blank, is_org_line, is_sentence_punct, is_ws,
    lines, parse_date_line, skip_ws, trim,
};
use super::{Block, BlockKind, table};

enum LineKind {
    Blank,
    Page,
    Pipe,
    Heading(Box<Heading>),
    Prose(Prose),
}

/// What the paragraph joiner needs to know about a prose line, computed once.
#[derive(Clone, Copy)]
struct Prose {
    /// Display width of the trimmed line (CJK characters count 2).
    width: usize,
    ends_sentence: bool,
    indented: bool,
    /// The line is only a date (a sign-off).
    date: bool,
    /// The line is only an organisation's name.
    org: bool,
    /// The line looks like a report's title.
    title: bool,
}

impl Prose {
    /// The facts of `line`, whose trimmed text is `t`.
    fn of(line: &str, t: &str) -> Prose {
        let (chars, width) = chars_and_width(t);
        Prose {
            width,
            ends_sentence: ends_sentence(t),
            indented: is_indented(line),
            date: chars <= 30 && parse_date_line(t).is_some(),
            org: is_org_line(t),
            title: chars <= 40 && is_title_like(t),
        }
    }
}

struct Line {
    range: Range<usize>,
    kind: LineKind,
}

pub(super) fn split(text: &str) -> Vec<Block> {
    split_counting(text).0
}

/// Splits `text` into blocks, and returns the widths the hard-wrap estimate
/// was made from (kept by `LiveReport` to re-parse edits).
pub(super) fn split_counting(text: &str) -> (Vec<Block>, WrapWidths) {
    let (mut ls, _) = classify_lines(text, 0, usize::MAX);
    let widths = WrapWidths::of(&ls, 0..ls.len());
    let wrap = widths.estimate();
    // The title sits among the first lines: when the text is not visibly
    // hard-wrapped, it stands alone even without a full stop.
    let top = ls
        .iter()
        .filter(|l| !matches!(l.kind, LineKind::Blank))
        .nth(TITLE_ZONE)
        .map_or(usize::MAX, |l| l.range.start);
    let (blocks, _) = group(text, &mut ls, &wrap, top, |_, _| false);
    (blocks, widths)
}

/// Up to `limit` lines of `text` from byte `from` (a line start), classified;
/// and whether they run to the end of the text.
fn classify_lines(text: &str, from: usize, limit: usize) -> (Vec<Line>, bool) {
    // Sized first: growing it line by line copied a long report's lines
    // again and again.
    let rest = text.as_bytes().get(from..).unwrap_or_default();
    let count = memchr::memchr_iter(b'\n', rest).take(limit).count() + 1;
    let mut ls = Vec::with_capacity(count.min(limit));
    let mut all = lines(text, from..text.len()).map(|range| {
        let kind = classify(text, &range);
        Line { range, kind }
    });
    ls.extend(all.by_ref().take(limit));
    let to_end = all.next().is_none();
    (ls, to_end)
}

/// Groups classified lines into blocks, from the first line of `ls`. Before
/// each block, `stop(i, ls)` may end the grouping at line `i`; returns the
/// blocks and the line where grouping ended. `top` is the start of the last
/// line of the title zone.
fn group(
    text: &str,
    ls: &mut [Line],
    wrap: &WrapWidth,
    top: usize,
    mut stop: impl FnMut(usize, &[Line]) -> bool,
) -> (Vec<Block>, usize) {
    let n = ls.len();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < n {
        if stop(i, ls) {
            return (blocks, i);
        }
        let start = ls[i].range.start;
        // Take a heading out of its line (nothing looks back at it); leave
        // the other kinds in place for the paragraph joiner.
        let kind = match &ls[i].kind {
            LineKind::Heading(_) => std::mem::replace(&mut ls[i].kind, LineKind::Blank),
            LineKind::Blank => LineKind::Blank,
            LineKind::Page => LineKind::Page,
            LineKind::Pipe => LineKind::Pipe,
            LineKind::Prose(p) => LineKind::Prose(*p),
        };
        let (kind, j) = match kind {
            LineKind::Blank => {
                let mut j = i + 1;
                while j < n && matches!(ls[j].kind, LineKind::Blank) {
                    j += 1;
                }
                (BlockKind::Blank, j)
            }
            LineKind::Page => (BlockKind::PageNumber, i + 1),
            LineKind::Heading(h) => (BlockKind::Heading(*h), i + 1),
            LineKind::Pipe => {
                let j = table_end(text, ls, i);
                let ranges: Vec<Range<usize>> = ls[i..j].iter().map(|l| l.range.clone()).collect();
                (BlockKind::Table(table::parse(text, &ranges)), j)
            }
            LineKind::Prose(_) => {
                let mut j = i + 1;
                while j < n && !paragraph_breaks(ls, j, wrap, top) {
                    j += 1;
                }
                (BlockKind::Paragraph, j)
            }
        };
        let end = ls[j - 1].range.end;
        blocks.push(Block {
            kind,
            range: start..end,
        });
        i = j;
    }
    (blocks, n)
}

/// How far past the last line of a block its grouping looks (a table
/// bridges up to two lines before the next `|` line).
pub(super) const LOOKAHEAD: usize = 3;

/// The blocks of `text` (already edited) from byte `from`, a block start
/// before the edit, up to the first block start `resync` accepts (a start
/// after the edit where the old blocks resume unchanged). The widths and the
/// title zone (`top`) are those of the whole text. Returns the new blocks and
/// where they end (a byte offset; the end of the text when nothing resynced).
pub(super) fn resplit(
    text: &str,
    from: usize,
    widths: &WrapWidths,
    top: usize,
    mut resync: impl FnMut(usize) -> bool,
) -> (Vec<Block>, Option<usize>) {
    let wrap = widths.estimate();
    // Most edits re-parse one short block and resync at the next: classify
    // a few lines first, more only when a block runs past them (16 counted
    // fewest instructions over the edit bench's 6,000 edits: 8 retries too
    // often, 64 classifies lines no edit needs).
    let mut limit = 16;
    loop {
        let (mut ls, to_end) = classify_lines(text, from, limit);
        let mut synced = None;
        let (blocks, _) = group(text, &mut ls, &wrap, top, |i, ls| {
            // A block's grouping may look `LOOKAHEAD` lines further: only
            // trust blocks whose look-ahead lines were classified.
            if !to_end && i + LOOKAHEAD >= ls.len() {
                return true;
            }
            let at = ls[i].range.start;
            if resync(at) {
                synced = Some(at);
                return true;
            }
            false
        });
        if synced.is_some() || to_end {
            return (blocks, synced);
        }
        limit *= 4;
    }
}

/// The start and end of the last line of the title zone (the first
/// `TITLE_ZONE + 1` non-blank lines), if the text is that long.
pub(super) fn title_zone(text: &str) -> Option<Range<usize>> {
    lines(text, 0..text.len())
        .filter(|r| !is_blank(text.get(r.clone()).unwrap_or("")))
        .nth(TITLE_ZONE)
}

/// The widths of the prose lines that do not end a sentence and are followed
/// by more prose (what `WrapWidth` is estimated from), sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct WrapWidths(Vec<usize>);

impl WrapWidths {
    /// The widths of the line pairs `(j, j + 1)` for `j` in `pairs`.
    fn of(ls: &[Line], pairs: Range<usize>) -> WrapWidths {
        let mut widths: Vec<usize> = pairs.filter_map(|j| pair_width(ls, j)).collect();
        widths.sort_unstable();
        WrapWidths(widths)
    }

    /// Adds (or removes) the widths of the line pairs starting at the lines
    /// of `text` from byte `from` that start before byte `to`, the line after
    /// them included.
    pub(super) fn update(&mut self, text: &str, from: usize, to: usize, add: bool) {
        let mut ls = Vec::new();
        for range in lines(text, from..text.len()) {
            let start = range.start;
            let kind = classify(text, &range);
            ls.push(Line { range, kind });
            if start >= to {
                break;
            }
        }
        let pairs = ls.len().saturating_sub(1);
        for j in 0..pairs {
            let Some(w) = pair_width(&ls, j) else {
                continue;
            };
            let at = self.0.partition_point(|&x| x < w);
            if add {
                self.0.insert(at, w);
            } else if self.0.get(at) == Some(&w) {
                self.0.remove(at);
            }
        }
    }

    /// Whether grouping with `a` and with `b` makes the same paragraphs:
    /// both unknown, or both known and no line width of the multiset lies
    /// between their "short line" thresholds (the only lines whose break
    /// depends on the estimate are those counted here).
    pub(super) fn group_alike(&self, a: &WrapWidth, b: &WrapWidth) -> bool {
        match (a.0, b.0) {
            (None, None) => true,
            (Some(x), Some(y)) => {
                let (low, high) = (x.min(y), x.max(y));
                // Short: width * 10 < w * 8. Widths with w*10 in [8·low, 8·high)
                // are short for one estimate and not for the other.
                let first = self.0.partition_point(|&w| w * 10 < low * 8);
                self.0.get(first).is_none_or(|&w| w * 10 >= high * 8)
            }
            _ => false,
        }
    }

    pub(super) fn estimate(&self) -> WrapWidth {
        let widths = &self.0;
        if widths.len() < 4 {
            return WrapWidth(None);
        }
        WrapWidth(widths.get(widths.len() * 3 / 4).copied())
    }
}

/// The width line `j` contributes to the wrap estimate, if any.
fn pair_width(ls: &[Line], j: usize) -> Option<usize> {
    match (&ls.get(j)?.kind, &ls.get(j + 1)?.kind) {
        (LineKind::Prose(p), LineKind::Prose(_)) if !p.ends_sentence => Some(p.width),
        _ => None,
    }
}

fn classify(text: &str, range: &Range<usize>) -> LineKind {
    let s = text.get(range.clone()).unwrap_or("");
    let t = trim(s);
    if t.is_empty() {
        LineKind::Blank
    } else if memchr::memchr(b'|', t.as_bytes()).is_some() {
        LineKind::Pipe
    } else if is_page_number(t) {
        LineKind::Page
    } else if let Some(h) = parse_heading(s, range.start) {
        LineKind::Heading(Box::new(h))
    } else {
        LineKind::Prose(Prose::of(s, t))
    }
}

/// The end (exclusive line index) of the table starting at line `i`: the run
/// of `|` lines, bridging gaps of one or two short lines that are prose or
/// low-level headings (the wrapped text of a merged cell such as `（四）无法提供`
/// or a lone `、`). A blank line, a page number or a 一、-level heading ends the
/// table.
fn table_end(text: &str, ls: &[Line], i: usize) -> usize {
    let n = ls.len();
    let is_pipe = |j: usize| j < n && matches!(ls[j].kind, LineKind::Pipe);
    let bridgeable = |j: usize| {
        j < n && {
            let short = text
                .get(ls[j].range.clone())
                .is_some_and(|s| chars_at_most(trim(s), 30));
            short
                && match &ls[j].kind {
                    LineKind::Prose(_) => true,
                    LineKind::Heading(h) => h.marker != MarkerKind::Markdown && h.level >= 2,
                    _ => false,
                }
        }
    };
    let mut j = i + 1;
    loop {
        if is_pipe(j) {
            j += 1;
        } else if bridgeable(j) && is_pipe(j + 1) {
            j += 2;
        } else if bridgeable(j) && bridgeable(j + 1) && is_pipe(j + 2) {
            j += 3;
        } else {
            return j;
        }
    }
}

/// `- 2 -`, `—2—`, `第 3 页`, `第3页 共10页`, `共10页 第3页`: `t`, a
/// trimmed line.
fn is_page_number(t: &str) -> bool {
    // The length last: most lines fail at their first character.
    let short = |t: &str| chars_at_most(t, 24);
    let is_dash = |c: char| matches!(c, '-' | '—' | '–' | '－' | '―' | '‒' | '─' | '一');
    let first = t.chars().next();
    let last = t.chars().next_back();
    if first.is_some_and(is_dash) && last.is_some_and(is_dash) {
        let inner = t.trim_matches(|c| is_dash(c) || is_ws(c));
        // `一` doubles as a dash in OCR output but is also a numeral: only
        // accept it around Arabic digits.
        return !inner.is_empty()
            && chars_at_most(inner, 4)
            && inner.chars().all(|c| digit_value(c).is_some())
            && short(t);
    }
    // Tokens: 第, 共, 页 and numbers; separators are ignored.
    let mut tokens: Vec<char> = Vec::new();
    let mut in_number = false;
    for c in t.chars() {
        if digit_value(c).is_some() {
            if !in_number {
                tokens.push('N');
                in_number = true;
            }
            continue;
        }
        in_number = false;
        match c {
            '第' | '共' | '页' => tokens.push(c),
            c if is_ws(c) || matches!(c, ',' | '，' | '/' | '／' | '、' | '|') => {}
            _ => return false,
        }
    }
    matches!(
        tokens.as_slice(),
        ['第', 'N', '页'] | ['第', 'N', '页', '共', 'N', '页'] | ['共', 'N', '页', '第', 'N', '页']
    ) && short(t)
}

/// The width at which a PDF extraction hard-wrapped the text, estimated from
/// the prose lines that do not end a sentence and are followed by more prose.
/// A line clearly shorter than that ends its paragraph even without a full
/// stop (a title, a signature, a list item without punctuation).
#[derive(PartialEq, Eq)]
pub(super) struct WrapWidth(Option<usize>);

impl WrapWidth {
    fn is_short(&self, line: &Prose) -> bool {
        self.0.is_some_and(|w| line.width * 10 < w * 8)
    }
}

/// Sentence-final punctuation at the end of a line (after trimming).
fn ends_sentence(line: &str) -> bool {
    line.trim_end_matches(is_ws)
        .chars()
        .next_back()
        .is_some_and(|c| {
            matches!(
                c,
                '。' | '！' | '？' | '!' | '?' | '；' | ';' | '：' | ':' | '…' | '」' | '”' | '"'
            )
        })
}

/// An indented line: two or more leading spaces, or any ideographic space,
/// no-break space or tab among its leading white space.
fn is_indented(line: &str) -> bool {
    let lead = &line[..skip_ws(line, 0)];
    lead.chars().filter(|&c| c == ' ').count() >= 2
        || lead
            .chars()
            .any(|c| matches!(c, '\u{3000}' | '\u{a0}' | '\t'))
}

/// How many non-blank lines at the top of a report may hold its title.
const TITLE_ZONE: usize = 10;

/// Whether a trimmed line looks like a report's title (or its last line): it
/// names a report and holds no sentence punctuation. The caller checks that
/// it is at most 40 characters long.
fn is_title_like(t: &str) -> bool {
    (t.contains("报告") || t.contains("年报"))
        && !t
            .chars()
            .any(|c| (is_sentence_punct(c) && c != '、') || matches!(c, '《' | '》'))
}

/// Whether prose line `j` starts a new paragraph after prose line `j - 1`;
/// lines starting at or before byte `top` are in the title zone.
fn paragraph_breaks(ls: &[Line], j: usize, wrap: &WrapWidth, top: usize) -> bool {
    let prose = |k: usize| match ls.get(k).map(|l| &l.kind) {
        Some(LineKind::Prose(p)) => Some(*p),
        _ => None,
    };
    let (Some(prev), Some(next)) = (j.checked_sub(1).and_then(prose), prose(j)) else {
        return true;
    };
    if prev.ends_sentence || next.indented || wrap.is_short(&prev) {
        return true;
    }
    // Sign-off lines (落款) stand alone: a date line, and an organisation line
    // right before a date line.
    if prev.date || next.date {
        return true;
    }
    if wrap.0.is_none() && ls[j].range.start <= top && (prev.title || next.title) {
        return true;
    }
    next.org && prose(j + 1).is_some_and(|p| p.date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&'static str, &str)> {
        split(text)
            .into_iter()
            .map(|b| {
                let k = match b.kind {
                    BlockKind::Blank => "blank",
                    BlockKind::Heading(_) => "heading",
                    BlockKind::Paragraph => "para",
                    BlockKind::Table(_) => "table",
                    BlockKind::PageNumber => "page",
                };
                (k, &text[b.range])
            })
            .collect()
    }

    #[test]
    fn empty_and_blank() {
        assert!(split("").is_empty());
        assert_eq!(
            kinds("  \n\u{3000}\n\u{feff}\n"),
            [("blank", "  \n\u{3000}\n\u{feff}")]
        );
    }

    #[test]
    fn crlf_and_bom() {
        let t = "\u{feff}某县2023年报告\r\n\r\n一、总体情况\r\n正文。\r\n";
        assert_eq!(
            kinds(t),
            [
                ("para", "\u{feff}某县2023年报告"),
                ("blank", ""),
                ("heading", "一、总体情况"),
                ("para", "正文。"),
            ]
        );
        let b = split(t);
        assert!(b.iter().all(|b| !t[b.range.clone()].ends_with('\r')));
        // A BOM before a heading does not hide it.
        assert_eq!(kinds("\u{feff}一、概述"), [("heading", "\u{feff}一、概述")]);
    }

    #[test]
    fn page_numbers() {
        for p in [
            "- 2 -",
            "—2—",
            "— 12 —",
            "第 3 页",
            "第3页 共10页",
            "第3页/共10页",
            "共10页 第3页",
            "－1－",
        ] {
            assert!(is_page_number(p), "{p}");
        }
        for p in [
            "-",
            "—— 一 ——",
            "第三页",
            "第3章",
            "2",
            "- 2023年 -",
            "第3页的内容",
        ] {
            assert!(!is_page_number(p), "{p}");
        }
        assert_eq!(
            kinds("第一行文字\n- 2 -\n第二行文字。"),
            [
                ("para", "第一行文字"),
                ("page", "- 2 -"),
                ("para", "第二行文字。")
            ]
        );
    }

    #[test]
    fn web_paragraphs_one_per_line() {
        let t = "第一段写完了。\n第二段也写完了！\n第三段：\n第四段";
        assert_eq!(
            kinds(t),
            [
                ("para", "第一段写完了。"),
                ("para", "第二段也写完了！"),
                ("para", "第三段："),
                ("para", "第四段"),
            ]
        );
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let t = "某某区人民政府\n\
                 2023 年政府信息公开工作年度报告\n\
                 本报告由某某区人民政府办公室根据《中华人民共和\n\
                 国政府信息公开条例》要求编制。报告中所列数据统计\n\
                 期限自 2023 年 1 月 1 日起至 2023 年 12 月 31 日止。\n\
                 一、总体情况\n\
                 2023 年，某某区人民政府坚持以人民为中心，全面贯彻\n\
                 落实《条例》相关规范要求，不断完善政府信息公开制\n\
                 度，建立健全保障机制，推进工作规范有序发展。\n\
                 （一）主动公开情况。主要通过政府门户网站主动公开\n\
                 \u{3000}\u{3000}另起一段，用全角空格缩进。\n\
                 \u{20}\u{20}两个空格也是缩进，这一行和上面的行一样长但是没写完\n\
                 接着写完了。";
        assert_eq!(
            kinds(t),
            [
                ("para", "某某区人民政府"),
                ("para", "2023 年政府信息公开工作年度报告"),
                (
                    "para",
                    "本报告由某某区人民政府办公室根据《中华人民共和\n\
                     国政府信息公开条例》要求编制。报告中所列数据统计\n\
                     期限自 2023 年 1 月 1 日起至 2023 年 12 月 31 日止。"
                ),
                ("heading", "一、总体情况"),
                (
                    "para",
                    "2023 年，某某区人民政府坚持以人民为中心，全面贯彻\n\
                     落实《条例》相关规范要求，不断完善政府信息公开制\n\
                     度，建立健全保障机制，推进工作规范有序发展。"
                ),
                (
                    "heading",
                    "（一）主动公开情况。主要通过政府门户网站主动公开"
                ),
                ("para", "　　另起一段，用全角空格缩进。"),
                (
                    "para",
                    "  两个空格也是缩进，这一行和上面的行一样长但是没写完\n接着写完了。"
                ),
            ]
        );
    }

    #[test]
    fn sign_off_lines_stand_alone() {
        let t = "附件：《统计表》\n某某乡人民政府\n2018年3月";
        assert_eq!(
            kinds(t),
            [
                ("para", "附件：《统计表》"),
                ("para", "某某乡人民政府"),
                ("para", "2018年3月")
            ]
        );
        let t = "附件《统计表》\n某某乡人民政府\n2018年3月";
        assert_eq!(
            kinds(t),
            [
                ("para", "附件《统计表》"),
                ("para", "某某乡人民政府"),
                ("para", "2018年3月")
            ]
        );
    }

    #[test]
    fn table_lines_group_and_bridge_merged_cells() {
        let t = "二、主动公开情况\n\
                 信息内容 | 本年制发件数\n\
                 规章 | 0\n\
                 第二十条第（五）项\n\
                 行政许可 | 550\n\
                 （四）无法提供\n\
                 1.本机关不掌握 | 10\n\
                 \n\
                 三、收到申请情况\n\
                 甲 | 1\n\
                 四、复议诉讼情况\n\
                 乙 | 2";
        let k = kinds(t);
        assert_eq!(
            k.iter().map(|k| k.0).collect::<Vec<_>>(),
            [
                "heading", "table", "blank", "heading", "table", "heading", "table"
            ]
        );
        let BlockKind::Table(table) = &split(t)[1].kind else {
            panic!("not a table")
        };
        assert_eq!(table.rows.len(), 6);
        assert_eq!(
            &t[table.rows[2].cells[0].range.clone()],
            "第二十条第（五）项"
        );
    }

    #[test]
    fn heading_line_with_pipe_is_a_table_row() {
        let t = "一、本年新收申请数量 | 21 | 0\n二、上年结转数量 | 0 | 0";
        assert_eq!(kinds(t).iter().map(|k| k.0).collect::<Vec<_>>(), ["table"]);
    }
}
