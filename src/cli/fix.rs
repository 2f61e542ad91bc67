//! `xxgk fix`: applies the fixes to the files, or shows them as a diff. A
//! file is written back atomically (a temporary file in the same folder,
//! then a rename; permissions kept), in its own encoding (a GB18030 file stays
//! GB18030, a BOM stays), and every byte outside the edits is kept.

use std::io::Write;
use std::path::Path;

use xxgk::check::fix_text;
use xxgk::diagnostic::Applicability;
use xxgk::text::{Decoded, encode};

use super::inputs::{self, Input, SourceKind};
use super::{CommonArgs, FAILURE, FINDINGS, OK, YearArg};
use xxgk::config::SettingsCache;

#[derive(clap::Args)]
pub struct FixArgs {
    /// 要修复的文件或文件夹（文件夹中递归处理 .txt 和 .md）；- 表示标准输入（结果写到标准输出）
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<std::path::PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    year: YearArg,
    /// 也应用需确认的修复（如插入缺少的章节、删除重复段落）
    #[arg(long)]
    unsafe_fixes: bool,
    /// 不写文件，只以统一差异格式显示将做的修改
    #[arg(long)]
    diff: bool,
}

pub fn run(args: &FixArgs) -> Result<i32, String> {
    let applicability = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let mut cache = SettingsCache::new(args.common.sources());
    let mut failed = false;
    let mut changed_files = 0;
    let mut applied_total = 0;
    let mut remaining_total = 0;
    for input in inputs::collect(&args.paths, None)? {
        let Some(settings) = super::settings_for(&mut cache, &input)? else {
            continue;
        };
        let name = input.display();
        let loaded = match input.load() {
            Ok(loaded) => loaded,
            Err(e) => {
                eprintln!("xxgk: 错误：{e}");
                failed = true;
                continue;
            }
        };
        // Word and web pages cannot be written back faithfully: report, never rewrite.
        let SourceKind::Text { encoding } = loaded.kind else {
            eprintln!(
                "xxgk: 错误：{name}: {}不能自动修复，请在原文档中修改（或另存为 .txt 后再运行 xxgk fix）",
                loaded.kind.name()
            );
            failed = true;
            continue;
        };
        let decoded = Decoded {
            text: loaded.text,
            encoding,
        };
        let fixed = fix_text(
            &settings.packs,
            &decoded.text,
            &settings.options(args.year.year),
            applicability,
        )?;
        remaining_total += fixed.remaining.diagnostics.len();
        if fixed.text == decoded.text {
            if let Input::Stdin { .. } = input {
                print!("{}", decoded.text);
            }
            continue;
        }
        applied_total += fixed.applied;
        changed_files += 1;
        if args.diff {
            let diff = similar::TextDiff::from_lines(&decoded.text, &fixed.text);
            print!("{}", diff.unified_diff().header(&name, &name));
            continue;
        }
        let Some(out) = encode(&fixed.text, decoded.encoding) else {
            eprintln!(
                "xxgk: 错误：{name}: 修复后的文字无法以 {} 编码写回，文件未改动",
                decoded.encoding.name()
            );
            failed = true;
            continue;
        };
        match &input {
            Input::Stdin { .. } => {
                let mut stdout = std::io::stdout().lock();
                stdout
                    .write_all(&out)
                    .and_then(|()| stdout.flush())
                    .map_err(|e| format!("无法写出结果：{e}"))?;
            }
            Input::File { path, .. } => {
                if let Err(e) = write_atomically(path, &out) {
                    eprintln!("xxgk: 错误：{name}: 无法写回：{e}");
                    failed = true;
                }
            }
        }
    }
    let verb = if args.diff { "可修复" } else { "已修复" };
    eprintln!(
        "{verb} {applied_total} 处问题（{changed_files} 个文件）；其余 {remaining_total} 处需要人工处理。"
    );
    Ok(if failed {
        FAILURE
    } else if (args.diff && changed_files > 0) || remaining_total > 0 {
        FINDINGS
    } else {
        OK
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so a crash never leaves a half-written file; an existing file
/// keeps its permissions.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
