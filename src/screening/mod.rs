//! Screening by the unit's discrimination contact: decisions (confirm with
//! reclassification, reject with a reason, ask for more information), reopening,
//! the unit's queue and lead-time statistics.
//!
//! Reads `DIRA_SCREENING_TARGET_DAYS` (default 14): incidents older than this and not
//! yet decided are overdue.

mod decision;
pub mod http;
mod queue;
mod stats;

pub use decision::{decide, reopen, Decision, Outcome};
pub use queue::{queue, QueueFilter};
pub use stats::{stats, StatsFilter};

/// The lead-time target in days, from `DIRA_SCREENING_TARGET_DAYS`.
pub fn target_days() -> i64 {
    std::env::var("DIRA_SCREENING_TARGET_DAYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|d: &i64| *d > 0)
        .unwrap_or(14)
}
