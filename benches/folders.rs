//! `xxgk check` over a folder of thousands of reports, cold and with a warm
//! result cache (docs/PERFORMANCE.md, "Folders of thousands of reports").
//!
//! Generates `XXGK_BENCH_FILES` (default 10,000) small, deterministic,
//! realistic reports (5–15 KB of Chinese text in the 2021 format, some with
//! typical mistakes) in a temporary folder, then times the binary built by
//! `cargo bench` (release settings):
//!
//! - `--no-cache`: every file checked, nothing written;
//! - cold: an empty cache, every file checked and its entry written;
//! - warm: the same folder again, every file from the cache;
//! - warm, 1 % edited: a hundredth of the files changed, only they checked.
//!
//! Each is run `XXGK_BENCH_RUNS` times (default 3) and the median printed.
//! The JSON output of the warm runs is compared with the uncached one.
//!
//! `cargo bench --bench folders`; `XXGK_BENCH_DUMP=DIR cargo bench --bench
//! folders` only writes the reports to DIR (to profile the CLI on them).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let files: usize = env_number("XXGK_BENCH_FILES", 10_000);
    let runs: usize = env_number("XXGK_BENCH_RUNS", 3).max(1);
    if let Some(dir) = std::env::var_os("XXGK_BENCH_DUMP").map(PathBuf::from) {
        let bytes = generate(&dir, files);
        println!(
            "wrote {files} reports ({bytes} bytes) under {}",
            dir.display()
        );
        return;
    }
    let temp = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("无法创建临时文件夹：{e}");
            std::process::exit(2);
        }
    };
    let reports = temp.path().join("reports");
    let cache = temp.path().join("cache");
    let started = Instant::now();
    let bytes = generate(&reports, files);
    println!(
        "generated {files} reports, {:.1} MB ({:.1} KB each on average) in {:.1} s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / files as f64,
        started.elapsed().as_secs_f64()
    );

    let mut rows: Vec<(&str, Duration)> = Vec::new();
    let (uncached, reference) =
        median(runs, || run(temp.path(), &cache, &["--no-cache"], &reports));
    rows.push(("--no-cache (every file checked)", uncached));
    let (cold, cold_out) = median(runs, || {
        let _ = std::fs::remove_dir_all(&cache);
        run(temp.path(), &cache, &[], &reports)
    });
    rows.push(("cold (empty cache, entries written)", cold));
    let (warm, warm_out) = median(runs, || run(temp.path(), &cache, &[], &reports));
    rows.push(("warm (every file from the cache)", warm));
    let edited = files.div_ceil(100);
    let mut round = 0;
    let (partly, _) = median(runs, || {
        round += 1;
        edit(&reports, files, edited, round);
        run(temp.path(), &cache, &[], &reports)
    });
    rows.push(("warm, 1 % of the files edited", partly));

    let identical = reference == cold_out && reference == warm_out;
    println!();
    println!("| run | median of {runs} | files/s | MB/s | vs --no-cache |");
    println!("|---|---:|---:|---:|---:|");
    for (name, time) in &rows {
        let s = time.as_secs_f64();
        println!(
            "| {name} | {s:.2} s | {:.0} | {:.1} | {:.1}× |",
            files as f64 / s,
            bytes as f64 / 1e6 / s,
            uncached.as_secs_f64() / s
        );
    }
    println!();
    println!(
        "warm JSON output identical to --no-cache: {}",
        if identical { "yes" } else { "NO" }
    );
    println!(
        "re-run speed-up (cold / warm): {:.1}× (target ≥ 10×)",
        cold.as_secs_f64() / warm.as_secs_f64()
    );
    if !identical {
        std::process::exit(1);
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The median duration of `runs` runs of `f`, and the last run's output.
fn median(runs: usize, mut f: impl FnMut() -> (Duration, Vec<u8>)) -> (Duration, Vec<u8>) {
    let mut times = Vec::new();
    let mut out = Vec::new();
    for _ in 0..runs {
        let (time, o) = f();
        times.push(time);
        out = o;
    }
    times.sort();
    (times[times.len() / 2], out)
}

/// Runs `xxgk check --format json DIR`, returning the time and stdout.
fn run(cwd: &Path, cache: &Path, extra: &[&str], dir: &Path) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["check", "--format", "json", "--isolated"])
        .args(extra)
        .arg(dir)
        .current_dir(cwd)
        .env("XXGK_CACHE_DIR", cache)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output();
    let time = started.elapsed();
    match out {
        Ok(out) if out.status.code().is_some_and(|c| c <= 1) => (time, out.stdout),
        Ok(out) => {
            eprintln!("xxgk 异常退出：{:?}", out.status);
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("无法运行 xxgk：{e}");
            std::process::exit(2);
        }
    }
}

