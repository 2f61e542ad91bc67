//! Running the `xxgk` binary as a user would.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        match serde_json::from_str(&self.stdout) {
            Ok(v) => v,
            Err(e) => panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            ),
        }
    }
}

pub fn xxgk_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the xxgk binary runs");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or_default())
            .expect("stdin is writable");
    }
    let out = child.wait_with_output().expect("xxgk finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn xxgk(args: &[&str]) -> Run {
    xxgk_in(&repo(), args, None)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus of real reports, when this checkout has it beside it.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = repo().join("../shared/corpus").join(sub);
    dir.is_dir().then_some(dir)
}

/// The diagnostics of the first file of a JSON run.
pub fn diagnostics(run: &Run) -> Vec<serde_json::Value> {
    run.json()["files"][0]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub fn rules_of(run: &Run) -> Vec<String> {
    diagnostics(run)
        .iter()
        .map(|d| d["rule"].as_str().unwrap_or_default().to_owned())
        .collect()
}
