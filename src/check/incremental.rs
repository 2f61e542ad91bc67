//! Checking a text as it is edited (the language server's route): an edit
//! re-parses only the blocks around it (`report::LiveReport`) and re-runs
//! only what those blocks feed.
//!
//! Rules come in two sorts. Most are made *by blocks*: what a rule needs from
//! a block (a pattern's matches, whether a required text is there, the
//! repeated words, the sentence hashes a duplicate search compares) depends on
//! that block's text and kind alone, so it is computed once per block, kept
//! with the block (offsets relative to its start, so it survives the block
//! moving), and recomputed only for the blocks an edit re-parsed. The rule's
//! findings are then finished from these parts: scope and section filters,
//! grouping, the document-wide duplicate search over the cached hashes. The
//! rules about the whole report (required sections, numbering, empty
//! sections, metadata, anything on the title) run on the updated outline at
//! every edit; they read headings and metadata, not the whole text.
//!
//! `check` makes every by-block rule's findings from the same parts
//! (`Kind::block_part`, `Kind::finish`), so the two routes agree by
//! construction; a property test checks it after random edits. When the
//! report's year, issuer or packs change (the rules in effect change), every
//! block's parts are recomputed.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use regex::Regex;

use super::duplicated_paragraph::{
    FirstOccurrences, KeyCounts, Sentence, block_sentences, count_keys,
};
use super::duplicated_word::WordBuffers;
use super::engine::{Plan, mentions_by_block, rule_time_limit, run_guarded, sort_findings};
use super::paired_marks::Mark;
use super::pattern::{Match, is_section_head, section_heads};
use super::prose_arithmetic::{BlockClaims, block_claims};
use super::signals::SignalHit;
use super::{
    CheckOptions, CompiledRule, Context, Kind, Outcome, ReportSummary, RuleFailure, Sink,
    line_starts,
};
use crate::diagnostic::{Diagnostic, follow_edit};
use crate::pack::PackSet;
use crate::report::{Block, BlockKind, LiveReport, Reparsed, Report};

/// What a by-block rule keeps from one block (offsets relative to the block).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Part {
    /// A pattern's matches.
    Matches(Vec<Match>),
    /// A required text is in the block.
    Found,
    /// Repeated words.
    Words(Vec<Range<usize>>),
    /// A paragraph's sentences.
    Sentences(Vec<Sentence>),
    /// The sums, shares and announced count in a block.
    Claims(BlockClaims),
    /// Where signals meet.
    Signals(SignalHit),
    /// Paired marks.
    Marks(Vec<Mark>),
}

impl Part {
    fn sentences(&self) -> Option<&[Sentence]> {
        match self {
            Part::Sentences(s) => Some(s),
            _ => None,
        }
    }
}

impl Kind {
    /// Whether findings of this rule are made from per-block parts.
    pub(super) fn by_blocks(&self) -> bool {
        match self {
            Kind::Pattern(p) => p.by_blocks(),
            Kind::RequiredText(r) => r.by_blocks(),
            Kind::Signals(s) => s.by_blocks(),
            Kind::PairedMarks(m) => m.by_blocks(),
            Kind::DuplicatedWord(_) | Kind::DuplicatedParagraph(_) | Kind::ProseArithmetic(_) => {
                true
            }
            // Document-wide: they read the outline, the metadata or runs of
            // blocks (tables split by page footers).
            Kind::RequiredSections(_)
            | Kind::HeadingNumbering(_)
            | Kind::EmptySection(_)
            | Kind::Metadata(_)
            | Kind::Deadline(_)
            | Kind::Table(_) => false,
        }
    }

    /// Whether an edit cannot have changed the rule's findings other than
    /// by moving them with the text, given what it did to the rule's parts
    /// in the blocks it re-parsed. Each kind says what it reads beyond its
    /// parts.
    fn unaffected(
        &self,
        edit: &Untouched,
        parts: &PartsReplaced,
        tally: &Tally,
        found: &[Arc<Diagnostic>],
    ) -> bool {
        if !edit.blocks {
            return false;
        }
        // A heading whose title alone changed appears in a heading-numbering
        // finding only where its range or related places hold the label.
        let titles_unused = || {
            edit.retitled.as_ref().is_some_and(|retitled| {
                !found.iter().any(|d| {
                    let near = |r: &Range<usize>| {
                        retitled
                            .iter()
                            .any(|h| r.start <= h.end && h.start <= r.end)
                    };
                    near(&d.range) || d.related.iter().any(|r| near(&r.range))
                })
            })
        };
        // The re-parsed blocks had no part of the rule before the edit and
        // have none after it, and head the same sections.
        let quiet =
            self.by_blocks() && parts.removed.is_empty() && !parts.added && !parts.heads_changed;
        match self {
            // Their parts, block kinds, scopes and section heads.
            Kind::Pattern(_) | Kind::DuplicatedWord(_) | Kind::Signals(_) => quiet,
            // And the text between two parts while a mark is open.
            Kind::PairedMarks(_) => quiet && !tally.open_over(&edit.reparsed),
            // And the heading of a section the text is missing from.
            Kind::RequiredText(_) => quiet && edit.headings,
            // Their messages cite line numbers.
            Kind::DuplicatedParagraph(_) => quiet && edit.lines,
            // The headings' markers and numbers, and the labels of those in
            // its findings.
            Kind::HeadingNumbering(_) => edit.headings || titles_unused(),
            // The headings (a title may or may not announce content), the
            // outline and block kinds.
            Kind::EmptySection(_) => edit.headings,
            // The tables and the caption before each.
            Kind::Table(_) => !edit.caption,
            // Claims across blocks, the text around their insertion points
            // (required sections), the sign-off date: always run.
            Kind::ProseArithmetic(_)
            | Kind::RequiredSections(_)
            | Kind::Metadata(_)
            | Kind::Deadline(_) => false,
        }
    }

