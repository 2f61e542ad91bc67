//! The rule kinds and the engine that runs a pack's rules over a report.
//!
//! Each rule kind — the fixed vocabulary packs choose from — lives in its own
//! file: its compiled form (built from the pack's TOML at load time), its
//! checker, and its tests. A rule's id leads to its pack file under `rules/`;
//! its `kind` leads to `src/check/<kind>.rs`.
//!
//! Architecture invariant: nothing here does I/O or knows of LSP or the CLI.

mod deadline;
mod duplicated_paragraph;
mod duplicated_word;
mod empty_section;
mod engine;
mod examples;
mod fix;
mod heading_numbering;
mod incremental;
mod metadata;
mod paired_marks;
mod pattern;
mod prefilter;
mod prose_arithmetic;
mod required_sections;
mod required_text;
mod signals;
mod table;
#[cfg(test)]
mod testing;
mod validate;

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::{Basis, Diagnostic, Fix, Provenance, Related, RuleInfo, Severity};
use crate::pack::schema::{KindName, RuleSpec, SeveritySpec};
use crate::pack::{PackError, PackRegex, PackSource, compile_regex};
use crate::regime::Regime;
use crate::report::Report;

pub use engine::{
    CheckOptions, Outcome, ReportSummary, RuleFailure, RuleSetting, SectionRole, check, mentioned,
    section_roles,
};
pub use examples::{ExampleFailure, verify_examples};
pub use fix::{Fixed, MAX_ROUNDS, fix_text};
pub use incremental::LiveCheck;
pub use prefilter::{PossibleMatches, Prefilter};

/// A rule ready to run.
#[derive(Clone, Debug)]
pub struct CompiledRule {
    pub info: Arc<RuleInfo>,
    /// The message template.
    pub message: String,
    pub condition: Condition,
    pub kind: Kind,
    /// Changes made by other layers, e.g. `北京市（beijing）：…`.
    pub overrides: Vec<String>,
}

/// A rule's conditions on the report (`when` in the pack).
#[derive(Clone, Debug, Default)]
pub struct Condition {
    regimes: Vec<Regime>,
    year_from: Option<u16>,
    year_to: Option<u16>,
    issuer: Vec<PackRegex>,
    issuer_not: Vec<PackRegex>,
}

impl Condition {
    /// Whether the rule runs on a report of this year and issuer. A rule
    /// conditioned on the year (or the issuer) does not run when the year
    /// (or the issuer) is unknown.
    pub fn holds(&self, year: Option<u16>, issuer: Option<&str>) -> bool {
        if self.is_year_bound() && !year.is_some_and(|y| self.holds_for_year(y)) {
            return false;
        }
        if !self.issuer.is_empty() {
            let Some(issuer) = issuer else { return false };
            if !self.issuer.iter().any(|re| re.is_match(issuer)) {
                return false;
            }
        }
        if let Some(issuer) = issuer
            && self.issuer_not.iter().any(|re| re.is_match(issuer))
        {
            return false;
        }
        true
    }

    /// Whether the rule runs only for some report years.
    pub(super) fn is_year_bound(&self) -> bool {
        !self.regimes.is_empty() || self.year_from.is_some() || self.year_to.is_some()
    }

    /// A report year the conditions accept (for running a rule's examples).
    pub fn sample_year(&self) -> Option<u16> {
        let candidates = [
            self.year_from,
            self.year_to,
            Some(2013),
            Some(2020),
            Some(2023),
        ];
        candidates
            .into_iter()
            .flatten()
            .find(|&y| self.holds_for_year(y))
    }

    pub(super) fn holds_for_year(&self, year: u16) -> bool {
        (self.regimes.is_empty() || self.regimes.contains(&Regime::for_year(year)))
            && self.year_from.is_none_or(|from| year >= from)
            && self.year_to.is_none_or(|to| year <= to)
    }

