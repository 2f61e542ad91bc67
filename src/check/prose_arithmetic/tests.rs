//! Sums, shares and announced counts in prose, on the team's own sentences.

use crate::check::testing::check_rule;

const RULE: &str = r#"
id = "prose-arithmetic"
kind = "prose-arithmetic"
severity = "warning"
message = "总数 {total}，分项 {parts} = {sum}"
"#;

fn messages(text: &str) -> Vec<String> {
    check_rule(RULE, text)
        .into_iter()
        .map(|d| d.message)
        .collect()
}

#[test]
fn parts_that_make_up_the_total_are_silent() {
    for text in [
        "全年累计主动公开政府信息86条。其中，概况类3条，计划总结类15条，工作动态类68条。\n",
        "全年共主动公开政府信息86条。其中，概况类3条，计划总结类15条，工作动态类68条。\n",
        "经费为22.38万元(其中:设施设备为7.5万元,资料印刷为14.88万元),用于网站建设。\n",
        "共接受市民咨询475次,其中咨询电话接听354次,当面咨询接待12次,网上咨询109次。\n",
        "共受理申请749件，其中自然人申请741件，法人申请8件；共办理718件，结转下一年31件。\n",
    ] {
        assert!(messages(text).is_empty(), "{text}: {:?}", messages(text));
    }
}

#[test]
fn parts_that_do_not_make_up_the_total_are_reported_at_the_total() {
    let text = "全年共主动公开政府信息86条，其中概况类3条，工作动态类51条，财政类7条。\n";
    let found = check_rule(RULE, text);
    assert_eq!(found.len(), 1);
    assert_eq!(&text[found[0].range.clone()], "86");
    assert_eq!(found[0].message, "总数 86条，分项 3 + 51 + 7 = 61");
    assert_eq!(found[0].related.len(), 3);
}

#[test]
fn partial_approximate_and_running_lists_are_not_checked() {
    for text in [
        "全年共公开信息90条，主要有概况类3条、工作动态类51条等。\n",
        "全年共公开信息90条，其中包括概况类3条、工作动态类51条。\n",
        "全年共公开信息2700余条，其中概况类3条，工作动态类51条。\n",
        "全年共公开信息近90条，其中概况类3条，工作动态类51条。\n",
        "共公开信息90条，其中概况类3条。\n",
    ] {
        assert!(messages(text).is_empty(), "{text}");
    }
}

#[test]
fn shares_are_checked_to_the_precision_written() {
    let good = "共公开信息22条。其中,机构职能类信息12条,占总数的54.55%;法规文件类信息1条,占总数的4.55%;业务动态类信息9条,占总数的40.91%。\n";
    assert!(messages(good).is_empty(), "{:?}", messages(good));
    let good = "主动公开信息总数为3836条(其中:系统为298条,所占百分比为7.8%;网站为2538条,所占百分比为66.2%;报送1000条,所占百分比为26%)。\n";
    assert!(messages(good).is_empty(), "{:?}", messages(good));
    let bad = "共公开信息22条。其中,机构职能类信息12条,占总数的45.45%;业务动态类信息10条,占总数的45.45%。\n";
    let found = check_rule(RULE, bad);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(&bad[found[0].range.clone()], "45.45");
    assert!(found[0].message.contains("54.55%"), "{}", found[0].message);
}

#[test]
fn announced_counts_match_the_sub_sections() {
    let good = "一、概述\n主要开展了以下2方面工作。\n（一）健全机构\n正文。\n（二）完善制度\n正文。\n二、主动公开情况\n正文。\n";
    assert!(messages(good).is_empty());
    let bad = "一、概述\n主要开展了以下三个方面工作。\n（一）健全机构\n正文。\n（二）完善制度\n正文。\n二、主动公开情况\n正文。\n";
    let found = check_rule(RULE, bad);
    assert_eq!(found.len(), 1);
    assert_eq!(&bad[found[0].range.clone()], "以下三个方面");
    assert!(found[0].message.contains("2 个"));
    // Without sub-sections (the list is in the prose) nothing is said.
    let prose = "一、概述\n主要开展了以下3方面工作：一是健全机构，二是完善制度，三是加强培训。\n二、主动公开情况\n正文。\n";
    assert!(messages(prose).is_empty());
}

proptest::proptest! {
    /// A total's figure is read with `FIGURE` alone: the pattern it replaced
    /// also matched the words before a total (`共计`, `总数为`, up to 30
    /// characters without a digit or a sentence's end), and finds the same
    /// figures, in the same order, ending at the same places.
    #[test]
    fn a_figure_is_found_whatever_words_lead_to_it(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "共", "共计", "合计", "总数为", "经费为", "公开", "其中", "条", "件", "人次", "万元",
            "余", "多", "1", "23", "4,5", "６", "７８", ".", "5.5", " ", "，", "。", "；", "！", "x",
            "年", "申请", "\n",
        ]), 0..24)
    ) {
        let with_lead_words = regex::Regex::new(&format!(
            r"(?:(?:共计|共|合计|总计|总数为|总数|经费为)[^。；;！？0-9]{{0,30}}?)?(\d[\d,，]*(?:\.\d+)?)\s*(余|多)?\s*({})",
            super::UNITS
        )).unwrap();
        let text = pieces.concat();
        let read = |re: &regex::Regex| -> Vec<_> {
            re.captures_iter(&text)
                .map(|c| {
                    let at = |i| c.get(i).map(|m| m.range());
                    (at(1), at(2), at(3), c.get(0).map(|m| m.end()))
                })
                .collect()
        };
        proptest::prop_assert_eq!(read(&with_lead_words), read(&super::FIGURE));
    }
}
