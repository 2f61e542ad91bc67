//! Report metadata: title, issuer (机关名称), report year, the preamble and
//! the closing (落款) block.

use std::ops::{Range, RangeInclusive};
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
    /// Blocks before the first heading (title included). When the report
    /// opens with its title as a Markdown `#` heading, the preamble runs to
    /// the next heading.
    pub preamble: Range<usize>,
    /// Trailing blocks that sign the report off (issuer line and date), if any.
    pub closing: Option<Range<usize>>,
    /// The sign-off date (year, month, day when given), and where it stands.
    /// A report not signed at its end may carry the date on a line of its own
    /// under the title (`（2026年1月23日）`): that date is taken, with
    /// `closing` left `None`.
    pub date: Option<(u16, u8, Option<u8>, Range<usize>)>,
}

/// The report year and the text it was read from, in this order of trust: the
/// title (`2013年`, `二〇一三年`), `2013年度` early in the preamble, a
/// statistics period starting on 1 January, `2013年政府信息公开` in the first
/// blocks, the caption of an attached statistics table (`统计表(2017年度)`),
/// and last a sign-off dated January–April (the year before it).
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
                        if seen >= 10 {
                            break;
                        }
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
    let i = cands.iter().position(|c| {
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
    let pre = blocks.get(preamble.clone())?;
    for b in pre
        .iter()
        .filter(|b| !is_blank_block(b))
        .take(PREAMBLE_HEAD)
    {
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

/// How many non-blank blocks at the start of the preamble are searched for
/// the issuer and the year: a report without headings is all preamble, and
/// its body must not be read as one.
const PREAMBLE_HEAD: usize = 6;

/// The text of the first few non-blank blocks of the preamble.
fn preamble_span(text: &str, blocks: &[Block], preamble: &Range<usize>) -> Option<Range<usize>> {
    let pre = blocks.get(preamble.clone())?;
    let first = pre.first()?;
    let last = pre
        .iter()
        .filter(|b| !is_blank_block(b))
        .take(PREAMBLE_HEAD)
        .last()?;
    // A preamble is a few paragraphs; a huge first block is cut short.
    let mut end = last.range.end.min(first.range.start + PREAMBLE_BYTES);
    while end > first.range.start && !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(first.range.start..end)
}

/// The most text of the preamble searched for the issuer and the year.
const PREAMBLE_BYTES: usize = 16 * 1024;

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

/// Names of a unit that do not say which one it is.
const GENERIC_NAMES: &[&str] = &[
    "办公室",
    "党政办",
    "政府办",
    "乡政府",
    "镇政府",
    "县政府",
    "区政府",
    "市政府",
    "本机关",
    "各单位",
    "各部门",
    "委员会",
    "办事处",
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
        || GENERIC_NAMES.contains(&name)
        || name.starts_with('我')
        || name.chars().any(|c| is_sentence_punct(c) || c == '|')
        || !ends_with_org_suffix(name)
    {
        return None;
    }
    Some((name.to_string(), r))
}

/// A character of a unit's name as the preamble writes it before 编制 or
/// 根据《条例》: not white space, sentence punctuation, brackets or quotes.
fn is_name_char(c: char) -> bool {
    !c.is_whitespace() && !"，。、；：,.;:（）()《》“”|".contains(c)
}

/// How many characters a name read from the preamble may have.
const NAME_CHARS: RangeInclusive<usize> = 2..=40;

// The two readings of the preamble below are what the regexes
// `由([^\s，。、；：,.;:（）()《》“”|]{2,40}?)(?:编制|制作|发布|负责)` and
// `([^\s…]{2,40})(?:根据|依据|按照)《中华人民共和国政府信息公开条例》` find
// (the tests hold them to it), without compiling forty copies of a class
// of a million characters in every process.

/// The names in `由……编制` (or 制作, 发布, 负责), in order: after each `由`,
/// the fewest name characters (2 to 40) that a verb follows; the search
/// goes on after the verb.
fn issued_by(s: &str) -> Vec<Range<usize>> {
    const VERBS: [&str; 4] = ["编制", "制作", "发布", "负责"];
    let mut names = Vec::new();
    let mut from = 0;
    while let Some(found) = s.get(from..).and_then(|rest| rest.find('由')) {
        let start = from + found + '由'.len_utf8();
        from = start;
        for (count, (i, c)) in s[start..].char_indices().enumerate() {
            let at = start + i;
            if NAME_CHARS.contains(&count)
                && let Some(verb) = VERBS.iter().find(|v| s[at..].starts_with(**v))
            {
                names.push(start..at);
                from = at + verb.len();
                break;
            }
            if count == *NAME_CHARS.end() || !is_name_char(c) {
                break;
            }
        }
    }
    names
}

/// The names in `……根据《中华人民共和国政府信息公开条例》` (or 依据, 按照), in
/// order: the most name characters (2 to 40) before the verb, not reaching
/// back into the previous one.
fn legal_basis(s: &str) -> Vec<Range<usize>> {
    const VERBS: [&str; 3] = ["根据", "依据", "按照"];
    const LAW: &str = "《中华人民共和国政府信息公开条例》";
    let mut names = Vec::new();
    let mut from = 0;
    for (found, _) in s.match_indices(LAW) {
        let Some(verb) = VERBS.iter().find(|v| s[..found].ends_with(**v)) else {
            continue;
        };
        let end = found - verb.len();
        let name = (s.get(from..end).unwrap_or_default().char_indices().rev())
            .take(*NAME_CHARS.end())
            .take_while(|&(_, c)| is_name_char(c));
        let (count, start) = name.fold((0, end), |(n, _), (i, _)| (n + 1, from + i));
        if NAME_CHARS.contains(&count) {
            names.push(start..end);
            from = found + LAW.len();
        }
    }
    names
}

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
            // A year the parser does not read (`20**年`, a template's) still
            // stands between the issuer and the keyword.
            let before = text.get(from..at).unwrap_or("");
            let kept = before
                .trim_end_matches(|c: char| c.is_ascii_digit() || "*＊×XxＸｘ年度 　".contains(c));
            if let Some(i) = as_issuer(text, from..from + kept.len()) {
                return Some(i);
            }
            // The strongest keyword present decides; a weaker one inside it
            // (信息公开 in 政府信息公开) would cut the issuer short.
            break;
        }
    }
    // (b) The preamble: 由……编制, ……根据《中华人民共和国政府信息公开条例》.
    if let Some(span) = preamble_span(text, blocks, preamble) {
        let s = text.get(span.clone())?;
        // The second reading only when the first gave no issuer.
        let mut names =
            (issued_by(s).into_iter()).chain(std::iter::once_with(|| legal_basis(s)).flatten());
        if let Some(i) =
            names.find_map(|m| as_issuer(text, span.start + m.start..span.start + m.end))
        {
            return Some(i);
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
    if let Some(span) = preamble_span(text, blocks, preamble) {
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

#[cfg(test)]
mod tests {
    use super::super::Report;

    fn slice(text: &str, r: &Option<Range<usize>>) -> Option<String> {
        r.clone().map(|r| text[r].to_string())
    }
    use std::ops::Range;

    #[test]
    fn issuer_before_a_template_year() {
        let r = Report::parse("XX县XX局20**年政府信息公开工作年度报告\n一、总体情况\n");
        assert_eq!(
            r.meta.issuer.map(|(name, _)| name).as_deref(),
            Some("XX县XX局")
        );
        assert_eq!(r.meta.year, None);
    }

    #[test]
    fn one_line_title_with_issuer_and_sign_off() {
        let t = "某某县人民政府2023年政府信息公开工作年度报告\n\n\
                 本报告根据《中华人民共和国政府信息公开条例》要求编制。\n\
                 一、总体情况\n\
                 2023年，我县坚持以人民为中心。\n\
                 六、其他需要报告的事项\n\
                 本年度未收取信息处理费。\n\n\
                 某某县人民政府\n\
                 2024年1月20日\n";
        let r = Report::parse(t);
        let m = &r.meta;
        assert_eq!(
            slice(t, &m.title).as_deref(),
            Some("某某县人民政府2023年政府信息公开工作年度报告")
        );
        let (name, range) = m.issuer.clone().unwrap();
        assert_eq!(name, "某某县人民政府");
        assert_eq!(&t[range], "某某县人民政府");
        let y = m.year.clone().unwrap();
        assert_eq!((y.value, &t[y.range]), (2023, "2023年"));
        assert_eq!(m.preamble, 0..3);
        let closing = m.closing.clone().unwrap();
        assert_eq!(&t[r.blocks[closing.start].range.clone()], "某某县人民政府");
        assert_eq!(closing.end, r.blocks.len());
        let (yy, mm, dd, dr) = m.date.clone().unwrap();
        assert_eq!((yy, mm, dd, &t[dr]), (2024, 1, Some(20), "2024年1月20日"));
    }

    #[test]
    fn two_line_title() {
        let t = "某某区人民政府\n\
                 2023 年政府信息公开工作年度报告\n\
                 本报告由某某市某某区人民政府办公室根据《中华人民共和\n\
                 国政府信息公开条例》要求编制。报告中所列数据统计期\n\
                 限自 2023 年 1 月 1 日起至 2023 年 12 月 31 日止。如对本\n\
                 报告有疑问，请与某某区人民政府办公室联系（地址：某\n\
                 某路 90 号）。\n\
                 一、总体情况\n\
                 2023 年，某某区人民政府坚持以习近平新时代中国特色社\n\
                 会主义思想为指导，不断完善政府信息公开制度。\n";
        let m = Report::parse(t).meta;
        assert_eq!(
            slice(t, &m.title).as_deref(),
            Some("某某区人民政府\n2023 年政府信息公开工作年度报告")
        );
        assert_eq!(m.issuer.map(|i| i.0).as_deref(), Some("某某区人民政府"));
        assert_eq!(m.year.map(|y| y.value), Some(2023));
        assert_eq!(m.closing, None);
    }

    #[test]
    fn title_wrapped_after_the_issuer() {
        let t = "正文\n\
                 2025 年某某市人民政府办公厅政府信息公开\n\
                 工作年度报告\n\
                 本年度报告根据《中华人民共和国政府信息公开条例》（以\n\
                 下简称《条例》）和《关于印发政府信息公开工作年度报告\n\
                 格式的通知》的要求编制，全文包括总体情况等六部分内容。\n\
                 一、总体情况\n";
        let m = Report::parse(t).meta;
        assert_eq!(
            slice(t, &m.title).as_deref(),
            Some("2025 年某某市人民政府办公厅政府信息公开\n工作年度报告")
        );
        assert_eq!(
            m.issuer.map(|i| i.0).as_deref(),
            Some("某某市人民政府办公厅")
        );
        assert_eq!(m.year.map(|y| y.value), Some(2025));
    }

    #[test]
    fn issuer_only_in_preamble() {
        let t = " 政府信息公开工作年度报告\n\n\
                 本报告是根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，\
                 由北京市某某区某某乡人民政府编制的2013年度政府信息公开年度报告。\n\
                 一、概 述\n\
                 2013年根据区政府的统一安排，我乡认真做好信息公开工作。\n";
        let m = Report::parse(t).meta;
        assert_eq!(
            slice(t, &m.title).as_deref(),
            Some("政府信息公开工作年度报告")
        );
        let (name, range) = m.issuer.unwrap();
        assert_eq!(name, "北京市某某区某某乡人民政府");
        assert_eq!(&t[range], name);
        let y = m.year.unwrap();
        assert_eq!((y.value, &t[y.range]), (2013, "2013年度"));
    }

    #[test]
    fn issuer_before_the_legal_basis() {
        let t = "政府信息公开年度报告\n某某市某某局依据《中华人民共和国政府信息公开条例》编制本报告。\n一、概述\n";
        assert_eq!(
            Report::parse(t).meta.issuer.map(|i| i.0).as_deref(),
            Some("某某市某某局")
        );
        // 我局 is no name, nor is a bare 办公室.
        let t = "政府信息公开年度报告\n我局根据《中华人民共和国政府信息公开条例》编制本报告。\n一、概述\n";
        assert_eq!(Report::parse(t).meta.issuer, None);
        let t = "政府信息公开年度报告\n本报告由办公室负责编制。\n一、概述\n";
        assert_eq!(Report::parse(t).meta.issuer, None);
        // A report without headings is not searched beyond its first blocks.
        let mut t = String::from("工作总结\n");
        for _ in 0..8 {
            t.push_str("我们认真做好各项工作。\n\n");
        }
        t.push_str("本报告由某某市某某局编制。\n");
        assert_eq!(Report::parse(&t).meta.issuer, None);
    }

    #[test]
    fn chinese_numeral_sign_off_date() {
        let t = "某某乡2008年政府信息公开工作年报\n\n\
                 一、筹备工作\n\
                 成立了乡政府信息公开工作领导小组。\n\
                 二、存在的问题\n\
                 有些科室还没有真正意识到此项工作的重要性。\n\n\n\
                 \u{a0}\u{a0}\u{a0}\u{a0}某某乡人民政府\u{a0}\n\
                 \u{a0}\u{a0}\u{a0}\u{a0}二○○九年三月\u{a0}\n";
        let r = Report::parse(t);
        let m = &r.meta;
        assert_eq!(
            slice(t, &m.title).as_deref(),
            Some("某某乡2008年政府信息公开工作年报")
        );
        assert_eq!(m.issuer.clone().map(|i| i.0).as_deref(), Some("某某乡"));
        assert_eq!(m.year.clone().map(|y| y.value), Some(2008));
        let (y, mo, d, range) = m.date.clone().unwrap();
        assert_eq!((y, mo, d, &t[range]), (2009, 3, None, "二○○九年三月"));
        let closing = m.closing.clone().unwrap();
        assert!(t[r.blocks[closing.start].range.clone()].contains("某某乡人民政府"));
    }

    #[test]
    fn year_from_statistics_period() {
        let t = "政府信息公开年度报告\n\n本报告中所列数据的统计期限自2015年1月1日起，至2015年12月31日止。\n\n一、概述\n";
        let m = Report::parse(t).meta;
        let y = m.year.unwrap();
        assert_eq!((y.value, &t[y.range]), (2015, "2015年"));
        let t = "报告\n统计周期为 2024\n年 1 月 1 日至 12 月 31 日。\n";
        assert_eq!(Report::parse(t).meta.year.map(|y| y.value), Some(2024));
    }

    #[test]
    fn year_from_an_attached_table_and_sign_off_by_table() {
        let t = "为深入贯彻落实有关要求,某某乡强化政务公开平台建设。现将工作情况汇报如下:\n\
                 一、加强组织领导\n\
                 一是加强组织领导。\n\
                 附件:《某某乡政府信息公开情况统计表(2017年度)》\n\
                 某某乡人民政府\n\
                 2018年3月\n\
                 政府信息公开情况统计表 |\n\
                 填报单位(盖章):某某地区办事处 |\n";
        let r = Report::parse(t);
        let m = &r.meta;
        assert_eq!(m.title, None);
        assert_eq!(m.year.clone().map(|y| y.value), Some(2017));
        assert_eq!(
            m.issuer.clone().map(|i| i.0).as_deref(),
            Some("某某乡人民政府")
        );
        assert_eq!(
            m.date.clone().map(|d| (d.0, d.1, d.2)),
            Some((2018, 3, None))
        );
        assert_eq!(m.closing.clone().map(|c| c.len()), Some(2));
    }

    #[test]
    fn issuer_from_the_statistics_form() {
        let t = "一、概述\n内容。\n统计表 |\n填报单位（盖章）：某某街道办事处 |\n";
        let m = Report::parse(t).meta;
        assert_eq!(m.issuer.map(|i| i.0).as_deref(), Some("某某街道办事处"));
    }

    #[test]
    fn year_fallbacks() {
        // The sign-off date of an early-year report closes the previous year.
        let t = "一、概述\n全年公开信息86条。\n某某镇人民政府\n2014年2月10日\n";
        assert_eq!(Report::parse(t).meta.year.map(|y| y.value), Some(2013));
        // A page collecting sample reports has no year of its own.
        let t = "信息公开年度报告范文\n\n时间:2023-03-31 02:03:36\n\n篇1\n\n一、概述\n\n城管局2011年度共接受咨询475次。\n\n篇2\n\n二、制度\n\n20*年主动公开信息15条。\n";
        assert_eq!(Report::parse(t).meta.year, None);
        // Out-of-range years are ignored.
        let t = "某某局1850年政府信息公开工作年度报告\n";
        assert_eq!(Report::parse(t).meta.year, None);
    }

    #[test]
    fn markdown_title_and_date_under_it() {
        let t = "# 某某县人民政府 2025 年 政府信息公开工作年度报告\n\n\
                 某某县人民政府\n\
                 (2026年1月23日)\n\n\
                 依据《中华人民共和国政府信息公开条例》编制本报告。\n\n\
                 ## 一、总体情况\n\n\
                 2025年，我县坚持以人民为中心。\n";
        let r = Report::parse(t);
        let m = &r.meta;
        assert_eq!(
            slice(t, &m.title).as_deref(),
            Some("某某县人民政府 2025 年 政府信息公开工作年度报告")
        );
        assert_eq!(
            m.issuer.clone().map(|i| i.0).as_deref(),
            Some("某某县人民政府")
        );
        assert_eq!(m.year.clone().map(|y| y.value), Some(2025));
        let first_section = r
            .blocks
            .iter()
            .position(|b| t[b.range.clone()].starts_with("## "))
            .unwrap();
        assert_eq!(m.preamble, 0..first_section);
        assert_eq!(m.closing, None);
        assert_eq!(
            m.date.clone().map(|d| (d.0, d.1, d.2)),
            Some((2026, 1, Some(23)))
        );
    }

    #[test]
    fn first_paragraph_of_the_last_section_is_no_sign_off() {
        let t = "一、概述\n内容。\n六、其他需要报告的事项\n2024年1月20日\n";
        let m = Report::parse(t).meta;
        assert_eq!((m.closing, m.date), (None, None));
        let t = "一、概述\n内容。\n六、其他\n某某局\n2024年1月20日\n";
        let r = Report::parse(t);
        assert_eq!(r.meta.closing.map(|c| c.len()), Some(1));
    }

    #[test]
    fn empty_and_blank_texts() {
        for t in ["", "   ", "\u{feff}", "\n\n\r\n", "报告"] {
            let r = Report::parse(t);
            assert_eq!(r.meta.year, None);
            assert_eq!(r.meta.preamble, 0..r.blocks.len());
        }
    }

    /// The pieces the preamble's readings turn on: 由 and the verbs, the law's
    /// title and the characters around it, characters that end a name, and
    /// runs long enough to pass the 40-character limit.
    fn preamble_pieces() -> impl proptest::strategy::Strategy<Value = String> {
        let long_run = "一二三四五六七八九十一二三四五六七八九十";
        let pieces = vec![
            "由",
            "由",
            "编制",
            "编",
            "制作",
            "发布",
            "负责",
            "根据",
            "依据",
            "按照",
            "据",
            "《中华人民共和国政府信息公开条例》",
            "根据《中华人民共和国政府信息公开条例》",
            "《条例》",
            "本报告",
            "某某县人民政府办公室",
            "甲",
            "乙丙",
            "x",
            " ",
            "　",
            "\n",
            "，",
            "。",
            "（",
            "）",
            "|",
            "“",
            long_run,
            long_run,
            long_run,
            long_run,
            "由一二三四五六七八九十一二三四五六七八九十",
        ];
        proptest::collection::vec(proptest::sample::select(pieces), 0..16)
            .prop_map(|pieces| pieces.concat())
    }

    fn names_by(re: &str, s: &str) -> Vec<Range<usize>> {
        let re = regex::Regex::new(re).unwrap();
        re.captures_iter(s)
            .filter_map(|c| c.get(1))
            .map(|m| m.range())
            .collect()
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn issued_by_reads_what_its_regex_matches(s in preamble_pieces()) {
            proptest::prop_assert_eq!(
                super::issued_by(&s),
                names_by(r"由([^\s，。、；：,.;:（）()《》“”|]{2,40}?)(?:编制|制作|发布|负责)", &s)
            );
        }

        #[test]
        fn legal_basis_reads_what_its_regex_matches(s in preamble_pieces()) {
            proptest::prop_assert_eq!(
                super::legal_basis(&s),
                names_by(
                    r"([^\s，。、；：,.;:（）()《》“”|]{2,40})(?:根据|依据|按照)《中华人民共和国政府信息公开条例》",
                    &s
                )
            );
        }
    }
}
