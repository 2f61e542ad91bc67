//! The default packs, compiled into the binary so `xxgk check` works with no
//! set-up. Adding a file under `rules/` means adding it here.

/// `(origin, text)` of each embedded pack.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("rules/cn.toml", include_str!("../../rules/cn.toml")),
    ("rules/gbt.toml", include_str!("../../rules/gbt.toml")),
    (
        "rules/beijing.toml",
        include_str!("../../rules/beijing.toml"),
    ),
    (
        "rules/beijing-chaoyang.toml",
        include_str!("../../rules/beijing-chaoyang.toml"),
    ),
];

/// The embedded packs as sources for `PackSet::new`, to load with others.
pub fn embedded_sources() -> Vec<super::PackSource> {
    EMBEDDED
        .iter()
        .map(|(origin, text)| super::PackSource {
            origin: (*origin).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}
