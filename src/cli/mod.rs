//! The command line: `xxgk check`, `xxgk rules`, `xxgk explain`. Reads files
//! and configuration, calls the analysis core, prints, and picks the exit
//! code. Holds no rule logic.

mod cache;
mod explain;
mod fix;
mod inputs;
mod test_packs;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use xxgk::baseline::{self, Baseline, Key};
use xxgk::check::{RuleFailure, check};
use xxgk::diagnostic::{RuleInfo, Severity};
use xxgk::emit::{self, CheckedFile, Format, HumanOptions, Located, PositionTable, Source};
use xxgk::report::Report;

use cache::{ContentKey, Stored};
use inputs::Input;
use xxgk::config::{ConfigChoice, Settings, SettingsCache, SettingsSources};

/// Exit codes.
const OK: i32 = 0;
const FINDINGS: i32 = 1;
const FAILURE: i32 = 2;

#[derive(Parser)]
#[command(
    name = "xxgk",
    version,
    about = "政府信息公开工作年度报告合规检查工具（compliance linter for government information-disclosure annual reports）",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查报告（文件、文件夹，或 - 表示标准输入）
    Check(CheckArgs),
    /// 列出对某个报告（或全部）生效的规则，以及各规则包为何被选用
    Rules(RulesArgs),
    /// 说明一条规则：做什么、为什么、依据、示例，以及下级规则包对它的调整
    Explain {
        /// 规则 id，如 cn/regulation-name（包内唯一时可省略包名）
        rule: String,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// 运行各规则的示例（examples.bad 须触发规则，examples.good 不得触发），用于测试规则包
    TestPacks(CommonArgs),
    /// 应用修复：默认只应用安全的修复；--unsafe-fixes 也应用需确认的修复；--diff 只显示不写入
    Fix(fix::FixArgs),
    /// 语言服务器（LSP，经标准输入输出通信），供 VS Code、Neovim 等编辑器使用
    Lsp,
}

/// Where rules come from: the embedded packs, `xxgk.toml`, `--pack`.
#[derive(clap::Args)]
struct CommonArgs {
    /// 额外的规则包文件或文件夹（可多次使用）
    #[arg(long = "pack", value_name = "PATH")]
    packs: Vec<PathBuf>,
    /// 使用此配置文件，而不是从各文件所在目录向上查找 xxgk.toml
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// 不读取任何 xxgk.toml
    #[arg(long, conflicts_with = "config")]
    isolated: bool,
}

#[derive(clap::Args)]
struct YearArg {
    /// 报告年度（覆盖自动识别）
    #[arg(long, value_parser = clap::value_parser!(u16).range(1990..=2100))]
    year: Option<u16>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// 要检查的文件或文件夹（文件夹中递归检查 .txt 和 .md，遵循 .gitignore）；- 表示标准输入
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    year: YearArg,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// 达到此级别的问题使退出码为 1
    #[arg(long, value_enum, default_value_t = Threshold::Warning, value_name = "SEVERITY")]
    fail_on: Threshold,
    /// 标准输入的文件名（用于输出和查找配置）
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// 不检查，只显示从 Word 文档（.docx）和网页（.html）中提取的文字及每行所在的段落或表格行
    #[arg(long)]
    show_extracted: bool,
    /// 着色：auto、always、never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// 不列出问题，只按规则统计数量（规则、级别、数量、可修复数量），按数量排序；仅用于 human 和 json 格式
    #[arg(long)]
    statistics: bool,
    /// 即使发现问题，退出码也为 0（文件无法读取、规则包或配置有误时仍为 2）
    #[arg(long)]
    exit_zero: bool,
    /// 基线文件：隐藏其中记录的已知问题，只报告新问题，并提示基线中已不再出现的记录
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// 把本次发现的全部问题记入基线文件（不输出问题，退出码为 0），供以后 --baseline 使用
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// 不读取也不写入结果缓存（缓存默认在当前文件夹的 .xxgk_cache/，可用环境变量 XXGK_CACHE_DIR 指定位置）
    #[arg(long)]
    no_cache: bool,
}

