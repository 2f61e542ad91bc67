//! The identities, value constraints and quotes of the embedded table rules,
//! each on the team's own small tables, holding and broken.

use crate::check::testing::check_rule_in_year;
use crate::check::{CheckOptions, check};
use crate::diagnostic::{Diagnostic, Severity};
use crate::pack::PackSet;

static PACKS: std::sync::LazyLock<PackSet> = std::sync::LazyLock::new(PackSet::embedded);

fn findings(rule: &str, text: &str, year: u16) -> Vec<Diagnostic> {
    let options = CheckOptions {
        year: Some(year),
        ..CheckOptions::default()
    };
    match check(&PACKS, text, &options) {
        Ok(outcome) => outcome
            .diagnostics
            .into_iter()
            .filter(|d| d.rule.id == rule)
            .collect(),
        Err(e) => panic!("{e}"),
    }
}

/// The 2014–2018 statistics table with every identity holding.
const STATISTICS: &[(&str, &str, &str)] = &[
    (
        "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）",
        "条",
        "100",
    ),
    ("其中：主动公开规范性文件数", "条", "2"),
    ("1.政府公报公开政府信息数", "条", "0"),
    ("2.政府网站公开政府信息数", "条", "100"),
    ("3.政务微博公开政府信息数", "条", "0"),
    ("4.政务微信公开政府信息数", "条", "20"),
    ("5.其他方式公开政府信息数", "条", "0"),
    ("1.参加或举办新闻发布会总次数", "次", "2"),
    ("其中：主要负责同志参加新闻发布会次数", "次", "1"),
    ("2.政府网站在线访谈次数", "次", "1"),
    ("其中：主要负责同志参加政府网站在线访谈次数", "次", "1"),
    ("（一）收到申请数", "件", "12"),
    ("1.当面申请数", "件", "5"),
    ("2.传真申请数", "件", "0"),
    ("3.网络申请数", "件", "2"),
    ("4.信函申请数", "件", "5"),
    ("（二）申请办结数", "件", "12"),
    ("1.按时办结数", "件", "12"),
    ("2.延期办结数", "件", "0"),
    ("（三）申请答复数", "件", "12"),
    ("1.属于已主动公开范围数", "件", "2"),
    ("2.同意公开答复数", "件", "1"),
    ("3.同意部分公开答复数", "件", "0"),
    ("4.不同意公开答复数", "件", "6"),
    ("其中：涉及国家秘密", "件", "0"),
    ("涉及商业秘密", "件", "0"),
    ("涉及个人隐私", "件", "1"),
    ("危及国家安全、公共安全、经济安全和社会稳定", "件", "0"),
    ("不是《条例》所指政府信息", "件", "0"),
    ("法律法规规定的其他情形", "件", "5"),
    ("5.不属于本行政机关公开数", "件", "0"),
    ("6.申请信息不存在数", "件", "3"),
    ("7.告知作出更改补充数", "件", "0"),
    ("8.告知通过其他途径办理数", "件", "0"),
    ("四、行政复议数量", "件", "1"),
    ("（一）维持具体行政行为数", "件", "0"),
    ("（二）被依法纠错数", "件", "0"),
    ("（三）其他情形数", "件", "1"),
    ("五、行政诉讼数量", "件", "5"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "1"),
    ("（二）被依法纠错数", "件", "0"),
    ("（三）其他情形数", "件", "4"),
    ("七、依申请公开信息收取的费用", "万元", "0.5"),
    ("（三）从事政府信息公开工作人员数", "人", "5"),
    (
        "1.专职人员数（不包括政府公报及政府网站工作人员数）",
        "人",
        "3",
    ),
    ("2.兼职人员数", "人", "2"),
];

/// The statistics table as one-cell-per-line text (as web pages give it),
/// with the value of the row at `change` replaced.
fn statistics(change: Option<(usize, &str)>) -> String {
    let mut text = String::from("统计指标 |\n单位 |\n统计数 |\n");
    for (i, (label, unit, value)) in STATISTICS.iter().enumerate() {
        let value = match change {
            Some((row, v)) if row == i => v,
            _ => value,
        };
        text.push_str(&format!("{label} |\n{unit} |\n{value} |\n"));
    }
    text
}

const STATS_RULE: &str = "cn/statistics-table-2014";

