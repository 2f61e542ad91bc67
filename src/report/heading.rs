//! Heading markers: 一、 （一） 1. （1） 第一部分 篇一 and Markdown `#`.

use std::ops::Range;

use super::scan::{
    digit_value, is_blank, is_cn_numeral, is_ws, parse_cn_ordinal, parse_small_number,
    skip_ws, trim,
};

/// The numbering style of a heading. The order of the variants is the
/// conventional nesting order of 公文 (GB/T 9704-2012 §7.3.3): 第一部分 above
/// 一、 above （一） above 1. above （1）.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarkerKind {
    /// `第一部分`, `第一章`, and `篇一`/`篇1` (the separators of pages that
    /// collect several reports).
    Part,
    /// `一、`
    ChineseComma,
    /// `（一）` or `(一)`
    ChineseParen,
    /// `1.` `1．` `1、`
    ArabicDot,
    /// `（1）` or `(1)`
    ArabicParen,
    /// `#`…`######` with no ordinal of its own.
    Markdown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub marker: MarkerKind,
    /// The heading's number (1 for 一/1/①…), `None` for Markdown headings
    /// without an ordinal.
    pub ordinal: Option<u32>,
    /// Outline level: 0 for parts; 1–4 for the four 公文 levels; Markdown
    /// headings use their `#` count.
    pub level: u8,
    /// The marker's bytes, e.g. `一、` or `（一）` or `## `.
    pub marker_range: Range<usize>,
    /// The punctuation written after or around the ordinal, e.g. `、` `.` `．`
    /// `（）` `()`: lets a rule flag `1、` or ASCII brackets.
    pub punctuation: String,
    /// The heading's title: the text after the marker up to the first
    /// sentence end (。；：) or the end of the line, trimmed.
    pub title_range: Range<usize>,
    /// True when the line continues with body text after the title
    /// ("（一）主动公开情况。2023年，……"): a run-in heading.
    pub run_in: bool,
}


impl MarkerKind {
    /// The outline level of this marker kind (Markdown headings have none of
    /// their own: they use their `#` count).
    pub fn level(self) -> Option<u8> {
        match self {
            MarkerKind::Part => Some(0),
            MarkerKind::ChineseComma => Some(1),
            MarkerKind::ChineseParen => Some(2),
            MarkerKind::ArabicDot => Some(3),
            MarkerKind::ArabicParen => Some(4),
            MarkerKind::Markdown => None,
        }
    }
}

/// A numbering marker found at a byte position of a line.
struct Marker {
    kind: MarkerKind,
    ordinal: u32,
    start: usize,
    end: usize,
    punctuation: String,
}

/// Recognises a heading at the start of `line` (a single line without its line
/// break); `offset` is the line's byte offset in the document. Returns `None`
/// for prose, including enumerations inside prose such as `一是……二是……`,
/// decimals such as `1.5万元` and years such as `2013年`.
///
/// A Markdown heading whose text starts with a numbering marker
/// (`## 一、总体情况`) takes that marker's kind, ordinal and level, and its
/// `marker_range` covers the numbering marker only (`一、`), so that a fix
/// renumbering it leaves the `#`s alone.
pub fn parse_heading(line: &str, offset: usize) -> Option<Heading> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let start = skip_ws(line, 0);
    let rest = &line[start..];
    if rest.starts_with('#') {
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        if hashes > 6 {
            return None;
        }
        let after = start + hashes;
        if let Some(c) = line[after..].chars().next()
            && !is_ws(c)
        {
            return None;
        }
        let text_start = skip_ws(line, after);
        if let Some(m) = parse_marker(line, text_start) {
            return Some(finish(line, offset, m));
        }
        let (title_range, run_in) = title(line, text_start);
        return Some(Heading {
            marker: MarkerKind::Markdown,
            ordinal: None,
            level: hashes as u8,
            marker_range: offset + start..offset + text_start,
            punctuation: String::new(),
            title_range: offset + title_range.start..offset + title_range.end,
            run_in,
        });
    }
    let m = parse_marker(line, start)?;
    Some(finish(line, offset, m))
}

