//! Decoding a file's bytes. Chinese reports arrive as UTF-8 (with or without a
//! BOM), as GB18030/GBK (common for `.txt` files saved on Windows) and, rarely,
//! as UTF-16 with a BOM. Anything else is refused with the position of the
//! first byte that cannot be read, rather than guessed at.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// The encoding a file was read in; fixes write it back the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Utf8Bom,
    Gb18030,
    Utf16LeBom,
    Utf16BeBom,
}

impl SourceEncoding {
    pub fn name(self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf8Bom => "UTF-8 (BOM)",
            SourceEncoding::Gb18030 => "GB18030",
            SourceEncoding::Utf16LeBom => "UTF-16LE (BOM)",
            SourceEncoding::Utf16BeBom => "UTF-16BE (BOM)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: SourceEncoding,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A NUL byte: this is not a text file (e.g. a .doc or an image).
    Binary { offset: usize },
    /// Neither valid UTF-8 nor valid GB18030; `offset` is the first byte that
    /// is not valid UTF-8.
    Unrecognised { offset: usize },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Binary { offset } => write!(
                f,
                "不是文本文件（第 {offset} 字节为 NUL）；xxgk 读取 UTF-8 或 GB18030 编码的 .txt / .md 文件"
            ),
            DecodeError::Unrecognised { offset } => write!(
                f,
                "无法识别文件编码：第 {offset} 字节起既不是有效的 UTF-8，也不是有效的 GB18030/GBK；请另存为 UTF-8"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes `bytes`: a BOM decides; otherwise UTF-8 if valid, else GB18030 if
/// the whole input is valid GB18030.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, SourceEncoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, SourceEncoding::Utf16LeBom);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, SourceEncoding::Utf16BeBom);
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(DecodeError::Binary { offset });
    }
    match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_owned(),
            encoding: SourceEncoding::Utf8,
        }),
        Err(e) => match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(text) => Ok(Decoded {
                text: text.into_owned(),
                encoding: SourceEncoding::Gb18030,
            }),
            None => Err(DecodeError::Unrecognised {
                offset: e.valid_up_to(),
            }),
        },
    }
}

fn utf8(bytes: &[u8], encoding: SourceEncoding) -> Result<Decoded, DecodeError> {
    match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_owned(),
            encoding,
        }),
        Err(e) => Err(DecodeError::Unrecognised {
            offset: e.valid_up_to() + 3,
        }),
    }
}

fn utf16(bytes: &[u8], encoding: SourceEncoding) -> Result<Decoded, DecodeError> {
    let codec = if encoding == SourceEncoding::Utf16LeBom {
        UTF_16LE
    } else {
        UTF_16BE
    };
    match codec.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Decoded {
            text: text.into_owned(),
            encoding,
        }),
        None => Err(DecodeError::Unrecognised { offset: 2 }),
    }
}

/// Encodes `text` back into `encoding`, BOM included. `None` when the text has
/// a character the encoding cannot hold (impossible for the Unicode
/// encodings and GB18030, which covers all of Unicode).
pub fn encode(text: &str, encoding: SourceEncoding) -> Option<Vec<u8>> {
    match encoding {
        SourceEncoding::Utf8 => Some(text.as_bytes().to_vec()),
        SourceEncoding::Utf8Bom => {
            let mut out = b"\xEF\xBB\xBF".to_vec();
            out.extend_from_slice(text.as_bytes());
            Some(out)
        }
        SourceEncoding::Gb18030 => {
            let (bytes, _, had_errors) = GB18030.encode(text);
            (!had_errors).then(|| bytes.into_owned())
        }
        SourceEncoding::Utf16LeBom | SourceEncoding::Utf16BeBom => {
            let little = encoding == SourceEncoding::Utf16LeBom;
            let mut out = if little {
                b"\xFF\xFE".to_vec()
            } else {
                b"\xFE\xFF".to_vec()
            };
            for unit in text.encode_utf16() {
                let bytes = if little {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                };
                out.extend_from_slice(&bytes);
            }
            Some(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "二、主动公开政府信息情况\r\n本年度主动公开信息𠮷86条。\n";

    #[test]
    fn utf8_without_bom() {
        let d = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert_eq!(d.encoding, SourceEncoding::Utf8);
    }

    #[test]
    fn utf8_bom_is_stripped_and_remembered() {
        let bytes = encode(SAMPLE, SourceEncoding::Utf8Bom).unwrap();
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert_eq!(d.encoding, SourceEncoding::Utf8Bom);
    }

    #[test]
    fn gb18030_round_trips_including_astral_characters() {
        let bytes = encode(SAMPLE, SourceEncoding::Gb18030).unwrap();
        assert_ne!(bytes, SAMPLE.as_bytes());
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert_eq!(d.encoding, SourceEncoding::Gb18030);
        assert_eq!(encode(&d.text, d.encoding).unwrap(), bytes);
    }

    #[test]
    fn utf16_with_bom() {
        for enc in [SourceEncoding::Utf16LeBom, SourceEncoding::Utf16BeBom] {
            let bytes = encode(SAMPLE, enc).unwrap();
            let d = decode(&bytes).unwrap();
            assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, enc));
        }
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(
            decode(b"PK\x03\x04\x00\x00"),
            Err(DecodeError::Binary { offset: 4 })
        );
    }

    #[test]
    fn invalid_in_both_encodings_is_refused_with_offset() {
        // 0x80 alone is invalid UTF-8, and 0xFF is never valid GB18030.
        let err = decode(b"abc\x80\xFF").unwrap_err();
        assert_eq!(err, DecodeError::Unrecognised { offset: 3 });
        assert!(err.to_string().contains("第 3 字节"));
    }

    #[test]
    fn empty_input() {
        assert_eq!(decode(b"").unwrap().text, "");
    }
}
