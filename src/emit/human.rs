//! The human format: rustc/Ruff-style snippets rendered by `annotate-snippets`.
//!
//! ```text
//! 错误[cn/regulation-name]: 法规名称有误：“条列”应为“条例”
//!  --> reports/2023.txt:3:20
//!   |
//! 3 | 本报告依据《中华人民共和国政府信息公开条列》编制。
//!   |                                       ^^^^
//!   |
//!   = 依据：《中华人民共和国政府信息公开条例》（国务院令第711号）第五十条
//!   = 修复：改为“条例”（安全）
//! ```
//!
//! The severity is shown with its Chinese label. Related locations are
//! secondary annotations, in the same snippet when they are within a few
//! lines of the finding, in a snippet of their own (`:::`) otherwise.
//!
//! Long lines (a paragraph is one line, and a whole report may be one line)
//! are not printed whole: each shown line is cut to windows of a few dozen
//! columns around the points annotated on it, the cuts marked with `...`.
//! A wide span shows its head and its tail with `...` between them, still
//! underlined. `annotate-snippets` only ever sees the excerpt; the column in
//! the `-->` line is put back to the real one afterwards.

use std::io::{self, Write};
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet, normalize_untrusted_str};
use unicode_width::UnicodeWidthChar;

use super::{CheckedFile, Source, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::text::WideEncoding;

/// Options of the human format.
#[derive(Clone, Debug, Default)]
pub struct HumanOptions {
    /// Colour the output (a terminal that supports it).
    pub color: bool,
}

/// Lines up to this display width are shown whole.
const MAX_LINE_WIDTH: usize = 100;
/// Columns of context kept on either side of an annotated point.
const CONTEXT: usize = 24;
/// Spans up to this display width are shown whole; wider ones show `HEAD`
/// columns at either end.
const MAX_SPAN_WIDTH: usize = 48;
const HEAD: usize = 20;
/// Windows closer than this are merged rather than cut between.
const MIN_CUT: usize = 8;
/// Related locations at most this many lines away from the finding share its
/// snippet.
const NEAR_LINES: u32 = 4;
const ELLIPSIS: &str = "...";

pub(super) fn write(
    out: &mut dyn Write,
    files: &[CheckedFile],
    options: &HumanOptions,
) -> io::Result<()> {
    let renderer = renderer(options.color);
    for file in files {
        for d in &file.diagnostics {
            let rendered = match file.source() {
                Some(source) => render_diagnostic(&renderer, &file.path, source, d, options.color),
                None => render_plain(file, d),
            };
            out.write_all(rendered.as_bytes())?;
            out.write_all(b"\n\n")?;
        }
    }
    writeln!(out, "{}", summary_line(&Summary::of(files)))
}

/// The excerpts are already cut to size, so annotate-snippets' own trimming
/// to a terminal width (which would count the excerpt's columns, not the
/// file's) is turned off.
fn renderer(color: bool) -> Renderer {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.term_width(1 << 20)
}

/// `发现 3 个问题（错误 2，警告 1，信息 0），检查了 1 个文件。`, with 提示 only
/// when there are hints.
fn summary_line(s: &Summary) -> String {
    let total = s.errors + s.warnings + s.infos + s.hints;
    if total == 0 {
        return format!("未发现问题（检查了 {} 个文件）。", s.files);
    }
    let hints = if s.hints > 0 {
        format!("，提示 {}", s.hints)
    } else {
        String::new()
    };
    format!(
        "发现 {total} 个问题（错误 {}，警告 {}，信息 {}{hints}），检查了 {} 个文件。",
        s.errors, s.warnings, s.infos, s.files
    )
}

fn level(severity: Severity) -> Level<'static> {
    let level = match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::HELP,
    };
    level.with_name(severity.label_zh())
}

