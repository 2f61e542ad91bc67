//! `kind = "table"`: a statistics table the pack declares (rows, columns,
//! aliases), read from the report (`crate::tables`), and checked: its
//! identities (`收到申请数 = 当面申请数 + …`, `其中 ≤ 总数`), its values
//! (non-negative, whole numbers unless `decimal`), and the figures the text
//! quotes from it (`12件全部办结` against 申请办结数). A table that could be
//! read only in part says so (info) rather than guess.

use std::collections::HashMap;
use std::ops::Range;

use super::prefilter::PatternFacts;
use super::{Context, Sink};
use crate::diagnostic::{Related, Severity};
use crate::pack::schema::{LabelSpec, RuleSpec, TableSpec};
use crate::pack::{PackError, PackRegex, PackSource, compile_regex, group_names};
use crate::report::BlockKind;
use crate::tables::identity::{self, Relation};
use crate::tables::{self, Grid, Layout, Line, Value};
use crate::text::parse_chinese_number;

#[derive(Clone, Debug)]
pub struct Table {
    layout: Layout,
    identities: Vec<CompiledIdentity>,
    integers: bool,
    non_negative: bool,
    quotes: Vec<Quote>,
    quote_message: String,
    value_message: String,
    unreadable_message: String,
    label_message: String,
}

/// Which way an identity runs through the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Axis {
    /// Its names are rows: checked once per column.
    Rows,
    /// Its names are columns: checked once per row.
    Columns,
}

#[derive(Clone, Debug)]
struct CompiledIdentity {
    text: String,
    axis: Axis,
    relation: Relation,
    /// (line index along the axis, negative) for each side.
    left: Vec<(usize, bool)>,
    right: Vec<(usize, bool)>,
}

#[derive(Clone, Debug)]
struct Quote {
    row: usize,
    column: usize,
    pattern: PackRegex,
    /// It uses `\A` or `\z`: every block is searched, not only those the
    /// whole text's matches touch.
    text_anchored: bool,
}

const DEFAULT_QUOTE_MESSAGE: &str =
    "正文中的数字与统计表不一致：正文为 {quoted}，表中「{cell}」为 {value}";
const DEFAULT_VALUE_MESSAGE: &str = "统计表中「{cell}」的值 {value} 应为非负整数";
const DEFAULT_LABEL_MESSAGE: &str = "表中栏目“{found}”与格式规定的“{label}”不一致，已按后者核对";
const DEFAULT_UNREADABLE_MESSAGE: &str =
    "「{table}」有 {count} 行数字无法对应到表格的行或列，依赖这些行的勾稽关系未核对";

fn lines(
    src: &PackSource,
    at: usize,
    what: &str,
    specs: &[LabelSpec],
) -> Result<Vec<Line>, PackError> {
    let mut out: Vec<Line> = Vec::with_capacity(specs.len());
    for spec in specs {
        if out.iter().any(|l| l.key == spec.key) {
            return Err(PackError::at(
                src,
                at,
                format!("{what}的 key “{}” 重复", spec.key),
            ));
        }
        let under = match &spec.under {
            None => None,
            Some(parent) => Some(out.iter().position(|l| &l.key == parent).ok_or_else(|| {
                PackError::at(
                    src,
                    at,
                    format!(
                        "{what}“{}”的 under 引用了未知或在其后的行 “{parent}”",
                        spec.key
                    ),
                )
            })?),
        };
        let mut names: Vec<String> = std::iter::once(spec.label.as_deref().unwrap_or(&spec.key))
            .chain(spec.aliases.iter().map(String::as_str))
            .map(tables::normalize)
            .filter(|n| !n.is_empty())
            .collect();
        names.dedup();
        out.push(Line {
            key: spec.key.clone(),
            names,
            under,
            decimal: spec.decimal,
        });
    }
    Ok(out)
}

