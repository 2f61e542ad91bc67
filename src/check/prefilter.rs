//! One pass over the text tells which patterns of the pattern and signals
//! rules can match, and where, so that the rules that cannot (most of them,
//! in most reports) skip their own search and the others search only the
//! blocks that can hold a match. A pattern rule has one pattern, a signals
//! rule one per signal.
//!
//! Each pattern is read for the literals a match must contain, one of them
//! at least (`required_literals`): `〔` for a document number, `...`, `。。。`
//! or `…` for an ellipsis. A block holding a match holds one of its
//! pattern's literals, so the blocks without any are skipped without being
//! searched.
//!
//! One lazy DFA over the patterns finds, in one pass, where each of them
//! ends a match (`Scanner`); the pass costs about what one pattern's search
//! would. A block holding a match holds its last byte. Most patterns join it
//! as the alternation of their literals (where one of them occurs); those
//! whose literals include a single character of ordinary prose (a digit,
//! `年`, `、`, a space), or who have none, join it as themselves (where they
//! match: a common literal would be found in most blocks). Patterns that see
//! the whole text's edges (`\A`, `\z`) or only the title, and those that
//! repeat a wide class (see `repeats_a_wide_class`), are served by their
//! literals. When more patterns are served by literals than the DFA takes
//! well (`MAX_SCANNED_LITERAL_PATTERNS`), one Aho-Corasick automaton finds
//! where their literals occur instead. The set is built once per rule set.

use std::borrow::Cow;
use std::collections::HashMap;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use crate::pack::PackRegex;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::hybrid::dfa::{Cache, DFA, OverlappingState};
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchError};
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use rustc_hash::FxHashMap;

use super::{CompiledRule, Kind};

/// What the prefilter needs to know of one regular expression, read from
/// its syntax once, when it is compiled.
#[derive(Clone, Debug)]
pub(super) struct PatternFacts {
    /// Its syntax, for the scanner; `None` when it did not parse again.
    syntax: Option<Arc<Hir>>,
    /// It uses `\A` or `\z` (start or end of the text), which a block
    /// searched on its own sees at its edges.
    text_anchored: bool,
    /// Literals of which every match contains one; `None` when it may match
    /// without any of a few.
    required_literals: Option<Vec<Vec<u8>>>,
}

impl PatternFacts {
    pub(super) fn of(re: &PackRegex) -> PatternFacts {
        let hir = regex_syntax::parse(re.as_str()).ok();
        PatternFacts {
            text_anchored: hir.as_ref().is_none_or(uses_text_anchors),
            required_literals: hir.as_ref().and_then(required_literals),
            syntax: hir.map(Arc::new),
        }
    }

    /// Its syntax; `None` when it did not parse again.
    pub(super) fn syntax(&self) -> Option<&Hir> {
        self.syntax.as_deref()
    }

    pub(super) fn text_anchored(&self) -> bool {
        self.text_anchored
    }

    pub(super) fn required_literals(&self) -> Option<&[Vec<u8>]> {
        self.required_literals.as_deref()
    }

    /// The syntax of a pattern searched block by block that the scanner
    /// serves better than its literals: one whose block matches are all
    /// matches of the whole text ending at the same place (not one that sees
    /// the text's edges), whose literals are too common to narrow its search.
    fn for_scanner(&self, by_blocks: bool) -> Option<&Hir> {
        let hir = self.syntax()?;
        (by_blocks
            && !self.text_anchored
            && self.required_literals().is_none_or(has_common_literal)
            && !repeats_a_wide_class(hir)
            // The lazy DFA cannot build a Unicode word boundary: one such
            // pattern would keep the scanner from being built at all.
            && !hir.properties().look_set().contains_word_unicode())
        .then_some(hir)
    }

