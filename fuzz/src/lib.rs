//! The fuzz targets' bodies: each takes the fuzzer's bytes, runs one part of
//! xxgk on them and asserts what must hold for any input. The libFuzzer
//! binaries (`fuzz_targets/`) call these; so does the main test suite
//! (`tests/fuzz_regressions.rs`, which includes this file), on every input
//! under `fuzz/regressions/`, so a crash found once stays fixed without
//! cargo-fuzz.
//!
//! Only `xxgk`, `arbitrary` and `tower-lsp-server` may be used here: the main
//! crate compiles this file too.

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use arbitrary::{Arbitrary, Unstructured};
use tower_lsp_server::ls_types as lsp;
use xxgk::check::{CheckOptions, LiveCheck, check};
use xxgk::diagnostic::{Applicability, Diagnostic, Fix, compatible_edits};
use xxgk::lsp::document::{Document, Received};
use xxgk::lsp::transport::relay_in_memory;
use xxgk::pack::{PackSet, PackSource};
use xxgk::report::Report;
use xxgk::text::{LineIndex, WideEncoding, decode};

static PACKS: LazyLock<Arc<PackSet>> = LazyLock::new(|| Arc::new(PackSet::embedded()));

const ENCODINGS: [WideEncoding; 3] = [WideEncoding::Utf8, WideEncoding::Utf16, WideEncoding::Utf32];

fn assert_in_text(text: &str, range: &Range<usize>, what: &str) {
    assert!(
        range.start <= range.end
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end),
        "{what}: range {range:?} is not inside the text ({} bytes) on character boundaries",
        text.len()
    );
}

/// Bytes as a file holds them: decoding (BOMs, UTF-8, GB18030, UTF-16), then
/// the report parser, which accepts any text and keeps its blocks inside it,
/// in order, at positions every encoding can name.
pub fn report(bytes: &[u8]) {
    let Ok(decoded) = decode(bytes) else {
        return;
    };
    let text = decoded.text.as_str();
    let report = Report::parse(text);
    let index = LineIndex::new(text);
    let mut previous_end = 0;
    for block in &report.blocks {
        assert_in_text(text, &block.range, "block");
        assert!(
            block.range.start >= previous_end,
            "blocks overlap at {:?}",
            block.range
        );
        previous_end = block.range.end;
        for encoding in ENCODINGS {
            let pos = index.line_col(block.range.start, encoding);
            assert_eq!(index.offset(pos, encoding, text), Some(block.range.start));
        }
    }
}

const PACK_REPORT: &str = "北京市朝阳区人民政府2023年政府信息公开工作年度报告\n\n\
    一、总体情况\n\n　　2023年，本区主动公开政府信息1,234条，XX条。\n\n\
    二、主动公开政府信息情况\n\n| 信息内容 | 本年制发件数 |\n| 规章 | 0 |\n";

/// A small parent for the fuzzed pack to extend and override: loading the
/// embedded packs on every input would spend the fuzzer's time compiling
/// their 93 regexes (2 inputs a second instead of hundreds).
pub const PARENT: &str = r#"
[pack]
id = "cn"
name = "上级"
level = "national"
version = "1.0.0"

[[rule]]
id = "typos"
kind = "pattern"
severity = "warning"
message = "错别字：“{match}”"
swap = { "布署" = "部署" }

[[rule]]
id = "sections"
kind = "required-sections"
severity = "error"
message = "缺少“{title}”"

[[rule.sections]]
key = "overview"
title = "总体情况"
match = ["总体情况"]
"#;

/// Arbitrary text as a rule pack, loaded beside a parent pack (so `extends`
/// and overrides have something to name): it loads, or fails with a located
/// message; a pack that loads can check a report.
pub fn pack(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let sources = [
        PackSource {
            origin: "cn.toml".to_owned(),
            text: PARENT.to_owned(),
        },
        PackSource {
            origin: "fuzz.toml".to_owned(),
            text: text.to_owned(),
        },
    ];
    match PackSet::new(&sources) {
        Ok(packs) => {
            let options = CheckOptions {
                packs: packs.packs().iter().map(|p| p.id.clone()).collect(),
                ..CheckOptions::default()
            };
            let outcome = check(&packs, PACK_REPORT, &options).expect("every pack id is known");
            for d in &outcome.diagnostics {
                assert_in_text(PACK_REPORT, &d.range, d.rule_id());
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1 && !e.message.is_empty(), "{e}");
        }
    }
}