fn finish(line: &str, offset: usize, m: Marker) -> Heading {
    let (title_range, run_in) = title(line, m.end);
    Heading {
        marker: m.kind,
        ordinal: Some(m.ordinal),
        level: m.kind.level().unwrap_or(1),
        marker_range: offset + m.start..offset + m.end,
        punctuation: m.punctuation,
        title_range: offset + title_range.start..offset + title_range.end,
        run_in,
    }
}

/// The title after a marker ending at byte `pos`: up to the first sentence
/// end (。；：) or the end of the line, trimmed; and whether text follows.
fn title(line: &str, pos: usize) -> (std::ops::Range<usize>, bool) {
    let start = skip_ws(line, pos);
    let mut end = line.len();
    let mut after = None;
    for (i, c) in line[start..].char_indices() {
        if matches!(c, '。' | '；' | ';' | '：' | ':') {
            end = start + i;
            after = Some(end + c.len_utf8());
            break;
        }
    }
    let title = line[start..end].trim_end_matches(is_ws);
    let run_in = after.is_some_and(|a| !is_blank(&line[a..]));
    (start..start + title.len(), run_in)
}

/// The char at byte `pos` of `s` and the byte after it.
fn char_at(s: &str, pos: usize) -> Option<(char, usize)> {
    let c = s.get(pos..)?.chars().next()?;
    Some((c, pos + c.len_utf8()))
}

/// The end of the run of chars satisfying `pred` from byte `pos`, and its
/// length in chars (stops counting after `max + 1`).
fn run(s: &str, pos: usize, max: usize, pred: impl Fn(char) -> bool) -> (usize, usize) {
    let mut end = pos;
    let mut n = 0;
    for c in s[pos..].chars() {
        if !pred(c) || n > max {
            break;
        }
        end += c.len_utf8();
        n += 1;
    }
    (end, n)
}

fn digits_value(s: &str) -> u32 {
    s.chars().filter_map(digit_value).fold(0, |n, d| n * 10 + d)
}

fn parse_marker(line: &str, pos: usize) -> Option<Marker> {
    let (c0, after) = char_at(line, pos)?;
    let single = |kind, ordinal: u32| {
        Some(Marker {
            kind,
            ordinal,
            start: pos,
            end: after,
            punctuation: c0.to_string(),
        })
    };
    match c0 {
        '第' => part(line, pos),
        '篇' => pian(line, pos, after),
        '（' | '(' => paren(line, pos, after, c0),
        '①'..='⑳' => single(MarkerKind::ArabicParen, c0 as u32 - '①' as u32 + 1),
        '⑴'..='⒇' => single(MarkerKind::ArabicParen, c0 as u32 - '⑴' as u32 + 1),
        '⒈'..='⒛' => single(MarkerKind::ArabicDot, c0 as u32 - '⒈' as u32 + 1),
        '㈠'..='㈩' => single(MarkerKind::ChineseParen, c0 as u32 - '㈠' as u32 + 1),
        c if is_cn_numeral(c) => chinese_comma(line, pos),
        c if digit_value(c).is_some() => arabic_dot(line, pos),
        _ => None,
    }
}

/// `一、` (also the wrong-but-recognisable `一，` `一.` `一：`).
fn chinese_comma(line: &str, pos: usize) -> Option<Marker> {
    let (end, n) = run(line, pos, 3, is_cn_numeral);
    if n > 3 {
        return None;
    }
    let ordinal = parse_cn_ordinal(&line[pos..end])?;
    let (p, after) = char_at(line, end)?;
    if !matches!(p, '、' | '，' | ',' | '.' | '．' | ':' | '：') {
        return None;
    }
    Some(Marker {
        kind: MarkerKind::ChineseComma,
        ordinal,
        start: pos,
        end: after,
        punctuation: p.to_string(),
    })
}

