//! An open document: the text as a rope (edits are applied to it in place) and
//! the analysis of its latest checked version.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use super::convert::{Positions, rope_char};
use crate::check::{CheckOptions, CompiledRule, LiveCheck, ReportSummary};
use crate::diagnostic::Diagnostic;
use crate::pack::PackSet;
use crate::report::Report;
use crate::text::WideEncoding;

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    /// The edits not yet given to the live check, oldest first.
    pub pending: Vec<Change>,
    /// The check kept up to date with the edits. Only analyses lock it (one
    /// at a time per document, never while holding the server's state lock),
    /// so a long analysis of one document holds up no other.
    pub live: Arc<Mutex<Option<LiveCheck>>>,
    pub analysis: Option<Arc<Analysis>>,
    /// The rules of the last check whose settings loaded: what a broken
    /// configuration or pack falls back to.
    pub last_good: Option<(Arc<PackSet>, CheckOptions)>,
    /// An analysis task is running for this document; it analyses the newest
    /// version before it ends.
    pub analysing: bool,
    /// What arrived while a big text of this document was still being
    /// decoded (`transport`), oldest first; empty unless one is. The rope is
    /// not this version's text until it is empty again.
    held: VecDeque<Held>,
}

/// A change as it reaches the document: a whole new text, its rope built
/// (off the message loop when it was big), or an edit of a range.
pub enum Received {
    Whole(Rope),
    Range(lsp::TextDocumentContentChangeEvent),
}

impl Received {
    /// What a client's change becomes: a whole text's rope built now (off
    /// the message loop, where the relay calls this), a range edit as sent.
    pub fn from_change(change: lsp::TextDocumentContentChangeEvent) -> Received {
        match change.range {
            None => Received::Whole(Rope::from_str(&change.text)),
            Some(_) => Received::Range(change),
        }
    }
}

enum Held {
    /// A big message's changes, still being decoded.
    Parcel(u64),
    Decoded(Vec<Received>),
    Changes(Vec<lsp::TextDocumentContentChangeEvent>),
}

/// An edit as the live check takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Bytes `range` of the text before this edit replaced by `text`.
    Edit { range: Range<usize>, text: String },
    /// The whole text replaced.
    Reset,
}

impl Document {
    pub fn new(text: &str, version: i32) -> Document {
        Document {
            rope: Rope::from_str(text),
            version,
            pending: vec![Change::Reset],
            live: Arc::new(Mutex::new(None)),
            analysis: None,
            last_good: None,
            analysing: false,
            held: VecDeque::new(),
        }
    }

    /// A document whose text is still being decoded (ticket `ticket`).
    pub fn awaiting(ticket: u64, version: i32) -> Document {
        let mut document = Document::new("", version);
        document.held.push_back(Held::Parcel(ticket));
        document
    }

    /// Its text is waiting for a big message to be decoded: it has no
    /// analysis to give.
    pub fn is_held(&self) -> bool {
        !self.held.is_empty()
    }

    /// Whether a parcel's changes are still expected.
    pub fn awaits(&self, ticket: u64) -> bool {
        self.held
            .iter()
            .any(|h| matches!(h, Held::Parcel(t) if *t == ticket))
    }

    /// A `didChange`'s changes: applied, or held after a text still being
    /// decoded.
    pub fn receive(
        &mut self,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
        encoding: WideEncoding,
    ) {
        if self.is_held() {
            self.held.push_back(Held::Changes(changes));
        } else {
            for change in &changes {
                self.apply(change, encoding);
            }
        }
    }

    /// Later changes wait for parcel `ticket`'s.
    pub fn hold_for(&mut self, ticket: u64) {
        self.held.push_back(Held::Parcel(ticket));
    }

    /// Parcel `ticket`'s changes have been decoded: applies them, and every
    /// change held after them up to the next parcel still being decoded.
    pub fn unpacked(&mut self, ticket: u64, changes: Vec<Received>, encoding: WideEncoding) {
        if let Some(slot) = self
            .held
            .iter_mut()
            .find(|h| matches!(h, Held::Parcel(t) if *t == ticket))
        {
            *slot = Held::Decoded(changes);
        }
        while let Some(next) = self.held.front() {
            if matches!(next, Held::Parcel(_)) {
                break;
            }
            match self.held.pop_front() {
                Some(Held::Decoded(changes)) => {
                    for change in changes {
                        match change {
                            Received::Whole(rope) => self.replace(rope),
                            Received::Range(change) => self.apply(&change, encoding),
                        }
                    }
                }
                Some(Held::Changes(changes)) => {
                    for change in &changes {
                        self.apply(change, encoding);
                    }
                }
                Some(Held::Parcel(_)) | None => break,
            }
        }
    }

