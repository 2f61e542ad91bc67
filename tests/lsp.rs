//! `xxgk lsp` driven over stdio as an editor drives it.

use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

#[path = "support/lsp_stdio.rs"]
mod lsp_stdio;

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications and requests from the server not yet consumed.
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    /// Starts the server and initializes it with these client capabilities.
    fn start(capabilities: Value) -> (Client, Value) {
        let (child, stdin, stdout) = lsp_stdio::spawn_server();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = lsp_stdio::read_message(&mut reader) {
                if let Ok(v) = serde_json::from_slice(&body)
                    && tx.send(v).is_err()
                {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            pending: Vec::new(),
            next_id: 1,
        };
        let init = client.request("initialize", json!({ "capabilities": capabilities }));
        client.notify("initialized", json!({}));
        (client, init)
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next(deadline);
            if message["id"] == id && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
            self.pending.push(message);
        }
    }

    /// The next message; requests from the server are answered (null) as
    /// an editor would, and kept for the test to look at.
    fn next(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = match self.incoming.recv_timeout(left) {
            Ok(v) => v,
            Err(_) => panic!(
                "no message from the server in time; pending: {:?}",
                self.pending
            ),
        };
        if message.get("method").is_some() && message.get("id").is_some() {
            let id = message["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
        message
    }

    /// The diagnostics published for `uri` at `version` (`None`: published
    /// without a version, as on close).
    fn published(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let version = version.map_or(Value::Null, Value::from);
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        };
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(i) = self.pending.iter().position(matches) {
                let m = self.pending.remove(i);
                return m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            let m = self.next(deadline);
            self.pending.push(m);
        }
    }

    /// The findings the server answers a pull (`textDocument/diagnostic`) with.
    fn pull(&mut self, uri: &str) -> Vec<Value> {
        let report = self.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        );
        report["items"].as_array().cloned().unwrap_or_default()
    }

    /// Waits until the server has sent a message of `method` (kept pending).
    fn wait_for(&mut self, method: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while !self.pending.iter().any(|m| m["method"] == method) {
            let m = self.next(deadline);
            self.pending.push(m);
        }
    }

    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        self.published(uri, Some(version))
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}),
        );
    }

    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "{status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("the server did not exit");
    }
}

/// A client that pulls diagnostics and can be asked to pull again.
fn refreshing_puller() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]},
           "textDocument": {"diagnostic": {}},
           "workspace": {"diagnostics": {"refreshSupport": true}}})
}

fn utf16() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}})
}

/// Findings without their related places, whose URIs differ between two
/// documents with the same text.
fn without_links(diagnostics: &[Value]) -> Vec<Value> {
    diagnostics
        .iter()
        .map(|d| {
            let mut d = d.clone();
            d.as_object_mut().map(|o| o.remove("relatedInformation"));
            d
        })
        .collect()
}

fn with_rule<'a>(diagnostics: &'a [Value], code: &str) -> Vec<&'a Value> {
    diagnostics.iter().filter(|d| d["code"] == code).collect()
}

const REPORT: &str = "示范乡人民政府2013年政府信息公开工作年度报告\n\n依据《中华人民共和国政府信息公开条例》编制本报告。\n\n一、概述\n全乡工作正常开展。\n\n二、主动公开政府信息的情况\n全年主动公开信息86条。𠀀××\n\n三、依申请公开政府信息的情况\n本年度未收到申请。\n\n四、存在的主要问题及改进措施\n宣传力度不够，将加强培训。\n";

#[test]
fn initialize_reply_and_clean_exit() {
    let (client, init) = Client::start(utf16());
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(
        caps["textDocumentSync"],
        json!({"openClose": true, "change": 2})
    );
    assert_eq!(
        caps["codeActionProvider"],
        json!({"codeActionKinds": ["quickfix", "source.fixAll.xxgk"]})
    );
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert!(
        caps.get("diagnosticProvider").is_none(),
        "push only for this client"
    );
    assert_eq!(init["serverInfo"]["name"], "xxgk");
    client.shutdown();
}

#[test]
fn astral_character_ranges_in_utf16_and_utf8() {
    for (offered, encoding, start) in [
        ("utf-16", "utf-16", 2),
        ("utf-8", "utf-8", 4),
        ("utf-32", "utf-32", 1),
    ] {
        let (mut client, init) =
            Client::start(json!({"general": {"positionEncodings": [offered, "utf-16"]}}));
        assert_eq!(init["capabilities"]["positionEncoding"], encoding);
        client.open(
            "file:///tmp/astral.txt",
            "某局2013年政府信息公开工作年度报告\n𠀀××\n",
        );
        let d = client.diagnostics("file:///tmp/astral.txt", 1);
        let cross = with_rule(&d, "cn/placeholder-cross");
        assert_eq!(cross.len(), 1, "{d:?}");
        assert_eq!(
            cross[0]["range"]["start"],
            json!({"line": 1, "character": start}),
            "{encoding}"
        );
        client.shutdown();
    }
}

