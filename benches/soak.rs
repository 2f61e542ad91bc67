//! Soak: one `xxgk lsp` process, 50 open documents and 100,000 incremental
//! edits sent over stdio as fast as the server takes them, with the server's
//! resident memory sampled as it goes (docs/PERFORMANCE.md, "Soak").
//!
//! Each edit is half of a pair: insert a piece of text (CJK, an astral
//! character, a CRLF line break plus a sentence, or ASCII) at the start of a
//! line, then delete it again. So every document returns to its opening text
//! after each pair, and memory must come back to what the open documents
//! need; the findings at the end must equal those at the start.
//!
//! Edits come in bursts of 500 (`XXGK_SOAK_BURST`) sent without waiting;
//! after each burst the client waits until every document's latest version
//! is checked and published, so the server checks thousands of versions, not
//! just the last one (a burst faster than its 40 ms debounce is one check).
//!
//! `cargo bench --bench soak` (release build). `XXGK_SOAK_EDITS` and
//! `XXGK_SOAK_DOCS` change the defaults of 100,000 and 50.

use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::process::ChildStdin;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/support/lsp_stdio.rs"]
mod lsp_stdio;

use serde_json::{Value, json};

/// What the reader thread has seen: the latest published version and
/// finding count of each document.
#[derive(Default)]
struct Published {
    latest: HashMap<String, (i64, usize)>,
    messages: usize,
    /// Ids of the responses received.
    responses: Vec<i64>,
}

fn send(stdin: &Mutex<ChildStdin>, message: &Value) {
    let body = serde_json::to_vec(message).expect("JSON");
    let mut stdin = stdin.lock().unwrap_or_else(|e| e.into_inner());
    write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("server stdin");
    stdin.write_all(&body).expect("server stdin");
}

fn notify(stdin: &Mutex<ChildStdin>, method: &str, params: Value) {
    send(
        stdin,
        &json!({"jsonrpc": "2.0", "method": method, "params": params}),
    );
}

/// Resident and peak resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Blocks until every document has been published at its expected version.
fn wait_for(
    published: &(Mutex<Published>, Condvar),
    expected: &HashMap<String, i64>,
) -> HashMap<String, usize> {
    let (lock, ready) = published;
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let done = expected
            .iter()
            .all(|(uri, v)| state.latest.get(uri).is_some_and(|(got, _)| got == v));
        if done {
            return expected
                .keys()
                .map(|uri| (uri.clone(), state.latest[uri].1))
                .collect();
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "the server did not publish every document's last version in time"
        );
        state = ready
            .wait_timeout(state, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

/// Types one character into `uri` and waits until that version's findings
/// are published; returns how long that took.
fn keystroke(
    stdin: &Mutex<ChildStdin>,
    published: &(Mutex<Published>, Condvar),
    versions: &mut HashMap<String, i64>,
    uri: &str,
    insert: bool,
) -> Duration {
    let started = Instant::now();
    let version = versions.get_mut(uri).expect("open");
    *version += 1;
    let (end, text) = if insert { (0, "字") } else { (1, "") };
    notify(
        stdin,
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": *version},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": end}}, "text": text}]}),
    );
    let expected: HashMap<String, i64> = [(uri.to_owned(), *version)].into();
    wait_for(published, &expected);
    started.elapsed()
}