impl Table {
    pub(super) fn compile(src: &PackSource, spec: &RuleSpec) -> Result<Table, PackError> {
        let at = spec.id.span().start;
        let Some(table) = &spec.table else {
            return Err(PackError::at(
                src,
                at,
                format!(
                    "规则 “{}”（kind = \"table\"）需要 table（表格的行、列和勾稽关系）",
                    spec.id.get_ref()
                ),
            ));
        };
        let layout = Layout::new(
            table.name.clone(),
            lines(src, at, "table.rows ", &table.rows)?,
            lines(src, at, "table.columns ", &table.columns)?,
        );
        if layout.rows.is_empty() {
            return Err(PackError::at(src, at, "table.rows 不能为空".to_owned()));
        }
        if let Some(clash) = layout
            .rows
            .iter()
            .find(|r| layout.columns.iter().any(|c| c.key == r.key))
        {
            return Err(PackError::at(
                src,
                at,
                format!("“{}”既是行的 key 又是列的 key，勾稽关系无法区分", clash.key),
            ));
        }
        let identities = table
            .identities
            .iter()
            .map(|text| compile_identity(src, &layout, text))
            .collect::<Result<_, _>>()?;
        let quotes = quotes(src, at, &layout, table)?;
        Ok(Table {
            layout,
            identities,
            integers: table.integers.unwrap_or(true),
            non_negative: table.non_negative.unwrap_or(true),
            quotes,
            quote_message: spec
                .quote_message
                .clone()
                .unwrap_or_else(|| DEFAULT_QUOTE_MESSAGE.to_owned()),
            value_message: spec
                .value_message
                .clone()
                .unwrap_or_else(|| DEFAULT_VALUE_MESSAGE.to_owned()),
            unreadable_message: spec
                .unreadable_message
                .clone()
                .unwrap_or_else(|| DEFAULT_UNREADABLE_MESSAGE.to_owned()),
            label_message: spec
                .label_message
                .clone()
                .unwrap_or_else(|| DEFAULT_LABEL_MESSAGE.to_owned()),
        })
    }

    pub(super) fn run(&self, cx: &Context, sink: &mut Sink) {
        let Some(grid) = tables::read(cx.split_tables(), &self.layout) else {
            return;
        };
        if !grid.unplaced.is_empty() {
            let message = fill(
                &self.unreadable_message,
                &[
                    ("table", &self.layout.name),
                    ("count", &grid.unplaced.len().to_string()),
                ],
            );
            let related = grid
                .unplaced
                .iter()
                .map(|r| Related {
                    range: r.clone(),
                    message: "无法对应的行".to_owned(),
                })
                .collect();
            sink.report_with_severity(grid.anchor.clone(), message, related, None, Severity::Info);
        }
        for (range, row) in &grid.misspelt {
            let label = self.layout.rows[*row]
                .names
                .first()
                .map_or(self.layout.rows[*row].key.as_str(), String::as_str);
            // A label cut short by extraction (the rest wrapped onto another
            // line) is not the writer's mistake.
            if label.contains(tables::normalize(cx.slice(range)).as_str()) {
                continue;
            }
            let message = fill(
                &self.label_message,
                &[("found", cx.slice(range)), ("label", label)],
            );
            sink.report_with_severity(range.clone(), message, Vec::new(), None, Severity::Warning);
        }
        self.check_values(&grid, sink);
        self.check_identities(&grid, sink);
        self.check_quotes(cx, &grid, sink);
    }

    fn cell_name(&self, row: usize, column: usize) -> String {
        match self.layout.columns.get(column) {
            Some(c) if self.layout.columns.len() > 1 => {
                format!("{}·{}", self.layout.rows[row].key, c.key)
            }
            _ => self.layout.rows[row].key.clone(),
        }
    }

    fn check_values(&self, grid: &Grid, sink: &mut Sink) {
        for (row, column, cell) in grid.cells() {
            let Some(n) = cell.value.number() else {
                continue;
            };
            let decimal = self.layout.rows[row].decimal
                || self.layout.columns.get(column).is_some_and(|c| c.decimal);
            let bad =
                (self.non_negative && n < 0.0) || (self.integers && !decimal && n.fract() != 0.0);
            if bad {
                let message = fill(
                    &self.value_message,
                    &[
                        ("cell", &self.cell_name(row, column)),
                        ("value", &format_number(n)),
                    ],
                );
                sink.report(cell.range.clone(), message, Vec::new(), None);
            }
        }
    }

    /// The (row, column) of the `i`-th line along an identity's axis at
    /// position `at` across it.
    fn address(axis: Axis, line: usize, across: usize) -> (usize, usize) {
        match axis {
            Axis::Rows => (line, across),
            Axis::Columns => (across, line),
        }
    }

