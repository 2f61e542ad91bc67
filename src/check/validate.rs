//! `validate` on pattern rules: a match is a finding only when the matched
//! text passes a check a regular expression cannot make — an ID-card number
//! whose check digit is right, a card number that passes Luhn, a year that is
//! not the report's own. A random 18-digit serial number or a year the report
//! is about is then not flagged.

use crate::pack::schema::Validator;

/// Whether `text` (the flagged part of a match) is a finding under `validator`
/// for a report of `report_year`.
pub fn accepts(validator: Validator, text: &str, report_year: Option<u16>) -> bool {
    match validator {
        Validator::IdCard => id_card_is_valid(text),
        Validator::Luhn => luhn_is_valid(text),
        Validator::OtherYear => {
            let Some(year) = report_year else {
                return false;
            };
            years_in(text).any(|y| y != year)
        }
    }
}

/// A mainland resident ID number (GB 11643-1999): 17 digits, then a check
/// character (0–9 or X) computed with ISO 7064 MOD 11-2; the birth date must
/// be a plausible calendar date.
fn id_card_is_valid(text: &str) -> bool {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() != 18 {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let mut digits = [0u32; 17];
    for (slot, c) in digits.iter_mut().zip(&chars) {
        match c.to_digit(10) {
            Some(d) => *slot = d,
            None => return false,
        }
    }
    let number = |range: std::ops::Range<usize>| {
        digits[range]
            .iter()
            .fold(0u32, |acc, d| acc.saturating_mul(10).saturating_add(*d))
    };
    let (year, month, day) = (number(6..10), number(10..12), number(12..14));
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let expected = CHECK[(sum % 11) as usize];
    chars[17].to_ascii_uppercase() == expected
}

/// The Luhn check of a bank-card number (13–19 digits; spaces and hyphens
/// between digit groups are ignored).
fn luhn_is_valid(text: &str) -> bool {
    let digits: Vec<u32> = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_digit(10))
        .collect::<Option<Vec<u32>>>()
        .unwrap_or_default();
    if !(13..=19).contains(&digits.len()) || digits.iter().all(|&d| d == digits[0]) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// The four-digit years (1900–2099) written in Arabic digits in `text`.
fn years_in(text: &str) -> impl Iterator<Item = u16> + '_ {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(3)).filter_map(move |i| {
        let window = bytes.get(i..i + 4)?;
        let before = i.checked_sub(1).and_then(|b| bytes.get(b));
        let after = bytes.get(i + 4);
        let is_digit = |b: Option<&u8>| b.is_some_and(u8::is_ascii_digit);
        if window.iter().all(u8::is_ascii_digit) && !is_digit(before) && !is_digit(after) {
            let year = std::str::from_utf8(window).ok()?.parse::<u16>().ok()?;
            (1900..2100).contains(&year).then_some(year)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_card_check_digit() {
        // The GB 11643 worked example.
        assert!(id_card_is_valid("11010519491231002X"));
        assert!(id_card_is_valid("11010519491231002x"));
        assert!(!id_card_is_valid("110105194912310021"));
        // Impossible birth month.
        assert!(!id_card_is_valid("110105194913310027"));
        assert!(!id_card_is_valid("1101051949123100"));
    }

    #[test]
    fn luhn() {
        assert!(luhn_is_valid("6222021234567890128"));
        assert!(luhn_is_valid("4111 1111 1111 1111"));
        assert!(!luhn_is_valid("4111111111111112"));
        // Too short, and a run of one digit, are not card numbers.
        assert!(!luhn_is_valid("79927398713"));
        assert!(!luhn_is_valid("0000000000000000"));
    }

    #[test]
    fn other_year_needs_a_known_report_year() {
        let v = Validator::OtherYear;
        assert!(accepts(v, "2021年1月1日至2021年12月31日", Some(2022)));
        assert!(accepts(v, "2022年1月1日至2021年12月31日", Some(2022)));
        assert!(!accepts(v, "2022年1月1日至2022年12月31日", Some(2022)));
        assert!(!accepts(v, "2021年1月1日", None));
        // Digits inside a longer number are not a year.
        assert!(!accepts(v, "电话12021345", Some(2022)));
    }
}
