//! Throughput of the parser and the rule engine (docs/PERFORMANCE.md).
//!
//! Groups:
//! - `check/seeds`: every `../shared/corpus/{seeds,peer}/*.txt` (skipped when
//!   the folder is absent), checked with all default packs.
//! - `check/generated-1mb`: a ~1 MB report made by `benches/generator` (2013 → 2007
//!   regime, 2023 → 2021 regime, and the 2023 one with CRLF line ends).
//! - `parse/generated-1mb`: `Report::parse` alone on the same texts.
//! - `check/empty-and-tiny`: the fixed per-call overhead.
//! - `lsp/edit`: the language server's work for one edit (rope, live check,
//!   snapshot) on a 54 KB ("30kb") and a 5 MB report.
//!
//! `XXGK_EDIT_LATENCY=1 cargo bench --bench check` prints the distribution
//! (median, p90, p99) of the language server's per-edit cost instead.
//!
//! `XXGK_RULE_PROFILE=1 cargo bench --bench check` prints, instead of running
//! criterion, the time each rule's `run` takes on every input (see
//! "Where the time goes" in docs/PERFORMANCE.md), and
//! `XXGK_BENCH_DUMP=DIR cargo bench --bench check` writes the generated
//! reports to DIR (to time the CLI on them).
//!
//! `XXGK_CORPUS_SECONDS=3` checks the corpus for 3 CPU seconds of one thread
//! and prints its throughput as one JSON line (`scripts/peers.sh`).
//!
//! `XXGK_CORPUS_TURNS=1` checks the corpus once for each line read on stdin
//! and prints the CPU seconds of each pass (`scripts/peers.sh`, interleaved
//! turns).
//!
//! `XXGK_CORPUS_PASS=1` checks the corpus once to warm up, then once more in
//! `measured_pass`: run under `valgrind --tool=callgrind --collect-atstart=no
//! --toggle-collect='check::measured_pass*'`, the instructions of that pass
//! are a figure the load of a shared machine does not move (wall time here
//! moves ± 25 % between runs); see "Counting instructions" in
//! docs/PERFORMANCE.md.
//!
//! In these three corpus modes `XXGK_CORPUS_ONLY=<text>` keeps the corpus
//! files whose name (`seeds/004_…`) contains it, to look at one report.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use xxgk::check::{CheckOptions, Context, check, mentioned};
use xxgk::pack::PackSet;
use xxgk::report::Report;

mod generator;
use generator::generate;

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

/// Random edits of a document as a writer makes them (seeded): mostly one
/// character typed, sometimes a line break, a deletion or a pasted sentence.
struct Typist {
    rng: generator::Lcg,
    version: i32,
}

impl Typist {
    fn new() -> Typist {
        Typist {
            rng: generator::Lcg(0x7e57),
            version: 1,
        }
    }

    fn change(
        &mut self,
        rope: &ropey::Rope,
    ) -> tower_lsp_server::ls_types::TextDocumentContentChangeEvent {
        use tower_lsp_server::ls_types as lsp;
        let line = self.rng.below(rope.len_lines()) as u32;
        let character = self.rng.below(30) as u32;
        let at = lsp::Position::new(line, character);
        let (end, text) = match self.rng.below(20) {
            0..=13 => (at, "字"),
            14..=15 => (at, "\n"),
            16..=18 => (
                lsp::Position::new(line, character + 1 + self.rng.below(5) as u32),
                "",
            ),
            _ => (at, "全年主动公开政府信息一百二十条，按时办结率百分之百。"),
        };
        self.version += 1;
        lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range::new(at, end)),
            range_length: None,
            text: text.to_owned(),
        }
    }
}

/// An open document as the server holds it: the rope, its queued edits and
/// its live check.
struct OpenDocument {
    doc: xxgk::lsp::document::Document,
    live: Option<xxgk::check::LiveCheck>,
    packs: std::sync::Arc<PackSet>,
}

impl OpenDocument {
    fn open(text: &str, packs: std::sync::Arc<PackSet>) -> OpenDocument {
        let mut open = OpenDocument {
            doc: xxgk::lsp::document::Document::new(text, 1),
            live: None,
            packs,
        };
        black_box(open.analyse(1));
        open
    }

