//! `kind = "heading-numbering"`: the ordinals of sibling headings must run
//! 一、二、三… (or （一）（二）…, 1. 2. …) from one, without gaps or repeats.
//!
//! One pattern gets its own finding: a sub-level written with the parent
//! level's marker, which shows as the sequence restarting at 一 (seed-style
//! `一、概述 / 一、… 二、… 三、… / 二、主动公开`). Renumbering that run to
//! 一…七 would be wrong; the fix turns the run into （一）（二）（三）.

use super::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix, Related};
use crate::pack::schema::RuleSpec;
use crate::report::{Heading, MarkerKind, Section};
use crate::text::{number_like, to_chinese_number};

#[derive(Clone, Debug)]
pub struct HeadingNumbering {
    level_message: String,
    restart_message: String,
}

const DEFAULT_RESTART_MESSAGE: &str = "“{heading}”的序号重新从“{found}”开始，与此前的同级标题（至“{previous}”）不连续：请检查标题层级";

const DEFAULT_LEVEL_MESSAGE: &str =
    "“{heading}”重新从“{found}”开始编号：疑似下级标题误用了本级序号，下级标题应写作“{expected}”";

impl HeadingNumbering {
    pub(super) fn compile(spec: &RuleSpec) -> HeadingNumbering {
        HeadingNumbering {
            level_message: spec
                .level_message
                .clone()
                .unwrap_or_else(|| DEFAULT_LEVEL_MESSAGE.to_owned()),
            restart_message: spec
                .restart_message
                .clone()
                .unwrap_or_else(|| DEFAULT_RESTART_MESSAGE.to_owned()),
        }
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        self.siblings(cx, sink, &cx.report.outline);
        for section in cx.report.sections() {
            self.siblings(cx, sink, &section.children);
        }
    }

    /// Checks one list of sibling sections, each marker style on its own.
    fn siblings(&self, cx: &Context, sink: &mut Sink, sections: &[Section]) {
        let headings: Vec<&Heading> = sections
            .iter()
            .filter_map(|s| cx.report.heading(s.heading))
            .filter(|h| h.ordinal.is_some())
            .collect();
        let mut kinds: Vec<MarkerKind> = headings.iter().map(|h| h.marker).collect();
        kinds.dedup();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            let run: Vec<&Heading> = headings
                .iter()
                .copied()
                .filter(|h| h.marker == kind)
                .collect();
            self.sequence(cx, sink, &run);
        }
    }

    fn sequence(&self, cx: &Context, sink: &mut Sink, run: &[&Heading]) {
        let mut expected = 1;
        let mut i = 0;
        while i < run.len() {
            let heading = run[i];
            let found = heading.ordinal.unwrap_or(0);
            if found == 1 && expected > 1 {
                // A restart. It is a sub-level written with this level's
                // markers only if, after counting on, the outer sequence
                // resumes where it left off (一、 [一、二、三、] 二、). Otherwise
                // which part is misnumbered cannot be told: say so, no fix.
                let mut end = i + 1;
                while end < run.len() && run[end].ordinal == Some((end - i + 1) as u32) {
                    end += 1;
                }
                if end < run.len() && run[end].ordinal == Some(expected) {
                    self.report_level_reuse(cx, sink, &run[i..end], run[i - 1]);
                    i = end;
                } else {
                    self.report_restart(cx, sink, heading, run[i - 1]);
                    expected = 2;
                    i += 1;
                }
                continue;
            }
            if found != expected {
                self.report_wrong_ordinal(cx, sink, heading, expected, (i > 0).then(|| run[i - 1]));
            }
            expected = found.max(1) + 1;
            i += 1;
        }
    }

    fn report_wrong_ordinal(
        &self,
        cx: &Context,
        sink: &mut Sink,
        heading: &Heading,
        expected: u32,
        previous: Option<&Heading>,
    ) {
        let ordinal = heading
            .ordinal_range(cx.text)
            .unwrap_or(heading.marker_range.clone());
        let found_text = cx.slice(&ordinal).to_owned();
        let expected_text = number_like(&found_text, expected);
        let message = sink.message(&[
            ("heading", cx.heading_label(heading)),
            ("found", &found_text),
            ("expected", &expected_text),
        ]);
        let related = previous
            .map(|p| Related {
                range: p.label_range(),
                message: "上一个同级标题".to_owned(),
            })
            .into_iter()
            .collect();
        let fix = Fix::new(
            format!("将序号改为“{expected_text}”"),
            Applicability::Unsafe,
            vec![Edit::replace(ordinal.clone(), expected_text)],
        );
        sink.report(heading.label_range(), message, related, Some(fix));
    }

    fn report_restart(&self, cx: &Context, sink: &mut Sink, heading: &Heading, previous: &Heading) {
        let found = cx
            .slice(
                &heading
                    .ordinal_range(cx.text)
                    .unwrap_or(heading.marker_range.clone()),
            )
            .to_owned();
        let message = self
            .restart_message
            .replace("{heading}", cx.heading_label(heading))
            .replace("{found}", &found)
            .replace("{previous}", cx.heading_label(previous));
        let related = vec![Related {
            range: previous.label_range(),
            message: "此前最后一个同级标题".to_owned(),
        }];
        sink.report(heading.label_range(), message, related, None);
    }

    fn report_level_reuse(
        &self,
        cx: &Context,
        sink: &mut Sink,
        run: &[&Heading],
        parent: &Heading,
    ) {
        let first = run[0];
        let Some(child_marker) = child_marker(first.marker) else {
            return;
        };
        let edits = run
            .iter()
            .map(|h| {
                let n = h.ordinal.unwrap_or(1);
                Edit::replace(h.marker_range.clone(), child_marker(n))
            })
            .collect();
        let found = cx
            .slice(
                &first
                    .ordinal_range(cx.text)
                    .unwrap_or(first.marker_range.clone()),
            )
            .to_owned();
        let message = self
            .level_message
            .replace("{heading}", cx.heading_label(first))
            .replace("{found}", &found)
            .replace("{expected}", &child_marker(1));
        let fix = Fix::new(
            format!(
                "将这 {} 个标题改为下级序号（{}…）",
                run.len(),
                child_marker(1)
            ),
            Applicability::Unsafe,
            edits,
        );
        let related = vec![Related {
            range: parent.label_range(),
            message: "疑似的上级标题".to_owned(),
        }];
        sink.report(first.label_range(), message, related, Some(fix));
    }
}

