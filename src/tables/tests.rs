//! Reading tables in each layout reports use.

use super::*;

fn line(key: &str, label: &str) -> Line {
    Line {
        key: key.to_owned(),
        names: vec![normalize(label)],
        under: None,
        decimal: false,
    }
}

/// A one-column table: label | unit | value.
fn applications() -> Layout {
    Layout::new(
        "统计表".to_owned(),
        vec![
            line("收到申请数", "收到申请数"),
            line("当面申请数", "当面申请数"),
            line("网络申请数", "网络申请数"),
            line("申请办结数", "申请办结数"),
        ],
        Vec::new(),
    )
}

fn review() -> Layout {
    let columns = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        .iter()
        .map(|k| line(k, k))
        .collect();
    Layout::new(
        "表四".to_owned(),
        ["行政复议", "未经复议直接起诉", "复议后起诉"]
            .iter()
            .map(|k| line(k, k))
            .collect(),
        columns,
    )
}

fn two_columns() -> Layout {
    Layout::new(
        "表".to_owned(),
        vec![
            line("本年新收", "本年新收政府信息公开申请数量"),
            line("予以公开", "予以公开"),
            line("属于国家秘密", "属于国家秘密"),
            line("总计", "总计"),
        ],
        vec![line("自然人", "自然人"), line("合计", "合计")],
    )
}

/// The values read, by (row key, column index), as numbers (None: blank).
fn values(text: &str, layout: &Layout) -> Vec<(String, usize, Option<f64>)> {
    let report = Report::parse(text);
    let Some(grid) = read(&SplitTables::new(text, &report), layout) else {
        return Vec::new();
    };
    grid.cells()
        .map(|(r, c, cell)| (layout.rows[r].key.clone(), c, cell.value.number()))
        .collect()
}

fn value_of(found: &[(String, usize, Option<f64>)], key: &str, column: usize) -> Option<f64> {
    found
        .iter()
        .find(|(k, c, _)| k == key && *c == column)
        .and_then(|(_, _, v)| *v)
}

#[test]
fn one_cell_per_line_with_a_unit_column() {
    let text = "统计指标 |\n单位 |\n统计数 |\n（一）收到申请数 |\n件 |\n１２ |\n1.当面申请数 |\n件 |\n5 |\n2.网络申请数 |\n件 |\n7 |\n(二)申请办结数 |\n件 |\n1,000 |\n";
    let found = values(text, &applications());
    assert_eq!(value_of(&found, "收到申请数", 0), Some(12.0));
    assert_eq!(value_of(&found, "当面申请数", 0), Some(5.0));
    assert_eq!(value_of(&found, "网络申请数", 0), Some(7.0));
    assert_eq!(value_of(&found, "申请办结数", 0), Some(1000.0));
}

#[test]
fn pipe_rows_keep_each_value_range() {
    let text = "收到申请数 | 件 | 3\n当面申请数 | 件 | 1\n网络申请数 | 件 | 2\n";
    let report = Report::parse(text);
    let grid = read(&SplitTables::new(text, &report), &applications()).unwrap();
    let cell = grid.cell(0, 0).unwrap();
    assert_eq!(&text[cell.range.clone()], "3");
    assert!(grid.unplaced.is_empty());
}

#[test]
fn markdown_with_group_cells_and_blanks() {
    let text = "| 申请人情况 | 自然人 | 合计 |\n|---|---|---|\n| 一、本年新收政府信息公开申请数量 | 4 | 4 |\n| 三、本年度办理结果 | （一）予以公开 | 3 | — |\n| （三）不予公开 | 1.属于国家秘密 | 1 | 1 |\n| （七）总计 | 4 | 4 |\n";
    let found = values(text, &two_columns());
    assert_eq!(value_of(&found, "本年新收", 0), Some(4.0));
    assert_eq!(value_of(&found, "予以公开", 0), Some(3.0));
    // A dash is read as blank, not as 0.
    assert!(
        found
            .iter()
            .any(|(k, c, v)| k == "予以公开" && *c == 1 && v.is_none())
    );
    assert_eq!(value_of(&found, "属于国家秘密", 1), Some(1.0));
    assert_eq!(value_of(&found, "总计", 1), Some(4.0));
}

#[test]
fn a_label_line_lends_its_label_to_the_value_line_after_it() {
    let text = "| 一、本年新收政府信息公开申请数量 | 4 | 4 |\n| （一）予以公开 |\n| 3 | 3 |\n| （七）总计 | 4 | 4 |\n";
    let found = values(text, &two_columns());
    assert_eq!(value_of(&found, "予以公开", 0), Some(3.0));
}

#[test]
fn the_whole_form_on_one_line_fills_row_by_row() {
    let text = "| 行政复议 | 行政诉讼 |\n| 未经复议直接起诉 | 复议后起诉 |\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n| 1 | 0 | 0 | 1 | 2 | 0 | 0 | 0 | 0 | 0 | 3 | 0 | 0 | 0 | 3 |\n";
    let found = values(text, &review());
    assert_eq!(value_of(&found, "行政复议", 4), Some(2.0));
    assert_eq!(value_of(&found, "未经复议直接起诉", 0), Some(0.0));
    assert_eq!(value_of(&found, "复议后起诉", 0), Some(3.0));
}