    /// A short description for `xxgk rules`, e.g. `2007 制度；2014 年起`.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.regimes.is_empty() {
            let names: Vec<&str> = self.regimes.iter().map(|r| r.as_str()).collect();
            parts.push(format!("适用制度 {}", names.join("/")));
        }
        match (self.year_from, self.year_to) {
            (Some(from), Some(to)) => parts.push(format!("{from}—{to} 年度")),
            (Some(from), None) => parts.push(format!("{from} 年度起")),
            (None, Some(to)) => parts.push(format!("至 {to} 年度")),
            (None, None) => {}
        }
        if !self.issuer.is_empty() {
            let names: Vec<&str> = self.issuer.iter().map(|r| r.as_str()).collect();
            parts.push(format!("发布机关匹配 {}", names.join(" 或 ")));
        }
        if !self.issuer_not.is_empty() {
            let names: Vec<&str> = self.issuer_not.iter().map(|r| r.as_str()).collect();
            parts.push(format!("发布机关不匹配 {}", names.join(" 或 ")));
        }
        (!parts.is_empty()).then(|| parts.join("；"))
    }
}

/// The compiled parameters of each rule kind.
#[derive(Clone, Debug)]
pub enum Kind {
    /// Boxed: the largest kind, and the most common (three patterns).
    Pattern(Box<pattern::Pattern>),
    RequiredText(required_text::RequiredText),
    RequiredSections(required_sections::RequiredSections),
    HeadingNumbering(heading_numbering::HeadingNumbering),
    EmptySection(empty_section::EmptySection),
    DuplicatedWord(duplicated_word::DuplicatedWord),
    DuplicatedParagraph(duplicated_paragraph::DuplicatedParagraph),
    Metadata(metadata::Metadata),
    Signals(signals::Signals),
    Deadline(deadline::Deadline),
    PairedMarks(paired_marks::PairedMarks),
    Table(Box<table::Table>),
    ProseArithmetic(prose_arithmetic::ProseArithmetic),
}

impl Kind {
    /// The kind-specific fields each kind accepts (TOML names).
    fn accepts(kind: KindName) -> &'static [&'static str] {
        match kind {
            KindName::Pattern => &[
                "pattern",
                "literals",
                "scope",
                "section",
                "exclude",
                "replace",
                "translate",
                "swap",
                "fix-safe",
                "fix-title",
                "group-above",
                "group-message",
                "validate",
            ],
            KindName::RequiredText => &[
                "pattern",
                "literals",
                "scope",
                "section",
                "insert",
                "fix-title",
            ],
            KindName::RequiredSections => &["sections", "order-message"],
            KindName::HeadingNumbering => &["level-message", "restart-message"],
            KindName::EmptySection => &[],
            KindName::DuplicatedWord => &["single-chars", "min-chars", "max-chars", "allow"],
            KindName::DuplicatedParagraph => &["min-chars"],
            KindName::Metadata => &["field"],
            KindName::Signals => &["signals", "threshold", "scope"],
            KindName::Deadline => &["deadline"],
            KindName::PairedMarks => &["pairs", "scope"],
            KindName::Table => &[
                "table",
                "quote-message",
                "value-message",
                "unreadable-message",
                "label-message",
            ],
            KindName::ProseArithmetic => &["share-message", "count-message"],
        }
    }

    fn compile(src: &PackSource, spec: &RuleSpec) -> Result<Kind, PackError> {
        Ok(match spec.kind {
            KindName::Pattern => Kind::Pattern(Box::new(pattern::Pattern::compile(src, spec)?)),
            KindName::RequiredText => {
                Kind::RequiredText(required_text::RequiredText::compile(src, spec)?)
            }
            KindName::RequiredSections => {
                Kind::RequiredSections(required_sections::RequiredSections::compile(src, spec)?)
            }
            KindName::HeadingNumbering => {
                Kind::HeadingNumbering(heading_numbering::HeadingNumbering::compile(spec))
            }
            KindName::EmptySection => Kind::EmptySection(empty_section::EmptySection),
            KindName::DuplicatedWord => {
                Kind::DuplicatedWord(duplicated_word::DuplicatedWord::compile(src, spec)?)
            }
            KindName::DuplicatedParagraph => {
                Kind::DuplicatedParagraph(duplicated_paragraph::DuplicatedParagraph::compile(spec))
            }
            KindName::Metadata => Kind::Metadata(metadata::Metadata::compile(src, spec)?),
            KindName::Signals => Kind::Signals(signals::Signals::compile(src, spec)?),
            KindName::Deadline => Kind::Deadline(deadline::Deadline::compile(src, spec)?),
            KindName::PairedMarks => {
                Kind::PairedMarks(paired_marks::PairedMarks::compile(src, spec)?)
            }
            KindName::Table => Kind::Table(Box::new(table::Table::compile(src, spec)?)),
            KindName::ProseArithmetic => {
                Kind::ProseArithmetic(prose_arithmetic::ProseArithmetic::compile(spec))
            }
        })
    }

    /// Whether findings of this kind can carry a fix.
    fn fixable(&self) -> bool {
        match self {
            Kind::Pattern(p) => p.has_fix(),
            Kind::RequiredText(r) => r.has_fix(),
            Kind::RequiredSections(_)
            | Kind::HeadingNumbering(_)
            | Kind::DuplicatedWord(_)
            | Kind::DuplicatedParagraph(_) => true,
            Kind::EmptySection(_)
            | Kind::Metadata(_)
            | Kind::Signals(_)
            | Kind::Deadline(_)
            | Kind::PairedMarks(_)
            | Kind::Table(_)
            | Kind::ProseArithmetic(_) => false,
        }
    }

    fn run(&self, cx: &Context, sink: &mut Sink) {
        match self {
            Kind::Pattern(k) => k.run(cx, sink),
            Kind::RequiredText(k) => k.run(cx, sink),
            Kind::RequiredSections(k) => k.run(cx, sink),
            Kind::HeadingNumbering(k) => k.run(cx, sink),
            Kind::EmptySection(k) => k.run(cx, sink),
            Kind::DuplicatedWord(k) => k.run(cx, sink),
            Kind::DuplicatedParagraph(k) => k.run(cx, sink),
            Kind::Metadata(k) => k.run(cx, sink),
            Kind::Signals(k) => k.run(cx, sink),
            Kind::Deadline(k) => k.run(cx, sink),
            Kind::PairedMarks(k) => k.run(cx, sink),
            Kind::Table(k) => k.run(cx, sink),
            Kind::ProseArithmetic(k) => k.run(cx, sink),
        }
    }
}

