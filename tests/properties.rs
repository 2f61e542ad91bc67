//! Properties over generated input (proptest): safe fixes touch only their
//! own ranges and settle idempotently; byte offsets and line/column
//! positions convert both ways in UTF-8, UTF-16 and UTF-32.

use std::sync::LazyLock;

use proptest::prelude::*;
use xxgk::check::{CheckOptions, MAX_ROUNDS, check, fix_text};
use xxgk::diagnostic::{Applicability, Fix, compatible_edits};
use xxgk::pack::PackSet;
use xxgk::text::{LineCol, LineIndex, WideEncoding};

static PACKS: LazyLock<PackSet> = LazyLock::new(PackSet::embedded);

const ENCODINGS: [WideEncoding; 3] = [WideEncoding::Utf8, WideEncoding::Utf16, WideEncoding::Utf32];

/// Pieces of reports, many of them defects a safe fix corrects (half-width
/// punctuation after Chinese, full-width digits, typos, doubled words,
/// brackets), with CRLF and astral characters.
const FRAGMENTS: &[&str] = &[
    "本机关",
    "主动公开",
    "政府信息",
    "信息信息",
    "布署",
    "具统计",
    "的的",
    "，",
    "。",
    ",",
    ";",
    ":",
    "!",
    "?",
    "２０２３",
    "2023年",
    "XX",
    "20**年",
    "《条例》",
    "(一)",
    "（二）",
    "【",
    "】",
    "第33条",
    "[2019]",
    "国办发",
    "〇",
    "○",
    "１",
    "年度报告",
    "　　",
    " ",
    "\t",
    "𠮷",
    "😀",
    "a",
    "《中华人民共和国政府信息公开条例》",
];

const LINES: &[&str] = &[
    "一、总体情况",
    "二、主动公开政府信息情况",
    "（一）主动公开",
    "1、数据",
    "(五)其他",
    "",
    "| 信息内容 | 本年制发件数 |",
    "| 规章 | 0 |",
    "XX市人民政府2023年政府信息公开工作年度报告",
];

fn report() -> impl Strategy<Value = String> {
    let paragraph =
        prop::collection::vec(prop::sample::select(FRAGMENTS), 1..12).prop_map(|f| f.concat());
    let line = prop_oneof![
        paragraph,
        prop::sample::select(LINES).prop_map(str::to_owned)
    ];
    let line_break = prop_oneof![Just("\n"), Just("\r\n")];
    prop::collection::vec((line, line_break), 0..16).prop_map(|lines| {
        lines
            .into_iter()
            .flat_map(|(line, br)| [line, br.to_owned()])
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// One round of safe fixes changes the text only inside the edits'
    /// ranges: the text between edits is kept byte for byte, and no safe
    /// edit adds or removes a line break.
    #[test]
    fn safe_fixes_change_only_their_ranges(text in report()) {
        let outcome = check(&PACKS, &text, &CheckOptions::default()).unwrap();
        let safe = outcome.diagnostics.iter().filter_map(|d| d.fix.as_ref()).filter(|f| f.is_safe());
        let (edits, _) = compatible_edits(safe);
        let fixed = Fix::new(String::new(), Applicability::Safe, edits.clone()).apply(&text);
        let mut original_at = 0;
        let mut fixed_at = 0;
        for edit in &edits {
            prop_assert!(edit.range.start >= original_at, "edits overlap: {:?}", edits);
            let kept = &text[original_at..edit.range.start];
            prop_assert_eq!(&fixed[fixed_at..fixed_at + kept.len()], kept);
            fixed_at += kept.len();
            prop_assert_eq!(&fixed[fixed_at..fixed_at + edit.text.len()], edit.text.as_str());
            fixed_at += edit.text.len();
            original_at = edit.range.end;
            prop_assert!(!text[edit.range.clone()].contains('\n') && !edit.text.contains('\n'), "{:?}", edit);
        }
        prop_assert_eq!(&fixed[fixed_at..], &text[original_at..]);
    }

    /// Fixing settles within the round limit, leaves no safe fix, and fixing
    /// the result again changes nothing.
    #[test]
    fn safe_fixes_settle_and_are_idempotent(text in report()) {
        let options = CheckOptions::default();
        let fixed = fix_text(&PACKS, &text, &options, Applicability::Safe).unwrap();
        prop_assert!(fixed.rounds < MAX_ROUNDS, "did not settle: {:?}", fixed.text);
        prop_assert!(
            !fixed.remaining.diagnostics.iter().any(|d| d.fix.as_ref().is_some_and(Fix::is_safe)),
            "{:?}", fixed.remaining.diagnostics
        );
        let again = fix_text(&PACKS, &fixed.text, &options, Applicability::Safe).unwrap();
        prop_assert_eq!(again.rounds, 0);
        prop_assert_eq!(again.text, fixed.text);
    }

    /// Every character boundary converts to the line and column a client
    /// counts (code units since the line start) and back, in each encoding.
    /// A CRLF's `\r` belongs to the line break: the offset between `\r` and
    /// `\n` is the only one without a position of its own.
    #[test]
    fn offsets_round_trip_through_positions(text in "[a\\r\\n一𠮷😀 　]{0,60}") {
        let index = LineIndex::new(&text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                continue;
            }
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line_start..offset];
            let line = text[..offset].matches('\n').count() as u32;
            for encoding in ENCODINGS {
                let col = match encoding {
                    WideEncoding::Utf8 => before.len(),
                    WideEncoding::Utf16 => before.encode_utf16().count(),
                    WideEncoding::Utf32 => before.chars().count(),
                } as u32;
                prop_assert_eq!(index.line_col(offset, encoding), LineCol { line, col });
                prop_assert_eq!(index.offset(LineCol { line, col }, encoding, &text), Some(offset));
            }
        }
    }

    /// Every position converts to an offset and back to itself when it names
    /// a character boundary; a column inside a character is refused; a
    /// column past the line's end lands on the end (before a CRLF's `\r`).
    #[test]
    fn positions_round_trip_through_offsets(text in "[a\\r\\n一𠮷😀]{0,40}", extra in 0u32..4) {
        let index = LineIndex::new(&text);
        let mut line_start = 0;
        for (line, full) in text.split('\n').enumerate() {
            let has_break = line_start + full.len() < text.len();
            let content = if has_break { full.strip_suffix('\r').unwrap_or(full) } else { full };
            let line = line as u32;
            for encoding in ENCODINGS {
                let width = |c: char| match encoding {
                    WideEncoding::Utf8 => c.len_utf8(),
                    WideEncoding::Utf16 => c.len_utf16(),
                    WideEncoding::Utf32 => 1,
                } as u32;
                let mut col = 0;
                let mut byte = line_start;
                for c in content.chars() {
                    for inside in 1..width(c) {
                        prop_assert_eq!(index.offset(LineCol { line, col: col + inside }, encoding, &text), None);
                    }
                    let pos = LineCol { line, col };
                    prop_assert_eq!(index.offset(pos, encoding, &text), Some(byte));
                    prop_assert_eq!(index.line_col(byte, encoding), pos);
                    col += width(c);
                    byte += c.len_utf8();
                }
                let end = LineCol { line, col };
                prop_assert_eq!(index.offset(end, encoding, &text), Some(byte));
                prop_assert_eq!(index.offset(LineCol { line, col: col + extra }, encoding, &text), Some(byte));
            }
            line_start += full.len() + 1;
        }
        let lines = text.matches('\n').count() as u32 + 1;
        prop_assert_eq!(index.offset(LineCol { line: lines, col: 0 }, WideEncoding::Utf16, &text), None);
    }
}