    /// After an edit, the findings of the blocks it re-parsed alone, for the
    /// kinds that can tell when that is exact (see
    /// `DuplicatedParagraph::refinish`, `PairedMarks::refinish`). Returns
    /// false, having reported nothing, when the rule must be finished afresh.
    fn refinish(
        &self,
        cx: &Context,
        sink: &mut Sink,
        edit: &EditDone,
        parts: &[(usize, Part)],
        replaced: &PartsReplaced,
        tally: &mut Tally,
    ) -> bool {
        let reparsed = parts.iter().filter(|(b, _)| edit.blocks.contains(b));
        let untouched = &edit.untouched;
        match self {
            Kind::DuplicatedParagraph(d) if untouched.blocks && untouched.lines => {
                let old: Vec<(usize, &[Sentence])> = (replaced.removed.iter())
                    .filter_map(|(b, part)| Some((*b, part.sentences()?)))
                    .collect();
                let new: Vec<(usize, &[Sentence])> = reparsed
                    .filter_map(|(b, part)| Some((*b, part.sentences()?)))
                    .collect();
                let sentences_of = |q: usize| {
                    let k = parts.binary_search_by_key(&q, |(b, _)| *b).ok()?;
                    parts[k].1.sentences()
                };
                let Tally { keys, first, .. } = tally;
                d.refinish(cx, sink, &old, &new, sentences_of, keys, first)
            }
            Kind::PairedMarks(m)
                if m.by_blocks() && untouched.blocks && !tally.open_over(&untouched.reparsed) =>
            {
                let marks = reparsed.filter_map(|(b, part)| match part {
                    Part::Marks(marks) => Some((*b, marks.as_slice())),
                    _ => None,
                });
                m.refinish(cx, sink, marks, &mut tally.open_spans)
            }
            _ => false,
        }
    }

    /// The rule's `section` filter: only in sections whose heading title
    /// matches.
    fn section_filter(&self) -> Option<&Regex> {
        match self {
            Kind::Pattern(p) => p.section(),
            Kind::RequiredText(r) => r.section(),
            _ => None,
        }
    }

    /// What the rule keeps from one block; `None` when there is nothing.
    /// `buffers`: see `DuplicatedWord::block_words`.
    fn block_part(&self, text: &str, block: &Block, buffers: &mut WordBuffers) -> Option<Part> {
        match self {
            Kind::Pattern(p) => p.block_matches(text, block).map(Part::Matches),
            Kind::RequiredText(r) => r.block_found(text, block).then_some(Part::Found),
            Kind::DuplicatedWord(w) => w.block_words(text, block, buffers).map(Part::Words),
            Kind::DuplicatedParagraph(_) => block_sentences(text, block).map(Part::Sentences),
            Kind::ProseArithmetic(_) => block_claims(text, block).map(Part::Claims),
            Kind::Signals(s) => s.block_hit(text, block).map(Part::Signals),
            Kind::PairedMarks(m) => m.block_marks(text, block).map(Part::Marks),
            _ => None,
        }
    }

    /// The findings made from the parts of every block that has one, in
    /// document order, and the rule's tally of them (see `Tally`).
    /// `heads`: the blocks heading the sections of the rule's `section`
    /// filter, for the rules that have one.
    fn finish(
        &self,
        cx: &Context,
        sink: &mut Sink,
        parts: &[(usize, Part)],
        tally: &mut Tally,
        heads: Option<&[usize]>,
    ) {
        match self {
            Kind::Pattern(p) => p.finish(
                cx,
                sink,
                parts.iter().filter_map(|(b, part)| match part {
                    Part::Matches(m) => Some((*b, m.as_slice())),
                    _ => None,
                }),
                heads,
            ),
            Kind::RequiredText(r) => r.finish(
                cx,
                sink,
                parts
                    .iter()
                    .filter(|(_, part)| matches!(part, Part::Found))
                    .map(|(b, _)| *b),
                heads,
            ),
            Kind::DuplicatedWord(w) => {
                for (b, part) in parts {
                    if let Part::Words(words) = part {
                        w.finish_block(cx, sink, *b, words);
                    }
                }
            }
            Kind::DuplicatedParagraph(d) => d.finish(
                cx,
                sink,
                parts.iter().filter_map(|(b, part)| match part {
                    Part::Sentences(s) => Some((*b, s.as_slice())),
                    _ => None,
                }),
                &tally.keys,
                Some(&mut tally.first),
            ),
            Kind::Signals(s) => s.finish(
                cx,
                sink,
                parts.iter().filter_map(|(b, part)| match part {
                    Part::Signals(hit) => Some((*b, hit)),
                    _ => None,
                }),
            ),
            Kind::ProseArithmetic(p) => p.finish(
                cx,
                sink,
                parts.iter().filter_map(|(b, part)| match part {
                    Part::Claims(c) => Some((*b, c)),
                    _ => None,
                }),
            ),
            Kind::PairedMarks(m) => m.finish(
                cx,
                sink,
                parts.iter().filter_map(|(b, part)| match part {
                    Part::Marks(marks) => Some((*b, marks.as_slice())),
                    _ => None,
                }),
                Some(&mut tally.open_spans),
            ),
            _ => {}
        }
    }
}

/// What a rule keeps about all its parts, updated as parts come and go, so
/// that finishing does not go over every part: how often each sentence occurs
/// (for the duplicate search).
#[derive(Clone, Debug, Default)]
pub(super) struct Tally {
    keys: KeyCounts,
    /// Where each repeated sentence first occurs (made when the rule is
    /// finished; for `DuplicatedParagraph::refinish`).
    first: FirstOccurrences,
    /// The blocks looked at between two parts while a mark was open (made
    /// when the rule is finished; see `PairedMarks::finish`).
    open_spans: Vec<Range<usize>>,
}

impl Tally {
    /// Whether a mark was open across any of the `blocks` when the rule was
    /// last finished.
    fn open_over(&self, blocks: &Range<usize>) -> bool {
        (self.open_spans.iter()).any(|s| s.start < blocks.end && blocks.start < s.end)
    }

    fn count(&mut self, part: &Part, add: bool) {
        if let Part::Sentences(sentences) = part {
            count_keys(&mut self.keys, sentences, add);
        }
    }
}

/// What an edit left as it was, beyond the blocks it re-parsed: which
/// rules' findings it cannot have changed (`Kind::unaffected`).
#[derive(Clone, Debug, Default)]
struct Untouched {
    /// The outline, the tables and every block's kind
    /// (`Reparsed::same_kinds`); the year, issuer, line break, title,
    /// preamble and closing blocks, and the report's first line (where
    /// findings about the whole report stand).
    blocks: bool,
    /// Besides, every heading (`Reparsed::changed_headings`).
    headings: bool,
    /// Where `blocks` holds but headings changed in their titles alone
    /// (`Reparsed::retitled_only`): those headings' blocks.
    retitled: Option<Vec<Range<usize>>>,
    /// No line break came or went.
    lines: bool,
    /// The blocks the edit re-parsed.
    reparsed: Range<usize>,
    /// A re-parsed block may be the caption of a table.
    caption: bool,
}

/// What an edit did to a by-block rule's parts in the blocks it re-parsed.
#[derive(Debug, Default)]
struct PartsReplaced {
    /// The parts those blocks had.
    removed: Vec<(usize, Part)>,
    /// Whether they have any now.
    added: bool,
    /// Whether they head other sections of the rule's `section` filter.
    heads_changed: bool,
}

