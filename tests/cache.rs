//! The result cache of `xxgk check` (src/cli/cache.rs), through the binary:
//! a warm run prints what a cold one does, and only what changed is checked
//! again.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// `(hits, misses)` from the `XXGK_CACHE_STATS` line.
    fn stats(&self) -> (usize, usize) {
        let line = self
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("xxgk: 缓存：命中 "))
            .unwrap_or_else(|| panic!("no cache statistics on stderr:\n{}", self.stderr));
        let (hits, misses) = line
            .split_once("，未命中 ")
            .unwrap_or_else(|| panic!("bad statistics line: {line}"));
        (hits.parse().unwrap(), misses.parse().unwrap())
    }
}

/// A folder with the example reports and a cache folder beside them.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let reports = dir.path().join("reports");
        std::fs::create_dir(&reports).unwrap();
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/reports");
        for entry in std::fs::read_dir(examples).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let copy = reports.join(path.file_name().unwrap());
                std::fs::copy(&path, &copy).unwrap();
                age(&copy);
            }
        }
        Setup { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cache(&self) -> PathBuf {
        self.path().join("cache")
    }

    /// Runs xxgk in the folder with the cache in `cache/` and statistics on.
    fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, Some(&self.cache()))
    }

    fn run_env(&self, args: &[&str], cache: Option<&Path>) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xxgk"));
        command
            .args(args)
            .current_dir(self.path())
            .env("XXGK_CACHE_STATS", "1")
            .env_remove("NO_COLOR");
        match cache {
            Some(dir) => command.env("XXGK_CACHE_DIR", dir),
            None => command.env_remove("XXGK_CACHE_DIR"),
        };
        let out = command.output().expect("the xxgk binary runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The cache's index files (one per settings key).
    fn indexes(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "json") {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.cache(), &mut out);
        out.sort();
        out
    }

    /// The number of entries (checked texts) in all indexes.
    fn entries(&self) -> usize {
        self.indexes()
            .iter()
            .map(|index| {
                read_index(index)["entries"]
                    .as_object()
                    .map_or(0, |e| e.len())
            })
            .sum()
    }
}