#[derive(clap::Args)]
struct RulesArgs {
    /// 报告文件：列出对它生效的规则及各规则包为何被选用；文件夹或省略时：列出该处配置下所有规则包的全部规则
    #[arg(value_name = "FILE")]
    path: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    year: YearArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Threshold {
    Error,
    Warning,
    Info,
    Hint,
}

impl Threshold {
    fn severity(self) -> Severity {
        match self {
            Threshold::Error => Severity::Error,
            Threshold::Warning => Severity::Warning,
            Threshold::Info => Severity::Info,
            Threshold::Hint => Severity::Hint,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { FAILURE } else { OK };
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Rules(args) => explain::run_rules(&args),
        Command::Explain { rule, common } => explain::run_explain(&rule, &common),
        Command::TestPacks(common) => test_packs::run(&common),
        Command::Fix(args) => fix::run(&args),
        Command::Lsp => run_lsp(),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("xxgk: 错误：{message}");
            FAILURE
        }
    }
}

impl CommonArgs {
    /// Where settings come from, as the command line says.
    fn sources(&self) -> SettingsSources {
        SettingsSources {
            extra_packs: self.packs.clone(),
            config: if self.isolated {
                ConfigChoice::None
            } else {
                self.config
                    .clone()
                    .map_or(ConfigChoice::Discover, ConfigChoice::File)
            },
        }
    }
}

fn run_lsp() -> Result<i32, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动语言服务器：{e}"))?;
    runtime.block_on(xxgk::lsp::serve_stdio());
    // Not waiting for the blocking pool: the relay's read of stdin cannot be
    // cancelled and a client may keep stdin open after `exit`, and an
    // analysis still running has no one left to publish to.
    runtime.shutdown_background();
    Ok(OK)
}

/// One input, to be read and decoded (in parallel), with its settings.
struct Job {
    display: String,
    input: Input,
    settings: Arc<Settings>,
    /// The path relative to the baseline file's folder (with a baseline).
    baseline_path: Option<String>,
    /// Where its findings are cached (files only, unless `--no-cache`).
    cache: Option<Arc<cache::Slot>>,
}

/// A checked file and, with a baseline, its path relative to the baseline's
/// folder and its findings' keys.
/// A file checked: its findings, its baseline keys (with a baseline), and
/// the rules that failed on it (their findings are missing).
type Checked = (CheckedFile, Option<(String, Vec<Key>)>, Vec<RuleFailure>);

