//! `kind = "prose-arithmetic"`: figures in the prose that must agree with
//! each other, whatever the report's format.
//!
//! - A total and the parts that make it up: `共公开86条，其中概况类3条、…`
//!   (the parts' sum must be the total).
//! - The share stated next to a part: `机构职能类12条，占总数的54.55%` (must be
//!   the part's share of the total, to the precision written).
//! - An announced count: `主要开展了以下6方面工作` followed by a different
//!   number of sub-sections.
//!
//! Lists that say they are partial (主要有、包括、如、…等), approximate totals
//! (余、多、近、约) and running totals (累计) are not checked.

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

use super::table::{fill, format_number};
use super::{Context, Sink};
use crate::diagnostic::Related;
use crate::pack::schema::RuleSpec;
use crate::report::{Block, BlockKind, Section};
use crate::tables::{Value, parse_value};
use crate::text::parse_chinese_number;

#[derive(Clone, Debug)]
pub struct ProseArithmetic {
    share_message: String,
    count_message: String,
}

const DEFAULT_SHARE_MESSAGE: &str = "所占比例与数字不符：写为 {stated}，按数字计算应为 {computed}";
const DEFAULT_COUNT_MESSAGE: &str = "正文说“{stated}”，其后的下级标题却有 {count} 个";

const UNITS: &str = "条|件|项|人次|万元|元|个|次|篇|家|人|场|期";

/// What may stand between a total and its `其中`.
static LIST_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^。；;！？]{0,20}?[，,。；;：:（(]?\s*其中\s*[，,：:]?")
        .unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

/// A figure with its unit: `86条`, `3,836 件`, `12.5万元`, `300余人次`. A
/// total is one that a `其中` list follows (`共公开86条，其中…`); the words
/// before it (`共`, `总数为`) need not be matched, as a figure is one
/// whatever precedes it, and the words that make it inexact are read from
/// its clause.
static FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(\d[\d,，]*(?:\.\d+)?)\s*(余|多)?\s*({UNITS})"))
        .unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d+(?:\.\d+)?)\s*[%％﹪]").unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

/// `以下6方面`, `以下六个方面`, `以下3项`.
static ANNOUNCED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"以下\s*([0-9０-９]+|[一二三四五六七八九十]+)\s*(?:个)?(?:方面|项|点)")
        .unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

/// Words that make a list explicitly partial.
const PARTIAL: &[&str] = &["主要有", "主要包括", "包括", "例如", "如：", "等"];
/// Words before a total that make it approximate or a running total.
const NOT_EXACT: &[&str] = &["累计", "近", "约", "超过", "逾"];

fn number(s: &str) -> Option<f64> {
    match parse_value(s) {
        Value::Number(n) => Some(n),
        _ => parse_chinese_number(s).map(f64::from),
    }
}

/// Decimal places written in a number.
fn decimals(s: &str) -> i32 {
    s.split_once('.').map_or(0, |(_, d)| d.len() as i32)
}

