//! The language server in a real, headless Emacs with eglot:
//! `tests/emacs/e2e.el` opens a report, waits for the diagnostics, checks the
//! placeholder's exact range after an astral character (eglot 1.9 talks
//! UTF-16), applies the quick fix that inserts the missing fee section, saves,
//! and checks the file and the findings after the edit.
//!
//! Skipped when `emacs` or its eglot package is missing, unless
//! `XXGK_REQUIRE_EMACS` is set (CI sets it), when it fails instead. Debian:
//! `apt-get install --no-install-recommends emacs-nox elpa-eglot`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whole-run limit; the Lisp side waits at most 20 s per step.
const TIMEOUT: Duration = Duration::from_secs(90);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `emacs` runs and can load eglot.
fn emacs_with_eglot() -> bool {
    Command::new("emacs")
        .args([
            "--batch",
            "--eval",
            "(progn (require 'package) (package-initialize) (require 'eglot))",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn emacs_eglot_end_to_end() {
    if !emacs_with_eglot() {
        assert!(
            std::env::var_os("XXGK_REQUIRE_EMACS").is_none(),
            "XXGK_REQUIRE_EMACS is set but emacs with eglot was not found: \
             apt-get install --no-install-recommends emacs-nox elpa-eglot"
        );
        eprintln!(
            "skipped: emacs with eglot not found (apt-get install --no-install-recommends emacs-nox elpa-eglot)"
        );
        return;
    }
    let tmp = tempfile::tempdir().expect("temporary directory");
    let report = tmp.path().join("report.txt");
    std::fs::copy(repo().join("tests/nvim/fixture-2013.txt"), &report).expect("fixture copied");
    let mut child = Command::new("emacs")
        .args(["--batch", "-l"])
        .arg(repo().join("tests/emacs/e2e.el"))
        .env("XXGK_BIN", env!("CARGO_BIN_EXE_xxgk"))
        .env("TEST_FILE", &report)
        .current_dir(tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("emacs starts");
    let start = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("emacs output");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the Emacs end-to-end test failed:\n{log}"
    );
    assert!(log.contains("PASS"), "{log}");
}