#[test]
fn captions_label_tables_that_have_no_row_labels() {
    let text = "### 行政复议\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n| 2 | 0 | 0 | 1 | 3 |\n\n### 行政诉讼（复议后起诉）\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n| 1 | 0 | 0 | 0 | 1 |\n";
    let found = values(text, &review());
    assert_eq!(value_of(&found, "行政复议", 4), Some(3.0));
    assert_eq!(value_of(&found, "复议后起诉", 4), Some(1.0));
    assert_eq!(value_of(&found, "未经复议直接起诉", 4), None);
}

#[test]
fn pieces_of_one_table_are_read_as_one() {
    let text = "| 一、本年新收政府信息公开申请数量 | 4 | 4 |\n| （一）予以公开 | 3 | 3 |\n| 1.属于国家秘密 | 1 | 1 |\n\n- 3 -\n\n| （七）总计 | 4 | 4 |\n";
    let found = values(text, &two_columns());
    assert_eq!(value_of(&found, "总计", 0), Some(4.0));
}

#[test]
fn labels_used_twice_follow_their_parent_row() {
    let mut layout = Layout::new(
        "统计表".to_owned(),
        vec![
            line("行政复议数量", "行政复议数量"),
            line("复议纠错数", "被依法纠错数"),
            line("行政诉讼数量", "行政诉讼数量"),
            line("诉讼纠错数", "被依法纠错数"),
        ],
        Vec::new(),
    );
    layout.rows[1].under = Some(0);
    layout.rows[3].under = Some(2);
    let text = "四、行政复议数量 | 件 | 1\n（二）被依法纠错数 | 件 | 1\n五、行政诉讼数量 | 件 | 5\n（二）被依法纠错数 | 件 | 2\n";
    let found = values(text, &layout);
    assert_eq!(value_of(&found, "复议纠错数", 0), Some(1.0));
    assert_eq!(value_of(&found, "诉讼纠错数", 0), Some(2.0));
}

#[test]
fn rows_that_cannot_be_placed_are_counted() {
    let text = "| 一、本年新收政府信息公开申请数量 | 4 | 4 |\n| （一）予以公开 | 3 | 3 |\n| 0 | 0 |\n| （七）总计 | 4 | 4 | 4 |\n";
    let report = Report::parse(text);
    let grid = read(&SplitTables::new(text, &report), &two_columns()).unwrap();
    assert_eq!(grid.unplaced.len(), 2);
}

#[test]
fn tables_of_other_forms_are_not_read() {
    let text =
        "| 名称 | 某局2023年政府信息公开年度报告 |\n| 发布机构 | 某局 | 公开日期 | 2024-01-17 |\n";
    let report = Report::parse(text);
    assert!(read(&SplitTables::new(text, &report), &two_columns()).is_none());
    assert!(read(&SplitTables::new(text, &report), &review()).is_none());
}

#[test]
fn a_misspelt_label_is_read_as_the_row_it_nearly_spells() {
    let layout = Layout::new(
        "表".to_owned(),
        vec![
            line("本年新收", "本年新收政府信息公开申请数量"),
            line("其他法律行政法规禁止公开", "其他法律行政法规禁止公开"),
            line("总计", "总计"),
        ],
        vec![line("自然人", "自然人"), line("合计", "合计")],
    );
    let text = "| 申请人情况 | 自然人 | 合计 |\n| 一、本年新收政府信息公开申请数量 | 4 | 4 |\n| 2.其他法律行政止公开 | 1 | 1 |\n| （七）总计 | 4 | 4 |\n| 3.其他 | 0 | 0 |\n";
    let report = Report::parse(text);
    let grid = read(&SplitTables::new(text, &report), &layout).unwrap();
    assert_eq!(grid.cell(1, 0).and_then(|c| c.value.number()), Some(1.0));
    assert_eq!(grid.misspelt.len(), 1);
    assert_eq!(&text[grid.misspelt[0].0.clone()], "2.其他法律行政止公开");
    // Short labels are never guessed at.
    assert_eq!(
        similarity(&['其', '他'], &['其', '他', '处', '理']),
        2.0 * 2.0 / 6.0
    );
}

proptest::proptest! {
    /// The characters two names share bound their common subsequence, so a
    /// name skipped for sharing too few could not have been similar enough.
    #[test]
    fn shared_characters_bound_the_common_subsequence(
        a in proptest::collection::vec(proptest::sample::select(vec!['公', '开', '申', '请', '数', '其', '他']), 0..12),
        b in proptest::collection::vec(proptest::sample::select(vec!['公', '开', '申', '请', '数', '其', '他']), 0..12),
    ) {
        let sorted = |v: &[char]| {
            let mut v = v.to_vec();
            v.sort_unstable();
            v
        };
        let shared = shared_chars(&sorted(&a), &sorted(&b));
        proptest::prop_assert!(score(shared, &a, &b) >= similarity(&a, &b));
    }

    /// A layout's names found in a caption by its automaton are the names
    /// of two characters or more the caption contains.
    #[test]
    fn names_in_a_caption_are_the_names_it_contains(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "收到", "申请", "数", "当面", "网络", "办结", "，", "结果", "维持", "纠正", "总计",
        ]), 0..16),
    ) {
        let caption = pieces.concat();
        for layout in [applications(), review()] {
            let mut contained: Vec<&str> = (layout.rows.iter().chain(&layout.columns))
                .flat_map(|l| &l.names)
                .map(String::as_str)
                .filter(|n| n.chars().count() >= 2 && caption.contains(n))
                .collect();
            contained.sort_unstable();
            contained.dedup();
            proptest::prop_assert_eq!(layout.names_in(&caption), contained);
        }
    }
}