/// An edit, for the rules whose findings it leaves alone or changes only in
/// the blocks it re-parsed.
struct EditDone {
    /// The old text's bytes it replaced, and where its text now ends.
    edited: Range<usize>,
    new_end: usize,
    /// The blocks it re-parsed.
    blocks: Range<usize>,
    untouched: Untouched,
    /// Indexed like `plan.rules`.
    replaced: Vec<PartsReplaced>,
}

/// A text checked as it is edited. After any sequence of `edit`s, the
/// findings equal `check` of the edited text with the same packs and options.
pub struct LiveCheck {
    packs: Arc<PackSet>,
    options: CheckOptions,
    text: String,
    live: LiveReport,
    /// For each block, the pack selectors' mentions it holds: the pattern's
    /// index in `PackSet::mentions` and the match (relative to the block).
    mentions: Vec<Vec<(usize, Range<usize>)>>,
    plan: Plan,
    /// For each rule (indexed like `plan.rules`), the parts of the blocks
    /// that have one, in document order: the block's index, and the part.
    /// Kept by rule so that finishing a rule reads one contiguous list.
    parts: Vec<Vec<(usize, Part)>>,
    /// Each rule's tally of its parts (indexed like `plan.rules`).
    tallies: Vec<Tally>,
    /// For each rule with a `section` filter (indexed like `plan.rules`),
    /// the heading blocks whose title matches it, in document order.
    heads: Vec<Vec<usize>>,
    /// How many `\r\n` the text holds (the line break inserted text uses).
    crlf: usize,
    /// Where each line starts (for messages that cite a line number).
    line_starts: Vec<usize>,
    /// Each rule's findings (indexed like `plan.rules`); `None` when it
    /// failed or was left out.
    findings: Vec<Option<Vec<Arc<Diagnostic>>>>,
    /// All findings, sorted. Shared with the rules' lists and the snapshots
    /// of earlier versions: a finding an edit does not move is not copied.
    diagnostics: Arc<[Arc<Diagnostic>]>,
    failures: Vec<RuleFailure>,
    /// How long a rule may take, for a text's length (`rule_time_limit`).
    time_limit: fn(usize) -> Duration,
    /// The rules (indexed like `plan.rules`) that ran past their time limit
    /// on this text: no longer run, until the rules in effect change.
    timed_out: Vec<bool>,
    /// How many rules the last check ran (the others' findings were moved).
    #[cfg(test)]
    ran: usize,
}

impl LiveCheck {
    /// Checks `text` in full. The error is an unknown pack id in
    /// `options.packs`.
    pub fn new(
        packs: Arc<PackSet>,
        options: CheckOptions,
        text: String,
    ) -> Result<LiveCheck, String> {
        let live = LiveReport::parse(&text);
        let mentions = all_mentions(&packs, &text, live.report());
        let plan = Plan::new(
            &packs,
            live.report(),
            &first_mentions(&packs, &text, live.report(), &mentions),
            &options,
        )?;
        let crlf = memchr::memmem::find_iter(text.as_bytes(), b"\r\n").count();
        let line_starts = line_starts(&text);
        let mut check = LiveCheck {
            packs,
            options,
            text,
            live,
            mentions,
            plan,
            parts: Vec::new(),
            tallies: Vec::new(),
            heads: Vec::new(),
            crlf,
            line_starts,
            findings: Vec::new(),
            diagnostics: Arc::from(Vec::new()),
            failures: Vec::new(),
            time_limit: rule_time_limit,
            timed_out: Vec::new(),
            #[cfg(test)]
            ran: 0,
        };
        check.rebuild_parts();
        check.run(None);
        Ok(check)
    }

    /// Whether this check runs with these packs and options.
    pub fn uses(&self, packs: &Arc<PackSet>, options: &CheckOptions) -> bool {
        Arc::ptr_eq(&self.packs, packs) && &self.options == options
    }

