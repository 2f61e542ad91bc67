//! The command line: `xxgk check`, `xxgk rules`, `xxgk explain`. Reads files
//! and configuration, calls the analysis core, prints, and picks the exit
//! code. Holds no rule logic.

mod explain;
mod fix;
mod inputs;
mod test_packs;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use xxgk::check::check;
use xxgk::diagnostic::{RuleInfo, Severity};
use xxgk::emit::{self, CheckedFile, Format, HumanOptions};
use xxgk::text::{LineIndex, decode};

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
    /// 着色：auto、always、never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
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
    Ok(OK)
}

/// One input, read and decoded, with its settings.
struct Job {
    display: String,
    text: Result<String, String>,
    settings: Arc<Settings>,
}

fn run_check(args: &CheckArgs) -> Result<i32, String> {
    let inputs = inputs::collect(&args.paths, args.stdin_filename.as_deref())?;
    let mut cache = SettingsCache::new(args.common.sources());
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let dir = input.dir();
        let settings = cache.for_dir(&dir)?;
        if let Input::File {
            path,
            explicit: false,
        } = &input
            && settings.config.excludes(path)
        {
            continue;
        }
        jobs.push(Job {
            display: input.display(),
            text: input.read().and_then(|bytes| {
                decode(&bytes)
                    .map(|d| d.text)
                    .map_err(|e| format!("{}: {e}", input.display()))
            }),
            settings,
        });
    }

    let results: Vec<Result<CheckedFile, String>> = jobs
        .into_par_iter()
        .map(|job| {
            let text = job.text?;
            let options = job.settings.options(args.year.year);
            let outcome = check(&job.settings.packs, &text, &options)
                .map_err(|e| format!("{}: {e}", job.display))?;
            Ok(CheckedFile {
                path: job.display,
                line_index: LineIndex::new(&text),
                text,
                report: outcome.summary,
                diagnostics: outcome.diagnostics,
            })
        })
        .collect();

    let mut failed = false;
    let mut files = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(message) => {
                eprintln!("xxgk: 错误：{message}");
                failed = true;
            }
        }
    }

    let rules = sarif_rules(&cache);
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let mut out = std::io::stdout().lock();
    emit::write(
        &mut out,
        args.format,
        &files,
        &rules,
        &HumanOptions { color },
    )
    .and_then(|()| out.flush())
    .map_err(|e| format!("无法写出结果：{e}"))?;

    let threshold = args.fail_on.severity();
    let has_findings = files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| d.severity >= threshold);
    Ok(if failed {
        FAILURE
    } else if has_findings {
        FINDINGS
    } else {
        OK
    })
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
