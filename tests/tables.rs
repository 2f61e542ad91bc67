//! Numbers that must add up, on the real reports of ../shared/corpus (present
//! in CI; skipped where the checkout has no corpus beside it): the seeds'
//! statistics table, prose sums and shares, and the six peer reports' 表三
//! and 表四. The repository holds none of their text.

mod common;

use std::path::Path;

use common::{Run, corpus, diagnostics, xxgk};
use serde_json::Value;

fn check(path: &Path) -> Run {
    let path = path.to_str().unwrap_or_default().to_owned();
    xxgk(&["check", &path, "--format", "json", "--isolated"])
}

/// Checks `text` as a file (its name carries no meaning to xxgk; the text's
/// own title and year do).
fn check_text(text: &str) -> Run {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("report.txt");
    std::fs::write(&path, text).expect("written");
    check(&path)
}

fn of_rule<'a>(d: &'a [Value], prefix: &str) -> Vec<&'a Value> {
    d.iter()
        .filter(|x| x["rule"].as_str().is_some_and(|r| r.starts_with(prefix)))
        .collect()
}

fn flagged<'a>(d: &Value, text: &'a str) -> &'a str {
    let start = d["range"]["start"]["offset"].as_u64().unwrap_or(0) as usize;
    let end = d["range"]["end"]["offset"].as_u64().unwrap_or(0) as usize;
    text.get(start..end).unwrap_or_default()
}

