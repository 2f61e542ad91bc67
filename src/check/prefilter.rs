//! One pass over the text tells which pattern rules can match, and where,
//! so that the rules that cannot (most of them, in most reports) skip their
//! own search and the others search only the blocks that can hold a match.
//!
//! Each pattern is read for the literals a match must contain, one of them
//! at least (`required_literals`): `〔` for a document number, `...`, `。。。`
//! or `…` for an ellipsis. One Aho-Corasick automaton over the literals of
//! all the rules finds every occurrence in one pass. A block holding a match
//! holds one of its rule's literals, so the blocks without any are skipped
//! without being searched. A pattern with no such literals (one that starts
//! with `\p{Han}` and has nothing rarer) may match anywhere and searches the
//! whole text itself. The set is built once per rule set.

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind};

use super::{CompiledRule, Kind};

/// A prefilter over the pattern rules of a rule set.
#[derive(Debug, Default)]
pub struct Prefilter {
    /// Every rule's literals; `None` when no rule has any.
    automaton: Option<AhoCorasick>,
    /// For each literal of the automaton, the rules (as in `index`) that need
    /// it.
    owners: Vec<Vec<usize>>,
    /// Rule id → index, for the rules with literals.
    index: HashMap<String, usize>,
}

/// At most this many literals stand for one rule; a rule needing more is
/// searched as a whole.
const MAX_LITERALS: usize = 64;

/// A character class of at most this many characters counts as that many
/// literals.
const MAX_CLASS: u32 = 64;

impl Prefilter {
    pub fn new(rules: &[Arc<CompiledRule>]) -> Prefilter {
        let mut index = HashMap::new();
        let mut literal_ids: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        for rule in rules {
            let Kind::Pattern(p) = &rule.kind else {
                continue;
            };
            let Some(literals) = p.required_literals() else {
                continue;
            };
            let r = index.len();
            index.insert(rule.info.id.clone(), r);
            for literal in literals {
                let next = literal_ids.len();
                let id = *literal_ids.entry(literal.clone()).or_insert(next);
                if id == owners.len() {
                    owners.push(Vec::new());
                }
                owners[id].push(r);
            }
        }
        let mut literals: Vec<(Vec<u8>, usize)> = literal_ids.into_iter().collect();
        literals.sort_by_key(|(_, id)| *id);
        let automaton = (!literals.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(literals.iter().map(|(l, _)| l))
                    .ok()
            })
            .flatten();
        if automaton.is_none() {
            // Without the automaton nothing is known: every rule may match.
            index.clear();
        }
        Prefilter {
            automaton,
            owners,
            index,
        }
    }

    /// Where each rule's literals occur in `text`.
    pub fn scan(&self, text: &str) -> PossibleMatches<'_> {
        let mut hits: Vec<Vec<usize>> = vec![Vec::new(); self.index.len()];
        if let Some(automaton) = &self.automaton {
            for found in automaton.find_overlapping_iter(text) {
                for &r in &self.owners[found.pattern().as_usize()] {
                    // Occurrences come in order of their end: a rule's list
                    // is sorted below.
                    hits[r].push(found.start());
                }
            }
        }
        for list in &mut hits {
            list.sort_unstable();
            list.dedup();
        }
        PossibleMatches {
            prefilter: self,
            hits,
        }
    }
}

/// The result of a prefilter scan.
#[derive(Debug)]
pub struct PossibleMatches<'a> {
    prefilter: &'a Prefilter,
    /// For each rule with literals, where they occur (start offsets, sorted).
    hits: Vec<Vec<usize>>,
}

impl PossibleMatches<'_> {
    /// False only when the rule is a pattern known not to match anywhere.
    pub fn may_match(&self, rule: &str) -> bool {
        self.hits(rule).is_none_or(|hits| !hits.is_empty())
    }

    /// Where the rule's literals occur (a match lies around one of them);
    /// `None` when it may match anywhere.
    pub fn hits(&self, rule: &str) -> Option<&[usize]> {
        let &r = self.prefilter.index.get(rule)?;
        self.hits.get(r).map(Vec::as_slice)
    }
}

/// Literals of which every match of `hir` contains one, if there are few
/// enough of them: the literal of a literal, the characters of a small
/// class, the union over the branches of an alternation, and in a sequence
/// the part whose literals are the longest.
pub(super) fn required_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let literals = match hir.kind() {
        HirKind::Literal(literal) => vec![literal.0.to_vec()],
        HirKind::Class(class) => class_literals(class)?,
        HirKind::Capture(capture) => required_literals(&capture.sub)?,
        HirKind::Repetition(repetition) if repetition.min >= 1 => match repetition.sub.kind() {
            // A repeated literal: as many copies as are required (a few).
            HirKind::Literal(literal) => vec![literal.0.repeat(repetition.min.min(4) as usize)],
            _ => required_literals(&repetition.sub)?,
        },
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for branch in branches {
                all.extend(required_literals(branch)?);
            }
            all.sort();
            all.dedup();
            all
        }
        // The earliest of equally good parts (`max_by_key` keeps the last).
        HirKind::Concat(parts) => (parts.iter().rev())
            .filter_map(required_literals)
            .max_by_key(|set| {
                let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
                (shortest, std::cmp::Reverse(set.len()))
            })?,
        HirKind::Empty | HirKind::Look(_) | HirKind::Repetition(_) => return None,
    };
    (!literals.is_empty()
        && literals.len() <= MAX_LITERALS
        && literals.iter().all(|l| !l.is_empty()))
    .then_some(literals)
}

