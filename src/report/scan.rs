//! Small hand-written scanners shared by the report parser: white space,
//! numerals (Arabic, full-width and Chinese), years, dates and organisation
//! names. Nothing here allocates per character or compiles a regex.

use std::ops::Range;

use unicode_width::UnicodeWidthStr;

use crate::text::{chinese_digit, parse_chinese_number};

/// White space as the parser sees it: Unicode white space (which includes
/// U+3000 and U+00A0) plus the BOM and the zero-width space.
pub(super) fn is_ws(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}')
}

/// True when `s` holds only white space.
pub(super) fn is_blank(s: &str) -> bool {
    s.chars().all(is_ws)
}

/// True when `s` has at most `n` characters (without decoding them all).
pub(super) fn chars_at_most(s: &str, n: usize) -> bool {
    if s.len() <= n {
        return true;
    }
    if s.len() > n.saturating_mul(4) {
        return false;
    }
    // Count the bytes that start a character.
    s.bytes().filter(|b| b & 0xC0 != 0x80).count() <= n
}

/// How many characters `s` has, and its display width as unicode-width's
/// `width()` gives it (CJK characters count 2), in one pass over its bytes.
/// The characters of Chinese prose are recognised here by their UTF-8 bytes:
/// looking each one up in unicode-width's tables was most of the cost of
/// classifying a line. None of them changes the width of a neighbour, so a
/// line made of them alone is their sum; any other line is measured by
/// unicode-width, which knows the sequences (emoji, variation selectors,
/// ligatures) that do.
pub(super) fn chars_and_width(s: &str) -> (usize, usize) {
    let (mut chars, mut width, mut at) = (0, 0, 0);
    let bytes = s.as_bytes();
    while at < bytes.len() {
        let (w, len) = match bytes[at..] {
            // U+5000..=U+9FFF, all CJK ideographs: most of a Chinese line.
            [0xe5..=0xe9, ..] => (2, 3),
            // ASCII but `\n`: unicode-width counts `\r\n` as one.
            [0x00..=0x09 | 0x0b..=0x7f, ..] => (1, 1),
            // U+4E00..=U+4FFF (CJK), U+3000..=U+3029 (、。《》【】…),
            // U+FF01..=U+FF60 (full-width ，：（）…).
            [0xe4, 0xb8..=0xbf, ..]
            | [0xe3, 0x80, 0x80..=0xa9, ..]
            | [0xef, 0xbc, 0x81..=0xbf, ..]
            | [0xef, 0xbd, 0x80..=0xa0, ..] => (2, 3),
            // U+2010..=U+2027 (—“”…), narrow.
            [0xe2, 0x80, 0x90..=0xa7, ..] => (1, 3),
            _ => return (s.chars().count(), s.width()),
        };
        chars += 1;
        width += w;
        at += len;
    }
    (chars, width)
}

/// Whether the character `s` starts with is plainly not white space, as its
/// first bytes tell: ASCII other than blanks and controls, U+4000..=U+9FFF
/// (CJK ideographs), U+3001..=U+303F (、。《》) or U+FF00..=U+FF3F (，：（）).
/// Most lines start and end with one, and need no character decoded.
fn starts_plainly(s: &[u8]) -> bool {
    matches!(
        s,
        [0x21..=0x7e, ..] | [0xe4..=0xe9, ..] | [0xe3, 0x80, 0x81..=0xbf, ..] | [0xef, 0xbc, ..]
    )
}

/// Whether the character `s` ends with is plainly not white space (the
/// characters of `starts_plainly`).
fn ends_plainly(s: &[u8]) -> bool {
    matches!(
        s,
        [.., 0x21..=0x7e]
            | [.., 0xe4..=0xe9, _, _]
            | [.., 0xe3, 0x80, 0x81..=0xbf]
            | [.., 0xef, 0xbc, _]
    )
}

/// ASCII white space.
fn is_ascii_blank(b: &u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

/// How many bytes of white space `s` starts with. ASCII blanks (the spaces
/// around a table's cells) and plain characters are told by their bytes;
/// anything else is decoded.
fn leading_ws(s: &str) -> usize {
    let bytes = s.as_bytes();
    let blanks = bytes.iter().take_while(|b| is_ascii_blank(b)).count();
    if starts_plainly(&bytes[blanks..]) {
        return blanks;
    }
    s.len() - s.trim_start_matches(is_ws).len()
}

/// How many bytes of white space `s` ends with (as `leading_ws`).
fn trailing_ws(s: &str) -> usize {
    let bytes = s.as_bytes();
    let blanks = bytes.iter().rev().take_while(|b| is_ascii_blank(b)).count();
    if ends_plainly(&bytes[..bytes.len() - blanks]) {
        return blanks;
    }
    s.len() - s.trim_end_matches(is_ws).len()
}

/// `s` without leading and trailing white space.
pub(super) fn trim(s: &str) -> &str {
    let s = &s[leading_ws(s)..];
    &s[..s.len() - trailing_ws(s)]
}

/// `range` (a range of `text`) without leading and trailing white space. An
/// all-blank range becomes an empty range at its start.
pub(super) fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let Some(s) = text.get(range.clone()) else {
        return range.start..range.start;
    };
    let inner = trim(s);
    if inner.is_empty() {
        return range.start..range.start;
    }
    let start = range.start + leading_ws(s);
    start..start + inner.len()
}

