//! Tables as data: a report's tables read against a declared table layout
//! (row and column labels with aliases) into labelled numeric cells, each
//! keeping its byte range.
//!
//! Reports print the same national form in many shapes: one cell per line,
//! `|` rows, Markdown; labels with their own numbering (`（三）不予公开
//! 1.属于国家秘密`), vertical group labels one character per line, a table cut
//! in pieces by page footers or by a converter. So rows are found by their
//! normalised label ([`normalize`]), never by position; a table belongs to a
//! layout when enough of its labels are the layout's; all pieces that belong
//! to one layout are read as one table. Value rows without a usable label
//! take the label of the row or caption just before them, or, when they hold
//! every cell of the form in one line (表四's 15 cells), fill it row by row.
//! What cannot be placed is counted, so a rule can say the table was only
//! partly read instead of guessing.
//!
//! Architecture invariant: pure functions of the text and the report model;
//! nothing here knows of packs, rules or I/O.

pub mod identity;
mod label;
mod value;

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

pub use label::{normalize, normalize_text};
pub use value::{Value, parse as parse_value};

use crate::report::{BlockKind, Report};

/// One declared row or column.
#[derive(Clone, Debug)]
pub struct Line {
    /// The name identities and messages use.
    pub key: String,
    /// Normalised labels that mean this line (its label and aliases).
    pub names: Vec<String>,
    /// For a label used twice on the form (`被依法纠错数` under 行政复议 and
    /// under 行政诉讼): the row it follows.
    pub under: Option<usize>,
    /// Values may have decimals (amounts in 万元).
    pub decimal: bool,
}

/// A declared table: the labels its rows and columns carry. Built by
/// [`Layout::new`], which indexes the lines' names: they must not change
/// afterwards.
#[derive(Clone, Debug)]
pub struct Layout {
    pub name: String,
    pub rows: Vec<Line>,
    /// Empty for a table with one value column (label | unit | value).
    pub columns: Vec<Line>,
    /// Finds the longer declared labels in a table's raw text: a table with
    /// none of them is not this one, and is not split into cells. Built on
    /// the first table a report has (most processes' reports have none or
    /// few; six layouts' automata are a tenth of an empty report's check).
    finder: OnceLock<Option<aho_corasick::AhoCorasick>>,
    /// The declared names of two characters or more, sorted, and an
    /// automaton finding them in a caption; built on first use.
    caption_names: OnceLock<(Vec<String>, Option<aho_corasick::AhoCorasick>)>,
    /// Each name → the lines it names (rows as `i`, columns as `rows + i`),
    /// ascending: labels are looked up, not compared with every name.
    by_name: FxHashMap<String, Vec<usize>>,
    /// The rows' names long enough for a misspelling to be recognised.
    long_names: Vec<LongName>,
}

/// Labels shorter than this (总计, 规章) are too common to tell tables apart.
const DISTINCTIVE_CHARS: usize = 4;