#[test]
fn quick_fix_inserts_the_missing_section_and_its_findings_go_away() {
    let (mut client, _) = Client::start(utf16());
    let uri = "file:///tmp/report-2013.txt";
    client.open(uri, REPORT);
    let before = client.diagnostics(uri, 1);
    let fees: Vec<&Value> = before
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("收费及减免"))
        })
        .collect();
    assert_eq!(fees.len(), 1, "{before:?}");
    assert_eq!(fees[0]["code"], "cn/sections-2007");
    assert_eq!(fees[0]["source"], "xxgk");

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": fees[0]["range"], "context": {"diagnostics": [fees[0]]}}),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "插入“四、政府信息公开的收费及减免情况”")
        .unwrap_or_else(|| panic!("no insertion among {actions}"))
        .clone();
    assert_eq!(action["kind"], "quickfix");
    let edits = action["edit"]["changes"][uri].as_array().unwrap().clone();

    // Apply the edits as the editor would, as incremental changes (last first).
    let mut changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    changes.reverse();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": changes}),
    );
    let after = client.diagnostics(uri, 2);
    let messages = |d: &[Value]| -> Vec<String> {
        d.iter()
            .map(|x| format!("{} {}", x["code"], x["message"]))
            .collect()
    };
    assert!(
        !messages(&after).iter().any(|m| m.contains("收费及减免")),
        "{after:?}"
    );
    // Nothing new because of the insertion.
    for m in messages(&after) {
        assert!(messages(&before).contains(&m), "new finding {m}");
    }
    // The document now holds the section at its place, numbered, and 四 became 五.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "一、概述",
            "二、主动公开政府信息的情况",
            "三、依申请公开政府信息的情况",
            "四、政府信息公开的收费及减免情况",
            "五、存在的主要问题及改进措施"
        ]
    );
    client.shutdown();
}

#[test]
fn fix_all_applies_the_safe_fixes() {
    let (mut client, _) = Client::start(utf16());
    let uri = "file:///tmp/fixall.txt";
    client.open(uri, "某局2013年政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开工作条例》和«北京市政府信息公开规定»编制。\n");
    client.diagnostics(uri, 1);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.xxgk");
    let texts: Vec<&str> = actions[0]["edit"]["changes"][uri]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["newText"].as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "《中华人民共和国政府信息公开条例》",
            "《北京市政府信息公开规定》"
        ]
    );
    client.shutdown();
}

#[test]
fn hover_explains_the_rule() {
    let (mut client, _) = Client::start(utf16());
    let uri = "file:///tmp/hover.txt";
    client.open(
        uri,
        "某局2013年政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开工作条例》编制。\n",
    );
    let d = client.diagnostics(uri, 1);
    let name = with_rule(&d, "cn/regulation-name")[0]["range"]["start"].clone();
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": name}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(text.contains("# cn/regulation-name"), "{text}");
    assert!(text.contains("国务院令第711号"), "{text}");
    let nothing = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}}),
    );
    assert!(nothing.is_null(), "{nothing}");
    client.shutdown();
}

#[test]
fn hover_on_a_heading_names_the_required_section() {
    let (mut client, _) = Client::start(utf16());
    let uri = "file:///tmp/heading.txt";
    client.open(uri, REPORT);
    client.diagnostics(uri, 1);
    let at = |line: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 2}});
    let hover = client.request("textDocument/hover", at(10));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("三、依申请公开政府信息的情况"), "{text}");
    assert!(
        text.contains(
            "`cn/sections-2007` 要求的必备章节“依申请公开政府信息和不予公开政府信息的情况”"
        ),
        "{text}"
    );
    let overview = client.request("textDocument/hover", at(4));
    let text = overview["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("不对应报告格式规定的必备章节"), "{text}");
    client.shutdown();
}

