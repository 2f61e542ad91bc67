//! Heading markers: 一、 （一） 1. （1） 第一部分 篇一 and Markdown `#`.

use std::ops::Range;

use super::scan::{digit_value, is_blank, is_cn_numeral, is_ws, parse_small_number, skip_ws, trim};
use crate::text::parse_chinese_number;

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

impl Heading {
    /// Marker and title: the heading as a writer reads it (`四、存在的问题`).
    pub fn label_range(&self) -> Range<usize> {
        self.marker_range.start..self.title_range.end.max(self.marker_range.end)
    }

    /// The ordinal inside the marker (`四` in `四、`, `12` in `12.`), for
    /// renumbering; `None` when the marker has no ordinal.
    pub fn ordinal_range(&self, text: &str) -> Option<Range<usize>> {
        self.ordinal?;
        let marker = text.get(self.marker_range.clone())?;
        let is_ordinal = |c: char| digit_value(c).is_some() || is_cn_numeral(c);
        let start = marker.find(is_ordinal)?;
        let len = marker[start..]
            .find(|c: char| !is_ordinal(c))
            .unwrap_or(marker.len() - start);
        let at = self.marker_range.start + start;
        Some(at..at + len)
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
    let line = line.trim_end_matches('\r');
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
    let ordinal = parse_chinese_number(&line[pos..end])?;
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
        (
            MarkerKind::ChineseParen,
            parse_chinese_number(&line[inner..end])?,
            end,
        )
    } else if digit_value(c).is_some() {
        let (end, n) = run(line, inner, 2, |c| digit_value(c).is_some());
        if n > 2 {
            return None;
        }
        (
            MarkerKind::ArabicParen,
            digits_value(&line[inner..end]),
            end,
        )
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
        (end, parse_chinese_number(&line[num_start..end])?)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// (marker, ordinal, level, marker text, punctuation, title, run_in)
    type Parsed<'a> = (MarkerKind, Option<u32>, u8, &'a str, String, &'a str, bool);

    fn parse(line: &str) -> Option<Parsed<'_>> {
        let h = parse_heading(line, 0)?;
        Some((
            h.marker,
            h.ordinal,
            h.level,
            &line[h.marker_range],
            h.punctuation,
            &line[h.title_range],
            h.run_in,
        ))
    }

    fn kind(line: &str) -> Option<(MarkerKind, Option<u32>, u8)> {
        parse(line).map(|p| (p.0, p.1, p.2))
    }

    #[test]
    fn chinese_comma() {
        assert_eq!(
            parse("一、总体情况"),
            Some((
                MarkerKind::ChineseComma,
                Some(1),
                1,
                "一、",
                "、".into(),
                "总体情况",
                false
            ))
        );
        assert_eq!(
            kind("十、其他"),
            Some((MarkerKind::ChineseComma, Some(10), 1))
        );
        assert_eq!(
            kind("十二、其他"),
            Some((MarkerKind::ChineseComma, Some(12), 1))
        );
        assert_eq!(
            kind("二十三、其他"),
            Some((MarkerKind::ChineseComma, Some(23), 1))
        );
        // Wrong but recognisable punctuation is recorded.
        for (line, p) in [
            ("三，存在问题", "，"),
            ("三.存在问题", "."),
            ("三．存在问题", "．"),
            ("三：存在问题", "："),
        ] {
            let h = parse(line).unwrap();
            assert_eq!(
                (h.0, h.4.as_str(), h.5),
                (MarkerKind::ChineseComma, p, "存在问题"),
                "{line}"
            );
        }
        // Indentation of any kind is skipped.
        let h = parse_heading("\u{feff}\u{3000}\u{a0}  四、问题", 100).unwrap();
        assert_eq!(h.ordinal, Some(4));
        assert_eq!(h.marker_range.start, 100 + "\u{feff}\u{3000}\u{a0}  ".len());
        // A bare marker is a heading with an empty title.
        assert_eq!(parse("一、").map(|p| p.5), Some(""));
    }

