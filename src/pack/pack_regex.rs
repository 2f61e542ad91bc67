//! A pack's regular expressions, compiled when the pack is loaded or, for
//! the packs shipped in the binary, when first searched.

use std::ops::Deref;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use regex_syntax::hir::{Hir, HirKind};

/// Limits on pack patterns, so a hostile or careless pack cannot make the
/// linter use unbounded memory.
const REGEX_SIZE_LIMIT: usize = 2 << 20;

/// How every pack pattern is compiled.
pub(super) fn builder(pattern: &str) -> RegexBuilder {
    let mut builder = RegexBuilder::new(pattern);
    builder
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT);
    builder
}

/// A pack's regular expression; it dereferences to the compiled [`Regex`].
///
/// A user pack's patterns are compiled when it is loaded, so that a bad one
/// is reported at its place in the file. The shipped packs' patterns are
/// compiled by the tests (`pack::tests::shipped_patterns_compile`) and, in a
/// run, on first use: compiling a regex costs more than searching a report
/// with it, and most reports reach only part of the shipped rules.
#[derive(Clone, Debug)]
pub struct PackRegex {
    source: String,
    compiled: OnceLock<Regex>,
}

impl PackRegex {
    pub(super) fn compiled(regex: Regex) -> PackRegex {
        PackRegex {
            source: regex.as_str().to_owned(),
            compiled: OnceLock::from(regex),
        }
    }

    /// A pattern of a shipped pack, compiled on first use.
    pub(super) fn deferred(source: String) -> PackRegex {
        PackRegex {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as written (with the anchors the rule kind added).
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// The name of each group of a pattern, by number, as
/// [`Regex::capture_names`] gives them (group 0, the whole match, has none).
pub fn group_names(hir: &Hir) -> Vec<Option<String>> {
    fn collect(hir: &Hir, names: &mut Vec<Option<String>>) {
        match hir.kind() {
            HirKind::Capture(capture) => {
                let index = capture.index as usize;
                if names.len() <= index {
                    names.resize(index + 1, None);
                }
                names[index] = capture.name.as_deref().map(str::to_owned);
                collect(&capture.sub, names);
            }
            HirKind::Repetition(repetition) => collect(&repetition.sub, names),
            HirKind::Concat(parts) | HirKind::Alternation(parts) => {
                parts.iter().for_each(|part| collect(part, names));
            }
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
        }
    }
    let mut names = vec![None];
    collect(hir, &mut names);
    names
}

impl Deref for PackRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            builder(&self.source)
                .build()
                .unwrap_or_else(|e| panic!("shipped pack pattern: {e}"))
        })
    }
}

#[cfg(test)]
impl PackRegex {
    pub(super) fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_are_those_of_the_compiled_regex() {
        for pattern in [
            "abc",
            "(a)(?P<m>b)",
            r"(?Rm)[\p{Han}》”）](?P<m>[,;:!?])|(?P<m2>\([^()\n]*\p{Han}[^()\n]*\))",
            "(?:x(?P<y>y)+)|((z)(?P<m3>w)?)",
            "(?i)(?P<t>[^«»\\n]{1,80})",
        ] {
            let Ok(regex) = builder(pattern).build() else {
                panic!("{pattern} does not compile");
            };
            let compiled: Vec<Option<String>> = regex
                .capture_names()
                .map(|name| name.map(str::to_owned))
                .collect();
            let Ok(syntax) = regex_syntax::parse(pattern) else {
                panic!("{pattern} does not parse");
            };
            assert_eq!(group_names(&syntax), compiled, "{pattern}");
        }
    }

    #[test]
    fn a_deferred_pattern_compiles_on_first_use_and_matches_as_compiled() {
        let deferred = PackRegex::deferred("(?Rm)^第(?P<n>[一二三])条$".to_owned());
        assert!(!deferred.is_compiled());
        let Some(caps) = deferred.captures("前言\r\n第二条\r\n") else {
            panic!("no match");
        };
        assert_eq!((&caps[0], &caps["n"]), ("第二条", "二"));
        assert!(deferred.is_compiled());
        assert_eq!(deferred.as_str(), "(?Rm)^第(?P<n>[一二三])条$");
    }
}
