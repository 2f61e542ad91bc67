//! Findings as the analysis core produces them: typed, with byte ranges into the
//! document text. Line/column and wire formats are made only at the edges
//! (`emit`, the language server).

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

/// How serious a finding is. Ordered from least to most severe so that a
/// threshold comparison (`severity >= threshold`) reads naturally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The Chinese label shown to writers.
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Hint => "提示",
            Severity::Info => "信息",
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "hint" => Ok(Severity::Hint),
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "未知的严重级别 “{other}”（可用：error、warning、info、hint）"
            )),
        }
    }
}

/// Whether a fix may be applied without the writer looking at it (Ruff's
/// applicability). Safe fixes are applied in bulk (`fix all`); unsafe ones
/// only one at a time, because they insert text the writer must confirm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Unsafe,
    Safe,
}

/// One replacement of a byte range of the document text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Self {
        Edit {
            range,
            text: text.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit {
            range: at..at,
            text: text.into(),
        }
    }

    pub fn delete(range: Range<usize>) -> Self {
        Edit {
            range,
            text: String::new(),
        }
    }
}

/// A set of non-overlapping edits, sorted by position, with a title that says
/// what the fix does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    edits: Vec<Edit>,
}

impl Fix {
    /// Builds a fix; edits are sorted and must not overlap (two insertions at
    /// the same offset are kept in the order given).
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Self {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        debug_assert!(
            edits.windows(2).all(|w| w[0].range.end <= w[1].range.start),
            "overlapping edits in one fix"
        );
        Fix {
            title: title.into(),
            applicability,
            edits,
        }
    }

    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }

    /// Applies the edits to `text`. Offsets outside the text or inside a
    /// character are a programming error of the rule that made the fix, so
    /// they are clamped rather than trusted.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for edit in &self.edits {
            let start = edit.range.start.clamp(last, text.len());
            let end = edit.range.end.clamp(start, text.len());
            out.push_str(&text[last..start]);
            out.push_str(&edit.text);
            last = end;
        }
        out.push_str(&text[last..]);
        out
    }
}

/// Another place that explains a finding (e.g. the first copy of a duplicated
/// paragraph, the section a missing one should follow).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: Range<usize>,
    pub message: String,
}

/// Where a rule comes from: which pack, at which layer, from which file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub pack: String,
    pub level: String,
    pub source: String,
}

/// The legal or normative basis of a rule, shown to the writer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Basis {
    /// The document's name, e.g. 《中华人民共和国政府信息公开条例》.
    pub document: String,
    /// Its 文号, e.g. 国务院令第711号.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The article or clause, e.g. 第五十条.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
}

impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.document)?;
        if let Some(number) = &self.number {
            write!(f, "（{number}）")?;
        }
        if let Some(article) = &self.article {
            write!(f, "{article}")?;
        }
        Ok(())
    }
}

/// What a writer (or CI) needs to know about a rule, shared by all the
/// findings it makes: the explanation behind `xxgk explain`, SARIF rule
/// metadata and the language server's hover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// Public id, `pack/rule`.
    pub id: String,
    /// The rule kind (the Rust checker that runs it).
    pub kind: &'static str,
    pub severity: Severity,
    /// One-line summary (the message without per-finding details).
    pub summary: String,
    /// Longer explanation in Chinese (Markdown).
    pub description: Option<String>,
    pub basis: Option<Basis>,
    pub url: Option<String>,
    pub examples_bad: Vec<String>,
    pub examples_good: Vec<String>,
    pub fixable: bool,
    pub provenance: Provenance,
}