    fn replace(&mut self, rope: Rope) {
        self.rope = rope;
        self.pending = vec![Change::Reset];
    }

    /// Applies one change (a range edit, or the whole text when the range is
    /// absent), and queues it for the live check. Out-of-range positions are
    /// clamped, never trusted.
    pub fn apply(&mut self, change: &lsp::TextDocumentContentChangeEvent, encoding: WideEncoding) {
        match change.range {
            None => self.replace(Rope::from_str(&change.text)),
            Some(range) => {
                let start = rope_char(&self.rope, range.start, encoding);
                let end = rope_char(&self.rope, range.end, encoding).max(start);
                let bytes = self.rope.char_to_byte(start)..self.rope.char_to_byte(end);
                self.rope.remove(start..end);
                self.rope.insert(start, &change.text);
                self.pending.push(Change::Edit {
                    range: bytes,
                    text: change.text.clone(),
                });
            }
        }
    }
}

/// The findings of one version of a document, and what requests about that
/// version need: its text (a rope snapshot, shared with the document) and
/// report.
pub struct Analysis {
    pub version: i32,
    pub rope: Rope,
    pub packs: Arc<PackSet>,
    pub report: Arc<Report>,
    pub summary: ReportSummary,
    pub rules: Vec<Arc<CompiledRule>>,
    pub diagnostics: Arc<[Arc<Diagnostic>]>,
}

