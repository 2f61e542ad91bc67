//! Tables as rows of cells with ranges.

use std::ops::Range;

use super::scan::{digit_value, is_ws, trim, trim_range};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// From the first cell's line start to the last cell's line end.
    pub range: Range<usize>,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The cell's text, trimmed of white space (empty cells have an empty
    /// range at the cell's position).
    pub range: Range<usize>,
}

/// How a run of table lines lays out its cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// One row per line: `a | b | c`, `| a | b |`.
    RowPerLine,
    /// One cell per line, each ending in ` |`; rows must be inferred.
    CellPerLine,
}

/// Parses the table lines `lines` (ranges of `text` without line breaks).
/// Lines without a `|` (short lines between table lines, such as a merged
/// cell's wrapped text) become one cell each.
pub(super) fn parse(text: &str, lines: &[Range<usize>]) -> Table {
    let (mut piped, mut single) = (0usize, 0usize);
    for r in lines {
        let s = line_text(text, r);
        let bars = bars(s);
        if bars > 0 {
            piped += 1;
            if is_single_cell_line(s, bars) {
                single += 1;
            }
        }
    }
    let shape = if piped > 0 && single * 10 >= piped * 7 {
        Shape::CellPerLine
    } else {
        Shape::RowPerLine
    };
    match shape {
        Shape::RowPerLine => row_per_line(text, lines),
        Shape::CellPerLine => cell_per_line(text, lines),
    }
}

fn line_text<'a>(text: &'a str, r: &Range<usize>) -> &'a str {
    text.get(r.clone()).unwrap_or("")
}

/// How many `|` a line holds.
fn bars(line: &str) -> usize {
    memchr::memchr_iter(b'|', line.as_bytes()).count()
}

/// A line holding one cell and a final `|` (`bars` is its count of `|`), or
/// only pipes.
fn is_single_cell_line(line: &str, bars: usize) -> bool {
    let t = trim(line);
    (t.ends_with('|') && bars == 1) || t.chars().all(|c| c == '|' || is_ws(c))
}

/// The `|`-separated pieces of a line, as ranges of `text` (untrimmed).
fn pieces<'a>(text: &'a str, r: &Range<usize>) -> impl Iterator<Item = Range<usize>> + 'a {
    let s = line_text(text, r);
    let base = r.start;
    let mut from = 0;
    memchr::memchr_iter(b'|', s.as_bytes())
        .chain([s.len()])
        .map(move |end| {
            let piece = base + from..base + end;
            from = end + 1;
            piece
        })
}

fn cell(text: &str, piece: Range<usize>) -> Cell {
    Cell {
        range: trim_range(text, piece),
    }
}

fn is_separator_row(text: &str, cells: &[Cell]) -> bool {
    let mut dashes = false;
    for c in cells {
        let s = line_text(text, &c.range);
        if s.is_empty() {
            continue;
        }
        if !s.chars().all(|c| matches!(c, '-' | ':' | ' ' | '—' | '－')) {
            return false;
        }
        dashes = true;
    }
    dashes
}

fn row_per_line(text: &str, lines: &[Range<usize>]) -> Table {
    let mut rows = Vec::with_capacity(lines.len());
    for r in lines {
        let s = line_text(text, r);
        let t = trim(s);
        let mut cells = Vec::with_capacity(bars(s) + 1);
        cells.extend(pieces(text, r).map(|p| cell(text, p)));
        if cells.len() > 1 {
            // Leading and trailing pipes are delimiters, not empty cells.
            if t.ends_with('|') {
                cells.pop();
            }
            if t.starts_with('|') && !cells.is_empty() {
                cells.remove(0);
            }
        }
        if cells.is_empty() || is_separator_row(text, &cells) {
            continue;
        }
        rows.push(Row {
            range: r.clone(),
            cells,
        });
    }
    Table { rows }
}

/// The kind of a cell's content, for inferring the column count.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Content {
    Empty,
    Number,
    Label,
}

