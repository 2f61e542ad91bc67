//! Throughput of the parser and the rule engine (docs/PERFORMANCE.md).
//!
//! Groups:
//! - `check/seeds`: every `../shared/corpus/{seeds,peer}/*.txt` (skipped when
//!   the folder is absent), checked with all default packs.
//! - `check/generated-1mb`: a ~1 MB report generated below (2013 → 2007
//!   regime, 2023 → 2021 regime, and the 2023 one with CRLF line ends).
//! - `parse/generated-1mb`: `Report::parse` alone on the same texts.
//! - `check/empty-and-tiny`: the fixed per-call overhead.
//!
//! `XXGK_RULE_PROFILE=1 cargo bench --bench check` prints, instead of running
//! criterion, the time each rule's `run` takes on every input (see
//! "Where the time goes" in docs/PERFORMANCE.md), and
//! `XXGK_BENCH_DUMP=DIR cargo bench --bench check` writes the generated
//! reports to DIR (to time the CLI on them).

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use xxgk::check::{CheckOptions, Context, check};
use xxgk::pack::PackSet;
use xxgk::report::Report;

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

/// The corpus files, `(name, text)`, sorted; empty when `../shared` is absent.
fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files: Vec<PathBuf> = ["seeds", "peer"]
        .iter()
        .filter_map(|dir| std::fs::read_dir(root.join(dir)).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let dir = path.parent()?.file_name()?.to_string_lossy().into_owned();
            let name = path.file_stem()?.to_string_lossy().into_owned();
            Some((format!("{dir}/{name}"), text))
        })
        .collect()
}

/// The generated reports, `(name, text)`.
fn generated() -> Vec<(&'static str, String)> {
    const SIZE: usize = 1 << 20;
    vec![
        ("2013-regime2007", generate(2013, SIZE, false)),
        ("2023-regime2021", generate(2023, SIZE, false)),
        ("2023-regime2021-crlf", generate(2023, SIZE, true)),
    ]
}

/// A ~200-byte (202) report fragment: title, legal basis, one heading.
const TINY: &str = "某县2022年政府信息公开工作年度报告\n本报告依据《中华人民共和国政府信息公开条例》编制。\n一、总体情况\n全年主动公开信息12条，未收到公开申请。\n";

// ---------------------------------------------------------------------------
// The report generator: deterministic (fixed-seed LCG), original prose.
// ---------------------------------------------------------------------------

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// 1..=99 in Chinese numerals, as headings number them.
fn cn(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", D[n % 10]),
        20..=99 => format!("{}十{}", D[n / 10], D[n % 10]),
        _ => n.to_string(),
    }
}

const OPENERS: &[&str] = &[
    "",
    "",
    "今年以来，",
    "一年来，",
    "按照年度工作安排，",
    "围绕政务公开工作要点，",
    "为进一步提升公开实效，",
    "结合本单位工作实际，",
    "在上级主管部门的指导下，",
    "针对群众普遍关心的问题，",
    "根据工作部署，",
    "对照考核评估指标，",
];

const SUBJECTS: &[&str] = &[
    "我区",
    "区政府办公室",
    "各街道办事处",
    "区政务服务中心",
    "各职能部门",
    "区政务公开办公室",
    "区司法局",
    "区财政局",
    "区住房和城乡建设局",
    "区教育局",
    "区卫生健康委员会",
    "区市场监督管理局",
    "各社区居委会",
    "区人力资源和社会保障局",
];

const ACTIONS: &[&str] = &[
    "认真梳理主动公开基本目录",
    "及时更新政府信息公开指南",
    "规范依申请公开办理流程",
    "加强政府门户网站内容保障",
    "严格落实信息发布前审核制度",
    "深入推进重大行政决策预公开",
    "持续完善政策文件解读机制",
    "扎实开展政务新媒体常态化检查",
    "全面公开财政预决算和“三公”经费",
    "及时发布重点项目建设进展",
    "主动回应社会热点关切",
    "组织开展政务公开业务培训",
    "推进基层政务公开标准化规范化建设",
    "优化政务公开专区服务功能",
    "强化公开前的保密审查",
    "做好建议提案办理结果公开",
    "加大民生领域信息公开力度",
    "完善政府信息资源管理台账",
    "落实政府开放日活动安排",
    "健全公开内容动态调整机制",
];

