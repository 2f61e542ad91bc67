//! Pack errors, located as `file:line:column` for the pack author.

use super::PackSource;
use crate::text::{LineIndex, WideEncoding};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError {
    pub origin: String,
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    pub message: String,
}

impl PackError {
    /// An error at byte `offset` of the pack's text.
    pub fn at(src: &PackSource, offset: usize, message: impl Into<String>) -> PackError {
        let pos = LineIndex::new(&src.text).line_col(offset, WideEncoding::Utf32);
        PackError {
            origin: src.origin.clone(),
            line: pos.line + 1,
            column: pos.col + 1,
            message: message.into(),
        }
    }

    pub(super) fn from_toml(src: &PackSource, e: &toml::de::Error) -> PackError {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let message = e.message().trim().to_owned();
        PackError::at(src, offset, format!("规则包格式错误：{message}"))
    }
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.origin, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for PackError {}
