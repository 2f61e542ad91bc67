//! Hostile and huge packs (SECURITY.md): every one is refused with exit code
//! 2 and a `file:line:column` message, or — when it is merely big — loads and
//! checks, and each run ends within a bound. The fixtures are under
//! `tests/packs/hostile/`; the huge ones are generated here into a temporary
//! folder.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

/// A generous bound on one run: a hang or a runaway compile fails the test
/// instead of stalling the suite (this is no benchmark).
const BOUND: Duration = Duration::from_secs(60);

struct Run {
    code: i32,
    stderr: String,
}

/// `xxgk check --isolated --pack P… REPORT` from the repository root, killed
/// if it outlives `BOUND`.
fn check_with(packs: &[&Path], report: &Path) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xxgk"));
    command
        .current_dir(common::repo())
        .args(["check", "--isolated", "--no-cache"]);
    for pack in packs {
        command.arg("--pack").arg(pack);
    }
    let mut child = command
        .arg(report)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xxgk runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            panic!("xxgk ran longer than {BOUND:?} with packs {packs:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    Run {
        code: status.code().unwrap_or(-1),
        stderr,
    }
}

const REPORT: &str = "examples/reports/2013-xiangzhen.txt";

/// Refused: exit 2, the message starts with the position, and says why.
fn assert_refused(packs: &[&Path], position: &str, why: &str) {
    let run = check_with(packs, Path::new(REPORT));
    assert_eq!(run.code, 2, "{packs:?}: {}", run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains(position))
        .unwrap_or_else(|| {
            panic!(
                "{packs:?}: no message located at {position}: {}",
                run.stderr
            )
        });
    assert!(line.contains(why), "{packs:?}: {line}");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

fn hostile(name: &str) -> std::path::PathBuf {
    Path::new("tests/packs/hostile").join(name)
}

#[test]
fn fixtures_are_refused_with_their_position() {
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["regex-too-big.toml"],
            "regex-too-big.toml:13:11:",
            "编译后过大",
        ),
        (
            &["exclude-too-big.toml"],
            "exclude-too-big.toml:14:11:",
            "编译后过大",
        ),
        (
            &["issuer-too-big.toml"],
            "issuer-too-big.toml:9:11:",
            "编译后过大",
        ),
        (
            &["regex-nested.toml"],
            "regex-nested.toml:13:11:",
            "不是有效的正则表达式",
        ),
        (
            &["byte-mode.toml"],
            "byte-mode.toml:13:11:",
            "不是有效的正则表达式",
        ),
        (
            &["include-file.toml"],
            "include-file.toml:7:1:",
            "unknown field `include`",
        ),
        (
            &["run-command.toml"],
            "run-command.toml:14:1:",
            "unknown field `command`",
        ),
        (
            &["fetch-list.toml"],
            "fetch-list.toml:13:1:",
            "unknown field `literals-from`",
        ),
        (
            &["self-extends.toml"],
            "self-extends.toml:7:12:",
            "self-extends → self-extends",
        ),
        (
            &["cycle3-a.toml", "cycle3-b.toml", "cycle3-c.toml"],
            ":7:12:",
            "extends 形成循环：cycle3-a → cycle3-b → cycle3-c → cycle3-a",
        ),
        (
            &["max-chars-huge.toml"],
            "max-chars-huge.toml:9:6:",
            "max-chars 不大于 16",
        ),
    ];
    for (files, position, why) in cases {
        let paths: Vec<_> = files.iter().map(|f| hostile(f)).collect();
        let paths: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
        assert_refused(&paths, position, why);
    }
    // Every fixture is covered above.
    let listed: usize = cases.iter().map(|(files, _, _)| files.len()).sum();
    let on_disk = std::fs::read_dir(common::repo().join("tests/packs/hostile"))
        .unwrap()
        .count();
    assert_eq!(listed, on_disk);
}

fn pack_head(id: &str, extends: Option<&str>) -> String {
    let mut text = format!(
        "[pack]\nid = \"{id}\"\nname = \"生成的包\"\nlevel = \"custom\"\nversion = \"0.1.0\"\n"
    );
    if let Some(parent) = extends {
        let _ = writeln!(text, "extends = [\"{parent}\"]");
    }
    text
}

