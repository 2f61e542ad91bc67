//! `kind = "duplicated-paragraph"`: the same passage twice in one report, the
//! mark of copy and paste (“内容雷同”). Paragraphs are compared sentence by
//! sentence, after removing white space and punctuation, so a re-indented
//! copy is caught, and so is a copy that a writer later extended with a
//! sentence of its own. A run of repeated sentences counts when it is at least
//! `min-chars` characters long.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use super::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix, Related};
use crate::pack::schema::RuleSpec;
use crate::report::{Block, BlockKind};

#[derive(Clone, Debug)]
pub struct DuplicatedParagraph {
    min_chars: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Sentence {
    range: Range<usize>,
    /// Hash of the sentence's letters and digits (white space and punctuation
    /// left out), and how many there are.
    key: u64,
    chars: usize,
}

/// Whether a character counts when comparing sentences: not white space and
/// not punctuation. Decided by code block rather than Unicode tables, which
/// are slow for Chinese text.
fn counts(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !matches!(c,
        '\u{2000}'..='\u{206F}'   // general punctuation, incl. “” ‘’ — …
        | '\u{3000}'..='\u{303F}' // CJK symbols and punctuation, incl. 、。《》
        | '\u{FE10}'..='\u{FE1F}' // vertical forms
        | '\u{FE30}'..='\u{FE6F}' // compatibility and small forms
        | '\u{FF01}'..='\u{FF0F}' // full-width ！＂＃…／
        | '\u{FF1A}'..='\u{FF20}' // ：；＜＝＞？＠
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
        | '\u{00A0}' | '\u{FEFF}' | '·' | '«' | '»')
}

/// Splits a paragraph into sentences, each with its end mark, leading white
/// space excluded, and appends them to `out`. One pass over the characters.
fn sentences(text: &str, base: usize, out: &mut Vec<Sentence>) {
    // The white space the paragraph ends with is no sentence's.
    let text = text.trim_end();
    let bytes = text.as_bytes();
    let mut sentence = SentenceHash::default();
    let (mut start, mut i) = (0, 0);
    while let Some(&lead) = bytes.get(i) {
        // U+4000..=U+9FFF, CJK ideographs and most of a paragraph, told by
        // their first byte: each one counts, and needs no other test.
        if let (0xe4..=0xe9, Some(&[b1, b2])) = (lead, bytes.get(i + 1..i + 3)) {
            let c = u32::from(lead & 0x0f) << 12 | u32::from(b1 & 0x3f) << 6 | u32::from(b2 & 0x3f);
            sentence.count(i, c);
            i += 3;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';') {
            let end = i + c.len_utf8();
            sentence.push(base, start, end, out);
            start = end;
            sentence = SentenceHash::default();
        } else if sentence.first.is_some() || !c.is_whitespace() {
            sentence.first.get_or_insert(i);
            if counts(c) {
                sentence.count(i, u32::from(c));
            }
        }
        i += c.len_utf8();
    }
    sentence.push(base, start, text.len(), out);
}

/// A sentence being read: where its first character after the leading white
/// space is, and the hash and number of its letters and digits so far.
#[derive(Default)]
struct SentenceHash {
    first: Option<usize>,
    key: u64,
    chars: usize,
}

impl SentenceHash {
    /// Counts `c` (a code point), a letter or digit at byte `i`.
    fn count(&mut self, i: usize, c: u32) {
        self.first.get_or_insert(i);
        // FxHash's mixing step: a sentence key needs speed, not DoS resistance.
        self.key = (self.key.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        self.chars += 1;
    }

    /// Appends the sentence ending at byte `end` (it started at `start`),
    /// if it has a letter or digit.
    fn push(&self, base: usize, start: usize, end: usize, out: &mut Vec<Sentence>) {
        if self.chars > 0 {
            out.push(Sentence {
                range: base + self.first.unwrap_or(start)..base + end,
                key: self.key,
                chars: self.chars,
            });
        }
    }
}

/// How often each sentence key occurs (the keys are hashes already: they are
/// used as they are), and the keys that occur more than once: few, so looking
/// a sentence up in them stays in the cache where the counts of a long report
/// would not.
#[derive(Clone, Debug, Default)]
pub(super) struct KeyCounts {
    counts: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    repeated: HashSet<u64, BuildHasherDefault<KeyHasher>>,
}

impl KeyCounts {
    fn count(&self, key: u64) -> u32 {
        self.counts.get(&key).copied().unwrap_or(0)
    }
}

/// Where each repeated sentence first occurs: its paragraph's block, and its
/// index among that paragraph's sentences. Made by `finish`, kept up to date
/// by `refinish`.
pub(super) type FirstOccurrences = HashMap<u64, (usize, usize), BuildHasherDefault<KeyHasher>>;

/// A hasher for keys that are hashes.
#[derive(Default)]
pub(super) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// Adds (or removes) the sentences of a paragraph to the key counts.
pub(super) fn count_keys(keys: &mut KeyCounts, sentences: &[Sentence], add: bool) {
    for s in sentences {
        if add {
            let n = keys.counts.entry(s.key).or_insert(0);
            *n += 1;
            if *n == 2 {
                keys.repeated.insert(s.key);
            }
        } else if let Some(n) = keys.counts.get_mut(&s.key) {
            *n -= 1;
            if *n == 1 {
                keys.repeated.remove(&s.key);
            }
            if *n == 0 {
                keys.counts.remove(&s.key);
            }
        }
    }
}

/// The sentences of a paragraph block (offsets relative to it); `None` for
/// other blocks.
pub(super) fn block_sentences(text: &str, block: &Block) -> Option<Vec<Sentence>> {
    if block.kind != BlockKind::Paragraph {
        return None;
    }
    let mut out = Vec::new();
    sentences(text.get(block.range.clone())?, 0, &mut out);
    Some(out)
}

impl DuplicatedParagraph {
    pub(super) fn compile(spec: &RuleSpec) -> DuplicatedParagraph {
        DuplicatedParagraph {
            min_chars: spec.min_chars.unwrap_or(30),
        }
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        let parts: Vec<(usize, Vec<Sentence>)> = cx
            .report
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(b, block)| Some((b, block_sentences(cx.text, block)?)))
            .collect();
        let mut counts = KeyCounts::default();
        for (_, sentences) in &parts {
            count_keys(&mut counts, sentences, true);
        }
        self.finish(
            cx,
            sink,
            parts.iter().map(|(b, s)| (*b, s.as_slice())),
            &counts,
            None,
        );
    }