/// The lines of `text[range]`: ranges without the `\n` and without the
/// `\r` (or stray `\r`s) before it. A final line break does not start another line.
pub(super) fn lines(text: &str, range: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    let s = text.get(range.clone()).unwrap_or("").as_bytes();
    let base = range.start;
    // One search over the text, not one per line: most lines are short.
    let mut breaks = memchr::memchr_iter(b'\n', s);
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= s.len() {
            return None;
        }
        let start = pos;
        let mut end = breaks.next().unwrap_or(s.len());
        pos = end + 1;
        while end > start && s[end - 1] == b'\r' {
            end -= 1;
        }
        Some(base + start..base + end)
    })
}

/// The value of an ASCII or full-width decimal digit.
pub(super) fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Chinese characters that may make up a small ordinal (一…九十九).
pub(super) fn is_cn_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || matches!(c, '十' | '〇' | '零')
}

/// Parses a small number written in Arabic digits (ASCII or full-width) or
/// in Chinese (一…三十一, also 〇/零-positional forms such as 一〇).
pub(super) fn parse_small_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| digit_value(c).is_some()) {
        if !chars_at_most(s, 4) {
            return None;
        }
        return Some(s.chars().filter_map(digit_value).fold(0, |n, d| n * 10 + d));
    }
    parse_chinese_number(s)
}

/// A digit of a year: ASCII or full-width digits, Chinese digits and the
/// zeros people type for 〇 (○ U+25CB, 零, O, Ｏ, ０). Returns the value and
/// whether the character is a Chinese-style one.
fn year_digit(c: char) -> Option<(u32, bool)> {
    if let Some(d) = digit_value(c) {
        return Some((d, false));
    }
    if let Some(d) = chinese_digit(c) {
        return Some((d, true));
    }
    match c {
        '〇' | '○' | '零' | 'Ｏ' | '◯' => Some((0, true)),
        'O' | 'o' => Some((0, false)),
        _ => None,
    }
}

fn is_numberish(c: char) -> bool {
    year_digit(c).is_some() || c == '十'
}

/// A year written before `年`: the four digits ending right before byte
/// `nian` of `text` (white space between them and 年 allowed). Returns the
/// value and the byte offset where the digits start.
pub(super) fn year_before(text: &str, nian: usize) -> Option<(u16, usize)> {
    let before = text.get(..nian)?;
    let mut it = before.char_indices().rev().peekable();
    let mut skipped = 0;
    while let Some(&(_, c)) = it.peek() {
        if is_ws(c) && skipped < 3 {
            skipped += 1;
            it.next();
        } else {
            break;
        }
    }
    let mut digits = [0u32; 4];
    let mut chinese = false;
    let mut letter_o = false;
    let mut start = nian;
    for slot in (0..4).rev() {
        let (i, c) = it.next()?;
        let (d, cn) = year_digit(c)?;
        if matches!(c, 'O' | 'o') {
            letter_o = true;
        }
        chinese |= cn;
        digits[slot] = d;
        start = i;
    }
    if let Some(&(_, c)) = it.peek()
        && (is_numberish(c) && !matches!(c, 'O' | 'o') || c.is_ascii_alphanumeric())
    {
        return None;
    }
    if letter_o && !chinese {
        return None;
    }
    let value = digits.iter().fold(0, |n, d| n * 10 + d);
    if !(1990..=2100).contains(&value) {
        return None;
    }
    Some((value as u16, start))
}

/// Every year written `2013年`, `2013 年` or `二〇一三年` in `text[range]`:
/// (value, range from the first digit to the end of 年).
pub(super) fn years_in(
    text: &str,
    range: Range<usize>,
) -> impl Iterator<Item = (u16, Range<usize>)> + '_ {
    let s = text.get(range.clone()).unwrap_or("");
    let base = range.start;
    s.match_indices('年').filter_map(move |(i, _)| {
        let nian = base + i;
        let (value, start) = year_before(text, nian)?;
        Some((value, start..nian + '年'.len_utf8()))
    })
}

