//! Pack loading (docs/PERFORMANCE.md, "Packs"): the embedded packs, and a
//! generated user pack of 10,000 rules — parse, validate, compile every
//! pattern — plus a check of a small report with all of them in effect.
//!
//! `cargo bench --bench packs`; `XXGK_BENCH_RULES` changes the 10,000.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use xxgk::check::{CheckOptions, check};
use xxgk::pack::{PackSet, PackSource, embedded_sources};

/// A Han character for a number, so every rule's words differ.
fn han(n: usize) -> char {
    char::from_u32(0x4E00 + (n % 20_000) as u32).unwrap_or('字')
}

/// A pack of `rules` rules in four kinds of pattern rule: literals,
/// a regular expression, a swap dictionary, a character translation.
fn big_pack(rules: usize) -> String {
    let mut text = String::from(
        "[pack]\nid = \"big\"\nname = \"一万条规则\"\nlevel = \"custom\"\nversion = \"1.0.0\"\n",
    );
    for i in 0..rules {
        let (a, b, c) = (han(i), han(i * 7 + 1), han(i * 13 + 2));
        let _ = write!(
            text,
            "\n[[rule]]\nid = \"r{i}\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"第 {i} 条：“{{match}}”\"\n"
        );
        let _ = match i % 4 {
            0 => writeln!(text, "literals = [\"{a}{b}{c}\", \"{c}{b}{a}\"]"),
            1 => writeln!(text, "pattern = '{a}[{b}{c}]{{2,3}}(?:年|月)'"),
            2 => writeln!(text, "swap = {{ \"{a}{b}\" = \"{b}{a}\" }}"),
            _ => writeln!(
                text,
                "pattern = '{a}[,;]'\ntranslate = {{ \",\" = \"，\", \";\" = \"；\" }}"
            ),
        };
    }
    text
}

fn sources(extra: Option<&str>) -> Vec<PackSource> {
    let mut sources: Vec<PackSource> = embedded_sources();
    if let Some(text) = extra {
        sources.push(PackSource {
            origin: "big.toml".to_owned(),
            text: text.to_owned(),
        });
    }
    sources
}

fn bench(c: &mut Criterion) {
    let rules: usize = std::env::var("XXGK_BENCH_RULES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let big = big_pack(rules);
    let report = include_str!("../examples/reports/2013-xiangzhen.txt");
    let mut group = c.benchmark_group("packs");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    group.bench_function("load/embedded", |b| {
        b.iter(|| PackSet::new(black_box(&sources(None))).is_ok())
    });
    group.bench_function(format!("load/embedded+{rules}-rules"), |b| {
        b.iter(|| PackSet::new(black_box(&sources(Some(&big)))).is_ok())
    });
    let Ok(packs) = PackSet::new(&sources(Some(&big))) else {
        panic!("the generated pack loads");
    };
    let options = CheckOptions {
        packs: vec!["big".to_owned()],
        ..CheckOptions::default()
    };
    // The first check builds the rule set (and its prefilter) once, as the
    // server and the CLI do; the bench measures the checks after it.
    let outcome = check(&packs, report, &options).map(|o| o.rules.len());
    println!(
        "packs: {} bytes of pack text, {outcome:?} rules in effect on the 2013 example",
        big.len()
    );
    group.bench_function(format!("check/2013-example-with-{rules}-rules"), |b| {
        b.iter(|| check(&packs, black_box(report), &options).map(|o| o.diagnostics.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
