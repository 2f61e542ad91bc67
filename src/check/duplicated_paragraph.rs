//! `kind = "duplicated-paragraph"`: the same paragraph twice in one report,
//! the mark of copy and paste (“内容雷同”). Paragraphs are compared after
//! removing white space and punctuation, so re-indented copies are caught.

use std::collections::HashMap;

use super::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix, Related};
use crate::pack::schema::RuleSpec;
use crate::report::BlockKind;

#[derive(Clone, Debug)]
pub struct DuplicatedParagraph {
    min_chars: usize,
}

impl DuplicatedParagraph {
    pub(super) fn compile(spec: &RuleSpec) -> DuplicatedParagraph {
        DuplicatedParagraph {
            min_chars: spec.min_chars.unwrap_or(30),
        }
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        let mut first_seen: HashMap<String, usize> = HashMap::new();
        for (index, block) in cx.report.blocks.iter().enumerate() {
            if block.kind != BlockKind::Paragraph {
                continue;
            }
            let key: String = cx
                .slice(&block.range)
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            if key.chars().count() < self.min_chars {
                continue;
            }
            let Some(&first) = first_seen.get(&key) else {
                first_seen.insert(key, index);
                continue;
            };
            let original = cx.report.blocks[first].range.clone();
            let line = cx.text[..original.start].matches('\n').count() + 1;
            let message = sink.message(&[("line", &line.to_string())]);
            // Delete the copy with its line break.
            let end = if cx.text[block.range.end..].starts_with("\r\n") {
                block.range.end + 2
            } else if cx.text[block.range.end..].starts_with('\n') {
                block.range.end + 1
            } else {
                block.range.end
            };
            let fix = Fix::new(
                "删除重复的段落",
                Applicability::Unsafe,
                vec![Edit::delete(block.range.start..end)],
            );
            sink.report(
                block.range.clone(),
                message,
                vec![Related {
                    range: original,
                    message: "首次出现的位置".to_owned(),
                }],
                Some(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check_rule, fixed};

    const RULE: &str = r#"
id = "duplicated-paragraph"
kind = "duplicated-paragraph"
severity = "warning"
message = "段落与第 {line} 行的段落重复"
min-chars = 10
"#;

    #[test]
    fn reindented_copy_is_found_with_the_original_as_related() {
        let text = "一、概述\n　　虽然取得了成绩，但仍存在差距。\n二、存在的问题\n虽然取得了成绩，但仍存在差距。\n三、其他\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(&text[d.range.clone()], "虽然取得了成绩，但仍存在差距。");
        assert_eq!(d.message, "段落与第 2 行的段落重复");
        assert_eq!(&text[d.related[0].range.clone()], "　　虽然取得了成绩，但仍存在差距。");
        assert_eq!(
            fixed(text, d),
            "一、概述\n　　虽然取得了成绩，但仍存在差距。\n二、存在的问题\n三、其他\n"
        );
    }

    #[test]
    fn short_repeated_lines_are_silent() {
        assert!(check_rule(RULE, "无。\n无。\n").is_empty());
    }
}