    /// The findings from the sentences of each paragraph (in document order),
    /// given how often each sentence occurs in the whole report. Only the
    /// paragraphs holding a sentence that occurs more than once can be part of
    /// a repeated run, so only those are compared. `first_occurrences`, when
    /// given, is filled in (for `refinish`).
    pub(super) fn finish<'p>(
        &self,
        cx: &Context,
        sink: &mut Sink,
        parts: impl Iterator<Item = (usize, &'p [Sentence])>,
        counts: &KeyCounts,
        mut first_occurrences: Option<&mut FirstOccurrences>,
    ) {
        if let Some(map) = first_occurrences.as_deref_mut() {
            map.clear();
        }
        if counts.repeated.is_empty() {
            // No sentence occurs twice: nothing to compare.
            return;
        }
        let repeated = |s: &Sentence| counts.repeated.contains(&s.key);
        // All sentences in one vector; each paragraph is a range of it.
        let mut all: Vec<Sentence> = Vec::new();
        let mut paragraphs: Vec<(usize, Range<usize>)> = Vec::new();
        for (b, sentences) in parts {
            if !sentences.iter().any(repeated) {
                continue;
            }
            let block = &cx.report.blocks[b];
            let base = block.range.start;
            let from = all.len();
            all.extend(sentences.iter().map(|s| Sentence {
                range: base + s.range.start..base + s.range.end,
                ..*s
            }));
            paragraphs.push((b, from..all.len()));
        }
        // Sentence key → index in `all` of its first occurrence, and the end
        // of that sentence's paragraph (a repeated run stays within it).
        let mut first: HashMap<u64, (usize, usize), BuildHasherDefault<KeyHasher>> =
            HashMap::with_capacity_and_hasher(counts.repeated.len(), Default::default());
        for (b, own) in &paragraphs {
            let block = &cx.report.blocks[*b].range;
            let mut i = own.start;
            while i < own.end {
                let Some(&(j, earlier_end)) = first.get(&all[i].key) else {
                    i += 1;
                    continue;
                };
                let mut len = 1;
                while i + len < own.end
                    && j + len < earlier_end
                    && all[i + len].key == all[j + len].key
                {
                    len += 1;
                }
                let chars: usize = all[i..i + len].iter().map(|s| s.chars).sum();
                if chars >= self.min_chars {
                    let copy = all[i].range.start..all[i + len - 1].range.end;
                    let original = all[j].range.start..all[j + len - 1].range.end;
                    self.report(cx, sink, block, copy, original);
                }
                i += len;
            }
            // Only repeated sentences are ever looked up.
            for k in own.clone().filter(|&k| repeated(&all[k])) {
                if let std::collections::hash_map::Entry::Vacant(entry) = first.entry(all[k].key) {
                    entry.insert((k, own.end));
                    if let Some(map) = first_occurrences.as_deref_mut() {
                        map.insert(all[k].key, (*b, k - own.start));
                    }
                }
            }
        }
    }

