//! `kind = "signals"`: a finding when one block of text shows several
//! independent signs of one problem, never on a single word. Injected gambling
//! text is the case it was made for: 福利彩票 in a sentence about a lottery
//! outlet is one signal and stays silent; a lottery *site's* name standing in
//! for a document title (《手机彩票网……清单》) is a lottery word plus a site
//! name, two signals.
//!
//! Each signal counts once per block, with its weight; a block whose total
//! reaches `threshold` is one finding, placed where the signals meet. A
//! signal's group named `m`, when it has one, is the part it flags.

use std::ops::Range;

use super::pattern::in_rule_scope;
use super::prefilter::PatternFacts;
use super::{Context, Sink};
use crate::pack::schema::{RuleSpec, Scope};
use crate::pack::{PackError, PackRegex, PackSource};
use crate::report::{Block, BlockKind};

#[derive(Clone, Debug)]
pub struct Signals {
    signals: Vec<Signal>,
    threshold: u32,
    scope: Scope,
    /// A signal asserts the start or end of the whole text (`\A`, `\z`),
    /// so a block can show it where the whole text does not.
    text_anchored: bool,
}

#[derive(Clone, Debug)]
struct Signal {
    name: String,
    matcher: PackRegex,
    /// What the prefilter knows of `matcher`.
    facts: PatternFacts,
    weight: u32,
}

impl Signals {
    pub(super) fn compile(src: &PackSource, spec: &RuleSpec) -> Result<Signals, PackError> {
        let at = spec.id.span().start;
        let specs = spec.signals.as_deref().unwrap_or_default();
        if specs.len() < 2 {
            return Err(PackError::at(
                src,
                at,
                format!(
                    "规则 “{}”（kind = \"signals\"）至少需要两个 signals：单个信号应写成 pattern 规则",
                    spec.id.get_ref()
                ),
            ));
        }
        let signals = specs
            .iter()
            .map(|s| {
                let anchored =
                    toml::Spanned::new(s.pattern.span(), format!("(?Rm){}", s.pattern.get_ref()));
                let matcher = super::compile_regex(src, &anchored, "signals 中的 pattern ")?;
                Ok(Signal {
                    name: s.name.clone(),
                    facts: PatternFacts::of(&matcher),
                    matcher,
                    weight: s.weight.unwrap_or(1),
                })
            })
            .collect::<Result<Vec<_>, PackError>>()?;
        let threshold = spec.threshold.unwrap_or(2);
        let max_single = signals.iter().map(|s| s.weight).max().unwrap_or(0);
        if threshold <= max_single {
            return Err(PackError::at(
                src,
                at,
                format!(
                    "规则 “{}” 的 threshold（{threshold}）不大于单个信号的权重（{max_single}）：一个词就会报告，应写成 pattern 规则",
                    spec.id.get_ref()
                ),
            ));
        }
        Ok(Signals {
            text_anchored: signals.iter().any(|s| s.facts.text_anchored()),
            signals,
            threshold,
            scope: spec.scope.unwrap_or(Scope::All),
        })
    }

    /// The total weight of the signals present in `text` and which they
    /// are, when it reaches the threshold. Each signal is looked for on its
    /// own (a first match is enough, and a signal of literals uses their
    /// prefilter), and the search stops once the signals left cannot reach
    /// the threshold: cheaper than one overlapping search for all of them.
    fn score(&self, text: &str) -> Option<(u32, Vec<&Signal>)> {
        let mut left: u32 = self.signals.iter().map(|s| s.weight).sum();
        let mut score = 0;
        let mut present = Vec::new();
        for signal in &self.signals {
            if score + left < self.threshold {
                return None;
            }
            left -= signal.weight;
            if signal.matcher.is_match(text) {
                score += signal.weight;
                present.push(signal);
            }
        }
        (score >= self.threshold).then_some((score, present))
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        if self.scope == Scope::Title {
            if let Some(title) = &cx.report.meta.title
                && let Some(hit) = self.hit(cx.slice(title))
            {
                self.report(cx, sink, title.start, &hit);
            }
            return;
        }
        let hits: Vec<(usize, SignalHit)> = self
            .candidate_blocks(cx, sink.rule_id())
            .filter_map(|(b, block)| Some((b, self.block_hit(cx.text, block)?)))
            .collect();
        self.finish(cx, sink, hits.iter().map(|(b, hit)| (*b, hit)));
    }

    /// Whether the rule's findings are made block by block (all scopes but
    /// the title, which is not a block).
    pub(super) fn by_blocks(&self) -> bool {
        self.scope != Scope::Title
    }

    /// What the engine's document-wide prefilter knows of each signal, in
    /// order.
    pub(super) fn facts(&self) -> impl Iterator<Item = &PatternFacts> {
        self.signals.iter().map(|s| &s.facts)
    }