/// One snippet to show: whole lines `first..=last` (0-based) of the file and
/// the annotations on them, as display ranges in the file.
struct Part<'a> {
    first: u32,
    last: u32,
    /// The offset the `-->`/`:::` line names, as the rule gave it (the JSON
    /// format's position of it, which may differ from the shown range's start
    /// when it is on a line break).
    anchor: usize,
    primary: Option<Range<usize>>,
    context: Vec<(Range<usize>, &'a str)>,
}

/// A finding without its snippet, for a file whose text was not kept (which
/// `xxgk check` avoids for this format; see `Format::needs_text`).
fn render_plain(file: &CheckedFile, d: &Diagnostic) -> String {
    let at = file.position(d.range.start);
    normalize_untrusted_str(&format!(
        "{}[{}]: {}\n  --> {}:{}:{}",
        d.severity.label_zh(),
        d.rule_id(),
        d.message,
        file.path,
        at.line,
        at.column
    ))
}

fn render_diagnostic(
    renderer: &Renderer,
    path: &str,
    file: &Source,
    d: &Diagnostic,
    color: bool,
) -> String {
    let primary = display_range(file, &d.range);
    let (first, last) = (line_of(file, primary.start), line_of(file, primary.end));
    let mut main = Part {
        first,
        last,
        anchor: d.range.start,
        primary: Some(primary.clone()),
        context: Vec::new(),
    };
    let mut others = Vec::new();
    for related in &d.related {
        let range = display_range(file, &related.range);
        let (r_first, r_last) = (line_of(file, range.start), line_of(file, range.end));
        if r_first <= last + NEAR_LINES && r_last + NEAR_LINES >= first {
            main.first = main.first.min(r_first);
            main.last = main.last.max(r_last);
            main.context.push((range, &related.message));
        } else {
            others.push(Part {
                first: r_first,
                last: r_last,
                anchor: related.range.start,
                primary: None,
                context: vec![(range, &related.message)],
            });
        }
    }

    let mut title = level(d.severity).primary_title(&d.message).id(d.rule_id());
    if let (true, Some(url)) = (color, &d.rule.url) {
        // A hyperlink (OSC 8) on the rule id; only for terminals.
        title = title.id_url(url.as_str());
    }
    let mut group = Group::with_title(title);
    // (annotate-snippets' `path:line:col`, the real one) for each snippet.
    let mut origins = Vec::new();
    for part in std::iter::once(&main).chain(&others) {
        let mut marks: Vec<Range<usize>> = part.primary.iter().cloned().collect();
        marks.extend(part.context.iter().map(|(r, _)| r.clone()));
        let excerpt = Excerpt::new(file, part.first, part.last, &marks);

        // The point the `-->`/`:::` line names: the primary span, or the
        // (only) related one of a snippet of its own.
        let real = file.position(part.anchor);
        let shown_at = match &part.primary {
            Some(range) => range.start,
            None => part.context[0].0.start,
        };
        let shown = excerpt.column(excerpt.map(shown_at));
        origins.push((real.line, shown, real.column));

        let mut snippet = Snippet::source(excerpt.source.clone())
            .line_start(part.first as usize + 1)
            .path(path);
        if let Some(range) = &part.primary {
            snippet = snippet.annotation(AnnotationKind::Primary.span(excerpt.map_range(range)));
        }
        for (range, message) in &part.context {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(excerpt.map_range(range))
                    .label(*message),
            );
        }
        group = group.element(snippet);
    }

    if let Some(basis) = &d.rule.basis {
        let text = normalize_untrusted_str(&format!("依据：{basis}"));
        group = group.element(Level::NOTE.no_name().message(text));
    }
    if let Some(fix) = &d.fix {
        let safety = if fix.is_safe() { "安全" } else { "需确认" };
        let text = normalize_untrusted_str(&format!("修复：{}（{safety}）", fix.title));
        group = group.element(Level::HELP.no_name().message(text));
    }

    let rendered = renderer.render(&[group]);
    fix_origins(rendered, &normalize_untrusted_str(path), &origins)
}

