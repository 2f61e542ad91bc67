//! A rule's explanation as Markdown: what `xxgk explain` prints and what the
//! language server shows on hover.

use std::fmt::Write as _;

use crate::check::CompiledRule;
use crate::pack::PackSet;

/// The explanation of one rule, as Markdown.
pub fn explain(packs: &PackSet, rule: &CompiledRule) -> String {
    let info = &rule.info;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", info.id);
    let _ = writeln!(out, "{}\n", info.summary);
    let pack = packs.get(&info.provenance.pack);
    let _ = writeln!(
        out,
        "- 级别：{}（{}）",
        info.severity.label_zh(),
        info.severity.as_str()
    );
    let _ = writeln!(
        out,
        "- 来源：{}（{}，{}）",
        pack.map_or(info.provenance.pack.as_str(), |p| p.name.as_str()),
        info.provenance.level,
        info.provenance.source
    );
    let _ = writeln!(out, "- 类型：{}", info.kind);
    if let Some(condition) = rule.condition.describe() {
        let _ = writeln!(out, "- 适用：{condition}");
    }
    let _ = writeln!(
        out,
        "- 修复：{}",
        if info.fixable {
            "提供快速修复"
        } else {
            "无自动修复"
        }
    );
    out.push('\n');
    if let Some(description) = &info.description {
        let _ = writeln!(out, "## 为什么\n\n{}\n", description.trim());
    }
    if let Some(basis) = &info.basis {
        let _ = writeln!(out, "## 依据\n\n{basis}\n");
    }
    if !info.examples_bad.is_empty() {
        let _ = writeln!(out, "## 示例\n");
        for example in &info.examples_bad {
            let _ = writeln!(out, "    {example}");
        }
        out.push('\n');
    }
    if !info.examples_good.is_empty() {
        let _ = writeln!(out, "## 应改为\n");
        for example in &info.examples_good {
            let _ = writeln!(out, "    {example}");
        }
        out.push('\n');
    }
    let overrides = packs.overrides_of(&info.id);
    if !overrides.is_empty() {
        let _ = writeln!(out, "## 各地调整\n");
        for note in overrides {
            let _ = writeln!(out, "- {note}");
        }
        out.push('\n');
    }
    if let Some(url) = &info.url {
        let _ = writeln!(out, "详见：{url}");
    }
    out
}
