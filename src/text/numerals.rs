//! Chinese numerals as used in heading ordinals and dates: 一 … 九十九,
//! with 〇/零 (and the look-alikes ○ O 0 found in real reports) as zero.

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// The value of a Chinese digit 一…九 (not 十, not zero).
pub fn chinese_digit(c: char) -> Option<u32> {
    DIGITS
        .iter()
        .position(|&d| d == c)
        .filter(|&i| i > 0)
        .map(|i| i as u32)
}

/// Parses a Chinese ordinal in its usual forms: 三, 十, 十二, 二十, 二十三.
/// Positional forms (一〇) and anything above 99 are refused.
pub fn parse_chinese_number(s: &str) -> Option<u32> {
    let mut chars = s.chars();
    let a = chars.next()?;
    let b = chars.next();
    let c = chars.next();
    if chars.next().is_some() {
        return None;
    }
    match (a, b, c) {
        ('十', None, None) => Some(10),
        (a, None, None) => chinese_digit(a),
        ('十', Some(b), None) => Some(10 + chinese_digit(b)?),
        (a, Some('十'), None) => Some(chinese_digit(a)? * 10).filter(|&n| n > 10),
        (a, Some('十'), Some(c)) => {
            Some(chinese_digit(a)? * 10 + chinese_digit(c)?).filter(|&n| n > 20)
        }
        _ => None,
    }
}

/// `n` written in the same numerals as `like`: Arabic digits if `like` has
/// any, Chinese otherwise (renumbering keeps a heading's style).
pub fn number_like(like: &str, n: u32) -> String {
    if like
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        n.to_string()
    } else {
        to_chinese_number(n)
    }
}

/// Writes `n` (1–99) in Chinese numerals, as heading ordinals are written.
pub fn to_chinese_number(n: u32) -> String {
    let d = |i: u32| DIGITS[i as usize];
    match n {
        0 => "〇".to_owned(),
        1..=9 => d(n).to_string(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", d(n - 10)),
        20..=99 if n % 10 == 0 => format!("{}十", d(n / 10)),
        20..=99 => format!("{}十{}", d(n / 10), d(n % 10)),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_1_to_99() {
        for n in 1..100 {
            assert_eq!(parse_chinese_number(&to_chinese_number(n)), Some(n), "{n}");
        }
    }

    #[test]
    fn rejects_non_numbers() {
        for s in [
            "",
            "是",
            "十十",
            "一二",
            "零",
            "一十一百",
            "二〇一九",
            "一十",
        ] {
            assert_eq!(parse_chinese_number(s), None, "{s}");
        }
    }

    #[test]
    fn number_like_keeps_the_script() {
        assert_eq!(number_like("四", 5), "五");
        assert_eq!(number_like("12", 13), "13");
        assert_eq!(number_like("３", 4), "4");
    }
}