#[test]
fn pull_clients_get_no_push() {
    let caps = json!({"general": {"positionEncodings": ["utf-16"]}, "textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    let (mut client, init) = Client::start(caps);
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["identifier"],
        "xxgk"
    );
    let uri = "file:///tmp/pull.txt";
    client.open(uri, "某局2013年政府信息公开工作年度报告\n××\n");
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(report["kind"], "full");
    assert_eq!(
        with_rule(report["items"].as_array().unwrap(), "cn/placeholder-cross").len(),
        1
    );
    // Give a push a chance to arrive: none may.
    std::thread::sleep(Duration::from_millis(300));
    client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(
        !client
            .pending
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "{:?}",
        client.pending
    );
    client.shutdown();
}

#[test]
fn close_clears_and_bad_input_does_not_crash() {
    let (mut client, _) = Client::start(utf16());
    let uri = "file:///tmp/close.txt";
    client.open(uri, "××\n");
    assert!(!client.diagnostics(uri, 1).is_empty());
    // Edits far outside the text, and for a document never opened.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 99, "character": 99}, "end": {"line": 0, "character": 0}}, "text": "𠮷"},
            {"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 1}}, "text": "\r\n"}
        ]}),
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///never.txt", "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    client.diagnostics(uri, 2);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let cleared = client.published(uri, None);
    assert!(cleared.is_empty());
    // Requests about a closed document answer, empty.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(symbols.is_null());
    client.shutdown();
}

/// A small deterministic generator (no dependency needed for a test).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

#[test]
fn random_incremental_edits_equal_a_fresh_open() {
    const PIECES: &[&str] = &[
        "一、",
        "（一）",
        "××",
        "𠮷",
        "😀",
        "\r\n",
        "\n",
        "收费及减免",
        "信息信息",
        "。",
        "",
        "2013年",
        "|",
        "1、",
    ];
    for encoding in ["utf-16", "utf-8"] {
        let (mut client, _) = Client::start(json!({"general": {"positionEncodings": [encoding]}}));
        let uri = "file:///tmp/random.txt";
        let mut text: Vec<char> = REPORT.chars().collect();
        client.open(uri, REPORT);
        let mut rng = Lcg(if encoding == "utf-8" { 7 } else { 42 });
        let mut version = 1;
        for _ in 0..100 {
            // Pick a char range, convert it to a position in the encoding.
            let a = rng.next(text.len() + 1);
            let b = (a + rng.next(6)).min(text.len());
            let insert = PIECES[rng.next(PIECES.len())];
            let pos = |at: usize| -> Value {
                let before: String = text[..at].iter().collect();
                let line = before.matches('\n').count();
                let col_text = before.rsplit('\n').next().unwrap_or("");
                let character = match encoding {
                    "utf-8" => col_text.len(),
                    _ => col_text.encode_utf16().count(),
                };
                json!({"line": line, "character": character})
            };
            // Never split a CRLF: the server counts \r as part of the break.
            let splits_crlf =
                |at: usize| at > 0 && at < text.len() && text[at - 1] == '\r' && text[at] == '\n';
            if splits_crlf(a) || splits_crlf(b) {
                continue;
            }
            let change = json!({"range": {"start": pos(a), "end": pos(b)}, "text": insert});
            text.splice(a..b, insert.chars());
            version += 1;
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
            );
        }
        let incremental = client.diagnostics(uri, version);
        let final_text: String = text.iter().collect();
        client.open("file:///tmp/fresh.txt", &final_text);
        let fresh = client.diagnostics("file:///tmp/fresh.txt", 1);
        assert_eq!(
            without_links(&incremental),
            without_links(&fresh),
            "{encoding}"
        );
        client.shutdown();
    }
}

#[test]
fn settings_changes_recheck_open_documents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    std::fs::write(&path, "某局2013年政府信息公开工作年度报告\n××\n").unwrap();
    let uri = format!("file://{}", path.display());
    let caps = json!({"general": {"positionEncodings": ["utf-16"]},
                      "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut client, _) = Client::start(caps);
    client.open(&uri, "某局2013年政府信息公开工作年度报告\n××\n");
    assert_eq!(
        with_rule(&client.diagnostics(&uri, 1), "cn/placeholder-cross").len(),
        1
    );
    // The server asked to watch xxgk.toml and packs.
    let registered = client.pending.iter().any(|m| {
        m["method"] == "client/registerCapability"
            && m["params"]["registrations"][0]["method"] == "workspace/didChangeWatchedFiles"
    });
    assert!(registered, "{:?}", client.pending);

    // An xxgk.toml appears beside the report and turns the rule off.
    let config = dir.path().join("xxgk.toml");
    std::fs::write(&config, "[rules]\n\"cn/placeholder-cross\" = \"off\"\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", config.display()), "type": 1}]}),
    );
    assert!(with_rule(&client.diagnostics(&uri, 1), "cn/placeholder-cross").is_empty());

    // A broken configuration is reported, and the last good rules stay.
    std::fs::write(&config, "[rules\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", config.display()), "type": 2}]}),
    );
    let d = client.diagnostics(&uri, 1);
    assert!(with_rule(&d, "cn/placeholder-cross").is_empty(), "{d:?}");
    let shown = client
        .pending
        .iter()
        .find(|m| m["method"] == "window/showMessage")
        .cloned()
        .unwrap_or_default();
    assert_eq!(shown["params"]["type"], 1, "{shown}");
    assert!(
        shown["params"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("xxgk.toml:")),
        "{shown}"
    );

    // Client settings: the year changes which regime applies.
    std::fs::remove_file(&config).unwrap();
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"xxgk": {"year": 2023}}}),
    );
    let d = client.diagnostics(&uri, 1);
    assert!(!d.iter().any(|x| x["code"] == "cn/sections-2007"), "{d:?}");
    assert!(d.iter().any(|x| x["code"] == "cn/sections-2021"), "{d:?}");
    client.shutdown();
}