#[test]
fn the_statistics_table_that_adds_up_is_silent() {
    let found = findings(STATS_RULE, &statistics(None), 2017);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn each_statistics_identity_fails_when_broken() {
    // (row changed, new value, the identity that must break, the cell reported)
    let cases: &[(usize, &str, &str, &str)] = &[
        (11, "13", "收到申请数 = 当面申请数", "13"),
        (16, "10", "申请办结数 = 按时办结数 + 延期办结数", "10"),
        (19, "10", "申请答复数 = 属于已主动公开范围数", "10"),
        (23, "7", "不同意公开答复数 = 涉及国家秘密", "7"),
        (34, "2", "行政复议数量 = 复议维持数", "2"),
        (38, "6", "行政诉讼数量 = 诉讼维持数", "6"),
        (
            43,
            "6",
            "从事政府信息公开工作人员数 = 专职人员数 + 兼职人员数",
            "6",
        ),
        (1, "101", "主动公开规范性文件数 ≤ 主动公开政府信息数", "101"),
        (
            8,
            "3",
            "主要负责同志参加新闻发布会次数 ≤ 新闻发布会总次数",
            "3",
        ),
        (10, "2", "主要负责同志参加在线访谈次数 ≤ 在线访谈次数", "2"),
        (3, "10", "≥ 主动公开政府信息数", "100"),
    ];
    for &(row, value, identity, cell) in cases {
        let text = statistics(Some((row, value)));
        let found = findings(STATS_RULE, &text, 2017);
        let hit: Vec<&Diagnostic> = found
            .iter()
            .filter(|d| d.message.contains(identity))
            .collect();
        assert_eq!(hit.len(), 1, "{identity}: {found:#?}");
        // Reported at the changed cell, with the other cells related.
        assert_eq!(&text[hit[0].range.clone()], cell, "{identity}");
        assert!(!hit[0].related.is_empty());
        assert_eq!(hit[0].severity, Severity::Error);
    }
}

#[test]
fn the_message_gives_both_sides_and_the_difference() {
    let found = findings(STATS_RULE, &statistics(Some((16, "10"))), 2017);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .message
            .contains("左边 申请办结数 10，右边 按时办结数 12 + 延期办结数 0 = 12，相差 -2"),
        "{}",
        found[0].message
    );
}

#[test]
fn values_must_be_whole_and_not_negative_except_amounts() {
    let text = statistics(Some((13, "-1")));
    let found = findings(STATS_RULE, &text, 2017);
    assert!(
        found
            .iter()
            .any(|d| d.message.contains("「传真申请数」的值 -1"))
    );
    let text = statistics(Some((13, "0.5")));
    let found = findings(STATS_RULE, &text, 2017);
    assert!(
        found
            .iter()
            .any(|d| d.message.contains("「传真申请数」的值 0.5"))
    );
    // 万元 amounts may have decimals (0.5 in the base table).
    assert!(!found.iter().any(|d| d.message.contains("收取的费用")));
}

#[test]
fn blank_cells_are_not_zero() {
    // A blank 延期办结数 leaves 申请办结数 = 按时 + 延期 unchecked.
    let text = statistics(Some((18, "—"))).replace("12 |\n1.按时办结数", "13 |\n1.按时办结数");
    let found = findings(STATS_RULE, &text, 2017);
    assert!(
        !found.iter().any(|d| d.message.contains("申请办结数 =")),
        "{found:#?}"
    );
}

#[test]
fn text_that_contradicts_the_table_points_at_both() {
    let text = format!(
        "全年收到申请12件，12件全部按时办结。共主动公开政府信息90余条。办理行政复议1件。\n{}",
        statistics(Some((16, "10")))
    );
    let found = findings(STATS_RULE, &text, 2017);
    let quote: Vec<&Diagnostic> = found
        .iter()
        .filter(|d| d.message.starts_with("正文与统计表不一致"))
        .collect();
    assert_eq!(quote.len(), 1, "{found:#?}");
    assert_eq!(&text[quote[0].range.clone()], "12");
    assert!(quote[0].message.contains("「申请办结数」为 10"));
    assert_eq!(text[quote[0].related[0].range.clone()].trim(), "10");
}