impl Analysis {
    /// Brings `live` up to `rope` (version `version`) by giving it the
    /// `pending` changes, or checks the text afresh when there is no live
    /// check yet, its rules changed or the text was replaced. A panic inside
    /// the check (a bug) drops the live check: this version gets no findings,
    /// the next one is checked afresh.
    pub fn update(
        live: &mut Option<LiveCheck>,
        pending: Vec<Change>,
        rope: Rope,
        version: i32,
        packs: Arc<PackSet>,
        options: CheckOptions,
    ) -> Analysis {
        let reusable = live.as_ref().is_some_and(|l| l.uses(&packs, &options))
            && !pending.contains(&Change::Reset);
        let taken = live.take().filter(|_| reusable);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match taken {
            Some(mut check) => {
                for change in pending {
                    if let Change::Edit { range, text } = change {
                        check.edit(range, &text)?;
                    }
                }
                Ok(check)
            }
            None => LiveCheck::new(packs.clone(), options, rope.to_string()),
        }));
        let analysis = |report: Arc<Report>| Analysis {
            version,
            rope: rope.clone(),
            packs: packs.clone(),
            report,
            summary: ReportSummary::default(),
            rules: Vec::new(),
            diagnostics: Arc::from(Vec::new()),
        };
        match run {
            Ok(Ok(check)) => {
                for failure in check.failures() {
                    eprintln!(
                        "xxgk lsp: rule {} failed on version {version}: {}",
                        failure.rule, failure.reason
                    );
                }
                let done = Analysis {
                    summary: check.summary(),
                    rules: check.rules().to_vec(),
                    diagnostics: check.diagnostics(),
                    ..analysis(check.shared_report())
                };
                *live = Some(check);
                done
            }
            Ok(Err(message)) => {
                eprintln!("xxgk lsp: {message}");
                analysis(Arc::new(Report::parse(&rope.to_string())))
            }
            Err(_) => {
                eprintln!("xxgk lsp: a rule panicked while checking version {version}");
                analysis(Arc::new(Report::parse(&rope.to_string())))
            }
        }
    }

    pub fn positions(&self, encoding: WideEncoding) -> Positions<'_> {
        Positions {
            rope: &self.rope,
            encoding,
        }
    }

    /// The text of a byte range of this version.
    pub fn slice(&self, range: Range<usize>) -> String {
        let end = range.end.min(self.rope.len_bytes());
        let start = range.start.min(end);
        self.rope
            .get_byte_slice(start..end)
            .map(|s| s.to_string())
            .unwrap_or_default()
    }

    pub fn lsp_diagnostics(&self, uri: &lsp::Uri, encoding: WideEncoding) -> Vec<lsp::Diagnostic> {
        let positions = self.positions(encoding);
        self.diagnostics
            .iter()
            .map(|d| positions.diagnostic(uri, d))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The LSP position of char index `at` in `text`, in `encoding` units.
    fn position(text: &str, at: usize, encoding: WideEncoding) -> lsp::Position {
        let before: String = text.chars().take(at).collect();
        let line = before.matches('\n').count() as u32;
        let column = before.rsplit('\n').next().unwrap_or("");
        let character = match encoding {
            WideEncoding::Utf8 => column.len(),
            WideEncoding::Utf16 => column.encode_utf16().count(),
            WideEncoding::Utf32 => column.chars().count(),
        } as u32;
        lsp::Position::new(line, character)
    }

    fn insert_at_start(text: &str) -> lsp::TextDocumentContentChangeEvent {
        lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range::default()),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn changes_held_behind_parcels_apply_in_the_order_they_came() {
        let utf16 = WideEncoding::Utf16;
        let mut doc = Document::awaiting(1, 1);
        doc.receive(vec![insert_at_start("乙")], utf16);
        doc.hold_for(2);
        doc.receive(vec![insert_at_start("丁")], utf16);
        assert!(doc.awaits(1) && doc.awaits(2) && doc.is_held());
        // The second parcel is decoded first: nothing is applied before the first.
        doc.unpacked(2, vec![Received::Range(insert_at_start("丙"))], utf16);
        assert!(doc.is_held() && !doc.awaits(2));
        assert_eq!(doc.rope.to_string(), "");
        doc.unpacked(1, vec![Received::Whole(Rope::from_str("甲"))], utf16);
        assert!(!doc.is_held());
        assert_eq!(doc.rope.to_string(), "丁丙乙甲");
        // The whole text replaced: the live check starts again.
        assert_eq!(doc.pending.first(), Some(&Change::Reset));
        // Not held any more: a change applies at once.
        doc.receive(vec![insert_at_start("戊")], utf16);
        assert_eq!(doc.rope.to_string(), "戊丁丙乙甲");
    }

    proptest! {
        /// Edits applied to the rope give the text a plain string splice gives,
        /// in every encoding, with CJK, astral characters and CRLF.
        #[test]
        fn rope_edits_equal_string_splices(
            start in "[一二𠮷😀a\r\n]{0,30}",
            edits in proptest::collection::vec((0usize..40, 0usize..5, "[一𠮷😀b\n]{0,3}"), 1..20),
            encoding in prop_oneof![Just(WideEncoding::Utf8), Just(WideEncoding::Utf16), Just(WideEncoding::Utf32)],
        ) {
            let mut doc = Document::new(&start, 1);
            let mut expected: Vec<char> = start.chars().collect();
            for (a, len, insert) in edits {
                let text: String = expected.iter().collect();
                let a = a.min(expected.len());
                let b = (a + len).min(expected.len());
                // The server counts a CRLF's \r as part of the line break:
                // positions between \r and \n do not exist for a client.
                let inside_crlf = |i: usize| i > 0 && i < expected.len() && expected[i - 1] == '\r' && expected[i] == '\n';
                if inside_crlf(a) || inside_crlf(b) {
                    continue;
                }
                let change = lsp::TextDocumentContentChangeEvent {
                    range: Some(lsp::Range::new(position(&text, a, encoding), position(&text, b, encoding))),
                    range_length: None,
                    text: insert.clone(),
                };
                doc.apply(&change, encoding);
                expected.splice(a..b, insert.chars());
            }
            prop_assert_eq!(doc.rope.to_string(), expected.iter().collect::<String>());
        }

        /// Changes that came as parcels (decoded in any order) and changes held
        /// behind them give the text the same changes applied at once give.
        #[test]
        fn held_changes_equal_changes_applied_at_once(
            steps in proptest::collection::vec((0u32..3, 0u32..4, 0u32..3, "[一𠮷\r\n]{0,3}", any::<bool>()), 1..16),
            order in any::<u64>(),
        ) {
            let utf16 = WideEncoding::Utf16;
            let change = |(line, character, len, text): (u32, u32, u32, String)| {
                lsp::TextDocumentContentChangeEvent {
                    range: Some(lsp::Range::new(
                        lsp::Position::new(line, character),
                        lsp::Position::new(line, character + len),
                    )),
                    range_length: None,
                    text,
                }
            };
            let mut direct = Document::new("甲乙\n丙丁\n", 1);
            let mut held = Document::awaiting(0, 1);
            let mut parcels = vec![(0, vec![Received::Whole(Rope::from_str("甲乙\n丙丁\n"))])];
            for (line, character, len, text, as_parcel) in steps {
                let edit = change((line, character, len, text));
                direct.apply(&edit, utf16);
                if as_parcel {
                    let ticket = parcels.len() as u64;
                    held.hold_for(ticket);
                    parcels.push((ticket, vec![Received::Range(edit)]));
                } else {
                    held.receive(vec![edit], utf16);
                }
            }
            // Delivered in a shuffled order.
            let mut seed = order;
            while !parcels.is_empty() {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let (ticket, changes) = parcels.remove((seed >> 33) as usize % parcels.len());
                prop_assert!(held.awaits(ticket));
                held.unpacked(ticket, changes, utf16);
            }
            prop_assert!(!held.is_held());
            prop_assert_eq!(held.rope.to_string(), direct.rope.to_string());
        }
    }
}
