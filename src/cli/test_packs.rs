//! `xxgk test-packs`: runs every rule's examples, so a pack author can test a
//! pack without Rust.

use xxgk::check::verify_examples;

use super::{CommonArgs, FINDINGS, OK, SettingsCache};

pub fn run(common: &CommonArgs) -> Result<i32, String> {
    let mut cache = SettingsCache::new(common.sources());
    let dir = std::env::current_dir().map_err(|e| format!("无法确定当前目录：{e}"))?;
    let settings = cache.for_dir(&dir)?;
    let (count, failures) = verify_examples(&settings.packs);
    for failure in &failures {
        if failure.bad {
            println!(
                "✗ {}：反例没有触发规则：\n    {}",
                failure.rule,
                failure.example.trim().replace('\n', "\n    ")
            );
        } else {
            println!(
                "✗ {}：正例触发了规则（{}）：\n    {}",
                failure.rule,
                failure.findings.join("；"),
                failure.example.trim().replace('\n', "\n    ")
            );
        }
    }
    let rules = settings.packs.all_rules().count();
    println!(
        "{} 个规则包、{rules} 条规则的 {count} 个示例：{} 个通过，{} 个失败。",
        settings.packs.packs().len(),
        count - failures.len(),
        failures.len()
    );
    Ok(if failures.is_empty() { OK } else { FINDINGS })
}