    /// What the scanner searches for a pattern served by its `literals`:
    /// the alternation of the literals, unless one of them is drawn with
    /// table marks (`|`, `--`): a report's tables, extracted from PDF or
    /// HTML, hold such marks by the hundred, so the pattern's own context is
    /// searched with them — the part every match begins with (see
    /// `necessary_prefix`), when it holds the same literals
    /// (`[_|｜]\p{Han}` for `\p{Han}[_|｜]\p{Han}{2,8}[_|｜]\p{Han}`). Only
    /// then: context costs the lazy DFA more states, built on first use.
    fn scanned_for(&self, by_blocks: bool, literals: &[Vec<u8>]) -> Hir {
        let drawn_with_table_marks = |literal: &Vec<u8>| {
            std::str::from_utf8(literal).is_ok_and(|l| l.chars().all(|c| TABLE_MARKS.contains(c)))
        };
        (self.syntax())
            .filter(|hir| {
                literals.iter().any(drawn_with_table_marks)
                    && by_blocks
                    && !self.text_anchored
                    && !hir.properties().look_set().contains_word_unicode()
            })
            .and_then(necessary_prefix)
            .map(without_leading_wide_classes)
            .filter(|prefix| required_literals(prefix).as_deref() == Some(literals))
            .unwrap_or_else(|| alternation(literals))
    }
}

/// Characters that draw the tables of extracted reports (Markdown, text
/// art): rows, rules and blanks.
const TABLE_MARKS: &str = "|｜│┃-－─━+=_";

/// `hir` without the parts it begins with that match almost anywhere (a
/// wide class, `(?:^|[^0-9])`): such a part keeps a state of the scanner's
/// DFA alive at almost every byte, multiplying its states. What is left
/// matches inside whatever `hir` matches.
fn without_leading_wide_classes(hir: Hir) -> Hir {
    /// Whether a part matches a wide class's character, or nothing.
    fn unselective(part: &Hir) -> bool {
        match part.kind() {
            HirKind::Class(c) => class_literals(c).is_none(),
            HirKind::Look(_) => true,
            HirKind::Capture(c) => unselective(&c.sub),
            HirKind::Alternation(branches) => branches.iter().all(unselective),
            _ => false,
        }
    }
    let is_wide = |part: &Hir| !matches!(part.kind(), HirKind::Look(_)) && unselective(part);
    match hir.kind() {
        HirKind::Concat(parts) => {
            let leading = parts.iter().take_while(|part| unselective(part)).count();
            if parts[..leading].iter().any(is_wide) {
                Hir::concat(parts[leading..].to_vec())
            } else {
                hir
            }
        }
        HirKind::Alternation(branches) => Hir::alternation(
            branches
                .iter()
                .cloned()
                .map(without_leading_wide_classes)
                .collect(),
        ),
        HirKind::Capture(c) => without_leading_wide_classes((*c.sub).clone()),
        _ => hir,
    }
}

/// A pattern that matches at the start of every match of `hir`: `hir` cut
/// before its first part that repeats a wide class, that part's class kept
/// once when the repetition needs one (`\p{Han}[_|｜]\p{Han}{2,8}…` →
/// `\p{Han}[_|｜]\p{Han}`). Its matches end inside the match they begin,
/// so in the same block. `None` when nothing is left (a branch that may
/// begin with the wide part).
fn necessary_prefix(hir: &Hir) -> Option<Hir> {
    if !repeats_a_wide_class(hir) {
        return Some(hir.clone());
    }
    match hir.kind() {
        HirKind::Repetition(r) if r.min == 0 => None,
        HirKind::Repetition(r) => necessary_prefix(&r.sub),
        HirKind::Capture(c) => necessary_prefix(&c.sub),
        HirKind::Concat(parts) => {
            let mut kept = Vec::new();
            for part in parts {
                if !repeats_a_wide_class(part) {
                    kept.push(part.clone());
                    continue;
                }
                kept.extend(necessary_prefix(part));
                break;
            }
            (!kept.is_empty()).then(|| Hir::concat(kept))
        }
        HirKind::Alternation(branches) => branches
            .iter()
            .map(necessary_prefix)
            .collect::<Option<Vec<Hir>>>()
            .map(Hir::alternation),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {
            Some(hir.clone())
        }
    }
}

