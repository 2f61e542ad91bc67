//! `kind = "duplicated-paragraph"`: the same passage twice in one report, the
//! mark of copy and paste (“内容雷同”). Paragraphs are compared sentence by
//! sentence, after removing white space and punctuation, so a re-indented
//! copy is caught, and so is a copy that a writer later extended with a
//! sentence of its own. A run of repeated sentences counts when it is at least
//! `min-chars` characters long.

use std::collections::HashMap;
use std::ops::Range;

use super::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix, Related};
use crate::pack::schema::RuleSpec;
use crate::report::BlockKind;

#[derive(Clone, Debug)]
pub struct DuplicatedParagraph {
    min_chars: usize,
}

struct Sentence {
    range: Range<usize>,
    key: String,
}

/// Splits a paragraph into sentences, each with its end mark, leading white
/// space excluded; `key` keeps letters and digits only.
fn sentences(text: &str, base: usize) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0;
    let push = |from: usize, to: usize, out: &mut Vec<Sentence>| {
        let piece = &text[from..to];
        let trimmed = piece.trim_start();
        let from = from + (piece.len() - trimmed.len());
        let key: String = trimmed.chars().filter(|c| c.is_alphanumeric()).collect();
        if !key.is_empty() {
            out.push(Sentence {
                range: base + from..base + to,
                key,
            });
        }
    };
    for (i, c) in text.char_indices() {
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';') {
            push(start, i + c.len_utf8(), &mut out);
            start = i + c.len_utf8();
        }
    }
    let rest_end = text.trim_end().len().max(start);
    push(start, rest_end, &mut out);
    out
}

impl DuplicatedParagraph {
    pub(super) fn compile(spec: &RuleSpec) -> DuplicatedParagraph {
        DuplicatedParagraph {
            min_chars: spec.min_chars.unwrap_or(30),
        }
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        let paragraphs: Vec<(Range<usize>, Vec<Sentence>)> = cx
            .report
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Paragraph)
            .map(|b| {
                (
                    b.range.clone(),
                    sentences(cx.slice(&b.range), b.range.start),
                )
            })
            .collect();
        // Sentence key → (paragraph, sentence) of its first occurrence.
        let mut first: HashMap<&str, (usize, usize)> = HashMap::new();
        for (p, (block, list)) in paragraphs.iter().enumerate() {
            let mut i = 0;
            while i < list.len() {
                let Some(&(q, j)) = first.get(list[i].key.as_str()) else {
                    i += 1;
                    continue;
                };
                let earlier = &paragraphs[q].1;
                let mut len = 1;
                while i + len < list.len()
                    && j + len < earlier.len()
                    && list[i + len].key == earlier[j + len].key
                {
                    len += 1;
                }
                let chars: usize = list[i..i + len].iter().map(|s| s.key.chars().count()).sum();
                if chars >= self.min_chars {
                    let copy = list[i].range.start..list[i + len - 1].range.end;
                    let original = earlier[j].range.start..earlier[j + len - 1].range.end;
                    self.report(cx, sink, block, copy, original);
                }
                i += len;
            }
            for (k, sentence) in list.iter().enumerate() {
                first.entry(sentence.key.as_str()).or_insert((p, k));
            }
        }
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
    fn short_repeated_sentences_are_silent() {
        assert!(check_rule(RULE, "无。\n一、其他\n无。\n").is_empty());
    }
}