// ---------------------------------------------------------------------------
// Generated reports
// ---------------------------------------------------------------------------

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const PLACES: &[&str] = &[
    "示范市",
    "临江市",
    "青山县",
    "东湖区",
    "南岭县",
    "西河市",
    "北川区",
    "云台县",
    "安平市",
    "长宁区",
];
const BODIES: &[&str] = &[
    "人民政府办公室",
    "发展和改革委员会",
    "教育局",
    "财政局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "卫生健康委员会",
    "市场监督管理局",
    "城关街道办事处",
    "新华镇人民政府",
];
const ACTIONS: &[&str] = &[
    "坚持以公开为常态、不公开为例外",
    "认真贯彻落实《中华人民共和国政府信息公开条例》",
    "围绕中心工作和群众关切",
    "按照上级政务公开工作要点部署",
    "进一步健全政务公开工作机制",
    "紧扣优化营商环境和民生保障",
];
const DEEDS: &[&str] = &[
    "及时公开了部门预决算、“三公”经费和重大项目建设信息",
    "完善了政府信息公开指南和目录，规范了公开流程",
    "加强了政策解读，通过图文、视频等形式解读重要政策文件",
    "做好依申请公开工作，严格按照法定时限和程序答复",
    "开展政府信息公开保密审查，未发生泄密事件",
    "推进基层政务公开标准化规范化建设",
    "优化政府门户网站信息公开专栏，便于公众查阅",
    "组织开展政务公开业务培训，提升工作人员业务水平",
];
const RESULTS: &[&str] = &[
    "切实保障了人民群众的知情权、参与权、表达权和监督权",
    "政务公开工作质量和实效进一步提升",
    "公众满意度明显提高",
    "为推进法治政府建设提供了有力支撑",
];
const PROBLEMS: &[&str] = &[
    "政策解读的形式还不够丰富，解读质量有待提高",
    "部分栏目信息更新不够及时",
    "工作人员业务能力与新形势要求还有差距",
    "依申请公开答复的规范化水平仍需提升",
];
/// Typical mistakes, so that findings are made and cached.
const MISTAKES: &[&str] = &[
    "本机关依据《中华人民共和国政府信息公开工作条例》开展工作。",
    "具统计，本年度共收到政府信息公开申请XX件。",
    "本年度共主动公开政府信息信息1200余条。",
    "全年未收取任何费用 ，无减免情况。",
];

const COUNTS: &[&str] = &[
    "全年共发布各类信息{}条",
    "累计解读政策文件{}件",
    "组织培训{}人次",
    "办理公开申请{}件",
    "更新专栏栏目{}个",
    "回应公众关切{}次",
];

/// A sentence; the figure in it keeps sentences of one report apart (real
/// reports repeat few sentences, and `duplicated-paragraph` would flag them).
fn sentence(rng: &mut Rng) -> String {
    let count = rng
        .pick(COUNTS)
        .replace("{}", &(10 + rng.below(5000)).to_string());
    format!(
        "{}，{}，{count}，{}。",
        rng.pick(ACTIONS),
        rng.pick(DEEDS),
        rng.pick(RESULTS)
    )
}

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    let mut p: String = (0..sentences).map(|_| sentence(rng)).collect();
    if rng.chance(8) {
        p.push_str(rng.pick(MISTAKES));
    }
    p
}