impl Layout {
    pub fn new(name: String, rows: Vec<Line>, columns: Vec<Line>) -> Layout {
        let mut by_name: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, line) in rows.iter().chain(&columns).enumerate() {
            for n in &line.names {
                let lines = by_name.entry(n.clone()).or_default();
                if lines.last() != Some(&i) {
                    lines.push(i);
                }
            }
        }
        let long_names = (rows.iter().enumerate())
            .flat_map(|(r, line)| line.names.iter().map(move |n| LongName::new(r, n)))
            .filter(|n| n.chars.len() >= SIMILAR_MIN_CHARS)
            .collect();
        Layout {
            name,
            rows,
            columns,
            finder: OnceLock::new(),
            caption_names: OnceLock::new(),
            by_name,
            long_names,
        }
    }

    /// Whether a table's raw text may belong to this layout.
    fn may_hold(&self, raw: &str) -> bool {
        let finder = self.finder.get_or_init(|| {
            let names = self.names_of_at_least(DISTINCTIVE_CHARS);
            // An NFA: a DFA over these labels costs more to build than the
            // few table texts of a report take to search.
            (!names.is_empty())
                .then(|| {
                    aho_corasick::AhoCorasick::builder()
                        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                        .build(&names)
                        .ok()
                })
                .flatten()
        });
        finder.as_ref().is_none_or(|f| f.is_match(raw))
    }

    /// The declared names (of rows and columns) of `min_chars` characters or
    /// more, sorted, each once.
    fn names_of_at_least(&self, min_chars: usize) -> Vec<&str> {
        let mut names: Vec<&str> = (self.rows.iter().chain(&self.columns))
            .flat_map(|l| &l.names)
            .map(String::as_str)
            .filter(|n| n.chars().count() >= min_chars)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The declared names of two characters or more that `caption`
    /// contains, each once.
    fn names_in(&self, caption: &str) -> Vec<&str> {
        let (names, finder) = self.caption_names.get_or_init(|| {
            let names: Vec<String> = (self.names_of_at_least(2).into_iter())
                .map(str::to_owned)
                .collect();
            // The least to build: captions are short.
            let finder = aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                .build(&names)
                .ok();
            (names, finder)
        });
        let mut found: Vec<&str> = match finder {
            Some(finder) => (finder.find_overlapping_iter(caption))
                .filter_map(|m| names.get(m.pattern().as_usize()).map(String::as_str))
                .collect(),
            None => (names.iter().map(String::as_str))
                .filter(|n| caption.contains(n))
                .collect(),
        };
        found.sort_unstable();
        found.dedup();
        found
    }

    pub fn row(&self, key: &str) -> Option<usize> {
        self.rows.iter().position(|l| l.key == key)
    }

    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|l| l.key == key)
    }

    /// How many value columns a row has.
    pub fn width(&self) -> usize {
        self.columns.len().max(1)
    }

    /// The declared lines named `name` (rows as `i`, columns as `rows + i`).
    fn lines_named(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The rows among declared lines (ascending, as [`Layout::lines_named`]
    /// gives them).
    fn rows_among<'l>(&self, lines: &'l [usize]) -> &'l [usize] {
        &lines[..lines.partition_point(|&i| i < self.rows.len())]
    }
}

/// One read cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub value: Value,
    pub range: Range<usize>,
}

/// A declared table as read from a report.
#[derive(Clone, Debug)]
pub struct Grid {
    /// The first line of the first piece of the table, for findings about the
    /// whole table.
    pub anchor: Range<usize>,
    /// Value rows that could not be placed (no label, or the wrong number of
    /// values), by range.
    pub unplaced: Vec<Range<usize>>,
    /// Labels read as a declared row they nearly spell: (the label's range,
    /// the row).
    pub misspelt: Vec<(Range<usize>, usize)>,
    width: usize,
    cells: Vec<Option<Cell>>,
}

impl Grid {
    pub fn cell(&self, row: usize, column: usize) -> Option<&Cell> {
        self.cells.get(row * self.width + column)?.as_ref()
    }

    /// Whether any cell of the row was read.
    pub fn has_row(&self, row: usize) -> bool {
        (0..self.width).any(|c| self.cell(row, c).is_some())
    }

    /// Every read cell: (row, column, cell).
    pub fn cells(&self) -> impl Iterator<Item = (usize, usize, &Cell)> {
        self.cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.as_ref().map(|c| (i / self.width, i % self.width, c)))
    }

    fn place(&mut self, row: usize, values: &[(Value, Range<usize>)]) {
        for (column, (value, range)) in values.iter().enumerate() {
            if let Some(slot) = self.cells.get_mut(row * self.width + column)
                && slot.is_none()
            {
                *slot = Some(Cell {
                    value: *value,
                    range: range.clone(),
                });
            }
        }
    }
}

/// A table row split into its label cells and its trailing value cells.
struct SplitRow {
    range: Range<usize>,
    /// Normalised label cells with their ranges.
    labels: Vec<(String, Range<usize>)>,
    values: Vec<(Value, Range<usize>)>,
}

fn split_row(text: &str, row: &crate::report::Row) -> SplitRow {
    let cells: Vec<(&str, Value, Range<usize>)> = row
        .cells
        .iter()
        .map(|c| {
            let s = text.get(c.range.clone()).unwrap_or("");
            (s, parse_value(s), c.range.clone())
        })
        .collect();
    let first_value = cells
        .iter()
        .rposition(|(_, v, _)| !v.is_value())
        .map_or(0, |i| i + 1);
    SplitRow {
        range: row.range.clone(),
        labels: cells[..first_value]
            .iter()
            .map(|(s, _, r)| (normalize(s), r.clone()))
            .filter(|(s, _)| !s.is_empty())
            .collect(),
        values: cells[first_value..]
            .iter()
            .map(|(_, v, r)| (*v, r.clone()))
            .collect(),
    }
}