/// A big document opened while another is being edited: how much later do
/// the small document's findings arrive? (`XXGK_SOAK_BIG_MB`, default 50;
/// 0 skips.) The big text is one example report repeated, so every
/// paragraph in it is a duplicate: a worst case for the number of findings.
fn big_document(
    stdin: &Mutex<ChildStdin>,
    published: &(Mutex<Published>, Condvar),
    versions: &mut HashMap<String, i64>,
    small: &str,
    sample: &str,
) {
    let megabytes: usize = std::env::var("XXGK_SOAK_BIG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    if megabytes == 0 {
        return;
    }
    let mut quiet = Vec::new();
    for _ in 0..5 {
        quiet.push(keystroke(stdin, published, versions, small, true));
        keystroke(stdin, published, versions, small, false);
    }
    quiet.sort();
    let big = sample.repeat(megabytes * 1_000_000 / sample.len() + 1);
    let uri = "file:///soak/big.txt".to_owned();
    let opening = Instant::now();
    notify(
        stdin,
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": big}}),
    );
    let sent = opening.elapsed();
    let delayed = keystroke(stdin, published, versions, small, true);
    versions.insert(uri.clone(), 1);
    let findings = wait_for(published, &[(uri.clone(), 1)].into())[&uri];
    let big_done = opening.elapsed();
    keystroke(stdin, published, versions, small, false);
    println!(
        "soak: a keystroke's findings in a small document: {:.0?} median when quiet; {delayed:.0?} right after \
         a {:.1} MB document was opened (sending it took {sent:.0?}); the big document's own {findings} findings after {big_done:.2?}",
        quiet[quiet.len() / 2],
        big.len() as f64 / 1e6
    );
    notify(
        stdin,
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    versions.remove(&uri);
}

fn main() {
    // Cargo passes `--bench`; a name filter that does not match skips the run.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"soak".contains(a.as_str()))
    {
        return;
    }
    let edits: usize = std::env::var("XXGK_SOAK_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let docs: usize = std::env::var("XXGK_SOAK_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<String> = ["2013-xiangzhen.txt", "2020-moban.txt", "2023-bumen.md"]
        .iter()
        .map(|f| {
            std::fs::read_to_string(root.join("examples/reports").join(f)).expect("example report")
        })
        .collect();
    // A fourth kind: the 2013 report with CRLF line ends.
    texts.push(texts[0].replace('\n', "\r\n"));

    let (mut child, stdin, stdout) = lsp_stdio::spawn_server();
    let pid = child.id();
    let stdin = Arc::new(Mutex::new(stdin));
    let published = Arc::new((Mutex::new(Published::default()), Condvar::new()));
    let reader = {
        let (published, stdin) = (published.clone(), stdin.clone());
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = lsp_stdio::read_message(&mut reader) {
                let Ok(m): Result<Value, _> = serde_json::from_slice(&body) else {
                    continue;
                };
                // Requests from the server get the answer an editor without
                // the feature gives.
                if m.get("method").is_some() && m.get("id").is_some() {
                    send(
                        &stdin,
                        &json!({"jsonrpc": "2.0", "id": m["id"], "result": null}),
                    );
                }
                let (lock, ready) = &*published;
                let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
                state.messages += 1;
                if m.get("method").is_none()
                    && let Some(id) = m["id"].as_i64()
                {
                    state.responses.push(id);
                    ready.notify_all();
                }
                if m["method"] == "textDocument/publishDiagnostics"
                    && let (Some(uri), Some(version)) =
                        (m["params"]["uri"].as_str(), m["params"]["version"].as_i64())
                {
                    let count = m["params"]["diagnostics"].as_array().map_or(0, Vec::len);
                    state.latest.insert(uri.to_owned(), (version, count));
                    ready.notify_all();
                }
            }
        })
    };

    send(
        &stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"capabilities": {"general": {"positionEncodings": ["utf-16"]}}}}),
    );
    // Notifications sent before the server has answered `initialize` may be
    // dropped, as the protocol allows.
    {
        let (lock, ready) = &*published;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        let deadline = Instant::now() + Duration::from_secs(30);
        while !state.responses.contains(&1) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no answer to initialize");
            state = ready
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
    notify(&stdin, "initialized", json!({}));
    let (rss_idle, _) = rss_kib(pid);
    let uris: Vec<String> = (0..docs)
        .map(|i| format!("file:///soak/report-{i:03}.txt"))
        .collect();
    let mut versions: HashMap<String, i64> = HashMap::new();
    let started = Instant::now();
    for (i, uri) in uris.iter().enumerate() {
        let text = &texts[i % texts.len()];
        notify(
            &stdin,
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}),
        );
        versions.insert(uri.clone(), 1);
    }
    let opening = wait_for(&published, &versions);
    let opened_in = started.elapsed();
    let (rss_open, _) = rss_kib(pid);
    let open_bytes: usize = (0..docs).map(|i| texts[i % texts.len()].len()).sum();
    println!(
        "soak: {docs} documents open ({:.1} KB of text) in {opened_in:.2?}; RSS idle {rss_idle} KiB, after opening {rss_open} KiB",
        open_bytes as f64 / 1e3
    );

    // (text inserted, end of its range relative to the line start: lines, UTF-16 column)
    let pieces: [(&str, u32, u32); 4] = [
        ("公开", 0, 2),
        ("𠮷", 0, 2),
        ("\r\n新增一行。", 1, 5),
        ("ab", 0, 2),
    ];
    // Per document: the line and piece of the pending insertion.
    let mut pending: Vec<Option<(u32, usize)>> = vec![None; docs];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut samples = vec![(0usize, rss_open)];
    let sample_every = (edits / 10).max(1);
    let pause_every: usize = std::env::var("XXGK_SOAK_BURST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let started = Instant::now();
    for n in 0..edits {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (seed >> 33) as usize;
        // Pairs stay on one document; the next pair goes anywhere.
        let doc = match pending.iter().position(Option::is_some) {
            Some(open) if r % 4 != 0 => open,
            _ => r % docs,
        };
        let uri = &uris[doc];
        let version = versions.get_mut(uri).expect("open");
        *version += 1;
        let change = match pending[doc].take() {
            None => {
                let line = (r / docs % 20) as u32;
                let piece = r / 7 % pieces.len();
                pending[doc] = Some((line, piece));
                json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": pieces[piece].0})
            }
            Some((line, piece)) => {
                let (_, lines, col) = pieces[piece];
                json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line + lines, "character": col}}, "text": ""})
            }
        };
        notify(
            &stdin,
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": *version}, "contentChanges": [change]}),
        );
        // A pause, as a writer pauses: every document's latest version is
        // checked and published before the next burst.
        if (n + 1) % pause_every == 0 {
            wait_for(&published, &versions);
        }
        if (n + 1) % sample_every == 0 {
            samples.push((n + 1, rss_kib(pid).0));
        }
    }
    // Close the pairs still open, so every text is back to its opening state.
    for (doc, p) in pending.iter_mut().enumerate() {
        if let Some((line, piece)) = p.take() {
            let uri = &uris[doc];
            let version = versions.get_mut(uri).expect("open");
            *version += 1;
            let (_, lines, col) = pieces[piece];
            notify(
                &stdin,
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": *version},
                "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line + lines, "character": col}}, "text": ""}]}),
            );
        }
    }
    let sent_in = started.elapsed();
    let closing = wait_for(&published, &versions);
    let done_in = started.elapsed();
    let (rss_end, rss_peak) = rss_kib(pid);
    samples.push((edits, rss_end));
    let total_edits: i64 = versions.values().map(|v| v - 1).sum();
    println!(
        "soak: {total_edits} edits sent in {sent_in:.2?}, last versions checked and published after {done_in:.2?}: {:.0} edits/s",
        total_edits as f64 / done_in.as_secs_f64()
    );
    println!(
        "soak: RSS (KiB) by edits sent: {}",
        samples
            .iter()
            .map(|(n, kib)| format!("{n}: {kib}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "soak: RSS at end {rss_end} KiB ({:+} KiB since the documents were opened), peak {rss_peak} KiB; {} messages from the server",
        rss_end as i64 - rss_open as i64,
        published.0.lock().map(|s| s.messages).unwrap_or(0)
    );
    let same = uris.iter().filter(|u| opening[*u] == closing[*u]).count();
    println!("soak: {same} of {docs} documents have the findings they opened with");
    assert_eq!(
        same, docs,
        "texts back at their opening state must have their opening findings"
    );

    big_document(&stdin, &published, &mut versions, &uris[0], &texts[2]);

    send(
        &stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    notify(&stdin, "exit", Value::Null);
    drop(stdin);
    let status = child.wait().expect("the server exits");
    assert!(status.success(), "{status}");
    let _ = reader.join();
}
