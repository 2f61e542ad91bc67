//! `kind = "deadline"`: the report's sign-off date is later than the day of
//! the following year by which it had to be published (`deadline = "01-31"`).
//! Which issuers and which regimes a deadline binds is said by the rule's
//! `when` (departments and governments have different days since 2019).
//!
//! A date given to the month only (`2018年3月`) is late only when the month is
//! past the deadline's month. Reports without a year or a sign-off date are
//! not checked.

use super::{Context, Sink};
use crate::pack::schema::RuleSpec;
use crate::pack::{PackError, PackSource};

#[derive(Clone, Debug)]
pub struct Deadline {
    month: u8,
    day: u8,
}

impl Deadline {
    pub(super) fn compile(src: &PackSource, spec: &RuleSpec) -> Result<Deadline, PackError> {
        let parsed = spec.deadline.as_deref().and_then(|d| {
            let (m, d) = d.split_once('-')?;
            let (month, day) = (m.parse::<u8>().ok()?, d.parse::<u8>().ok()?);
            ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((month, day))
        });
        match parsed {
            Some((month, day)) => Ok(Deadline { month, day }),
            None => Err(PackError::at(
                src,
                spec.id.span().start,
                format!(
                    "规则 “{}”（kind = \"deadline\"）需要 deadline，写作 \"MM-DD\"（如 \"03-31\"，指报告年度次年的日期）",
                    spec.id.get_ref()
                ),
            )),
        }
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        let (Some(year), Some((y, m, d, range))) = (cx.year, cx.report.meta.date.as_ref()) else {
            return;
        };
        let due = (year.saturating_add(1), self.month, self.day);
        let late = match d {
            Some(d) => (*y, *m, *d) > due,
            None => (*y, *m) > (due.0, due.1),
        };
        if !late {
            return;
        }
        let date = match d {
            Some(d) => format!("{y}年{m}月{d}日"),
            None => format!("{y}年{m}月"),
        };
        let deadline = format!("{}年{}月{}日", due.0, due.1, due.2);
        let message = sink.message(&[("date", &date), ("deadline", &deadline)]);
        sink.report(range.clone(), message, Vec::new(), None);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::check_rule;

    const RULE: &str = r#"
id = "deadline"
kind = "deadline"
severity = "warning"
message = "落款日期 {date} 晚于 {deadline}"
deadline = "03-31"
"#;

    #[test]
    fn late_sign_off_is_reported_on_the_date() {
        let text = "某县人民政府2013年政府信息公开工作年度报告\n一、概述\n正文。\n\n某县人民政府\n2014年4月15日\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "落款日期 2014年4月15日 晚于 2014年3月31日"
        );
        assert_eq!(&text[found[0].range.clone()], "2014年4月15日");
    }

    #[test]
    fn on_time_or_month_only_within_the_deadline_is_silent() {
        for date in ["2014年3月31日", "2014年3月", "2014年1月5日"] {
            let text = format!(
                "某县人民政府2013年政府信息公开工作年度报告\n一、概述\n正文。\n\n某县人民政府\n{date}\n"
            );
            assert!(check_rule(RULE, &text).is_empty(), "{date}");
        }
    }

    #[test]
    fn a_bad_deadline_is_refused() {
        let pack = format!(
            "[pack]\nid = \"t\"\nname = \"t\"\nlevel = \"custom\"\nversion = \"0\"\n\n[[rule]]\n{}",
            RULE.replace("03-31", "3月31日")
        );
        let err = crate::pack::PackSet::new(&[crate::pack::PackSource {
            origin: "t.toml".to_owned(),
            text: pack,
        }])
        .unwrap_err();
        assert!(err.to_string().contains("MM-DD"), "{err}");
    }
}
