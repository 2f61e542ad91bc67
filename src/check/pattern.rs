//! `kind = "pattern"`: text that should not be there — a wrong regulation
//! name, a template placeholder, injected spam, a typo — with an optional
//! replacement fix.
//!
//! The pattern is a Rust regular expression, `^`/`$` match at line
//! boundaries (`\n` or `\r\n`). Each block of the rule's scope is searched
//! on its own, so a match never spans two blocks and a block's matches
//! depend on its text alone (what the incremental engine relies on). A
//! group named `m` narrows the flagged (and replaced) range to part of the
//! match, standing in for the look-behind the engine lacks; an alternation
//! may name one such group per branch (`m`, `m2`, `m3`…), since a name can
//! be used once only. A `validate` check (which may depend on the report
//! year) filters the matches when the findings are made.
//! `swap` is the dictionary form: wrong → right, searched literally.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::OnceLock;

use memchr::memmem;
use regex::{Captures, Regex};
use regex_syntax::hir::Hir;

use super::prefilter::PatternFacts;
use super::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix, Related};
use crate::pack::schema::{RuleSpec, Scope, Validator};
use crate::pack::{PackError, PackRegex, PackSource, group_names};
use crate::report::{Block, BlockKind};

#[derive(Clone, Debug)]
pub struct Pattern {
    matcher: PackRegex,
    /// Indices of the groups that narrow the flagged range (`m`, `m2`…).
    flag_groups: Vec<usize>,
    exclude: Option<PackRegex>,
    /// Finders for literals every `exclude` match holds one of, when there
    /// are a few; read from its syntax on first need.
    exclude_needs: OnceLock<Option<Vec<memmem::Finder<'static>>>>,
    scope: Scope,
    /// Only in sections whose heading title matches.
    section: Option<PackRegex>,
    /// What the prefilter knows of `matcher`.
    facts: PatternFacts,
    fix: Option<Replacement>,
    /// Above this many matches, one finding stands for all of them (a text
    /// whose punctuation was converted wholesale is one problem, not 300).
    group_above: Option<usize>,
    group_message: String,
    /// A check a match must pass to be a finding.
    validate: Option<Validator>,
}

/// An `exclude` pattern with more literals than this is searched in every
/// block holding a match of the rule.
const MAX_EXCLUDE_LITERALS: usize = 8;

const DEFAULT_GROUP_MESSAGE: &str = "{message}（全文共 {count} 处，修复将一并更正）";

#[derive(Clone, Debug)]
struct Replacement {
    with: With,
    applicability: Applicability,
    title: Option<String>,
}

#[derive(Clone, Debug)]
enum With {
    /// A template expanded with the match's groups.
    Template(String),
    /// A per-character table (a handful of entries: ordered lookups cost
    /// less than hashing every character of every match).
    Translate(BTreeMap<char, String>),
    /// The right text for each wrong one (`swap`).
    Swap(HashMap<String, String>),
}

/// Compiles `pattern` or `literals` of a pattern-like rule into one regex with
/// line anchors.
pub(super) fn matcher(src: &PackSource, spec: &RuleSpec) -> Result<PackRegex, PackError> {
    let at = spec.id.span().start;
    let literals = match (&spec.literals, &spec.swap) {
        (Some(_), Some(_)) => {
            return Err(PackError::at(
                src,
                at,
                format!("规则 “{}” 不能同时设置 literals 和 swap", spec.id.get_ref()),
            ));
        }
        (Some(literals), None) => Some(literals.clone()),
        // Longest first, so a longer wrong form wins over its prefix.
        (None, Some(swap)) => {
            let mut keys: Vec<String> = swap.keys().cloned().collect();
            keys.sort_by_key(|k| std::cmp::Reverse(k.chars().count()));
            Some(keys)
        }
        (None, None) => None,
    };
    match (&spec.pattern, &literals) {
        (Some(pattern), None) => {
            // CRLF mode: `$` matches before a `\r\n` as at a block's end.
            let anchored =
                toml::Spanned::new(pattern.span(), format!("(?Rm){}", pattern.get_ref()));
            super::compile_regex(src, &anchored, "pattern ")
        }
        (None, Some(literals)) if !literals.is_empty() => {
            let alternation: Vec<String> = literals.iter().map(|l| regex::escape(l)).collect();
            let joined = toml::Spanned::new(spec.id.span(), alternation.join("|"));
            super::compile_regex(src, &joined, "literals ")
        }
        (Some(_), Some(_)) => Err(PackError::at(
            src,
            at,
            format!(
                "规则 “{}” 不能同时设置 pattern 和 literals/swap",
                spec.id.get_ref()
            ),
        )),
        _ => Err(PackError::at(
            src,
            at,
            format!(
                "规则 “{}”（kind = \"{}\"）需要 pattern、literals 或 swap",
                spec.id.get_ref(),
                spec.kind.as_str()
            ),
        )),
    }
}