/// Whether a pattern asserts the start or end of the whole text (`\A`, `\z`).
fn uses_text_anchors(hir: &Hir) -> bool {
    let looks = hir.properties().look_set();
    looks.contains(Look::Start) || looks.contains(Look::End)
}

/// A prefilter over the patterns of a rule set's pattern and signals rules.
#[derive(Debug, Default)]
pub struct Prefilter {
    /// The literals of the patterns served by Aho-Corasick; `None` when
    /// there are none.
    automaton: Option<AhoCorasick>,
    /// For each literal of the automaton, the patterns (numbered as in
    /// `index`) that need it.
    owners: Vec<Vec<usize>>,
    /// The patterns searched by the lazy DFA.
    scanner: Option<Scanner>,
    /// Rule id → the number of each of its patterns (a pattern rule has one,
    /// a signals rule one per signal); `None` for a pattern the prefilter
    /// knows nothing about.
    index: FxHashMap<String, Vec<Option<usize>>>,
    /// How many patterns `index` numbers.
    pattern_count: usize,
}

/// At most this many literals stand for one rule; a rule needing more is
/// searched as a whole.
const MAX_LITERALS: usize = 64;

/// A character class of at most this many characters counts as that many
/// literals.
const MAX_CLASS: u32 = 64;

/// Patterns served by their literals alone join the scanner, each as the
/// alternation of its literals, when there are at most this many (the
/// embedded packs have about 35): one pass then serves every pattern.
/// Every state the lazy DFA builds holds every pattern's start, so with
/// many more the DFA costs more than a pass of Aho-Corasick's automaton,
/// whose cost does not grow with the number of literals (with 231 such
/// patterns a warm check was 20 % slower, with 81 no slower).
const MAX_SCANNED_LITERAL_PATTERNS: usize = 64;

/// The combined automaton may grow to this many bytes; past it the scanner
/// is not built and its rules are served by their literals.
const SCANNER_NFA_LIMIT: usize = 16 << 20;

/// The lazy DFA's transition cache, per thread (the default is 2 MiB; the
/// states of a few dozen patterns over Chinese text fit in less).
const SCANNER_CACHE: usize = 4 << 20;

type CacheFn = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// One lazy DFA over the patterns of several rules, which reports every
/// position where one of them ends a match.
struct Scanner {
    dfa: DFA,
    caches: Pool<Cache, CacheFn>,
    /// For each pattern of the DFA, its number (as in `Prefilter::index`) and
    /// whether it can match the empty string.
    patterns: Vec<(usize, bool)>,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("patterns", &self.patterns.len())
            .finish_non_exhaustive()
    }
}

impl Scanner {
    /// `None` when the patterns cannot be combined (too big together, or a
    /// look-around the lazy DFA does not support).
    fn new(patterns: &[&Hir]) -> Option<Scanner> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(SCANNER_NFA_LIMIT))
                    // Only where matches end is wanted: no capture states to
                    // follow while building the DFA's states.
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_many_from_hir(patterns)
            .ok()?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(regex_automata::MatchKind::All)
                    .cache_capacity(SCANNER_CACHE),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let for_caches = dfa.clone();
        let create: CacheFn = Box::new(move || for_caches.create_cache());
        Some(Scanner {
            dfa,
            caches: Pool::new(create),
            patterns: Vec::with_capacity(patterns.len()),
        })
    }

    /// Adds to `hits` the last byte of every match of every pattern (and
    /// the end of those that may be empty).
    fn scan(&self, text: &str, hits: &mut [Option<Vec<usize>>]) -> Result<(), MatchError> {
        let mut cache = self.caches.get();
        let input = Input::new(text);
        let mut state = OverlappingState::start();
        loop {
            self.dfa
                .try_search_overlapping_fwd(&mut cache, &input, &mut state)?;
            let Some(found) = state.get_match() else {
                return Ok(());
            };
            let Some(&(n, may_be_empty)) = self.patterns.get(found.pattern().as_usize()) else {
                continue;
            };
            if let Some(list) = hits.get_mut(n).and_then(Option::as_mut) {
                let end = found.offset();
                if end > 0 {
                    list.push(end - 1);
                }
                if may_be_empty {
                    list.push(end);
                }
            }
        }
    }
}

