//! Ruff's fix harness, for xxgk: apply every safe fix, check again, repeat.
//! The loop must settle within a few rounds, leave no safe-fixable finding,
//! and never change text outside the edits.

use xxgk::check::{CheckOptions, MAX_ROUNDS, fix_text};
use xxgk::diagnostic::Applicability;
use xxgk::pack::PackSet;

mod common;

fn settle(text: &str) -> (String, usize) {
    let packs = PackSet::embedded();
    let fixed = fix_text(&packs, text, &CheckOptions::default(), Applicability::Safe).unwrap();
    assert!(
        fixed.rounds < MAX_ROUNDS,
        "safe fixes did not settle:\n{}",
        fixed.text
    );
    // Nothing safe is left to fix.
    assert!(
        !fixed
            .remaining
            .diagnostics
            .iter()
            .any(|d| d.fix.as_ref().is_some_and(|f| f.is_safe())),
        "{:?}",
        fixed.remaining.diagnostics
    );
    (fixed.text, fixed.rounds)
}

fn reports() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![common::repo().join("examples/reports")];
    dirs.extend(common::corpus("seeds"));
    dirs.extend(common::corpus("peer"));
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "md"))
            .collect();
        files.sort();
        for file in files {
            out.push((
                file.display().to_string(),
                std::fs::read_to_string(&file).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn safe_fixes_settle_and_are_idempotent() {
    for (name, text) in reports() {
        let (fixed, rounds) = settle(&text);
        assert!(rounds <= 3, "{name}: {rounds} rounds");
        let (again, more) = settle(&fixed);
        assert_eq!((again.as_str(), more), (fixed.as_str(), 0), "{name}");
    }
}

#[test]
fn safe_fixes_keep_every_line_break() {
    // Safe fixes touch characters within lines; they never join or split lines.
    for (name, text) in reports() {
        let (fixed, _) = settle(&text);
        assert_eq!(
            fixed.matches('\n').count(),
            text.matches('\n').count(),
            "{name}"
        );
    }
}
