//! Candidates: general police incidents that were not registered as discrimination
//! but look like it. The scan finds them by terms and incident codes; a screener
//! promotes one to an incident or dismisses it.

mod decide;
pub mod http;
mod matcher;
mod scan;
mod state;

pub use decide::{dismiss_candidate, promote_candidate, read_candidate, Candidate};
pub use matcher::{normalise, Matcher};
pub use scan::{scan, Match, ScanReport, DEFAULT_CODES, DEFAULT_TERMS};
pub use state::CandidateState;