impl Pattern {
    pub(super) fn compile(src: &PackSource, spec: &RuleSpec) -> Result<Pattern, PackError> {
        let matcher = matcher(src, spec)?;
        let exclude = spec
            .exclude
            .as_ref()
            .map(|p| {
                let anchored = toml::Spanned::new(p.span(), format!("(?Rm){}", p.get_ref()));
                super::compile_regex(src, &anchored, "exclude ")
            })
            .transpose()?;
        let fixes = [
            spec.replace.is_some(),
            spec.translate.is_some(),
            spec.swap.is_some(),
        ];
        if fixes.iter().filter(|set| **set).count() > 1 {
            return Err(PackError::at(
                src,
                spec.id.span().start,
                format!(
                    "规则 “{}” 的 replace、translate、swap 只能设置其一",
                    spec.id.get_ref()
                ),
            ));
        }
        let with = match (&spec.replace, &spec.translate) {
            _ if spec.swap.is_some() => spec
                .swap
                .as_ref()
                .map(|swap| With::Swap(swap.iter().map(|(k, v)| (k.clone(), v.clone())).collect())),
            (Some(template), _) => Some(With::Template(template.clone())),
            (None, Some(table)) => {
                let mut map = BTreeMap::new();
                for (from, to) in table {
                    let mut chars = from.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => {
                            map.insert(c, to.clone());
                        }
                        _ => {
                            return Err(PackError::at(
                                src,
                                spec.id.span().start,
                                format!(
                                    "规则 “{}” 的 translate 键必须是单个字符，而 “{from}” 不是",
                                    spec.id.get_ref()
                                ),
                            ));
                        }
                    }
                }
                Some(With::Translate(map))
            }
            (None, None) => None,
        };
        let fix = with.map(|with| Replacement {
            with,
            applicability: if spec.fix_safe.unwrap_or(true) {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            },
            title: spec.fix_title.clone(),
        });
        let facts = PatternFacts::of(&matcher);
        Ok(Pattern {
            flag_groups: facts.syntax().map(flag_groups).unwrap_or_default(),
            facts,
            matcher,
            exclude,
            exclude_needs: OnceLock::new(),
            scope: spec.scope.unwrap_or_default(),
            section: section_filter(src, spec)?,
            fix,
            group_above: spec.group_above,
            group_message: spec
                .group_message
                .clone()
                .unwrap_or_else(|| DEFAULT_GROUP_MESSAGE.to_owned()),
            validate: spec.validate,
        })
    }

    pub(super) fn has_fix(&self) -> bool {
        self.fix.is_some()
    }

    /// The regular expression.
    #[cfg(test)]
    pub(super) fn regex(&self) -> &Regex {
        &self.matcher
    }

    /// What the engine's document-wide prefilter knows of the pattern.
    pub(super) fn facts(&self) -> &PatternFacts {
        &self.facts
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        if !cx.may_match(sink.rule_id()) {
            return;
        }
        if self.scope == Scope::Title {
            let mut found = Vec::new();
            if let Some(title) = &cx.report.meta.title {
                self.search(cx.slice(title), title.start, &mut found);
            }
            self.report_matches(cx, sink, found);
            return;
        }
        let parts = self.matches_by_block(cx, cx.literal_hits(sink.rule_id()));
        let heads = self.section.as_ref().map(|re| section_heads(cx, re));
        self.finish(
            cx,
            sink,
            parts.iter().map(|(b, m)| (*b, m.as_slice())),
            heads.as_deref(),
        );
    }

    pub(super) fn section(&self) -> Option<&Regex> {
        self.section.as_deref()
    }

    /// Whether the rule's findings are made block by block (all scopes but
    /// the title, which is not a block).
    pub(super) fn by_blocks(&self) -> bool {
        self.scope != Scope::Title
    }

    /// The matches in one block, each block searched on its own (offsets
    /// relative to the block); `None` when there are none.
    pub(super) fn block_matches(&self, text: &str, block: &Block) -> Option<Vec<Match>> {
        let mut found = Vec::new();
        self.search(text.get(block.range.clone())?, 0, &mut found);
        (!found.is_empty()).then_some(found)
    }

    /// The matches of every block holding any, in document order, as
    /// `block_matches` finds them. `hits`: see `candidate_blocks`.
    pub(super) fn matches_by_block(
        &self,
        cx: &Context,
        hits: Option<&[usize]>,
    ) -> Vec<(usize, Vec<Match>)> {
        let blocks = match self.candidate_blocks(cx, hits) {
            Candidates::Blocks(blocks) => blocks,
            Candidates::WholeText => match self.whole_text_matches(cx) {
                Some(parts) => return parts,
                None => blocks_touched(&self.matcher, cx),
            },
        };
        (blocks.into_iter())
            .filter_map(|b| Some((b, self.block_matches(cx.text, &cx.report.blocks[b])?)))
            .collect()
    }

    /// The blocks' matches from one search of the whole text, when each of
    /// its matches lies inside a block: a block searched on its own then
    /// finds exactly the matches inside it. (Its matches are matches of the
    /// whole text, since `^`/`$`/`\b` see a line break at a block's edges;
    /// and where the whole text's leftmost-first match inside the block is
    /// the block's, both searches go on from its end alike.) `None` when one
    /// crosses a block's edge (it holds a line break): then the blocks the
    /// matches touch are searched one by one (`blocks_touched`).
    fn whole_text_matches(&self, cx: &Context) -> Option<Vec<(usize, Vec<Match>)>> {
        let report = cx.report;
        let mut inside: Vec<(usize, Captures)> = Vec::new();
        for caps in self.matcher.captures_iter(cx.text) {
            let Some(whole) = caps.get(0) else { continue };
            let b = report.block_at(whole.start())?;
            let block = &report.blocks[b].range;
            if whole.start() < block.start || whole.end() > block.end {
                return None;
            }
            inside.push((b, caps));
        }
        let mut parts: Vec<(usize, Vec<Match>)> = Vec::new();
        let mut excluded = None;
        for (b, caps) in &inside {
            let block = &report.blocks[*b].range;
            if parts.last().is_none_or(|(last, _)| last != b) {
                parts.push((*b, Vec::new()));
                excluded = None;
            }
            let haystack = cx.text.get(block.clone()).unwrap_or("");
            if let Some(m) = self.accept(caps, haystack, block.start, &mut excluded)
                && let Some((_, found)) = parts.last_mut()
            {
                found.push(m);
            }
        }
        parts.retain(|(_, found)| !found.is_empty());
        Some(parts)
    }

    /// The findings from the matches of each block (in document order),
    /// keeping the blocks in the rule's scope and the matches that pass the
    /// rule's `validate` check.
    /// `heads`: the blocks heading the sections of the rule's `section`
    /// filter (see `section_heads`).
    pub(super) fn finish<'p>(
        &self,
        cx: &Context,
        sink: &mut Sink,
        parts: impl Iterator<Item = (usize, &'p [Match])>,
        heads: Option<&[usize]>,
    ) {
        let sections = heads.map(|heads| section_blocks(cx, heads));
        let mut found = Vec::new();
        for (b, matches) in parts {
            if !in_rule_scope(cx, self.scope, sections.as_deref(), b) {
                continue;
            }
            let base = cx.report.blocks[b].range.start;
            found.extend(
                matches
                    .iter()
                    .map(|m| Match {
                        range: base + m.range.start..base + m.range.end,
                        replacement: m.replacement.clone(),
                    })
                    .filter(|m| self.passes(cx, cx.slice(&m.range))),
            );
        }
        self.report_matches(cx, sink, found);
    }

    /// Where to look for the matches: the whole text at once (far cheaper
    /// than a search per block), unless the pattern uses `\A` or `\z` (then
    /// every block), or the rule's scope is headings or tables, or the
    /// prefilter narrows the search to a few blocks.
    ///
    /// With `hits`, offsets such that a block holding a match holds one
    /// (where its literals occur or its matches end, see `Prefilter`), the
    /// blocks holding one are the candidates.
    fn candidate_blocks(&self, cx: &Context, hits: Option<&[usize]>) -> Candidates {
        let report = cx.report;
        // Headings and tables are a small part of a report: their blocks,
        // searched one by one, are less text than the whole. (Only scopes a
        // block's kind decides: the live check keeps these blocks' parts
        // while the rest of the report changes around them, and a block
        // enters or leaves the preamble when a heading elsewhere does.)
        let narrow = matches!(self.scope, Scope::Headings | Scope::Tables);
        let in_scope = |b: &usize| in_rule_scope(cx, self.scope, None, *b);
        if let Some(hits) = hits {
            let mut out: Vec<usize> = hits.iter().filter_map(|&at| report.block_at(at)).collect();
            out.dedup();
            if narrow {
                out.retain(in_scope);
                return Candidates::Blocks(out);
            }
            // Where the literals are common (`年`, `。`), one search of the
            // text costs less than searching most blocks one by one.
            if out.len() * 4 <= report.blocks.len() {
                return Candidates::Blocks(out);
            }
        }
        if narrow {
            return Candidates::Blocks((0..report.blocks.len()).filter(in_scope).collect());
        }
        if self.facts.text_anchored() {
            return Candidates::Blocks((0..report.blocks.len()).collect());
        }
        Candidates::WholeText
    }

    fn report_matches(&self, cx: &Context, sink: &mut Sink, found: Vec<Match>) {
        match self.group_above {
            Some(limit) if found.len() > limit => self.report_group(cx, sink, found),
            _ => {
                for m in found {
                    let (message, fix) = self.finding(cx, sink, &m);
                    sink.report(m.range, message, Vec::new(), fix);
                }
            }
        }
    }

    /// Searches `haystack` on its own; offsets are shifted by `base`.
    fn search(&self, haystack: &str, base: usize, found: &mut Vec<Match>) {
        let mut excluded = None;
        for caps in self.matcher.captures_iter(haystack) {
            if let Some(Match { range, replacement }) =
                self.accept(&caps, haystack, 0, &mut excluded)
            {
                found.push(Match {
                    range: base + range.start..base + range.end,
                    replacement,
                });
            }
        }
    }

    /// What one match of the pattern is for the rule, with offsets relative
    /// to `haystack`, which starts at `at` of the text `caps` is from: its
    /// flagged part, with its replacement when the rule has a fix; `None`
    /// when that part is empty or overlaps the rule's `exclude` matches in
    /// `haystack` (found on first need into `excluded`).
    fn accept(
        &self,
        caps: &Captures,
        haystack: &str,
        at: usize,
        excluded: &mut Option<Vec<Range<usize>>>,
    ) -> Option<Match> {
        let flagged = self.flagged(caps).or_else(|| caps.get(0))?;
        if flagged.is_empty() {
            return None;
        }
        let range = flagged.start() - at..flagged.end() - at;
        if self.exclude.is_some() {
            let spans = excluded.get_or_insert_with(|| self.exclusions(haystack));
            if overlaps(spans, range.clone()) {
                return None;
            }
        }
        Some(Match {
            range,
            replacement: (self.fix.as_ref()).map(|r| r.replacement(caps, flagged.as_str())),
        })
    }

    /// The part of a match to flag: the first `m`, `m2`… group that took
    /// part in it.
    fn flagged<'h>(&self, caps: &Captures<'h>) -> Option<regex::Match<'h>> {
        self.flag_groups.iter().find_map(|&i| caps.get(i))
    }

    /// Whether the flagged text passes the rule's `validate` check.
    fn passes(&self, cx: &Context, flagged: &str) -> bool {
        self.validate
            .is_none_or(|v| super::validate::accepts(v, flagged, cx.year))
    }

    /// Where the rule's `exclude` pattern matches in `haystack`: matches
    /// overlapping them are not findings.
    fn exclusions(&self, haystack: &str) -> Vec<Range<usize>> {
        let Some(exclude) = &self.exclude else {
            return Vec::new();
        };
        // A block holding none of the literals every match holds has no
        // match: most blocks, and a few finders cost less than the search.
        let needs = self.exclude_needs.get_or_init(|| {
            let literals = PatternFacts::of(exclude).required_literals()?.to_vec();
            (literals.len() <= MAX_EXCLUDE_LITERALS).then(|| {
                (literals.iter())
                    .map(|l| memmem::Finder::new(l).into_owned())
                    .collect()
            })
        });
        if let Some(needs) = needs
            && !needs.iter().any(|n| n.find(haystack.as_bytes()).is_some())
        {
            return Vec::new();
        }
        exclude.find_iter(haystack).map(|m| m.range()).collect()
    }

    /// The message and fix of one match.
    fn finding(&self, cx: &Context, sink: &Sink, m: &Match) -> (String, Option<Fix>) {
        let text = cx.slice(&m.range);
        let report_year = cx.year.map(|y| y.to_string()).unwrap_or_default();
        let message = sink.message(&[
            ("match", text),
            ("replacement", m.replacement.as_deref().unwrap_or("")),
            ("report-year", &report_year),
        ]);
        let fix = self
            .fix
            .as_ref()
            .zip(m.replacement.as_ref())
            .and_then(|(r, new)| {
                (new != text).then(|| {
                    let title = r.title.clone().unwrap_or_else(|| format!("改为“{new}”"));
                    Fix::new(
                        title,
                        r.applicability,
                        vec![Edit::replace(m.range.clone(), new.clone())],
                    )
                })
            });
        (message, fix)
    }

    /// One finding, on the first match, whose fix corrects every match. A
    /// rule without a fix lists the other matches as related locations
    /// instead, so each can still be found.
    fn report_group(&self, cx: &Context, sink: &mut Sink, found: Vec<Match>) {
        let count = found.len();
        let Some(first) = found.first() else {
            return;
        };
        let related = if self.fix.is_none() {
            found
                .iter()
                .skip(1)
                .map(|m| Related {
                    range: m.range.clone(),
                    message: format!("同类问题：“{}”", cx.slice(&m.range)),
                })
                .collect()
        } else {
            Vec::new()
        };
        let (first_message, _) = self.finding(cx, sink, first);
        let message = self
            .group_message
            .replace("{message}", &first_message)
            .replace("{count}", &count.to_string());
        let range = first.range.clone();
        let fix = self.fix.as_ref().and_then(|r| {
            let edits: Vec<Edit> = found
                .into_iter()
                .filter_map(|m| {
                    let new = m.replacement?;
                    (new != cx.slice(&m.range)).then(|| Edit::replace(m.range, new))
                })
                .collect();
            // The pack's fix title when it has one; the first match's
            // ("改为“，”") would misdescribe a group of different marks.
            let title = r.title.clone().unwrap_or_else(|| "更正".to_owned());
            (!edits.is_empty()).then(|| {
                Fix::new(
                    format!("全文 {count} 处一并{title}"),
                    r.applicability,
                    edits,
                )
            })
        });
        sink.report(range, message, related, fix);
    }
}