/// Sets a file's modification time an hour back: a file written by a test
/// a moment ago is "racy" and never trusted by its stamp.
fn age(path: &Path) {
    let file = std::fs::File::options().append(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
}

fn read_index(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const JSON: &[&str] = &["check", "--format", "json", "reports"];

#[test]
fn warm_run_prints_what_a_cold_run_prints() {
    let setup = Setup::new();
    let uncached = setup.run(&["check", "--format", "json", "--no-cache", "reports"]);
    let cold = setup.run(JSON);
    let warm = setup.run(JSON);
    assert_eq!(cold.stats(), (0, 3), "{}", cold.stderr);
    assert_eq!(warm.stats(), (3, 0), "{}", warm.stderr);
    assert_eq!(cold.code, 1);
    assert_eq!(warm.code, cold.code);
    assert!(
        cold.stdout.contains("\"fix\""),
        "fixes are part of the test"
    );
    assert!(
        cold.stdout.contains("\"related\":[{"),
        "so are related places"
    );
    assert_eq!(cold.stdout, uncached.stdout);
    assert_eq!(warm.stdout, cold.stdout);
    assert_eq!(setup.entries(), 3);

    // Every format, warm, prints what an uncached run prints.
    for format in ["human", "sarif", "junit", "gitlab", "github"] {
        let args = ["check", "--color", "never", "--format", format, "reports"];
        let warm = setup.run(&args);
        assert_eq!(warm.stats(), (3, 0));
        let mut uncached_args = args.to_vec();
        uncached_args.push("--no-cache");
        assert_eq!(warm.stdout, setup.run(&uncached_args).stdout, "{format}");
    }
    let statistics = ["check", "--format", "json", "--statistics", "reports"];
    let warm = setup.run(&statistics);
    assert_eq!(warm.stats(), (3, 0));
    let mut uncached_args = statistics.to_vec();
    uncached_args.push("--no-cache");
    assert_eq!(warm.stdout, setup.run(&uncached_args).stdout);
}

#[test]
fn baseline_works_the_same_with_a_warm_cache() {
    let setup = Setup::new();
    // Written from a cold run (filling the cache), then from a warm one.
    let written = setup.run(&["check", "--write-baseline", "cold.json", "reports"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let rewritten = setup.run(&["check", "--write-baseline", "warm.json", "reports"]);
    assert_eq!(rewritten.stats(), (3, 0));
    let cold = std::fs::read_to_string(setup.path().join("cold.json")).unwrap();
    let warm = std::fs::read_to_string(setup.path().join("warm.json")).unwrap();
    assert_eq!(cold, warm);

    // One new finding in one file: the same output warm and uncached.
    let report = setup.path().join("reports/2023-bumen.md");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{text}\n根据《政府信息公开条例》规定。\n")).unwrap();
    let args = [
        "check",
        "--format",
        "json",
        "--baseline",
        "cold.json",
        "reports",
    ];
    let warm = setup.run(&args);
    assert_eq!(warm.stats(), (2, 1));
    let mut uncached_args = args.to_vec();
    uncached_args.push("--no-cache");
    let uncached = setup.run(&uncached_args);
    assert_eq!(warm.stdout, uncached.stdout);
    assert_eq!(warm.code, uncached.code);
    let human = [
        "check",
        "--color",
        "never",
        "--baseline",
        "cold.json",
        "reports",
    ];
    let warm = setup.run(&human);
    let mut uncached_args = human.to_vec();
    uncached_args.push("--no-cache");
    let uncached = setup.run(&uncached_args);
    assert_eq!(warm.stdout, uncached.stdout);
    assert_eq!(
        warm.stderr.replace("xxgk: 缓存：命中 3，未命中 0\n", ""),
        uncached.stderr
    );
}

#[test]
fn editing_one_file_checks_just_it_again() {
    let setup = Setup::new();
    assert_eq!(setup.run(JSON).stats(), (0, 3));
    let report = setup.path().join("reports/2013-xiangzhen.txt");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, text.replacen("。", "。。", 1)).unwrap();
    let edited = setup.run(JSON);
    assert_eq!(edited.stats(), (2, 1));
    let uncached = setup.run(&["check", "--format", "json", "--no-cache", "reports"]);
    assert_eq!(edited.stdout, uncached.stdout);
    assert_eq!(setup.run(JSON).stats(), (3, 0));
    // Content, not names, is the key: a renamed copy hits.
    std::fs::copy(&report, setup.path().join("reports/copy.txt")).unwrap();
    assert_eq!(setup.run(JSON).stats(), (4, 0));
}

#[test]
fn configuration_year_and_packs_invalidate() {
    let setup = Setup::new();
    let cold = setup.run(JSON);
    assert_eq!(cold.stats(), (0, 3));

    // A configuration file appears.
    let config = setup.path().join("xxgk.toml");
    std::fs::write(&config, "[rules]\n\"cn/regulation-name\" = \"off\"\n").unwrap();
    let configured = setup.run(JSON);
    assert_eq!(configured.stats(), (0, 3));
    assert_ne!(configured.stdout, cold.stdout);
    assert_eq!(setup.run(JSON).stats(), (3, 0));
    // ... and changes.
    std::fs::write(&config, "[rules]\n\"cn/regulation-name\" = \"info\"\n").unwrap();
    let changed = setup.run(JSON);
    assert_eq!(changed.stats(), (0, 3));
    assert_ne!(changed.stdout, configured.stdout);
    std::fs::remove_file(&config).unwrap();
    assert_eq!(
        setup.run(JSON).stats(),
        (3, 0),
        "the first entries are still there"
    );

    // --year.
    let year = setup.run(&["check", "--format", "json", "--year", "2013", "reports"]);
    assert_eq!(year.stats(), (0, 3));

    // A pack is added, then edited.
    let pack = setup.path().join("extra.toml");
    let pack_text = |message: &str| {
        format!(
            "[pack]\nid = \"extra\"\nname = \"附加\"\nlevel = \"custom\"\nversion = \"1\"\n\n\
             [[rule]]\nid = \"report-word\"\nkind = \"pattern\"\nseverity = \"info\"\n\
             message = \"{message}\"\npattern = '年度报告'\n"
        )
    };
    std::fs::write(&pack, pack_text("提到了年度报告")).unwrap();
    let args = [
        "check",
        "--format",
        "json",
        "--pack",
        "extra.toml",
        "reports",
    ];
    let packed = setup.run(&args);
    assert_eq!(packed.stats(), (0, 3), "{}", packed.stderr);
    assert!(packed.stdout.contains("extra/report-word"));
    assert_eq!(setup.run(&args).stats(), (3, 0));
    std::fs::write(&pack, pack_text("又提到了年度报告")).unwrap();
    let edited = setup.run(&args);
    assert_eq!(edited.stats(), (0, 3));
    assert!(edited.stdout.contains("又提到了年度报告"));
    let mut uncached_args = args.to_vec();
    uncached_args.push("--no-cache");
    assert_eq!(edited.stdout, setup.run(&uncached_args).stdout);
}

#[test]
fn no_cache_writes_nothing_and_the_default_folder_is_ignored_by_git() {
    let setup = Setup::new();
    let run = setup.run_env(
        &["check", "--format", "json", "--no-cache", "reports"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("缓存"), "{}", run.stderr);
    assert!(!setup.path().join(".xxgk_cache").exists());
    assert!(!setup.cache().exists());

    let run = setup.run_env(JSON, None);
    assert_eq!(run.stats(), (0, 3));
    let ignore = std::fs::read_to_string(setup.path().join(".xxgk_cache/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l.trim() == "*"), "{ignore}");
    assert_eq!(setup.run_env(JSON, None).stats(), (3, 0));

    // Standard input is not cached.
    let text = std::fs::read(setup.path().join("reports/2013-xiangzhen.txt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["check", "--format", "json", "-"])
        .current_dir(setup.path())
        .env("XXGK_CACHE_DIR", setup.cache())
        .env("XXGK_CACHE_STATS", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("缓存：命中 0，未命中 0"));
    assert_eq!(setup.entries(), 0);
}

#[test]
fn corrupt_entries_are_misses_and_are_rewritten() {
    let setup = Setup::new();
    let cold = setup.run(JSON);
    let indexes = setup.indexes();
    assert_eq!(indexes.len(), 1);
    let index = &indexes[0];
    let valid = read_index(index);
    let entries = valid["entries"].as_object().unwrap().clone();
    assert_eq!(entries.len(), 3);
    // The entry of a report with findings.
    let (key, entry) = entries
        .iter()
        .find(|(_, e)| !e["diagnostics"].as_array().unwrap().is_empty())
        .unwrap();

    // Whole-file damage: every file is checked again and the index rewritten.
    let text = valid.to_string().into_bytes();
    let whole = [
        Vec::new(),
        "not json at all \u{0}\u{1}".as_bytes().to_vec(),
        // Cut inside a character, as a crash mid-write might leave it.
        text[..text.len() / 2 + 1].to_vec(),
    ];
    for bad in &whole {
        std::fs::write(index, bad).unwrap();
        let run = setup.run(JSON);
        assert_eq!(run.stats(), (0, 3), "{bad:?}");
        assert_eq!(run.stdout, cold.stdout, "{bad:?}");
        assert_eq!(setup.entries(), 3);
    }

    // One entry well-formed but wrong: an unknown rule, a range past the
    // end, a bad severity, a missing position; and, for formats that read
    // the text, a wrong length. That file alone is checked again, by
    // either route.
    let damaged: Vec<(&str, Value)> = {
        let mut unknown = entry.clone();
        unknown["diagnostics"][0]["rule"] = "nope/rule".into();
        let mut past = entry.clone();
        past["diagnostics"][0]["range"][1] = 99_999_999.into();
        let mut severity = entry.clone();
        severity["diagnostics"][0]["severity"] = "x".into();
        let mut positions = entry.clone();
        positions["positions"].as_array_mut().unwrap().pop();
        let mut length = entry.clone();
        length["len"] = (entry["len"].as_u64().unwrap() + 1).into();
        vec![
            ("json", unknown),
            ("json", past),
            ("json", severity),
            ("json", positions),
            ("human", length),
        ]
    };
    for (format, bad) in damaged {
        let args = ["check", "--color", "never", "--format", format, "reports"];
        let expected = setup.run(&args).stdout;
        let mut broken = read_index(index);
        broken["entries"][key] = bad.clone();
        std::fs::write(index, broken.to_string()).unwrap();
        let run = setup.run(&args);
        assert_eq!(run.stats(), (2, 1), "{bad}");
        assert_eq!(run.stdout, expected, "{bad}");
        // The miss wrote the entry again.
        assert_eq!(&read_index(index)["entries"][key], entry, "{bad}");
    }

    // An unreadable index (a folder in its place) is a miss too.
    std::fs::remove_file(index).unwrap();
    std::fs::create_dir(index).unwrap();
    let run = setup.run(JSON);
    assert_eq!(run.stats(), (0, 3));
    assert_eq!(run.stdout, cold.stdout);
    assert_eq!(run.code, cold.code, "{}", run.stderr);
    assert!(!run.stderr.contains("错误"), "{}", run.stderr);
}

#[test]
fn unchanged_files_are_not_read_again_by_formats_without_text() {
    let setup = Setup::new();
    let cold = setup.run(JSON);
    assert_eq!(cold.stats(), (0, 3));
    let placeholders = |out: &str| out.matches("cn/placeholder-x").count();
    // The same size and modification time, other text: a format that prints
    // positions trusts the stamp (as Ruff and git do) ...
    let report = setup.path().join("reports/2013-xiangzhen.txt");
    let text = std::fs::read_to_string(&report).unwrap();
    let modified = std::fs::metadata(&report).unwrap().modified().unwrap();
    let swapped = text.replacen("工作", "XXXXXX", 1);
    assert_eq!(swapped.len(), text.len());
    std::fs::write(&report, &swapped).unwrap();
    let file = std::fs::File::options().append(true).open(&report).unwrap();
    file.set_modified(modified).unwrap();
    let stamped = setup.run(JSON);
    assert_eq!(stamped.stats(), (3, 0));
    assert_eq!(stamped.stdout, cold.stdout, "the file was not read");
    // ... the human format reads the text, and so sees the change.
    let human = setup.run(&["check", "--color", "never", "reports"]);
    assert_eq!(human.stats(), (2, 1));
    assert_eq!(placeholders(&human.stdout), placeholders(&cold.stdout) + 1);

    // A file modified at or after the run's start (here: in the future) is
    // read even when its stamp matches.
    std::fs::write(&report, &text).unwrap();
    let file = std::fs::File::options().append(true).open(&report).unwrap();
    file.set_modified(SystemTime::now() + Duration::from_secs(3600))
        .unwrap();
    assert_eq!(setup.run(JSON).stdout, cold.stdout);
    std::fs::write(&report, &swapped).unwrap();
    file.set_modified(SystemTime::now() + Duration::from_secs(3600))
        .unwrap();
    let racy = setup.run(JSON);
    assert_eq!(racy.stats(), (3, 0), "its text is known from the human run");
    assert_eq!(placeholders(&racy.stdout), placeholders(&cold.stdout) + 1);
}