/// A field that is accepted by the kind but would do nothing here, which is
/// almost always a mistake in the pack.
fn ineffective_field(spec: &RuleSpec) -> Option<String> {
    let has_fix = spec.replace.is_some()
        || spec.translate.is_some()
        || spec.swap.is_some()
        || spec.insert.is_some();
    let when = spec.when.as_ref();
    if let (Some(from), Some(to)) = (when.and_then(|w| w.year_from), when.and_then(|w| w.year_to))
        && from > to
    {
        return Some(format!(
            "when.year-from（{from}）晚于 when.year-to（{to}），规则永远不会运行"
        ));
    }
    if !has_fix && (spec.fix_safe.is_some() || spec.fix_title.is_some()) {
        return Some(
            "设置了 fix-safe 或 fix-title，但没有修复（replace、translate、swap 或 insert）"
                .to_owned(),
        );
    }
    if spec.group_message.is_some() && spec.group_above.is_none() {
        return Some("设置了 group-message，但没有 group-above".to_owned());
    }
    None
}

fn severity(spec: SeveritySpec) -> Severity {
    match spec {
        SeveritySpec::Error => Severity::Error,
        SeveritySpec::Warning => Severity::Warning,
        SeveritySpec::Info => Severity::Info,
        SeveritySpec::Hint => Severity::Hint,
    }
}