/// A chain of 40 packs each extending the next: more layers than the limit
/// (32), refused wherever resolution starts (ids sorted child-first and
/// root-first).
#[test]
fn deep_extends_chains_are_refused() {
    for root_first in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for i in 0..40 {
            // Pack `l{i:02}` extends the next one down the chain.
            let (id, parent) = if root_first {
                (
                    format!("l{:02}", 39 - i),
                    (i < 39).then(|| format!("l{:02}", 38 - i)),
                )
            } else {
                (
                    format!("l{i:02}"),
                    (i < 39).then(|| format!("l{:02}", i + 1)),
                )
            };
            let path = dir.path().join(format!("{id}.toml"));
            std::fs::write(&path, pack_head(&id, parent.as_deref())).unwrap();
            paths.push(path);
        }
        let refs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
        assert_refused(&refs, ".toml:6:12:", "extends 超过 32 层");
    }
}

#[test]
fn a_chain_within_the_limit_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for i in 0..32 {
        let parent = (i < 31).then(|| format!("l{:02}", i + 1));
        let path = dir.path().join(format!("l{i:02}.toml"));
        std::fs::write(&path, pack_head(&format!("l{i:02}"), parent.as_deref())).unwrap();
        paths.push(path);
    }
    let refs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let run = check_with(&refs, Path::new(REPORT));
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
}

#[test]
fn oversized_pack_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    let mut text = pack_head("huge", None);
    // One 17 MB description: bigger than any pack needs.
    let _ = writeln!(text, "description = \"{}\"", "很长".repeat(3 << 20));
    std::fs::write(&path, text).unwrap();
    assert_refused(&[&path], "huge.toml:1:1:", "规则包过大");
}

fn pattern_pack(dir: &Path, name: &str, field: &str) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.toml"));
    let text = format!(
        "{}\n[[rule]]\nid = \"r\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\n{field}\n",
        pack_head(name, None)
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// A 3 MB literal is over the compiled-size limit, reported at its rule.
#[test]
fn a_huge_literal_is_refused_by_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let literal = "公".repeat(1 << 20);
    let path = pattern_pack(
        dir.path(),
        "long-literal",
        &format!("literals = [\"{literal}\"]"),
    );
    assert_refused(&[&path], "long-literal.toml:8:6:", "编译后过大");
}

/// A word list of 200,000 entries is big but legitimate: the regex crate
/// compiles it (to Aho-Corasick) within the limits, and the check runs.
#[test]
fn a_huge_word_list_loads_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<String> = (0..200_000u32)
        .map(|i| format!("\"{}{}{}\"", han(i), han(i / 7 + 3), han(i / 13 + 5)))
        .collect();
    let path = pattern_pack(
        dir.path(),
        "many-literals",
        &format!("literals = [{}]", words.join(", ")),
    );
    let run = check_with(&[&path], Path::new(REPORT));
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
}

fn han(n: u32) -> char {
    char::from_u32(0x4E00 + n % 20_000).unwrap_or('字')
}

/// TOML nested 100,000 deep must not overflow the parser's stack.
#[test]
fn deeply_nested_toml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested.toml");
    let depth = 100_000;
    let text = format!(
        "{}x = {}{}\n",
        pack_head("nested", None),
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(&path, text).unwrap();
    assert_refused(&[&path], "nested.toml:6:", "规则包格式错误");
}

/// Patterns that make backtracking engines take exponential time run in
/// linear time (the regex crate has no backtracking): the check of a 400 KB
/// line that would trigger them finishes.
#[test]
fn catastrophic_backtracking_patterns_run_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("redos.toml");
    let text = format!(
        "{}\n[[rule]]\nid = \"redos\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\npattern = '(a|aa)*b|(x+x+)+y'\n",
        pack_head("redos", None)
    );
    std::fs::write(&pack, text).unwrap();
    let report = dir.path().join("report.txt");
    let line = format!("{}{}\n", "a".repeat(200_000), "x".repeat(200_000));
    std::fs::write(
        &report,
        format!(
            "{}{line}",
            std::fs::read_to_string(common::repo().join(REPORT)).unwrap()
        ),
    )
    .unwrap();
    let run = check_with(&[&pack], &report);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
}
