//! One pass over the text tells which pattern rules can match at all, so the
//! rules that cannot (most of them, in most reports) skip their own scan. The
//! set is built once per rule set; a pattern that does match still runs its
//! own search, for positions and scope. The live check scans only the blocks
//! an edit re-parsed.

use std::collections::HashMap;
use std::sync::Arc;

use regex::{RegexSet, RegexSetBuilder, SetMatches};

use super::pattern::uses_text_anchors;
use super::{CompiledRule, Kind};

/// A prefilter over the pattern rules of a rule set.
#[derive(Debug, Default)]
pub struct Prefilter {
    /// `None` when there are no patterns or the combined set is too big.
    set: Option<RegexSet>,
    /// Rule id → index in `set`.
    index: HashMap<String, usize>,
}

/// Generous, but bounded: the set combines patterns each already limited.
const SET_SIZE_LIMIT: usize = 32 << 20;

impl Prefilter {
    pub fn new(rules: &[Arc<CompiledRule>]) -> Prefilter {
        let mut index = HashMap::new();
        let mut patterns = Vec::new();
        for rule in rules {
            // A pattern anchored at the text's edges may match a block
            // searched on its own where it matches nowhere in a longer text.
            if let Kind::Pattern(p) = &rule.kind
                && !uses_text_anchors(p.regex())
            {
                index.insert(rule.info.id.clone(), patterns.len());
                patterns.push(p.regex().as_str().to_owned());
            }
        }
        if patterns.is_empty() {
            return Prefilter::default();
        }
        let set = RegexSetBuilder::new(&patterns)
            .size_limit(SET_SIZE_LIMIT)
            .dfa_size_limit(SET_SIZE_LIMIT)
            .build()
            .ok();
        Prefilter { set, index }
    }

    /// Which patterns match somewhere in `text`.
    pub fn scan(&self, text: &str) -> PossibleMatches<'_> {
        PossibleMatches {
            prefilter: self,
            matched: self.set.as_ref().map(|set| set.matches(text)),
        }
    }
}

/// The result of a prefilter scan.
#[derive(Debug)]
pub struct PossibleMatches<'a> {
    prefilter: &'a Prefilter,
    matched: Option<SetMatches>,
}

impl PossibleMatches<'_> {
    /// False only when the rule is a pattern known not to match anywhere.
    pub fn may_match(&self, rule: &str) -> bool {
        match (&self.matched, self.prefilter.index.get(rule)) {
            (Some(matched), Some(&i)) => matched.matched(i),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{CheckOptions, check};
    use crate::pack::{Applied, PackSet, PackSource};

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