    #[test]
    fn chinese_comma_look_alikes() {
        for line in [
            "一是加强组织领导。",
            "二是完善制度",
            "一二三、",
            "二〇一九、",
            "一百、",
            "十一是",
            "一般情况下，",
            "",
            "、",
        ] {
            assert_eq!(kind(line), None, "{line}");
        }
    }

    #[test]
    fn chinese_paren() {
        assert_eq!(
            parse("（一）主动公开情况"),
            Some((
                MarkerKind::ChineseParen,
                Some(1),
                2,
                "（一）",
                "（）".into(),
                "主动公开情况",
                false
            ))
        );
        assert_eq!(parse("(二)依申请公开").map(|p| p.4), Some("()".into()));
        assert_eq!(parse("(三）混合括号").map(|p| p.4), Some("(）".into()));
        assert_eq!(
            parse("（ 四 ）空格").map(|p| (p.1, p.5)),
            Some((Some(4), "空格"))
        );
        assert_eq!(
            kind("（十一）其他"),
            Some((MarkerKind::ChineseParen, Some(11), 2))
        );
        // A redundant separator after the bracket belongs to the marker.
        assert_eq!(
            parse("（五）、加强监督").map(|p| (p.3, p.4, p.5)),
            Some(("（五）、", "（）、".into(), "加强监督"))
        );
        assert_eq!(
            kind("㈢ 第三"),
            Some((MarkerKind::ChineseParen, Some(3), 2))
        );
        for line in [
            "（以下简称《条例》）要求",
            "（2019）年度",
            "(注：不含转办件)",
            "（一般）",
            "（二〇一九）",
            "（）",
        ] {
            assert_eq!(kind(line), None, "{line}");
        }
    }

    #[test]
    fn arabic_dot() {
        assert_eq!(
            parse("1.公开情况"),
            Some((
                MarkerKind::ArabicDot,
                Some(1),
                3,
                "1.",
                ".".into(),
                "公开情况",
                false
            ))
        );
        assert_eq!(parse("2．全角点").map(|p| p.4), Some("．".into()));
        assert_eq!(parse("3、顿号").map(|p| p.4), Some("、".into()));
        assert_eq!(
            kind("１２．全角数字"),
            Some((MarkerKind::ArabicDot, Some(12), 3))
        );
        assert_eq!(
            kind("10. 带空格"),
            Some((MarkerKind::ArabicDot, Some(10), 3))
        );
        assert_eq!(
            kind("⒊ 带点数字"),
            Some((MarkerKind::ArabicDot, Some(3), 3))
        );
        // A numbered item starting with a year is still an item.
        assert_eq!(
            kind("3、2008年3月1日开始，填报审查单"),
            Some((MarkerKind::ArabicDot, Some(3), 3))
        );
        for line in [
            "2013年我乡共公开信息",
            "1.5万元用于网站建设",
            "10、20两个月",
            "3.2%的增长",
            "100.公开",
            "12月31日",
            "2023-03-31",
            "1",
        ] {
            assert_eq!(kind(line), None, "{line}");
        }
    }

    #[test]
    fn arabic_paren() {
        assert_eq!(
            parse("（1）政府信息公开保密审查制度"),
            Some((
                MarkerKind::ArabicParen,
                Some(1),
                4,
                "（1）",
                "（）".into(),
                "政府信息公开保密审查制度",
                false
            ))
        );
        assert_eq!(
            kind("(10)查阅制度"),
            Some((MarkerKind::ArabicParen, Some(10), 4))
        );
        assert_eq!(
            kind("（１）全角"),
            Some((MarkerKind::ArabicParen, Some(1), 4))
        );
        assert_eq!(
            parse("③第三项").map(|p| (p.0, p.1, p.4)),
            Some((MarkerKind::ArabicParen, Some(3), "③".into()))
        );
        assert_eq!(kind("⑵第二项"), Some((MarkerKind::ArabicParen, Some(2), 4)));
        assert_eq!(kind("（100）太大"), None);
    }

