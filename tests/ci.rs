//! xxgk in CI: the JUnit and GitLab formats, `--statistics`, `--exit-zero`,
//! baselines, and (opt-in, `XXGK_TEST_PRECOMMIT=1`) the pre-commit hook.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, diagnostics, repo, xxgk, xxgk_in};

const FIXTURE: &str = "examples/reports/2013-xiangzhen.txt";
const SEED: &str = "../shared/corpus/seeds/000_8f38e6278bd335ce.txt";

fn fixture_text() -> String {
    std::fs::read_to_string(repo().join(FIXTURE)).expect("the example report is readable")
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("a temporary folder");
    }
    std::fs::write(path, text).expect("a temporary file");
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--isolated", "--color", "never"];
    all.extend_from_slice(args);
    xxgk_in(dir, &all, None)
}

/// `xxgk check reports --baseline ci/xxgk-baseline.json --format json` in `root`.
fn check_against_baseline(root: &Path) -> Run {
    check(
        root,
        &[
            "reports",
            "--baseline",
            "ci/xxgk-baseline.json",
            "--format",
            "json",
        ],
    )
}

// ---- formats -------------------------------------------------------------

#[test]
fn junit_has_a_suite_per_file_and_a_case_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("bad.txt"), &fixture_text());
    std::fs::copy(
        repo().join("examples/reports/2023-bumen.md"),
        dir.path().join("good.md"),
    )
    .unwrap();
    let findings = diagnostics(&check(dir.path(), &["bad.txt", "--format", "json"])).len();
    let run = check(dir.path(), &[".", "--format", "junit"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let xml = &run.stdout;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert!(xml.trim_end().ends_with("</testsuites>"));
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), findings, "{xml}");
    assert!(xml.contains(&format!(
        "<testsuite name=\"./bad.txt\" tests=\"{findings}\" failures=\"{findings}\""
    )));
    assert!(
        xml.contains("<testcase name=\"cn/regulation-name @ 3:6\" classname=\"./bad.txt\""),
        "{xml}"
    );
    assert!(
        xml.contains("\">./bad.txt:3:6: 错误[cn/regulation-name] "),
        "{xml}"
    );
    // The clean report is one passing test case.
    assert!(
        xml.contains("<testcase name=\"xxgk\" classname=\"./good.md\" file=\"./good.md\"/>"),
        "{xml}"
    );
}

