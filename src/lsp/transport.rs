//! The server's input, read before tower-lsp-server sees it. tower-lsp-server
//! decodes every message in order on its one message loop, and a `didOpen`
//! of 50 MB takes it hundreds of milliseconds (it copies the text twice while
//! decoding it), during which no other document's edit is read. So a
//! `didOpen` or `didChange` bigger than [`HAND_OVER_BYTES`] is decoded here,
//! on the blocking pool, and replaced in the stream by a small
//! [`PARCEL_METHOD`] notification that names the document and a ticket; the
//! server holds that document's later edits until the ticket's text arrives
//! (`Document::hold`). Every other message is passed on byte for byte,
//! and input that is not framed as LSP is passed on untouched from there on,
//! for tower-lsp-server to report.

use std::collections::HashMap;
use std::io;
use std::sync::Mutex;

use ropey::Rope;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::sync::oneshot;
use tower_lsp_server::ls_types as lsp;

use super::document::Received;

/// Messages longer than this are decoded off the message loop when they
/// carry a document's text. Below it decoding takes the loop a few
/// milliseconds (≈ 5.5 ms per MB, docs/PERFORMANCE.md).
pub const HAND_OVER_BYTES: usize = 2 << 20;

/// The notification that stands for a big `didOpen` or `didChange`.
pub const PARCEL_METHOD: &str = "xxgk/parcel";

/// A header section longer than this is not LSP framing.
const MAX_HEADER_BYTES: usize = 8 << 10;

/// A big message's changes, decoded, or why they could not be.
pub type Unpacked = Result<Vec<Received>, String>;

/// The params of a [`PARCEL_METHOD`] notification.
#[derive(Debug, Serialize, Deserialize)]
pub struct Parcel {
    pub ticket: u64,
    pub uri: lsp::Uri,
    pub version: i32,
    /// A `didOpen` (else a `didChange`).
    pub open: bool,
}

/// The decodings under way, by ticket: the relay adds one before it passes
/// its parcel on, the server takes it when the parcel arrives.
#[derive(Default)]
pub struct Parcels {
    decoding: Mutex<HashMap<u64, oneshot::Receiver<Unpacked>>>,
}

impl Parcels {
    fn insert(&self, ticket: u64, decoding: oneshot::Receiver<Unpacked>) {
        self.lock().insert(ticket, decoding);
    }

