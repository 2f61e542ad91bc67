//! Statistics tables (docs/PERFORMANCE.md, "Statistics tables"): a 2023
//! report with 20 tables of 30 rows each (表三-shaped, seven value columns, a
//! few rows breaking identities), checked with all default packs, and the
//! same report's table rules alone.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xxgk::check::{CheckOptions, Context, RuleSetting, check, mentioned};
use xxgk::diagnostic::Severity;
use xxgk::pack::PackSet;
use xxgk::report::Report;

const ROWS: &[&str] = &[
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
    "附：本年咨询数量",
    "附：网站访问量（万次）",
    "附：新媒体发布数",
    "附：培训人次",
    "附：工作人员数",
];

/// The report: a short preamble, then 20 sections each with one 30-row
/// table and a sentence quoting it.
fn report() -> String {
    let mut text = String::from(
        "某县人民政府2023年政府信息公开工作年度报告\n本报告依据《中华人民共和国政府信息公开条例》编制。\n",
    );
    for t in 0..20u32 {
        let _ = writeln!(text, "{}、第{}部分情况", t + 1, t + 1);
        let _ = writeln!(
            text,
            "全年收到政府信息公开申请{}件，上年结转{}件。",
            10 + t,
            t % 3
        );
        text.push_str(
            "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n",
        );
        for (r, label) in ROWS.iter().enumerate() {
            let r = r as u32;
            let v = [(r + t) % 7, r % 3, 0, (t + r) % 2, 0, 1, 0];
            let total: u32 = v[..6].iter().sum::<u32>() + u32::from(r % 11 == 0);
            let _ = writeln!(
                text,
                "| {label} | {} | {} | {} | {} | {} | {} | {total} |",
                v[0], v[1], v[2], v[3], v[4], v[5]
            );
        }
        text.push('\n');
    }
    text
}

fn bench(c: &mut Criterion) {
    let packs = PackSet::embedded();
    let text = report();
    let year = CheckOptions {
        year: Some(2023),
        ..CheckOptions::default()
    };
    let mut only_tables = year.clone();
    for rule in ["cn", "gbt"] {
        only_tables.rules.insert(rule.to_owned(), RuleSetting::Off);
    }
    for rule in ["cn/table3-2021", "cn/table4", "cn/prose-arithmetic"] {
        only_tables
            .rules
            .insert(rule.to_owned(), RuleSetting::Severity(Severity::Error));
    }
    // The report must be read and its broken rows found, or the figure
    // means nothing.
    let found = check(&packs, &text, &only_tables)
        .map(|o| o.diagnostics.len())
        .unwrap_or_default();
    assert!(found > 20, "only {found} findings");

    let mut group = c.benchmark_group("tables");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("check-20x30", |b| {
        b.iter(|| check(&packs, black_box(&text), &year))
    });
    group.bench_function("table-rules-20x30", |b| {
        b.iter(|| check(&packs, black_box(&text), &only_tables))
    });
    // The table and prose rules' own work, the report parsed once.
    let report = Report::parse(&text);
    let applied = packs
        .select(None, &mentioned(&packs, &text, &report), &[])
        .unwrap_or_default();
    let rules: Vec<_> = packs
        .rule_set(&applied)
        .rules
        .iter()
        .filter(|r| matches!(r.info.kind, "table" | "prose-arithmetic"))
        .cloned()
        .collect();
    let cx = Context::new(&text, &report, Some(2023), None);
    group.bench_function("table-rules-run-20x30", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            for rule in &rules {
                if rule.condition.holds(Some(2023), None) {
                    rule.run(&cx, &mut out);
                }
            }
            out
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = bench
}
criterion_main!(benches);
