//! `kind = "duplicated-word"`: a word typed twice (`政府信息信息公开`, `的的`).
//!
//! Without a word segmenter, a repeated run of 2–4 Chinese characters
//! (`XYXY`) is flagged, and single characters only when they are function
//! words listed in the pack (`的的`, `了了`), since many single characters
//! legitimately double (常常, 人人). Numerals (`二〇二〇`) are never flagged.

use std::collections::HashSet;
use std::ops::Range;

use super::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::pack::schema::RuleSpec;
use crate::pack::{PackError, PackSource};
use crate::report::{Block, BlockKind};

#[derive(Clone, Debug)]
pub struct DuplicatedWord {
    single_chars: HashSet<char>,
    min_chars: usize,
    max_chars: usize,
    allow: HashSet<String>,
}

/// Buffers [`DuplicatedWord::block_words`] reuses from block to block: a
/// block's characters, and whether each recurs close enough after it.
#[derive(Default)]
pub(super) struct WordBuffers {
    chars: Vec<char>,
    /// Non-zero where the character recurs (`u32`, as wide as a `char`, so
    /// that the comparisons vectorise).
    recurs: Vec<u32>,
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{3134F}' | '\u{F900}'..='\u{FAFF}')
}

fn is_numeral(c: char) -> bool {
    "〇零一二三四五六七八九十百千万亿两".contains(c)
}

/// Every position tries each length from `max-chars` down, so a pack must
/// not make that loop unbounded; repeated words longer than this are
/// duplicated sentences (`duplicated-paragraph`).
const MAX_WORD_CHARS: usize = 16;

impl DuplicatedWord {
    pub(super) fn compile(src: &PackSource, spec: &RuleSpec) -> Result<DuplicatedWord, PackError> {
        let min_chars = spec.min_chars.unwrap_or(2);
        let max_chars = spec.max_chars.unwrap_or(4);
        if min_chars < 2 || max_chars < min_chars || max_chars > MAX_WORD_CHARS {
            return Err(PackError::at(
                src,
                spec.id.span().start,
                format!(
                    "规则 “{}”：min-chars 至少为 2，且不大于 max-chars；max-chars 不大于 {MAX_WORD_CHARS}（单字重复用 single-chars 列出）",
                    spec.id.get_ref()
                ),
            ));
        }
        Ok(DuplicatedWord {
            single_chars: spec.single_chars.as_deref().unwrap_or("").chars().collect(),
            min_chars,
            max_chars,
            allow: spec.allow.iter().flatten().cloned().collect(),
        })
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        let mut buffers = WordBuffers::default();
        for (b, block) in cx.report.blocks.iter().enumerate() {
            if let Some(words) = self.block_words(cx.text, block, &mut buffers) {
                self.finish_block(cx, sink, b, &words);
            }
        }
    }

    /// The repeated words of one block (offsets relative to it).
    pub(super) fn block_words(
        &self,
        text: &str,
        block: &Block,
        buffers: &mut WordBuffers,
    ) -> Option<Vec<Range<usize>>> {
        if !matches!(block.kind, BlockKind::Paragraph | BlockKind::Heading(_)) {
            return None;
        }
        let text = text.get(block.range.clone())?;
        let WordBuffers { chars, recurs } = buffers;
        chars.clear();
        chars.extend(text.chars());
        let chars: &[char] = chars;
        // A word can repeat only where a character recurs within
        // `max_chars` after it (most positions of a block have none): one
        // comparison per distance over the whole block, which vectorises,
        // instead of a short search at every position.
        recurs.clear();
        recurs.resize(chars.len(), 0);
        for distance in 1..=self.max_chars.min(chars.len()) {
            let n = chars.len() - distance;
            let (flags, first, second) = (&mut recurs[..n], &chars[..n], &chars[distance..]);
            for k in 0..n {
                flags[k] |= u32::from(first[k] == second[k]);
            }
        }
        let width = |run: &[char]| run.iter().map(|c| c.len_utf8()).sum::<usize>();
        let mut words = Vec::new();
        // `at`: the byte offset of `chars[counted]`, counted on only when a
        // word is found (most blocks have none).
        let (mut i, mut counted, mut at) = (0, 0, 0);
        while let Some(next) = recurs
            .get(i..)
            .and_then(|rest| rest.iter().position(|&r| r != 0))
        {
            i += next;
            let Some(len) = self.repeat_at(chars, i) else {
                i += 1;
                continue;
            };
            let start = at + width(&chars[counted..i + len]);
            let end = start + width(&chars[i + len..i + 2 * len]);
            words.push(start..end);
            i += 2 * len;
            (counted, at) = (i, end);
        }
        (!words.is_empty()).then_some(words)
    }