const DETAILS: &[&str] = &[
    "，全年累计发布各类信息{n}条",
    "，共组织专题培训{s}次、参训{n}人次",
    "，受理群众来电来信{n}件次",
    "，按期办结率达到{p}%",
    "，新增和调整栏目{s}个",
    "，发布政策解读材料{s}篇",
    "，召开新闻发布会{s}场",
    "，整改检查中发现的问题{s}个",
    "，公开项目审批和实施信息{n}条",
    "，页面访问量达{n}人次",
    "，涉及资金{n}万元",
];

const RESULTS: &[&str] = &[
    "。",
    "。",
    "，公开工作的规范化水平进一步提高。",
    "，群众满意度稳步提升。",
    "，取得了较好的社会效果。",
    "，确保信息发布准确及时。",
    "，切实保障了人民群众的知情权、参与权和监督权。",
    "，为优化营商环境提供了有力支撑。",
];

const SUB_VERBS: &[&str] = &[
    "加强组织领导",
    "完善制度体系",
    "拓宽公开渠道",
    "深化政策解读",
    "强化监督考核",
    "聚焦重点领域",
    "优化平台功能",
    "规范办理流程",
    "夯实基层基础",
    "注重回应关切",
];

const SUB_GOALS: &[&str] = &[
    "压实工作责任",
    "规范公开行为",
    "提升公开质量",
    "增强公开实效",
    "推动工作落实",
    "回应群众期盼",
    "方便群众获取",
    "提高服务水平",
    "筑牢安全底线",
];

const ITEMS: &[&str] = &[
    "健全工作机制",
    "规范公开流程",
    "拓展公开载体",
    "加强平台建设",
    "落实考核评议",
    "推进决策公开",
    "做好政策解读",
    "加强舆情回应",
    "规范信息管理",
    "开展业务培训",
    "公开财政信息",
    "公开重大项目",
    "公开公共服务事项",
    "公开督查整改情况",
];

/// One sentence of prose with a concrete figure, so sentences are nearly
/// always distinct (a real report repeats little).
fn sentence(rng: &mut Lcg, out: &mut String) {
    out.push_str(rng.pick(OPENERS));
    out.push_str(rng.pick(SUBJECTS));
    out.push_str(rng.pick(ACTIONS));
    let detail = rng.pick(DETAILS);
    let detail = detail
        .replace("{n}", &rng.range(12, 9_999).to_string())
        .replace("{s}", &rng.range(2, 96).to_string())
        .replace("{p}", &format!("{}.{}", rng.range(90, 99), rng.below(10)));
    out.push_str(&detail);
    let mut result = rng.pick(RESULTS).to_owned();
    // Now and then a sentence typed with half-width punctuation.
    if rng.one_in(30) {
        result = result.replacen('，', ",", 1);
        out.push_str(&result);
        return;
    }
    if rng.one_in(200) {
        // "一是……；二是……" inside a sentence with a half-width semicolon.
        result = format!("；同时{}{}。", rng.pick(SUBJECTS), rng.pick(ACTIONS));
        result = result.replacen('；', ";", 1);
    }
    out.push_str(&result);
}

/// A paragraph: plain sentences, or an enumerated "一是……；二是……" list.
fn paragraph(rng: &mut Lcg, out: &mut String, nl: &str) {
    if rng.one_in(3) {
        out.push_str("　　");
    }
    if rng.one_in(4) {
        let n = rng.range(3, 5);
        let _ = write!(out, "{}重点做好{}方面工作：", rng.pick(SUBJECTS), cn(n));
        for k in 1..=n {
            let _ = write!(out, "{}是{}", cn(k), rng.pick(ACTIONS));
            let detail = rng
                .pick(DETAILS)
                .replace("{n}", &rng.range(12, 9_999).to_string());
            let detail = detail
                .replace("{s}", &rng.range(2, 96).to_string())
                .replace("{p}", &format!("{}.{}", rng.range(90, 99), rng.below(10)));
            out.push_str(&detail);
            out.push_str(if k == n { "。" } else { "；" });
        }
    } else {
        for _ in 0..rng.range(3, 7) {
            sentence(rng, out);
        }
    }
    out.push_str(nl);
}