    /// After an edit that moved no block and changed no line count, the
    /// findings of the paragraphs it re-parsed: `old` and `new` are their
    /// sentences before and after, `sentences_of` gives any other
    /// paragraph's. Every other paragraph keeps its findings when no sentence
    /// of the re-parsed ones, old or new, is another paragraph's original:
    /// each either first occurs before all of them or occurs nowhere else.
    /// Returns false, having reported nothing, when that does not hold (the
    /// rule must be finished afresh).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn refinish<'p>(
        &self,
        cx: &Context,
        sink: &mut Sink,
        old: &[(usize, &[Sentence])],
        new: &[(usize, &'p [Sentence])],
        sentences_of: impl Fn(usize) -> Option<&'p [Sentence]>,
        counts: &KeyCounts,
        first: &mut FirstOccurrences,
    ) -> bool {
        let Some(start) = old.iter().chain(new).map(|(b, _)| *b).min() else {
            return true;
        };
        // How often each key occurs in the old and in the new paragraphs.
        let mut occurrences: HashMap<u64, (u32, u32), BuildHasherDefault<KeyHasher>> =
            HashMap::default();
        for (_, sentences) in old {
            for s in *sentences {
                occurrences.entry(s.key).or_default().0 += 1;
            }
        }
        for (_, sentences) in new {
            for s in *sentences {
                occurrences.entry(s.key).or_default().1 += 1;
            }
        }
        let others_unchanged = occurrences.iter().all(|(&key, &(in_old, in_new))| {
            if first.get(&key).is_some_and(|&(q, _)| q < start) {
                return true;
            }
            let after = counts.count(key);
            let before = (after + in_old).saturating_sub(in_new);
            after <= 1 && before <= 1
        });
        if !others_unchanged {
            return false;
        }
        // The old paragraphs were first occurrences only of sentences found
        // nowhere else: those entries go.
        first.retain(|_, (q, _)| !old.iter().any(|(b, _)| b == q));
        for &(b, sentences) in new {
            let block = &cx.report.blocks[b].range;
            let base = block.start;
            let mut i = 0;
            while i < sentences.len() {
                let original = first
                    .get(&sentences[i].key)
                    .filter(|&&(q, _)| q < b)
                    .and_then(|&(q, j)| Some((q, j, sentences_of(q)?)));
                let Some((q, j, earlier)) = original else {
                    i += 1;
                    continue;
                };
                let mut len = 1;
                while i + len < sentences.len()
                    && j + len < earlier.len()
                    && sentences[i + len].key == earlier[j + len].key
                {
                    len += 1;
                }
                let chars: usize = sentences[i..i + len].iter().map(|s| s.chars).sum();
                if chars >= self.min_chars {
                    let q_base = cx.report.blocks[q].range.start;
                    let copy =
                        base + sentences[i].range.start..base + sentences[i + len - 1].range.end;
                    let original =
                        q_base + earlier[j].range.start..q_base + earlier[j + len - 1].range.end;
                    self.report(cx, sink, block, copy, original);
                }
                i += len;
            }
        }
        true
    }

    fn report(
        &self,
        cx: &Context,
        sink: &mut Sink,
        block: &Range<usize>,
        copy: Range<usize>,
        original: Range<usize>,
    ) {
        let line = cx.line_number(original.start);
        let message = sink.message(&[("line", &line.to_string())]);
        let whole = cx.text[block.start..copy.start].trim().is_empty()
            && cx.text[copy.end..block.end].trim().is_empty();
        let deleted = if whole {
            // The whole paragraph, with its line break.
            let rest = &cx.text[block.end..];
            let newline = if rest.starts_with("\r\n") {
                2
            } else {
                usize::from(rest.starts_with('\n'))
            };
            block.start..block.end + newline
        } else {
            copy.clone()
        };
        let fix = Fix::new(
            if whole {
                "删除重复的段落"
            } else {
                "删除重复的语句"
            },
            Applicability::Unsafe,
            vec![Edit::delete(deleted)],
        );
        let related = vec![Related {
            range: original,
            message: "首次出现的位置".to_owned(),
        }];
        sink.report(copy, message, related, Some(fix));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check_rule, fixed};

    const RULE: &str = r#"
id = "duplicated-paragraph"
kind = "duplicated-paragraph"
severity = "warning"
message = "与第 {line} 行的内容重复"
min-chars = 10
"#;

    #[test]
    fn reindented_copy_is_found_with_the_original_as_related() {
        let text = "一、概述\n　　虽然取得了成绩，但仍存在差距。\n二、存在的问题\n虽然取得了成绩，但仍存在差距。\n三、其他\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(&text[d.range.clone()], "虽然取得了成绩，但仍存在差距。");
        assert_eq!(d.message, "与第 2 行的内容重复");
        assert_eq!(
            &text[d.related[0].range.clone()],
            "虽然取得了成绩，但仍存在差距。"
        );
        assert_eq!(
            fixed(text, d),
            "一、概述\n　　虽然取得了成绩，但仍存在差距。\n二、存在的问题\n三、其他\n"
        );
    }

    #[test]
    fn copied_sentences_inside_a_longer_paragraph() {
        let text = "一、概述\n本年度公开信息86条。虽然取得了成绩，但仍存在差距。一是认识不足。二是制度不全。另外开展了培训。\n二、问题\n虽然取得了成绩，但仍存在差距。一是认识不足。二是制度不全。\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            &text[found[0].related[0].range.clone()],
            "虽然取得了成绩，但仍存在差距。一是认识不足。二是制度不全。"
        );
    }

    #[test]
    fn sentences_leave_out_surrounding_white_space() {
        let text = "\u{3000}\u{3000}第一句，a1。 \u{1680}第二\u{1680}句！\n末句 \u{1680}\u{3000}";
        let mut out = Vec::new();
        super::sentences(text, 10, &mut out);
        let pieces: Vec<(&str, usize)> = out
            .iter()
            .map(|s| (&text[s.range.start - 10..s.range.end - 10], s.chars))
            .collect();
        // Inside a sentence, white space that is not punctuation (U+1680)
        // counts; leading and final white space is no sentence's.
        assert_eq!(
            pieces,
            [("第一句，a1。", 5), ("第二\u{1680}句！", 4), ("末句", 2)]
        );
        let mut again = Vec::new();
        super::sentences("第一句，a1。", 0, &mut again);
        assert_eq!(again[0].key, out[0].key);
    }

    #[test]
    fn short_repeated_sentences_are_silent() {
        assert!(check_rule(RULE, "无。\n一、其他\n无。\n").is_empty());
    }
}
