//! Cell values: numbers as reports write them (full-width digits, thousands
//! separators, a unit or a note after the number), and the marks that stand
//! for "nothing here" (`—`, `-`, `/`, blank).

/// What a cell holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    /// Blank, or a placeholder such as `—`, `/`, `无`: not a number, and not
    /// to be read as 0.
    Blank,
    /// Text that is not a number.
    Text,
}

impl Value {
    pub fn number(self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// A number or a blank: what a value column may hold.
    pub fn is_value(self) -> bool {
        !matches!(self, Value::Text)
    }
}

const PLACEHOLDERS: &[&str] = &[
    "—",
    "——",
    "-",
    "--",
    "－",
    "/",
    "／",
    "无",
    "不适用",
    "N/A",
    "n/a",
];

/// Units and marks that may follow a number inside a cell.
const UNIT_SUFFIXES: &[&str] = &[
    "万元", "人次", "元", "件", "条", "个", "人", "次", "篇", "项", "%",
];

/// Reads one cell. Allocation-free: it runs on every cell of every table.
pub fn parse(cell: &str) -> Value {
    let s = cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if s.is_empty() || PLACEHOLDERS.contains(&s) {
        return Value::Blank;
    }
    let mut chars = s.char_indices().peekable();
    let mut negative = false;
    let mut end = 0;
    if let Some(&(_, c)) = chars.peek()
        && matches!(c, '-' | '－' | '−')
    {
        negative = true;
        chars.next();
        end = c.len_utf8();
    }
    let (mut whole, mut fraction, mut scale) = (0f64, 0f64, 1f64);
    let mut seen_digit = false;
    let mut seen_point = false;
    while let Some(&(i, c)) = chars.peek() {
        let digit = match c {
            '0'..='9' => Some(c as u32 - '0' as u32),
            '０'..='９' => Some(c as u32 - '０' as u32),
            '.' | '．' if !seen_point && seen_digit => {
                seen_point = true;
                None
            }
            // Thousands separators sit between digits.
            ',' | '，' if seen_digit && !seen_point => None,
            _ => break,
        };
        if let Some(d) = digit {
            seen_digit = true;
            if seen_point {
                scale /= 10.0;
                fraction += f64::from(d) * scale;
            } else {
                whole = whole * 10.0 + f64::from(d);
            }
        }
        chars.next();
        end = i + c.len_utf8();
    }
    if !seen_digit {
        return Value::Text;
    }
    let rest = s[end..].trim();
    let rest = UNIT_SUFFIXES
        .iter()
        .find_map(|u| rest.strip_prefix(u))
        .unwrap_or(rest)
        .trim();
    // A note after the number: `22（其中修订16件）`.
    if !(rest.is_empty() || rest.starts_with(['（', '('])) {
        return Value::Text;
    }
    let n = whole + fraction;
    Value::Number(if negative { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_their_usual_forms() {
        assert_eq!(parse("12"), Value::Number(12.0));
        assert_eq!(parse(" １２ "), Value::Number(12.0));
        assert_eq!(parse("4,289,602"), Value::Number(4_289_602.0));
        assert_eq!(parse("4068.208"), Value::Number(4068.208));
        assert_eq!(parse("-8"), Value::Number(-8.0));
        assert_eq!(parse("12件"), Value::Number(12.0));
        assert_eq!(parse("22（其中修订16件）"), Value::Number(22.0));
    }

    #[test]
    fn blanks_and_placeholders_are_not_zero() {
        for s in ["", " ", "—", "-", "/", "无", "不适用"] {
            assert_eq!(parse(s), Value::Blank, "{s:?}");
        }
    }

    #[test]
    fn text_is_text() {
        for s in ["自然人", "1.属于国家秘密", "12a", "三"] {
            assert_eq!(parse(s), Value::Text, "{s:?}");
        }
    }
}