/// The marker style one level below `kind` (GB/T 9704-2012 §7.3.3).
fn child_marker(kind: MarkerKind) -> Option<fn(u32) -> String> {
    match kind {
        MarkerKind::Part => Some(|n| format!("{}、", to_chinese_number(n))),
        MarkerKind::ChineseComma => Some(|n| format!("（{}）", to_chinese_number(n))),
        MarkerKind::ChineseParen => Some(|n| format!("{n}.")),
        MarkerKind::ArabicDot => Some(|n| format!("（{n}）")),
        MarkerKind::ArabicParen | MarkerKind::Markdown => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check_rule, fixed};

    const RULE: &str = r#"
id = "heading-numbering"
kind = "heading-numbering"
severity = "warning"
message = "“{heading}”序号应为“{expected}”"
"#;

    #[test]
    fn consecutive_numbering_is_silent() {
        let text = "一、概述\n（一）主动公开\n（二）依申请公开\n二、其他\n1.内容\n2.形式\n";
        assert!(check_rule(RULE, text).is_empty());
    }

    #[test]
    fn gap_is_found_with_a_renumbering_fix() {
        let text = "一、概述\n正文。\n二、主动公开\n正文。\n四、依申请公开\n正文。\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "“四、依申请公开”序号应为“三”");
        assert_eq!(&text[found[0].related[0].range.clone()], "二、主动公开");
        assert_eq!(
            fixed(text, &found[0]),
            "一、概述\n正文。\n二、主动公开\n正文。\n三、依申请公开\n正文。\n"
        );
    }

    #[test]
    fn repeat_is_found_once() {
        let text = "（一）甲\n（二）乙\n（二）丙\n（三）丁\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "“（二）丙”序号应为“三”");
    }

    #[test]
    fn arabic_numbering_keeps_arabic_digits() {
        let text = "1.甲\n3.乙\n";
        let found = check_rule(RULE, text);
        assert_eq!(fixed(text, &found[0]), "1.甲\n2.乙\n");
    }

    #[test]
    fn sub_level_written_with_parent_markers() {
        let text = "一、概 述\n概述正文。\n一、健全组织\n正文。\n二、完善机制\n正文。\n三、用好载体\n正文。\n二、主动公开情况\n正文。\n三、依申请公开情况\n正文。\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!(&text[d.range.clone()], "一、健全组织");
        assert!(d.message.contains("（一）"), "{}", d.message);
        assert_eq!(&text[d.related[0].range.clone()], "一、概 述");
        assert_eq!(
            fixed(text, d),
            "一、概 述\n概述正文。\n（一）健全组织\n正文。\n（二）完善机制\n正文。\n（三）用好载体\n正文。\n二、主动公开情况\n正文。\n三、依申请公开情况\n正文。\n"
        );
    }

    #[test]
    fn ambiguous_restart_is_reported_without_a_fix() {
        // 一 … 六 then 一 二 三 五: either run could be the misnumbered one.
        let text = "一、总体情况\n正文。\n二、机制\n正文。\n三、主动公开\n正文。\n一、主动公开政府信息情况\n正文。\n二、收到和处理申请情况\n正文。\n三、行政复议\n正文。\n五、其他\n正文。\n";
        let found = check_rule(RULE, text);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "“一、主动公开政府信息情况”的序号重新从“一”开始，与此前的同级标题（至“三、主动公开”）不连续：请检查标题层级",
                "“五、其他”序号应为“四”",
            ]
        );
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn numbering_restarts_under_each_parent() {
        let text = "篇1\n一、概述\n正文。\n二、其他\n正文。\n篇2\n一、概述\n正文。\n";
        assert!(check_rule(RULE, text).is_empty());
    }

    #[test]
    fn first_sibling_not_starting_at_one() {
        let text = "二、主动公开\n正文。\n三、依申请公开\n正文。\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "“二、主动公开”序号应为“一”");
    }
}