/// The characters (or bytes) of a small class, each as a literal.
fn class_literals(class: &Class) -> Option<Vec<Vec<u8>>> {
    let ranges: Vec<(u32, u32)> = match class {
        Class::Unicode(c) => (c.ranges().iter())
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
        Class::Bytes(c) => (c.ranges().iter())
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
    };
    let size: u32 = ranges.iter().map(|(start, end)| end - start + 1).sum();
    if size > MAX_CLASS {
        return None;
    }
    let unicode = matches!(class, Class::Unicode(_));
    let literal = |v: u32| match (unicode, u8::try_from(v)) {
        (true, _) => char::from_u32(v).map(|c| c.to_string().into_bytes()),
        (false, Ok(byte)) => Some(vec![byte]),
        (false, Err(_)) => None,
    };
    Some(
        (ranges.into_iter())
            .flat_map(|(start, end)| start..=end)
            .filter_map(literal)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::required_literals;
    use crate::check::{CheckOptions, Kind, check};
    use crate::pack::{Applied, PackSet, PackSource};

    fn literals(pattern: &str) -> Option<Vec<String>> {
        let hir = regex_syntax::parse(pattern).ok()?;
        let found = required_literals(&hir)?;
        Some(
            found
                .into_iter()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .collect(),
        )
    }

    #[test]
    fn the_literals_every_match_contains() {
        assert_eq!(
            literals("条例|规定"),
            Some(vec!["条例".into(), "规定".into()])
        );
        // The longest part of a sequence; a repeated literal as required.
        assert_eq!(literals(r"\p{Han}〔\d{2,3}〕"), Some(vec!["〔".into()]));
        assert_eq!(
            literals(r"\p{Han}(?:\.{3,}|。{3,}|…)"),
            Some(vec!["...".into(), "…".into(), "。。。".into()])
        );
        assert_eq!(literals("[*＊]+"), Some(vec!["*".into(), "＊".into()]));
        // A repeated group is not its literal repeated.
        assert_eq!(literals(r"(?:a\d){2}"), Some(vec!["a".into()]));
        // Nothing is required: an optional part, a big class, a look-around.
        assert_eq!(literals("x?"), None);
        assert_eq!(literals(r"\p{Han}+"), None);
        assert_eq!(literals("^$"), None);
        assert_eq!(literals("a|b?"), None);
    }

    /// Every match of every shipped pattern, in the rules' own examples and
    /// the seed reports (when present), contains one of its literals: the
    /// prefilter never hides a match.
    #[test]
    fn shipped_patterns_contain_their_literals_in_every_match() {
        let packs = PackSet::embedded();
        let mut texts: Vec<String> = Vec::new();
        for rule in packs.all_rules() {
            texts.extend(rule.info.examples_bad.iter().cloned());
            texts.extend(rule.info.examples_good.iter().cloned());
        }
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds");
        for entry in std::fs::read_dir(seeds).into_iter().flatten().flatten() {
            texts.extend(std::fs::read_to_string(entry.path()).ok());
        }
        let mut checked = 0;
        for rule in packs.all_rules() {
            let Kind::Pattern(p) = &rule.kind else {
                continue;
            };
            let Some(required) = p.required_literals() else {
                continue;
            };
            for text in &texts {
                for m in p.regex().find_iter(text) {
                    let found = m.as_str().as_bytes();
                    assert!(
                        required
                            .iter()
                            .any(|l| found.windows(l.len()).any(|w| w == l.as_slice())),
                        "{}: {:?} holds none of its literals",
                        rule.info.id,
                        m.as_str()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} matches checked");
    }

    #[test]
    fn only_patterns_that_match_somewhere_may_match() {
        let pack = "[pack]\nid = \"t\"\nname = \"t\"\nlevel = \"custom\"\nversion = \"0\"\n\n\
            [[rule]]\nid = \"a\"\nkind = \"pattern\"\nseverity = \"error\"\nmessage = \"m\"\nliterals = [\"具统计\"]\n\n\
            [[rule]]\nid = \"b\"\nkind = \"pattern\"\nseverity = \"error\"\nmessage = \"m\"\npattern = '^[×]+'\n\n\
            [[rule]]\nid = \"c\"\nkind = \"empty-section\"\nseverity = \"warning\"\nmessage = \"m\"\n";
        let packs = PackSet::new(&[PackSource {
            origin: "t.toml".to_owned(),
            text: pack.to_owned(),
        }])
        .unwrap();
        let set = packs.rule_set(&[Applied {
            pack: "t".to_owned(),
            reason: String::new(),
        }]);
        let text = "具统计，全年公开信息86条。\n";
        let possible = set.prefilter.scan(text);
        assert!(possible.may_match("t/a"));
        assert!(!possible.may_match("t/b"));
        // Not a pattern rule: the prefilter knows nothing, so it may.
        assert!(possible.may_match("t/c"));
        // And the engine still finds what the rule finds.
        let outcome = check(&packs, text, &CheckOptions::default()).unwrap();
        let ids: Vec<&str> = outcome.diagnostics.iter().map(|d| d.rule_id()).collect();
        assert_eq!(ids, ["t/a"]);
    }
}