/// The pattern that matches any of `literals`.
fn alternation(literals: &[Vec<u8>]) -> Hir {
    Hir::alternation(
        literals
            .iter()
            .map(|l| Hir::literal(l.as_slice()))
            .collect(),
    )
}

/// Whether a pattern's literals are too common to narrow its search: one of
/// them is a single character of ordinary prose (a letter or Han character,
/// a digit, a space, everyday punctuation). A rarer symbol (`〔`, `×`, `…`)
/// narrows the search well enough on its own.
fn has_common_literal(literals: &[Vec<u8>]) -> bool {
    literals.iter().any(|l| {
        let mut chars = std::str::from_utf8(l).into_iter().flat_map(str::chars);
        match (chars.next(), chars.next()) {
            (Some(c), None) => {
                c.is_alphanumeric()
                    || c.is_whitespace()
                    || "，。、；：？！（）《》“”‘’,.;:!?()".contains(c)
            }
            _ => false,
        }
    })
}

/// Whether a pattern repeats a class wider than a few literals (`\p{Han}{1,10}`,
/// `[^》\n]*`): such a part follows the text for many characters, and in a
/// DFA over many patterns its progress multiplies with every other
/// pattern's into more states than the scan saves.
fn repeats_a_wide_class(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Repetition(r) => {
            let wide = matches!(r.sub.kind(), HirKind::Class(c) if class_literals(c).is_none());
            (wide && r.max != Some(1)) || repeats_a_wide_class(&r.sub)
        }
        HirKind::Capture(c) => repeats_a_wide_class(&c.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            parts.iter().any(repeats_a_wide_class)
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// How the prefilter serves one pattern.
enum Served<'p> {
    /// By where this pattern (its own, or its literals as an alternation)
    /// ends a match, in the scanner's pass.
    Scanned(Cow<'p, Hir>),
    /// By where its literals start, from the Aho-Corasick automaton.
    Literals(&'p [Vec<u8>]),
    /// Not at all: it may match anywhere.
    Unknown,
}

/// One pattern of a rule, as the prefilter sees it.
struct Searched<'p> {
    rule: &'p str,
    facts: &'p PatternFacts,
    /// The rule's findings are made block by block (not in the title).
    by_blocks: bool,
}

impl Prefilter {
    pub fn new<'r>(rules: &'r [Arc<CompiledRule>]) -> Prefilter {
        let searched: Vec<Searched> = (rules.iter())
            .flat_map(|rule| {
                let rule_id = rule.info.id.as_str();
                let (facts, by_blocks): (Vec<&PatternFacts>, bool) = match &rule.kind {
                    Kind::Pattern(p) => (vec![p.facts()], p.by_blocks()),
                    Kind::Signals(s) => (s.facts().collect(), s.by_blocks()),
                    _ => (Vec::new(), false),
                };
                facts.into_iter().map(move |facts| Searched {
                    rule: rule_id,
                    facts,
                    by_blocks,
                })
            })
            .collect();
        let served_by_literals = (searched.iter())
            .filter(|p| p.facts.for_scanner(p.by_blocks).is_none())
            .filter(|p| p.facts.required_literals().is_some())
            .count();
        let literals_scanned = served_by_literals <= MAX_SCANNED_LITERAL_PATTERNS;
        let served: Vec<Served> = (searched.iter())
            .map(|p| {
                match (
                    p.facts.for_scanner(p.by_blocks),
                    p.facts.required_literals(),
                ) {
                    (Some(hir), _) => Served::Scanned(Cow::Borrowed(hir)),
                    (None, Some(literals)) if literals_scanned => {
                        Served::Scanned(Cow::Owned(p.facts.scanned_for(p.by_blocks, literals)))
                    }
                    (None, Some(literals)) => Served::Literals(literals),
                    (None, None) => Served::Unknown,
                }
            })
            .collect();
        let scanned: Vec<&Hir> = (served.iter())
            .filter_map(|how| match how {
                Served::Scanned(hir) => Some(hir.as_ref()),
                _ => None,
            })
            .collect();
        let mut scanner = (!scanned.is_empty())
            .then(|| Scanner::new(&scanned))
            .flatten();
        let mut index: FxHashMap<String, Vec<Option<usize>>> = FxHashMap::default();
        let mut literal_ids: HashMap<&[u8], usize> = HashMap::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut pattern_count = 0;
        for (p, how) in searched.iter().zip(&served) {
            let mut by_literals = |literals: &'r [Vec<u8>]| {
                for literal in literals {
                    let next = literal_ids.len();
                    let id = *literal_ids.entry(literal.as_slice()).or_insert(next);
                    if id == owners.len() {
                        owners.push(Vec::new());
                    }
                    owners[id].push(pattern_count);
                }
            };
            let known = match (how, &mut scanner) {
                (Served::Scanned(hir), Some(scanner)) => {
                    let may_be_empty = hir.properties().minimum_len().is_none_or(|n| n == 0);
                    scanner.patterns.push((pattern_count, may_be_empty));
                    true
                }
                // Without the scanner a pattern is served by its literals,
                // if it has any, else it may match anywhere.
                (Served::Scanned(_), None) => {
                    p.facts.required_literals().map(&mut by_literals).is_some()
                }
                (Served::Literals(literals), _) => {
                    by_literals(literals);
                    true
                }
                (Served::Unknown, _) => false,
            };
            let numbers = index.entry(p.rule.to_owned()).or_default();
            numbers.push(known.then_some(pattern_count));
            pattern_count += usize::from(known);
        }
        let mut literals: Vec<(&[u8], usize)> = literal_ids.into_iter().collect();
        literals.sort_by_key(|(_, id)| *id);
        let automaton = (!literals.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    // Not the DFA the builder picks for a few literals: it
                    // costs more to build than a process saves with it.
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(literals.iter().map(|(l, _)| l))
                    .ok()
            })
            .flatten();
        if automaton.is_none() && !literals.is_empty() {
            // Without the automaton nothing is known of the patterns it
            // serves: they may match anywhere.
            for number in index.values_mut().flatten() {
                if number.is_some_and(|n| owners.iter().any(|o| o.contains(&n))) {
                    *number = None;
                }
            }
        }
        Prefilter {
            automaton,
            owners,
            scanner,
            index,
            pattern_count,
        }
    }

    /// Where each pattern's literals occur in `text`, or its matches end.
    pub fn scan(&self, text: &str) -> PossibleMatches<'_> {
        let mut hits: Vec<Option<Vec<usize>>> = vec![Some(Vec::new()); self.pattern_count];
        if let Some(automaton) = &self.automaton {
            for found in automaton.find_overlapping_iter(text) {
                for &n in &self.owners[found.pattern().as_usize()] {
                    if let Some(list) = hits.get_mut(n).and_then(Option::as_mut) {
                        list.push(found.start());
                    }
                }
            }
        }
        if let Some(scanner) = &self.scanner
            && scanner.scan(text, &mut hits).is_err()
        {
            // The DFA gave up (it does not, as configured): its patterns may
            // match anywhere.
            for &(n, _) in &scanner.patterns {
                hits[n] = None;
            }
        }
        // Occurrences come in order of their end: sorted here.
        for list in hits.iter_mut().flatten() {
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
    /// For each pattern the prefilter knows about, offsets such that every
    /// block holding a match holds one of them (sorted); `None` when it may
    /// match anywhere.
    hits: Vec<Option<Vec<usize>>>,
}

