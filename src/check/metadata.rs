//! `kind = "metadata"`: the report's title, issuer or year could not be
//! found. Without a year xxgk cannot tell which regulation applies, so the
//! rules for one regime stay silent; this says so instead of guessing.

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
                    "规则 “{}”（kind = \"metadata\"）需要 field（title、issuer 或 year）",
                    spec.id.get_ref()
                ),
            )),
        }
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        if cx.text.trim().is_empty() {
            return;
        }
        let missing = match self.field {
            MetadataField::Title => cx.report.meta.title.is_none(),
            MetadataField::Issuer => cx.issuer.is_none(),
            MetadataField::Year => cx.year.is_none(),
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
}
