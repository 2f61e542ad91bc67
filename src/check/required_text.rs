//! `kind = "required-text"`: something every report must say somewhere in a
//! scope — the legal basis in the preamble, the statistics period — with an
//! optional fix that inserts a standard sentence after the title.

use super::pattern::{in_rule_scope, matcher, section_blocks, section_filter, section_heads};
use super::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::pack::schema::{RuleSpec, Scope};
use crate::pack::{PackError, PackRegex, PackSource};
use crate::report::Block;

#[derive(Clone, Debug)]
pub struct RequiredText {
    matcher: PackRegex,
    scope: Scope,
    /// Only in sections whose heading title matches (and nothing is
    /// required when there is no such section).
    section: Option<PackRegex>,
    insert: Option<String>,
    fix_title: Option<String>,
}

impl RequiredText {
    pub(super) fn compile(src: &PackSource, spec: &RuleSpec) -> Result<RequiredText, PackError> {
        Ok(RequiredText {
            matcher: matcher(src, spec)?,
            scope: spec.scope.unwrap_or(Scope::Text),
            section: section_filter(src, spec)?,
            insert: spec.insert.clone(),
            fix_title: spec.fix_title.clone(),
        })
    }

    pub(super) fn has_fix(&self) -> bool {
        self.insert.is_some()
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        if self.scope == Scope::Title {
            let found = cx
                .report
                .meta
                .title
                .as_ref()
                .is_some_and(|t| self.matcher.is_match(cx.slice(t)));
            let sections =
                (self.section.as_ref()).map(|re| section_blocks(cx, &section_heads(cx, re)));
            self.report_unless(cx, sink, sections, found);
            return;
        }
        let report = cx.report;
        let heads = self.section.as_ref().map(|re| section_heads(cx, re));
        self.finish(
            cx,
            sink,
            (0..report.blocks.len()).filter(|&b| {
                in_rule_scope(cx, self.scope, None, b)
                    && self.block_found(cx.text, &report.blocks[b])
            }),
            heads.as_deref(),
        );
    }

    pub(super) fn section(&self) -> Option<&regex::Regex> {
        self.section.as_deref()
    }

    /// Whether the rule's findings are made block by block (all scopes but
    /// the title, which is not a block).
    pub(super) fn by_blocks(&self) -> bool {
        self.scope != Scope::Title
    }

    /// Whether the text is in this block (searched on its own).
    pub(super) fn block_found(&self, text: &str, block: &Block) -> bool {
        text.get(block.range.clone())
            .is_some_and(|s| self.matcher.is_match(s))
    }

    /// The finding, if none of the blocks holding the text is in the rule's
    /// scope.
    /// `heads`: the blocks heading the sections of the rule's `section`
    /// filter (see `section_heads`).
    pub(super) fn finish(
        &self,
        cx: &Context,
        sink: &mut Sink,
        mut found_in: impl Iterator<Item = usize>,
        heads: Option<&[usize]>,
    ) {
        let sections = heads.map(|heads| section_blocks(cx, heads));
        if sections.as_ref().is_some_and(Vec::is_empty) {
            return;
        }
        let found = found_in.any(|b| in_rule_scope(cx, self.scope, sections.as_deref(), b));
        self.report_unless(cx, sink, sections, found);
    }

    fn report_unless(
        &self,
        cx: &Context,
        sink: &mut Sink,
        sections: Option<Vec<std::ops::Range<usize>>>,
        found: bool,
    ) {
        if sections.as_ref().is_some_and(Vec::is_empty) {
            return;
        }
        if found || cx.text.trim().is_empty() {
            return;
        }
        // Reported on the section's heading when the rule is about a section.
        if let Some(first) = sections.as_ref().and_then(|s| s.first())
            && let Some(heading) = cx.report.heading(first.start)
        {
            let message = sink.message(&[("heading", cx.heading_label(heading))]);
            sink.report(heading.label_range(), message, Vec::new(), None);
            return;
        }
        let fix = self.insert.as_ref().map(|sentence| {
            // After the title line, or at the very start.
            let (at, text) = match &cx.report.meta.title {
                Some(title) => (title.end, format!("{}{sentence}", cx.newline)),
                None => (0, format!("{sentence}{}", cx.newline)),
            };
            Fix::new(
                self.fix_title
                    .clone()
                    .unwrap_or_else(|| format!("插入“{sentence}”")),
                Applicability::Unsafe,
                vec![Edit::insert(at, text)],
            )
        });
        let message = sink.message(&[]);
        sink.report(cx.document_anchor(), message, Vec::new(), fix);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check_rule, fixed};

    const RULE: &str = r#"
id = "legal-basis"
kind = "required-text"
severity = "warning"
message = "前言未说明编制依据《中华人民共和国政府信息公开条例》"
pattern = "政府信息公开条例"
scope = "preamble"
insert = "依据《中华人民共和国政府信息公开条例》第五十条规定，编制本报告。"
"#;

    #[test]
    fn missing_in_preamble_is_found_and_inserted_after_title() {
        let text = "某局2023年政府信息公开工作年度报告\n一、总体情况\n依据《中华人民共和国政府信息公开条例》开展工作。\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            &text[found[0].range.clone()],
            "某局2023年政府信息公开工作年度报告"
        );
        assert_eq!(
            fixed(text, &found[0]),
            "某局2023年政府信息公开工作年度报告\n依据《中华人民共和国政府信息公开条例》第五十条规定，编制本报告。\n一、总体情况\n依据《中华人民共和国政府信息公开条例》开展工作。\n"
        );
    }

    #[test]
    fn present_in_preamble_is_silent() {
        let text = "某局2023年政府信息公开工作年度报告\n依据《中华人民共和国政府信息公开条例》编制本报告。\n一、总体情况\n";
        assert!(check_rule(RULE, text).is_empty());
    }

    #[test]
    fn section_scoped_requirement_is_reported_on_the_heading_or_not_at_all() {
        let rule = r#"
id = "fee"
kind = "required-text"
severity = "warning"
message = "“{heading}”未说明信息处理费"
pattern = "处理费"
section = "其他需要报告"
"#;
        let text = "一、总体情况\n信息处理费另行说明。\n六、其他需要报告的事项\n无。\n";
        let found = check_rule(rule, text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range.clone()], "六、其他需要报告的事项");
        assert_eq!(found[0].message, "“六、其他需要报告的事项”未说明信息处理费");
        // The section missing is another rule's finding, not this one's.
        assert!(check_rule(rule, "一、总体情况\n无。\n").is_empty());
        assert!(check_rule(rule, "六、其他需要报告的事项\n未收取信息处理费。\n").is_empty());
    }

    #[test]
    fn empty_document_is_silent() {
        assert!(check_rule(RULE, "").is_empty());
    }
}