impl PossibleMatches<'_> {
    /// False only when the rule is a pattern known not to match anywhere.
    pub fn may_match(&self, rule: &str) -> bool {
        self.hits(rule).is_none_or(|hits| !hits.is_empty())
    }

    /// Offsets such that every block holding a match of a pattern rule
    /// holds one: where its literals occur or its matches end. `None` when
    /// it may match anywhere.
    pub fn hits(&self, rule: &str) -> Option<&[usize]> {
        self.part_hits(rule, 0)
    }

    /// The same for the `part`-th pattern of a rule (a signal of a signals
    /// rule).
    pub fn part_hits(&self, rule: &str, part: usize) -> Option<&[usize]> {
        let n = (*self.prefilter.index.get(rule)?.get(part)?)?;
        self.hits.get(n)?.as_deref()
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
    use regex_syntax::hir::Hir;

    use super::{
        MAX_SCANNED_LITERAL_PATTERNS, necessary_prefix, required_literals,
        without_leading_wide_classes,
    };
    use crate::check::{CheckOptions, Kind, check};
    use crate::pack::{Applied, PackSet, PackSource};
    use crate::report::Report;

    fn pack_set(rules: &str) -> PackSet {
        let pack = format!(
            "[pack]\nid = \"t\"\nname = \"t\"\nlevel = \"custom\"\nversion = \"0\"\n{rules}"
        );
        PackSet::new(&[PackSource {
            origin: "t.toml".to_owned(),
            text: pack,
        }])
        .unwrap()
    }

    fn applied(pack: &str) -> Vec<Applied> {
        vec![Applied {
            pack: pack.to_owned(),
            reason: String::new(),
        }]
    }

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
            let Some(required) = p.facts().required_literals() else {
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

    /// A pattern whose literal is a common character (here a space) is
    /// served by the scanner's pattern: its hits are where it matches, not
    /// every space. A rarer literal (`〔`) and a title-only pattern are
    /// served by their literals: where each occurs (its last byte, in the
    /// scanner's pass).
    #[test]
    fn common_literals_give_way_to_where_the_pattern_matches() {
        let packs = pack_set(
            "[[rule]]\nid = \"trailing\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\npattern = '\\S(?P<m>[ ]+)$'\n\n\
             [[rule]]\nid = \"bracket\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\npattern = '〔[0-9]{4}〕'\n\n\
             [[rule]]\nid = \"title-space\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\npattern = '[ ]'\nscope = \"title\"\n",
        );
        let set = packs.rule_set(&applied("t"));
        let text = "a b c\nd e f \n〔二〕\n";
        let possible = set.prefilter.scan(text);
        // The one match ends at the last space of the second line.
        assert_eq!(possible.hits("t/trailing"), Some(&[11][..]));
        // Where `〔` (13..16) is, although `〔二〕` does not match.
        assert_eq!(possible.hits("t/bracket"), Some(&[15][..]));
        assert_eq!(possible.hits("t/title-space"), Some(&[1, 3, 7, 9, 11][..]));
        let none = set.prefilter.scan("a b c\n");
        assert!(!none.may_match("t/trailing"));
        assert!(none.may_match("t/title-space"));
    }

    /// With more rules served by their literals than the scanner takes, the
    /// Aho-Corasick automaton serves them: hits are where each literal
    /// starts, and a rule none of whose literals occurs cannot match.
    #[test]
    fn many_literal_rules_are_served_by_aho_corasick() {
        let rules: String = (0..=MAX_SCANNED_LITERAL_PATTERNS)
            .map(|i| {
                format!(
                    "[[rule]]\nid = \"r{i}\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\nliterals = [\"〔{i}〕\"]\n\n"
                )
            })
            .collect();
        let packs = pack_set(&rules);
        let set = packs.rule_set(&applied("t"));
        assert!(set.prefilter.automaton.is_some());
        let possible = set.prefilter.scan("甲〔7〕乙\n");
        assert_eq!(possible.hits("t/r7"), Some(&[3][..]));
        assert!(!possible.may_match("t/r8"));
    }

    fn syntax(pattern: &str) -> Hir {
        match regex_syntax::parse(pattern) {
            Ok(hir) => hir,
            Err(e) => panic!("{pattern}: {e}"),
        }
    }

    /// The part every match begins with: cut before the first repeated wide
    /// class, which is kept once when it must occur; `None` when a branch
    /// may begin with it.
    #[test]
    fn the_part_every_match_begins_with() {
        let prefix = |pattern: &str| necessary_prefix(&syntax(pattern));
        assert_eq!(
            prefix(r"\p{Han}[_|｜]\p{Han}{2,8}[_|｜]\p{Han}"),
            Some(syntax(r"\p{Han}[_|｜]\p{Han}"))
        );
        assert_eq!(prefix("《[^》]*》"), Some(syntax("《")));
        assert_eq!(prefix("(?P<m>-{2,})x"), Some(syntax("(?P<m>-{2,})x")));
        assert_eq!(prefix("a|[^x]*b"), None);
        assert_eq!(prefix("a[^x]{1,3}|c"), Some(syntax("a[^x]|c")));
        // Without the wide part it begins with, what is left matches inside.
        let inner = |pattern: &str| without_leading_wide_classes(syntax(pattern));
        assert_eq!(inner(r"\p{Han}[_|｜]\p{Han}"), syntax(r"[_|｜]\p{Han}"));
        assert_eq!(
            inner(r"(?m:^|[^0-9])(?P<m>62[0-9]{3})"),
            syntax("(?P<m>62[0-9]{3})")
        );
        assert_eq!(inner("(?m)^a"), syntax("(?m)^a"));
    }

    /// Literals drawn with table marks (`-`, `|`) are searched in their
    /// pattern's context, so a Markdown table's rules and bars are not
    /// places where the pattern may match; other literals are searched
    /// alone.
    #[test]
    fn table_marks_are_searched_in_their_context() {
        let packs = pack_set(
            "[[rule]]\nid = \"dash\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\npattern = '\\p{Han}(?P<m>-{2,})\\p{Han}'\n\n\
             [[rule]]\nid = \"bracket\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\npattern = '\\p{Han}〔[0-9]{4}〕'\n",
        );
        let set = packs.rule_set(&applied("t"));
        let text = "| 项目 | 数量 |\n|---|---|\n甲--乙〔二〕\n";
        let possible = set.prefilter.scan(text);
        // `甲--乙` is at 30..38: `--乙` ends there, its last byte 37.
        assert_eq!(possible.hits("t/dash"), Some(&[37][..]));
        // `〔` alone, where it is (38..41), although `〔二〕` does not match.
        assert_eq!(possible.hits("t/bracket"), Some(&[40][..]));
    }

    /// A pattern that may match the empty string names the end of each
    /// match too, so that an empty match at a block's end is not lost.
    #[test]
    fn empty_matches_are_named_by_their_end() {
        let packs = pack_set(
            "[[rule]]\nid = \"empty-line\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\npattern = '[ ]*$'\n",
        );
        let set = packs.rule_set(&applied("t"));
        let possible = set.prefilter.scan("ab\n");
        assert_eq!(possible.hits("t/empty-line"), Some(&[1, 2, 3][..]));
    }

    /// Every block in which a shipped pattern matches holds one of the
    /// places the prefilter names for it, on the rules' own examples, the
    /// example reports and the seed reports (when present): the prefilter
    /// never hides a match, whichever way it serves a rule.
    #[test]
    fn every_block_with_a_match_holds_a_hit() {
        let packs = PackSet::embedded();
        let all: Vec<Applied> = (packs.packs().iter())
            .flat_map(|pack| applied(&pack.id))
            .collect();
        let set = packs.rule_set(&all);
        let texts = crate::check::testing::shipped_texts(&packs);
        let mut checked = 0;
        for text in &texts {
            let report = Report::parse(text);
            let possible = set.prefilter.scan(text);
            for rule in &set.rules {
                let Kind::Pattern(p) = &rule.kind else {
                    continue;
                };
                if !p.by_blocks() {
                    continue;
                }
                let hits = possible.hits(&rule.info.id);
                for block in &report.blocks {
                    if p.block_matches(text, block).is_none() {
                        continue;
                    }
                    checked += 1;
                    assert!(
                        hits.is_none_or(|h| h.iter().any(|at| block.range.contains(at))),
                        "{}: a match in {:?} of {:?} with no hit",
                        rule.info.id,
                        block.range,
                        text.get(block.range.clone())
                    );
                }
            }
        }
        assert!(checked > 100, "only {checked} blocks with a match checked");
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
