//! A rule's explanation as Markdown: what `xxgk explain` prints and what the
//! language server shows on hover.

use std::fmt::Write as _;

use crate::check::CompiledRule;
use crate::pack::{Pack, PackSet};

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
    write_examples(&mut out, "错误示例（会报告）", &info.examples_bad);
    write_examples(&mut out, "正确示例（不报告）", &info.examples_good);
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

/// Examples as fenced text blocks, so multi-line reports keep their lines.
fn write_examples(out: &mut String, heading: &str, examples: &[String]) {
    if examples.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {heading}\n");
    for example in examples {
        let _ = writeln!(out, "```text\n{}\n```\n", example.trim_end());
    }
}

/// The reference page of one pack (`docs/rules/<pack>.md`): what it is, what
/// it changes in the packs it extends, and every rule's explanation.
pub fn pack_reference(packs: &PackSet, pack: &Pack) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- 由 rules/{}.toml 生成，请勿手改：UPDATE_DOCS=1 cargo test committed_rule_docs -->\n",
        pack.id
    );
    let _ = writeln!(out, "# {}（{}）\n", pack.name, pack.id);
    let _ = writeln!(out, "- 层级：{}", pack.level.as_str());
    let _ = writeln!(out, "- 版本：{}", pack.version);
    if !pack.extends.is_empty() {
        let _ = writeln!(out, "- 继承：{}", pack.extends.join("、"));
    }
    if let Some(description) = &pack.description {
        let _ = writeln!(out, "- 说明：{description}");
    }
    out.push('\n');
    let changes = packs.changes_by(&pack.id);
    if !changes.is_empty() {
        let _ = writeln!(out, "## 对上级规则的调整\n");
        for (rule, change, reason) in changes {
            let _ = writeln!(
                out,
                "- `{rule}`：{change}{}",
                reason.map(|r| format!("——{r}")).unwrap_or_default()
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## 规则一览\n");
    let _ = writeln!(out, "| 规则 | 级别 | 类型 | 概要 |\n|---|---|---|---|");
    for rule in pack.rules() {
        let info = &rule.info;
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} | {} |",
            info.id,
            anchor(&info.id),
            info.severity.as_str(),
            info.kind,
            info.summary.replace('|', "\\|")
        );
    }
    out.push('\n');
    for rule in pack.rules() {
        // One level down, under the pack's title.
        for line in explain(packs, rule).lines() {
            if line.starts_with('#') {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The Markdown heading anchor GitHub makes for a rule id (`cn/sections-2007`
/// → `cnsections-2007`).
fn anchor(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/rules/` is generated from the embedded packs. Regenerate with
    /// `UPDATE_DOCS=1 cargo test committed_rule_docs`.
    #[test]
    fn committed_rule_docs_are_current() {
        let packs = PackSet::embedded();
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules"));
        let update = std::env::var_os("UPDATE_DOCS").is_some();
        let mut stale = Vec::new();
        for pack in packs.packs() {
            let path = dir.join(format!("{}.md", pack.id));
            let current = pack_reference(&packs, pack);
            if update {
                std::fs::create_dir_all(dir).unwrap();
                std::fs::write(&path, &current).unwrap();
            }
            if std::fs::read_to_string(&path).unwrap_or_default() != current {
                stale.push(path.display().to_string());
            }
        }
        assert!(
            stale.is_empty(),
            "stale rule docs {stale:?}: run UPDATE_DOCS=1 cargo test committed_rule_docs"
        );
    }

    #[test]
    fn multi_line_examples_keep_their_lines() {
        let packs = PackSet::embedded();
        let rule = packs.find_rule("cn/sections-2007").unwrap();
        let text = explain(&packs, rule);
        assert!(
            text.contains("```text\n某乡2013年政府信息公开工作年度报告\n一、概述\n"),
            "{text}"
        );
        assert!(text.contains("## 正确示例（不报告）"));
    }
}
