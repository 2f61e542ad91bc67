//! The one entry point both front ends call: text in, findings out.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use regex::Regex;

use super::{CompiledRule, Context};
use crate::diagnostic::{Diagnostic, Severity};
use crate::pack::{Applied, PackSet, RuleSet};
use crate::regime::Regime;
use crate::report::Report;

/// A configuration's setting for one rule or a whole pack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

/// What the user (configuration, command line) says about this check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The report year, when the user states it (overrides detection).
    pub year: Option<u16>,
    /// Packs to apply whatever their selectors say.
    pub packs: Vec<String>,
    /// Settings keyed by full rule id (`cn/regulation-name`) or pack id
    /// (`gbt`); a rule's own id wins over its pack's.
    pub rules: BTreeMap<String, RuleSetting>,
}

/// What the report was recognised as.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportSummary {
    pub issuer: Option<String>,
    pub year: Option<u16>,
    pub regime: Option<Regime>,
    /// Ids of the packs applied, outermost (national) first.
    pub packs: Vec<String>,
}

/// The result of checking one text.
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    pub summary: ReportSummary,
    /// Why each pack was applied.
    pub applied: Vec<Applied>,
    /// The rules that were in effect (after layering and configuration).
    pub rules: Vec<Arc<CompiledRule>>,
    /// Sorted by position, then rule id.
    pub diagnostics: Vec<Diagnostic>,
    /// Rules that failed on this text (a bug in xxgk); their findings are
    /// left out.
    pub failures: Vec<RuleFailure>,
}

/// A rule that failed on a text: it panicked, or ran past its time limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFailure {
    pub rule: String,
    pub reason: String,
    /// It ran past its time limit (`rule_time_limit`), rather than panicked.
    pub timed_out: bool,
}

/// How long one rule may take on a text in the language server before its
/// findings are dropped: a second, and a millisecond more per 10 KB (ten
/// times that in a debug build, which runs rules 10–30 times slower). Every
/// rule's cost grows with the text about linearly, far below this (a 5 MB
/// report takes all rules together about 0.3 s); one that takes longer is
/// broken on this text, and a writer's other findings must not wait on it
/// again. `check` has no limit: a CI gate must not depend on the machine's
/// load.
pub fn rule_time_limit(text_len: usize) -> Duration {
    let limit = Duration::from_secs(1) + Duration::from_millis((text_len / 10_000) as u64);
    if cfg!(debug_assertions) {
        limit * 10
    } else {
        limit
    }
}

/// Parses `text` and runs every rule in effect for it. The error is an
/// unknown pack id in `options.packs`.
pub fn check(packs: &PackSet, text: &str, options: &CheckOptions) -> Result<Outcome, String> {
    let report = Report::parse(text);
    let plan = Plan::new(packs, &report, &mentioned(packs, text, &report), options)?;
    let cx = Context::new(text, &report, plan.year, plan.issuer.as_deref())
        .with_possible_matches(plan.rule_set.prefilter.scan(text));
    let mut diagnostics = Vec::new();
    let mut failures = Vec::new();
    for rule in plan.running() {
        run_guarded(
            rule,
            &mut diagnostics,
            &mut failures,
            Duration::MAX,
            |out| rule.run(&cx, out),
        );
    }
    sort_findings(&mut diagnostics);
    Ok(Outcome {
        report,
        summary: plan.summary(),
        applied: plan.applied,
        rules: plan.rules,
        diagnostics,
        failures,
    })
}

/// What the engine decides about a report before running rules: its year
/// and issuer, the packs that apply and the rules in effect.
pub(super) struct Plan {
    pub year: Option<u16>,
    pub issuer: Option<String>,
    pub applied: Vec<Applied>,
    pub rule_set: Arc<RuleSet>,
    pub rules: Vec<Arc<CompiledRule>>,
}

impl Plan {
    /// `mentioned`: the first match of each of the packs' `mentions`
    /// patterns (`PackSet::mentions`), looked for block by block.
    pub fn new(
        packs: &PackSet,
        report: &Report,
        mentioned: &[Option<&str>],
        options: &CheckOptions,
    ) -> Result<Plan, String> {
        let issuer = report.meta.issuer.as_ref().map(|(name, _)| name.as_str());
        let year = options
            .year
            .or_else(|| report.meta.year.as_ref().map(|y| y.value));
        let applied = packs
            .select(issuer, mentioned, &options.packs)
            .map_err(|id| format!("未知的规则包 “{id}”"))?;
        let rule_set = packs.rule_set(&applied);
        let mut rules: Vec<Arc<CompiledRule>> = rule_set
            .rules
            .iter()
            .filter_map(|rule| configured(rule, &options.rules))
            .collect();
        // The configuration may turn on, with a severity, a rule a pack turned off.
        rules.extend(rule_set.disabled.iter().filter_map(|rule| {
            match setting(rule, &options.rules) {
                Some(RuleSetting::Severity(_)) => configured(rule, &options.rules),
                _ => None,
            }
        }));
        Ok(Plan {
            year,
            issuer: issuer.map(str::to_owned),
            applied,
            rule_set,
            rules,
        })
    }