#[test]
fn zero_claims_are_compared_too() {
    let text = format!("本年度未发生行政复议、行政诉讼。\n{}", statistics(None));
    let found = findings(STATS_RULE, &text, 2017);
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn approximate_figures_agree_with_more() {
    let text = format!("共主动公开政府信息90余条。\n{}", statistics(None));
    assert!(findings(STATS_RULE, &text, 2017).is_empty());
    let text = format!("共主动公开政府信息120余条。\n{}", statistics(None));
    assert_eq!(findings(STATS_RULE, &text, 2017).len(), 1);
}

/// 表三 (2021) with every identity holding: rows of (label, 自然人, 商业企业, 总计);
/// the other four applicant columns are 0.
const TABLE3: &[(&str, u32, u32, u32)] = &[
    ("一、本年新收政府信息公开申请数量", 10, 2, 12),
    ("二、上年结转政府信息公开申请数量", 1, 0, 1),
    ("（一）予以公开", 5, 1, 6),
    (
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        1,
        0,
        1,
    ),
    ("1.属于国家秘密", 0, 0, 0),
    ("2.其他法律行政法规禁止公开", 0, 0, 0),
    ("3.危及“三安全一稳定”", 0, 0, 0),
    ("4.保护第三方合法权益", 0, 0, 0),
    ("5.属于三类内部事务信息", 0, 0, 0),
    ("6.属于四类过程性信息", 1, 0, 1),
    ("7.属于行政执法案卷", 0, 0, 0),
    ("8.属于行政查询事项", 0, 0, 0),
    ("1.本机关不掌握相关政府信息", 2, 1, 3),
    ("2.没有现成信息需要另行制作", 0, 0, 0),
    ("3.补正后申请内容仍不明确", 0, 0, 0),
    ("1.信访举报投诉类申请", 0, 0, 0),
    ("2.重复申请", 0, 0, 0),
    ("3.要求提供公开出版物", 0, 0, 0),
    ("4.无正当理由大量反复申请", 0, 0, 0),
    ("5.要求行政机关确认或重新出具已获取信息", 0, 0, 0),
    (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        0,
        0,
        0,
    ),
    (
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        0,
        0,
        0,
    ),
    ("3.其他", 1, 0, 1),
    ("（七）总计", 10, 2, 12),
    ("四、结转下年度继续办理", 1, 0, 1),
];

fn table3(change: Option<(usize, usize, u32)>) -> String {
    let mut text = String::from(
        "三、收到和处理政府信息公开申请情况\n| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n",
    );
    for (i, &(label, person, business, total)) in TABLE3.iter().enumerate() {
        let mut v = [person, business, 0, 0, 0, 0, total];
        if let Some((row, column, value)) = change
            && row == i
        {
            v[column] = value;
        }
        let cells: Vec<String> = v.iter().map(u32::to_string).collect();
        text.push_str(&format!("| {label} | {} |\n", cells.join(" | ")));
    }
    text
}

#[test]
fn table3_that_adds_up_is_silent() {
    let found = findings("cn/table3-2021", &table3(None), 2023);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn table3_balance_fails_per_column() {
    // 结转下年度·自然人 2 instead of 1: the balance of the 自然人 column and the
    // row total of 结转下年度 both break; the cell in both is reported.
    let text = table3(Some((24, 0, 2)));
    let found = findings("cn/table3-2021", &text, 2023);
    let balance: Vec<&Diagnostic> = found
        .iter()
        .filter(|d| {
            d.message
                .contains("本年新收 + 上年结转 = 办理结果总计 + 结转下年度（自然人列）")
        })
        .collect();
    assert_eq!(balance.len(), 1, "{found:#?}");
    assert!(found.iter().any(|d| d.message.contains("（结转下年度行）")));
    let culprit = balance[0].range.clone();
    assert!(found.iter().all(|d| d.range == culprit), "{found:#?}");
}

#[test]
fn table3_results_must_add_up_to_the_total() {
    // 予以公开·总计 7 instead of 6 breaks the result sum of the 总计 column and
    // the row total of 予以公开.
    let found = findings("cn/table3-2021", &table3(Some((2, 6, 7))), 2023);
    assert!(
        found
            .iter()
            .any(|d| d.message.contains("办理结果总计 = 予以公开 + 部分公开")
                && d.message.contains("（总计列）")),
        "{found:#?}"
    );
    assert!(found.iter().any(|d| d.message.contains("（予以公开行）")));
}

#[test]
fn table3_row_total_is_the_sum_of_applicants() {
    let found = findings("cn/table3-2021", &table3(Some((0, 1, 3))), 2023);
    assert!(
        found
            .iter()
            .any(|d| d.message.contains("总计 = 自然人 + 商业企业")
                && d.message.contains("（本年新收行）")),
        "{found:#?}"
    );
}

#[test]
fn table3_of_2019_has_one_other_row() {
    let text = table3(None)
        .replace("| 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n", "")
        .replace("| 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n", "")
        .replace("| 3.其他 |", "| （六）其他处理 |");
    assert!(findings("cn/table3-2019", &text, 2020).is_empty());
    let broken = text.replace(
        "| （六）其他处理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "| （六）其他处理 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
    );
    assert!(!findings("cn/table3-2019", &broken, 2020).is_empty());
    // The 2021 rule does not run on a 2020 report, and the 2019 one not on 2023.
    assert!(findings("cn/table3-2021", &broken, 2020).is_empty());
    assert!(findings("cn/table3-2019", &broken, 2023).is_empty());
    // A 2023 report with the 2019 row is told it uses the old format.
    assert_eq!(findings("cn/table-format-2021", &text, 2023).len(), 1);
}

#[test]
fn table3_quotes() {
    let text = format!(
        "全年收到政府信息公开申请13件，上年结转1件。\n{}",
        table3(None)
    );
    let found = findings("cn/table3-2021", &text, 2023);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("「本年新收·总计」为 12"));
}

const TABLE4_HEADER: &str = "四、政府信息公开行政复议、行政诉讼情况\n| 行政复议 | 行政诉讼 |\n| 未经复议直接起诉 | 复议后起诉 |\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n";

#[test]
fn table4_each_block_sums_to_its_total() {
    let good =
        format!("{TABLE4_HEADER}| 1 | 1 | 0 | 0 | 2 | 1 | 0 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 3 |\n");
    assert!(findings("cn/table4", &good, 2023).is_empty());
    for (row, cells) in [
        (
            "行政复议",
            "| 1 | 1 | 0 | 0 | 3 | 1 | 0 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 3 |",
        ),
        (
            "未经复议直接起诉",
            "| 1 | 1 | 0 | 0 | 2 | 1 | 0 | 0 | 0 | 2 | 2 | 0 | 1 | 0 | 3 |",
        ),
        (
            "复议后起诉",
            "| 1 | 1 | 0 | 0 | 2 | 1 | 0 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 4 |",
        ),
    ] {
        let text = format!("{TABLE4_HEADER}{cells}\n");
        let found = findings("cn/table4", &text, 2023);
        assert_eq!(found.len(), 1, "{row}: {found:#?}");
        assert!(
            found[0].message.contains(&format!("（{row}行）")),
            "{}",
            found[0].message
        );
    }
}

#[test]
fn table4_split_into_captioned_pieces() {
    let text = "### 行政复议\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n| 27 | 10 | 9 | 15 | 60 |\n";
    let found = findings("cn/table4", text, 2025);
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn a_partly_read_table_says_so() {
    let text = table3(None).replace("| （一）予以公开 |", "|  |");
    let found = findings("cn/table3-2021", &text, 2023);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Info);
    assert!(found[0].message.contains("1 行数字无法对应"));
}

#[test]
fn bad_declarations_are_located_errors() {
    let rule = r#"
id = "t"
kind = "table"
severity = "error"
message = "m"
table = { name = "表", rows = [{ key = "甲" }, { key = "乙" }], identities = ["甲 = 乙 + 丙"] }
"#;
    let pack = format!(
        "[pack]\nid = \"t\"\nname = \"测试\"\nlevel = \"custom\"\nversion = \"0\"\n\n[[rule]]\n{rule}"
    );
    let err = PackSet::new(&[crate::pack::PackSource {
        origin: "t.toml".to_owned(),
        text: pack,
    }])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("“丙” 不是 table.rows 或 table.columns 的 key"),
        "{err}"
    );
    assert!(err.contains("t.toml:"), "{err}");
    let syntax = rule.replace("甲 = 乙 + 丙", "甲 + 乙");
    let pack = format!(
        "[pack]\nid = \"t\"\nname = \"测试\"\nlevel = \"custom\"\nversion = \"0\"\n\n[[rule]]\n{syntax}"
    );
    let err = PackSet::new(&[crate::pack::PackSource {
        origin: "t.toml".to_owned(),
        text: pack,
    }])
    .unwrap_err()
    .to_string();
    assert!(err.contains("缺少关系符"), "{err}");
}