    /// The blocks that can reach the threshold: those whose signals, by the
    /// prefilter's places (`Context::part_hits`), weigh enough. Most reports
    /// show no signal at all, so no block is searched. The prefilter misses
    /// no block's signal: a block holding a match of one holds one of its
    /// places. A signal it knows nothing of counts in every block; with a
    /// signal that sees the text's edges (`\A`, `\z`) every block is
    /// searched.
    pub(super) fn candidate_blocks<'r>(
        &self,
        cx: &Context<'r>,
        rule: &str,
    ) -> impl Iterator<Item = (usize, &'r Block)> {
        let blocks = &cx.report.blocks;
        let mut weights = vec![0; blocks.len()];
        let mut everywhere = 0;
        for (i, signal) in self.signals.iter().enumerate() {
            match cx.part_hits(rule, i) {
                Some(hits) if !self.text_anchored => {
                    let mut last = None;
                    for b in hits.iter().filter_map(|&at| cx.report.block_at(at)) {
                        if last != Some(b) {
                            weights[b] += signal.weight;
                            last = Some(b);
                        }
                    }
                }
                _ => everywhere += signal.weight,
            }
        }
        (blocks.iter().enumerate()).filter(move |(b, _)| everywhere + weights[*b] >= self.threshold)
    }

    /// Where the signals in one block meet, if they reach the threshold
    /// (offsets relative to the block).
    pub(super) fn block_hit(&self, text: &str, block: &Block) -> Option<SignalHit> {
        if matches!(block.kind, BlockKind::Blank | BlockKind::PageNumber) {
            return None;
        }
        self.hit(text.get(block.range.clone())?)
    }

    /// The findings from the hits of each block (in document order), in the
    /// rule's scope.
    pub(super) fn finish<'h>(
        &self,
        cx: &Context,
        sink: &mut Sink,
        hits: impl Iterator<Item = (usize, &'h SignalHit)>,
    ) {
        for (b, hit) in hits {
            if in_rule_scope(cx, self.scope, None, b) {
                self.report(cx, sink, cx.report.blocks[b].range.start, hit);
            }
        }
    }

    fn report(&self, cx: &Context, sink: &mut Sink, base: usize, hit: &SignalHit) {
        let at = base + hit.at.start..base + hit.at.end;
        let message = sink.message(&[
            ("match", cx.slice(&at)),
            ("signals", &hit.signals),
            ("score", &hit.score.to_string()),
        ]);
        sink.report(at, message, Vec::new(), None);
    }

    /// Where the signals in `text` meet, if they reach the threshold.
    fn hit(&self, text: &str) -> Option<SignalHit> {
        let (score, which) = self.score(text)?;
        // The matches of each signal present.
        let present: Vec<(&Signal, Vec<Range<usize>>)> = which
            .into_iter()
            .filter_map(|signal| {
                let found: Vec<Range<usize>> = signal
                    .matcher
                    .captures_iter(text)
                    .filter_map(|caps| caps.name("m").or_else(|| caps.get(0)))
                    .filter(|m| !m.is_empty())
                    .map(|m| m.range())
                    .collect();
                (!found.is_empty()).then_some((signal, found))
            })
            .collect();
        let at = where_signals_meet(&present)?;
        let names: Vec<&str> = present.iter().map(|(s, _)| s.name.as_str()).collect();
        Some(SignalHit {
            at,
            signals: names.join("、"),
            score,
        })
    }
}

/// Where a block's signals meet (offsets relative to the block), which
/// signals and their total weight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SignalHit {
    at: Range<usize>,
    signals: String,
    score: u32,
}