#[test]
fn pulling_clients_are_asked_to_pull_again_when_settings_change() {
    let (mut client, _) = Client::start(refreshing_puller());
    let uri = "file:///tmp/refresh.txt";
    client.open(uri, "某局2013年政府信息公开工作年度报告\n一、概述\n");
    assert!(
        client
            .pull(uri)
            .iter()
            .any(|d| d["code"] == "cn/sections-2007")
    );
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"xxgk": {"year": 2020}}}),
    );
    client.wait_for("workspace/diagnostic/refresh");
    let after = client.pull(uri);
    assert!(
        after.iter().any(|d| d["code"] == "cn/sections-2019"),
        "{after:?}"
    );
    client.shutdown();
}

/// A report whose text makes a `didOpen` too big to decode on the server's
/// message loop (the relay hands it over: `lsp::transport`), with the
/// placeholder of `REPORT` on line 8.
fn big_report() -> String {
    let mut text = REPORT.to_owned();
    text.push_str("\n五、其他需要报告的事项\n");
    let mut item = 0;
    while text.len() < 2_400_000 {
        item += 1;
        text.push_str(&format!("第{item}项工作已按计划推进，相关材料归档备查"));
    }
    text.push_str("。\n");
    text
}

#[test]
fn big_documents_are_decoded_aside_and_their_edits_wait_for_them() {
    let (mut client, _) = Client::start(utf16());
    let big = "file:///tmp/big.txt";
    let text = big_report();
    assert!(
        text.len() > 2 << 20,
        "bigger than the relay's hand-over size"
    );
    client.open(big, &text);
    // Sent at once, before the big text can have been decoded: the edit
    // removes the placeholder on line 8 and must apply after it.
    let placeholder = |line: u32, character: u32| {
        json!({"start": {"line": line, "character": character},
               "end": {"line": line, "character": character + 2}})
    };
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": big, "version": 2},
               "contentChanges": [{"range": placeholder(8, 14), "text": ""}]}),
    );
    // Another document is served meanwhile.
    client.open("file:///tmp/small.txt", REPORT);
    let small = client.diagnostics("file:///tmp/small.txt", 1);
    assert_eq!(
        with_rule(&small, "cn/placeholder-cross").len(),
        1,
        "{small:?}"
    );

    let edited = client.diagnostics(big, 2);
    assert!(
        with_rule(&edited, "cn/placeholder-cross").is_empty(),
        "the edit applied to the decoded text: {edited:?}"
    );
    let final_text = text.replacen("𠀀××", "𠀀", 1);
    client.open("file:///tmp/fresh.txt", &final_text);
    let fresh = client.diagnostics("file:///tmp/fresh.txt", 1);
    assert!(edited.len() > 2, "{edited:?}");
    assert_eq!(without_links(&edited), without_links(&fresh));

    // A big whole-text change (the placeholder back), then a small edit
    // right after it: one character inserted before it.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": big, "version": 3},
               "contentChanges": [{"text": text}]}),
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": big, "version": 4},
               "contentChanges": [{"range": {"start": {"line": 8, "character": 0},
                                             "end": {"line": 8, "character": 0}},
                                   "text": "甲"}]}),
    );
    let replaced = client.diagnostics(big, 4);
    let crosses = with_rule(&replaced, "cn/placeholder-cross");
    assert_eq!(crosses.len(), 1, "{replaced:?}");
    assert_eq!(crosses[0]["range"], placeholder(8, 15));
    client.shutdown();
}

#[test]
fn pulling_clients_are_asked_to_pull_again_when_a_big_text_arrives() {
    let (mut client, _) = Client::start(refreshing_puller());
    let uri = "file:///tmp/big-pulled.txt";
    client.open(uri, &big_report());
    // Asked again once the text has been decoded aside; nothing is pushed.
    client.wait_for("workspace/diagnostic/refresh");
    let items = client.pull(uri);
    assert_eq!(
        with_rule(&items, "cn/placeholder-cross").len(),
        1,
        "{items:?}"
    );
    assert!(
        !client
            .pending
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "a pulling client is not pushed to"
    );
    client.shutdown();
}
