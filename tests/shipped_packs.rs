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