    /// The server's work for one edit: apply it to the rope, hand it to the
    /// live check (re-parse, re-check), take the version's snapshot.
    fn edit(&mut self, typist: &mut Typist) -> usize {
        let change = typist.change(&self.doc.rope);
        self.doc.apply(&change, xxgk::text::WideEncoding::Utf16);
        self.analyse(typist.version)
    }

    fn analyse(&mut self, version: i32) -> usize {
        let analysis = xxgk::lsp::document::Analysis::update(
            &mut self.live,
            std::mem::take(&mut self.doc.pending),
            self.doc.rope.clone(),
            version,
            self.packs.clone(),
            CheckOptions::default(),
        );
        analysis.diagnostics.len()
    }
}

/// The language server's cost of one edit: apply it to the rope, re-parse
/// and re-check incrementally, snapshot the version (`Analysis::update`).
fn bench_edit(c: &mut Criterion) {
    let packs = std::sync::Arc::new(PackSet::embedded());
    let mut group = c.benchmark_group("lsp/edit");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(20);
    for (name, size) in [("30kb", 30_000), ("5mb", 5_000_000)] {
        let text = generate(2023, size, false);
        let mut open = OpenDocument::open(&text, packs.clone());
        let mut typist = Typist::new();
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| black_box(open.edit(&mut typist)));
        });
    }
    group.finish();
}

/// `XXGK_EDIT_LATENCY=1`: the distribution of single edits' cost (criterion
/// reports means of batches, not a p99): 2,000 seeded edits on each size,
/// each timed by the wall clock and by the CPU time of this thread (which a
/// busy machine's other processes do not add to), and the ratio of the 5 MB
/// medians to the small report's.
fn edit_latency() {
    let packs = std::sync::Arc::new(PackSet::embedded());
    println!(
        "size       bytes  edits   median      p90      p99      max   open | CPU median      p90      p99"
    );
    let mut medians = Vec::new();
    for (name, size) in [("30kb", 30_000), ("1mb", 1_000_000), ("5mb", 5_000_000)] {
        let text = generate(2023, size, false);
        let start = Instant::now();
        let mut open = OpenDocument::open(&text, packs.clone());
        let opened = start.elapsed();
        let mut typist = Typist::new();
        let (mut wall, mut cpu): (Vec<Duration>, Vec<Duration>) = (0..2000)
            .map(|_| {
                let (start, start_cpu) = (Instant::now(), thread_cpu_time());
                black_box(open.edit(&mut typist));
                (start.elapsed(), thread_cpu_time().saturating_sub(start_cpu))
            })
            .unzip();
        wall.sort();
        cpu.sort();
        let at = |times: &[Duration], q: f64| {
            us(times[((times.len() as f64 * q) as usize).min(times.len() - 1)])
        };
        println!(
            "{name:<6} {:>9} {:>6} {:>7.0}µs {:>7.0}µs {:>7.0}µs {:>7.0}µs {:>5.0}ms | {:>7.0}µs {:>7.0}µs {:>7.0}µs",
            text.len(),
            wall.len(),
            at(&wall, 0.5),
            at(&wall, 0.9),
            at(&wall, 0.99),
            at(&wall, 1.0),
            opened.as_secs_f64() * 1e3,
            at(&cpu, 0.5),
            at(&cpu, 0.9),
            at(&cpu, 0.99),
        );
        medians.push((at(&wall, 0.5), at(&cpu, 0.5)));
    }
    if let [(small, small_cpu), _, (big, big_cpu)] = medians[..] {
        println!(
            "5mb median ÷ 30kb median: {:.1}× (wall), {:.1}× (CPU)",
            big / small,
            big_cpu / small_cpu
        );
    }
}

/// The CPU time this thread has used.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` writes one `timespec` through a valid pointer.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
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
            let mentioned = mentioned(&packs, text, &report);
            let applied = packs.select(issuer, &mentioned, &[]).unwrap_or_default();
            black_box(packs.rule_set(&applied));
        });
        let applied = packs
            .select(issuer, &mentioned(&packs, text, &report), &[])
            .unwrap_or_default();
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