/// The top-level sections of each regime: `(title, tables under it)`.
fn sections(year: u16) -> &'static [&'static str] {
    if year <= 2018 {
        &[
            "概述",
            "主动公开政府信息的情况",
            "依申请公开政府信息和不予公开政府信息的情况",
            "政府信息公开的收费及减免情况",
            "因政府信息公开申请行政复议、提起行政诉讼的情况",
            "政府信息公开工作存在的主要问题及改进情况",
        ]
    } else {
        &[
            "总体情况",
            "主动公开政府信息情况",
            "收到和处理政府信息公开申请情况",
            "政府信息公开行政复议、行政诉讼情况",
            "存在的主要问题及改进情况",
            "其他需要报告的事项",
        ]
    }
}

/// A `|` table of the statistics kind the national format asks for.
fn table(rng: &mut Lcg, out: &mut String, nl: &str) {
    let _ = write!(
        out,
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数{nl}"
    );
    for row in ["规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制"] {
        let _ = write!(
            out,
            "{row} | {} | {} | {}{nl}",
            rng.range(0, 40),
            rng.below(5),
            rng.range(10, 400)
        );
    }
}

/// A deterministic report of about `size` bytes for `year`, with the usual
/// structure (title, preamble, six numbered parts with （一）and 1. levels,
/// enumerations, a few tables, a signature) and a sprinkling of the defects
/// the default packs look for.
fn generate(year: u16, size: usize, crlf: bool) -> String {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut rng = Lcg(u64::from(year) * 7_919 + 17);
    let issuer = if year <= 2018 {
        "北京市朝阳区人民政府"
    } else {
        "临江市东湖区人民政府"
    };
    let mut out = String::with_capacity(size + 64 * 1024);
    let _ = write!(out, "{issuer}{nl}{year}年政府信息公开工作年度报告{nl}{nl}");
    let _ = write!(
        out,
        "　　本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级政务公开主管部门的要求，由{issuer}办公室编制。全文包括{}共六部分内容。{nl}",
        sections(year).join("、")
    );
    let _ = write!(
        out,
        "　　本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。本报告电子版可在区政府门户网站（https://www.example.gov.cn/xxgk/）下载。如对本报告有疑问，请与{issuer}办公室联系（地址：东湖路88号；邮编：100000；电话：010-12345678）。{nl}"
    );
    out.push_str(nl);

    let tops = sections(year);
    let budget = size / tops.len();
    let mut kept_paragraph = String::new();
    for (t, title) in tops.iter().enumerate() {
        let section_start = out.len();
        let _ = write!(out, "{}、{title}{nl}", cn(t + 1));
        paragraph(&mut rng, &mut out, nl);
        if (1..=3).contains(&t) {
            table(&mut rng, &mut out, nl);
        }
        let mut sub = 0;
        while out.len() - section_start < budget {
            sub += 1;
            let heading = format!("{}，{}", rng.pick(SUB_VERBS), rng.pick(SUB_GOALS));
            match sub % 17 {
                // Half-width parentheses around a heading ordinal.
                5 if t == 1 => {
                    let _ = write!(out, "({}){heading}{nl}", cn(sub));
                }
                // A run-in heading: the title ends at the full stop.
                3 | 9 => {
                    let _ = write!(out, "（{}）{heading}。", cn(sub));
                    paragraph(&mut rng, &mut out, nl);
                }
                _ => {
                    let _ = write!(out, "（{}）{heading}{nl}", cn(sub));
                }
            }
            if t == 2 && sub == 4 {
                // An empty sub-section.
                continue;
            }
            paragraph(&mut rng, &mut out, nl);
            let items = rng.range(3, 6);
            for item in 1..=items {
                let mark = if t == 0 && sub == 2 { "、" } else { "." };
                let _ = write!(out, "{item}{mark}{}{nl}", rng.pick(ITEMS));
                for _ in 0..rng.range(1, 2) {
                    paragraph(&mut rng, &mut out, nl);
                }
                if rng.one_in(25) {
                    out.push_str(nl);
                }
            }
            if t == 0 && sub == 1 {
                let start = out.len();
                paragraph(&mut rng, &mut out, nl);
                kept_paragraph = out[start..].to_owned();
            }
            if t == tops.len() - 2 && sub == 3 && !kept_paragraph.is_empty() {
                // A copy-pasted paragraph.
                out.push_str(&kept_paragraph);
            }
        }
        if t == 1 {
            // A handful of the defects the default packs look for.
            let _ = write!(
                out,
                "　　按照XX街道工作安排，20**年度的公开目录已同步更新，详见【此处填写栏目名称】。全体干部人手一册«政府信息公开指南»，提高群众对政府信息信息公开的认识。{nl}"
            );
            let _ = write!(
                out,
                "　　根据区政办发[2019]12号文件精神，各部门认真布署，共处理申请２０件，按照《条例》第33条规定办理。{nl}"
            );
        }
    }
    let _ = write!(out, "{nl}{issuer}{nl}{}年3月31日{nl}", year + 1);
    out
}

