//! The LSP base protocol's framing, for the clients of `xxgk lsp` in the
//! tests and benches (included with `#[path]`; not a test target itself).

use std::io::BufRead;

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
