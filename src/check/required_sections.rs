//! `kind = "required-sections"`: the sections the law requires, in their
//! order. A missing section gets a fix that inserts it where it belongs —
//! before the next required section that is present — numbered in sequence
//! (the headings after it move up by one), with the pack's standard sentence
//! for the common "none this year" case.
//!
//! Sections are matched on the report's top heading level (the shallowest
//! numbered level below 篇/部分), so a sub-heading that happens to mention
//! 收费 does not stand in for the section.

use super::{Context, Sink, severity};
use crate::diagnostic::{Applicability, Edit, Fix, Related, Severity};
use crate::pack::schema::RuleSpec;
use crate::pack::{PackError, PackRegex, PackSource};
use crate::report::{BlockKind, Heading, MarkerKind};
use crate::text::{number_like, to_chinese_number};

#[derive(Clone, Debug)]
pub struct RequiredSections {
    items: Vec<Item>,
    order_message: String,
}

#[derive(Clone, Debug)]
struct Item {
    title: String,
    patterns: Vec<PackRegex>,
    body: Option<String>,
    severity: Option<Severity>,
}

const DEFAULT_ORDER_MESSAGE: &str = "章节“{heading}”的位置不对：应在“{after}”之后";

impl RequiredSections {
    pub(super) fn compile(
        src: &PackSource,
        spec: &RuleSpec,
    ) -> Result<RequiredSections, PackError> {
        let Some(sections) = spec.sections.as_ref().filter(|s| !s.is_empty()) else {
            return Err(PackError::at(
                src,
                spec.id.span().start,
                format!(
                    "规则 “{}”（kind = \"required-sections\"）需要至少一个 [[rule.sections]]",
                    spec.id.get_ref()
                ),
            ));
        };
        let mut items = Vec::with_capacity(sections.len());
        for section in sections {
            if section.patterns.is_empty() {
                return Err(PackError::at(
                    src,
                    spec.id.span().start,
                    format!("章节 “{}” 需要至少一个 match 模式", section.key),
                ));
            }
            items.push(Item {
                title: section.title.clone(),
                patterns: section
                    .patterns
                    .iter()
                    .map(|p| super::compile_regex(src, p, "match 中的模式"))
                    .collect::<Result<_, _>>()?,
                body: section.body.clone(),
                severity: section.severity.map(severity),
            });
        }
        Ok(RequiredSections {
            items,
            order_message: spec
                .order_message
                .clone()
                .unwrap_or_else(|| DEFAULT_ORDER_MESSAGE.to_owned()),
        })
    }

