//! Which legal regime a report falls under, from its report year.

use serde::{Deserialize, Deserializer, Serialize};

/// The regulation and format a report must follow.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
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

/// Packs name a regime by its year, written `"2007"` or `2007`.
impl<'de> Deserialize<'de> for Regime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Regime;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"2007\"、\"2019\" 或 \"2021\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Regime, E> {
                match v {
                    "2007" => Ok(Regime::R2007),
                    "2019" => Ok(Regime::R2019),
                    "2021" => Ok(Regime::R2021),
                    other => Err(E::custom(format!(
                        "未知的制度 “{other}”：可用 \"2007\"（2018 年度及以前）、\"2019\"（2019—2020 年度）、\"2021\"（2021 年度起）"
                    ))),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Regime, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Regime, E> {
                self.visit_str(&v.to_string())
            }
        }
        deserializer.deserialize_any(Visitor)
    }
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
    fn written_as_string_or_number() {
        #[derive(Deserialize)]
        struct W {
            regime: Vec<Regime>,
        }
        let w: W = toml::from_str("regime = [\"2007\", 2021]").unwrap();
        assert_eq!(w.regime, [Regime::R2007, Regime::R2021]);
        let e = toml::from_str::<W>("regime = [2008]").err().unwrap();
        assert!(e.message().contains("未知的制度 “2008”"), "{e}");
    }

    #[test]
    fn boundaries() {
        assert_eq!(Regime::for_year(2008), Regime::R2007);
        assert_eq!(Regime::for_year(2018), Regime::R2007);
        assert_eq!(Regime::for_year(2019), Regime::R2019);
        assert_eq!(Regime::for_year(2020), Regime::R2019);
        assert_eq!(Regime::for_year(2021), Regime::R2021);
    }
}
