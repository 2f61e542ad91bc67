//! Normalised labels: what is left of a table label once numbering, notes,
//! punctuation and white space are gone, so `（三）申请答复数`, `(三)申请答复数`
//! and `三、申请答复数 ` all read as `申请答复数`.

/// The character a full-width ASCII form stands for (`１` → `1`, `（` → `(`).
fn half_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn is_ordinal_char(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '〇' | '零'
        )
}

/// Strips one leading numbering: `(三)`, `三、`, `1.`, `1、`, `其中:`.
fn strip_one_prefix(s: &str) -> Option<&str> {
    let s = s.trim_start();
    if let Some(rest) = s.strip_prefix("其中") {
        return Some(rest.trim_start_matches([':', ',']));
    }
    if let Some(rest) = s.strip_prefix('(') {
        let close = rest.find(')')?;
        let inner = &rest[..close];
        if !inner.is_empty() && inner.chars().all(is_ordinal_char) {
            return Some(&rest[close + 1..]);
        }
        return None;
    }
    let digits = s
        .char_indices()
        .find(|(_, c)| !is_ordinal_char(*c))
        .map_or(s.len(), |(i, _)| i);
    if digits == 0 {
        return None;
    }
    let rest = &s[digits..];
    let after = rest
        .strip_prefix(['.', '、', ','])
        .or_else(|| rest.strip_prefix("．"))?;
    // `1.5万` is a number, not a numbering.
    if after.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(after)
}

/// Drops parenthesised notes (`（单位：万元）`, `（不同渠道…计1条）`) and an
/// unclosed note at the end (a label cut by extraction), and keeps only the
/// characters [`squash`] keeps.
fn drop_notes_and_squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 && is_word_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Letters, digits and CJK: what a label is made of.
fn is_word_char(c: char) -> bool {
    // CJK ideographs first: most label characters, and a slow Unicode
    // table lookup otherwise.
    matches!(c, '\u{4e00}'..='\u{9fff}')
        || c.is_ascii_alphanumeric()
        || (!c.is_ascii() && c.is_alphanumeric())
}

/// Keeps letters, digits and CJK; drops white space and punctuation.
fn squash(s: &str) -> String {
    s.chars().filter(|&c| is_word_char(c)).collect()
}

/// The normalised form of a label, used to match a report's cells against a
/// pack's declared labels.
pub fn normalize(label: &str) -> String {
    let half: std::borrow::Cow<str> = if label.chars().any(|c| half_width(c) != c) {
        let mut half = String::with_capacity(label.len());
        half.extend(label.chars().map(half_width));
        half.into()
    } else {
        label.into()
    };
    let mut s = half.trim();
    while let Some(rest) = strip_one_prefix(s) {
        s = rest;
    }
    drop_notes_and_squash(s)
}

/// The normalised form of running text (a heading or caption before a table):
/// like [`normalize`] but keeping the parenthesised parts, so
/// `行政诉讼（复议后起诉）` still says which block it heads.
pub fn normalize_text(text: &str) -> String {
    let half: String = text.chars().map(half_width).collect();
    squash(&half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_notes_and_spaces_go() {
        assert_eq!(normalize("（三）申请答复数"), "申请答复数");
        assert_eq!(normalize("(三)申请答复数 "), "申请答复数");
        assert_eq!(normalize("三、本年度办理结果"), "本年度办理结果");
        assert_eq!(normalize("1.属于国家秘密"), "属于国家秘密");
        assert_eq!(normalize("1. 属于国家秘密"), "属于国家秘密");
        assert_eq!(
            normalize("其中:主动公开规范性文件数"),
            "主动公开规范性文件数"
        );
        assert_eq!(normalize("其中：涉及国家秘密"), "涉及国家秘密");
        assert_eq!(
            normalize("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）"),
            "主动公开政府信息数"
        );
        assert_eq!(
            normalize("（二）部分公开（区分处理的，只计这一情 形，不"),
            "部分公开"
        );
        assert_eq!(normalize("本年收费金额（单位：万元）"), "本年收费金额");
        assert_eq!(normalize("总 计"), "总计");
        assert_eq!(normalize("（七）总计"), "总计");
        assert_eq!(
            normalize("4.无正当理由大量反复 申请"),
            "无正当理由大量反复申请"
        );
    }

    #[test]
    fn numbers_are_not_numbering() {
        assert_eq!(normalize("1.5"), "15");
        assert_eq!(normalize("3.危及“三安全一稳定”"), "危及三安全一稳定");
    }

    #[test]
    fn running_text_keeps_its_notes() {
        assert_eq!(
            normalize_text("### 行政诉讼（复议后起诉）"),
            "行政诉讼复议后起诉"
        );
    }
}
