//! Pack examples as tests: every `examples.bad` text must make its rule report
//! a finding, and every `examples.good` text must not. `xxgk test-packs` runs
//! this for pack authors, and the test suite runs it on the embedded packs, so
//! the examples `xxgk explain` shows cannot drift from what the rules do.

use super::{CompiledRule, Context};
use crate::pack::PackSet;
use crate::report::Report;

/// An example that does not behave as its rule's documentation says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    pub example: String,
    /// True for an `examples.bad` text that raised no finding; false for an
    /// `examples.good` text that raised one (`findings` of them).
    pub bad: bool,
    pub findings: Vec<String>,
}

/// Runs every example of every rule; returns how many were run and the
/// failures.
pub fn verify_examples(packs: &PackSet) -> (usize, Vec<ExampleFailure>) {
    let mut count = 0;
    let mut failures = Vec::new();
    for rule in packs.all_rules() {
        for (example, bad) in rule
            .info
            .examples_bad
            .iter()
            .map(|e| (e, true))
            .chain(rule.info.examples_good.iter().map(|e| (e, false)))
        {
            count += 1;
            let findings = run_alone(rule, example);
            if findings.is_empty() == bad {
                failures.push(ExampleFailure {
                    rule: rule.info.id.clone(),
                    example: example.clone(),
                    bad,
                    findings,
                });
            }
        }
    }
    (count, failures)
}

/// The messages of one rule's findings on `text`, as a report of a year its
/// conditions accept (the example tests what the rule matches, not when it
/// applies).
fn run_alone(rule: &CompiledRule, text: &str) -> Vec<String> {
    let report = Report::parse(text);
    let issuer = report.meta.issuer.as_ref().map(|(name, _)| name.as_str());
    // The example's own year (rules comparing years with the report's, or
    // saying it is unknown, need it), unless the rule is for other years:
    // then one its conditions accept.
    let own = report.meta.year.as_ref().map(|y| y.value);
    let year = if rule.condition.is_year_bound() {
        own.filter(|&y| rule.condition.holds_for_year(y))
            .or_else(|| rule.condition.sample_year())
    } else {
        own
    };
    let cx = Context::new(text, &report, year, issuer);
    let mut out = Vec::new();
    rule.run(&cx, &mut out);
    out.into_iter().map(|d| d.message).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::PackSource;

    #[test]
    fn embedded_pack_examples_hold() {
        let (count, failures) = verify_examples(&PackSet::embedded());
        assert!(count > 30, "only {count} examples");
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn a_wrong_example_is_reported() {
        let pack = r#"
[pack]
id = "t"
name = "测试"
level = "custom"
version = "0"

[[rule]]
id = "typo"
kind = "pattern"
severity = "warning"
message = "错别字"
swap = { "具统计" = "据统计" }
examples.bad = ["据统计，全年公开86条。"]
examples.good = ["具统计，全年公开86条。", "据统计，全年公开86条。"]
"#;
        let packs = PackSet::new(&[PackSource {
            origin: "t.toml".to_owned(),
            text: pack.to_owned(),
        }])
        .unwrap();
        let (count, failures) = verify_examples(&packs);
        assert_eq!(count, 3);
        let summary: Vec<(bool, &str)> = failures
            .iter()
            .map(|f| (f.bad, f.example.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (true, "据统计，全年公开86条。"),
                (false, "具统计，全年公开86条。")
            ]
        );
    }
}