    /// The rules whose conditions hold for this report.
    pub fn running(&self) -> impl Iterator<Item = &Arc<CompiledRule>> {
        self.rules
            .iter()
            .filter(|rule| rule.condition.holds(self.year, self.issuer.as_deref()))
    }

    /// Whether another plan (for the same options) runs the same rules on
    /// the same terms: same year, issuer and packs.
    pub fn same_rules(&self, other: &Plan) -> bool {
        self.year == other.year
            && self.issuer == other.issuer
            && self.applied.len() == other.applied.len()
            && self
                .applied
                .iter()
                .zip(&other.applied)
                .all(|(a, b)| a.pack == b.pack)
    }

    pub fn summary(&self) -> ReportSummary {
        ReportSummary {
            issuer: self.issuer.clone(),
            year: self.year,
            regime: self.year.map(Regime::for_year),
            packs: self.applied.iter().map(|a| a.pack.clone()).collect(),
        }
    }
}

/// What a report says of each of the packs' selector mentions
/// (`PackSet::mentions`): its first match within a block, as
/// `PackSet::select` takes them.
pub fn mentioned<'t>(packs: &PackSet, text: &'t str, report: &Report) -> Vec<Option<&'t str>> {
    packs
        .mentions()
        .map(|re| {
            mentions_by_block(re, text, report)
                .next()
                .map(|(_, m)| m.as_str())
        })
        .collect()
}

/// The blocks in which `re` matches (a match within the block), in order,
/// each with its first match there. Pack selectors' mentions are a block's,
/// so that the live check can keep them per block. The text is searched as a
/// whole first: a block holding a match lies within the span of a match of
/// the whole text (a leftmost-first search never skips a position where a
/// match starts), so only those blocks are searched on their own.
pub(super) fn mentions_by_block<'r, 't>(
    re: &'r Regex,
    text: &'t str,
    report: &'r Report,
) -> impl Iterator<Item = (usize, regex::Match<'t>)> + use<'r, 't> {
    let mut unseen = 0;
    re.find_iter(text)
        .filter_map(|m| report.blocks_over(m.range()))
        .flat_map(move |spanned| {
            let from = (*spanned.start()).max(unseen);
            unseen = unseen.max(spanned.end() + 1);
            (from..=*spanned.end()).filter_map(move |b| {
                let found = re.find(text.get(report.blocks[b].range.clone())?)?;
                Some((b, found))
            })
        })
}

/// Runs one rule; a rule that panics, or runs past `limit`, loses its
/// findings for this text and is listed in `failures`, the others still
/// report (the server must keep serving the writer). A rule cannot be
/// stopped half-way: the limit is checked when it returns.
pub(super) fn run_guarded(
    rule: &CompiledRule,
    diagnostics: &mut Vec<Diagnostic>,
    failures: &mut Vec<RuleFailure>,
    limit: Duration,
    run: impl FnOnce(&mut Vec<Diagnostic>),
) {
    let before = diagnostics.len();
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(diagnostics)));
    let took = started.elapsed();
    let failure = match outcome {
        Err(panic) => Some((
            panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default(),
            false,
        )),
        Ok(()) if took > limit => Some((
            format!(
                "运行了 {:.1} 秒，超过了 {:.1} 秒的限制",
                took.as_secs_f64(),
                limit.as_secs_f64()
            ),
            true,
        )),
        Ok(()) => None,
    };
    if let Some((reason, timed_out)) = failure {
        diagnostics.truncate(before);
        failures.push(RuleFailure {
            rule: rule.info.id.clone(),
            reason,
            timed_out,
        });
    }
}

/// Findings in the order every front end shows them: by position, then rule.
pub(super) fn sort_findings<D: std::borrow::Borrow<Diagnostic>>(diagnostics: &mut [D]) {
    diagnostics.sort_by(|a, b| {
        let (a, b) = (a.borrow(), b.borrow());
        (a.range.start, a.range.end, &a.rule.id).cmp(&(b.range.start, b.range.end, &b.rule.id))
    });
}

/// The configuration's setting for a rule: its own, else its pack's.
fn setting(rule: &CompiledRule, settings: &BTreeMap<String, RuleSetting>) -> Option<RuleSetting> {
    settings
        .get(&rule.info.id)
        .or_else(|| settings.get(&rule.info.provenance.pack))
        .copied()
}