fn content(s: &str) -> Content {
    let t = trim(s);
    if t.is_empty() {
        return Content::Empty;
    }
    let mut digit = false;
    for c in t.chars() {
        if digit_value(c).is_some() {
            digit = true;
        } else if !matches!(
            c,
            '.' | ',' | '%' | '-' | '+' | '．' | '，' | '％' | '﹪' | ' '
        ) {
            return Content::Label;
        }
    }
    if digit {
        Content::Number
    } else {
        Content::Label
    }
}

fn cell_per_line(text: &str, lines: &[Range<usize>]) -> Table {
    // Flatten: (cell, index of its line).
    let mut cells: Vec<(Cell, usize)> = Vec::with_capacity(lines.len() + lines.len() / 4);
    for (li, r) in lines.iter().enumerate() {
        let first = cells.len();
        cells.extend(pieces(text, r).map(|p| (cell(text, p), li)));
        // The text after the line's last `|` is a cell only if it is not blank.
        if cells.len() > first + 1 && cells.last().is_some_and(|(c, _)| c.range.is_empty()) {
            cells.pop();
        }
    }
    let kinds: Vec<Content> = cells
        .iter()
        .map(|(c, _)| content(line_text(text, &c.range)))
        .collect();
    let k = infer_columns(&kinds);
    let mut rows = Vec::with_capacity(cells.len() / k.max(1) + 1);
    for chunk in cells.chunks(k.max(1)) {
        let (Some((_, first)), Some((_, last))) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let (Some(a), Some(b)) = (lines.get(*first), lines.get(*last)) else {
            continue;
        };
        rows.push(Row {
            range: a.start..b.end,
            cells: chunk.iter().map(|(c, _)| c.clone()).collect(),
        });
    }
    Table { rows }
}

/// Chooses the column count k (2..=10) of a flattened one-cell-per-line
/// table: the k for which the last column is most consistently numeric (or
/// empty), the first column most consistently a label, every column most
/// consistent in kind, and the cells make whole rows. A multiple of a good k
/// scores about as well as k, so a larger k must do clearly better to win. Returns the number of cells (one
/// row) when there are too few cells to tell.
fn infer_columns(kinds: &[Content]) -> usize {
    let n = kinds.len();
    let mut best: Option<(usize, f64)> = None;
    for k in 2..=10 {
        if n < 2 * k {
            break;
        }
        let score = column_score(kinds, k);
        match best {
            Some((_, b)) if score <= b + 0.05 => {}
            _ => best = Some((k, score)),
        }
    }
    best.map_or(n, |(k, _)| k)
}