/// Puts the real columns into the `--> path:line:col` and `::: path:line:col`
/// lines, which annotate-snippets counted in the excerpt (the same unless the
/// line was cut on the left).
fn fix_origins(mut rendered: String, path: &str, origins: &[(u32, u32, u32)]) -> String {
    let mut from = 0;
    for &(line, shown, real) in origins {
        let needle = format!("{path}:{line}:{shown}");
        let mut search = from;
        while let Some(found) = rendered[search..].find(&needle).map(|i| i + search) {
            let end = found + needle.len();
            if rendered[end..].starts_with(|c: char| c.is_ascii_digit()) {
                search = end;
                continue;
            }
            let replacement = format!("{path}:{line}:{real}");
            rendered.replace_range(found..end, &replacement);
            from = found + replacement.len();
            break;
        }
    }
    rendered
}

/// The 0-based line of a byte offset.
fn line_of(file: &Source, offset: usize) -> u32 {
    file.line_index().line_col(offset, WideEncoding::Utf8).line
}

/// Byte range of the content of a line (0-based): without its `\n` and a
/// `\r` before it.
fn line_content(file: &Source, line: u32) -> Range<usize> {
    let text = &file.text;
    let start = file.line_index().line_start(line).unwrap_or(text.len());
    match file.line_index().line_start(line + 1) {
        Some(next) if next - 1 > start && text.as_bytes()[next - 2] == b'\r' => start..next - 2,
        Some(next) => start..next - 1,
        None => start..text.len(),
    }
}

/// A range made safe to show: clamped to the text and to character
/// boundaries, each end moved off a line break onto the end of its line's
/// content, and a non-empty range that ends at the start of a line ended at
/// the end of the line before instead (so a paragraph with its line break is
/// shown on its own line).
fn display_range(file: &Source, range: &Range<usize>) -> Range<usize> {
    let text = &file.text;
    let floor = |mut p: usize| {
        p = p.min(text.len());
        while !text.is_char_boundary(p) {
            p -= 1;
        }
        p
    };
    let on_content = |p: usize| p.min(line_content(file, line_of(file, p)).end);
    let start = on_content(floor(range.start));
    let mut end = on_content(floor(range.end.max(range.start)));
    let end_line = line_of(file, end);
    if end > start
        && end_line > line_of(file, start)
        && file.line_index().line_start(end_line) == Some(end)
    {
        end = line_content(file, end_line - 1).end.max(start);
    }
    start..end
}

fn char_width(c: char) -> usize {
    if c == '\t' { 4 } else { c.width().unwrap_or(1) }
}

/// Whether `s` is wider than `limit` columns (stops counting at the limit).
fn wider_than(s: &str, limit: usize) -> bool {
    let mut width = 0;
    for c in s.chars() {
        width += char_width(c);
        if width > limit {
            return true;
        }
    }
    false
}

/// The offset `columns` display columns before `p`, not before `floor`.
fn back(text: &str, p: usize, floor: usize, columns: usize) -> usize {
    let mut width = 0;
    let mut at = p;
    for (i, c) in text[floor..p].char_indices().rev() {
        width += char_width(c);
        if width > columns {
            break;
        }
        at = floor + i;
    }
    at
}

/// The offset `columns` display columns after `p`, not after `ceil`.
fn forward(text: &str, p: usize, ceil: usize, columns: usize) -> usize {
    let mut width = 0;
    let mut at = p;
    for (i, c) in text[p..ceil].char_indices() {
        width += char_width(c);
        if width > columns {
            break;
        }
        at = p + i + c.len_utf8();
    }
    at
}

/// The lines of a snippet as shown: long lines cut to windows around the
/// annotated points, cuts marked with `...`.
struct Excerpt {
    source: String,
    /// Start of each line in `source`.
    line_starts: Vec<usize>,
    /// Kept pieces of the file: file range and where it starts in `source`.
    pieces: Vec<(Range<usize>, usize)>,
}

