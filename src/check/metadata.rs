//! `kind = "metadata"`: the report's title, issuer or year could not be
//! found, or the title does not name the year or the issuer. Without a year
//! xxgk cannot tell which regulation applies, so the rules for one regime stay
//! silent; this says so instead of guessing.

use super::{Context, Sink};
use crate::pack::schema::{MetadataField, RuleSpec};
use crate::pack::{PackError, PackSource};

#[derive(Clone, Debug)]
pub struct Metadata {
    field: MetadataField,
}

impl Metadata {
    pub(super) fn compile(src: &PackSource, spec: &RuleSpec) -> Result<Metadata, PackError> {
        match spec.field {
            Some(field) => Ok(Metadata { field }),
            None => Err(PackError::at(
                src,
                spec.id.span().start,
                format!(
                    "规则 “{}”（kind = \"metadata\"）需要 field（title、issuer、year、title-year 或 title-issuer）",
                    spec.id.get_ref()
                ),
            )),
        }
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        if cx.text.trim().is_empty() {
            return;
        }
        let meta = &cx.report.meta;
        // Whether the title holds a range the report's metadata was read from.
        let in_title = |range: Option<&std::ops::Range<usize>>| {
            meta.title
                .as_ref()
                .is_some_and(|t| range.is_some_and(|r| t.start <= r.start && r.end <= t.end))
        };
        let missing = match self.field {
            MetadataField::Title => meta.title.is_none(),
            MetadataField::Issuer => cx.issuer.is_none(),
            MetadataField::Year => cx.year.is_none(),
            MetadataField::TitleYear => {
                meta.title.is_some() && !in_title(meta.year.as_ref().map(|y| &y.range))
            }
            MetadataField::TitleIssuer => {
                meta.title.is_some() && !in_title(meta.issuer.as_ref().map(|(_, r)| r))
            }
        };
        if missing {
            let message = sink.message(&[]);
            sink.report(cx.document_anchor(), message, Vec::new(), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check_rule, check_rule_in_year};

    const YEAR: &str = r#"
id = "year-unknown"
kind = "metadata"
field = "year"
severity = "info"
message = "无法确定报告年度"
"#;

    #[test]
    fn year_found_in_title_is_silent() {
        assert!(check_rule(YEAR, "某局2013年政府信息公开工作年度报告\n").is_empty());
    }

    #[test]
    fn year_missing_is_reported_on_the_first_line() {
        let text = "信息公开年度报告范文\n一、概述\n";
        let found = check_rule(YEAR, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].range.start, 0);
    }

    #[test]
    fn year_given_by_the_user_counts() {
        assert!(check_rule_in_year(YEAR, "信息公开年度报告范文\n", Some(2013)).is_empty());
    }

    const TITLE_YEAR: &str = r#"
id = "title-year"
kind = "metadata"
field = "title-year"
severity = "info"
message = "标题未写报告年度"
"#;

    #[test]
    fn title_without_the_year_is_reported_on_the_title() {
        let text = "某乡政府信息公开工作年度报告\n本报告统计期限自2013年1月1日起至2013年12月31日止。\n一、概述\n";
        let found = check_rule(TITLE_YEAR, text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            &text[found[0].range.clone()],
            "某乡政府信息公开工作年度报告"
        );
        let titled = "某乡2013年政府信息公开工作年度报告\n一、概述\n";
        assert!(check_rule(TITLE_YEAR, titled).is_empty());
        // No title at all is title-missing's finding, not this one's.
        assert!(check_rule(TITLE_YEAR, "一、概述\n2013年主动公开信息86条。\n").is_empty());
    }

    #[test]
    fn title_issuer() {
        let rule = TITLE_YEAR
            .replace("title-year", "title-issuer")
            .replace("年度", "发布机关");
        let named = "某县人民政府2013年政府信息公开工作年度报告\n一、概述\n";
        assert!(check_rule(&rule, named).is_empty());
        let unnamed =
            "2013年政府信息公开工作年度报告\n一、概述\n正文。\n\n某县人民政府\n2014年3月1日\n";
        assert_eq!(check_rule(&rule, unnamed).len(), 1);
    }
}