impl ProseArithmetic {
    pub(super) fn compile(spec: &RuleSpec) -> ProseArithmetic {
        ProseArithmetic {
            share_message: spec
                .share_message
                .clone()
                .unwrap_or_else(|| DEFAULT_SHARE_MESSAGE.to_owned()),
            count_message: spec
                .count_message
                .clone()
                .unwrap_or_else(|| DEFAULT_COUNT_MESSAGE.to_owned()),
        }
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        let claims: Vec<(usize, BlockClaims)> = cx
            .report
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(b, block)| Some((b, block_claims(cx.text, block)?)))
            .collect();
        self.finish(cx, sink, claims.iter().map(|(b, c)| (*b, c)));
    }

    /// The findings from the claims of each block (in document order): the
    /// sums and shares that disagree, and each announced count checked
    /// against the outline as it is now.
    pub(super) fn finish<'c>(
        &self,
        cx: &Context,
        sink: &mut Sink,
        claims: impl Iterator<Item = (usize, &'c BlockClaims)>,
    ) {
        for (b, claims) in claims {
            let Some(block) = cx.report.blocks.get(b) else {
                continue;
            };
            let base = block.range.start;
            let at = |r: &Range<usize>| base + r.start..base + r.end;
            for mismatch in &claims.mismatches {
                match mismatch {
                    Mismatch::Sum {
                        total,
                        total_text,
                        sum,
                        parts,
                    } => {
                        let parts_text: Vec<&str> = parts.iter().map(|p| p.1.as_str()).collect();
                        let message = sink.message(&[
                            ("total", total_text),
                            ("sum", sum),
                            ("parts", &parts_text.join(" + ")),
                        ]);
                        let related = parts
                            .iter()
                            .map(|(range, value)| Related {
                                range: at(range),
                                message: format!("分项 {value}"),
                            })
                            .collect();
                        sink.report(at(total), message, related, None);
                    }
                    Mismatch::Share {
                        stated,
                        stated_text,
                        computed,
                        total,
                        total_value,
                    } => {
                        let message = fill(
                            &self.share_message,
                            &[("stated", stated_text), ("computed", computed)],
                        );
                        let related = vec![Related {
                            range: at(total),
                            message: format!("总数 {total_value}"),
                        }];
                        sink.report(at(stated), message, related, None);
                    }
                }
            }
            if let Some(announced) = &claims.announced {
                self.check_count(cx, b, announced, base, sink);
            }
        }
    }

    /// `以下6方面工作` against the sub-sections that follow in its section.
    fn check_count(
        &self,
        cx: &Context,
        block: usize,
        announced: &Announced,
        base: usize,
        sink: &mut Sink,
    ) {
        let following = following_sections(&cx.report.outline, block);
        if following == 0 || (following as f64 - announced.stated).abs() < 0.5 {
            return;
        }
        let range = base + announced.range.start..base + announced.range.end;
        let message = fill(
            &self.count_message,
            &[
                ("stated", cx.slice(&range)),
                ("count", &following.to_string()),
            ],
        );
        sink.report(range, message, Vec::new(), None);
    }
}

/// What the rule finds in one block, whatever the rest of the report says
/// (offsets relative to the block).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct BlockClaims {
    /// Sums and shares that disagree (they are paragraph-local).
    mismatches: Vec<Mismatch>,
    /// A count the block announces (`以下6方面`), checked against the outline
    /// when findings are made.
    announced: Option<Announced>,
}

