//! `xxgk rules` and `xxgk explain`: what the rules are, where they come
//! from, and why they exist — in Chinese, for writers.

use std::fmt::Write as _;
use std::path::Path;

use xxgk::check::{CompiledRule, check};
use xxgk::pack::PackSet;
use xxgk::text::decode;

use super::{CommonArgs, OK, RulesArgs, SettingsCache};

pub fn run_rules(args: &RulesArgs) -> Result<i32, String> {
    let mut cache = SettingsCache::new(args.common.sources());
    let mut out = String::new();
    match &args.path {
        None => {
            let settings = cache.for_dir(&std::env::current_dir().unwrap_or_default())?;
            write_all_rules(&mut out, &settings.packs);
        }
        Some(dir) if dir.is_dir() => {
            let settings = cache.for_dir(&std::path::absolute(dir).unwrap_or_default())?;
            write_all_rules(&mut out, &settings.packs);
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let settings = cache.for_dir(&std::path::absolute(dir).unwrap_or_default())?;
            let bytes =
                std::fs::read(path).map_err(|e| format!("{}: 无法读取：{e}", path.display()))?;
            let text = decode(&bytes)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .text;
            let options = settings.options(args.year.year);
            let outcome = check(&settings.packs, &text, &options)?;
            let summary = &outcome.summary;
            let _ = writeln!(out, "{}", path.display());
            let _ = writeln!(
                out,
                "  发布机关：{}",
                summary.issuer.as_deref().unwrap_or("（未识别）")
            );
            let _ = writeln!(
                out,
                "  报告年度：{}",
                summary.year.map_or("（未识别）".to_owned(), |y| format!(
                    "{y}（适用 {} 制度）",
                    xxgk::regime::Regime::for_year(y).as_str()
                ))
            );
            let _ = writeln!(out, "  规则包（由上至下逐层叠加）：");
            for applied in &outcome.applied {
                let level = settings
                    .packs
                    .get(&applied.pack)
                    .map_or("", |p| p.level.as_str());
                let _ = writeln!(out, "    {}（{level}）：{}", applied.pack, applied.reason);
            }
            let year = outcome.summary.year;
            let issuer = outcome.summary.issuer.as_deref();
            let _ = writeln!(
                out,
                "  各层规则（［新增］本层增加的规则，［调整］［关闭］本层对上级规则的改动）："
            );
            for applied in &outcome.applied {
                let Some(pack) = settings.packs.get(&applied.pack) else {
                    continue;
                };
                let _ = writeln!(out, "  {}（{}）", pack.id, pack.name);
                let added = if pack.extends.is_empty() {
                    ""
                } else {
                    "［新增］"
                };
                for rule in outcome
                    .rules
                    .iter()
                    .filter(|r| r.info.provenance.pack == pack.id)
                {
                    out.push_str(added);
                    write_rule_line(&mut out, rule);
                    if !rule.condition.holds(year, issuer) {
                        out.pop();
                        out.push_str("（本报告不适用）\n");
                    }
                }
                for (rule, change, reason) in settings.packs.changes_by(&pack.id) {
                    let mark = if change.starts_with("关闭") {
                        "［关闭］"
                    } else {
                        "［调整］"
                    };
                    let _ = writeln!(
                        out,
                        "{mark}    {rule}：{change}{}",
                        reason.map(|r| format!("——{r}")).unwrap_or_default()
                    );
                }
            }
        }
    }
    print!("{out}");
    Ok(OK)
}

/// Every pack with all its rules (which packs apply is decided per report).
fn write_all_rules(out: &mut String, packs: &PackSet) {
    for pack in packs.packs() {
        let _ = writeln!(
            out,
            "{} {}（{}，{}，{}{}）",
            pack.id,
            pack.version,
            pack.name,
            pack.level.as_str(),
            pack.origin,
            if pack.extends.is_empty() {
                String::new()
            } else {
                format!("，继承 {}", pack.extends.join("、"))
            }
        );
        if let Some(description) = &pack.description {
            let _ = writeln!(out, "  {description}");
        }
        for rule in pack.rules() {
            write_rule_line(out, rule);
        }
        out.push('\n');
    }
}

fn write_rule_line(out: &mut String, rule: &CompiledRule) {
    let info = &rule.info;
    let _ = write!(
        out,
        "    {:<40} {:<7} {:<20} {}",
        info.id,
        info.severity.as_str(),
        info.kind,
        info.summary
    );
    if let Some(condition) = rule.condition.describe() {
        let _ = write!(out, "［{condition}］");
    }
    for note in &rule.overrides {
        let _ = write!(out, "［已被 {note} 调整］");
    }
    out.push('\n');
}

pub fn run_explain(id: &str, common: &CommonArgs) -> Result<i32, String> {
    let mut cache = SettingsCache::new(common.sources());
    let dir = std::env::current_dir().map_err(|e| format!("无法确定当前目录：{e}"))?;
    let settings = cache.for_dir(&dir)?;
    let rule = settings
        .packs
        .find_rule(id)
        .ok_or_else(|| format!("没有规则 “{id}”；用 xxgk rules 查看全部规则"))?;
    print!("{}", xxgk::emit::explain(&settings.packs, rule));
    Ok(OK)
}
