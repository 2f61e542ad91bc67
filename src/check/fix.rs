//! Applying fixes until the text settles: what `xxgk fix` does, and what the
//! fix harness checks (Ruff's loop: apply the compatible fixes, check again,
//! repeat).

use super::{CheckOptions, Outcome, check};
use crate::diagnostic::compatible_edits;
use crate::diagnostic::{Applicability, Fix};
use crate::pack::PackSet;

/// Fixes from rounds after this many are left for the writer: a loop that
/// does not settle is a rule bug, not a reason to hang.
pub const MAX_ROUNDS: usize = 10;

/// The text after fixing, and what is left.
#[derive(Debug)]
pub struct Fixed {
    pub text: String,
    /// Fixes applied, over all rounds.
    pub applied: usize,
    /// Rounds that applied something.
    pub rounds: usize,
    /// The check of the final text.
    pub remaining: Outcome,
}

/// Applies the safe fixes (and the unsafe ones too when `applicability` is
/// `Unsafe`) round after round until none applies.
pub fn fix_text(
    packs: &PackSet,
    text: &str,
    options: &CheckOptions,
    applicability: Applicability,
) -> Result<Fixed, String> {
    let mut text = text.to_owned();
    let mut applied = 0;
    let mut rounds = 0;
    loop {
        let outcome = check(packs, &text, options)?;
        let fixes: Vec<&Fix> = outcome
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability >= applicability)
            .collect();
        let (edits, count) = compatible_edits(fixes);
        if count == 0 || rounds == MAX_ROUNDS {
            return Ok(Fixed {
                text,
                applied,
                rounds,
                remaining: outcome,
            });
        }
        text = Fix::new(String::new(), Applicability::Safe, edits).apply(&text);
        applied += count;
        rounds += 1;
    }
}
