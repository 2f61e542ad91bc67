//! Every shipped rule documents itself: an explanation in Chinese, its basis,
//! and at least one text it must flag and one it must not (which
//! `check::examples` runs as tests, and `xxgk explain` and docs/rules/ show).

use xxgk::pack::PackSet;

#[test]
fn every_shipped_rule_has_an_explanation_a_basis_and_both_examples() {
    let packs = PackSet::embedded();
    let mut gaps = Vec::new();
    for rule in packs.all_rules() {
        let info = &rule.info;
        let missing: Vec<&str> = [
            ("description", info.description.is_none()),
            ("basis", info.basis.is_none()),
            ("examples.bad", info.examples_bad.is_empty()),
            ("examples.good", info.examples_good.is_empty()),
        ]
        .into_iter()
        .filter(|(_, gap)| *gap)
        .map(|(field, _)| field)
        .collect();
        if !missing.is_empty() {
            gaps.push(format!("{}: {}", info.id, missing.join(", ")));
        }
    }
    assert!(gaps.is_empty(), "rules without {gaps:#?}");
}

#[test]
fn every_override_of_a_shipped_pack_gives_its_reason() {
    let packs = PackSet::embedded();
    for pack in packs.packs() {
        for (rule, change, reason) in packs.changes_by(&pack.id) {
            assert!(
                reason.is_some_and(|r| !r.trim().is_empty()),
                "{}: override of {rule} ({change}) has no reason",
                pack.id
            );
        }
    }
}

#[test]
fn chaoyang_shows_layering_added_tuned_and_disabled() {
    let packs = PackSet::embedded();
    let chaoyang = packs.get("beijing-chaoyang").expect("shipped");
    assert!(!chaoyang.rules().is_empty(), "adds at least one rule");
    let changes = packs.changes_by("beijing-chaoyang");
    assert!(changes.iter().any(|(_, c, _)| c.starts_with("关闭")));
    assert!(changes.iter().any(|(_, c, _)| !c.starts_with("关闭")));
}

/// A scraped copy whose punctuation was converted to half width throughout:
/// one finding per mark kind, whose fix corrects every mark, not hundreds.
#[test]
fn a_wholly_half_width_report_gets_one_finding_with_a_fix_all() {
    use xxgk::check::{CheckOptions, check};
    let mut text = String::from("某镇人民政府2013年政府信息公开工作年度报告\n一、概述\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "第{i}项工作,按照要求落实:主动公开信息{i}条;群众满意度较高!\n"
        ));
    }
    let packs = PackSet::embedded();
    let outcome = check(&packs, &text, &CheckOptions::default()).expect("checks");
    let halfwidth: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule.id == "gbt/halfwidth-punctuation")
        .collect();
    assert_eq!(halfwidth.len(), 1, "{halfwidth:#?}");
    assert!(
        halfwidth[0].message.contains("全文共 160 处"),
        "{}",
        halfwidth[0].message
    );
    let fix = halfwidth[0].fix.as_ref().expect("a fix-all");
    assert!(fix.is_safe());
    let fixed = fix.apply(&text);
    assert!(!fixed.contains([',', ':', ';', '!']), "{fixed}");
    let again = check(&packs, &fixed, &CheckOptions::default()).expect("checks");
    assert!(
        !again
            .diagnostics
            .iter()
            .any(|d| d.rule.id == "gbt/halfwidth-punctuation")
    );
}
