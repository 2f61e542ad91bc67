//! Chinese numerals as used in heading ordinals and dates: 一 … 九十九,
//! with 〇/零 (and the look-alikes ○ O 0 found in real reports) as zero.

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

fn digit(c: char) -> Option<u32> {
    match c {
        '〇' | '零' | '○' | 'O' | 'o' | '0' | '０' | 'Ｏ' => Some(0),
        '一' | '壹' => Some(1),
        '二' | '两' | '贰' => Some(2),
        '三' | '叁' => Some(3),
        '四' | '肆' => Some(4),
        '五' | '伍' => Some(5),
        '六' | '陆' => Some(6),
        '七' | '柒' => Some(7),
        '八' | '捌' => Some(8),
        '九' | '玖' => Some(9),
        _ => None,
    }
}

/// Parses a Chinese cardinal below 100 (`三`, `十`, `十二`, `二十`, `九十九`).
pub fn parse_chinese_number(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d).filter(|&n| n > 0),
        ['十', d] => digit(*d).filter(|&n| n > 0).map(|n| 10 + n),
        [t, '十'] => digit(*t).filter(|&n| n > 1).map(|n| n * 10),
        [t, '十', d] => {
            let tens = digit(*t).filter(|&n| n > 1)?;
            let ones = digit(*d).filter(|&n| n > 0)?;
            Some(tens * 10 + ones)
        }
        _ => None,
    }
}

/// Parses a year written digit by digit in Chinese numerals (`二〇一三`,
/// `二○○九`).
pub fn parse_chinese_year(s: &str) -> Option<u16> {
    let mut value: u16 = 0;
    let mut count = 0;
    for c in s.chars() {
        value = value.checked_mul(10)? + digit(c)? as u16;
        count += 1;
    }
    (count == 4).then_some(value)
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
        for s in ["", "是", "十十", "一二", "零", "一十一百"] {
            assert_eq!(parse_chinese_number(s), None, "{s}");
        }
    }

    #[test]
    fn years_with_look_alike_zeros() {
        assert_eq!(parse_chinese_year("二〇一三"), Some(2013));
        assert_eq!(parse_chinese_year("二○○九"), Some(2009));
        assert_eq!(parse_chinese_year("二零二一"), Some(2021));
        assert_eq!(parse_chinese_year("二〇一"), None);
    }
}
