//! Identities a pack declares between a table's rows or columns, written as
//! a pack author reads them: `收到申请数 = 当面申请数 + 传真申请数`,
//! `主动公开规范性文件数 ≤ 主动公开政府信息数`.

use std::fmt;

/// How the two sides compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Equal,
    AtMost,
    AtLeast,
}

impl Relation {
    pub fn symbol(self) -> &'static str {
        match self {
            Relation::Equal => "=",
            Relation::AtMost => "≤",
            Relation::AtLeast => "≥",
        }
    }

    /// Whether `left relation right` holds, with a tolerance for decimals.
    pub fn holds(self, left: f64, right: f64) -> bool {
        const EPSILON: f64 = 1e-6;
        match self {
            Relation::Equal => (left - right).abs() <= EPSILON,
            Relation::AtMost => left <= right + EPSILON,
            Relation::AtLeast => left + EPSILON >= right,
        }
    }
}

/// One term: a name with its sign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub negative: bool,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub left: Vec<Term>,
    pub relation: Relation,
    pub right: Vec<Term>,
}

/// Why an identity does not parse, with the byte offset in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |terms: &[Term]| {
            let mut s = String::new();
            for (i, t) in terms.iter().enumerate() {
                match (i, t.negative) {
                    (0, true) => s.push('−'),
                    (0, false) => {}
                    (_, true) => s.push_str(" − "),
                    (_, false) => s.push_str(" + "),
                }
                s.push_str(&t.name);
            }
            s
        };
        write!(
            f,
            "{} {} {}",
            side(&self.left),
            self.relation.symbol(),
            side(&self.right)
        )
    }
}

/// The first relation symbol in `s`: the relation, its byte offset and length.
fn relation_at(s: &str) -> Option<(Relation, usize, usize)> {
    [
        ("<=", Relation::AtMost),
        (">=", Relation::AtLeast),
        ("≤", Relation::AtMost),
        ("≥", Relation::AtLeast),
        ("＝", Relation::Equal),
        ("=", Relation::Equal),
    ]
    .into_iter()
    .filter_map(|(token, relation)| s.find(token).map(|i| (relation, i, token.len())))
    .min_by_key(|&(_, i, len)| (i, usize::MAX - len))
}

/// Parses the terms of one side, starting at byte `base` of the whole text.
fn side(s: &str, base: usize) -> Result<Vec<Term>, SyntaxError> {
    let mut terms = Vec::new();
    let mut negative = false;
    let mut start = 0;
    let mut push = |piece: &str, at: usize, negative: bool| -> Result<(), SyntaxError> {
        let name = piece.trim();
        if name.is_empty() {
            return Err(SyntaxError {
                offset: base + at,
                message: "缺少名称（两个运算符之间或等号一侧为空）".to_owned(),
            });
        }
        terms.push(Term {
            negative,
            name: name.to_owned(),
        });
        Ok(())
    };
    for (i, c) in s.char_indices() {
        if matches!(c, '+' | '＋' | '-' | '−' | '－') {
            push(&s[start..i], start, negative)?;
            negative = c != '+' && c != '＋';
            start = i + c.len_utf8();
        }
    }
    push(&s[start..], start, negative)?;
    Ok(terms)
}

/// Parses `left op right` where op is `=`, `≤`/`<=` or `≥`/`>=`.
pub fn parse(text: &str) -> Result<Identity, SyntaxError> {
    let Some((relation, at, len)) = relation_at(text) else {
        return Err(SyntaxError {
            offset: 0,
            message: "缺少关系符（=、≤ 或 ≥）".to_owned(),
        });
    };
    let after = at + len;
    if relation_at(&text[after..]).is_some() {
        return Err(SyntaxError {
            offset: after,
            message: "只能有一个关系符（=、≤ 或 ≥）".to_owned(),
        });
    }
    Ok(Identity {
        left: side(&text[..at], 0)?,
        relation,
        right: side(&text[after..], after)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(terms: &[Term]) -> Vec<(&str, bool)> {
        terms
            .iter()
            .map(|t| (t.name.as_str(), t.negative))
            .collect()
    }

    #[test]
    fn sums_and_relations() {
        let id = parse("收到申请数 = 当面申请数 + 传真申请数 + 网络申请数").unwrap();
        assert_eq!(id.relation, Relation::Equal);
        assert_eq!(names(&id.left), [("收到申请数", false)]);
        assert_eq!(id.right.len(), 3);
        let id = parse("主动公开规范性文件数 ≤ 主动公开政府信息数").unwrap();
        assert_eq!(id.relation, Relation::AtMost);
        let id = parse("a + b >= c - d").unwrap();
        assert_eq!(id.relation, Relation::AtLeast);
        assert_eq!(names(&id.right), [("c", false), ("d", true)]);
        assert_eq!(id.to_string(), "a + b ≥ c − d");
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(parse("a + b").unwrap_err().offset, 0);
        let e = parse("a + = b").unwrap_err();
        assert_eq!(e.offset, 3);
        let e = parse("a = b = c").unwrap_err();
        assert_eq!(e.offset, 3);
    }
}