impl Excerpt {
    fn new(file: &Source, first: u32, last: u32, marks: &[Range<usize>]) -> Excerpt {
        let text = file.text.as_str();
        let mut excerpt = Excerpt {
            source: String::new(),
            line_starts: Vec::new(),
            pieces: Vec::new(),
        };
        for line in first..=last {
            if line > first {
                excerpt.source.push('\n');
            }
            excerpt.line_starts.push(excerpt.source.len());
            let content = line_content(file, line);
            let windows = if wider_than(&text[content.clone()], MAX_LINE_WIDTH) {
                windows(file, line, content.clone(), marks)
            } else {
                vec![content.clone()]
            };
            let mut at = content.start;
            for window in windows {
                if window.start > at {
                    excerpt.source.push_str(ELLIPSIS);
                }
                excerpt.pieces.push((window.clone(), excerpt.source.len()));
                excerpt.source.push_str(&text[window.clone()]);
                at = window.end;
            }
            if at < content.end {
                excerpt.source.push_str(ELLIPSIS);
            }
        }
        // annotate-snippets drops an empty last line; keep it if it is shown.
        if excerpt.line_starts.last() == Some(&excerpt.source.len()) && !excerpt.source.is_empty() {
            excerpt.source.push('\n');
        }
        excerpt
    }

    /// Where a file offset (at a kept position) is in `source`.
    fn map(&self, offset: usize) -> usize {
        let mut best = 0;
        for (range, at) in &self.pieces {
            if range.start <= offset && offset <= range.end {
                return at + (offset - range.start);
            }
            if range.end < offset {
                best = at + range.len();
            }
        }
        best
    }

    fn map_range(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.map(range.start);
        start..self.map(range.end).max(start)
    }

    /// The 1-based column, in characters, of a `source` offset.
    fn column(&self, at: usize) -> u32 {
        let line = self
            .line_starts
            .partition_point(|&s| s <= at)
            .saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        self.source[start..at].chars().count() as u32 + 1
    }
}

