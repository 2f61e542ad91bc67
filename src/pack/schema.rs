//! The TOML schema of a rule pack, as a pack author writes it. Every struct
//! refuses unknown fields, so a misspelt key is an error with its position,
//! not a silently ignored setting. docs/rule-packs.md documents each field.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::regime::Regime;

/// A whole pack file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: PackMeta,
    /// The pack's own rules.
    #[serde(default, rename = "rule")]
    #[schemars(with = "Vec<RuleSpec>")]
    pub rules: Vec<Spanned<RuleSpec>>,
    /// Changes to rules inherited from the packs this one extends, keyed by
    /// the inherited rule's full id (`cn/regulation-name`).
    #[serde(default, rename = "override")]
    #[schemars(with = "BTreeMap<String, OverrideSpec>")]
    pub overrides: BTreeMap<Spanned<String>, Spanned<OverrideSpec>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackMeta {
    /// Stable id, lower-case ASCII letters, digits and `-`; prefixes the ids
    /// of the pack's rules.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Human name, e.g. 北京市.
    pub name: String,
    pub level: Level,
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Ids of the packs this one builds on.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub extends: Vec<Spanned<String>>,
    /// Which reports the pack is for; a pack without it applies to every
    /// report.
    #[serde(default)]
    pub applies_to: Option<AppliesTo>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    National,
    Provincial,
    Municipal,
    District,
    Custom,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::Provincial => "provincial",
            Level::Municipal => "municipal",
            Level::District => "district",
            Level::Custom => "custom",
        }
    }
}

/// Selection of a pack for a report: it applies when the report's issuer
/// matches one of `issuer`, or, failing an issuer match, when the text
/// mentions one of `mentions` (e.g. a 文号 prefix only that jurisdiction uses).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AppliesTo {
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub issuer: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub mentions: Vec<Spanned<String>>,
}

/// The fixed vocabulary of rule kinds; each is a Rust checker in
/// `src/check/<kind>.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KindName {
    Pattern,
    RequiredText,
    RequiredSections,
    HeadingNumbering,
    EmptySection,
    DuplicatedWord,
    DuplicatedParagraph,
    Metadata,
    Signals,
    Deadline,
    PairedMarks,
    Table,
    ProseArithmetic,
}

impl KindName {
    pub fn as_str(self) -> &'static str {
        match self {
            KindName::Pattern => "pattern",
            KindName::RequiredText => "required-text",
            KindName::RequiredSections => "required-sections",
            KindName::HeadingNumbering => "heading-numbering",
            KindName::EmptySection => "empty-section",
            KindName::DuplicatedWord => "duplicated-word",
            KindName::DuplicatedParagraph => "duplicated-paragraph",
            KindName::Metadata => "metadata",
            KindName::Signals => "signals",
            KindName::Deadline => "deadline",
            KindName::PairedMarks => "paired-marks",
            KindName::Table => "table",
            KindName::ProseArithmetic => "prose-arithmetic",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SeveritySpec {
    Error,
    Warning,
    Info,
    Hint,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OverrideSeverity {
    Error,
    Warning,
    Info,
    Hint,
    Off,
}

/// Where in the report a `pattern` or `required-text` rule looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Everything but tables.
    #[default]
    Text,
    /// Everything, tables included.
    All,
    /// Heading lines only.
    Headings,
    /// Prose paragraphs only.
    Paragraphs,
    /// Table cells only.
    Tables,
    /// The blocks before the first heading (title included).
    Preamble,
    /// The title only.
    Title,
}

/// Which piece of report metadata a `metadata` rule requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataField {
    Title,
    Issuer,
    Year,
    /// The title is there but does not name the report year.
    TitleYear,
    /// The title is there but does not name the issuer.
    TitleIssuer,
}

/// A check a `pattern` rule's match must pass to be a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// An 18-character resident ID number with a correct check character
    /// (GB 11643) and a plausible birth date.
    IdCard,
    /// A 13–19 digit number that passes the Luhn check (bank cards).
    Luhn,
    /// Holds a four-digit year other than the report year (silent when the
    /// report year is unknown).
    OtherYear,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BasisSpec {
    pub document: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub article: Option<String>,
}

/// Conditions on the report; a rule runs only when all of them hold.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WhenSpec {
    /// The regimes the rule applies to (`"2007"`, `"2019"`, `"2021"`); a rule
    /// with a regime condition does not run when the report year is unknown.
    #[serde(default)]
    pub regime: Vec<Regime>,
    /// First report year the rule applies to.
    #[serde(default)]
    pub year_from: Option<u16>,
    /// Last report year the rule applies to.
    #[serde(default)]
    pub year_to: Option<u16>,
    /// The issuer must match one of these patterns.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub issuer: Vec<Spanned<String>>,
    /// The issuer must match none of these patterns.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub issuer_not: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamplesSpec {
    #[serde(default)]
    pub bad: Vec<String>,
    #[serde(default)]
    pub good: Vec<String>,
}

