//! Report metadata: title, issuer (机关名称), report year, the preamble and
//! the closing (落款) block.

use std::ops::Range;

use std::sync::LazyLock;

use regex::Regex;

use super::scan::{
    chars_at_most, ends_with_org_suffix, is_org_line, is_sentence_punct, lines, number_then,
    parse_date_line, skip_ws, trim, trim_range, years_in,
};
use super::{Block, BlockKind};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The title line(s), e.g. `北京市朝阳区崔各庄乡人民政府2013年政府信息公开工作年度报告`.
    pub title: Option<Range<usize>>,
    /// The issuing body's name as written, and where it was found.
    pub issuer: Option<(String, Range<usize>)>,
    /// The year the report covers.
    pub year: Option<Year>,
    /// Blocks before the first heading (title included).
    pub preamble: Range<usize>,
    /// Trailing blocks that sign the report off (issuer line and date), if any.
    pub closing: Option<Range<usize>>,
    /// The sign-off date (year, month, day when given), and where it stands.
    pub date: Option<(u16, u8, Option<u8>, Range<usize>)>,
}

/// The report year and the text it was read from (`2013年度`, the title, the
/// statistics period…).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Year {
    pub value: u16,
    pub range: Range<usize>,
}

type Date = (u16, u8, Option<u8>, Range<usize>);

pub(super) fn extract(text: &str, blocks: &[Block]) -> Meta {
    let preamble = preamble(text, blocks);
    let title = find_title(text, blocks, &preamble);
    let (closing, mut date) = find_closing(text, blocks);
    if date.is_none() {
        date = date_in_preamble(text, blocks, &preamble);
    }
    let issuer = find_issuer(text, blocks, &preamble, title.as_ref(), closing.as_ref());
    let year = find_year(text, blocks, &preamble, title.as_ref(), date.as_ref());
    Meta {
        title,
        issuer,
        year,
        preamble,
        closing,
        date,
    }
}

fn block_text<'a>(text: &'a str, b: &Block) -> &'a str {
    text.get(b.range.clone()).unwrap_or("")
}

fn is_heading(b: &Block) -> bool {
    matches!(b.kind, BlockKind::Heading(_))
}

fn is_blank_block(b: &Block) -> bool {
    matches!(b.kind, BlockKind::Blank)
}

fn is_title_words(s: &str) -> bool {
    s.contains("报告") || s.contains("年报")
}

/// The blocks before the first heading. A Markdown `#` heading holding the
/// report's title at the very top (`# 某某县2025年政府信息公开工作年度报告`) is
/// the title, not a section: the preamble then runs to the next heading.
fn preamble(text: &str, blocks: &[Block]) -> Range<usize> {
    let Some(first) = blocks.iter().position(is_heading) else {
        return 0..blocks.len();
    };
    if let BlockKind::Heading(h) = &blocks[first].kind
        && h.marker == super::MarkerKind::Markdown
        && blocks[..first].iter().all(is_blank_block)
        && text.get(h.title_range.clone()).is_some_and(is_title_words)
    {
        let next = blocks[first + 1..]
            .iter()
            .position(is_heading)
            .map_or(blocks.len(), |p| first + 1 + p);
        return 0..next;
    }
    0..first
}

/// A line that can be (the last line of) a title: it names a report, is short
/// and holds no sentence punctuation (、 allowed).
fn is_title_line(s: &str) -> bool {
    let t = trim(s);
    chars_at_most(t, 80)
        && is_title_words(t)
        && !t.chars().any(|c| is_sentence_punct(c) && c != '、')
}

/// A line that can start a two- or three-line title: short, unpunctuated, and
/// naming an organisation, a year or the subject.
fn is_title_head_line(text: &str, r: &Range<usize>) -> bool {
    let t = trim(text.get(r.clone()).unwrap_or(""));
    !t.is_empty()
        && chars_at_most(t, 30)
        && !t.chars().any(is_sentence_punct)
        && (ends_with_org_suffix(t)
            || years_in(text, r.clone()).next().is_some()
            || t.contains("信息公开")
            || t.contains("政务公开"))
}

/// The title: the first short line of the preamble that names a report,
/// extended upwards over up to two lines that carry its beginning (the
/// issuer, a year…).
fn find_title(text: &str, blocks: &[Block], preamble: &Range<usize>) -> Option<Range<usize>> {
    // Trimmed non-empty lines of the preamble, `None` between runs.
    let mut cands: Vec<Option<Range<usize>>> = Vec::new();
    let mut seen = 0;
    for b in blocks.get(preamble.clone())? {
        if seen >= 10 {
            break;
        }
        match &b.kind {
            BlockKind::Paragraph => {
                for l in lines(text, b.range.clone()) {
                    let r = trim_range(text, l);
                    if !r.is_empty() {
                        cands.push(Some(r));
                        seen += 1;
                    }
                }
            }
            BlockKind::Heading(h) if h.marker == super::MarkerKind::Markdown => {
                cands.push(Some(h.title_range.clone()));
                seen += 1;
            }
            _ => cands.push(None),
        }
    }
    let i = cands.iter().take(40).position(|c| {
        c.as_ref()
            .is_some_and(|r| text.get(r.clone()).is_some_and(is_title_line))
    })?;
    let end = cands.get(i)?.as_ref()?.end;
    let mut start = cands.get(i)?.as_ref()?.start;
    let mut k = i;
    while k > 0 && i - k < 2 {
        match &cands[k - 1] {
            Some(r) if is_title_head_line(text, r) => {
                start = r.start;
                k -= 1;
            }
            _ => break,
        }
    }
    Some(start..end)
}

