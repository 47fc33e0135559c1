//! Screening by the unit's discrimination contact: decisions (confirm with
//! reclassification, reject with a reason, ask for more information), reopening,
//! the unit's queue and lead-time statistics.
//!
//! Incidents older than the target (`DIRA_SCREENING_TARGET_DAYS`, default 14, read in
//! `crate::config`) and not yet decided are overdue.

mod decision;
pub mod http;
mod queue;
mod stats;

pub use decision::{decide, reopen, Decision, Outcome};
pub use queue::{age_days, queue, QueueFilter};
pub use stats::{median_and_p90, stats, StatsFilter};

/// The lead-time target in days, from `DIRA_SCREENING_TARGET_DAYS`
/// ([`crate::config::screening_target_days`]).
pub fn target_days() -> i64 {
    crate::config::screening_target_days()
}