/// The blocks the whole text's matches of `re` touch, ascending: each block
/// where a search of the block on its own can find a match (it is one of the
/// whole text's, or overlaps one, since a block's neighbours are line breaks
/// and `^`/`$` are in CRLF mode). Not for a pattern using `\A` or `\z`.
pub(super) fn blocks_touched(re: &Regex, cx: &Context) -> Vec<usize> {
    let mut touched: Vec<usize> = Vec::new();
    for spanned in re
        .find_iter(cx.text)
        .filter_map(|m| cx.report.blocks_over(m.range()))
    {
        let (first, last) = spanned.into_inner();
        let from = touched.last().map_or(first, |&l| first.max(l + 1));
        touched.extend(from..=last);
    }
    touched
}

/// Where the matches of a pattern rule are looked for.
enum Candidates {
    /// These blocks, each on its own.
    Blocks(Vec<usize>),
    /// The whole text, at once (see `Pattern::whole_text_matches`).
    WholeText,
}

/// A match before it becomes a finding: messages and fixes are made only for
/// the findings reported one by one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Match {
    range: Range<usize>,
    replacement: Option<String>,
}

impl Replacement {
    fn replacement(&self, caps: &Captures, found: &str) -> String {
        match &self.with {
            With::Template(template) => {
                let mut out = String::new();
                caps.expand(template, &mut out);
                out
            }
            With::Translate(table) => {
                // Room for ASCII marks made full-width (three bytes each).
                let mut out = String::with_capacity(found.len().saturating_mul(3));
                for c in found.chars() {
                    match table.get(&c) {
                        Some(to) => out.push_str(to),
                        None => out.push(c),
                    }
                }
                out
            }
            With::Swap(table) => table
                .get(found)
                .cloned()
                .unwrap_or_else(|| found.to_owned()),
        }
    }
}