#[test]
fn a_custom_table_with_column_identities() {
    let rule = r#"
id = "t"
kind = "table"
severity = "warning"
message = "{identity}：{left} ≠ {right}"
table = { name = "表", rows = [{ key = "甲" }], columns = [{ key = "男" }, { key = "女" }, { key = "合计" }], identities = ["合计 = 男 + 女"] }
"#;
    let text = "| 项目 | 男 | 女 | 合计 |\n| 甲 | 1 | 2 | 4 |\n| 乙 | 1 | 1 | 2 |\n";
    let found = check_rule_in_year(rule, text, None);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(&text[found[0].range.clone()], "4");
    assert_eq!(found[0].related.len(), 2);
}

#[test]
fn quotes_are_searched_in_each_paragraph_on_its_own() {
    // `\A` is each block's start, as for pattern rules: the quote is found in
    // the second paragraph, which a search of the whole text would miss.
    let rule = r#"
id = "t"
kind = "table"
severity = "warning"
message = "{identity}：{left} ≠ {right}"
table = { name = "表", rows = [{ key = "甲" }], columns = [{ key = "男" }, { key = "女" }, { key = "合计" }], identities = ["合计 = 男 + 女"], quotes = [{ row = "甲", column = "合计", pattern = '\A甲共([0-9]+)人' }] }
"#;
    let text =
        "说明如下。\n\n甲共5人，乙共2人。\n\n| 项目 | 男 | 女 | 合计 |\n| 甲 | 1 | 2 | 3 |\n";
    let found = check_rule_in_year(rule, text, None);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(&text[found[0].range.clone()], "5");
    // Without the anchor the one search of the text finds it too.
    let unanchored = rule.replace("\\A", "");
    let found = check_rule_in_year(&unanchored, text, None);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(&text[found[0].range.clone()], "5");
}