/// One required section of a `required-sections` rule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SectionSpec {
    /// Stable key naming the section within the rule (shown in errors about it).
    pub key: String,
    /// The standard title, inserted by the fix.
    pub title: String,
    /// Patterns; a heading whose title matches any of them is this section.
    #[serde(rename = "match")]
    #[schemars(with = "Vec<String>")]
    pub patterns: Vec<Spanned<String>>,
    /// The standard sentence inserted under the heading by the fix.
    #[serde(default)]
    pub body: Option<String>,
    /// Severity of this section's absence, when it differs from the rule's.
    #[serde(default)]
    pub severity: Option<SeveritySpec>,
}

/// One sign of a problem in a `signals` rule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SignalSpec {
    /// What the signal is, shown in the message (`{signals}`), e.g. 博彩词.
    pub name: String,
    /// A regular expression; the signal is present in a block when it matches.
    #[schemars(with = "String")]
    pub pattern: Spanned<String>,
    /// What the signal adds to the block's score; default 1.
    #[serde(default)]
    pub weight: Option<u32>,
}

/// One rule. Fields other than the common ones belong to particular kinds;
/// the loader refuses a field the rule's kind does not use.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSpec {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub kind: KindName,
    pub severity: SeveritySpec,
    /// The finding's message; may use `{placeholders}` that the kind fills.
    pub message: String,
    /// A one-line summary for rule lists; defaults to the message.
    #[serde(default)]
    pub summary: Option<String>,
    /// A longer explanation (Markdown, Chinese), shown by `xxgk explain`.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub basis: Option<BasisSpec>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub when: Option<WhenSpec>,
    #[serde(default)]
    pub examples: Option<ExamplesSpec>,

    // pattern, required-text
    /// A regular expression (Rust `regex` syntax).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub pattern: Option<Spanned<String>>,
    /// Literal strings, as an alternative to `pattern`.
    #[serde(default)]
    pub literals: Option<Vec<String>>,
    #[serde(default)]
    pub scope: Option<Scope>,
    /// Only inside sections whose heading title matches this pattern (for
    /// `required-text`: nothing is required when there is no such section).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub section: Option<Spanned<String>>,
    /// Matches overlapping a match of this pattern (in the same block) are
    /// not findings.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub exclude: Option<Spanned<String>>,

    // pattern
    /// Replacement for the flagged text (`$1`, `${name}` refer to groups).
    #[serde(default)]
    pub replace: Option<String>,
    /// Character-by-character replacement table for the flagged text.
    #[serde(default)]
    pub translate: Option<BTreeMap<String, String>>,
    /// Wrong text → right text: each key is searched literally and replaced
    /// by its value (a dictionary of typos or wrong names).
    #[serde(default)]
    pub swap: Option<BTreeMap<String, String>>,
    /// Whether the fix may be applied in bulk; default true.
    #[serde(default)]
    pub fix_safe: Option<bool>,
    /// What the fix does, e.g. 改为“据统计”.
    #[serde(default)]
    pub fix_title: Option<String>,
    /// Above this many matches in a report, report one finding for all of
    /// them (with one fix that corrects all).
    #[serde(default)]
    pub group_above: Option<usize>,
    /// The grouped finding's message; `{message}` is the first match's
    /// message and `{count}` the number of matches.
    #[serde(default)]
    pub group_message: Option<String>,
    /// A check the flagged text must pass to be a finding (a checksum, a
    /// year other than the report's).
    #[serde(default)]
    pub validate: Option<Validator>,

    // required-text
    /// Text inserted by the fix when the required text is missing.
    #[serde(default)]
    pub insert: Option<String>,

    // required-sections
    #[serde(default)]
    pub sections: Option<Vec<SectionSpec>>,
    /// Message for a section found out of order.
    #[serde(default)]
    pub order_message: Option<String>,

    // heading-numbering
    /// Message for a run of sub-headings that reuses the parent level's
    /// numbering (一、概述 followed by 一、… 二、…).
    #[serde(default)]
    pub level_message: Option<String>,
    /// Message for a sequence that restarts at 一 where it is unclear which
    /// headings are misnumbered.
    #[serde(default)]
    pub restart_message: Option<String>,

    // duplicated-word
    /// Characters whose immediate repetition is flagged (的的, 了了…).
    #[serde(default)]
    pub single_chars: Option<String>,
    /// Shortest and longest repeated word, in characters.
    #[serde(default)]
    pub min_chars: Option<usize>,
    #[serde(default)]
    pub max_chars: Option<usize>,
    /// Repetitions that are correct Chinese (研究研究, 常常…).
    #[serde(default)]
    pub allow: Option<Vec<String>>,

    // metadata
    #[serde(default)]
    pub field: Option<MetadataField>,

    // signals
    /// The signs of the problem; a block is a finding when the weights of
    /// the signals present in it reach `threshold`.
    #[serde(default)]
    pub signals: Option<Vec<SignalSpec>>,
    /// Score at which a block is a finding; default 2, and it must be more
    /// than any one signal's weight.
    #[serde(default)]
    pub threshold: Option<u32>,

    // deadline
    /// The last day of publication, `"MM-DD"` of the year after the report
    /// year.
    #[serde(default)]
    pub deadline: Option<String>,

    // paired-marks
    /// Opening and closing marks, two characters each (`"《》"`).
    #[serde(default)]
    pub pairs: Option<Vec<String>>,
    // table
    /// The statistics table the rule reads, its identities and the figures
    /// the text quotes from it.
    #[serde(default)]
    pub table: Option<TableSpec>,
    /// Message for a figure in the text that differs from the table;
    /// `{quoted}`, `{cell}` and `{value}` are filled.
    #[serde(default)]
    pub quote_message: Option<String>,
    /// Message for a value the table's constraints refuse (negative, not a
    /// whole number); `{cell}` and `{value}` are filled.
    #[serde(default)]
    pub value_message: Option<String>,
    /// Message for a table that could be read only in part; `{table}` and
    /// `{count}` are filled.
    #[serde(default)]
    pub unreadable_message: Option<String>,
    /// Message (warning) for a row label that nearly spells a declared one
    /// and is read as it; `{found}` and `{label}` are filled.
    #[serde(default)]
    pub label_message: Option<String>,

    // prose-arithmetic
    /// Message for a share (`占总数的54.55%`) that is not the part's share of
    /// the total; `{stated}` and `{computed}` are filled.
    #[serde(default)]
    pub share_message: Option<String>,
    /// Message for an announced count (`以下6方面工作`) that differs from the
    /// sub-sections that follow; `{stated}` and `{count}` are filled.
    #[serde(default)]
    pub count_message: Option<String>,
}