/// Skips white space from byte `pos` of `s`.
pub(super) fn skip_ws(s: &str, mut pos: usize) -> usize {
    while let Some(c) = s.get(pos..).and_then(|t| t.chars().next()) {
        if !is_ws(c) {
            break;
        }
        pos += c.len_utf8();
    }
    pos
}

/// Reads a number (Arabic digits or Chinese numerals) at byte `pos` of `s`
/// followed by white space and then `unit`; returns the value and the byte
/// after the unit.
pub(super) fn number_then(s: &str, pos: usize, units: &[char]) -> Option<(u32, usize)> {
    let rest = s.get(pos..)?;
    let len: usize = rest
        .chars()
        .take_while(|&c| digit_value(c).is_some() || is_cn_numeral(c))
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let value = parse_small_number(&rest[..len])?;
    let after = skip_ws(s, pos + len);
    let c = s.get(after..)?.chars().next()?;
    if !units.contains(&c) {
        return None;
    }
    Some((value, after + c.len_utf8()))
}

/// Parses a line that is only a date: `2018年3月`, `2018年3月31日`,
/// `二○○九年三月`, `2024 年 1 月 20 日`, optionally in brackets.
pub(super) fn parse_date_line(line: &str) -> Option<(u16, u8, Option<u8>)> {
    let t = trim(line);
    if t.is_empty() || t.len() > 80 {
        return None;
    }
    let t = t
        .strip_prefix('（')
        .or_else(|| t.strip_prefix('('))
        .unwrap_or(t);
    let t = t
        .strip_suffix('）')
        .or_else(|| t.strip_suffix(')'))
        .unwrap_or(t);
    let t = trim(t);
    let nian = t.find('年')?;
    let (year, start) = year_before(t, nian)?;
    if !is_blank(&t[..start]) {
        return None;
    }
    let pos = skip_ws(t, nian + '年'.len_utf8());
    let (month, pos) = number_then(t, pos, &['月'])?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let pos = skip_ws(t, pos);
    let (day, pos) = if pos < t.len() {
        let (day, pos) = number_then(t, pos, &['日', '号'])?;
        if !(1..=31).contains(&day) {
            return None;
        }
        (Some(day as u8), pos)
    } else {
        (None, pos)
    };
    if !is_blank(&t[pos..]) {
        return None;
    }
    Some((year, month as u8, day))
}

/// Organisation-name endings (机关名称).
const ORG_SUFFIXES: &[&str] = &[
    "人民政府",
    "政府",
    "局",
    "委员会",
    "委",
    "办公室",
    "办公厅",
    "办",
    "办事处",
    "街道",
    "乡",
    "镇",
    "厅",
    "部",
    "中心",
    "院",
    "署",
    "所",
    "站",
    "队",
    "会",
];

/// The last characters of the organisation suffixes.
fn is_org_suffix_end(c: char) -> bool {
    matches!(
        c,
        '府' | '局'
            | '会'
            | '委'
            | '室'
            | '厅'
            | '办'
            | '处'
            | '道'
            | '乡'
            | '镇'
            | '部'
            | '心'
            | '院'
            | '署'
            | '所'
            | '站'
            | '队'
    )
}

/// True when `name` (trimmed) ends in an organisation suffix.
pub(super) fn ends_with_org_suffix(name: &str) -> bool {
    let t = trim(name);
    // Cheap test first: every suffix ends in one of these characters.
    let last_ok = t.chars().next_back().is_some_and(is_org_suffix_end);
    last_ok && ORG_SUFFIXES.iter().any(|s| t.ends_with(s))
}

/// Punctuation that cannot stand in an organisation line or a title line.
pub(super) fn is_sentence_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '、' | '；' | '：' | ',' | ';' | ':' | '！' | '？' | '!' | '?' | '“' | '”'
    )
}