#[test]
fn gitlab_code_quality_fingerprints_survive_a_paragraph_added_at_the_top() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("reports/a.txt");
    let text = fixture_text();
    write(&report, &text);
    let issues = |run: &Run| -> Vec<serde_json::Value> {
        assert_eq!(run.code, 1, "{}", run.stderr);
        run.json().as_array().cloned().expect("an array of issues")
    };
    let before = issues(&check(dir.path(), &["reports", "--format", "gitlab"]));
    assert_eq!(
        before.len(),
        diagnostics(&check(dir.path(), &["reports", "--format", "json"])).len()
    );
    for issue in &before {
        assert_eq!(issue["location"]["path"], "reports/a.txt");
        assert!(issue["location"]["lines"]["begin"].as_u64().is_some());
        assert!(
            issue["check_name"]
                .as_str()
                .is_some_and(|c| c.contains('/'))
        );
        assert!(
            ["critical", "major", "minor", "info"]
                .contains(&issue["severity"].as_str().unwrap_or_default())
        );
        assert!(!issue["description"].as_str().unwrap_or_default().is_empty());
    }
    let fingerprints = |issues: &[serde_json::Value]| -> Vec<String> {
        let mut f: Vec<String> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap_or_default().to_owned())
            .collect();
        f.sort();
        f
    };
    let mut unique = fingerprints(&before);
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "fingerprints are unique");

    write(&report, &insert_paragraph_at_top(&text));
    let after = issues(&check(dir.path(), &["reports", "--format", "gitlab"]));
    assert_eq!(fingerprints(&before), fingerprints(&after));
    assert_ne!(
        before[0]["location"]["lines"]["begin"],
        after[0]["location"]["lines"]["begin"]
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let human = xxgk(&["check", FIXTURE, "--statistics", "--color", "never"]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    let lines: Vec<&str> = human.stdout.lines().collect();
    assert_eq!(
        lines[0], "数量  可修复  安全  级别  规则",
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("  错误  cn/regulation-name\n"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("-->"), "no findings listed");

    let json = xxgk(&["check", FIXTURE, "--statistics", "--format", "json"]);
    let v = json.json();
    let rows = v["statistics"].as_array().cloned().unwrap_or_default();
    assert!(!rows.is_empty());
    let counts: Vec<u64> = rows.iter().filter_map(|r| r["count"].as_u64()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "sorted by count");
    let total: u64 = counts.iter().sum();
    let findings = diagnostics(&xxgk(&["check", FIXTURE, "--format", "json"])).len();
    assert_eq!(total, findings as u64);
    assert!(
        rows.iter()
            .all(|r| r["fixable"].as_u64() <= r["count"].as_u64())
    );
    assert_eq!(v["summary"]["files"], 1);

    let sarif = xxgk(&["check", FIXTURE, "--statistics", "--format", "sarif"]);
    assert_eq!(sarif.code, 2);
    assert!(sarif.stderr.contains("--statistics"), "{}", sarif.stderr);
}

#[test]
fn exit_zero_with_findings_but_not_with_broken_input() {
    let run = xxgk(&["check", FIXTURE, "--exit-zero"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("cn/regulation-name"));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"abc\x80\xff\xfe").unwrap();
    write(&dir.path().join("a.txt"), &fixture_text());
    let run = check(dir.path(), &[".", "--exit-zero"]);
    assert_eq!(run.code, 2, "{}", run.stderr);

    let pack = dir.path().join("broken.toml");
    write(&pack, "[pack\n");
    let run = check(
        dir.path(),
        &["a.txt", "--exit-zero", "--pack", "broken.toml"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
}

// ---- baselines -----------------------------------------------------------

/// A paragraph inserted before everything else.
fn insert_paragraph_at_top(text: &str) -> String {
    format!("本报告为修订稿，特此说明。\n\n{text}")
}

/// A new `××` placeholder: a sentence added after the first full stop that
/// follows the first heading-like line (一、…).
fn add_placeholder(text: &str) -> String {
    let heading = text.find("一、").unwrap_or(0);
    let at = text[heading..]
        .find('。')
        .map_or(text.len(), |i| heading + i + '。'.len_utf8());
    format!("{}负责人为××。{}", &text[..at], &text[at..])
}

/// The baseline scenario of the issue on a copy of `text`: a baseline hides
/// all its findings; a paragraph at the top keeps them hidden; a new
/// placeholder shows exactly one new finding; and (when `fix` is given)
/// removing a defect makes its entry stale and reported.
fn baseline_scenario(text: &str, fix: Option<(&str, &str, &str)>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let report = root.join("reports/report.txt");
    write(&report, text);

    let original = check(root, &["reports", "--format", "json"]);
    let findings = diagnostics(&original).len();
    assert!(findings > 0, "the report has findings: {}", original.stdout);

    // Write it (in a folder of its own: paths are relative to it).
    let written = check(
        root,
        &["reports", "--write-baseline", "ci/xxgk-baseline.json"],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(written.stdout.is_empty(), "{}", written.stdout);
    assert!(
        written
            .stderr
            .contains(&format!("已将 {findings} 个问题记入基线")),
        "{}",
        written.stderr
    );
    let baseline = std::fs::read_to_string(root.join("ci/xxgk-baseline.json")).unwrap();
    assert!(
        baseline.contains("\"path\":\"../reports/report.txt\""),
        "{baseline}"
    );
    assert_eq!(baseline.matches("\"fingerprint\"").count(), findings);
    // Stable: writing again gives the same bytes.
    check(
        root,
        &["reports", "--write-baseline", "ci/xxgk-baseline.json"],
    );
    assert_eq!(
        std::fs::read_to_string(root.join("ci/xxgk-baseline.json")).unwrap(),
        baseline
    );

    // 1. It hides all the findings, from any working folder.
    let hidden = check(root, &["reports", "--baseline", "ci/xxgk-baseline.json"]);
    assert_eq!(hidden.code, 0, "{}{}", hidden.stdout, hidden.stderr);
    assert!(hidden.stdout.contains("未发现问题"), "{}", hidden.stdout);
    assert!(
        hidden
            .stderr
            .contains(&format!("隐藏了 {findings} 个已知问题")),
        "{}",
        hidden.stderr
    );
    let elsewhere = check(
        &root.join("reports"),
        &[
            "report.txt",
            "--baseline",
            "../ci/xxgk-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(elsewhere.code, 0, "{}", elsewhere.stderr);
    assert_eq!(diagnostics(&elsewhere).len(), 0);
    assert_eq!(elsewhere.json()["stale_baseline"], serde_json::json!([]));

    // 2. A paragraph inserted at the top: still all hidden, nothing stale.
    let edited = insert_paragraph_at_top(text);
    write(&report, &edited);
    let run = check_against_baseline(root);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(diagnostics(&run), Vec::<serde_json::Value>::new());
    assert_eq!(run.json()["stale_baseline"], serde_json::json!([]));

    // 3. A new placeholder: exactly one new finding.
    let edited = add_placeholder(&edited);
    write(&report, &edited);
    let run = check_against_baseline(root);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let new = diagnostics(&run);
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0]["rule"], "cn/placeholder-cross");
    assert_eq!(run.json()["stale_baseline"], serde_json::json!([]));

    // 4. A defect removed: its entry is stale, reported in JSON and on stderr.
    if let Some((defect, corrected, rule)) = fix {
        assert!(edited.contains(defect));
        write(&report, &edited.replacen(defect, corrected, 1));
        let run = check_against_baseline(root);
        assert_eq!(diagnostics(&run).len(), 1);
        let stale = run.json()["stale_baseline"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(stale.len(), 1, "{stale:#?}");
        assert_eq!(stale[0]["rule"], rule);
        assert_eq!(stale[0]["path"], "../reports/report.txt");

        let human = check(root, &["reports", "--baseline", "ci/xxgk-baseline.json"]);
        assert_eq!(human.code, 1);
        assert!(
            human.stdout.contains("cn/placeholder-cross"),
            "{}",
            human.stdout
        );
        assert!(
            human
                .stderr
                .contains("基线 ci/xxgk-baseline.json 中有 1 条记录已不再出现"),
            "{}",
            human.stderr
        );
        assert!(human.stderr.contains(rule), "{}", human.stderr);

        // Written again, the baseline has shrunk by one and grown by one.
        check(
            root,
            &["reports", "--write-baseline", "ci/xxgk-baseline.json"],
        );
        let rewritten = std::fs::read_to_string(root.join("ci/xxgk-baseline.json")).unwrap();
        assert_eq!(rewritten.matches("\"fingerprint\"").count(), findings);
        let of_rule = format!("\"rule\":\"{rule}\"");
        assert_eq!(
            rewritten.matches(&of_rule).count() + 1,
            baseline.matches(&of_rule).count()
        );
        assert!(rewritten.contains("\"rule\":\"cn/placeholder-cross\""));
    }
}

#[test]
fn baseline_on_the_example_report() {
    baseline_scenario(
        &fixture_text(),
        Some(("信息信息", "信息", "gbt/duplicated-word")),
    );
}

#[test]
fn baseline_on_seed_000() {
    let seed = repo().join(SEED);
    let Ok(text) = std::fs::read_to_string(&seed) else {
        eprintln!("skipped: {} is not here", seed.display());
        return;
    };
    baseline_scenario(&text, None);
}

#[test]
fn baseline_entries_of_a_deleted_report_are_stale() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("a.txt"), &fixture_text());
    write(&root.join("b.txt"), &fixture_text());
    let run = check(root, &[".", "--write-baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Checking only a.txt says nothing of b.txt…
    let run = check(
        root,
        &["a.txt", "--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["stale_baseline"], serde_json::json!([]));
    // …until b.txt is gone.
    std::fs::remove_file(root.join("b.txt")).unwrap();
    let run = check(
        root,
        &["a.txt", "--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(run.code, 0);
    let stale = run.json()["stale_baseline"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!stale.is_empty());
    assert!(stale.iter().all(|e| e["path"] == "b.txt"), "{stale:#?}");
}

#[test]
fn baseline_errors_are_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("a.txt"), &fixture_text());

    let run = check(root, &["a.txt", "--baseline", "missing.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.json"), "{}", run.stderr);

    write(
        &root.join("bad.json"),
        "{\"version\": 1, \"findings\": [\n  {\"path\": 3}\n]}",
    );
    let run = check(root, &["a.txt", "--baseline", "bad.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad.json: 不是有效的基线文件（第 2 行"),
        "{}",
        run.stderr
    );

    write(
        &root.join("future.json"),
        "{\"version\": 9, \"findings\": []}",
    );
    let run = check(root, &["a.txt", "--baseline", "future.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("版本 9"), "{}", run.stderr);

    let run = check(
        root,
        &[
            "a.txt",
            "--baseline",
            "bad.json",
            "--write-baseline",
            "bad.json",
        ],
    );
    assert_eq!(run.code, 2);

    // An unreadable report: no baseline is written.
    std::fs::write(root.join("broken.txt"), b"abc\x80\xff\xfe").unwrap();
    let run = check(root, &[".", "--write-baseline", "new.json"]);
    assert_eq!(run.code, 2);
    assert!(!root.join("new.json").exists());
}

#[test]
fn baseline_and_statistics_together() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let text = fixture_text();
    write(&root.join("a.txt"), &text);
    check(root, &["a.txt", "--write-baseline", "b.json"]);
    write(&root.join("a.txt"), &add_placeholder(&text));
    let run = check(
        root,
        &[
            "a.txt",
            "--baseline",
            "b.json",
            "--statistics",
            "--format",
            "json",
        ],
    );
    let v = run.json();
    assert_eq!(
        v["statistics"],
        serde_json::json!([{"rule": "cn/placeholder-cross", "severity": "error", "count": 1, "fixable": 0, "safe": 0}])
    );
    assert_eq!(v["stale_baseline"], serde_json::json!([]));
}

// ---- pre-commit ----------------------------------------------------------

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=xxgk",
            "-c",
            "user.email=xxgk@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The pre-commit hook, for real: pre-commit builds xxgk with cargo from a
/// repository holding this working tree (committed in a temporary copy) and
/// runs it on a project's reports. Takes minutes (a release build in
/// pre-commit's cache), so it runs only with `XXGK_TEST_PRECOMMIT=1`; the
/// `pre-commit` command is taken from `XXGK_PRECOMMIT`, else `PATH`.
#[test]
fn pre_commit_hook_fails_on_a_bad_report() {
    if std::env::var_os("XXGK_TEST_PRECOMMIT").is_none_or(|v| v != "1") {
        eprintln!("skipped: set XXGK_TEST_PRECOMMIT=1 to build and run the pre-commit hook");
        return;
    }
    let pre_commit = std::env::var_os("XXGK_PRECOMMIT")
        .map_or_else(|| PathBuf::from("pre-commit"), PathBuf::from);
    let dir = tempfile::tempdir().unwrap();

    // The hook repository: this working tree, committed.
    let hooks = dir.path().join("xxgk");
    std::fs::create_dir_all(&hooks).unwrap();
    let files = git(
        &repo(),
        &["ls-files", "--cached", "--others", "--exclude-standard"],
    );
    for file in files.lines() {
        let from = repo().join(file);
        if from.is_file() {
            let to = hooks.join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
    }
    git(&hooks, &["init", "-q"]);
    git(&hooks, &["add", "-A"]);
    git(&hooks, &["commit", "-q", "-m", "working tree"]);
    let rev = git(&hooks, &["rev-parse", "HEAD"]);

    // A project with one bad and one good report.
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    git(&project, &["init", "-q"]);
    write(
        &project.join(".pre-commit-config.yaml"),
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: xxgk\n",
            hooks.display()
        ),
    );
    write(&project.join("reports/bad.txt"), &fixture_text());
    std::fs::copy(
        repo().join("examples/reports/2023-bumen.md"),
        project.join("reports/good.md"),
    )
    .unwrap();
    git(&project, &["add", "-A"]);

    let run = |args: &[&str]| {
        let started = std::time::Instant::now();
        let out = Command::new(&pre_commit)
            .args(args)
            .current_dir(&project)
            .env("PRE_COMMIT_HOME", dir.path().join("cache"))
            .output()
            .expect("pre-commit runs (install it, or set XXGK_PRECOMMIT)");
        eprintln!("pre-commit {args:?}: {:.1?}", started.elapsed());
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, output) = run(&["run", "--all-files"]);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("- hook id: xxgk"), "{output}");
    assert!(output.contains("cn/regulation-name"), "{output}");
    assert!(output.contains("reports/bad.txt"), "{output}");

    let (code, output) = run(&["run", "--files", "reports/good.md"]);
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("Passed"), "{output}");
}
