//! `kind = "empty-section"`: a heading with nothing under it before the next
//! heading of the same or a higher level (or the end of the report).

use super::{Context, Sink};
use crate::report::BlockKind;

#[derive(Clone, Debug)]
pub struct EmptySection;

impl EmptySection {
    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        let report = cx.report;
        let closing = report.meta.closing.clone().unwrap_or(usize::MAX..usize::MAX);
        for section in report.sections() {
            let Some(heading) = report.heading(section.heading) else {
                continue;
            };
            if heading.run_in {
                continue;
            }
            let has_content = section.content.clone().any(|i| {
                !closing.contains(&i)
                    && !matches!(report.blocks[i].kind, BlockKind::Blank | BlockKind::PageNumber)
            });
            if !has_content {
                let label = cx.heading_label(heading);
                let message = sink.message(&[("heading", label)]);
                let range = heading.marker_range.start
                    ..heading.title_range.end.max(heading.marker_range.end);
                sink.report(range, message, Vec::new(), None);
            }
        }
    }
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
    fn sub_heading_before_a_higher_heading() {
        let text = "一、存在问题\n（一）存在问题：\n人员不足。\n（二）改进措施：\n二、其他\n无。\n";
        assert_eq!(flagged(text), ["（二）改进措施"]);
    }
}