/// Date lines ending the report (after any attached tables), with the
/// organisation line before them.
fn find_closing(text: &str, blocks: &[Block]) -> (Option<Range<usize>>, Option<Date>) {
    let mut end = blocks.len();
    while end > 0
        && matches!(
            blocks[end - 1].kind,
            BlockKind::Blank | BlockKind::PageNumber | BlockKind::Table(_)
        )
    {
        end -= 1;
    }
    let Some(d) = end.checked_sub(1) else {
        return (None, None);
    };
    let date_block = &blocks[d];
    if !matches!(date_block.kind, BlockKind::Paragraph) {
        return (None, None);
    }
    let Some((y, m, day)) = parse_date_line(block_text(text, date_block)) else {
        return (None, None);
    };
    let date = (y, m, day, trim_range(text, date_block.range.clone()));
    let mut k = d;
    while k > 0 && is_blank_block(&blocks[k - 1]) {
        k -= 1;
    }
    let mut start = d;
    if let Some(prev) = k.checked_sub(1).and_then(|p| blocks.get(p))
        && matches!(prev.kind, BlockKind::Paragraph)
        && is_org_line(block_text(text, prev))
    {
        start = k - 1;
    }
    // The first paragraph of the last section is that section's body.
    if let Some(h) = blocks[..d].iter().rposition(is_heading)
        && let Some(fp) = (h + 1..=d).find(|&i| !is_blank_block(&blocks[i]))
    {
        if fp == d {
            return (None, None);
        }
        if fp == start {
            start = d;
        }
    }
    (Some(start..d + 1), Some(date))
}

/// A date line standing in the preamble (`（2026年1月23日）` under the title),
/// for reports signed at the top rather than at the end.
fn date_in_preamble(text: &str, blocks: &[Block], preamble: &Range<usize>) -> Option<Date> {
    for b in blocks.get(preamble.clone())? {
        if !matches!(b.kind, BlockKind::Paragraph) {
            continue;
        }
        for l in lines(text, b.range.clone()) {
            if let Some((y, m, d)) = text.get(l.clone()).and_then(parse_date_line) {
                return Some((y, m, d, trim_range(text, l)));
            }
        }
    }
    None
}

fn preamble_span(blocks: &[Block], preamble: &Range<usize>) -> Option<Range<usize>> {
    let first = blocks.get(preamble.start)?;
    let last = blocks.get(preamble.end.checked_sub(1)?)?;
    Some(first.range.start..last.range.end)
}

/// Words that precede an issuer's name in the preamble and are not part of it.
const LEAD_WORDS: &[&str] = &[
    "本年度报告",
    "本报告",
    "本年报",
    "本单位",
    "本机关",
    "关于",
    "现",
    "特",
    "是",
    "由",
];

/// `range` trimmed of white space and of leading words such as 本报告, if what
/// remains is an organisation's name.
fn as_issuer(text: &str, range: Range<usize>) -> Option<(String, Range<usize>)> {
    let mut r = trim_range(text, range);
    loop {
        let s = text.get(r.clone())?;
        let Some(w) = LEAD_WORDS.iter().find(|w| s.starts_with(**w)) else {
            break;
        };
        r = trim_range(text, r.start + w.len()..r.end);
    }
    let name = text.get(r.clone())?;
    let n = name.chars().count();
    if !(3..=40).contains(&n)
        || name.starts_with('我')
        || name.chars().any(|c| is_sentence_punct(c) || c == '|')
        || !ends_with_org_suffix(name)
    {
        return None;
    }
    Some((name.to_string(), r))
}

static ISSUED_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"由([^\s，。、；：,.;:（）()《》“”|]{2,40}?)(?:编制|制作|发布|负责)")
        .expect("valid regex")
});
static LEGAL_BASIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"([^\s，。、；：,.;:（）()《》“”|]{2,40})(?:根据|依据|按照)《中华人民共和国政府信息公开条例》",
    )
    .expect("valid regex")
});
static FORM_FILLER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"填报单位(?:[（(]\s*盖章\s*[）)])?\s*[:：]([^|\n]+)").expect("valid regex")
});