    fn check_identities(&self, grid: &Grid, sink: &mut Sink) {
        /// One cell of a broken identity: its address, value, sign, range and
        /// whether it is on the left side.
        type TermCell = ((usize, usize), f64, bool, Range<usize>, bool);
        struct Failure<'a> {
            identity: &'a CompiledIdentity,
            across: usize,
            left: f64,
            right: f64,
            cells: Vec<TermCell>,
        }
        let mut failures = Vec::new();
        for identity in &self.identities {
            let across_count = match identity.axis {
                Axis::Rows => self.layout.width(),
                Axis::Columns => self.layout.rows.len(),
            };
            'across: for across in 0..across_count {
                let mut cells = Vec::new();
                let mut sums = [0.0f64; 2];
                for (side, terms) in [&identity.left, &identity.right].into_iter().enumerate() {
                    for &(line, negative) in terms {
                        let (r, c) = Self::address(identity.axis, line, across);
                        let Some(cell) = grid.cell(r, c) else {
                            continue 'across;
                        };
                        let Value::Number(n) = cell.value else {
                            continue 'across;
                        };
                        sums[side] += if negative { -n } else { n };
                        cells.push(((r, c), n, negative, cell.range.clone(), side == 0));
                    }
                }
                if !identity.relation.holds(sums[0], sums[1]) {
                    failures.push(Failure {
                        identity,
                        across,
                        left: sums[0],
                        right: sums[1],
                        cells,
                    });
                }
            }
        }
        // The cell most likely wrong is the one that breaks the most
        // identities; among equals, the lone term of a side (a total).
        let mut breaks: HashMap<(usize, usize), usize> = HashMap::new();
        for f in &failures {
            for (address, ..) in &f.cells {
                *breaks.entry(*address).or_default() += 1;
            }
        }
        for f in failures {
            let left_alone = f.identity.left.len() == 1;
            let right_alone = f.identity.right.len() == 1;
            let Some(culprit) = (0..f.cells.len()).max_by_key(|&i| {
                let (address, _, _, _, on_left) = &f.cells[i];
                let alone = if *on_left { left_alone } else { right_alone };
                // Earlier cells win ties: reverse the index.
                (breaks[address], alone, usize::MAX - i)
            }) else {
                continue;
            };
            let side_text = |on_left: bool| {
                let parts: Vec<String> = f
                    .cells
                    .iter()
                    .filter(|c| c.4 == on_left)
                    .enumerate()
                    .map(|(i, ((r, c), n, negative, ..))| {
                        let sign = match (i, negative) {
                            (0, true) => "−",
                            (0, false) => "",
                            (_, true) => " − ",
                            (_, false) => " + ",
                        };
                        format!("{sign}{} {}", self.cell_name(*r, *c), format_number(*n))
                    })
                    .collect();
                let total = if on_left { f.left } else { f.right };
                if parts.len() == 1 {
                    parts.concat()
                } else {
                    format!("{} = {}", parts.concat(), format_number(total))
                }
            };
            let place = match f.identity.axis {
                Axis::Rows if self.layout.columns.len() > 1 => {
                    format!("（{}列）", self.layout.columns[f.across].key)
                }
                Axis::Columns if self.layout.rows.len() > 1 => {
                    format!("（{}行）", self.layout.rows[f.across].key)
                }
                _ => String::new(),
            };
            let message = sink.message(&[
                ("table", &self.layout.name),
                ("identity", &format!("{}{place}", f.identity.text)),
                ("left", &side_text(true)),
                ("right", &side_text(false)),
                ("difference", &format_number(f.left - f.right)),
            ]);
            let related = f
                .cells
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != culprit)
                .map(|(_, ((r, c), n, _, range, _))| Related {
                    range: range.clone(),
                    message: format!("{}：{}", self.cell_name(*r, *c), format_number(*n)),
                })
                .collect();
            sink.report(f.cells[culprit].3.clone(), message, related, None);
        }
    }

    fn check_quotes(&self, cx: &Context, grid: &Grid, sink: &mut Sink) {
        for quote in &self.quotes {
            let Some(cell) = grid.cell(quote.row, quote.column) else {
                continue;
            };
            let Value::Number(value) = cell.value else {
                continue;
            };
            let blocks = if quote.text_anchored {
                (0..cx.report.blocks.len()).collect()
            } else {
                super::pattern::blocks_touched(&quote.pattern, cx)
            };
            for block in blocks.into_iter().map(|b| &cx.report.blocks[b]) {
                // Numbered lines often run on into their body text
                // (`（二）依申请公开情况。…受理申请21件`).
                if !matches!(block.kind, BlockKind::Paragraph | BlockKind::Heading(_)) {
                    continue;
                }
                let text = cx.slice(&block.range);
                for caps in quote.pattern.captures_iter(text) {
                    let Some(whole) = caps.get(0) else { continue };
                    let (claim, range) = match caps.get(1) {
                        None => (Claim::Exact(0.0), whole.range()),
                        Some(m) => match claim(text, m.range()) {
                            Some(claim) => (claim, m.range()),
                            None => continue,
                        },
                    };
                    if claim.agrees(value) {
                        continue;
                    }
                    let range = block.range.start + range.start..block.range.start + range.end;
                    let name = self.cell_name(quote.row, quote.column);
                    let message = fill(
                        &self.quote_message,
                        &[
                            ("quoted", whole.as_str()),
                            ("cell", &name),
                            ("value", &format_number(value)),
                        ],
                    );
                    let related = vec![Related {
                        range: cell.range.clone(),
                        message: format!("表中「{name}」：{}", format_number(value)),
                    }];
                    sink.report(range, message, related, None);
                }
            }
        }
    }
}

