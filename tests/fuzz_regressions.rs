//! The fuzz targets (`fuzz/src/lib.rs`) run on the inputs that once broke
//! them (`fuzz/regressions/<target>/`) and on the team's fixtures (their seed
//! corpora), so every crash the fuzzer found stays fixed in `cargo test`,
//! without cargo-fuzz or a nightly compiler.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::{Path, PathBuf};

fn files(dir: &str, extensions: &[&str]) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy();
            if path.is_dir() {
                stack.push(path);
            } else if !name.starts_with('.')
                && (extensions.is_empty()
                    || extensions.iter().any(|e| name.ends_with(&format!(".{e}"))))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Runs `target` on every file, naming the file when it panics.
fn run_all(target: fn(&[u8]), inputs: &[PathBuf]) {
    for path in inputs {
        let bytes = std::fs::read(path).unwrap();
        let result = std::panic::catch_unwind(|| target(&bytes));
        assert!(result.is_ok(), "fuzz target failed on {}", path.display());
    }
}

fn reports() -> Vec<PathBuf> {
    let mut inputs = files("examples/reports", &[]);
    inputs.extend(files("tests/packs", &["txt"]));
    inputs.extend(files("tests/fixtures", &["txt", "html"]));
    inputs.extend(files("tests/nvim", &["txt"]));
    assert!(inputs.len() >= 5, "the seed fixtures moved: {inputs:?}");
    inputs
}

#[test]
fn report_regressions_and_seeds() {
    let mut inputs = files("fuzz/regressions/report", &[]);
    inputs.extend(reports());
    run_all(targets::report, &inputs);
}

#[test]
fn check_regressions_and_seeds() {
    let mut inputs = files("fuzz/regressions/check", &[]);
    inputs.extend(reports());
    run_all(targets::check_text, &inputs);
}

#[test]
fn pack_regressions_and_seeds() {
    let mut inputs = files("fuzz/regressions/pack", &[]);
    inputs.extend(files("rules", &["toml"]));
    inputs.extend(files("tests/packs", &["toml"]));
    assert!(inputs.len() >= 10, "the seed packs moved: {inputs:?}");
    run_all(targets::pack, &inputs);
}

#[test]
fn the_pack_targets_parent_loads() {
    // Otherwise every fuzzed pack would fail the same way, early.
    let parent = xxgk::pack::PackSource {
        origin: "cn.toml".to_owned(),
        text: targets::PARENT.to_owned(),
    };
    assert!(xxgk::pack::PackSet::new(&[parent]).is_ok());
}

#[test]
fn document_regressions() {
    let mut inputs = files("fuzz/regressions/document", &[]);
    inputs.extend(reports());
    run_all(targets::document, &inputs);
}

#[test]
fn live_regressions() {
    let mut inputs = files("fuzz/regressions/live", &[]);
    inputs.extend(reports());
    run_all(targets::live, &inputs);
}

#[test]
fn relay_regressions() {
    let inputs = files("fuzz/regressions/relay", &[]);
    assert!(
        inputs.len() >= 3,
        "the relay's seed sessions moved: {inputs:?}"
    );
    run_all(targets::relay, &inputs);
}