// ---------------------------------------------------------------------------
// Criterion groups
// ---------------------------------------------------------------------------

fn bench_seeds(c: &mut Criterion) {
    let files = corpus();
    if files.is_empty() {
        return;
    }
    let packs = PackSet::embedded();
    let options = CheckOptions::default();
    let mut group = c.benchmark_group("check/seeds");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    for (name, text) in &files {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| check(&packs, black_box(text), &options));
        });
    }
    group.finish();
}

fn bench_generated(c: &mut Criterion) {
    let packs = PackSet::embedded();
    let options = CheckOptions::default();
    let inputs = generated();
    let mut group = c.benchmark_group("check/generated-1mb");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .sample_size(10);
    for (name, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| check(&packs, black_box(text), &options));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("parse/generated-1mb");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(10);
    for (name, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| Report::parse(black_box(text)));
        });
    }
    group.finish();
}

fn bench_tiny(c: &mut Criterion) {
    let packs = PackSet::embedded();
    let options = CheckOptions::default();
    let mut group = c.benchmark_group("check/empty-and-tiny");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, text) in [("empty", ""), ("tiny-200b", TINY)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| check(&packs, black_box(text), &options));
        });
    }
    group.finish();
}

/// The language server's cost of one keystroke: apply the edit to the rope,
/// then check the new version (the server checks every version whole).
fn bench_edit(c: &mut Criterion) {
    use tower_lsp_server::ls_types as lsp;
    use xxgk::lsp::document::{Analysis, Document};
    use xxgk::text::WideEncoding;

    let packs = std::sync::Arc::new(PackSet::embedded());
    let mut group = c.benchmark_group("lsp/edit");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10);
    for (name, size) in [("30kb", 30_000), ("5mb", 5_000_000)] {
        let text = generate(2023, size, false);
        let mut doc = Document::new(&text, 1);
        let middle = (doc.rope.len_lines() / 2) as u32;
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            let mut version = 1;
            b.iter(|| {
                version += 1;
                let change = lsp::TextDocumentContentChangeEvent {
                    range: Some(lsp::Range::new(
                        lsp::Position::new(middle, 0),
                        lsp::Position::new(middle, 0),
                    )),
                    range_length: None,
                    text: "字".to_owned(),
                };
                doc.apply(&change, WideEncoding::Utf16);
                black_box(Analysis::new(
                    doc.rope.to_string(),
                    version,
                    packs.clone(),
                    CheckOptions::default(),
                ))
            });
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_seeds,
    bench_generated,
    bench_tiny,
    bench_edit
);

// ---------------------------------------------------------------------------
// Per-rule profile (XXGK_RULE_PROFILE=1)
// ---------------------------------------------------------------------------