fn run_check(args: &CheckArgs) -> Result<i32, String> {
    if args.statistics && !args.format.has_statistics() {
        return Err("--statistics 只能与 --format human 或 --format json 一起使用".to_owned());
    }
    let baseline = match &args.baseline {
        Some(path) => Some(read_baseline(path)?),
        None => None,
    };
    if let Some(target) = &args.write_baseline
        && let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty())
    {
        // Before its path is resolved, so that it resolves like it will be read.
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("无法创建基线文件所在的文件夹 {}：{e}", dir.display()))?;
    }
    let baseline_file = args.baseline.as_ref().or(args.write_baseline.as_ref());
    let baseline_dir = baseline_file.map(|file| folder_of(file));

    let inputs = inputs::collect(&args.paths, args.stdin_filename.as_deref())?;
    if args.show_extracted {
        return Ok(show_extracted(&inputs));
    }
    let mut cache = SettingsCache::new(args.common.sources());
    let mut result_cache = cache::ResultCache::open(!args.no_cache);
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let Some(settings) = settings_for(&mut cache, &input)? else {
            continue;
        };
        let baseline_path = baseline_dir.as_ref().map(|base| match &input {
            Input::File { path, .. } => relative_to(base, path),
            Input::Stdin { name: Some(name) } => relative_to(base, name),
            Input::Stdin { name: None } => "-".to_owned(),
        });
        let slot = match (&mut result_cache, &input) {
            (Some(result_cache), Input::File { .. }) => {
                result_cache.slot(&settings, &args.common.packs, args.year.year)
            }
            _ => None,
        };
        jobs.push(Job {
            display: input.display(),
            input,
            settings,
            baseline_path,
            cache: slot,
        });
    }

    let progress = cache::progress(jobs.len());
    let store = result_cache.as_ref();
    // Formats that print only positions can take a cached file's findings
    // without reading it; snippets, fingerprints and baselines need the text.
    let by_stamp = !args.format.needs_text() && baseline_file.is_none();
    let results: Vec<Result<Checked, String>> = jobs
        .into_par_iter()
        .map(|job| {
            let checked = check_job(args, job, store, by_stamp);
            progress.inc(1);
            checked
        })
        .collect();
    progress.finish_and_clear();
    if let Some(store) = store {
        store.save();
        store.report_stats();
    }

    let mut failed = false;
    let mut files = Vec::with_capacity(results.len());
    let mut keyed = Vec::new();
    for result in results {
        match result {
            Ok((file, keys, rule_failures)) => {
                // The other rules' findings are still shown; the run fails
                // (exit 2) because this file's check is incomplete.
                for failure in rule_failures {
                    eprintln!(
                        "xxgk: 错误：{}：规则 {} 未能完成，其结果未计入（{}）",
                        file.path, failure.rule, failure.reason
                    );
                    failed = true;
                }
                files.push(file);
                keyed.extend(keys);
            }
            Err(message) => {
                eprintln!("xxgk: 错误：{message}");
                failed = true;
            }
        }
    }
    let keyed: Vec<(&str, &[Key])> = keyed
        .iter()
        .map(|(path, keys)| (path.as_str(), keys.as_slice()))
        .collect();

    if let Some(target) = &args.write_baseline {
        if failed {
            return Err(format!("有文件未能检查，未写入基线 {}", target.display()));
        }
        let recorded = Baseline::record(keyed.iter().copied());
        fix::write_atomically(target, recorded.to_json().as_bytes())
            .map_err(|e| format!("无法写入基线 {}：{e}", target.display()))?;
        eprintln!(
            "xxgk: 已将 {} 个问题记入基线 {}（{} 个文件）。",
            recorded.len(),
            target.display(),
            files.len()
        );
        return Ok(OK);
    }

    // With a baseline: hide the known findings; note the entries that match
    // nothing any more (in a checked file, or for a file that is gone).
    let mut stale: Vec<&baseline::Entry> = Vec::new();
    let mut hidden = 0;
    if let (Some(known), Some(base)) = (&baseline, &baseline_dir) {
        let matched = known.apply(&keyed);
        for (file, hide) in files.iter_mut().zip(&matched.hidden) {
            let mut flags = hide.iter();
            file.diagnostics
                .retain(|_| !flags.next().copied().unwrap_or(false));
            hidden += hide.iter().filter(|h| **h).count();
        }
        stale = matched.stale;
        stale.extend(
            matched
                .unchecked
                .into_iter()
                .filter(|entry| entry.path != "-" && !base.join(&entry.path).exists()),
        );
        stale.sort();
    }

    let rules = sarif_rules(&cache);
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let json = args.format == Format::Json;
    let extras = emit::Extras {
        statistics: args.statistics,
        stale_baseline: (json && baseline.is_some()).then_some(stale.as_slice()),
    };
    // Standard output is line-buffered (1 KB at a time for compact JSON).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    emit::write(
        &mut out,
        args.format,
        &files,
        &rules,
        &HumanOptions { color },
        &extras,
    )
    .and_then(|()| out.flush())
    .map_err(|e| format!("无法写出结果：{e}"))?;

    if let (Some(path), false) = (&args.baseline, json) {
        if hidden > 0 && args.format == Format::Human {
            eprintln!("xxgk: 基线 {} 隐藏了 {hidden} 个已知问题。", path.display());
        }
        if !stale.is_empty()
            && let Some(base) = &baseline_dir
        {
            eprintln!("{}", stale_note(path, base, &stale));
        }
    }

    let threshold = args.fail_on.severity();
    let has_findings = files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| d.severity >= threshold);
    // The process ends now: freeing thousands of files' findings and the
    // cache index piece by piece took a tenth of a cached run.
    std::mem::forget((files, result_cache));
    Ok(if failed {
        FAILURE
    } else if has_findings && !args.exit_zero {
        FINDINGS
    } else {
        OK
    })
}

/// Reads and parses a baseline file.
fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("{}: 无法读取基线文件：{e}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{}: 基线文件不是 UTF-8 文本", path.display()))?;
    Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The folder of `file`, absolute (symbolic links resolved when it exists).
fn folder_of(file: &Path) -> PathBuf {
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    canonical(parent)
}

/// `path` with symbolic links resolved when it exists, else made absolute.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_owned())
}

/// `path` relative to the folder `base` (absolute), with `/`.
fn relative_to(base: &Path, path: &Path) -> String {
    baseline::relative_path(base, &canonical(path))
}

/// The note on stderr listing a baseline's entries that match no finding
/// (`base`: the baseline's folder; the reports' paths are shown relative to
/// the working folder).
fn stale_note(path: &Path, base: &Path, stale: &[&baseline::Entry]) -> String {
    let here = canonical(Path::new("."));
    let mut note = format!(
        "xxgk: 注意：基线 {} 中有 {} 条记录已不再出现（问题已修正，或所在文字已改动）。\n\
         可用 --write-baseline {} 重新生成基线以删去它们（当前的新问题也会一并记入）：",
        path.display(),
        stale.len(),
        path.display()
    );
    for entry in stale {
        let section = if entry.section.is_empty() {
            "正文前".to_owned()
        } else {
            entry.section.join(" › ")
        };
        let shown = baseline::relative_path(&here, &base.join(&entry.path));
        note.push_str(&format!(
            "\n  {shown}: {}（{section}）“{}”",
            entry.rule, entry.text
        ));
    }
    note
}

