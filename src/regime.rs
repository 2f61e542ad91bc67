//! Which legal regime a report falls under, from its report year.

use serde::{Deserialize, Serialize};

/// The regulation and format a report must follow.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub enum Regime {
    /// Report years up to 2018: 2007 条例 (国务院令第492号) Art. 32.
    #[serde(rename = "2007")]
    R2007,
    /// Report years 2019–2020: 2019 条例 (国务院令第711号) Art. 50 and the
    /// 2019 format (国办公开办函〔2019〕60号).
    #[serde(rename = "2019")]
    R2019,
    /// Report years from 2021: the 2021 format (国办公开办函〔2021〕30号).
    #[serde(rename = "2021")]
    R2021,
}

impl Regime {
    pub fn for_year(year: u16) -> Regime {
        match year {
            ..=2018 => Regime::R2007,
            2019 | 2020 => Regime::R2019,
            _ => Regime::R2021,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Regime::R2007 => "2007",
            Regime::R2019 => "2019",
            Regime::R2021 => "2021",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert_eq!(Regime::for_year(2008), Regime::R2007);
        assert_eq!(Regime::for_year(2018), Regime::R2007);
        assert_eq!(Regime::for_year(2019), Regime::R2019);
        assert_eq!(Regime::for_year(2020), Regime::R2019);
        assert_eq!(Regime::for_year(2021), Regime::R2021);
    }
}