/// The groups named `m`, `m2`, `m3`… of a pattern, in order.
fn flag_groups(syntax: &Hir) -> Vec<usize> {
    group_names(syntax)
        .into_iter()
        .enumerate()
        .filter(|(_, name)| {
            name.as_deref()
                .and_then(|n| n.strip_prefix('m'))
                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
        })
        .map(|(i, _)| i)
        .collect()
}

fn overlaps(spans: &[Range<usize>], range: Range<usize>) -> bool {
    spans
        .iter()
        .any(|m| m.start < range.end && range.start < m.end)
}

/// Whether a block of this kind is in a scope (for the block scopes).
fn in_scope(kind: &BlockKind, scope: Scope) -> bool {
    match (kind, scope) {
        (BlockKind::Blank | BlockKind::PageNumber, _) => false,
        (_, Scope::All) => true,
        (BlockKind::Table(_), Scope::Tables) => true,
        (BlockKind::Table(_), _) => false,
        (BlockKind::Heading(_), Scope::Headings) => true,
        (BlockKind::Paragraph, Scope::Paragraphs) => true,
        (_, Scope::Text) => true,
        _ => false,
    }
}

/// Whether block `i` is in a block scope (not the title) and, with
/// `sections`, inside one of those block ranges.
pub(super) fn in_rule_scope(
    cx: &Context,
    scope: Scope,
    sections: Option<&[Range<usize>]>,
    i: usize,
) -> bool {
    let report = cx.report;
    let Some(block) = report.blocks.get(i) else {
        return false;
    };
    if sections.is_some_and(|s| !s.iter().any(|r| r.contains(&i))) {
        return false;
    }
    match scope {
        Scope::Title => false,
        Scope::Preamble => {
            report.meta.preamble.contains(&i)
                && !matches!(block.kind, BlockKind::Blank | BlockKind::PageNumber)
        }
        _ => in_scope(&block.kind, scope),
    }
}