/// One table of the report with its labels looked up in a layout.
struct Piece<'a> {
    block: usize,
    rows: &'a [SplitRow],
    /// The declared lines each label names, label by label through the
    /// rows: each label is looked up once.
    named: Vec<&'a [usize]>,
    /// How many declared lines its labels name.
    hits: usize,
    /// Rows with numbers whose label is a declared row's.
    data_hits: usize,
}

impl<'a> Piece<'a> {
    fn new(layout: &'a Layout, block: usize, rows: &'a [SplitRow]) -> Piece<'a> {
        let named: Vec<&[usize]> = (rows.iter().flat_map(|r| &r.labels))
            .map(|(label, _)| layout.lines_named(label))
            .collect();
        let mut shown = vec![false; layout.rows.len() + layout.columns.len()];
        for &line in named.iter().copied().flatten() {
            shown[line] = true;
        }
        let data_hits = Piece::by_row(rows, &named)
            .filter(|(row, _)| row.values.iter().any(|(v, _)| v.number().is_some()))
            .filter(|(_, lines)| lines.iter().any(|l| !layout.rows_among(l).is_empty()))
            .count();
        Piece {
            block,
            rows,
            hits: shown.into_iter().filter(|&s| s).count(),
            data_hits,
            named,
        }
    }

    /// Each row with the declared lines its labels name.
    fn by_row<'p>(
        rows: &'p [SplitRow],
        mut named: &'p [&'a [usize]],
    ) -> impl Iterator<Item = (&'p SplitRow, &'p [&'a [usize]])> {
        rows.iter().map(move |row| {
            let (own, rest) = named.split_at(row.labels.len().min(named.len()));
            named = rest;
            (row, own)
        })
    }
}

/// Fewest distinct declared labels a table must show to be taken for the
/// layout on its own.
const RECOGNISED_AT: usize = 3;

/// Labels at least this similar to a declared one (twice their longest
/// common subsequence over their total length, in characters) and at least
/// [`SIMILAR_MIN_CHARS`] long are taken for it.
const SIMILAR_AT: f64 = 0.8;
const SIMILAR_MIN_CHARS: usize = 6;

/// A declared row's name, as characters, for [`similar_row`].
#[derive(Clone, Debug)]
struct LongName {
    row: usize,
    chars: Vec<char>,
    /// The same characters sorted.
    sorted: Vec<char>,
}

impl LongName {
    fn new(row: usize, name: &str) -> LongName {
        let chars: Vec<char> = name.chars().collect();
        let mut sorted = chars.clone();
        sorted.sort_unstable();
        LongName { row, chars, sorted }
    }
}

/// How many characters two sorted lists share, counted with repetition: a
/// bound on their longest common subsequence, found in one merge.
fn shared_chars(a: &[char], b: &[char]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => (i, j, shared) = (i + 1, j + 1, shared + 1),
        }
    }
    shared
}

/// Twice `common` over the total length of two strings: 1 for equal
/// strings, when `common` is the length of their longest common subsequence.
fn score(common: usize, a: &[char], b: &[char]) -> f64 {
    2.0 * common as f64 / (a.len() + b.len()).max(1) as f64
}

/// Twice the longest common subsequence of `a` and `b` over their total
/// length: 1 for equal strings.
fn similarity(a: &[char], b: &[char]) -> f64 {
    let mut previous = vec![0usize; b.len() + 1];
    let mut current = vec![0usize; b.len() + 1];
    for &x in a {
        for (j, &y) in b.iter().enumerate() {
            current[j + 1] = if x == y {
                previous[j] + 1
            } else {
                current[j].max(previous[j + 1])
            };
        }
        std::mem::swap(&mut previous, &mut current);
    }
    score(previous[b.len()], a, b)
}

/// The declared row, not yet read, whose name `label` nearly spells.
fn similar_row(layout: &Layout, grid: &Grid, label: &str) -> Option<usize> {
    let found: Vec<char> = label.chars().collect();
    if found.len() < SIMILAR_MIN_CHARS {
        return None;
    }
    let mut sorted = found.clone();
    sorted.sort_unstable();
    let mut best = None;
    let mut best_score = SIMILAR_AT;
    for LongName {
        row,
        chars: name,
        sorted: name_sorted,
    } in &layout.long_names
    {
        if grid.has_row(*row) {
            continue;
        }
        // Lengths too far apart, or too few characters in common, cannot
        // reach the threshold (the common subsequence is at most as long
        // as either, and uses only characters both have).
        let short = found.len().min(name.len());
        if score(short, &found, name) < best_score
            || score(shared_chars(&sorted, name_sorted), &found, name) < best_score
        {
            continue;
        }
        let similar = similarity(&found, name);
        if similar >= best_score {
            best_score = similar;
            best = Some(*row);
        }
    }
    best
}