/// Times loading the packs, then `Report::parse`, pack selection and each
/// rule's `run` on every input, and prints one table per input plus the
/// totals over the corpus.
fn rule_profile() {
    // Loading the packs (TOML parsing, regex compilation) is paid once per
    // process: the CLI's start-up cost.
    let load = time(20, || {
        black_box(PackSet::embedded());
    });
    println!("PackSet::embedded(): {:.2} ms", us(load) / 1e3);
    let packs = PackSet::embedded();
    let mut inputs: Vec<(String, String)> = corpus();
    inputs.extend(
        generated()
            .into_iter()
            .map(|(n, t)| (format!("generated/{n}"), t)),
    );
    inputs.push(("tiny/tiny-200b".to_owned(), TINY.to_owned()));
    let mut corpus_totals: Vec<(String, &'static str, Duration)> = Vec::new();
    let mut corpus_bytes = 0usize;
    for (name, text) in &inputs {
        let reps = (4_000_000 / text.len().max(1)).clamp(3, 400);
        let parse = time(reps, || {
            black_box(Report::parse(black_box(text)));
        });
        let report = Report::parse(text);
        let issuer = report.meta.issuer.as_ref().map(|(n, _)| n.as_str());
        let year = report.meta.year.as_ref().map(|y| y.value);
        let select = time(reps, || {
            let applied = packs.select(issuer, text, &[]).unwrap_or_default();
            black_box(packs.rule_set(&applied));
        });
        let applied = packs.select(issuer, text, &[]).unwrap_or_default();
        let rule_set = packs.rule_set(&applied);
        let rules = rule_set.rules.clone();
        // The engine's path: one prefilter pass, then only the rules that can match.
        let prefilter = time(reps, || {
            black_box(rule_set.prefilter.scan(black_box(text)));
        });
        let cx = Context::new(text, &report, year, issuer)
            .with_possible_matches(rule_set.prefilter.scan(text));
        let mut rows: Vec<(String, &'static str, Duration, usize)> = Vec::new();
        for rule in rules.iter().filter(|r| r.condition.holds(year, issuer)) {
            let mut found = Vec::new();
            rule.run(&cx, &mut found);
            let t = time(reps, || {
                let mut out = Vec::new();
                rule.run(&cx, &mut out);
                black_box(out);
            });
            rows.push((rule.info.id.clone(), rule.info.kind, t, found.len()));
        }
        let rules_total: Duration = rows.iter().map(|r| r.2).sum();
        let mb = text.len() as f64 / 1e6;
        println!(
            "\n== {name}: {} bytes, year {:?}, {} rules run",
            text.len(),
            year,
            rows.len()
        );
        println!(
            "   parse {:>9.1} µs ({:>7.1} MB/s)   select {:>7.1} µs   prefilter {:>7.1} µs   rules {:>9.1} µs ({:>7.1} MB/s)",
            us(parse),
            mb / parse.as_secs_f64(),
            us(select),
            us(prefilter),
            us(rules_total),
            mb / rules_total.as_secs_f64()
        );
        rows.sort_by_key(|r| std::cmp::Reverse(r.2));
        for (id, kind, t, n) in rows.iter().take(12) {
            println!(
                "   {:>9.1} µs {:>5.1}%  {:<36} {:<20} {n} findings",
                us(*t),
                100.0 * t.as_secs_f64() / rules_total.as_secs_f64(),
                id,
                kind
            );
        }
        let mut kinds: Vec<(&'static str, Duration, usize)> = Vec::new();
        for (_, kind, t, _) in &rows {
            match kinds.iter_mut().find(|k| k.0 == *kind) {
                Some(k) => {
                    k.1 += *t;
                    k.2 += 1;
                }
                None => kinds.push((kind, *t, 1)),
            }
        }
        kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
        let kinds: Vec<String> = kinds
            .iter()
            .map(|(kind, t, n)| format!("{kind} ×{n} {:.1} µs", us(*t)))
            .collect();
        println!("   by kind: {}", kinds.join("; "));
        if name.starts_with("seeds/") || name.starts_with("peer/") {
            corpus_bytes += text.len();
            corpus_totals.push(("<parse>".to_owned(), "parser", parse));
            corpus_totals.extend(rows.into_iter().map(|(id, kind, t, _)| (id, kind, t)));
        }
    }
    if corpus_totals.is_empty() {
        return;
    }
    let mut by_rule: Vec<(String, &'static str, Duration)> = Vec::new();
    for (id, kind, t) in corpus_totals {
        match by_rule.iter_mut().find(|r| r.0 == id) {
            Some(r) => r.2 += t,
            None => by_rule.push((id, kind, t)),
        }
    }
    by_rule.sort_by_key(|r| std::cmp::Reverse(r.2));
    let total: Duration = by_rule.iter().map(|r| r.2).sum();
    println!(
        "\n== corpus total ({corpus_bytes} bytes): {:.1} µs parse + rules",
        us(total)
    );
    for (id, kind, t) in &by_rule {
        println!(
            "   {:>9.1} µs {:>5.1}%  {:<36} {kind}",
            us(*t),
            100.0 * t.as_secs_f64() / total.as_secs_f64(),
            id
        );
    }
}

/// The mean time of `f` over `reps` runs (after one warm-up run).
fn time(reps: usize, mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    for _ in 0..reps {
        f();
    }
    start.elapsed() / reps as u32
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    if let Some(dir) = std::env::var_os("XXGK_BENCH_DUMP") {
        // Writes the generated reports, e.g. to time the CLI on them.
        for (name, text) in generated() {
            let path = Path::new(&dir).join(format!("{name}.txt"));
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("{}: {e}", path.display());
            }
        }
        return;
    }
    if std::env::var_os("XXGK_RULE_PROFILE").is_some() {
        rule_profile();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