/// Applies the configuration's setting for a rule.
fn configured(
    rule: &Arc<CompiledRule>,
    settings: &BTreeMap<String, RuleSetting>,
) -> Option<Arc<CompiledRule>> {
    match setting(rule, settings) {
        None => Some(rule.clone()),
        Some(RuleSetting::Off) => None,
        Some(RuleSetting::Severity(s)) => Some(Arc::new(rule.overridden(
            Some(s),
            None,
            "配置文件 xxgk.toml".to_owned(),
        ))),
    }
}

/// A heading that is one of the sections a rule requires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionRole {
    /// Index of the heading block in the report.
    pub block: usize,
    /// The `required-sections` rule.
    pub rule: String,
    /// The standard title of the section it is.
    pub title: String,
}

/// Which required section each heading of a checked report satisfies (for
/// the language server's hover on a heading).
pub fn section_roles(
    text: &str,
    report: &Report,
    summary: &ReportSummary,
    rules: &[Arc<CompiledRule>],
) -> Vec<SectionRole> {
    let year = summary.year;
    let issuer = summary.issuer.as_deref();
    let cx = Context::new(text, report, year, issuer);
    rules
        .iter()
        .filter(|rule| rule.condition.holds(year, issuer))
        .filter_map(|rule| match &rule.kind {
            super::Kind::RequiredSections(kind) => Some((rule, kind)),
            _ => None,
        })
        .flat_map(|(rule, kind)| {
            kind.satisfied(&cx)
                .into_iter()
                .map(|(block, title)| SectionRole {
                    block,
                    rule: rule.info.id.clone(),
                    title,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::PackSet;

    /// A rule that panics half-way loses the findings it made before the
    /// panic, is listed with the panic's message, and the next rule runs.
    #[test]
    fn a_panicking_rule_is_isolated() {
        let packs = PackSet::embedded();
        let mut rules = packs.all_rules();
        let (Some(first), Some(second)) = (rules.next(), rules.next()) else {
            panic!("the embedded packs have rules");
        };
        let finding = |rule: &CompiledRule, at: usize| Diagnostic {
            rule: rule.info.clone(),
            severity: rule.info.severity,
            message: "发现".to_owned(),
            range: at..at + 1,
            related: Vec::new(),
            fix: None,
        };
        let (mut diagnostics, mut failures) = (Vec::new(), Vec::new());
        let limit = Duration::from_secs(60);
        run_guarded(first, &mut diagnostics, &mut failures, limit, |out| {
            out.push(finding(first, 0));
            panic!("规则内部错误");
        });
        run_guarded(second, &mut diagnostics, &mut failures, limit, |out| {
            out.push(finding(second, 5));
        });
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.id, second.info.id);
        assert_eq!(
            failures,
            [RuleFailure {
                rule: first.info.id.clone(),
                reason: "规则内部错误".to_owned(),
                timed_out: false,
            }]
        );
    }

    /// A rule that returns after its time limit loses its findings and is
    /// listed as timed out; a quick one keeps its findings.
    #[test]
    fn a_rule_past_its_time_limit_loses_its_findings() {
        let packs = PackSet::embedded();
        let mut rules = packs.all_rules();
        let (Some(slow), Some(quick)) = (rules.next(), rules.next()) else {
            panic!("the embedded packs have rules");
        };
        let finding = |rule: &CompiledRule| Diagnostic {
            rule: rule.info.clone(),
            severity: rule.info.severity,
            message: "发现".to_owned(),
            range: 0..1,
            related: Vec::new(),
            fix: None,
        };
        let (mut diagnostics, mut failures) = (Vec::new(), Vec::new());
        let limit = Duration::from_millis(20);
        run_guarded(slow, &mut diagnostics, &mut failures, limit, |out| {
            out.push(finding(slow));
            std::thread::sleep(Duration::from_millis(60));
        });
        run_guarded(quick, &mut diagnostics, &mut failures, limit, |out| {
            out.push(finding(quick));
        });
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.id, quick.info.id);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].rule, slow.info.id);
        assert!(failures[0].timed_out);
        assert!(
            failures[0].reason.contains("超过了 0.0 秒的限制"),
            "{}",
            failures[0].reason
        );
    }

    #[test]
    fn the_time_limit_grows_with_the_text() {
        let build = if cfg!(debug_assertions) { 10 } else { 1 };
        assert_eq!(rule_time_limit(0), Duration::from_secs(1) * build);
        assert_eq!(rule_time_limit(50_000_000), Duration::from_secs(6) * build);
    }
}