/// The heading blocks whose title matches a rule's `section` filter, in
/// document order.
pub(super) fn section_heads(cx: &Context, re: &Regex) -> Vec<usize> {
    (cx.report.blocks.iter().enumerate())
        .filter(|(_, block)| is_section_head(cx.text, block, re))
        .map(|(b, _)| b)
        .collect()
}

/// Whether a block is a heading whose title matches `re` (a property of the
/// block alone: the live check keeps it per block).
pub(super) fn is_section_head(text: &str, block: &Block, re: &Regex) -> bool {
    matches!(&block.kind, BlockKind::Heading(h)
        if text.get(h.title_range.clone()).is_some_and(|title| re.is_match(title)))
}

/// The block ranges (heading and content) of the sections these heading
/// blocks start.
pub(super) fn section_blocks(cx: &Context, heads: &[usize]) -> Vec<Range<usize>> {
    heads
        .iter()
        .filter_map(|&h| cx.report.section_headed_by(h))
        .map(|s| s.heading..s.content.end)
        .collect()
}

/// Compiles a rule's `section` field.
pub(super) fn section_filter(
    src: &PackSource,
    spec: &RuleSpec,
) -> Result<Option<PackRegex>, PackError> {
    spec.section
        .as_ref()
        .map(|p| super::compile_regex(src, p, "section "))
        .transpose()
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check_rule, check_rule_in_year, fixed};

    const RULE: &str = r#"