/// A statistics table as a `table` rule declares it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TableSpec {
    /// The table's name in messages, e.g. 表三（2021 年格式）.
    pub name: String,
    /// The rows, in the form's order.
    pub rows: Vec<LabelSpec>,
    /// The value columns, in the form's order; none for a table with one
    /// value per row (label | unit | value).
    #[serde(default)]
    pub columns: Vec<LabelSpec>,
    /// Identities such as `收到申请数 = 当面申请数 + 传真申请数`, with `=`, `≤`
    /// (`<=`) or `≥` (`>=`) and `+`/`-`. Names are row keys (checked in every
    /// column) or column keys (checked in every row).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub identities: Vec<Spanned<String>>,
    /// Values must be whole numbers, except in `decimal` rows and columns
    /// (default true).
    #[serde(default)]
    pub integers: Option<bool>,
    /// Values must not be negative (default true).
    #[serde(default)]
    pub non_negative: Option<bool>,
    /// Figures the text quotes from the table.
    #[serde(default)]
    pub quotes: Vec<QuoteSpec>,
}

/// A row or column of a declared table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LabelSpec {
    /// The name identities use; also a label unless `label` is given.
    pub key: String,
    /// The label printed on the form, when it differs from the key.
    #[serde(default)]
    pub label: Option<String>,
    /// Other labels reports use for this line.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// For a label the form uses twice: the key of the row this one follows
    /// (`被依法纠错数` under 行政复议数量 and under 行政诉讼数量).
    #[serde(default)]
    pub under: Option<String>,
    /// Values may have decimals (amounts in 万元).
    #[serde(default)]
    pub decimal: bool,
}

