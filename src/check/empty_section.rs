//! `kind = "empty-section"`: a heading with nothing under it before the next
//! heading of the same or a higher level (or the end of the report).
//!
//! Numbered lines are also list items (`（1）政府信息公开保密审查制度`), which
//! have nothing under them by nature. So a heading counts only when it is
//! short and at least one sibling of the same numbering style has content:
//! then its own emptiness is a gap, not a list.

use super::{Context, Sink};
use crate::report::{BlockKind, Section};

#[derive(Clone, Debug)]
pub struct EmptySection;

impl EmptySection {
    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        self.siblings(cx, sink, &cx.report.outline);
        for section in cx.report.sections() {
            self.siblings(cx, sink, &section.children);
        }
    }

    fn siblings(&self, cx: &Context, sink: &mut Sink, sections: &[Section]) {
        let report = cx.report;
        let closing = report
            .meta
            .closing
            .clone()
            .unwrap_or(usize::MAX..usize::MAX);
        let has_content = |s: &Section| {
            report.heading(s.heading).is_some_and(|h| h.run_in)
                || s.content.clone().any(|i| {
                    !closing.contains(&i)
                        && !matches!(
                            report.blocks[i].kind,
                            BlockKind::Blank | BlockKind::PageNumber
                        )
                })
        };
        for section in sections {
            let Some(heading) = report.heading(section.heading) else {
                continue;
            };
            if has_content(section) || !is_heading_like(cx, heading) {
                continue;
            }
            let sibling_has_content = sections.iter().any(|other| {
                report
                    .heading(other.heading)
                    .is_some_and(|h| h.marker == heading.marker)
                    && has_content(other)
            });
            if sibling_has_content {
                let label = cx.heading_label(heading);
                let message = sink.message(&[("heading", label)]);
                sink.report(heading.label_range(), message, Vec::new(), None);
            }
        }
    }
}

/// Longer "headings" are list items written as sentences.
const MAX_TITLE_CHARS: usize = 30;

/// Whether a numbered line reads as a heading that announces content, rather
/// than a list item that is its own content: short, not ending a sentence
/// (`……42条；`), and not answering itself (`三、依申请公开情况（无）`).
fn is_heading_like(cx: &Context, heading: &crate::report::Heading) -> bool {
    let title = cx.slice(&heading.title_range).trim();
    let line_end = cx.text[heading.title_range.end..]
        .find('\n')
        .map_or(cx.text.len(), |i| heading.title_range.end + i);
    let rest = cx.text[heading.title_range.end..line_end].trim();
    let answers_itself = ["无", "(无)", "（无）", "无。", "：无", ":无"]
        .iter()
        .any(|none| title.ends_with(none));
    title.chars().count() <= MAX_TITLE_CHARS
        && !answers_itself
        && !rest.starts_with(['。', '；', ';'])
}

#[cfg(test)]
mod tests {
    use crate::check::testing::check_rule;

    const RULE: &str = r#"
id = "empty-section"
kind = "empty-section"
severity = "warning"
message = "“{heading}”下没有内容"
"#;

    fn flagged(text: &str) -> Vec<String> {
        check_rule(RULE, text)
            .iter()
            .map(|d| text[d.range.clone()].to_owned())
            .collect()
    }

    #[test]
    fn heading_followed_by_same_level_heading() {
        let text = "一、概述\n本年度工作。\n二、存在的问题\n三、其他需要报告的事项\n无。\n";
        assert_eq!(flagged(text), ["二、存在的问题"]);
    }

    #[test]
    fn heading_at_end_of_document() {
        let text = "一、概述\n本年度工作。\n\n六、存在的主要问题及改进措施\n\n";
        assert_eq!(flagged(text), ["六、存在的主要问题及改进措施"]);
    }

    #[test]
    fn heading_with_only_sub_headings_is_not_empty() {
        let text = "一、概述\n（一）主动公开\n已公开86条。\n";
        assert!(flagged(text).is_empty());
    }

    #[test]
    fn run_in_heading_is_not_empty() {
        let text = "（一）主动公开情况。本年度公开信息86条。\n（二）依申请公开情况。未收到申请。\n";
        assert!(flagged(text).is_empty());
    }

    #[test]
    fn headings_that_answer_themselves_or_end_a_sentence_are_not_empty() {
        let text = "一、主动公开情况\n公开86条。\n二、依申请公开情况（无）\n三、收费情况：无\n四、复议诉讼\n（一）本年度未发生复议；\n（二）诉讼案件0件。\n五、其他\n无。\n";
        assert!(flagged(text).is_empty(), "{:?}", flagged(text));
    }

    #[test]
    fn a_list_of_numbered_items_is_not_a_list_of_empty_sections() {
        let text = "一、制度建设\n建立了以下制度：\n（1）保密审查制度\n（2）考核制度\n（3）社会评议制度\n二、其他\n无。\n";
        assert!(flagged(text).is_empty());
    }

    #[test]
    fn sub_heading_before_a_higher_heading() {
        let text = "一、存在问题\n（一）存在问题：\n人员不足。\n（二）改进措施：\n二、其他\n无。\n";
        assert_eq!(flagged(text), ["（二）改进措施"]);
    }
}