/// `XXGK_CORPUS_SECONDS=<s>`: checks the corpus again and again on this
/// thread for at least `s` CPU seconds (pack loading excluded, every pass
/// counted, the first one too) and prints one JSON line as
/// `scripts/peers.sh` does for the peers, which are timed the same way.
fn corpus_throughput(seconds: f64) {
    let packs = PackSet::embedded();
    let texts = corpus_texts("XXGK_CORPUS_SECONDS");
    let size: usize = texts.iter().map(String::len).sum();
    let (start, mut bytes) = (thread_cpu_time().as_secs_f64(), 0);
    let elapsed = loop {
        measured_pass(&packs, &texts);
        bytes += size;
        let elapsed = thread_cpu_time().as_secs_f64() - start;
        if elapsed >= seconds {
            break elapsed;
        }
    };
    let line = serde_json::json!({
        "tool": format!(
            "xxgk {} check::check, all default packs (library, 1 thread)",
            env!("CARGO_PKG_VERSION")
        ),
        "bytes": bytes,
        "seconds": elapsed,
        "errors": {},
    });
    println!("{line}");
}

/// `XXGK_CORPUS_TURNS=1`: for each line read on stdin, checks the corpus
/// once on this thread and prints the CPU seconds it took, so that
/// `scripts/peers.sh` can alternate xxgk's library with a peer in short turns
/// (a VM's speed drifts less over a second than over the quarter of a minute
/// between two tools' 3-second turns). The first pass pays the patterns'
/// compilation and the lazy DFAs' first states, as in `XXGK_CORPUS_SECONDS`.
fn corpus_turns() {
    use std::io::{BufRead, Write};
    let packs = PackSet::embedded();
    let texts = corpus_texts("XXGK_CORPUS_TURNS");
    let mut out = std::io::stdout().lock();
    for _ in std::io::stdin().lock().lines().map_while(Result::ok) {
        let start = thread_cpu_time();
        measured_pass(&packs, &texts);
        let used = (thread_cpu_time() - start).as_secs_f64();
        if writeln!(out, "{used}").and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}

/// The corpus texts for the mode `var` turns on; exit 2 when there are none
/// (`../shared` absent), as a figure of nothing would mislead.
fn corpus_texts(var: &str) -> Vec<String> {
    let only = std::env::var("XXGK_CORPUS_ONLY").unwrap_or_default();
    let texts: Vec<String> = (corpus().into_iter())
        .filter(|(name, _)| name.contains(&only))
        .map(|(_, text)| text)
        .collect();
    if texts.iter().all(String::is_empty) {
        eprintln!(
            "{var}: no corpus file at ../shared/corpus (or none named as XXGK_CORPUS_ONLY says)"
        );
        std::process::exit(2);
    }
    texts
}

/// One check of every corpus text with all default packs.
fn measured_pass(packs: &PackSet, texts: &[String]) {
    let options = CheckOptions::default();
    for text in texts {
        black_box(check(packs, text, &options).ok());
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
    if std::env::var_os("XXGK_EDIT_LATENCY").is_some() {
        edit_latency();
        return;
    }
    if std::env::var_os("XXGK_RULE_PROFILE").is_some() {
        rule_profile();
        return;
    }
    if let Some(value) = std::env::var_os("XXGK_CORPUS_SECONDS") {
        match value.to_str().and_then(|s| s.parse::<f64>().ok()) {
            Some(seconds) if seconds > 0.0 => corpus_throughput(seconds),
            _ => {
                eprintln!(
                    "XXGK_CORPUS_SECONDS: expected a positive number of seconds, got {value:?}"
                );
                std::process::exit(2);
            }
        }
        return;
    }
    if std::env::var_os("XXGK_CORPUS_TURNS").is_some() {
        corpus_turns();
        return;
    }
    if std::env::var_os("XXGK_CORPUS_PASS").is_some() {
        let packs = PackSet::embedded();
        let texts = corpus_texts("XXGK_CORPUS_PASS");
        // The warm-up: rule sets built, lazy DFAs filled.
        for text in &texts {
            black_box(check(&packs, text, &CheckOptions::default()).ok());
        }
        // Called through a pointer the optimiser cannot see through, so the
        // function stays a symbol callgrind can toggle on.
        let pass: fn(&PackSet, &[String]) = black_box(measured_pass);
        pass(&packs, &texts);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