/// A figure the text states for one cell: `pattern` is searched in the
/// report's paragraphs; its first group is the number (Arabic, full-width or
/// Chinese digits; `余`/`多`/`近`/`约` next to it make it approximate). A
/// pattern without a group states zero (未发生行政复议).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct QuoteSpec {
    /// Row key of the cell.
    pub row: String,
    /// Column key of the cell (the table's last column when not given).
    #[serde(default)]
    pub column: Option<String>,
    #[schemars(with = "String")]
    pub pattern: Spanned<String>,
}

/// A child pack's change to an inherited rule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideSpec {
    #[serde(default)]
    pub severity: Option<OverrideSeverity>,
    #[serde(default)]
    pub message: Option<String>,
    /// Why the jurisdiction differs; shown by `xxgk rules` and `explain`.
    #[serde(default)]
    pub reason: Option<String>,
}

impl RuleSpec {
    /// The kind-specific fields this rule sets, by their TOML names, so the
    /// loader can refuse those its kind does not use.
    pub fn kind_fields(&self) -> Vec<&'static str> {
        let set = [
            ("pattern", self.pattern.is_some()),
            ("literals", self.literals.is_some()),
            ("scope", self.scope.is_some()),
            ("section", self.section.is_some()),
            ("exclude", self.exclude.is_some()),
            ("replace", self.replace.is_some()),
            ("translate", self.translate.is_some()),
            ("swap", self.swap.is_some()),
            ("fix-safe", self.fix_safe.is_some()),
            ("fix-title", self.fix_title.is_some()),
            ("group-above", self.group_above.is_some()),
            ("group-message", self.group_message.is_some()),
            ("validate", self.validate.is_some()),
            ("insert", self.insert.is_some()),
            ("sections", self.sections.is_some()),
            ("order-message", self.order_message.is_some()),
            ("level-message", self.level_message.is_some()),
            ("restart-message", self.restart_message.is_some()),
            ("single-chars", self.single_chars.is_some()),
            ("min-chars", self.min_chars.is_some()),
            ("max-chars", self.max_chars.is_some()),
            ("allow", self.allow.is_some()),
            ("field", self.field.is_some()),
            ("signals", self.signals.is_some()),
            ("threshold", self.threshold.is_some()),
            ("deadline", self.deadline.is_some()),
            ("pairs", self.pairs.is_some()),
            ("table", self.table.is_some()),
            ("quote-message", self.quote_message.is_some()),
            ("value-message", self.value_message.is_some()),
            ("unreadable-message", self.unreadable_message.is_some()),
            ("label-message", self.label_message.is_some()),
            ("share-message", self.share_message.is_some()),
            ("count-message", self.count_message.is_some()),
        ];
        set.into_iter()
            .filter(|(_, is_set)| *is_set)
            .map(|(name, _)| name)
            .collect()
    }
}

/// The JSON Schema of a pack file, for editors (Even Better TOML / Taplo read
/// it through a `#:schema` comment). Committed as `docs/pack.schema.json`; a
/// test fails when it is stale.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(PackFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    /// Regenerate with `UPDATE_SCHEMA=1 cargo test committed_schema`.
    #[test]
    fn committed_schema_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/pack.schema.json");
        let current = super::json_schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &current).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == current,
            "docs/pack.schema.json is stale: run UPDATE_SCHEMA=1 cargo test committed_schema"
        );
    }
}