/// The windows of a long line to keep: around every annotated point on it,
/// merged when close, or its beginning when nothing on it is annotated.
fn windows(
    file: &Source,
    line: u32,
    content: Range<usize>,
    marks: &[Range<usize>],
) -> Vec<Range<usize>> {
    let text = file.text.as_str();
    let (lo, hi) = (content.start, content.end);
    let around = |s: usize, e: usize| back(text, s, lo, CONTEXT)..forward(text, e, hi, CONTEXT);
    let mut windows = Vec::new();
    for mark in marks {
        let starts_here = line_of(file, mark.start) == line;
        let ends_here = line_of(file, mark.end) == line;
        match (starts_here, ends_here) {
            (true, true) if !wider_than(&text[mark.clone()], MAX_SPAN_WIDTH) => {
                windows.push(around(mark.start, mark.end));
            }
            (true, true) => {
                windows
                    .push(back(text, mark.start, lo, CONTEXT)..forward(text, mark.start, hi, HEAD));
                windows.push(back(text, mark.end, lo, HEAD)..forward(text, mark.end, hi, CONTEXT));
            }
            (true, false) => {
                windows
                    .push(back(text, mark.start, lo, CONTEXT)..forward(text, mark.start, hi, HEAD));
            }
            (false, true) => {
                windows.push(back(text, mark.end, lo, HEAD)..forward(text, mark.end, hi, CONTEXT));
            }
            (false, false) => {}
        }
    }
    if windows.is_empty() {
        windows.push(lo..forward(text, lo, hi, MAX_LINE_WIDTH));
    }
    windows.sort_by_key(|w| (w.start, w.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.start <= last.end || !wider_than(&text[last.end..w.start], MIN_CUT) => {
                last.end = last.end.max(w.end);
            }
            _ => merged.push(w),
        }
    }
    // Not worth cutting a few columns off either end.
    if let Some(first) = merged.first_mut() {
        if !wider_than(&text[lo..first.start], MIN_CUT) {
            first.start = lo;
        }
    }
    if let Some(last) = merged.last_mut() {
        if !wider_than(&text[last.end..hi], MIN_CUT) {
            last.end = hi;
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    use super::super::fixtures;
    use super::*;
    use crate::diagnostic::Related;

    fn render(files: &[CheckedFile]) -> String {
        let mut out = Vec::new();
        write(&mut out, files, &HumanOptions::default()).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn render_one(file: &CheckedFile, d: &Diagnostic) -> String {
        let source = file.source().expect("test files have text");
        render_diagnostic(&renderer(false), &file.path, source, d, false)
    }

    /// The display column (0-based, after the `N | ` gutter) where the first
    /// `^` of the output starts, and the number of `^`.
    fn carets(out: &str) -> (usize, usize) {
        let line = out.lines().find(|l| l.contains('^')).expect("no carets");
        let gutter = line.find('|').unwrap() + 2;
        let marks = &line[gutter..];
        let at = marks.find('^').unwrap();
        (
            marks[..at].width(),
            marks[at..].chars().take_while(|&c| c == '^').count(),
        )
    }

    /// The shown source line with the given line number.
    fn source_line(out: &str, line: u32) -> &str {
        let prefix = format!("{line} | ");
        out.lines()
            .find_map(|l| l.trim_start().strip_prefix(&prefix))
            .expect("line not shown")
    }

    fn file(text: &str, diagnostics: Vec<Diagnostic>) -> CheckedFile {
        CheckedFile::with_text(
            "t.txt".to_string(),
            text.to_string(),
            Default::default(),
            diagnostics,
        )
    }

    fn diagnostic(range: Range<usize>) -> Diagnostic {
        let rules = fixtures::rules();
        Diagnostic {
            rule: rules.duplicate_paragraph.clone(),
            severity: Severity::Warning,
            message: "测试".to_string(),
            range,
            related: Vec::new(),
            fix: None,
        }
    }

    #[test]
    fn snapshot_of_all_fixtures() {
        let rules = fixtures::rules();
        insta::assert_snapshot!(render(&fixtures::all(&rules)));
    }

    #[test]
    fn underline_sits_under_cjk_characters() {
        let rules = fixtures::rules();
        let f = fixtures::three_findings(&rules);
        let out = render_one(&f, &f.diagnostics[0]);
        assert!(out.starts_with("错误[cn/regulation-name]: 法规名称有误：“条列”应为“条例”\n"));
        assert!(out.contains(" --> reports/2023.txt:3:20\n"));
        let shown = source_line(&out, 3);
        assert_eq!(shown, "本报告依据《中华人民共和国政府信息公开条列》编制。");
        // 19 wide characters before 条列, which is 4 columns wide.
        assert_eq!(carets(&out), (38, 4));
        let line = source_line(&out, 3);
        let start = line.char_indices().nth(19).unwrap().0;
        assert_eq!(&line[start..start + 6], "条列");
        assert!(
            out.contains("= 依据：《中华人民共和国政府信息公开条例》（国务院令第711号）第五十条")
        );
        assert!(out.contains("= 修复：改为“条例”（安全）"));
    }

    #[test]
    fn astral_character_is_one_column_in_the_header_two_on_screen() {
        let rules = fixtures::rules();
        let f = fixtures::astral(&rules);
        let out = render_one(&f, &f.diagnostics[0]);
        assert!(out.contains(" --> astral.txt:1:17\n"), "{out}");
        assert_eq!(carets(&out), (32, 4));
    }

    #[test]
    fn related_location_and_insertion_point() {
        let rules = fixtures::rules();
        let f = fixtures::three_findings(&rules);
        let dup = render_one(&f, &f.diagnostics[1]);
        assert!(dup.contains(" --> reports/2023.txt:5:1\n"), "{dup}");
        assert!(dup.contains("首次出现在此"));
        assert!(source_line(&dup, 4).starts_with("本机关坚持"));
        assert!(source_line(&dup, 5).starts_with("本机关坚持"));

        let period = render_one(&f, &f.diagnostics[2]);
        assert!(period.contains(" --> reports/2023.txt:7:15\n"), "{period}");
        // 10 wide characters and 3 digits and 条: the point after them.
        assert_eq!(carets(&period), (25, 1));
        assert!(period.contains("= 修复：补上句号（需确认）"));
        assert!(!period.contains("依据：《中华人民共和国"));
    }

    #[test]
    fn crlf_is_not_shown() {
        let rules = fixtures::rules();
        let f = fixtures::crlf(&rules);
        let out = render(std::slice::from_ref(&f));
        assert!(!out.contains('\r'));
        assert!(!out.contains('␍'));
        assert!(out.contains(" --> reports\\crlf.txt:2:10\n"), "{out}");
        assert!(out.contains(" --> reports\\crlf.txt:2:15\n"), "{out}");
        let period = render_one(&f, &f.diagnostics[1]);
        assert_eq!(source_line(&period, 2), "依据《政府信息公开条列》编制");
        assert_eq!(carets(&period), (28, 1));
        assert!(period.starts_with("提示[cn/missing-period]: "));
    }

    #[test]
    fn long_line_is_cut_around_the_finding() {
        let rules = fixtures::rules();
        let f = fixtures::long_line(&rules);
        assert!(f.source().expect("text").text.len() > 200_000);
        for d in &f.diagnostics {
            let out = render_one(&f, d);
            assert!(out.len() < 2_000, "{} bytes:\n{out}", out.len());
        }
        let out = render_one(&f, &f.diagnostics[1]);
        let real = f.position(f.diagnostics[1].range.start);
        assert_eq!(real.column, 33_610);
        assert!(out.contains(" --> long.txt:1:33610\n"), "{out}");
        let line = source_line(&out, 1);
        assert!(line.starts_with("...") && line.ends_with("..."), "{line}");
        let (at, n) = carets(&out);
        assert_eq!(n, 4);
        let prefix: String = line
            .chars()
            .scan(0, |w, c| {
                let before = *w;
                *w += char_width(c);
                (before < at).then_some(c)
            })
            .collect();
        assert!(prefix.ends_with("依据《政府信息公开"), "{prefix}");

        // The 30 000-character span: head and tail, underlined through the cut.
        let out = render_one(&f, &f.diagnostics[0]);
        let line = source_line(&out, 1);
        assert_eq!(line.matches("...").count(), 4, "{line}");
        assert!(out.contains(" --> long.txt:1:3610\n"), "{out}");
        // The related location on the same line is in the same snippet.
        assert!(!out.contains(":::"), "{out}");
        assert!(out.contains("另见此处"), "{out}");
    }

    #[test]
    fn short_line_cut_only_when_needed() {
        let text = format!("{}条列{}", "甲".repeat(60), "乙".repeat(60));
        let start = text.find("条列").unwrap();
        let f = file(&text, vec![]);
        let out = render_one(&f, &diagnostic(start..start + 6));
        let line = source_line(&out, 1);
        assert!(
            line.starts_with("...甲") && line.ends_with("乙..."),
            "{line}"
        );
        assert!(out.contains(" --> t.txt:1:61\n"), "{out}");
        // 12 characters of context (24 columns) and the ellipsis before.
        assert_eq!(carets(&out), (27, 4));
    }

    #[test]
    fn ranges_made_safe() {
        // Inside a character, past the end, reversed: no panic.
        let text = "一、概述\n二、主动公开\n";
        let f = file(text, vec![]);
        #[allow(clippy::reversed_empty_ranges)]
        let ranges = [1..2, 4..1000, 900..1000, 5..3];
        for range in ranges {
            let out = render_one(&f, &diagnostic(range.clone()));
            assert!(
                out.starts_with("警告[cn/duplicate-paragraph]"),
                "{range:?}: {out}"
            );
        }
        // A whole line with its line break is shown on that line only.
        let out = render_one(&f, &diagnostic(0..13));
        assert!(!out.contains("2 |"), "{out}");
        assert_eq!(carets(&out), (0, 8));
        // The end of the file, after the last line break: an empty line 3.
        let out = render_one(&f, &diagnostic(text.len()..text.len()));
        assert!(out.contains(" --> t.txt:3:1\n"), "{out}");
        assert!(out.contains("3 |"), "{out}");
        // An empty file.
        let f = file("", vec![]);
        let out = render_one(&f, &diagnostic(0..0));
        assert!(out.contains(" --> t.txt:1:1\n"), "{out}");
    }

    #[test]
    fn related_far_away_gets_its_own_snippet() {
        let text: String = (1..=20).map(|i| format!("第{i}段。\n")).collect();
        let mut d = diagnostic(text.find("第20段").unwrap()..text.find("第20段").unwrap() + 3);
        let first = text.find("第2段").unwrap();
        d.related.push(Related {
            range: first..first + 3,
            message: "首次出现在此".to_string(),
        });
        let f = file(&text, vec![]);
        let out = render_one(&f, &d);
        assert!(out.contains(" --> t.txt:20:1\n"), "{out}");
        assert!(out.contains("::: t.txt:2:1\n"), "{out}");
        assert!(out.contains("首次出现在此"));
        // And an empty last line shown with a related location near it.
        let end = text.len();
        let last = text.find("第20段").unwrap();
        let mut d = diagnostic(end..end);
        d.related.push(Related {
            range: last..last + 3,
            message: "x".to_string(),
        });
        let out = render_one(&f, &d);
        assert!(out.contains(" --> t.txt:21:1\n"), "{out}");
        assert!(out.contains("21 |"), "{out}");
    }

    proptest::proptest! {
        /// Any range, on any text (long lines, CRLF, tabs, astral
        /// characters): no panic, the header names the range's start, and
        /// the snippet stays small.
        #[test]
        fn any_range_renders(
            text in "[a\\r\\n\\t一𠮷 ]{0,300}",
            start in 0usize..1300,
            len in 0usize..1300,
            related in proptest::option::of((0usize..1300, 0usize..40)),
        ) {
            let mut d = diagnostic(start..start + len);
            if let Some((at, n)) = related {
                d.related.push(Related { range: at..at + n, message: "另见".to_string() });
            }
            let f = file(&text, vec![]);
            let out = render_one(&f, &d);
            let p = f.position(start);
            let header = format!(" --> t.txt:{}:{}\n", p.line, p.column);
            proptest::prop_assert!(out.contains(&header), "{}\n{}", header, out);
            proptest::prop_assert!(out.len() < 4_000, "{}", out);
        }
    }

    #[test]
    fn summary_lines() {
        let rules = fixtures::rules();
        let out = render(&[fixtures::clean(), fixtures::clean()]);
        assert_eq!(out, "未发现问题（检查了 2 个文件）。\n");
        let out = render(&[fixtures::three_findings(&rules)]);
        assert!(
            out.ends_with("\n\n发现 3 个问题（错误 1，警告 1，信息 1），检查了 1 个文件。\n"),
            "{out}"
        );
        let s = Summary {
            files: 2,
            errors: 1,
            warnings: 0,
            infos: 0,
            hints: 2,
        };
        assert_eq!(
            summary_line(&s),
            "发现 3 个问题（错误 1，警告 0，信息 0，提示 2），检查了 2 个文件。"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let rules = fixtures::rules();
        let files = [fixtures::three_findings(&rules)];
        let plain = render(&files);
        assert!(!plain.contains('\x1b'));
        let mut out = Vec::new();
        write(&mut out, &files, &HumanOptions { color: true }).unwrap();
        let styled = String::from_utf8(out).unwrap();
        assert!(styled.contains('\x1b'));
        assert!(styled.contains("https://xxgk.example/rules/cn/regulation-name"));
    }
}