/// The declared row the running text names (a caption such as `### 行政复议`,
/// normalised), by the longest name it contains; `named`: the names it
/// contains ([`Layout::names_in`]).
fn row_named_in(layout: &Layout, named: &[&str]) -> Option<usize> {
    layout
        .rows
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.names.iter().map(move |n| (i, n)))
        .filter(|(_, n)| named.contains(&n.as_str()))
        .max_by_key(|(_, n)| n.len())
        .map(|(i, _)| i)
}

/// How many declared lines the running text names by a distinctive label;
/// `named`: the names it contains ([`Layout::names_in`]).
fn caption_hits(layout: &Layout, named: &[&str]) -> usize {
    (layout.rows.iter().chain(&layout.columns))
        .filter(|l| {
            l.names
                .iter()
                .any(|n| named.contains(&n.as_str()) && n.chars().count() >= DISTINCTIVE_CHARS)
        })
        .count()
}

/// The text of the block before `block`, when it is a short caption or
/// heading (the label of a table that has none of its own).
fn caption_before<'a>(text: &'a str, report: &Report, block: usize) -> Option<&'a str> {
    let prev = report.blocks[..block]
        .iter()
        .rev()
        .find(|b| !matches!(b.kind, BlockKind::Blank | BlockKind::PageNumber))?;
    match prev.kind {
        BlockKind::Heading(_) | BlockKind::Paragraph => {
            let s = text.get(prev.range.clone())?;
            // Its last lines only: a caption, not a whole section.
            let from = s.len().saturating_sub(240);
            let from = (from..=s.len()).find(|&i| s.is_char_boundary(i))?;
            Some(&s[from..])
        }
        _ => None,
    }
}

/// A report's tables split into label and value cells, and the normalised
/// captions before them, each table on first use; shared by every layout read
/// against the report.
pub struct SplitTables<'t> {
    text: &'t str,
    report: &'t Report,
    /// By block.
    rows: Vec<OnceLock<Vec<SplitRow>>>,
    /// By block.
    captions: Vec<OnceLock<Option<String>>>,
}