    #[test]
    fn parts() {
        assert_eq!(
            parse("第一部分 总体情况").map(|p| (p.0, p.1, p.2, p.5)),
            Some((MarkerKind::Part, Some(1), 0, "总体情况"))
        );
        assert_eq!(
            parse("第二章：附则").map(|p| (p.1, p.3, p.5)),
            Some((Some(2), "第二章：", "附则"))
        );
        assert_eq!(kind("第3部分"), Some((MarkerKind::Part, Some(3), 0)));
        assert_eq!(kind("篇1"), Some((MarkerKind::Part, Some(1), 0)));
        assert_eq!(kind("篇 10 "), Some((MarkerKind::Part, Some(10), 0)));
        assert_eq!(kind("篇三"), Some((MarkerKind::Part, Some(3), 0)));
        assert_eq!(kind("第四篇"), Some((MarkerKind::Part, Some(4), 0)));
        for line in [
            "篇1 市城管局",
            "篇幅所限",
            "第三十二条规定",
            "第二，进行清理",
            "第三、由办公室梳理",
            "第四篇文章写道",
        ] {
            assert_eq!(kind(line), None, "{line}");
        }
    }

    #[test]
    fn markdown() {
        assert_eq!(
            parse("## 表二：主动公开政府信息情况"),
            Some((
                MarkerKind::Markdown,
                None,
                2,
                "## ",
                String::new(),
                "表二",
                true
            ))
        );
        assert_eq!(kind("# 标题"), Some((MarkerKind::Markdown, None, 1)));
        assert_eq!(kind("###### 六级"), Some((MarkerKind::Markdown, None, 6)));
        // An inner numbering marker decides kind and level; the marker range
        // covers it alone.
        assert_eq!(
            parse("## 一、总体情况").map(|p| (p.0, p.1, p.2, p.3, p.5)),
            Some((MarkerKind::ChineseComma, Some(1), 1, "一、", "总体情况"))
        );
        assert_eq!(
            parse("### (一) 系统化推进主动公开。").map(|p| (p.0, p.2, p.5, p.6)),
            Some((MarkerKind::ChineseParen, 2, "系统化推进主动公开", false))
        );
        assert_eq!(
            kind("#### 一是强化流程管控"),
            Some((MarkerKind::Markdown, None, 4))
        );
        assert_eq!(kind("####### 七级"), None);
        assert_eq!(kind("#标签"), None);
        assert_eq!(
            parse("#").map(|p| (p.0, p.2, p.5)),
            Some((MarkerKind::Markdown, 1, ""))
        );
    }

    #[test]
    fn titles_and_run_in() {
        assert_eq!(
            parse("（一）主动公开情况。2023年，我区主动公开信息1136条。").map(|p| (p.5, p.6)),
            Some(("主动公开情况", true))
        );
        assert_eq!(
            parse("（三）政府信息管理情况。").map(|p| (p.5, p.6)),
            Some(("政府信息管理情况", false))
        );
        assert_eq!(
            parse("(二)改进措施:").map(|p| (p.5, p.6)),
            Some(("改进措施", false))
        );
        assert_eq!(
            parse("(二)改进措施： ").map(|p| (p.5, p.6)),
            Some(("改进措施", false))
        );
        assert_eq!(
            parse("（四）就复议诉讼的情况：没有；").map(|p| (p.5, p.6)),
            Some(("就复议诉讼的情况", true))
        );
        assert_eq!(parse("一、概 述     ").map(|p| p.5), Some("概 述"));
        assert_eq!(
            parse("二、加大公开力度,工作成果实实在在").map(|p| p.5),
            Some("加大公开力度,工作成果实实在在")
        );
        // A long numbered line is still a heading (a numbered list item).
        let long = format!("1、{}", "很长的列表项".repeat(20));
        assert_eq!(kind(&long), Some((MarkerKind::ArabicDot, Some(1), 3)));
        // A trailing \r is not part of the title.
        assert_eq!(parse("一、概述\r").map(|p| p.5), Some("概述"));
    }

    #[test]
    fn never_panics_on_odd_lines() {
        for line in [
            "（",
            "(一",
            "第",
            "第一",
            "篇",
            "1",
            "１．",
            "#\u{3000}",
            "𠮷、",
            "一、𠮷",
            "（𠮷）",
            "⑳",
            "\u{feff}",
        ] {
            let _ = parse_heading(line, 7);
        }
    }
}