    /// The report's top-level headings, and for each required item the
    /// position among them of the heading that is that section.
    fn locate<'a>(&self, cx: &'a Context) -> (Vec<(usize, &'a Heading)>, Vec<Option<usize>>) {
        let headings: Vec<(usize, &Heading)> = cx
            .report
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match &b.kind {
                BlockKind::Heading(h) if h.marker != MarkerKind::Part => Some((i, h)),
                _ => None,
            })
            .collect();
        let top_level = headings.iter().map(|(_, h)| h.level).min();
        let top: Vec<(usize, &Heading)> = headings
            .into_iter()
            .filter(|(_, h)| Some(h.level) == top_level)
            .collect();
        let found = self
            .items
            .iter()
            .map(|item| {
                top.iter().position(|(_, h)| {
                    let title = cx.slice(&h.title_range);
                    item.patterns.iter().any(|re| re.is_match(title))
                })
            })
            .collect();
        (top, found)
    }

    /// Which headings (block indices) are which required sections (titles).
    pub(super) fn satisfied(&self, cx: &Context) -> Vec<(usize, String)> {
        let (top, found) = self.locate(cx);
        self.items
            .iter()
            .zip(found)
            .filter_map(|(item, at)| at.map(|p| (top[p].0, item.title.clone())))
            .collect()
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        if cx.text.trim().is_empty() {
            return;
        }
        let (top, found) = self.locate(cx);

        for (k, item) in self.items.iter().enumerate() {
            if found[k].is_some() {
                continue;
            }
            let previous = found[..k].iter().rev().flatten().next().map(|&p| top[p].1);
            let next = found[k + 1..].iter().flatten().next().map(|&q| top[q]);
            self.report_missing(cx, sink, item, &top, previous, next);
        }

        let mut latest: Option<(usize, usize)> = None; // (position in top, item)
        for (k, position) in found.iter().enumerate() {
            let Some(position) = *position else { continue };
            match latest {
                Some((before, j)) if position < before => {
                    let heading = top[position].1;
                    let after = top[before].1;
                    let message = self
                        .order_message
                        .replace("{heading}", cx.heading_label(heading))
                        .replace("{after}", cx.heading_label(after))
                        .replace("{title}", &self.items[k].title)
                        .replace("{after-title}", &self.items[j].title);
                    let related = vec![Related {
                        range: after.label_range(),
                        message: "应位于此章节之后".to_owned(),
                    }];
                    sink.report(heading.label_range(), message, related, None);
                }
                _ => latest = Some((position, k)),
            }
        }
    }

    fn report_missing(
        &self,
        cx: &Context,
        sink: &mut Sink,
        item: &Item,
        top: &[(usize, &Heading)],
        previous: Option<&Heading>,
        next: Option<(usize, &Heading)>,
    ) {
        let nl = cx.newline;
        let style = next.map(|(_, h)| h).or(top.last().map(|(_, h)| *h));
        let mut edits = Vec::new();
        let (number, at, anchor) = match next {
            Some((block, heading)) => {
                let number = heading.ordinal.unwrap_or(1);
                // The headings from here on move down by one.
                for (_, h) in top
                    .iter()
                    .filter(|(b, h)| *b >= block && h.marker == heading.marker)
                {
                    if let (Some(n), Some(range)) = (h.ordinal, h.ordinal_range(cx.text)) {
                        let renumbered = number_like(cx.slice(&range), n + 1);
                        edits.push(Edit::replace(range, renumbered));
                    }
                }
                let start = cx.report.blocks[block].range.start;
                let line_start = cx.text[..start].rfind('\n').map_or(0, |i| i + 1);
                (number, line_start, heading.label_range())
            }
            None => {
                let number = top.last().and_then(|(_, h)| h.ordinal).map_or(1, |n| n + 1);
                let at = cx
                    .report
                    .meta
                    .closing
                    .as_ref()
                    .and_then(|c| cx.report.blocks.get(c.start))
                    .map_or(cx.text.len(), |b| b.range.start);
                (number, at, cx.document_anchor())
            }
        };
        let heading_text = render_heading(style, number, &item.title);
        let mut inserted = String::new();
        let needs_break = at > 0 && !cx.text[..at].ends_with('\n');
        if needs_break {
            inserted.push_str(nl);
        }
        inserted.push_str(&heading_text);
        inserted.push_str(nl);
        if let Some(body) = &item.body {
            inserted.push_str(body);
            inserted.push_str(nl);
        }
        // Keep the blank line that separates sections, where the report has one.
        if at > 0 && blank_line_before(cx.text, at) {
            inserted.push_str(nl);
        }
        edits.push(Edit::insert(at, inserted));
        let fix = Fix::new(
            format!("插入“{heading_text}”"),
            Applicability::Unsafe,
            edits,
        );
        let message = sink.message(&[("title", &item.title), ("heading", &heading_text)]);
        let related = previous
            .map(|p| Related {
                range: p.label_range(),
                message: format!("“{}”应位于此章节之后", item.title),
            })
            .into_iter()
            .collect();
        let severity = item
            .severity
            .unwrap_or(sink.severity())
            .min(sink.severity());
        sink.report_with_severity(anchor, message, related, Some(fix), severity);
    }
}

fn blank_line_before(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches(['\r', '\n']);
    let breaks = text[before.len()..at].matches('\n').count();
    breaks >= 2
}