#[cfg(test)]
impl RuleInfo {
    /// A warning rule with an id and nothing else, for tests.
    pub(crate) fn bare(id: &str) -> RuleInfo {
        RuleInfo {
            id: id.to_owned(),
            kind: "pattern",
            severity: Severity::Warning,
            summary: String::new(),
            description: None,
            basis: None,
            url: None,
            examples_bad: Vec::new(),
            examples_good: Vec::new(),
            fixable: false,
            provenance: Provenance {
                pack: "cn".to_owned(),
                level: "national".to_owned(),
                source: String::new(),
            },
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Arc<RuleInfo>,
    pub severity: Severity,
    pub message: String,
    pub range: Range<usize>,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn rule_id(&self) -> &str {
        &self.rule.id
    }

    /// Whether an edit of the bytes `edited` changed text the finding is
    /// about: its own, a related place's (the heading it points back to) or
    /// what its fix replaces. A range is changed when the edit overlaps it or
    /// an insertion falls inside it.
    pub fn touched_by(&self, edited: &Range<usize>) -> bool {
        let touches = |range: &Range<usize>| {
            if edited.is_empty() {
                range.start < edited.start && edited.start < range.end
            } else {
                range.start < edited.end && edited.start < range.end
            }
        };
        touches(&self.range)
            || self.related.iter().any(|r| touches(&r.range))
            || (self.fix.iter()).any(|f| f.edits.iter().any(|e| touches(&e.range)))
    }

    /// Whether any of the finding's positions lies after byte `at` (an edit
    /// there moves it).
    pub fn reaches_past(&self, at: usize) -> bool {
        self.range.end > at
            || self.related.iter().any(|r| r.range.end > at)
            || (self.fix.iter()).any(|f| f.edits.iter().any(|e| e.range.end > at))
    }

    /// Moves a finding that an edit left alone along with the text: the edit
    /// replaced the bytes `edited` with text now ending at `new_end`.
    /// Positions up to the edit's start stay, positions from its end move.
    pub fn follow_edit(&mut self, edited: &Range<usize>, new_end: usize) {
        let follow = |r: &mut Range<usize>| *r = follow_edit(r, edited, new_end);
        follow(&mut self.range);
        for related in &mut self.related {
            follow(&mut related.range);
        }
        if let Some(fix) = &mut self.fix {
            for edit in &mut fix.edits {
                follow(&mut edit.range);
            }
        }
    }
}

/// Where `range` is after an edit that replaced the bytes `edited` with text
/// now ending at `new_end`: positions up to the edit's start stay, positions
/// from its end move (a range the edit left alone has no position inside
/// it).
pub fn follow_edit(range: &Range<usize>, edited: &Range<usize>, new_end: usize) -> Range<usize> {
    let at = |p: usize| {
        if p <= edited.start {
            p
        } else {
            (p.max(edited.end) + new_end) - edited.end
        }
    };
    at(range.start)..at(range.end)
}

/// The edits of as many of `fixes` as can be applied together: in order of
/// position, skipping any fix whose edits overlap an earlier one's (the next
/// round of checking offers it again). Returns the edits, sorted, and how many
/// fixes they come from. `xxgk fix`, the fix harness and the language
/// server's "fix all" share it.
pub fn compatible_edits<'a>(fixes: impl IntoIterator<Item = &'a Fix>) -> (Vec<Edit>, usize) {
    let mut fixes: Vec<&Fix> = fixes.into_iter().filter(|f| !f.edits.is_empty()).collect();
    fixes.sort_by_key(|f| (f.edits[0].range.start, f.edits[0].range.end));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let clashes = fix.edits.iter().any(|e| {
            taken.iter().any(|t| {
                // Overlapping ranges, or two insertions at one point.
                (e.range.start < t.range.end && t.range.start < e.range.end)
                    || (e.range.start == t.range.start
                        && (e.range.is_empty() || t.range.is_empty()))
            })
        });
        if !clashes {
            taken.extend(fix.edits.iter());
            applied += 1;
        }
    }
    taken.sort_by_key(|e| (e.range.start, e.range.end));
    (taken.into_iter().cloned().collect(), applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix::new("t", Applicability::Safe, edits)
    }

    fn apply_fixes<'a>(text: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> (String, usize) {
        let (edits, count) = compatible_edits(fixes);
        (Fix::new("", Applicability::Safe, edits).apply(text), count)
    }

    #[test]
    fn an_edit_touches_a_finding_through_its_related_places_and_its_fix() {
        let finding = Diagnostic {
            rule: Arc::new(RuleInfo::bare("t/r")),
            severity: Severity::Warning,
            message: String::new(),
            range: 100..110,
            related: vec![Related {
                range: 10..20,
                message: String::new(),
            }],
            fix: Some(fix(vec![Edit::insert(50, "x")])),
        };
        // Its own text, a related place, the place its fix inserts at.
        assert!(finding.touched_by(&(105..106)));
        assert!(finding.touched_by(&(12..15)));
        assert!(finding.touched_by(&(15..15)));
        assert!(finding.touched_by(&(40..60)));
        // Text between them, and insertions at their edges, are not theirs.
        assert!(!finding.touched_by(&(0..5)));
        assert!(!finding.touched_by(&(30..31)));
        assert!(!finding.touched_by(&(50..50)));
        assert!(!finding.touched_by(&(20..20)));
        assert!(!finding.touched_by(&(110..120)));
    }

    #[test]
    fn non_overlapping_fixes_apply_together() {
        let text = "«条»";
        let close = text.rfind('»').unwrap();
        let a = fix(vec![Edit::replace(0..close - "条".len(), "《")]);
        let b = fix(vec![Edit::replace(close..text.len(), "》")]);
        assert_eq!(apply_fixes(text, [&b, &a]), ("《条》".to_owned(), 2));
    }

    #[test]
    fn overlapping_fix_waits_for_the_next_round() {
        // "一二": a replaces both characters, b the second; c inserts at 0.
        let a = fix(vec![Edit::replace(0..6, "甲")]);
        let b = fix(vec![Edit::replace(3..6, "乙")]);
        let c = fix(vec![Edit::insert(0, "前")]);
        let (text, applied) = apply_fixes("一二", [&a, &b, &c]);
        // The insertion comes first; a starts at the same point and waits; b
        // does not overlap the insertion.
        assert_eq!((text.as_str(), applied), ("前一乙", 2));
    }
}