/// A short line holding only an organisation's name: the issuer line of a
/// two-line title or of the sign-off (落款).
pub(super) fn is_org_line(line: &str) -> bool {
    let t = trim(line);
    // The suffix first: it looks at the line's end alone.
    !t.is_empty()
        && ends_with_org_suffix(t)
        && chars_at_most(t, 30)
        && !t
            .chars()
            .any(|c| is_sentence_punct(c) || matches!(c, '|' | '.' | '\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `trim` agrees with trimming every character `is_ws` accepts, for
    /// every character at either end (those its byte tests look at are all
    /// in the BMP).
    #[test]
    fn trim_agrees_with_is_ws() {
        let astral = [0x1_0000, 0x2_0000, 0x1f600, 0x10_ffff];
        for c in (0..=0xffff).chain(astral).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!("{c}x{c}"),
                format!("{c}{c}\u{3000}信{c}"),
            ] {
                assert_eq!(trim(&s), s.trim_matches(is_ws), "{c:?}");
                let range = trim_range(&s, 0..s.len());
                let inner = s.trim_matches(is_ws);
                let lead = s.len() - s.trim_start_matches(is_ws).len();
                let expected = if inner.is_empty() {
                    0..0
                } else {
                    lead..lead + inner.len()
                };
                assert_eq!(range, expected, "{c:?}");
            }
        }
    }

    #[test]
    fn lines_strip_cr_and_final_break() {
        let t = "a\r\nb\n\nc\n";
        let v: Vec<_> = lines(t, 0..t.len()).map(|r| &t[r]).collect();
        assert_eq!(v, ["a", "b", "", "c"]);
        let t = "x";
        assert_eq!(lines(t, 0..1).count(), 1);
        assert_eq!(lines("", 0..0).count(), 0);
    }

    #[test]
    fn years() {
        let t = "本单位2013年度，二〇一三年，二○○九年，2023 年，12013年，20*年，1850年";
        let v: Vec<u16> = years_in(t, 0..t.len()).map(|(y, _)| y).collect();
        assert_eq!(v, [2013, 2013, 2009, 2023]);
        let t = "Foo2013年";
        assert_eq!(years_in(t, 0..t.len()).count(), 0);
        let t = "二O一三年";
        assert_eq!(years_in(t, 0..t.len()).next().map(|y| y.0), Some(2013));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date_line("2018年3月"), Some((2018, 3, None)));
        assert_eq!(
            parse_date_line("  2018年3月31日 "),
            Some((2018, 3, Some(31)))
        );
        assert_eq!(parse_date_line("二○○九年三月"), Some((2009, 3, None)));
        assert_eq!(
            parse_date_line("\u{a0}2024 年 1 月 20 日\u{a0}"),
            Some((2024, 1, Some(20)))
        );
        assert_eq!(
            parse_date_line("（2026年1月23日）"),
            Some((2026, 1, Some(23)))
        );
        assert_eq!(
            parse_date_line("二〇二四年十二月三十一日"),
            Some((2024, 12, Some(31)))
        );
        assert_eq!(parse_date_line("2018年3月召开会议"), None);
        assert_eq!(parse_date_line("2018年13月"), None);
        assert_eq!(parse_date_line("于2018年3月"), None);
    }

    /// `chars_and_width` counts its characters as unicode-width does, alone
    /// and in any sequence of them: none of them carries context for its
    /// neighbour (an emoji presentation would make the ZWJ sequence before
    /// it one emoji wide).
    #[test]
    fn chars_and_width_agrees_with_unicode_width() {
        let measured = |s: &str| (s.chars().count(), s.width());
        let counted = ('\0'..='\x09')
            .chain('\x0b'..='\x7f')
            .chain('\u{2010}'..='\u{2027}')
            .chain('\u{3000}'..='\u{3029}')
            .chain('\u{4e00}'..='\u{9fff}')
            .chain('\u{ff01}'..='\u{ff60}');
        let mut all = String::new();
        // The probe sees an emoji presentation (⌚).
        assert_ne!("\u{1F600}\u{200D}\u{231A}".width(), 2 + "\u{231A}".width());
        for c in counted {
            let s = c.to_string();
            assert_eq!(chars_and_width(&s), measured(&s), "{c:?}");
            let zwj = format!("\u{1F600}\u{200D}{c}");
            assert_eq!(zwj.width(), 2 + s.width(), "{c:?} carries context");
            all.push(c);
        }
        assert_eq!(chars_and_width(&all), measured(&all));
        for s in [
            "a\u{FE0F}",
            "\u{201C}\u{FE01}",
            "信息\u{1F600}",
            "é",
            "\r",
            "a\r\n",
        ] {
            assert_eq!(chars_and_width(s), measured(s), "{s:?}");
        }
    }

    #[test]
    fn org_suffix_ends_are_in_sync() {
        for s in ORG_SUFFIXES {
            assert!(s.chars().next_back().is_some_and(is_org_suffix_end), "{s}");
        }
    }

    #[test]
    fn org_lines() {
        assert!(is_org_line("洪泽区人民政府"));
        assert!(is_org_line("\u{a0}\u{a0}檀营乡人民政府\u{a0}"));
        assert!(is_org_line("沭阳县发展和改革局"));
        assert!(!is_org_line("我局高度重视，成立领导小组"));
        assert!(!is_org_line("政府信息公开工作年度报告"));
    }
}