/// `1.` `1．` `1、`, but not `1.5万元`, `2013年`, `10、20两个月`.
fn arabic_dot(line: &str, pos: usize) -> Option<Marker> {
    let is_digit = |c: char| digit_value(c).is_some();
    let (end, n) = run(line, pos, 2, is_digit);
    if n > 2 {
        return None;
    }
    let (p, after) = char_at(line, end)?;
    if !matches!(p, '.' | '．' | '、') {
        return None;
    }
    if let Some((c, _)) = char_at(line, after)
        && is_digit(c)
    {
        // `1.5`; `10、20两个月`; but `3、2008年3月1日开始……` is a list item.
        if p != '、' {
            return None;
        }
        let (yend, yn) = run(line, after, 4, is_digit);
        let is_year = yn == 4 && char_at(line, skip_ws(line, yend)).is_some_and(|(c, _)| c == '年');
        if !is_year {
            return None;
        }
    }
    Some(Marker {
        kind: MarkerKind::ArabicDot,
        ordinal: digits_value(&line[pos..end]),
        start: pos,
        end: after,
        punctuation: p.to_string(),
    })
}

/// `（一）` `(一)` `（1）` `(1)`, brackets of either width, mixed.
fn paren(line: &str, pos: usize, after_open: usize, open: char) -> Option<Marker> {
    let inner = skip_ws(line, after_open);
    let (c, _) = char_at(line, inner)?;
    let (kind, ordinal, end) = if is_cn_numeral(c) {
        let (end, n) = run(line, inner, 3, is_cn_numeral);
        if n > 3 {
            return None;
        }
        (MarkerKind::ChineseParen, parse_cn_ordinal(&line[inner..end])?, end)
    } else if digit_value(c).is_some() {
        let (end, n) = run(line, inner, 2, |c| digit_value(c).is_some());
        if n > 2 {
            return None;
        }
        (MarkerKind::ArabicParen, digits_value(&line[inner..end]), end)
    } else {
        return None;
    };
    let (close, mut marker_end) = char_at(line, skip_ws(line, end))?;
    if !matches!(close, '）' | ')') {
        return None;
    }
    let mut punctuation = String::new();
    punctuation.push(open);
    punctuation.push(close);
    // A redundant separator after the bracket, `（一）、`, belongs to the marker.
    if let Some((p, after)) = char_at(line, marker_end)
        && matches!(p, '、' | '.' | '．')
    {
        punctuation.push(p);
        marker_end = after;
    }
    Some(Marker {
        kind,
        ordinal,
        start: pos,
        end: marker_end,
        punctuation,
    })
}

/// `第一部分`, `第二章`, `第1部分`, and `第一篇` when it is the whole line.
fn part(line: &str, pos: usize) -> Option<Marker> {
    let num_start = skip_ws(line, pos + '第'.len_utf8());
    let (c, _) = char_at(line, num_start)?;
    let (num_end, ordinal) = if is_cn_numeral(c) {
        let (end, n) = run(line, num_start, 3, is_cn_numeral);
        if n > 3 {
            return None;
        }
        (end, parse_cn_ordinal(&line[num_start..end])?)
    } else {
        let (end, n) = run(line, num_start, 2, |c| digit_value(c).is_some());
        if n == 0 || n > 2 {
            return None;
        }
        (end, digits_value(&line[num_start..end]))
    };
    let unit_start = skip_ws(line, num_end);
    let rest = &line[unit_start..];
    let mut end = if rest.starts_with("部分") {
        unit_start + "部分".len()
    } else if rest.starts_with('章') {
        unit_start + '章'.len_utf8()
    } else if rest.starts_with('篇') && is_blank(&rest['篇'.len_utf8()..]) {
        unit_start + '篇'.len_utf8()
    } else {
        return None;
    };
    let mut punctuation = String::new();
    let sep = skip_ws(line, end);
    if let Some((p, after)) = char_at(line, sep)
        && matches!(p, '、' | '，' | ',' | '.' | '．' | ':' | '：')
    {
        punctuation.push(p);
        end = after;
    }
    Some(Marker {
        kind: MarkerKind::Part,
        ordinal,
        start: pos,
        end,
        punctuation,
    })
}

/// `篇1`, `篇一`, `篇 1` standing alone on their line.
fn pian(line: &str, pos: usize, after: usize) -> Option<Marker> {
    let num_start = skip_ws(line, after);
    let rest = &line[num_start..];
    let trimmed = trim(rest);
    let ordinal = parse_small_number(trimmed)?;
    if !rest.starts_with(trimmed) {
        return None;
    }
    Some(Marker {
        kind: MarkerKind::Part,
        ordinal,
        start: pos,
        end: num_start + trimmed.len(),
        punctuation: String::new(),
    })
}