fn column_score(kinds: &[Content], k: usize) -> f64 {
    let mut consistency = 0.0;
    let mut first_label = 0.0;
    let mut last_number = 0.0;
    for col in 0..k {
        let (mut total, mut numeric, mut label) = (0usize, 0usize, 0usize);
        for kind in kinds.iter().skip(col).step_by(k) {
            total += 1;
            match kind {
                Content::Label => label += 1,
                Content::Number => numeric += 1,
                Content::Empty => {}
            }
        }
        if total == 0 {
            continue;
        }
        // Shares smoothed towards one half, so that the few cells of a wide
        // guess do not look consistent by chance.
        let share = |count: usize| (count + 1) as f64 / (total + 2) as f64;
        let numeric_or_empty = share(total - label);
        let labels = share(label);
        consistency += numeric_or_empty.max(labels);
        if col == 0 {
            first_label = labels;
        }
        if col == k - 1 {
            last_number = numeric_or_empty;
            // A column of only blanks is no evidence of numbers.
            if numeric == 0 {
                last_number = 0.0;
            }
        }
    }
    // A table is a whole number of rows.
    let ragged = if kinds.len() % k == 0 { 0.0 } else { 0.2 };
    consistency / k as f64 + first_label + last_number - ragged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        let lines: Vec<Range<usize>> = super::super::scan::lines(text, 0..text.len()).collect();
        parse(text, &lines)
    }

    fn cells<'a>(text: &'a str, t: &Table) -> Vec<Vec<&'a str>> {
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(|c| &text[c.range.clone()]).collect())
            .collect()
    }

    #[test]
    fn row_per_line() {
        let t = "信息内容 | 本年制发件数 | 现行有效件数\n规章 | 0 | 0\n规范性文件 | 5 |";
        let tb = table(t);
        assert_eq!(
            cells(t, &tb),
            [
                vec!["信息内容", "本年制发件数", "现行有效件数"],
                vec!["规章", "0", "0"],
                vec!["规范性文件", "5"]
            ]
        );
        assert_eq!(&t[tb.rows[1].range.clone()], "规章 | 0 | 0");
    }

    #[test]
    fn markdown_with_separator_rows() {
        let t = "| 信息内容 | 本年制发件数 |\n|---|:---:|\n| 规章 | 0 |\n|  | 3 |\n| --- | --- |\n| 合计 | 3 |";
        let tb = table(t);
        assert_eq!(
            cells(t, &tb),
            [
                vec!["信息内容", "本年制发件数"],
                vec!["规章", "0"],
                vec!["", "3"],
                vec!["合计", "3"]
            ]
        );
        // An empty cell is an empty range where the cell stands.
        let empty = &tb.rows[2].cells[0].range;
        assert!(empty.is_empty());
        assert_eq!(&t[tb.rows[2].range.start..empty.start], "|");
    }

    #[test]
    fn one_cell_per_line_infers_three_columns() {
        // label | unit | value, with section rows whose unit and value are blank.
        let mut t = String::from("统计表 |\n||\n指标 |\n单位 |\n数值 |\n");
        t.push_str("一、主动公开情况 |\n|\n|\n");
        for (label, unit, value) in [
            ("（一）主动公开信息数", "条", "120"),
            ("其中：规范性文件数", "条", "2"),
            ("（二）申请办结数", "件", "10"),
            ("1.按时办结数", "件", "12"),
            ("2.延期办结数", "件", "0"),
            ("（三）收费金额", "万元", "0.5"),
        ] {
            t.push_str(&format!("{label} |\n{unit} |\n{value} |\n"));
        }
        t.push_str("二、回应解读情况 |\n|\n|\n");
        let tb = table(&t);
        assert!(
            tb.rows.iter().all(|r| r.cells.len() == 3),
            "{:?}",
            cells(&t, &tb)
        );
        let rows = cells(&t, &tb);
        assert_eq!(rows[0], ["统计表", "", ""]);
        assert_eq!(rows[1], ["指标", "单位", "数值"]);
        assert_eq!(rows[2], ["一、主动公开情况", "", ""]);
        assert!(rows.contains(&vec!["（二）申请办结数", "件", "10"]));
        let last = tb.rows.last().unwrap();
        assert_eq!(&t[last.range.clone()], "二、回应解读情况 |\n|\n|");
    }

    #[test]
    fn one_cell_per_line_infers_two_columns() {
        let mut t = String::new();
        for (label, value) in [
            ("行政许可", "550"),
            ("行政处罚", "4119"),
            ("行政强制", "195"),
            ("行政收费", "7730.28"),
        ] {
            t.push_str(&format!("{label} |\n{value} |\n"));
        }
        let tb = table(&t);
        assert_eq!(cells(&t, &tb)[3], ["行政收费", "7730.28"]);
    }

    #[test]
    fn ragged_and_degenerate_tables() {
        for t in [
            "|",
            "||",
            "| |\n|",
            "a|b|c\nd\n|e",
            "|||||\n|",
            "a |",
            "a |\nb |\n1 |\n",
            "||||\n||||\n||||",
        ] {
            let tb = table(t);
            for r in &tb.rows {
                assert!(r.range.start <= r.range.end && r.range.end <= t.len());
                for c in &r.cells {
                    assert!(
                        r.range.start <= c.range.start && c.range.end <= r.range.end,
                        "{t:?}"
                    );
                }
            }
        }
        assert_eq!(
            cells("a|b\n1|2|3|4", &table("a|b\n1|2|3|4")),
            [vec!["a", "b"], vec!["1", "2", "3", "4"]]
        );
    }
}