impl<'t> SplitTables<'t> {
    pub fn new(text: &'t str, report: &'t Report) -> SplitTables<'t> {
        SplitTables {
            text,
            report,
            rows: report.blocks.iter().map(|_| OnceLock::new()).collect(),
            captions: report.blocks.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The caption before the table at `block`, normalised as running text.
    fn caption(&self, block: usize) -> Option<&str> {
        let caption = self
            .captions
            .get(block)?
            .get_or_init(|| caption_before(self.text, self.report, block).map(normalize_text));
        caption.as_deref()
    }

    /// The rows of the table at `block` if a layout read before split them.
    fn rows_if_split(&self, block: usize) -> Option<&[SplitRow]> {
        self.rows.get(block)?.get().map(Vec::as_slice)
    }

    fn rows(&self, block: usize, table: &crate::report::Table) -> &[SplitRow] {
        match self.rows.get(block) {
            Some(rows) => {
                rows.get_or_init(|| table.rows.iter().map(|r| split_row(self.text, r)).collect())
            }
            None => &[],
        }
    }
}

/// Reads the report's tables that follow `layout`, merged into one grid.
/// `None` when no table of the report follows it.
pub fn read(split: &SplitTables, layout: &Layout) -> Option<Grid> {
    let text = split.text;
    let tables: Vec<(usize, &crate::report::Table, &str)> = (split.report.blocks.iter())
        .enumerate()
        .filter_map(|(i, b)| match &b.kind {
            BlockKind::Table(t) => Some((i, t, text.get(b.range.clone()).unwrap_or(""))),
            _ => None,
        })
        .collect();
    let searched: Vec<OnceCell<bool>> = tables.iter().map(|_| OnceCell::new()).collect();
    let holds_distinctive = |k: usize| *searched[k].get_or_init(|| layout.may_hold(tables[k].2));
    let pieces: Vec<OnceCell<Piece>> = tables.iter().map(|_| OnceCell::new()).collect();
    let piece = |k: usize| {
        pieces[k].get_or_init(|| {
            let (block, table, _) = tables[k];
            Piece::new(layout, block, split.rows(block, table))
        })
    };
    // The layout is in the report when a table holds one of its distinctive
    // labels and shows enough of its labels. Of the two tests the cheaper
    // goes first: the labels of a table split already (for another layout),
    // the search of the raw text otherwise, since a table without a
    // distinctive label is split only once the layout is known (it may be a
    // piece of it).
    let known = tables.iter().enumerate().any(|(k, &(block, _, _))| {
        let searched_first = split.rows_if_split(block).is_none();
        if searched_first && !holds_distinctive(k) {
            return false;
        }
        piece(k).hits >= RECOGNISED_AT && holds_distinctive(k)
    });
    let scored: Vec<&Piece> = (0..tables.len())
        .filter(|&k| known || holds_distinctive(k))
        .map(piece)
        .collect();
    if scored.is_empty() {
        return None;
    }
    let present = scored.iter().any(|p| p.hits >= RECOGNISED_AT);
    let width = layout.width();
    let mut grid = Grid {
        anchor: 0..0,
        unplaced: Vec::new(),
        misspelt: Vec::new(),
        width,
        cells: vec![None; layout.rows.len() * width],
    };
    let mut found = false;
    // When each row was last matched (for labels used twice on the form).
    let mut matched_at: Vec<Option<usize>> = vec![None; layout.rows.len()];
    let mut sequence = 0usize;
    for &Piece {
        block,
        rows,
        ref named,
        hits: hit,
        data_hits,
    } in scored
    {
        let in_caption = split.caption(block).map(|c| layout.names_in(c));
        // The caption's labels count only when the table's own do not decide.
        let belongs = hit >= RECOGNISED_AT
            || (present && data_hits > 0)
            || (in_caption.as_deref())
                .is_some_and(|names| hit + caption_hits(layout, names) >= RECOGNISED_AT);
        if !belongs {
            continue;
        }
        let mut pending = (in_caption.as_deref()).and_then(|names| row_named_in(layout, names));
        let mut placed_any = false;
        let mut unplaced = Vec::new();
        for (row, named) in Piece::by_row(rows, named) {
            let has_numbers = row.values.iter().any(|(v, _)| v.number().is_some());
            let mut matched = named.iter().rev().find_map(|lines| {
                (layout.rows_among(lines).iter().copied()).max_by_key(|&c| {
                    layout.rows[c]
                        .under
                        .and_then(|u| matched_at[u])
                        .map_or(0, |at| at + 1)
                })
            });
            if matched.is_none() && has_numbers {
                // A label misspelt on the form itself (`其他法律行政止公开`).
                if let Some((r, range)) = row
                    .labels
                    .iter()
                    .rev()
                    .find_map(|(l, range)| similar_row(layout, &grid, l).map(|r| (r, range)))
                {
                    matched = Some(r);
                    grid.misspelt.push((range.clone(), r));
                }
            }
            let target = match matched {
                Some(r) => Some(r),
                None if row.labels.is_empty() => pending,
                None => {
                    if has_numbers {
                        pending = None;
                    }
                    continue;
                }
            };
            if let Some(r) = matched {
                sequence += 1;
                matched_at[r] = Some(sequence);
            }
            let mut values: Vec<(Value, Range<usize>)> = row.values.clone();
            while values.len() > width && values.last().is_some_and(|(v, _)| *v == Value::Blank) {
                values.pop();
            }
            while values.len() > width && values.first().is_some_and(|(v, _)| *v == Value::Blank) {
                values.remove(0);
            }
            if !has_numbers {
                // A label row whose values follow on the next line.
                if matched.is_some() {
                    pending = matched;
                }
                continue;
            }
            pending = None;
            let whole_form = layout.rows.len() > 1 && values.len() == width * layout.rows.len();
            match target {
                Some(r) if values.len() == width => {
                    grid.place(r, &values);
                    placed_any = true;
                }
                // Every cell of the form in one line, as under 表四's
                // three-row header.
                _ if whole_form && matched.is_none() => {
                    for (r, chunk) in values.chunks(width).enumerate() {
                        grid.place(r, chunk);
                    }
                    placed_any = true;
                }
                // An unlabelled row of another shape belongs to something
                // else (表四's row after 表三 in one block).
                _ if matched.is_none() && values.len() != width => {}
                _ => unplaced.push(row.range.clone()),
            }
        }
        // A table taken for the layout only through its caption must hold
        // something of it.
        if hit < RECOGNISED_AT && !(present && data_hits > 0) && !placed_any {
            continue;
        }
        if !found {
            grid.anchor = rows.first().map_or(0..0, |r| r.range.clone());
            found = true;
        }
        grid.unplaced.extend(unplaced);
    }
    found.then_some(grid)
}

#[cfg(test)]
mod tests;
