//! Talking to `xxgk lsp` over stdio, for the clients in the tests and
//! benches (included with `#[path]`; not a test target itself).

use std::io::BufRead;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Starts `xxgk lsp` with piped standard input and output.
pub fn spawn_server() -> (Child, ChildStdin, ChildStdout) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    (child, stdin, stdout)
}

/// Reads one message's body (`Content-Length` header, blank line, body);
/// `None` at the end of the stream or on a broken frame.
pub fn read_message(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}