#[test]
fn seed_002_broken_identities_and_the_contradicting_text() {
    let Some(dir) = corpus("seeds") else { return };
    let path = dir.join("002_16dca761f14228ce.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let run = check(&path);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let d = diagnostics(&run);
    let found = of_rule(&d, "cn/statistics-table-2014");
    let messages: Vec<&str> = found.iter().filter_map(|x| x["message"].as_str()).collect();
    assert_eq!(found.len(), 3, "{messages:#?}");

    let completed: Vec<&&Value> = found
        .iter()
        .filter(|x| {
            x["message"]
                .as_str()
                .is_some_and(|m| m.contains("申请办结数 = 按时办结数 + 延期办结数"))
        })
        .collect();
    assert_eq!(completed.len(), 1);
    assert!(
        completed[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("左边 申请办结数 10，右边 按时办结数 12 + 延期办结数 0 = 12")
    );
    assert_eq!(flagged(completed[0], &text), "10");
    assert_eq!(completed[0]["related"].as_array().map(Vec::len), Some(2));

    let answered: Vec<&&Value> = found
        .iter()
        .filter(|x| {
            x["message"]
                .as_str()
                .is_some_and(|m| m.contains("申请答复数 = 属于已主动公开范围数"))
        })
        .collect();
    assert_eq!(answered.len(), 1);
    assert!(
        answered[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("= 11，相差 -1")
    );
    assert_eq!(flagged(answered[0], &text), "10");
    assert_eq!(answered[0]["related"].as_array().map(Vec::len), Some(8));

    // "12件全部…办结" against 申请办结数 10: one finding at the text, the cell
    // related.
    let quoted: Vec<&&Value> = found
        .iter()
        .filter(|x| {
            x["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("正文与统计表不一致"))
        })
        .collect();
    assert_eq!(quoted.len(), 1);
    assert_eq!(flagged(quoted[0], &text), "12");
    assert!(
        quoted[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("「申请办结数」为 10")
    );
    let related = &quoted[0]["related"][0];
    assert_eq!(flagged(related, &text), "10");
    // Holding identities (收到申请数, 不同意公开答复数, 复议, 诉讼, 人员数) and the
    // consistent text (2700余条 against 2720, 12件 received, 复议1件, 诉讼5起)
    // give nothing else; prose sums neither.
    assert!(of_rule(&d, "cn/prose-arithmetic").is_empty());
}

#[test]
fn seeds_001_003_004_consistent_prose_is_silent() {
    let Some(dir) = corpus("seeds") else { return };
    for name in [
        "001_d2896c682011364c.txt",
        "003_03320d02408610fb.txt",
        "004_b61ef283626af920.txt",
    ] {
        let run = check(&dir.join(name));
        assert_ne!(run.code, 2, "{name}: {}", run.stderr);
        let d = diagnostics(&run);
        assert!(
            of_rule(&d, "cn/prose-arithmetic").is_empty(),
            "{name}: {:?}",
            of_rule(&d, "cn/prose-arithmetic")
        );
    }
}

#[test]
fn seeds_prose_sums_are_read_not_skipped() {
    // Changing one part of the consistent sums of seed 004 is found: the
    // silence above is agreement, not blindness. (Seed 001's 86 is a running
    // total, 累计, which is not checked.)
    let Some(dir) = corpus("seeds") else { return };
    for (name, from, to) in [
        ("004_b61ef283626af920.txt", "网上咨询109次", "网上咨询108次"),
        ("004_b61ef283626af920.txt", "法规公文84条", "法规公文85条"),
        (
            "004_b61ef283626af920.txt",
            "占总数的54.55%",
            "占总数的55.55%",
        ),
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(text.contains(from), "{name}");
        let run = check_text(&text.replacen(from, to, 1));
        let d = diagnostics(&run);
        assert_eq!(of_rule(&d, "cn/prose-arithmetic").len(), 1, "{name} {from}");
    }
}

const PEERS: [&str; 6] = [
    "01_2023_hongze_qu.txt",
    "02_2024_hongze_qu.txt",
    "03_2025_shuyang_xian.txt",
    "04_2023_shuyang_fgj.txt",
    "05_2024_shanghai_kewei.txt",
    "06_2025_shanghai_shi_bgt.txt",
];

#[test]
fn peer_reports_tables_are_read_and_holding_identities_are_silent() {
    let Some(dir) = corpus("peer") else { return };
    for name in PEERS {
        let run = check(&dir.join(name));
        assert_ne!(run.code, 2, "{name}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
        let d = diagnostics(&run);
        let errors: Vec<&str> = of_rule(&d, "cn/table")
            .into_iter()
            .filter(|x| {
                x["severity"] == "error"
                    && !x["rule"]
                        .as_str()
                        .is_some_and(|r| r.starts_with("cn/table-format"))
            })
            .filter_map(|x| x["message"].as_str())
            .collect();
        if name.starts_with("01") {
            // 洪泽 2023 prints 表四 as 10 | 1 | 0 | 0 | 0 … 5 | 0 | 0 | 0 | 0:
            // two blocks whose totals are 0 while their results are not (a
            // defect of the published table, not of reading it).
            assert_eq!(errors.len(), 2, "{name}: {errors:#?}");
            assert!(errors.iter().all(|m| m.starts_with("表四数字不平")));
        } else {
            assert!(errors.is_empty(), "{name}: {errors:#?}");
        }
        // Their prose sums (受理749件，其中自然人741件、法人8件；…) agree.
        assert!(of_rule(&d, "cn/prose-arithmetic").is_empty(), "{name}");
        // 表三 is read whole or said to be partly read (info); 洪泽 prints the
        // form's label 其他法律行政法规禁止公开 as 其他法律行政止公开 (warning).
        let notes = of_rule(&d, "cn/table3-2021");
        let misspelt: Vec<&&Value> = notes
            .iter()
            .filter(|x| x["severity"] == "warning")
            .collect();
        assert!(
            notes
                .iter()
                .all(|x| x["severity"] == "info" || x["severity"] == "warning"),
            "{name}"
        );
        let expected = usize::from(name.starts_with("01") || name.starts_with("02"));
        assert_eq!(misspelt.len(), expected, "{name}: {misspelt:#?}");
        if let Some(m) = misspelt.first() {
            assert!(
                m["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("其他法律行政止公开")
            );
        }
    }
}

/// Adds 1 to the last number on the first line containing `needle`.
fn bump_last_number(text: &str, needle: &str) -> Option<String> {
    let start = text.find(needle)?;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let end = line.rfind(|c: char| c.is_ascii_digit())? + 1;
    let begin = line[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let n: u64 = line[begin..end].parse().ok()?;
    Some(format!(
        "{}{}{}{}",
        &text[..line_start + begin],
        n + 1,
        &line[end..],
        &text[line_end..]
    ))
}

#[test]
fn peer_reports_a_changed_cell_is_found() {
    // Reading is proven by breaking: one more in the 总计 cell of 结转下年度
    // (表三) or of the 行政复议 block (表四) must be reported.
    let Some(dir) = corpus("peer") else { return };
    for name in PEERS {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        let Some(changed) = bump_last_number(&text, "结转下年度继续办理") else {
            panic!("{name}: no 结转下年度 row");
        };
        let d = diagnostics(&check_text(&changed));
        let found = of_rule(&d, "cn/table3-2021");
        let errors = found.iter().filter(|x| x["severity"] == "error").count();
        // 科委 2024 leaves that cell blank: nothing to break there.
        if name.starts_with("05") {
            continue;
        }
        assert!(errors >= 1, "{name}: {found:#?}");
    }
}

#[test]
fn the_documented_table_pack_example_runs_as_shown() {
    // docs/rule-packs.md §4.9 shows this pack and these findings.
    let run = xxgk(&[
        "check",
        "--isolated",
        "--pack",
        "tests/packs/table-example.toml",
        "tests/packs/table-example-report.txt",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let d = diagnostics(&run);
    let ours: Vec<(&str, &str)> = of_rule(&d, "table-example/")
        .into_iter()
        .map(|x| {
            (
                x["rule"].as_str().unwrap_or_default(),
                x["message"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        ours,
        [
            ("table-example/prose-sums", "比例有误：写为 20%，应为 25.0%"),
            (
                "table-example/training-table",
                "正文“培训30人次”与表中「培训人次」32 不一致"
            ),
            (
                "table-example/cases-by-month",
                "合计 = 当面 + 网络（一月行）不成立：一月·合计 4，一月·当面 1 + 一月·网络 2 = 3"
            ),
        ]
    );
    let run = xxgk(&["test-packs", "--pack", "tests/packs/table-example.toml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn peer_reports_figures_in_the_text_agree_until_changed() {
    // The text quotes 本年新收, 上年结转 and 结转下年度 and they agree with 表三;
    // changing one gives a finding at the sentence with the cell related.
    let Some(dir) = corpus("peer") else { return };
    for (name, from, to) in [
        ("04_2023_shuyang_fgj.txt", "信息公开26件", "信息公开27件"),
        (
            "03_2025_shuyang_xian.txt",
            "结转下一年 31 件",
            "结转下一年 30 件",
        ),
        (
            "06_2025_shanghai_shi_bgt.txt",
            "上年结转 189 件",
            "上年结转 198 件",
        ),
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(text.contains(from), "{name}");
        let d = diagnostics(&check_text(&text));
        assert!(
            of_rule(&d, "cn/table3-2021")
                .iter()
                .all(|x| x["severity"] != "error"),
            "{name}"
        );
        let changed = text.replacen(from, to, 1);
        let d = diagnostics(&check_text(&changed));
        let quotes: Vec<&Value> = of_rule(&d, "cn/table3-2021")
            .into_iter()
            .filter(|x| {
                x["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("正文与表三不一致"))
            })
            .collect();
        assert_eq!(quotes.len(), 1, "{name}: {d:#?}");
        assert_eq!(quotes[0]["related"].as_array().map(Vec::len), Some(1));
    }
}
