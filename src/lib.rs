//! xxgk: a compliance linter and language server for Chinese government
//! information-disclosure annual reports (政府信息公开工作年度报告).
//!
//! The analysis core (`text`, `report`, `tables`, `regime`, `pack`, `check`,
//! `diagnostic`) does no I/O: it takes text and compiled packs and returns
//! findings. The front ends (`cli`, and the language server) read files, talk
//! to users and hold no rule logic. `emit` turns findings into output formats.
//! See docs/ARCHITECTURE.md.

pub mod baseline;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod extract;
pub mod lsp;
pub mod pack;
pub mod regime;
pub mod report;
pub mod tables;
pub mod text;