#[test]
fn a_misspelt_form_label_is_checked_and_reported() {
    let text = table3(None).replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开");
    let found = findings("cn/table3-2021", &text, 2023);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(&text[found[0].range.clone()], "2.其他法律行政止公开");
    // The row is read: breaking it breaks the result sum.
    let broken = text.replace(
        "| 2.其他法律行政止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "| 2.其他法律行政止公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
    );
    let found = findings("cn/table3-2021", &broken, 2023);
    assert!(
        found
            .iter()
            .any(|d| d.message.contains("办理结果总计 = 予以公开")),
        "{found:#?}"
    );
    // A label cut short by extraction is read silently.
    let cut = table3(None).replace(
        "5.要求行政机关确认或重新出具已获取信息",
        "5.要求行政机关确认或重 新出具",
    );
    assert!(findings("cn/table3-2021", &cut, 2023).is_empty());
}

const TABLE2: &str = "二、主动公开政府信息情况\n第二十条第（一）项\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 3 | 1 | 8 |\n第二十条第（五）项\n| 信息内容 | 本年处理决定数量 |\n| 行政许可 | 550 |\n第二十条第（六）项\n| 信息内容 | 本年处理决定数量 |\n| 行政处罚 | 4119 |\n| 行政强制 | 195 |\n第二十条第（八）项\n| 信息内容 | 本年收费金额（单位：万元） |\n| 行政事业性收费 | 7730.28 |\n";

#[test]
fn table2_counts_are_whole_and_fees_may_have_decimals() {
    for rule in ["cn/table2-2021", "cn/table2-decisions-2021"] {
        assert!(findings(rule, TABLE2, 2023).is_empty(), "{rule}");
    }
    let text = TABLE2.replace("| 行政许可 | 550 |", "| 行政许可 | 5.5 |");
    let found = findings("cn/table2-decisions-2021", &text, 2023);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(&text[found[0].range.clone()], "5.5");
    let text = TABLE2.replace("| 行政事业性收费 | 7730.28 |", "| 行政事业性收费 | -3.5 |");
    let found = findings("cn/table2-decisions-2021", &text, 2023);
    assert_eq!(found.len(), 1, "{found:#?}");
    let text = TABLE2.replace(
        "| 行政规范性文件 | 3 | 1 | 8 |",
        "| 行政规范性文件 | 3 | 1 | －8 |",
    );
    assert_eq!(findings("cn/table2-2021", &text, 2023).len(), 1);
}