/// Where the signals of a block come together: the match closest to a match
/// of every other signal (a lottery word inside the site name, not the same
/// word in an innocent sentence before it), joined with the matches that
/// overlap it.
fn where_signals_meet(present: &[(&Signal, Vec<Range<usize>>)]) -> Option<Range<usize>> {
    let distance = |a: &Range<usize>, b: &Range<usize>| {
        if a.start < b.end && b.start < a.end {
            0
        } else {
            a.start.abs_diff(b.start)
        }
    };
    let nearest = |to: &Range<usize>, matches: &[Range<usize>]| {
        matches.iter().min_by_key(|m| distance(to, m)).cloned()
    };
    let (i, best) = present
        .iter()
        .enumerate()
        .flat_map(|(i, (_, matches))| matches.iter().map(move |m| (i, m)))
        .min_by_key(|(i, m)| {
            let cost: usize = present
                .iter()
                .enumerate()
                .filter(|(j, _)| j != i)
                .filter_map(|(_, (_, others))| nearest(m, others).map(|o| distance(m, &o)))
                .sum();
            (cost, m.start)
        })?;
    let mut at = best.clone();
    for (_, (_, others)) in present.iter().enumerate().filter(|(j, _)| *j != i) {
        if let Some(o) = nearest(best, others).filter(|o| distance(best, o) == 0) {
            at = at.start.min(o.start)..at.end.max(o.end);
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use crate::check::testing::check_rule;

    const RULE: &str = r#"
id = "spam"
kind = "signals"
severity = "error"
message = "疑似注入文字“{match}”（{signals}）"
threshold = 2
signals = [
  { name = "博彩词", pattern = '彩票|博彩' },
  { name = "网站名", pattern = '(?P<m>(?:彩票|博彩)(?:网站|平台|网))(?:[^点格络站]|$)' },
  { name = "推广网址", pattern = '(?-u:[a-z0-9-]+\.(?:com|net|cc|vip)\b)' },
]
"#;

    #[test]
    fn one_signal_is_silent() {
        assert!(check_rule(RULE, "本乡有福利彩票销售网点两处。\n").is_empty());
        assert!(check_rule(RULE, "依据《彩票管理条例》开展检查。\n").is_empty());
    }

    #[test]
    fn two_signals_in_one_block_are_one_finding() {
        let text = "深入落实《手机彩票网重点领域政务公开清单》要求。\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range.clone()], "彩票网");
        assert_eq!(found[0].message, "疑似注入文字“彩票网”（博彩词、网站名）");
    }

    #[test]
    fn the_finding_is_where_the_signals_meet() {
        let text = "本乡福利彩票销售网点两处。学习《手机彩票网重点领域清单》。\n";
        let found = check_rule(RULE, text);
        assert_eq!(found.len(), 1);
        let start = found[0].range.start;
        assert!(text[..start].ends_with("《手机"), "{found:?}");
    }

    #[test]
    fn signals_in_different_blocks_do_not_add_up() {
        let text = "本乡有福利彩票销售网点。\n\n详见 example.com 页面。\n";
        assert!(check_rule(RULE, text).is_empty());
    }

    /// `$` is a line end in CRLF text too, in the block and in the whole
    /// text alike (the whole-text pass must not hide a block's signal).
    #[test]
    fn line_end_anchors_see_crlf() {
        let rule = RULE.replace("'彩票|博彩'", "'彩票$'");
        for text in ["出售彩票网站的彩票\n", "出售彩票网站的彩票\r\n"] {
            let found = check_rule(&rule, text);
            assert_eq!(found.len(), 1, "{text:?}");
        }
        // Not a line end: one signal, silent.
        assert!(check_rule(&rule, "出售彩票网站的彩票。\r\n").is_empty());
    }

    /// A signal the prefilter knows nothing of (no literals, and a wide
    /// class repeated, which its scanner does not take) may be in any block.
    #[test]
    fn a_signal_the_prefilter_cannot_place_counts_everywhere() {
        let rule = r#"
id = "long"
kind = "signals"
severity = "error"
message = "“{match}”（{signals}）"
signals = [
  { name = "彩票", pattern = '彩票' },
  { name = "长句", pattern = '\p{Han}{12,}' },
]
"#;
        let text = "本乡有福利彩票销售网点两处均已公开经营信息\n\n彩票。\n";
        let found = check_rule(rule, text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "“本乡有福利彩票销售网点两处均已公开经营信息”（彩票、长句）"
        );
    }

    /// Every block in which a signal of a shipped signals rule matches holds
    /// one of the places the prefilter names for that signal, on the rules'
    /// own examples, the example reports and the seed reports (when
    /// present): the prefilter never hides a block's signal.
    #[test]
    fn every_block_with_a_signal_holds_a_hit() {
        use crate::check::Kind;
        use crate::pack::{Applied, PackSet};
        use crate::report::Report;
        let packs = PackSet::embedded();
        let all: Vec<Applied> = (packs.packs().iter())
            .map(|pack| Applied {
                pack: pack.id.clone(),
                reason: String::new(),
            })
            .collect();
        let set = packs.rule_set(&all);
        let texts = crate::check::testing::shipped_texts(&packs);
        let mut checked = 0;
        for text in &texts {
            let report = Report::parse(text);
            let possible = set.prefilter.scan(text);
            for rule in &set.rules {
                let Kind::Signals(signals) = &rule.kind else {
                    continue;
                };
                for (i, signal) in signals.signals.iter().enumerate() {
                    let hits = possible.part_hits(&rule.info.id, i);
                    for block in &report.blocks {
                        if !signal.matcher.is_match(&text[block.range.clone()]) {
                            continue;
                        }
                        checked += 1;
                        assert!(
                            hits.is_none_or(|h| h.iter().any(|at| block.range.contains(at))),
                            "{} signal {i}: a match in {:?} with no hit",
                            rule.info.id,
                            &text[block.range.clone()]
                        );
                    }
                }
            }
        }
        assert!(checked >= 6, "only {checked} blocks with a signal checked");
    }

    #[test]
    fn a_threshold_one_signal_reaches_is_refused() {
        let pack = format!(
            "[pack]\nid = \"t\"\nname = \"t\"\nlevel = \"custom\"\nversion = \"0\"\n\n[[rule]]\n{}",
            RULE.replace("threshold = 2", "threshold = 1")
        );
        let err = crate::pack::PackSet::new(&[crate::pack::PackSource {
            origin: "t.toml".to_owned(),
            text: pack,
        }])
        .unwrap_err();
        assert!(err.to_string().contains("threshold"), "{err}");
    }
}