/// A heading numbered `n` in the style of `like` (一、 by default).
fn render_heading(like: Option<&Heading>, n: u32, title: &str) -> String {
    let cn = to_chinese_number(n);
    match like.map(|h| h.marker) {
        Some(MarkerKind::ChineseParen) => format!("（{cn}）{title}"),
        Some(MarkerKind::ArabicDot) => format!("{n}.{title}"),
        Some(MarkerKind::ArabicParen) => format!("（{n}）{title}"),
        Some(MarkerKind::Markdown) => {
            let level = like.map_or(2, |h| h.level.max(1)) as usize;
            format!("{} {cn}、{title}", "#".repeat(level))
        }
        _ => format!("{cn}、{title}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check_rule_in_year, fixed};
    use crate::diagnostic::{Diagnostic, Severity};

    const RULE: &str = r#"
id = "sections-2007"
kind = "required-sections"
severity = "error"
message = "缺少必备章节“{title}”"
when.regime = ["2007"]

[[rule.sections]]
key = "proactive"
title = "主动公开政府信息的情况"
match = ["主动公开"]

[[rule.sections]]
key = "on-request"
title = "依申请公开政府信息的情况"
match = ["依申请"]

[[rule.sections]]
key = "fees"
title = "政府信息公开的收费及减免情况"
match = ["收费", "减免"]
body = "本年度未收取政府信息公开相关费用，无减免情况。"

[[rule.sections]]
key = "review"
title = "因政府信息公开申请行政复议、提起行政诉讼的情况"
match = ["复议", "诉讼"]
body = "本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"

[[rule.sections]]
key = "problems"
title = "政府信息公开工作存在的主要问题及改进情况"
match = ["问题", "改进"]

[[rule.sections]]
key = "other"
title = "其他需要报告的事项"
match = ["其他", "其它"]
severity = "info"
"#;

    const REPORT: &str = "某乡2013年政府信息公开工作年度报告\n\n一、概述\n正文。\n\n二、主动公开情况\n正文。\n\n三、依申请公开情况\n正文。\n\n四、存在的主要问题及改进措施\n正文。\n";

    fn by_title<'a>(found: &'a [Diagnostic], title: &str) -> &'a Diagnostic {
        match found.iter().find(|d| d.message.contains(title)) {
            Some(d) => d,
            None => panic!("no finding for {title}: {found:?}"),
        }
    }

    #[test]
    fn missing_sections_are_inserted_in_order_and_numbered() {
        let found = check_rule_in_year(RULE, REPORT, Some(2013));
        let mut messages: Vec<(&str, Severity)> = found
            .iter()
            .map(|d| (d.message.as_str(), d.severity))
            .collect();
        messages.sort();
        assert_eq!(
            messages,
            [
                ("缺少必备章节“其他需要报告的事项”", Severity::Info),
                (
                    "缺少必备章节“因政府信息公开申请行政复议、提起行政诉讼的情况”",
                    Severity::Error
                ),
                (
                    "缺少必备章节“政府信息公开的收费及减免情况”",
                    Severity::Error
                ),
            ]
        );
        // The fee section goes before 四, takes its number, and 四 becomes 五.
        let fees = by_title(&found, "收费及减免");
        assert_eq!(&REPORT[fees.range.clone()], "四、存在的主要问题及改进措施");
        assert_eq!(&REPORT[fees.related[0].range.clone()], "三、依申请公开情况");
        assert_eq!(
            fixed(REPORT, fees),
            "某乡2013年政府信息公开工作年度报告\n\n一、概述\n正文。\n\n二、主动公开情况\n正文。\n\n三、依申请公开情况\n正文。\n\n四、政府信息公开的收费及减免情况\n本年度未收取政府信息公开相关费用，无减免情况。\n\n五、存在的主要问题及改进措施\n正文。\n"
        );
        // The last one is appended, numbered after the last section, and
        // reported on the title.
        let other = by_title(&found, "其他需要报告的事项");
        assert_eq!(
            &REPORT[other.range.clone()],
            "某乡2013年政府信息公开工作年度报告"
        );
        assert!(fixed(REPORT, other).ends_with("正文。\n五、其他需要报告的事项\n"));
    }

    #[test]
    fn complete_report_is_silent() {
        let text = "一、主动公开政府信息情况\n二、依申请公开政府信息情况\n三、收费及减免情况\n四、行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n";
        assert!(check_rule_in_year(RULE, text, Some(2013)).is_empty());
    }

    #[test]
    fn other_regime_or_unknown_year_is_silent() {
        assert!(check_rule_in_year(RULE, REPORT, Some(2021)).is_empty());
        let undated = REPORT.replace("2013年", "");
        assert!(check_rule_in_year(RULE, &undated, None).is_empty());
    }

    #[test]
    fn sub_headings_do_not_count() {
        let text =
            "一、主动公开\n（一）收费情况\n二、依申请公开\n三、复议诉讼\n四、存在问题\n五、其他\n";
        let found = check_rule_in_year(RULE, text, Some(2013));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("收费及减免"));
    }

    #[test]
    fn out_of_order_section() {
        let text = "一、依申请公开\n二、主动公开\n三、收费\n四、复议诉讼\n五、存在问题\n六、其他\n";
        let found = check_rule_in_year(RULE, text, Some(2013));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&text[found[0].range.clone()], "一、依申请公开");
        assert_eq!(&text[found[0].related[0].range.clone()], "二、主动公开");
    }

    #[test]
    fn crlf_reports_get_crlf_insertions() {
        let text = REPORT.replace('\n', "\r\n");
        let found = check_rule_in_year(RULE, &text, Some(2013));
        let after = fixed(&text, by_title(&found, "收费及减免"));
        assert!(after.contains("四、政府信息公开的收费及减免情况\r\n本年度"));
        assert!(!after.replace("\r\n", "").contains('\n'));
    }
}
