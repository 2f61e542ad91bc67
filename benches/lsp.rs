//! The language server over stdio, timed as an editor sees it
//! (docs/PERFORMANCE.md, "Language server"). Not criterion: each figure needs
//! a server process and its messages, so this harness spawns `xxgk lsp` and
//! prints what it measured.
//!
//! - latency: edit sent → diagnostics of that version received (JSON
//!   encoding and decoding included), 300 seeded edits on a 1 MB and a 30 KB
//!   report; median, p90, p99.
//! - isolation: a 50 MB report opened, then a 30 KB one at once: how long the
//!   small one's diagnostics take, and whether they arrive before the big
//!   one's.
//! - memory: the server's resident memory (VmRSS) after opening 100 reports
//!   of 30 KB and receiving their diagnostics.
//!
//! `cargo bench --bench lsp [latency|isolation|memory]` (all by default).

use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

#[path = "../tests/support/lsp_stdio.rs"]
mod lsp_stdio;

use serde_json::{Value, json};

mod generator;
use generator::{Lcg, generate};

const TIMEOUT: Duration = Duration::from_secs(300);

struct Server {
    child: Child,
    stdin: ChildStdin,
    /// Each message with the time it was read.
    incoming: Receiver<(Instant, Value)>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let (child, stdin, stdout) = lsp_stdio::spawn_server();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = lsp_stdio::read_message(&mut reader) {
                if let Ok(v) = serde_json::from_slice::<Value>(&body)
                    && tx.send((Instant::now(), v)).is_err()
                {
                    return;
                }
            }
        });
        let mut server = Server {
            child,
            stdin,
            incoming,
            next_id: 1,
        };
        let id = server.next_id;
        server.send(json!({"jsonrpc": "2.0", "id": id, "method": "initialize",
            "params": {"capabilities": {}}}));
        server.wait(|m| m["id"] == id);
        server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        server
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).expect("JSON");
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.stdin.write_all(header.as_bytes()).expect("write");
        self.stdin.write_all(&body).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// Waits for a message; answers the server's requests with null.
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> (Instant, Value) {
        loop {
            let (at, message) = self
                .incoming
                .recv_timeout(TIMEOUT)
                .expect("a message from the server in time");
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
            if wanted(&message) {
                return (at, message);
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}}),
        );
    }

    /// Waits for the diagnostics of `uri` at `version`; returns when they
    /// arrived and how many there are.
    fn published(&mut self, uri: &str, version: i64) -> (Instant, usize) {
        let (at, m) = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        let count = m["params"]["diagnostics"].as_array().map_or(0, Vec::len);
        (at, count)
    }

    fn resident_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn quantile(sorted: &[Duration], q: f64) -> f64 {
    ms(sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)])
}

fn latency() {
    println!("latency: edit sent → diagnostics of its version received");
    println!("size       bytes  edits   median      p90      p99      max  findings");
    for (name, size) in [("30kb", 30_000), ("1mb", 1_000_000)] {
        let text = generate(2023, size, false);
        let lines = text.lines().count();
        let mut server = Server::start();
        let uri = "file:///tmp/xxgk-bench/report.txt";
        server.open(uri, &text);
        server.published(uri, 1);
        let mut rng = Lcg(0x7e57);
        let mut times = Vec::new();
        let mut findings = 0;
        for version in 2..302 {
            let line = rng.below(lines);
            let character = rng.below(30);
            let (end, insert) = match rng.below(20) {
                0..=13 => (character, "字"),
                14..=15 => (character, "\n"),
                16..=18 => (character + 1 + rng.below(5), ""),
                _ => (
                    character,
                    "全年主动公开政府信息一百二十条，按时办结率百分之百。",
                ),
            };
            let sent = Instant::now();
            server.send(
                json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {
                    "start": {"line": line, "character": character},
                    "end": {"line": line, "character": end}}, "text": insert}]}}),
            );
            let (at, count) = server.published(uri, version);
            times.push(at - sent);
            findings = count;
        }
        times.sort();
        println!(
            "{name:<6} {:>9} {:>6} {:>6.2}ms {:>6.2}ms {:>6.2}ms {:>6.2}ms  {findings}",
            text.len(),
            times.len(),
            quantile(&times, 0.5),
            quantile(&times, 0.9),
            quantile(&times, 0.99),
            quantile(&times, 1.0),
        );
    }
}

fn isolation() {
    let big = generate(2023, 50_000_000, false);
    let small = generate(2019, 30_000, false);
    let mut server = Server::start();
    let started = Instant::now();
    server.open("file:///tmp/xxgk-bench/big.txt", &big);
    let big_sent = started.elapsed();
    // The server reads its input in order: a request answered after the big
    // report's message says the server has read it (its text is decoded
    // aside, on the blocking pool, while the small report is served).
    let id = server.next_id + 100;
    server.send(
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol",
        "params": {"textDocument": {"uri": "file:///tmp/xxgk-bench/none.txt"}}}),
    );
    let (read, _) = server.wait(|m| m["id"] == id);
    let sent = Instant::now();
    server.open("file:///tmp/xxgk-bench/small.txt", &small);
    let (small_at, _) = server.published("file:///tmp/xxgk-bench/small.txt", 1);
    let (big_at, big_findings) = server.published("file:///tmp/xxgk-bench/big.txt", 1);
    println!(
        "isolation: 50 MB report ({} bytes; written in {:.0} ms, read by the server {:.0} ms after it was sent), then a 30 KB one",
        big.len(),
        ms(big_sent),
        ms(read - started)
    );
    println!(
        "  small report's diagnostics {:.1} ms after it was sent; the big one's {:.0} ms after that ({} findings); small first: {}",
        ms(small_at - sent),
        ms(big_at.saturating_duration_since(small_at)),
        big_findings,
        small_at < big_at
    );
}

fn memory() {
    let mut server = Server::start();
    let before = server.resident_kb();
    let texts: Vec<String> = (0..100)
        .map(|i| generate(2019 + (i % 5) as u16, 30_000, i % 2 == 1))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    for (i, text) in texts.iter().enumerate() {
        server.open(&format!("file:///tmp/xxgk-bench/{i}.txt"), text);
    }
    let mut diagnosed = std::collections::HashSet::new();
    while diagnosed.len() < texts.len() {
        let (_, m) = server.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 1
        });
        diagnosed.insert(m["params"]["uri"].to_string());
    }
    let after = server.resident_kb();
    println!(
        "memory: VmRSS {} kB after initialize, {} kB with 100 reports open ({} bytes of text) and diagnosed",
        before.unwrap_or(0),
        after.unwrap_or(0),
        bytes
    );
}

fn main() {
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |name: &str| which.is_empty() || which.iter().any(|w| w == name);
    if wants("latency") {
        latency();
    }
    if wants("isolation") {
        isolation();
    }
    if wants("memory") {
        memory();
    }
}