/// One report, about 5–15 KB.
fn report(index: usize) -> String {
    let mut rng = Rng(index as u64 ^ 0x5EED);
    let place = rng.pick(PLACES);
    let body = rng.pick(BODIES);
    let year = 2021 + rng.below(4);
    let issuer = format!("{place}{body}");
    let mut t = String::new();
    t.push_str(&format!("{issuer}{year}年政府信息公开工作年度报告\n\n"));
    t.push_str(&format!(
        "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》要求编制。\
         本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。本报告电子版可在“{place}人民政府”门户网站查阅或下载。\
         如对本报告有疑问，请与{issuer}联系（电话：0000-{:08}）。\n\n",
        rng.below(100_000_000)
    ));
    t.push_str("一、总体情况\n\n");
    let paragraphs = 1 + rng.below(4);
    for (i, title) in [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）平台建设",
        "（五）监督保障",
    ]
    .iter()
    .enumerate()
    {
        t.push_str(&format!("{title}\n"));
        for _ in 0..paragraphs + i % 2 {
            let n = 2 + rng.below(3);
            let p = paragraph(&mut rng, n);
            t.push_str(&p);
            t.push('\n');
        }
        t.push('\n');
    }
    t.push_str("二、主动公开政府信息情况\n\n");
    t.push_str("| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n");
    t.push_str("| 规章 | 0 | 0 | 0 |\n");
    t.push_str(&format!(
        "| 行政规范性文件 | {} | {} | {} |\n\n",
        rng.below(20),
        rng.below(5),
        rng.below(80)
    ));
    t.push_str("三、收到和处理政府信息公开申请情况\n\n");
    let received = rng.below(200);
    t.push_str(&format!(
        "| 本年新收政府信息公开申请数量 | {received} |\n| 上年结转政府信息公开申请数量 | {} |\n| 予以公开 | {} |\n\n",
        rng.below(10),
        received / 2
    ));
    t.push_str("四、政府信息公开行政复议、行政诉讼情况\n\n");
    t.push_str(&format!(
        "| 行政复议结果维持 | {} |\n| 行政诉讼结果维持 | {} |\n\n",
        rng.below(3),
        rng.below(3)
    ));
    t.push_str("五、存在的主要问题及改进情况\n\n");
    t.push_str(&format!(
        "{year}年，本机关政府信息公开工作取得了一定成效，但也存在一些不足：一是{}；二是{}。下一步，我们将{}，{}。\n",
        rng.pick(PROBLEMS),
        rng.pick(PROBLEMS),
        rng.pick(ACTIONS),
        rng.pick(DEEDS)
    ));
    let n = 1 + rng.below(3);
    t.push_str(&paragraph(&mut rng, n));
    t.push_str("\n\n六、其他需要报告的事项\n\n");
    t.push_str(&format!(
        "本年度未收取信息处理费。{}\n\n{issuer}\n{}年1月{}日\n",
        paragraph(&mut rng, 1),
        year + 1,
        10 + rng.below(20)
    ));
    t
}

/// Writes `files` reports under `dir`, 100 to a sub-folder; returns the bytes.
fn generate(dir: &Path, files: usize) -> usize {
    let mut bytes = 0;
    for i in 0..files {
        let sub = dir.join(format!("{:03}", i / 100));
        let text = report(i);
        bytes += text.len();
        if std::fs::create_dir_all(&sub)
            .and_then(|()| std::fs::write(report_path(dir, i), &text))
            .is_err()
        {
            eprintln!("无法写入 {}", sub.display());
            std::process::exit(2);
        }
    }
    bytes
}

fn report_path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("{:03}", i / 100))
        .join(format!("report-{i:05}.txt"))
}

/// Appends a sentence to `count` reports spread over the folder.
fn edit(dir: &Path, files: usize, count: usize, round: usize) {
    let step = (files / count.max(1)).max(1);
    for k in 0..count {
        let path = report_path(dir, (k * step + round) % files.max(1));
        if let Ok(mut text) = std::fs::read_to_string(&path) {
            text.push_str(&format!("（第 {round} 次修订。）\n"));
            let _ = std::fs::write(&path, text);
        }
    }
}