#[derive(Clone, Debug, PartialEq)]
enum Mismatch {
    /// The parts do not add up to the total: the total's figure, the total
    /// as written with its unit, the parts' sum, each part's figure and value.
    Sum {
        total: Range<usize>,
        total_text: String,
        sum: String,
        parts: Vec<(Range<usize>, String)>,
    },
    /// A share stated after a part is not the part's share of the total.
    Share {
        stated: Range<usize>,
        stated_text: String,
        computed: String,
        total: Range<usize>,
        total_value: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
struct Announced {
    range: Range<usize>,
    stated: f64,
}

/// The claims of one block; `None` when it has none. Sums need a `其中` and
/// counts a `以下`: most blocks have neither and are skipped at once.
pub(super) fn block_claims(text: &str, block: &Block) -> Option<BlockClaims> {
    let is_paragraph = match block.kind {
        BlockKind::Paragraph => true,
        // A numbered line that runs on into its body text
        // (`2、主动公开信息分类。…共298条…`).
        BlockKind::Heading(_) => false,
        _ => return None,
    };
    let text = text.get(block.range.clone())?;
    let bytes = text.as_bytes();
    let mismatches = if memmem::find(bytes, "其中".as_bytes()).is_some() {
        sum_mismatches(text)
    } else {
        Vec::new()
    };
    let announced = if is_paragraph && memmem::find(bytes, "以下".as_bytes()).is_some() {
        announced_count(text)
    } else {
        None
    };
    (!mismatches.is_empty() || announced.is_some()).then_some(BlockClaims {
        mismatches,
        announced,
    })
}

/// The totals followed by a `其中` list in `text` whose parts do not add up,
/// or whose stated shares are wrong.
fn sum_mismatches(text: &str) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for total in FIGURE.captures_iter(text) {
        let (Some(whole), Some(figure), Some(unit)) = (total.get(0), total.get(1), total.get(3))
        else {
            continue;
        };
        // `余`/`多` make a figure approximate. A total is a figure a `其中`
        // list follows: most figures are not, so that is tested before the
        // clause before the figure is read.
        if total.get(2).is_some() {
            continue;
        }
        let Some(start) = LIST_START.find(&text[whole.end()..]) else {
            continue;
        };
        // Approximate or running totals: a word to that effect in the
        // clause before the figure.
        let clause = text[..figure.start()]
            .rsplit(['。', '；', ';', '，', ','])
            .next()
            .unwrap_or_default();
        let clause: String = clause.chars().filter(|c| !c.is_whitespace()).collect();
        if NOT_EXACT.iter().any(|w| clause.contains(w)) {
            continue;
        }
        let Some(total_value) = number(figure.as_str()) else {
            continue;
        };
        let list_from = whole.end() + start.end();
        // The list ends with its sentence. A `；` separates parts, unless
        // what follows is another statement (a new total).
        let sentence_end = text[list_from..]
            .find('。')
            .map_or(text.len(), |i| list_from + i);
        let mut list_to = list_from;
        for segment in text[list_from..sentence_end].split_inclusive(['；', ';']) {
            if list_to > list_from && ["共", "合计", "总计"].iter().any(|w| segment.contains(w))
            {
                break;
            }
            list_to += segment.len();
        }
        let list_to = list_to.min(sentence_end);
        let list = &text[list_from..list_to];
        // Hard-wrapped lines may split a word (`包\n括`).
        let flat: String = list.chars().filter(|c| !c.is_whitespace()).collect();
        if PARTIAL.iter().any(|w| flat.contains(w)) || flat.contains("其中") {
            continue;
        }
        let parts: Vec<_> = FIGURE
            .captures_iter(list)
            .filter(|c| c.get(3).is_some_and(|u| u.as_str() == unit.as_str()))
            .collect();
        if parts.len() < 2 || parts.iter().any(|p| p.get(2).is_some()) {
            continue;
        }
        let mut values = Vec::with_capacity(parts.len());
        for p in &parts {
            let (Some(m), Some(n)) = (p.get(1), p.get(1).and_then(|m| number(m.as_str()))) else {
                continue;
            };
            values.push((
                n,
                list_from + m.start()..list_from + m.end(),
                p.get(0).map_or(0, |w| list_from + w.end()),
            ));
        }
        let sum: f64 = values.iter().map(|v| v.0).sum();
        if (sum - total_value).abs() > 1e-6 {
            out.push(Mismatch::Sum {
                total: figure.range(),
                total_text: format!("{}{}", figure.as_str(), unit.as_str()),
                sum: format_number(sum),
                parts: values
                    .iter()
                    .map(|v| (v.1.clone(), format_number(v.0)))
                    .collect(),
            });
            continue;
        }
        // Shares stated after each part, before the next one.
        for (k, (value, _, end)) in values.iter().enumerate() {
            let next = values.get(k + 1).map_or(list_to, |v| v.1.start);
            let Some(gap) = text.get(*end..next) else {
                continue;
            };
            let Some(p) = PERCENT.captures(gap) else {
                continue;
            };
            let Some(stated) = p.get(1) else { continue };
            let Some(stated_value) = number(stated.as_str()) else {
                continue;
            };
            if total_value == 0.0 {
                continue;
            }
            let computed = value / total_value * 100.0;
            let step = 10f64.powi(-decimals(stated.as_str()));
            if (computed - stated_value).abs() >= step {
                let d = decimals(stated.as_str()).max(1) as usize;
                out.push(Mismatch::Share {
                    stated: end + stated.start()..end + stated.end(),
                    stated_text: format!("{}%", stated.as_str()),
                    computed: format!("{computed:.d$}%"),
                    total: figure.range(),
                    total_value: format_number(total_value),
                });
            }
        }
    }
    out
}

/// The count `text` announces (`以下6方面`), if it states one.
fn announced_count(text: &str) -> Option<Announced> {
    let caps = ANNOUNCED.captures(text)?;
    let (whole, n) = (caps.get(0)?, caps.get(1)?);
    Some(Announced {
        range: whole.range(),
        stated: number(n.as_str())?,
    })
}

/// How many sub-sections of the innermost section holding `block` start
/// after it (the report's top-level sections when it is in the preamble).
fn following_sections(outline: &[Section], block: usize) -> usize {
    let mut level = outline;
    loop {
        match level.iter().find(|s| s.content.contains(&block)) {
            Some(s)
                if s.children
                    .iter()
                    .any(|c| c.content.contains(&block) || c.heading == block) =>
            {
                level = &s.children;
            }
            Some(s) => return s.children.iter().filter(|c| c.heading > block).count(),
            None => return level.iter().filter(|s| s.heading > block).count(),
        }
    }
}

#[cfg(test)]
mod tests;