    /// Replaces `range` of the text with `replacement` (a range outside the
    /// text or inside a character is narrowed) and updates the findings.
    pub fn edit(&mut self, range: Range<usize>, replacement: &str) -> Result<(), String> {
        let floor = |mut i: usize| {
            i = i.min(self.text.len());
            while !self.text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let (a, b) = (floor(range.start), floor(range.end));
        let b = b.max(a);
        let lines = self.line_starts.len();
        let (crlf, meta) = (self.crlf > 0, self.live.report().meta.clone());
        let anchor = self.live.report().document_anchor(&self.text);
        // A `\r\n` the edit makes or breaks is within one byte of it.
        let around = |text: &str, end: usize| {
            let bytes = &text.as_bytes()[a.saturating_sub(1)..(end + 1).min(text.len())];
            memchr::memmem::find_iter(bytes, b"\r\n").count()
        };
        self.crlf -= around(&self.text, b);
        self.edit_line_starts(a..b, replacement);
        let reparsed = self.live.edit(&mut self.text, a..b, replacement);
        self.crlf += around(&self.text, a + replacement.len());
        self.update_mentions(&reparsed);
        let report = self.live.report();
        let mentioned = first_mentions(&self.packs, &self.text, report, &self.mentions);
        let plan = Plan::new(&self.packs, report, &mentioned, &self.options)?;
        if !plan.same_rules(&self.plan) {
            self.plan = plan;
            self.rebuild_parts();
            self.run(None);
            return Ok(());
        }
        // Same rules: the indices in the kept parts stay valid.
        let new_meta = &report.meta;
        let blocks = reparsed.same_kinds
            && (plan.year, &plan.issuer) == (self.plan.year, &self.plan.issuer)
            && crlf == (self.crlf > 0)
            && (&meta.preamble, &meta.closing, &meta.title)
                == (&new_meta.preamble, &new_meta.closing, &new_meta.title)
            && follow_edit(&anchor, &(a..b), a + replacement.len())
                == report.document_anchor(&self.text);
        // A table among the re-parsed blocks or right after them (blank
        // lines and page numbers apart) may have its caption among them.
        let mut near = report.blocks[reparsed.start..].iter().enumerate();
        let caption = near
            .find(|(k, blk)| {
                *k >= reparsed.end - reparsed.start
                    && !matches!(blk.kind, BlockKind::Blank | BlockKind::PageNumber)
                    || matches!(blk.kind, BlockKind::Table(_))
            })
            .is_some_and(|(_, blk)| matches!(blk.kind, BlockKind::Table(_)));
        let retitled = (blocks && reparsed.retitled_only).then(|| {
            (reparsed.changed_headings.iter())
                .map(|&h| report.blocks[h].range.clone())
                .collect()
        });
        let untouched = Untouched {
            blocks,
            headings: blocks && reparsed.changed_headings.is_empty(),
            retitled,
            lines: lines == self.line_starts.len(),
            reparsed: reparsed.start..reparsed.end,
            caption,
        };
        self.plan.applied = plan.applied;
        let replaced = self.update_parts(&reparsed);
        self.run(Some(EditDone {
            edited: a..b,
            new_end: a + replacement.len(),
            blocks: reparsed.start..reparsed.end,
            untouched,
            replaced,
        }));
        Ok(())
    }

    /// Re-reads the pack selectors' mentions of the re-parsed blocks.
    fn update_mentions(&mut self, reparsed: &Reparsed) {
        let report = self.live.report();
        if reparsed.start == 0 && reparsed.end == report.blocks.len() {
            self.mentions = all_mentions(&self.packs, &self.text, report);
            return;
        }
        let fresh: Vec<_> = report.blocks[reparsed.start..reparsed.end]
            .iter()
            .map(|block| block_mentions(&self.packs, &self.text, block))
            .collect();
        self.mentions
            .splice(reparsed.start..reparsed.old_end, fresh);
    }

    /// Recomputes the by-block rules' parts (and section heads) of the
    /// re-parsed blocks, keeping every other block's, and tells what changed
    /// (indexed like `plan.rules`).
    fn update_parts(&mut self, reparsed: &Reparsed) -> Vec<PartsReplaced> {
        let mut replaced: Vec<PartsReplaced> = (self.plan.rules.iter())
            .map(|_| PartsReplaced::default())
            .collect();
        let mut buffers = WordBuffers::default();
        let report = self.live.report();
        let blocks = &report.blocks[reparsed.start..reparsed.end];
        // Which patterns can match in the re-parsed blocks: one pass over
        // them rather than a search per pattern and block.
        let span = match (blocks.first(), blocks.last()) {
            (Some(first), Some(last)) => first.range.start..last.range.end,
            _ => 0..0,
        };
        let possible =
            (self.plan.rule_set.prefilter).scan(self.text.get(span.clone()).unwrap_or(""));
        for (i, rule) in running(&self.plan) {
            if !rule.kind.by_blocks() || self.timed_out[i] {
                continue;
            }
            // A pattern's literals: only the blocks holding one can match
            // (`hits` are offsets in the span, in order).
            let hits = possible.hits(&rule.info.id);
            let mut next_hit = 0;
            let mut holds_a_hit = |block: &Block| {
                let Some(hits) = hits else {
                    return true;
                };
                let (from, to) = (block.range.start - span.start, block.range.end - span.start);
                while hits.get(next_hit).is_some_and(|&h| h < from) {
                    next_hit += 1;
                }
                hits.get(next_hit).is_some_and(|&h| h < to)
            };
            let fresh: Vec<(usize, Part)> = (reparsed.start..reparsed.end)
                .zip(blocks)
                .filter(|(_, block)| holds_a_hit(block))
                .filter_map(|(b, block)| {
                    Some((b, rule.kind.block_part(&self.text, block, &mut buffers)?))
                })
                .collect();
            let tally = &mut self.tallies[i];
            for (_, part) in &fresh {
                tally.count(part, true);
            }
            let added = !fresh.is_empty();
            let removed = splice_blocks(&mut self.parts[i], reparsed, fresh);
            for (_, part) in &removed {
                tally.count(part, false);
            }
            replaced[i].removed = removed;
            replaced[i].added = added;
            if let Some(re) = rule.kind.section_filter() {
                let fresh = (reparsed.start..reparsed.end)
                    .zip(blocks)
                    .filter(|(_, block)| is_section_head(&self.text, block, re))
                    .map(|(b, _)| b)
                    .collect::<Vec<_>>();
                let fresh_heads = fresh.clone();
                replaced[i].heads_changed =
                    splice_blocks(&mut self.heads[i], reparsed, fresh) != fresh_heads;
            }
        }
        replaced
    }

    /// Moves the line starts for the text's `range` replaced with
    /// `replacement`: the lines that started inside the range go, the
    /// replacement's come in, the later ones shift.
    fn edit_line_starts(&mut self, range: Range<usize>, replacement: &str) {
        let starts = &mut self.line_starts;
        let first = starts.partition_point(|&s| s <= range.start);
        let last = first + starts[first..].partition_point(|&s| s <= range.end);
        let added = memchr::memchr_iter(b'\n', replacement.as_bytes())
            .map(|i| range.start + i + 1)
            .collect::<Vec<_>>();
        let after = first + added.len();
        starts.splice(first..last, added);
        let (grown, shrunk) = (replacement.len(), range.len());
        if grown != shrunk {
            for s in &mut starts[after..] {
                *s = *s + grown - shrunk;
            }
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn report(&self) -> &Report {
        self.live.report()
    }

    /// The report, shared (for a snapshot of this version).
    pub fn shared_report(&self) -> Arc<Report> {
        self.live.shared()
    }

    /// Sorted by position, then rule id, as `check` sorts them.
    pub fn diagnostics(&self) -> Arc<[Arc<Diagnostic>]> {
        self.diagnostics.clone()
    }

    pub fn failures(&self) -> &[RuleFailure] {
        &self.failures
    }

    pub fn summary(&self) -> ReportSummary {
        self.plan.summary()
    }

    pub fn rules(&self) -> &[Arc<CompiledRule>] {
        &self.plan.rules
    }

    /// The whole outcome (a copy), as `check` returns it.
    pub fn outcome(&self) -> Outcome {
        Outcome {
            report: self.live.report().clone(),
            summary: self.plan.summary(),
            applied: self.plan.applied.clone(),
            rules: self.plan.rules.clone(),
            diagnostics: self.diagnostics.iter().map(|d| (**d).clone()).collect(),
            failures: self.failures.clone(),
        }
    }

    /// Computes every block's parts and the rules' tallies.
    fn rebuild_parts(&mut self) {
        self.timed_out = vec![false; self.plan.rules.len()];
        self.parts = self.all_parts();
        let cx = Context::new(&self.text, self.live.report(), self.plan.year, None);
        let mut heads = vec![Vec::new(); self.plan.rules.len()];
        for (i, rule) in self.by_block_rules() {
            if let Some(re) = rule.kind.section_filter() {
                heads[i] = section_heads(&cx, re);
            }
        }
        self.heads = heads;
        self.tallies = vec![Tally::default(); self.plan.rules.len()];
        for (parts, tally) in self.parts.iter().zip(&mut self.tallies) {
            for (_, part) in parts {
                tally.count(part, true);
            }
        }
    }

    /// Every block's parts. Pattern, signals and paired-marks rules find the
    /// blocks that can match with one search of the whole text, as `check`
    /// does.
    fn all_parts(&self) -> Vec<Vec<(usize, Part)>> {
        let report = self.live.report();
        let mut parts: Vec<Vec<(usize, Part)>> = vec![Vec::new(); self.plan.rules.len()];
        let cx = Context::new(
            &self.text,
            report,
            self.plan.year,
            self.plan.issuer.as_deref(),
        )
        .with_possible_matches(self.plan.rule_set.prefilter.scan(&self.text));
        let mut buffers = WordBuffers::default();
        for (i, rule) in self.by_block_rules() {
            match &rule.kind {
                Kind::Pattern(p) => {
                    for (b, m) in p.matches_by_block(&cx, cx.literal_hits(&rule.info.id)) {
                        parts[i].push((b, Part::Matches(m)));
                    }
                }
                Kind::Signals(s) => {
                    for (b, block) in s.candidate_blocks(&cx, &rule.info.id) {
                        if let Some(hit) = s.block_hit(&self.text, block) {
                            parts[i].push((b, Part::Signals(hit)));
                        }
                    }
                }
                Kind::PairedMarks(m) => {
                    for (b, marks) in m.marks_by_block(&cx) {
                        parts[i].push((b, Part::Marks(marks)));
                    }
                }
                kind => {
                    for (b, block) in report.blocks.iter().enumerate() {
                        if let Some(part) = kind.block_part(&self.text, block, &mut buffers) {
                            parts[i].push((b, part));
                        }
                    }
                }
            }
        }
        parts
    }

    /// The running rules made by blocks, with their index in `plan.rules`.
    fn by_block_rules(&self) -> impl Iterator<Item = (usize, &Arc<CompiledRule>)> {
        running(&self.plan).filter(|(_, rule)| rule.kind.by_blocks())
    }

    /// Makes the findings: by-block rules from the parts, the others on the
    /// whole report. After an edit, the findings of the rules it left
    /// unaffected are moved with the text instead, and the duplicate search
    /// looks at the re-parsed paragraphs alone where it can.
    fn run(&mut self, edit: Option<EditDone>) {
        let report = self.live.report();
        let cx = Context::with_newline(
            &self.text,
            report,
            self.plan.year,
            self.plan.issuer.as_deref(),
            if self.crlf > 0 { "\r\n" } else { "\n" },
        )
        .with_line_starts(&self.line_starts);
        let mut failures = Vec::new();
        let limit = (self.time_limit)(self.text.len());
        self.findings.resize(self.plan.rules.len(), None);
        // The merged list shares every finding: let go of it, so a finding
        // moved below is updated in place rather than copied.
        self.diagnostics = Arc::from(Vec::new());
        #[cfg(test)]
        {
            self.ran = 0;
        }
        for (i, rule) in self.plan.rules.iter().enumerate() {
            let kept = self.findings[i].take();
            let mut found = Vec::new();
            let failed = failures.len();
            if let (Some(edit), Some(kept)) = (&edit, kept) {
                // A finding whose text the edit changed is never moved.
                let (mut moved, touched): (Vec<_>, Vec<_>) =
                    kept.into_iter().partition(|d| !d.touched_by(&edit.edited));
                for d in &mut moved {
                    if d.reaches_past(edit.edited.start) {
                        Arc::make_mut(d).follow_edit(&edit.edited, edit.new_end);
                    }
                }
                let replaced = &edit.replaced[i];
                // Where the re-parsed blocks are now (with the end: a
                // finding whose text the edit deleted is left empty there).
                let span = edit
                    .blocks
                    .clone()
                    .next()
                    .zip(edit.blocks.clone().last())
                    .map(|(first, last)| {
                        report.blocks[first].range.start..=report.blocks[last].range.end
                    });
                if touched.is_empty()
                    && (rule.kind).unaffected(&edit.untouched, replaced, &self.tallies[i], &moved)
                {
                    self.findings[i] = Some(moved);
                    continue;
                }
                let tally = &mut self.tallies[i];
                let mut refinished = false;
                run_guarded(rule, &mut found, &mut failures, limit, |out| {
                    let mut sink = Sink { rule, out };
                    let parts = &self.parts[i];
                    refinished = (rule.kind).refinish(&cx, &mut sink, edit, parts, replaced, tally);
                });
                if refinished {
                    // The findings of the re-parsed blocks are new; the
                    // others moved.
                    moved.retain(|d| !span.as_ref().is_some_and(|s| s.contains(&d.range.start)));
                    moved.extend(found.into_iter().map(Arc::new));
                    moved.sort_by_key(|d| d.range.start);
                    self.findings[i] = Some(moved);
                    continue;
                }
                if failures.len() > failed {
                    self.timed_out[i] = failures[failed].timed_out;
                    continue;
                }
            }
            let holds = rule
                .condition
                .holds(self.plan.year, self.plan.issuer.as_deref());
            if !holds || self.timed_out[i] {
                continue;
            }
            #[cfg(test)]
            {
                self.ran += 1;
            }
            run_guarded(rule, &mut found, &mut failures, limit, |out| {
                if rule.kind.by_blocks() {
                    let mut sink = Sink { rule, out };
                    let heads = rule.kind.section_filter().map(|_| &self.heads[i][..]);
                    let tally = &mut self.tallies[i];
                    (rule.kind).finish(&cx, &mut sink, &self.parts[i], tally, heads);
                } else {
                    rule.run(&cx, out);
                }
            });
            // Not run again on this text: the writer's other findings must
            // not wait on it at every edit.
            self.timed_out[i] = failures.get(failed).is_some_and(|f| f.timed_out);
            self.findings[i] =
                (failures.len() == failed).then(|| found.into_iter().map(Arc::new).collect());
        }
        let mut diagnostics: Vec<Arc<Diagnostic>> =
            self.findings.iter().flatten().flatten().cloned().collect();
        sort_findings(&mut diagnostics);
        self.diagnostics = Arc::from(diagnostics);
        self.failures = failures;
    }
}

/// The running rules of a plan, with their index in `plan.rules`.
fn running(plan: &Plan) -> impl Iterator<Item = (usize, &Arc<CompiledRule>)> {
    plan.rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.condition.holds(plan.year, plan.issuer.as_deref()))
}

/// An entry of a list kept in block order: a block's part, or a block.
trait InBlock {
    fn block(&self) -> usize;
    fn block_mut(&mut self) -> &mut usize;
}

impl InBlock for (usize, Part) {
    fn block(&self) -> usize {
        self.0
    }

    fn block_mut(&mut self) -> &mut usize {
        &mut self.0
    }
}

impl InBlock for usize {
    fn block(&self) -> usize {
        *self
    }

    fn block_mut(&mut self) -> &mut usize {
        self
    }
}

/// Puts `fresh` (the entries of the re-parsed blocks) in place of the
/// entries of the blocks the edit replaced, and moves the later entries'
/// block indices; returns the entries taken out.
fn splice_blocks<T: InBlock>(list: &mut Vec<T>, reparsed: &Reparsed, fresh: Vec<T>) -> Vec<T> {
    let from = list.partition_point(|t| t.block() < reparsed.start);
    let to = from + list[from..].partition_point(|t| t.block() < reparsed.old_end);
    let after = from + fresh.len();
    let removed: Vec<T> = list.splice(from..to, fresh).collect();
    if reparsed.end != reparsed.old_end {
        for t in &mut list[after..] {
            let b = t.block_mut();
            *b = *b + reparsed.end - reparsed.old_end;
        }
    }
    removed
}

/// The pack selectors' mentions in one block (see `LiveCheck::mentions`).
fn block_mentions(packs: &PackSet, text: &str, block: &Block) -> Vec<(usize, Range<usize>)> {
    let Some(piece) = text.get(block.range.clone()) else {
        return Vec::new();
    };
    packs
        .mentions()
        .enumerate()
        .filter_map(|(i, re)| Some((i, re.find(piece)?.range())))
        .collect()
}

/// The pack selectors' mentions in every block, each pattern searched for
/// in the whole text first (as `check` does).
fn all_mentions(packs: &PackSet, text: &str, report: &Report) -> Vec<Vec<(usize, Range<usize>)>> {
    let mut all = vec![Vec::new(); report.blocks.len()];
    for (i, re) in packs.mentions().enumerate() {
        for (b, m) in mentions_by_block(re, text, report) {
            all[b].push((i, m.range()));
        }
    }
    all
}

/// The first match of each mentions pattern, from the blocks' mentions (what
/// `engine::mentioned` finds in the text).
fn first_mentions<'t>(
    packs: &PackSet,
    text: &'t str,
    report: &Report,
    mentions: &[Vec<(usize, Range<usize>)>],
) -> Vec<Option<&'t str>> {
    let mut first: Vec<Option<&str>> = vec![None; packs.mentions().count()];
    for (block, found) in report.blocks.iter().zip(mentions) {
        for (i, range) in found {
            if let Some(slot @ None) = first.get_mut(*i) {
                let at = block.range.start;
                *slot = text.get(at + range.start..at + range.end);
            }
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;

    /// A 2023 report of our own with defects most rules find: half-width
    /// punctuation, placeholders, a repeated word, a copied paragraph, a
    /// wrong regulation name, a missing section, a table.
    pub(crate) const REPORT: &str = "某某县人民政府\n2023年政府信息公开工作年度报告\n\n本报告依据《中华人民共和国政府信息公开工作条例》编制，统计期限自2023年1月1日起至2023年12月31日止。本报告可在县政府门户网站下载。\n一、总体情况\n2023年，我县坚持以人民为中心,全面贯彻落实条例要求，不断完善政府信息信息公开制度。\n（一）主动公开\n　　全年主动公开信息1234条，按照XX局工作安排开展检查。\n（二）依申请公开\n　　全年收到申请20件，全部按期办结。虽然取得了一定成绩，但与群众期待相比仍存在差距。\n二、主动公开政府信息情况\n信息内容 | 本年制发件数 | 本年废止件数\n规章 | 0 | 0\n行政规范性文件 | 3 | 1\n\n- 2 -\n三、收到和处理政府信息公开申请情况\n本年新收申请20件。\n四、存在的主要问题及改进情况\n虽然取得了一定成绩，但与群众期待相比仍存在差距。下一步将加强培训，提升质量。\n五、其他需要报告的事项\n本年度未收取信息处理费。\n\n某某县人民政府\n2024年3月31日\n";

    /// The embedded packs, loaded once for all tests.
    fn packs() -> Arc<PackSet> {
        static PACKS: std::sync::OnceLock<Arc<PackSet>> = std::sync::OnceLock::new();
        PACKS.get_or_init(|| Arc::new(PackSet::embedded())).clone()
    }

    fn live_equals_fresh(live: &LiveCheck, context: &str) {
        let fresh = check(&packs(), live.text(), &CheckOptions::default()).expect("embedded packs");
        assert_eq!(live.report(), &fresh.report, "{context}");
        assert_eq!(live.summary(), fresh.summary, "{context}");
        let diagnostics = live.diagnostics();
        let found: Vec<&Diagnostic> = diagnostics.iter().map(|d| &**d).collect();
        assert_eq!(
            found,
            fresh.diagnostics.iter().collect::<Vec<_>>(),
            "{context}"
        );
        assert_eq!(live.line_starts, line_starts(live.text()), "{context}");
    }

    fn new_live(text: &str) -> LiveCheck {
        LiveCheck::new(packs(), CheckOptions::default(), text.to_owned()).expect("embedded packs")
    }

    /// Replaces the characters `a..a + len` (clamped; CRLF pairs kept whole)
    /// of the live text with `insert`.
    fn edit_chars(live: &mut LiveCheck, a: usize, len: usize, insert: &str) -> String {
        let text = live.text();
        let at = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(i, _)| i);
        let mut start = at(a);
        let mut end = at(a + len).max(start);
        // Never split a CRLF pair (an editor cannot place the cursor there).
        if text[..start].ends_with('\r') && text[start..].starts_with('\n') {
            start -= 1;
        }
        if text[..end].ends_with('\r') && text[end..].starts_with('\n') {
            end += 1;
        }
        let context = format!("replacing {start}..{end} with {insert:?}");
        live.edit(start..end, insert).expect("embedded packs");
        context
    }

    /// Edits that leave the outline and block kinds alone move most rules'
    /// findings instead of making them again; next to what those rules read
    /// (a table's caption, a copied paragraph's line, the sign-off), the
    /// findings still equal a fresh check's.
    #[test]
    fn findings_moved_with_the_text_equal_a_fresh_check() {
        let text = REPORT.replace(
            "二、主动公开政府信息情况\n",
            "二、主动公开政府信息情况\n第二十条第（一）项情况如下：\n",
        );
        let mut live = new_live(&text);
        let everything = live.ran;
        let edit = |live: &mut LiveCheck, anchor: &str, insert: &str| -> usize {
            let at = live.text().find(anchor).expect("anchor") + anchor.len();
            live.edit(at..at, insert).expect("embedded packs");
            live_equals_fresh(live, &format!("{insert:?} after {anchor:?}"));
            live.ran
        };
        // A plain paragraph: only the rules with parts there, and those that
        // always run, are run again.
        let ran = edit(&mut live, "本年新收申请", "共");
        assert!(ran * 2 < everything, "{ran} of {everything} rules ran");
        // The caption of a table, the sign-off, a copied paragraph and a
        // line break before it, the text between paired marks.
        edit(&mut live, "第二十条", "第");
        edit(&mut live, "2024年3月", "3");
        edit(&mut live, "但与群众期待相比仍", "然");
        edit(&mut live, "全年收到申请20件", "\n");
        // Heading titles: one a section filter or a required section may
        // name, one the caption of a table.
        edit(&mut live, "四、存在的主要", "突出");
        edit(&mut live, "二、主动公开", "的");
        edit(&mut live, "本报告依据《", "中国");
        edit(&mut live, "某某县人民政府\n2024", "办公室");
    }

    /// An unpaired mark is looked for across the paragraphs between an
    /// opening mark and its partner: an edit there that ends a sentence
    /// before a blank line splits the pair, though the edited paragraph has
    /// no mark.
    #[test]
    fn marks_open_across_an_edited_paragraph_are_paired_again() {
        let text = REPORT.replace(
            "一、总体情况\n",
            &format!(
                "一、总体情况\n依据《中华人民共和国政府信息公开条例\n\n{}本年度共主动公开政府信息一百二十条，其中规范性文件十二件\n\n{}》编制本报告\n",
                "另有说明\n\n".repeat(4),
                "另有说明\n\n".repeat(4)
            ),
        );
        let mut live = new_live(&text);
        let unpaired = |live: &LiveCheck| {
            (live.diagnostics().iter())
                .filter(|d| d.rule_id().ends_with("unpaired-marks"))
                .count()
        };
        let before = unpaired(&live);
        let at = live.text().find("十二件\n").expect("anchor") + "十二件".len();
        live.edit(at..at, "。").expect("embedded packs");
        live_equals_fresh(&live, "a sentence ended between the marks");
        assert_eq!(unpaired(&live), before + 2);
        // Away from the open marks, the findings are moved.
        let at = live.text().find("全年收到申请").expect("anchor");
        live.edit(at..at, "（").expect("embedded packs");
        live_equals_fresh(&live, "a mark elsewhere");
        live.edit(at..at + "（".len(), "").expect("embedded packs");
        live_equals_fresh(&live, "the mark taken out");
        assert_eq!(unpaired(&live), before + 2);
    }

    /// A heading-numbering finding quotes the title of the heading it flags
    /// and points at the one before: editing either title makes it again,
    /// editing another heading's title moves it.
    #[test]
    fn numbering_findings_quote_the_titles_they_name() {
        let mut live = new_live(&REPORT.replace("（二）依申请公开", "（三）依申请公开"));
        let numbering = |live: &LiveCheck| {
            (live.diagnostics().iter())
                .filter(|d| d.rule_id().ends_with("heading-numbering"))
                .map(|d| {
                    let related: Vec<usize> = d.related.iter().map(|r| r.range.len()).collect();
                    (d.message.clone(), d.range.len(), related)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(numbering(&live).len(), 1);
        for (anchor, insert) in [
            ("（三）依申请", "的"),
            ("（一）主动", "全面"),
            ("一、总体", "工作"),
        ] {
            let before = numbering(&live);
            let at = live.text().find(anchor).expect("anchor") + anchor.len();
            live.edit(at..at, insert).expect("embedded packs");
            live_equals_fresh(&live, &format!("{insert:?} after {anchor:?}"));
            let after = numbering(&live);
            let quoted = !anchor.starts_with("一、");
            assert_eq!(before != after, quoted, "{before:?} → {after:?}");
        }
    }

    /// An edit in a copied paragraph makes that paragraph's duplicate
    /// findings again (`DuplicatedParagraph::refinish`); an edit in the
    /// original makes them all again. Each leaves what a fresh check finds.
    #[test]
    fn duplicates_follow_edits_to_the_copy_and_the_original() {
        let sentence = "虽然取得了一定成绩，但与群众期待相比仍存在差距。";
        let longer =
            "虽然取得了一定成绩，但与群众期待相比仍存在差距，公开的及时性和解读质量都有待提高。";
        let mut live = new_live(&REPORT.replace(sentence, longer));
        let duplicates = |live: &LiveCheck| {
            (live.diagnostics().iter())
                .filter(|d| d.rule_id().ends_with("duplicated-paragraph"))
                .count()
        };
        assert_eq!(duplicates(&live), 1);
        // The copy: a sentence of its own, then the copied one (the finding
        // goes), then back.
        for (anchor, range, insert, left) in [
            ("下一步将", 0..0, "还", 1),
            ("群众期待", 0..0, "的", 0),
            ("的群众期待", 0.."的".len(), "", 1),
        ] {
            let at = live.text().rfind(anchor).expect("anchor");
            live.edit(at + range.start..at + range.end, insert)
                .expect("embedded packs");
            live_equals_fresh(&live, &format!("{insert:?} at the copy's {anchor:?}"));
            assert_eq!(duplicates(&live), left, "{insert:?} at {anchor:?}");
        }
        // The original.
        let at = live.text().find("群众期待").expect("anchor");
        live.edit(at..at, "广大").expect("embedded packs");
        live_equals_fresh(&live, "the original changed");
        assert_eq!(duplicates(&live), 0);
    }

    #[test]
    fn the_fixture_has_findings_of_many_rules() {
        let live = new_live(REPORT);
        let rules: std::collections::BTreeSet<&str> = live
            .diagnostics
            .iter()
            .map(|d| d.rule.id.as_str())
            .collect();
        assert!(rules.len() >= 5, "{rules:?}");
        live_equals_fresh(&live, "open");
    }

    #[test]
    fn an_edit_in_the_middle_keeps_the_other_blocks_parts() {
        let mut text = REPORT.repeat(20);
        let mut live = new_live(&text);
        let at = text.len() / 2;
        let at = (at..).find(|&i| text.is_char_boundary(i)).unwrap_or(at);
        let before = live.report().blocks.len();
        let first_parts = live.parts[..10].to_vec();
        live.edit(at..at, "布署").expect("embedded packs");
        text.insert_str(at, "布署");
        assert_eq!(live.text(), text);
        assert_eq!(live.report().blocks.len(), before);
        assert_eq!(live.parts[..10], first_parts[..]);
        live_equals_fresh(&live, "one edit");
    }

    /// Prose arithmetic keeps each block's claims; an announced count is
    /// checked against the outline after an edit elsewhere changes it.
    #[test]
    fn prose_arithmetic_follows_edits_to_other_blocks() {
        let text = REPORT.replace(
            "一、总体情况\n",
            "一、总体情况\n本年主要开展了以下3方面工作。全年共公开10条，其中概况类3条、政策类4条。\n",
        );
        let mut live = new_live(&text);
        let ids = |live: &LiveCheck| {
            live.diagnostics()
                .iter()
                .filter(|d| d.rule.id.ends_with("prose-arithmetic"))
                .map(|d| live.text()[d.range.clone()].to_owned())
                .collect::<Vec<_>>()
        };
        // Two sub-sections follow, not three; 3 + 4 is not 10.
        assert_eq!(ids(&live), ["以下3方面", "10"]);
        live_equals_fresh(&live, "open");
        let at = live.text().find("（二）依申请公开").unwrap_or(0);
        live.edit(at..at, "（三）新的小节\n")
            .expect("embedded packs");
        assert_eq!(ids(&live), ["10"]);
        live_equals_fresh(&live, "a third sub-section");
        let at = live
            .text()
            .find("政策类4条")
            .map_or(0, |i| i + "政策类".len());
        live.edit(at..at + 1, "7").expect("embedded packs");
        assert!(ids(&live).is_empty());
        live_equals_fresh(&live, "the parts add up");
    }

    /// Signals are scored per block: a block that gains a second signal is a
    /// finding, in CRLF text too, and a report with none stays silent.
    #[test]
    fn signals_follow_edits_block_by_block() {
        for newline in ["\n", "\r\n"] {
            let text = REPORT
                .replace(
                    "本年新收申请20件。\n",
                    "本年新收申请20件。\n学习《手机彩票重点领域清单》。\n",
                )
                .replace('\n', newline);
            let mut live = new_live(&text);
            let spam = |live: &LiveCheck| {
                live.diagnostics()
                    .iter()
                    .filter(|d| d.rule.id.ends_with("spam-injection"))
                    .map(|d| live.text()[d.range.clone()].to_owned())
                    .collect::<Vec<_>>()
            };
            assert!(spam(&live).is_empty(), "{newline:?}");
            let at = live.text().find("彩票重点").map_or(0, |i| i + "彩票".len());
            live.edit(at..at, "网").expect("embedded packs");
            assert_eq!(spam(&live), ["彩票网"], "{newline:?}");
            live_equals_fresh(&live, "a site name");
            live.edit(at..at + "网".len(), "").expect("embedded packs");
            assert!(spam(&live).is_empty(), "{newline:?}");
            live_equals_fresh(&live, "the site name removed");
        }
    }

    /// 1,000 seeded random edits on a realistic report (a seed report when
    /// the corpus is there, else the fixture), compared with a fresh check
    /// after every edit.
    /// A rule past its time limit is listed once, then no longer run on
    /// this text; the others go on.
    #[test]
    fn rules_past_their_time_limit_are_listed_once_then_left_out() {
        let mut live = new_live(REPORT);
        assert!(live.failures().is_empty());
        // Every rule takes longer than no time at all. (A new heading: every
        // rule runs again.)
        live.time_limit = |_| Duration::ZERO;
        edit_chars(&mut live, 40, 0, "\n一、新的部分\n");
        let running = running(&live.plan).count();
        assert_eq!(live.failures().len(), running);
        assert!(live.failures().iter().all(|f| f.timed_out));
        assert!(live.diagnostics().is_empty());
        edit_chars(&mut live, 40, 0, "\n二、新的部分\n");
        assert!(live.failures().is_empty());
        assert!(live.diagnostics().is_empty());
        // New rules in effect (another year): they run again.
        live.time_limit = rule_time_limit;
        let at = live.text().find("2023年政府").expect("the title");
        live.edit(at..at + 4, "2022").expect("embedded packs");
        assert!(live.failures().is_empty());
        assert!(!live.diagnostics().is_empty());
    }

    #[test]
    fn a_thousand_random_edits_equal_a_fresh_check() {
        let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/seeds/000_8f38e6278bd335ce.txt");
        let text = std::fs::read_to_string(seed).unwrap_or_else(|_| REPORT.repeat(3));
        let mut live = new_live(&text);
        const PIECES: &[&str] = &[
            "",
            "\n",
            "\r\n",
            "\n\n",
            "一、新的部分\n",
            "（三）小标题\n",
            "| 甲 | 1 |\n",
            "𠮷",
            "😀",
            "。",
            ",",
            "XX",
            "信息信息",
            "布署",
            "《政府信息公开工作条例》",
            "　　",
            "- 3 -\n",
            "虽然取得了一定成绩，但与群众期待相比仍存在差距。",
            "2022年",
            "收费及减免",
            // Unpaired marks, across blocks, and mentions that select packs.
            "《",
            "）",
            "“",
            "》\n\n",
            "京政办发〔2023〕1号",
            "朝政办发",
        ];
        let mut state: u64 = 0x5eed;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % n.max(1) as u64) as usize
        };
        for round in 0..1000 {
            let chars = live.text().chars().count();
            let a = next(chars + 1);
            let len = if next(3) == 0 { next(12) } else { 0 };
            let insert = PIECES[next(PIECES.len())];
            let context = edit_chars(&mut live, a, len, insert);
            live_equals_fresh(&live, &format!("round {round}: {context}"));
        }
    }

    mod prop {
        use proptest::prelude::*;

        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("\n".to_owned()),
                Just("\r\n".to_owned()),
                Just(String::new()),
                Just("二、新的标题\n".to_owned()),
                Just("（二）小标题\n".to_owned()),
                Just("| 甲 | 1 |\n".to_owned()),
                Just("\n\n".to_owned()),
                Just("𠮷😀".to_owned()),
                Just("信息信息".to_owned()),
                Just(",".to_owned()),
                Just("XX".to_owned()),
                Just("《".to_owned()),
                Just("”\n\n".to_owned()),
                Just("朝政办发".to_owned()),
                Just("虽然取得了一定成绩，但与群众期待相比仍存在差距。".to_owned()),
                "[一二、（）|\\r\\n𠮷。,a X]{0,8}",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

            /// After random edits, the live findings equal a fresh check of
            /// the final text.
            #[test]
            fn live_check_equals_a_fresh_check(
                repeat in 1usize..3,
                crlf in any::<bool>(),
                edits in proptest::collection::vec((0usize..2000, 0usize..30, piece()), 1..16),
            ) {
                let mut start = super::REPORT.repeat(repeat);
                if crlf {
                    start = start.replace('\n', "\r\n");
                }
                let mut live = super::new_live(&start);
                let mut log = Vec::new();
                for (a, len, insert) in &edits {
                    let chars = live.text().chars().count();
                    log.push(super::edit_chars(&mut live, a % (chars + 1), *len, insert));
                }
                super::live_equals_fresh(&live, &log.join("; "));
            }
        }
    }
}