id = "regulation-name"
kind = "pattern"
severity = "error"
message = "法规名称有误：“{match}”应为“{replacement}”"
literals = ["《中华人民共和国政府信息公开工作条例》", "《政府信息公开工作条例》"]
replace = "《中华人民共和国政府信息公开条例》"
"#;

    #[test]
    fn literal_with_replacement_fix() {
        let text = "根据《中华人民共和国政府信息公开工作条例》要求编制。\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(
            &text[d.range.clone()],
            "《中华人民共和国政府信息公开工作条例》"
        );
        assert_eq!(
            d.message,
            "法规名称有误：“《中华人民共和国政府信息公开工作条例》”应为“《中华人民共和国政府信息公开条例》”"
        );
        assert_eq!(
            fixed(text, d),
            "根据《中华人民共和国政府信息公开条例》要求编制。\n"
        );
        assert!(d.fix.as_ref().unwrap().is_safe());
    }

    #[test]
    fn correct_name_is_silent() {
        assert!(check_rule(RULE, "根据《中华人民共和国政府信息公开条例》要求编制。").is_empty());
    }

    #[test]
    fn group_m_narrows_the_range_and_exclude_skips() {
        let rule = r#"
id = "placeholder-star"
kind = "pattern"
severity = "error"
message = "模板占位符“{match}”未替换"
pattern = '(?:^|\p{Han})(?P<m>\*+)'
exclude = '1[3-9]\d\*{4}\d{4}'
"#;
        let text = "***市人口和计划生育局\n联系电话138****1234\n按照*市规定";
        let found = check_rule(rule, text);
        let flagged: Vec<&str> = found.iter().map(|d| &text[d.range.clone()]).collect();
        assert_eq!(flagged, ["***", "*"]);
    }

    #[test]
    fn swap_replaces_each_wrong_form_with_its_right_one() {
        let rule = r#"
id = "typos"
kind = "pattern"
severity = "warning"
message = "“{match}”应为“{replacement}”"
swap = { "具统计" = "据统计", "布署" = "部署" }
"#;
        let text = "具统计，全年布署三项工作。";
        let found = check_rule(rule, text);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["“具统计”应为“据统计”", "“布署”应为“部署”"]);
        assert_eq!(fixed(text, &found[1]), "具统计，全年部署三项工作。");
    }

    #[test]
    fn many_matches_are_grouped_into_one_finding_with_one_fix() {
        let rule = r#"
id = "halfwidth"
kind = "pattern"
severity = "warning"
message = "半角标点“{match}”"
pattern = '\p{Han}(?P<m>[,;])'
translate = { "," = "，", ";" = "；" }
group-above = 2
"#;
        let text = "甲,乙,丙;丁";
        let found = check_rule(rule, text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "半角标点“,”（全文共 3 处，修复将一并更正）"
        );
        assert_eq!(fixed(text, &found[0]), "甲，乙，丙；丁");
        // At or below the limit, each match is its own finding.
        assert_eq!(check_rule(rule, "甲,乙;丙").len(), 2);
    }

    #[test]
    fn translate_maps_each_character() {
        let rule = r#"
id = "halfwidth"
kind = "pattern"
severity = "warning"
message = "中文中使用了半角标点“{match}”"
pattern = '\p{Han}(?P<m>[,;:])'
translate = { "," = "，", ";" = "；", ":" = "：" }
"#;
        let text = "高碑店乡,政务公开;成效:显著";
        let found = check_rule(rule, text);
        assert_eq!(found.len(), 3);
        assert_eq!(fixed(text, &found[0]), "高碑店乡，政务公开;成效:显著");
    }

    #[test]
    fn scope_headings_ignores_paragraphs() {
        let rule = r#"
id = "heading-dunhao"
kind = "pattern"
severity = "warning"
message = "标题序号“1、”应写作“1.”"
pattern = '^[\s　]*\d{1,2}(?P<m>、)'
replace = "."
scope = "headings"
"#;
        let text = "一、概述\n1、公开情况\n2、3月份开展培训。\n";
        let found = check_rule(rule, text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            fixed(text, &found[0]),
            "一、概述\n1.公开情况\n2、3月份开展培训。\n"
        );
    }

    #[test]
    fn validate_keeps_only_matches_that_pass_the_check() {
        let rule = r#"
id = "id-card"
kind = "pattern"
severity = "error"
message = "身份证号码“{match}”未遮盖"
pattern = '(?:^|\D)(?P<m>\d{17}[\dXx])(?:\D|$)'
validate = "id-card"
"#;
        let text = "申请人身份证号11010519491231002X，档案号110105194912310021。";
        let found = check_rule(rule, text);
        let flagged: Vec<&str> = found.iter().map(|d| &text[d.range.clone()]).collect();
        assert_eq!(flagged, ["11010519491231002X"]);
    }

    #[test]
    fn other_year_compares_with_the_report_year() {
        let rule = r#"
id = "period-year"
kind = "pattern"
severity = "warning"
message = "统计期限“{match}”与报告年度 {report-year} 不符"
pattern = '统计期限[^。\n]{0,10}?(?P<m>\d{4}年1月1日[^。\n]{0,12}?12月31日)'
validate = "other-year"
"#;
        let text = "本报告统计期限自2021年1月1日起至2021年12月31日止。";
        let found = check_rule_in_year(rule, text, Some(2022));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "统计期限“2021年1月1日起至2021年12月31日”与报告年度 2022 不符"
        );
        assert!(check_rule_in_year(rule, text, Some(2021)).is_empty());
        // Without a report year there is nothing to compare with.
        assert!(check_rule_in_year(rule, text, None).is_empty());
    }

    #[test]
    fn a_group_without_a_fix_lists_every_place() {
        let rule = r#"
id = "placeholder"
kind = "pattern"
severity = "error"
message = "占位符“{match}”"
literals = ["××"]
group-above = 2
"#;
        let text = "××市\n××县\n××乡\n";
        let found = check_rule(rule, text);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
        let related: Vec<usize> = found[0].related.iter().map(|r| r.range.start).collect();
        assert_eq!(related, [8, 16]);
    }

    #[test]
    fn each_branch_may_name_its_flagged_group() {
        let rule = r#"
id = "halfwidth"
kind = "pattern"
severity = "warning"
message = "半角“{match}”应为“{replacement}”"
pattern = '\p{Han}(?P<m>[,:])|(?P<m2>\([^()\n]*\p{Han}[^()\n]*\))'
translate = { "," = "，", ":" = "：", "(" = "（", ")" = "）" }
"#;
        let text = "要点(朝政办发)等,落实";
        let found = check_rule(rule, text);
        let flagged: Vec<&str> = found.iter().map(|d| &text[d.range.clone()]).collect();
        assert_eq!(flagged, ["(朝政办发)", ","]);
        assert_eq!(found[0].message, "半角“(朝政办发)”应为“（朝政办发）”");
    }

    /// The pack set of one rule.
    fn one_rule(rule: &str) -> crate::pack::PackSet {
        let pack = format!(
            "[pack]\nid = \"t\"\nname = \"测试\"\nlevel = \"custom\"\nversion = \"0\"\n\n[[rule]]\n{rule}"
        );
        let packs = crate::pack::PackSet::new(&[crate::pack::PackSource {
            origin: "t.toml".to_owned(),
            text: pack,
        }]);
        match packs {
            Ok(packs) => packs,
            Err(e) => panic!("{e}"),
        }
    }

    fn pattern_of(rule: &crate::check::CompiledRule) -> &super::Pattern {
        match &rule.kind {
            crate::check::Kind::Pattern(p) => p,
            _ => panic!("not a pattern rule"),
        }
    }

    /// Each block's matches, from a search of each block on its own.
    fn searched_block_by_block(
        p: &super::Pattern,
        text: &str,
        report: &crate::report::Report,
    ) -> Vec<(usize, Vec<super::Match>)> {
        (report.blocks.iter().enumerate())
            .filter_map(|(b, block)| Some((b, p.block_matches(text, block)?)))
            .collect()
    }

    #[test]
    fn one_search_of_the_text_finds_each_blocks_matches() {
        let packs = crate::pack::PackSet::embedded();
        let texts = crate::check::testing::shipped_texts(&packs);
        let (mut whole, mut crossing) = (0, 0);
        for text in &texts {
            let report = crate::report::Report::parse(text);
            let cx = crate::check::Context::new(text, &report, None, None);
            for rule in packs.all_rules() {
                let crate::check::Kind::Pattern(p) = &rule.kind else {
                    continue;
                };
                if !p.by_blocks() || p.facts().text_anchored() {
                    continue;
                }
                match p.whole_text_matches(&cx) {
                    Some(parts) => {
                        whole += usize::from(!parts.is_empty());
                        assert_eq!(
                            parts,
                            searched_block_by_block(p, text, &report),
                            "{}",
                            rule.info.id
                        );
                    }
                    None => crossing += 1,
                }
            }
        }
        assert!(
            whole > 100,
            "only {whole} texts' matches taken from the whole text"
        );
        // A shipped pattern may match across a line break (`\s`).
        assert!(crossing > 0);
    }

    #[test]
    fn a_match_across_blocks_sends_the_search_block_by_block() {
        let rule = r#"
id = "across"
kind = "pattern"
severity = "warning"
message = "“{match}”"
pattern = '甲[^\n]*|乙\s+丙'
"#;
        let packs = one_rule(rule);
        let Some(compiled) = packs.all_rules().next() else {
            panic!("no rule")
        };
        let p = pattern_of(compiled);
        // `甲[^\n]*` takes the `\r` of a CRLF line end in the whole text,
        // past its block's end; `乙\s+丙` runs over a blank line.
        for text in ["甲一\r\n\r\n乙 丙\r\n", "乙\n\n丙 乙 丙\n"] {
            let report = crate::report::Report::parse(text);
            let cx = crate::check::Context::new(text, &report, None, None);
            assert!(p.whole_text_matches(&cx).is_none(), "{text:?}");
            assert_eq!(
                p.matches_by_block(&cx, None),
                searched_block_by_block(p, text, &report)
            );
        }
        let text = "甲一\r\n\r\n乙\n\n丙 乙 丙\r\n";
        let flagged: Vec<&str> = (check_rule(rule, text).iter())
            .map(|d| &text[d.range.clone()])
            .collect();
        assert_eq!(flagged, ["甲一", "乙 丙"]);
    }
}