/// Checks one input: from the cache by its stamp (when `by_stamp`), else
/// reads it and takes the cache's findings on its text, else runs the rules
/// and stores what they found.
fn check_job(
    args: &CheckArgs,
    job: Job,
    store: Option<&cache::ResultCache>,
    by_stamp: bool,
) -> Result<Checked, String> {
    let slot = job.cache.as_deref().zip(store);
    let file = match (&job.input, slot) {
        (Input::File { path, .. }, Some((_, store))) => store
            .stamp(path)
            .map(|stamp| (inputs::absolute(path).to_string_lossy().into_owned(), stamp)),
        _ => None,
    };
    if let (true, Some((slot, store)), Some((path, stamp))) = (by_stamp, slot, &file)
        && let Some(hit) = store.by_stamp(slot, path, *stamp)
    {
        let file = CheckedFile {
            path: job.display,
            source: Located::Positions(hit.positions),
            report: hit.summary,
            diagnostics: hit.diagnostics,
        };
        return Ok((file, None, Vec::new()));
    }

    // Text files are decoded; Word documents and web pages extracted.
    let loaded = job.input.load()?;
    let (text, locations) = (loaded.text, loaded.locations);
    let source = Source::new(text);
    let extracted = locations.is_some();
    let cached = slot.map(|(slot, store)| {
        let key = ContentKey::of(&source.text);
        let hit = store.by_text(slot, &key, &source.text);
        (slot, store, key, hit)
    });
    let (summary, mut diagnostics, report, failures) = match cached {
        Some((slot, store, key, Some(hit))) => {
            store.seen(slot, file, key);
            (hit.summary, hit.diagnostics, None, Vec::new())
        }
        cached => {
            let options = job.settings.options(args.year.year);
            let outcome = check(&job.settings.packs, &source.text, &options)
                .map_err(|e| format!("{}: {e}", job.display))?;
            // A check a rule failed on is incomplete: not kept.
            if let Some((slot, store, key, _)) = cached.filter(|_| outcome.failures.is_empty()) {
                let stored = Stored {
                    text: &source.text,
                    extracted,
                    summary: &outcome.summary,
                    diagnostics: &outcome.diagnostics,
                    positions: &PositionTable::of(&source.text, &outcome.diagnostics),
                };
                store.put(slot, file, key, stored);
            }
            (
                outcome.summary,
                outcome.diagnostics,
                Some(outcome.report),
                outcome.failures,
            )
        }
    };
    let keyed = job.baseline_path.map(|path| {
        // A cached file is parsed again: the keys need its outline.
        let report = report.unwrap_or_else(|| Report::parse(&source.text));
        let keys = baseline::keys(&source.text, &report, &diagnostics);
        (path, keys)
    });
    // In an extracted document, say where the line came from.
    if let Some(located) = &locations {
        for d in &mut diagnostics {
            let line = source.position(d.range.start).line as usize - 1;
            if let Some(place) = located.get(line) {
                d.message = format!("{}（{place}）", d.message);
            }
        }
    }
    // Formats that print no text need only the findings' positions.
    let source = if args.format.needs_text() {
        Located::Text(source)
    } else {
        Located::Positions(PositionTable::of(&source.text, &diagnostics))
    };
    let file = CheckedFile {
        path: job.display,
        source,
        report: summary,
        diagnostics,
    };
    Ok((file, keyed, failures))
}

/// The settings for an input, or `None` when its configuration excludes it
/// (only files found in folders: a file named on the command line is checked).
fn settings_for(cache: &mut SettingsCache, input: &Input) -> Result<Option<Arc<Settings>>, String> {
    let settings = cache.for_dir(&input.dir())?;
    let excluded =
        matches!(input, Input::File { path, explicit: false } if settings.config.excludes(path));
    Ok((!excluded).then_some(settings))
}

/// `--show-extracted`: the text xxgk reads from each Word document or web
/// page, each line with the paragraph or table row it came from.
fn show_extracted(inputs: &[Input]) -> i32 {
    let mut failed = false;
    for input in inputs {
        match input.load() {
            Ok(loaded) => print!("==> {} <==\n{}", input.display(), loaded.shown()),
            Err(e) => {
                eprintln!("xxgk: 错误：{e}");
                failed = true;
            }
        }
    }
    if failed { FAILURE } else { OK }
}

/// Every rule of every pack set in use, each id once (SARIF lists them all).
fn sarif_rules(cache: &SettingsCache) -> Vec<Arc<RuleInfo>> {
    let mut seen = std::collections::BTreeMap::new();
    for settings in cache.loaded() {
        for rule in settings.packs.all_rules() {
            seen.entry(rule.info.id.clone())
                .or_insert_with(|| rule.info.clone());
        }
    }
    seen.into_values().collect()
}