impl CompiledRule {
    /// Validates and compiles one rule of a pack.
    pub fn compile(
        src: &PackSource,
        spec: &RuleSpec,
        id: String,
        provenance: &Provenance,
    ) -> Result<CompiledRule, PackError> {
        let at = spec.id.span().start;
        let accepted = Kind::accepts(spec.kind);
        if let Some(field) = spec
            .kind_fields()
            .into_iter()
            .find(|f| !accepted.contains(f))
        {
            return Err(PackError::at(
                src,
                at,
                format!(
                    "规则 “{}”（kind = \"{}\"）不接受字段 {field}；此类规则可用的字段：{}",
                    spec.id.get_ref(),
                    spec.kind.as_str(),
                    if accepted.is_empty() {
                        "无".to_owned()
                    } else {
                        accepted.join("、")
                    }
                ),
            ));
        }
        let kind = Kind::compile(src, spec)?;
        if let Some(problem) = ineffective_field(spec) {
            return Err(PackError::at(
                src,
                at,
                format!("规则 “{}”：{problem}", spec.id.get_ref()),
            ));
        }
        let when = spec.when.as_ref();
        let patterns = |list: Option<&Vec<toml::Spanned<String>>>, what: &str| {
            list.into_iter()
                .flatten()
                .map(|p| compile_regex(src, p, what))
                .collect::<Result<Vec<_>, _>>()
        };
        let condition = Condition {
            regimes: when.map(|w| w.regime.clone()).unwrap_or_default(),
            year_from: when.and_then(|w| w.year_from),
            year_to: when.and_then(|w| w.year_to),
            issuer: patterns(when.map(|w| &w.issuer), "when.issuer 中的模式")?,
            issuer_not: patterns(when.map(|w| &w.issuer_not), "when.issuer-not 中的模式")?,
        };
        let examples = spec.examples.as_ref();
        let info = RuleInfo {
            id,
            kind: spec.kind.as_str(),
            severity: severity(spec.severity),
            summary: spec.summary.clone().unwrap_or_else(|| {
                // A summary without the per-finding placeholders.
                let mut s = spec.message.clone();
                while let (Some(a), Some(b)) = (s.find('{'), s.find('}')) {
                    if b < a {
                        break;
                    }
                    s.replace_range(a..=b, "…");
                }
                s
            }),
            description: spec.description.clone(),
            basis: spec.basis.as_ref().map(|b| Basis {
                document: b.document.clone(),
                number: b.number.clone(),
                article: b.article.clone(),
            }),
            url: spec.url.clone(),
            examples_bad: examples.map(|e| e.bad.clone()).unwrap_or_default(),
            examples_good: examples.map(|e| e.good.clone()).unwrap_or_default(),
            fixable: kind.fixable(),
            provenance: provenance.clone(),
        };
        Ok(CompiledRule {
            info: Arc::new(info),
            message: spec.message.clone(),
            condition,
            kind,
            overrides: Vec::new(),
        })
    }

    /// A copy with another layer's changes applied.
    pub fn overridden(
        &self,
        severity: Option<Severity>,
        message: Option<String>,
        note: String,
    ) -> CompiledRule {
        let mut rule = self.clone();
        let mut info = (*self.info).clone();
        if let Some(severity) = severity {
            info.severity = severity;
        }
        if let Some(message) = message {
            rule.message = message;
        }
        rule.info = Arc::new(info);
        rule.overrides.push(note);
        rule
    }

    /// Runs the rule over a report, appending its findings to `out`.
    pub fn run(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let mut sink = Sink { rule: self, out };
        self.kind.run(cx, &mut sink);
    }
}

/// Where each line of `text` starts: 0, and the offset after each `\n`.
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

/// What a checker sees: the text, its parsed report and what is known about
/// the report.
pub struct Context<'a> {
    pub text: &'a str,
    pub report: &'a Report,
    pub year: Option<u16>,
    pub regime: Option<Regime>,
    pub issuer: Option<&'a str>,
    /// The document's line break (`\n` or `\r\n`), for inserted text.
    pub newline: &'static str,
    /// Line starts, for messages that cite a line number: given by a caller
    /// that keeps them, or found on first use.
    known_line_starts: Option<&'a [usize]>,
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Which pattern rules can match at all (none known: all may).
    possible: Option<PossibleMatches<'a>>,
    /// The tables split into cells, on first use (for the table rules).
    split_tables: std::sync::OnceLock<crate::tables::SplitTables<'a>>,
}