/// A figure as the text states it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Claim {
    Exact(f64),
    /// `2700余条`, `20多件`: more than the figure.
    MoreThan(f64),
    /// `近`, `约`: roughly; not checked.
    Rough,
}

impl Claim {
    fn agrees(self, value: f64) -> bool {
        match self {
            Claim::Exact(n) => Relation::Equal.holds(n, value),
            Claim::MoreThan(n) => value >= n,
            Claim::Rough => true,
        }
    }
}

/// Reads the number at `range` of `text` (Arabic, full-width or Chinese
/// digits) and the approximation words next to it.
fn claim(text: &str, range: Range<usize>) -> Option<Claim> {
    let s = text.get(range.clone())?.trim();
    let n = match tables::parse_value(s) {
        Value::Number(n) => n,
        _ => f64::from(parse_chinese_number(s)?),
    };
    let before = text.get(..range.start)?;
    let after = text.get(range.end..)?;
    if ["近", "约", "大约", "将近", "超过"]
        .iter()
        .any(|w| before.trim_end().ends_with(w))
    {
        return Some(Claim::Rough);
    }
    if after.trim_start().starts_with(['余', '多']) {
        return Some(Claim::MoreThan(n));
    }
    Some(Claim::Exact(n))
}

/// A message template with `{name}` placeholders filled (for the messages
/// other than the rule's own, which `Sink::message` fills).
pub(super) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A number as a message shows it: whole numbers without a point, others
/// with at most four decimals.
pub(super) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn compile_identity(
    src: &PackSource,
    layout: &Layout,
    text: &toml::Spanned<String>,
) -> Result<CompiledIdentity, PackError> {
    // The span covers the quotes of a TOML string.
    let base = text.span().start + 1;
    let parsed = identity::parse(text.get_ref()).map_err(|e| {
        PackError::at(
            src,
            base + e.offset,
            format!("勾稽关系 “{}” 有误：{}", text.get_ref(), e.message),
        )
    })?;
    let resolve = |name: &str| -> Result<(Axis, usize), PackError> {
        if let Some(i) = layout.row(name) {
            return Ok((Axis::Rows, i));
        }
        if let Some(i) = layout.column(name) {
            return Ok((Axis::Columns, i));
        }
        let offset = text.get_ref().find(name).unwrap_or(0);
        Err(PackError::at(
            src,
            base + offset,
            format!("勾稽关系中的 “{name}” 不是 table.rows 或 table.columns 的 key"),
        ))
    };
    let mut axis = None;
    let mut side = |terms: &[identity::Term]| -> Result<Vec<(usize, bool)>, PackError> {
        terms
            .iter()
            .map(|t| {
                let (a, i) = resolve(&t.name)?;
                if *axis.get_or_insert(a) != a {
                    return Err(PackError::at(
                        src,
                        base + text.get_ref().find(&t.name).unwrap_or(0),
                        format!(
                            "勾稽关系 “{}” 混用了行和列（“{}”）；一个关系只能全是行或全是列",
                            text.get_ref(),
                            t.name
                        ),
                    ));
                }
                Ok((i, t.negative))
            })
            .collect()
    };
    let left = side(&parsed.left)?;
    let right = side(&parsed.right)?;
    Ok(CompiledIdentity {
        text: parsed.to_string(),
        axis: axis.unwrap_or(Axis::Rows),
        relation: parsed.relation,
        left,
        right,
    })
}

fn quotes(
    src: &PackSource,
    at: usize,
    layout: &Layout,
    table: &TableSpec,
) -> Result<Vec<Quote>, PackError> {
    table
        .quotes
        .iter()
        .map(|q| {
            let row = layout.row(&q.row).ok_or_else(|| {
                PackError::at(
                    src,
                    at,
                    format!("quotes 的 row “{}” 不是 table.rows 的 key", q.row),
                )
            })?;
            let column = match &q.column {
                None => layout.width() - 1,
                Some(c) => layout.column(c).ok_or_else(|| {
                    PackError::at(
                        src,
                        at,
                        format!("quotes 的 column “{c}” 不是 table.columns 的 key"),
                    )
                })?,
            };
            let pattern = compile_regex(src, &q.pattern, "quotes 的 pattern")?;
            let facts = PatternFacts::of(&pattern);
            if facts.syntax().map_or(0, |hir| group_names(hir).len()) > 2 {
                return Err(PackError::at(
                    src,
                    q.pattern.span().start,
                    "quotes 的 pattern 至多一个捕获组（数字）；其余分组请用 (?:…)".to_owned(),
                ));
            }
            Ok(Quote {
                row,
                column,
                pattern,
                text_anchored: facts.text_anchored(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