    /// The decoding of a parcel's text, once: `None` for a ticket the relay
    /// never issued (a client cannot forge a text this way).
    pub fn take(&self, ticket: u64) -> Option<oneshot::Receiver<Unpacked>> {
        self.lock().remove(&ticket)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Receiver<Unpacked>>> {
        self.decoding.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Copies LSP messages from `input` to `output`, handing the texts of
/// messages longer than `hand_over` bytes over as parcels (the server uses
/// [`HAND_OVER_BYTES`]), until `input` ends; then closes `output`.
pub async fn relay(
    input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    parcels: &Parcels,
    hand_over: usize,
) -> io::Result<()> {
    let mut input = BufReader::new(input);
    let mut tickets = 0u64;
    loop {
        let (header, length) = match read_header(&mut input).await? {
            Header::End => break,
            Header::Unframed(bytes) => {
                output.write_all(&bytes).await?;
                tokio::io::copy_buf(&mut input, &mut output).await?;
                break;
            }
            Header::Framed { raw, length } => (raw, length),
        };
        // Not trusting the claimed length further than this before the
        // bytes arrive.
        let mut body = Vec::with_capacity(length.min(HAND_OVER_BYTES * 64));
        (&mut input)
            .take(length as u64)
            .read_to_end(&mut body)
            .await?;
        let envelope = (body.len() == length && length > hand_over)
            .then(|| Envelope::read(&body))
            .flatten();
        match envelope {
            Some(envelope) => {
                tickets += 1;
                let (sender, decoding) = oneshot::channel();
                parcels.insert(tickets, decoding);
                let open = envelope.method == "textDocument/didOpen";
                tokio::task::spawn_blocking(move || {
                    // The server may have dropped the document meanwhile.
                    let _ = sender.send(unpack(&body, open));
                });
                let parcel = Parcel {
                    ticket: tickets,
                    uri: envelope.params.text_document.uri,
                    version: envelope.params.text_document.version,
                    open,
                };
                let message = serde_json::json!({
                    "jsonrpc": "2.0",
                    "method": PARCEL_METHOD,
                    "params": parcel,
                })
                .to_string();
                output
                    .write_all(format!("Content-Length: {}\r\n\r\n", message.len()).as_bytes())
                    .await?;
                output.write_all(message.as_bytes()).await?;
            }
            None => {
                output.write_all(&header).await?;
                output.write_all(&body).await?;
            }
        }
        output.flush().await?;
    }
    output.shutdown().await
}

enum Header {
    /// The input ended between messages.
    End,
    /// A header section and the body length it gives.
    Framed { raw: Vec<u8>, length: usize },
    /// Bytes that do not start a framed message.
    Unframed(Vec<u8>),
}

/// Reads a header section up to its empty line.
async fn read_header(input: &mut (impl AsyncBufRead + Unpin)) -> io::Result<Header> {
    let mut raw = Vec::new();
    let mut length = None;
    loop {
        let start = raw.len();
        let read = input.read_until(b'\n', &mut raw).await?;
        if read == 0 {
            return Ok(if raw.is_empty() {
                Header::End
            } else {
                Header::Unframed(raw)
            });
        }
        let line = raw[start..].trim_ascii();
        if line.is_empty() {
            return Ok(match length {
                Some(length) => Header::Framed { raw, length },
                None => Header::Unframed(raw),
            });
        }
        if let Some((name, value)) = std::str::from_utf8(line)
            .ok()
            .and_then(|line| line.split_once(':'))
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
        if raw.len() > MAX_HEADER_BYTES {
            return Ok(Header::Unframed(raw));
        }
    }
}

/// What the relay reads of a big message: which notification it is and for
/// which document. The text is skipped (not copied, not validated).
#[derive(Deserialize)]
struct Envelope {
    method: String,
    id: Option<IgnoredAny>,
    params: EnvelopeParams,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnvelopeParams {
    text_document: EnvelopeDocument,
}

#[derive(Deserialize)]
struct EnvelopeDocument {
    uri: lsp::Uri,
    version: i32,
}

impl Envelope {
    /// The envelope of a `didOpen` or `didChange` notification.
    fn read(body: &[u8]) -> Option<Envelope> {
        let envelope: Envelope = serde_json::from_slice(body).ok()?;
        let notification = envelope.id.is_none()
            && matches!(
                envelope.method.as_str(),
                "textDocument/didOpen" | "textDocument/didChange"
            );
        notification.then_some(envelope)
    }
}

#[derive(Deserialize)]
struct Notification<P> {
    params: P,
}

/// Decodes a big `didOpen` or `didChange` into the changes it makes, with
/// the rope of any whole text built here rather than on the message loop.
fn unpack(body: &[u8], open: bool) -> Unpacked {
    let fail = |e: serde_json::Error| format!("无法解析文档消息：{e}");
    let changes = if open {
        let open: Notification<lsp::DidOpenTextDocumentParams> =
            serde_json::from_slice(body).map_err(fail)?;
        vec![Received::Whole(Rope::from_str(
            &open.params.text_document.text,
        ))]
    } else {
        let change: Notification<lsp::DidChangeTextDocumentParams> =
            serde_json::from_slice(body).map_err(fail)?;
        change
            .params
            .content_changes
            .into_iter()
            .map(Received::from_change)
            .collect()
    };
    Ok(changes)
}

/// What the relay makes of an input held in memory: the bytes the server
/// would read, and each parcel's decoding, waited for, in ticket order. For
/// the fuzz target (a small `hand_over` sends most messages down the parcel
/// path).
pub fn relay_in_memory(input: &[u8], hand_over: usize) -> io::Result<(Vec<u8>, Vec<Unpacked>)> {
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        let parcels = Parcels::default();
        let mut output = Vec::new();
        relay(input, &mut output, &parcels, hand_over).await?;
        let mut unpacked = Vec::new();
        for ticket in 1.. {
            let Some(decoding) = parcels.take(ticket) else {
                break;
            };
            // A decoding that panicked drops its sender.
            unpacked.push(decoding.await.map_err(io::Error::other)?);
        }
        Ok((output, unpacked))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;
    use serde_json::{Value, json};

    fn frame(message: &Value) -> Vec<u8> {
        let body = message.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    /// The messages the server would read, decoded.
    fn messages(mut bytes: &[u8]) -> Vec<Value> {
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let end = bytes
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .expect("a header section");
            let header = std::str::from_utf8(&bytes[..end]).expect("an ASCII header");
            let length: usize = header
                .trim_start_matches("Content-Length: ")
                .parse()
                .expect("a length");
            let body = &bytes[end + 4..end + 4 + length];
            out.push(serde_json::from_slice(body).expect("JSON"));
            bytes = &bytes[end + 4 + length..];
        }
        out
    }

    async fn relayed(input: &[u8], parcels: &Parcels) -> Vec<u8> {
        let mut output = Vec::new();
        relay(input, &mut output, parcels, HAND_OVER_BYTES)
            .await
            .expect("relayed in memory");
        output
    }

    fn big_text() -> String {
        "第一段𠀀文字，\r\n".repeat(HAND_OVER_BYTES / 20 + 1)
    }

    fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(future)
    }

    proptest::proptest! {
        /// Whatever a client sends — framed or not, cut anywhere — comes out
        /// unchanged when no message is big enough to hand over.
        #[test]
        fn any_input_without_big_messages_passes_unchanged(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-z{}\":, ]{0,20}".prop_map(|body| {
                        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
                    }),
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
                    proptest::prelude::Just(b"Content-Length: 99999\r\n\r\n{".to_vec()),
                    proptest::prelude::Just(b"content-length:3\n\n{}\n".to_vec()),
                ],
                0..8,
            ),
        ) {
            let input: Vec<u8> = pieces.concat();
            let parcels = Parcels::default();
            proptest::prop_assert_eq!(block_on(relayed(&input, &parcels)), input);
        }
    }

    #[test]
    fn in_memory_every_document_message_over_the_size_is_handed_over() {
        let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": "file:///r/a.txt", "languageId": "plaintext", "version": 1, "text": "甲乙丙丁"}}});
        let change = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": "file:///r/a.txt", "version": 2},
            "contentChanges": [{"text": "戊"}, {"range": {"start": {"line": 0, "character": 0},
                                                          "end": {"line": 0, "character": 0}}, "text": "己"}]}});
        let exit = json!({"jsonrpc": "2.0", "method": "exit"});
        let mut input = frame(&open);
        input.extend(frame(&change));
        input.extend(frame(&exit));
        let (output, unpacked) = relay_in_memory(&input, 64).expect("in memory");
        let read = messages(&output);
        let methods: Vec<&Value> = read.iter().map(|m| &m["method"]).collect();
        assert_eq!(methods, [PARCEL_METHOD, PARCEL_METHOD, "exit"]);
        match unpacked.as_slice() {
            [Ok(opened), Ok(changed)] => {
                assert!(matches!(opened.as_slice(), [Received::Whole(r)] if *r == "甲乙丙丁"));
                assert!(
                    matches!(changed.as_slice(), [Received::Whole(_), Received::Range(e)] if e.text == "己")
                );
            }
            _ => panic!("two decoded parcels expected"),
        }
        // Nothing over the size: the input itself.
        let (output, unpacked) = relay_in_memory(&input, usize::MAX).expect("in memory");
        assert!(unpacked.is_empty());
        assert_eq!(output, input);
    }

    #[tokio::test]
    async fn small_messages_pass_byte_for_byte() {
        let mut input =
            frame(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}));
        // Another header order and a Content-Type, as some clients send.
        input.extend_from_slice(
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 2\r\n\r\n{}",
        );
        let parcels = Parcels::default();
        assert_eq!(relayed(&input, &parcels).await, input);
    }

    #[tokio::test]
    async fn a_big_did_open_becomes_a_parcel_and_its_text_arrives_decoded() {
        let text = big_text();
        let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": "file:///r/big.txt", "languageId": "plaintext", "version": 7, "text": text}}});
        let after = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": "file:///r/small.txt", "version": 2}, "contentChanges": []}});
        let mut input = frame(&open);
        input.extend(frame(&after));
        let parcels = Parcels::default();
        let output = relayed(&input, &parcels).await;
        let read = messages(&output);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0]["method"], PARCEL_METHOD);
        let parcel: Parcel = serde_json::from_value(read[0]["params"].clone()).expect("a parcel");
        assert_eq!(
            (parcel.uri.as_str(), parcel.version, parcel.open),
            ("file:///r/big.txt", 7, true)
        );
        assert_eq!(read[1], after);
        let decoding = parcels.take(parcel.ticket).expect("the decoding");
        assert!(parcels.take(parcel.ticket).is_none(), "taken once");
        match decoding.await.expect("decoded").expect("valid").as_slice() {
            [Received::Whole(rope)] => assert_eq!(rope.to_string(), text),
            other => panic!("one whole text expected, got {}", other.len()),
        }
    }

    #[tokio::test]
    async fn a_big_did_change_keeps_its_changes_in_order() {
        let text = big_text();
        let change = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": "file:///r/big.txt", "version": 3},
        "contentChanges": [
            {"text": text},
            {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "text": "甲"},
        ]}});
        let parcels = Parcels::default();
        let output = relayed(&frame(&change), &parcels).await;
        let read = messages(&output);
        let parcel: Parcel = serde_json::from_value(read[0]["params"].clone()).expect("a parcel");
        assert_eq!((parcel.version, parcel.open), (3, false));
        let decoding = parcels.take(parcel.ticket).expect("the decoding");
        match decoding.await.expect("decoded").expect("valid").as_slice() {
            [Received::Whole(rope), Received::Range(edit)] => {
                assert_eq!(rope.len_bytes(), text.len());
                assert_eq!(edit.text, "甲");
            }
            other => panic!("two changes expected, got {}", other.len()),
        }
    }

    #[tokio::test]
    async fn big_messages_that_are_not_document_texts_pass_unchanged() {
        let text = big_text();
        // A request (it has an id), and a notification of another method.
        let request = json!({"jsonrpc": "2.0", "id": 4, "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": "file:///r/a.txt", "languageId": "plaintext", "version": 1, "text": text}}});
        let other = json!({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {"settings": text}});
        let mut input = frame(&request);
        input.extend(frame(&other));
        let parcels = Parcels::default();
        assert_eq!(relayed(&input, &parcels).await, input);
    }

    #[tokio::test]
    async fn input_that_is_not_framed_passes_untouched_to_the_end() {
        let mut input = frame(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        input.extend_from_slice(b"garbage without a header\r\n\r\nContent-Length: 2\r\n\r\n{}");
        let parcels = Parcels::default();
        assert_eq!(relayed(&input, &parcels).await, input);
        // A message cut short by the end of the input.
        let cut = b"Content-Length: 100\r\n\r\n{\"jsonrpc\"".to_vec();
        assert_eq!(relayed(&cut, &parcels).await, cut);
    }

    #[tokio::test]
    async fn a_big_text_that_is_not_valid_fails_to_unpack_with_a_message() {
        let text = big_text();
        let body = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": "file:///r/big.txt", "languageId": "plaintext", "version": 1, "text": text}}})
        .to_string();
        // Invalid UTF-8 inside the text: the envelope skips it, decoding does not.
        let mut body = body.into_bytes();
        let inside = body.len() / 2;
        body[inside] = 0xFF;
        let mut input = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        input.extend_from_slice(&body);
        let parcels = Parcels::default();
        let output = relayed(&input, &parcels).await;
        let read = messages(&output);
        let parcel: Parcel = serde_json::from_value(read[0]["params"].clone()).expect("a parcel");
        let decoding = parcels.take(parcel.ticket).expect("the decoding");
        let failure = decoding.await.expect("finished").err().expect("a failure");
        assert!(failure.contains("无法解析"), "{failure}");
    }
}