impl<'a> Context<'a> {
    pub fn new(
        text: &'a str,
        report: &'a Report,
        year: Option<u16>,
        issuer: Option<&'a str>,
    ) -> Context<'a> {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        Context::with_newline(text, report, year, issuer, newline)
    }

    /// A context whose caller knows the text's line break (no search of it).
    pub(super) fn with_newline(
        text: &'a str,
        report: &'a Report,
        year: Option<u16>,
        issuer: Option<&'a str>,
        newline: &'static str,
    ) -> Context<'a> {
        Context {
            text,
            report,
            year,
            regime: year.map(Regime::for_year),
            issuer,
            newline,
            known_line_starts: None,
            line_starts: std::sync::OnceLock::new(),
            possible: None,
            split_tables: std::sync::OnceLock::new(),
        }
    }

    /// Uses a prefilter scan of this text.
    pub fn with_possible_matches(mut self, possible: PossibleMatches<'a>) -> Self {
        self.possible = Some(possible);
        self
    }

    /// Uses the text's line starts (offsets after each `\n`, and 0), kept by
    /// the caller.
    pub(super) fn with_line_starts(mut self, starts: &'a [usize]) -> Self {
        self.known_line_starts = Some(starts);
        self
    }

    /// Whether a pattern rule can match anywhere in the text.
    pub fn may_match(&self, rule: &str) -> bool {
        self.possible.as_ref().is_none_or(|p| p.may_match(rule))
    }

    /// Where the literals a pattern rule's matches contain occur, or its
    /// matches end (see `Prefilter`); `None` when that is not known.
    pub fn literal_hits(&self, rule: &str) -> Option<&[usize]> {
        self.possible.as_ref()?.hits(rule)
    }

    /// The same for the `part`-th pattern of a rule (a signal of a signals
    /// rule).
    pub fn part_hits(&self, rule: &str, part: usize) -> Option<&[usize]> {
        self.possible.as_ref()?.part_hits(rule, part)
    }

    /// The 1-based line number of a byte offset.
    pub fn line_number(&self, offset: usize) -> usize {
        let starts = match self.known_line_starts {
            Some(starts) => starts,
            None => self.line_starts.get_or_init(|| line_starts(self.text)),
        };
        starts.partition_point(|&s| s <= offset)
    }

    /// The report's tables split into cells, shared by the table rules.
    pub fn split_tables(&self) -> &crate::tables::SplitTables<'a> {
        (self.split_tables).get_or_init(|| crate::tables::SplitTables::new(self.text, self.report))
    }

    pub fn slice(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or("")
    }

    /// A heading as a writer reads it: marker and title (`四、存在的主要问题`).
    pub fn heading_label(&self, heading: &crate::report::Heading) -> &str {
        self.slice(
            &(heading.marker_range.start..heading.title_range.end.max(heading.marker_range.end)),
        )
    }

    /// Where the report's first line of text is: a range for findings about the
    /// whole report (the title when there is one).
    pub fn document_anchor(&self) -> Range<usize> {
        self.report.document_anchor(self.text)
    }
}

/// Where a checker reports its findings; fills in the rule's metadata.
pub struct Sink<'a> {
    rule: &'a CompiledRule,
    out: &'a mut Vec<Diagnostic>,
}

impl Sink<'_> {
    /// The rule's message with `{name}` placeholders filled.
    /// The rule's message with each `{name}` filled in (one pass; a value
    /// is not searched for placeholders again).
    pub fn message(&self, values: &[(&str, &str)]) -> String {
        let template = self.rule.message.as_str();
        let mut message = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            message.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let filled = after.find('}').and_then(|close| {
                let (_, value) = values.iter().find(|(name, _)| *name == &after[..close])?;
                Some((value, close))
            });
            match filled {
                Some((value, close)) => {
                    message.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    message.push('{');
                    rest = after;
                }
            }
        }
        message.push_str(rest);
        message
    }

    pub fn report(
        &mut self,
        range: Range<usize>,
        message: String,
        related: Vec<Related>,
        fix: Option<Fix>,
    ) {
        self.report_with_severity(range, message, related, fix, self.rule.info.severity);
    }

    pub fn report_with_severity(
        &mut self,
        range: Range<usize>,
        message: String,
        related: Vec<Related>,
        fix: Option<Fix>,
        severity: Severity,
    ) {
        self.out.push(Diagnostic {
            rule: self.rule.info.clone(),
            severity,
            message,
            range,
            related,
            fix,
        });
    }

    pub fn severity(&self) -> Severity {
        self.rule.info.severity
    }

    pub fn rule_id(&self) -> &str {
        &self.rule.info.id
    }
}
