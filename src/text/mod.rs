//! Text: decoding bytes to UTF-8 and converting byte offsets to lines and
//! columns in UTF-8, UTF-16 and UTF-32.
//!
//! Architecture invariant: this module knows nothing of reports or rules.

mod decode;
mod line_index;
mod numerals;

pub use decode::{DecodeError, Decoded, SourceEncoding, decode, encode};
pub use line_index::{LineCol, LineIndex, WideEncoding};
pub use numerals::{chinese_digit, number_like, parse_chinese_number, to_chinese_number};