    /// The findings of block `b`'s repeated words.
    pub(super) fn finish_block(
        &self,
        cx: &Context,
        sink: &mut Sink,
        b: usize,
        words: &[Range<usize>],
    ) {
        let base = cx.report.blocks[b].range.start;
        for word in words {
            let (start, end) = (base + word.start, base + word.end);
            let word = &cx.text[start..end];
            let message = sink.message(&[("word", word)]);
            let fix = Fix::new(
                format!("删除重复的“{word}”"),
                Applicability::Unsafe,
                vec![Edit::delete(start..end)],
            );
            sink.report(start..end, message, Vec::new(), Some(fix));
        }
    }

    /// The length of a word repeated at `i`, longest first, when `chars[i]`
    /// occurs again within `max_chars`. Kept out of the caller's loop, which
    /// is then light enough to keep its values in registers.
    #[inline(never)]
    fn repeat_at(&self, chars: &[char], i: usize) -> Option<usize> {
        let c = chars[i];
        for len in (self.min_chars..=self.max_chars).rev() {
            if i + 2 * len > chars.len() || c != chars[i + len] {
                continue;
            }
            let (first, second) = (&chars[i..i + len], &chars[i + len..i + 2 * len]);
            if first != second || !chars[i..i + 2 * len].iter().all(|&c| is_han(c)) {
                continue;
            }
            if first.iter().all(|&c| is_numeral(c)) {
                continue;
            }
            let doubled: String = chars[i..i + 2 * len].iter().collect();
            if self.allow.contains(&doubled) {
                continue;
            }
            return Some(len);
        }
        let next = *chars.get(i + 1)?;
        // AABB reduplication (实实在在, 清清楚楚) is correct Chinese.
        let after_pair = i >= 2 && chars[i - 2] == chars[i - 1] && chars[i - 1] != c;
        (c == next && !after_pair && self.single_chars.contains(&c)).then_some(1)
    }
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use crate::check::testing::{check_rule, fixed};
    use crate::report::{Block, BlockKind};

    const RULE: &str = r#"
id = "duplicated-word"
kind = "duplicated-word"
severity = "warning"
message = "词语重复：“{word}”"
single-chars = "的了在和与及对为"
allow = ["研究研究"]
"#;

    #[test]
    fn repeated_two_character_word() {
        let text = "以提高群众对政府信息信息公开的认识。";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range.clone()], "信息");
        assert_eq!(found[0].message, "词语重复：“信息”");
        assert_eq!(fixed(text, &found[0]), "以提高群众对政府信息公开的认识。");
    }

    #[test]
    fn listed_function_character() {
        let found = check_rule(RULE, "公开的的信息");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn legitimate_repetitions_are_silent() {
        for text in [
            "常常开展培训，人人参与。",
            "二〇二〇年工作要点",
            "要研究研究再定。",
            "信息公开，公开信息。",
            "11件申请",
            "工作成果实实在在。",
        ] {
            assert!(check_rule(RULE, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn tables_are_not_checked() {
        assert!(check_rule(RULE, "项目 | 信息信息 | 3\n规章 | 0 | 0\n").is_empty());
    }

    /// The words found by trying every position of the block in turn, as
    /// `block_words` did before it looked only where a character recurs.
    fn words_trying_every_position(rule: &super::DuplicatedWord, text: &str) -> Vec<Range<usize>> {
        let chars: Vec<char> = text.chars().collect();
        let starts: Vec<usize> = text
            .char_indices()
            .map(|(at, _)| at)
            .chain([text.len()])
            .collect();
        let mut words = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match rule.repeat_at(&chars, i) {
                Some(len) => {
                    words.push(starts[i + len]..starts[i + 2 * len]);
                    i += 2 * len;
                }
                None => i += 1,
            }
        }
        words
    }

    proptest::proptest! {
        /// Looking only where a character recurs within `max_chars` finds
        /// what trying every position finds: a repeat at `i` of `len`
        /// characters has `chars[i] == chars[i + len]`.
        #[test]
        fn words_are_found_where_a_character_recurs(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "信", "息", "公", "开", "的", "了", "研究", "二", "〇", "常", "，", "。", "a", " ", "𠀀",
            ]), 0..40),
            max_chars in 2usize..6,
        ) {
            let rule = super::DuplicatedWord {
                single_chars: "的了".chars().collect(),
                min_chars: 2,
                max_chars,
                allow: ["研究研究".to_owned()].into_iter().collect(),
            };
            let text = pieces.concat();
            let block = Block { kind: BlockKind::Paragraph, range: 0..text.len() };
            let found = rule
                .block_words(&text, &block, &mut super::WordBuffers::default())
                .unwrap_or_default();
            proptest::prop_assert_eq!(found, words_trying_every_position(&rule, &text));
        }
    }
}
