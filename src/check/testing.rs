//! One helper for every rule kind's tests: a rule written as TOML, a text,
//! the findings.

use crate::diagnostic::Diagnostic;
use crate::pack::{PackSet, PackSource};

use super::{CheckOptions, check};

/// Runs one rule (the body of a `[[rule]]` table) over `text`.
pub fn check_rule(rule: &str, text: &str) -> Vec<Diagnostic> {
    check_rule_in_year(rule, text, None)
}

/// Runs one rule over `text` as a report of `year`.
pub fn check_rule_in_year(rule: &str, text: &str, year: Option<u16>) -> Vec<Diagnostic> {
    let pack = format!(
        "[pack]\nid = \"t\"\nname = \"测试\"\nlevel = \"custom\"\nversion = \"0\"\n\n[[rule]]\n{rule}"
    );
    let packs = match PackSet::new(&[PackSource {
        origin: "test.toml".to_owned(),
        text: pack,
    }]) {
        Ok(packs) => packs,
        Err(e) => panic!("test rule does not load: {e}"),
    };
    let options = CheckOptions {
        year,
        ..CheckOptions::default()
    };
    match check(&packs, text, &options) {
        Ok(outcome) => outcome.diagnostics,
        Err(e) => panic!("{e}"),
    }
}

/// The text after applying a finding's fix.
pub fn fixed(text: &str, d: &Diagnostic) -> String {
    match &d.fix {
        Some(fix) => fix.apply(text),
        None => panic!("finding has no fix: {d:?}"),
    }
}

/// Texts the shipped rules are known on: every rule's own examples, the
/// example reports and the seed reports (when `../shared` is beside the
/// repository).
pub fn shipped_texts(packs: &PackSet) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<String> = Vec::new();
    for rule in packs.all_rules() {
        texts.extend(rule.info.examples_bad.iter().cloned());
        texts.extend(rule.info.examples_good.iter().cloned());
    }
    for dir in [
        root.join("examples/reports"),
        root.join("../shared/corpus/seeds"),
        // Reports whose tables went through PDF, OCR, HTML and Markdown.
        root.join("../shared/corpus/peer"),
    ] {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            texts.extend(std::fs::read_to_string(entry.path()).ok());
        }
    }
    texts
}