/// The whole check with the embedded packs on any decodable input: no rule
/// fails, findings and fix edits lie inside the text on character
/// boundaries, a fix's edits are sorted and disjoint, and the safe fixes
/// apply.
pub fn check_text(bytes: &[u8]) {
    let Ok(decoded) = decode(bytes) else {
        return;
    };
    let text = decoded.text.as_str();
    let outcome = check(&PACKS, text, &CheckOptions::default()).expect("no forced packs");
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    for d in &outcome.diagnostics {
        assert_in_text(text, &d.range, d.rule_id());
        for related in &d.related {
            assert_in_text(text, &related.range, d.rule_id());
        }
        if let Some(fix) = &d.fix {
            let mut previous_end = 0;
            for edit in fix.edits() {
                assert_in_text(text, &edit.range, d.rule_id());
                assert!(
                    edit.range.start >= previous_end,
                    "{}: edits overlap",
                    d.rule_id()
                );
                previous_end = edit.range.end;
            }
        }
    }
    let safe = outcome
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.is_safe());
    let (edits, _) = compatible_edits(safe);
    let fixed = Fix::new(String::new(), Applicability::Safe, edits).apply(text);
    let again = check(&PACKS, &fixed, &CheckOptions::default()).expect("no forced packs");
    assert!(again.failures.is_empty(), "{:?}", again.failures);
}

#[derive(Arbitrary, Debug)]
struct Session {
    encoding: u8,
    initial: String,
    changes: Vec<Change>,
}

#[derive(Arbitrary, Debug)]
struct Change {
    /// Start line and column, end line and column; `None` replaces the whole
    /// text.
    range: Option<(u8, u16, u8, u16)>,
    text: String,
}

/// The server's open document under a client's edits: ranges anywhere (past
/// the end, inside a character, between a CRLF's `\r` and `\n`), text with
/// CRLF and astral characters, in every position encoding. Applying never
/// panics and an edit never adds more than its own text. (That valid
/// positions give the client's text is a property test in `document.rs`.)
///
/// The same session also reaches a second document the way big messages do
/// (`transport`): its opening text and every change with an odd number of
/// bytes are parcels, decoded last first, the other changes wait behind
/// them. Once all are in it has the first document's text.
pub fn document(bytes: &[u8]) {
    let Ok(session) = Session::arbitrary_take_rest(Unstructured::new(bytes)) else {
        return;
    };
    let encoding = ENCODINGS[usize::from(session.encoding % 3)];
    let mut doc = Document::new(&session.initial, 1);
    let mut held = Document::awaiting(0, 1);
    let whole = |text: &str| lsp::TextDocumentContentChangeEvent {
        range: None,
        range_length: None,
        text: text.to_owned(),
    };
    let mut parcels = vec![(0, vec![Received::from_change(whole(&session.initial))])];
    for change in session.changes.iter().take(64) {
        let event = lsp::TextDocumentContentChangeEvent {
            range: change.range.map(|(l1, c1, l2, c2)| {
                lsp::Range::new(
                    lsp::Position::new(l1.into(), c1.into()),
                    lsp::Position::new(l2.into(), c2.into()),
                )
            }),
            range_length: None,
            text: change.text.clone(),
        };
        let before = doc.rope.len_chars();
        doc.apply(&event, encoding);
        let inserted = change.text.chars().count();
        assert!(doc.rope.len_chars() <= before.max(inserted) + inserted);
        if change.text.len() % 2 == 1 {
            let ticket = parcels.len() as u64;
            held.hold_for(ticket);
            parcels.push((ticket, vec![Received::from_change(event)]));
        } else {
            held.receive(vec![event], encoding);
        }
    }
    for (ticket, changes) in parcels.into_iter().rev() {
        assert!(held.awaits(ticket));
        held.unpacked(ticket, changes, encoding);
    }
    assert!(!held.is_held());
    assert_eq!(held.rope, doc.rope, "held changes give the same text");
}

#[derive(Arbitrary, Debug)]
struct Edits {
    initial: String,
    /// Where (a byte offset, taken modulo the text's length and narrowed
    /// to a character boundary by the live check), how many bytes go, and
    /// what comes in.
    edits: Vec<(u32, u8, String)>,
}

/// The language server's route: a text checked live under arbitrary edits
/// gives exactly the findings of a fresh check of the edited text.
pub fn live(bytes: &[u8]) {
    let Ok(session) = Edits::arbitrary_take_rest(Unstructured::new(bytes)) else {
        return;
    };
    let options = CheckOptions::default();
    let Ok(mut live) = LiveCheck::new(PACKS.clone(), options.clone(), session.initial) else {
        return;
    };
    for (at, removed, text) in session.edits.iter().take(16) {
        let start = *at as usize % (live.text().len() + 1);
        let end = start + usize::from(*removed);
        live.edit(start..end, text).expect("no forced packs");
    }
    let fresh = check(&PACKS, live.text(), &options).expect("no forced packs");
    let diagnostics = live.diagnostics();
    let found: Vec<&Diagnostic> = diagnostics.iter().map(|d| &**d).collect();
    assert_eq!(found, fresh.diagnostics.iter().collect::<Vec<_>>());
}

/// The language server's input relay on any bytes: framed or not, cut
/// anywhere, with every document message over 64 bytes handed over to be
/// decoded aside (the server hands over only those over 2 MiB, which a
/// fuzzer's inputs never reach). It never fails or panics, every decoding
/// finishes, and when nothing was handed over the server reads exactly the
/// input.
pub fn relay(bytes: &[u8]) {
    let (output, unpacked) = relay_in_memory(bytes, 64).expect("an in-memory relay cannot fail");
    if unpacked.is_empty() {
        assert_eq!(output, bytes, "passed on unchanged");
    }
}