fn find_issuer(
    text: &str,
    blocks: &[Block],
    preamble: &Range<usize>,
    title: Option<&Range<usize>>,
    closing: Option<&Range<usize>>,
) -> Option<(String, Range<usize>)> {
    // (a) The title before the year or before 政府信息公开.
    if let Some(t) = title {
        let s = text.get(t.clone())?;
        let year = years_in(text, t.clone()).next().map(|(_, r)| r);
        if let Some(y) = &year
            && let Some(i) = as_issuer(text, t.start..y.start)
        {
            return Some(i);
        }
        for kw in ["政府信息公开", "政务信息公开", "信息公开", "政务公开"] {
            let Some(p) = s.find(kw) else { continue };
            let at = t.start + p;
            let from = match &year {
                Some(y) if y.end <= at => {
                    if text.get(y.end..).is_some_and(|r| r.starts_with('度')) {
                        y.end + '度'.len_utf8()
                    } else {
                        y.end
                    }
                }
                _ => t.start,
            };
            if let Some(i) = as_issuer(text, from..at) {
                return Some(i);
            }
        }
    }
    // (b) The preamble: 由……编制, ……根据《中华人民共和国政府信息公开条例》.
    if let Some(span) = preamble_span(blocks, preamble) {
        let s = text.get(span.clone())?;
        for re in [&*ISSUED_BY, &*LEGAL_BASIS] {
            for c in re.captures_iter(s) {
                if let Some(m) = c.get(1)
                    && let Some(i) = as_issuer(text, span.start + m.start()..span.start + m.end())
                {
                    return Some(i);
                }
            }
        }
    }
    // (c) The sign-off's organisation line.
    if let Some(c) = closing
        && c.end > c.start + 1
        && let Some(b) = blocks.get(c.start)
    {
        let r = trim_range(text, b.range.clone());
        return Some((text.get(r.clone())?.to_string(), r));
    }
    // (d) 填报单位 of an attached statistics table.
    let c = FORM_FILLER.captures(text)?;
    let m = c.get(1)?;
    let r = trim_range(text, m.start()..m.end());
    let name = text.get(r.clone())?;
    (!name.is_empty()).then(|| (name.to_string(), r))
}

fn find_year(
    text: &str,
    blocks: &[Block],
    preamble: &Range<usize>,
    title: Option<&Range<usize>>,
    date: Option<&Date>,
) -> Option<Year> {
    let year = |value, range| Some(Year { value, range });
    // 1. The title.
    if let Some(t) = title
        && let Some((v, r)) = years_in(text, t.clone()).next()
    {
        return year(v, r);
    }
    // 2. `2013年度` in the preamble.
    if let Some(span) = preamble_span(blocks, preamble) {
        for (v, r) in years_in(text, span) {
            if text.get(r.end..).is_some_and(|s| s.starts_with('度')) {
                return year(v, r.start..r.end + '度'.len_utf8());
            }
        }
    }
    // 3. The statistics period: 统计期限自2013年1月1日起.
    if let Some(y) = statistics_period(text) {
        return Some(y);
    }
    // 4. `2013年政府信息公开` in the first three non-blank blocks.
    for b in blocks.iter().filter(|b| !is_blank_block(b)).take(3) {
        for (v, r) in years_in(text, b.range.clone()) {
            let after = skip_ws(text, r.end);
            let rest = text.get(after..).unwrap_or("");
            if rest.starts_with("政府信息公开") || rest.starts_with("政务信息公开") {
                return year(v, r);
            }
        }
    }
    // 5. The caption of an attached statistics table: 统计表(2017年度).
    for (i, _) in text.match_indices("统计表") {
        let pos = skip_ws(text, i + "统计表".len());
        let Some(open) = text.get(pos..).and_then(|s| s.chars().next()) else {
            continue;
        };
        if !matches!(open, '(' | '（') {
            continue;
        }
        let from = skip_ws(text, pos + open.len_utf8());
        let to = window_end(text, from, 8);
        if let Some((v, r)) = years_in(text, from..to).next()
            && r.start == from
        {
            return year(v, r);
        }
    }
    // 6. A sign-off early in a year closes the previous year's report.
    if let Some((y, m, _, r)) = date
        && *m <= 4
        && (1991..=2101).contains(y)
    {
        return year(y - 1, r.clone());
    }
    None
}

/// The byte offset `chars` characters after `from` (or the end of `text`).
fn window_end(text: &str, from: usize, chars: usize) -> usize {
    let s = text.get(from..).unwrap_or("");
    from + s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

/// The year of a statistics period starting on 1 January:
/// `统计期限自2013年1月1日起`, `统计周期为 2024 年 1 月 1 日至……`.
fn statistics_period(text: &str) -> Option<Year> {
    for (i, _) in text.match_indices("统计") {
        let after = i + "统计".len();
        let Some(rest) = text.get(after..) else {
            continue;
        };
        if !["期限", "时限", "时间", "周期", "区间", "时段"]
            .iter()
            .any(|w| rest.starts_with(w))
        {
            continue;
        }
        let from = after + "期限".len();
        let to = window_end(text, from, 30);
        for (v, r) in years_in(text, from..to) {
            if starts_on_january_first(text, r.end) {
                return Some(Year { value: v, range: r });
            }
        }
    }
    None
}

fn starts_on_january_first(text: &str, pos: usize) -> bool {
    let pos = skip_ws(text, pos);
    let Some((1, pos)) = number_then(text, pos, &['月']) else {
        return false;
    };
    let pos = skip_ws(text, pos);
    matches!(number_then(text, pos, &['日', '号']), Some((1, _)))
}
