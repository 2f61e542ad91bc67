//! An open document: the text as a rope (edits are applied to it in place) and
//! the analysis of its latest checked version.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use super::convert::{Positions, rope_char};
use crate::check::{CheckOptions, Outcome, check};
use crate::pack::PackSet;
use crate::text::{LineIndex, WideEncoding};

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub analysis: Option<Arc<Analysis>>,
    /// The rules of the last check whose settings loaded: what a broken
    /// configuration or pack falls back to.
    pub last_good: Option<(Arc<PackSet>, CheckOptions)>,
}

impl Document {
    pub fn new(text: &str, version: i32) -> Document {
        Document {
            rope: Rope::from_str(text),
            version,
            analysis: None,
            last_good: None,
        }
    }

    /// Applies one change (a range edit, or the whole text when the range is
    /// absent). Out-of-range positions are clamped, never trusted.
    pub fn apply(&mut self, change: &lsp::TextDocumentContentChangeEvent, encoding: WideEncoding) {
        match change.range {
            None => self.rope = Rope::from_str(&change.text),
            Some(range) => {
                let start = rope_char(&self.rope, range.start, encoding);
                let end = rope_char(&self.rope, range.end, encoding).max(start);
                self.rope.remove(start..end);
                self.rope.insert(start, &change.text);
            }
        }
    }
}

/// The result of checking one version of a document.
pub struct Analysis {
    pub version: i32,
    pub text: String,
    pub index: LineIndex,
    pub packs: Arc<PackSet>,
    pub outcome: Outcome,
}

impl Analysis {
    pub fn new(text: String, version: i32, packs: Arc<PackSet>, options: CheckOptions) -> Analysis {
        // A panic in a rule must not take the server down: the document gets
        // no findings for this version instead.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(&packs, &text, &options)
        }));
        let outcome = match outcome {
            Ok(Ok(outcome)) => {
                for failure in &outcome.failures {
                    eprintln!(
                        "xxgk lsp: rule {} failed on version {version}: {}",
                        failure.rule, failure.reason
                    );
                }
                outcome
            }
            Ok(Err(message)) => {
                eprintln!("xxgk lsp: {message}");
                empty_outcome(&text)
            }
            Err(_) => {
                eprintln!("xxgk lsp: a rule panicked while checking version {version}");
                empty_outcome(&text)
            }
        };
        Analysis {
            version,
            index: LineIndex::new(&text),
            text,
            packs,
            outcome,
        }
    }

    pub fn positions(&self, encoding: WideEncoding) -> Positions<'_> {
        Positions {
            text: &self.text,
            index: &self.index,
            encoding,
        }
    }

    pub fn lsp_diagnostics(&self, uri: &lsp::Uri, encoding: WideEncoding) -> Vec<lsp::Diagnostic> {
        let positions = self.positions(encoding);
        self.outcome
            .diagnostics
            .iter()
            .map(|d| positions.diagnostic(uri, d))
            .collect()
    }
}

fn empty_outcome(text: &str) -> Outcome {
    Outcome {
        report: crate::report::Report::parse(text),
        summary: Default::default(),
        applied: Vec::new(),
        rules: Vec::new(),
        diagnostics: Vec::new(),
        failures: Vec::new(),
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
    }
}
