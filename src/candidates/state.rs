//! Where a candidate stands: open until a screener promotes or dismisses it (domain.md,
//! "Candidates from the general incidents").

use std::fmt;

/// The state of a candidate, stored as its upper-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateState {
    /// Found by the scan, not yet decided.
    Open,
    /// Taken over as an incident of its unit.
    Promoted,
    /// Not a discrimination incident; a reason is kept.
    Dismissed,
}

impl CandidateState {
    /// The stored name: `OPEN`, `PROMOTED` or `DISMISSED`.
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateState::Open => "OPEN",
            CandidateState::Promoted => "PROMOTED",
            CandidateState::Dismissed => "DISMISSED",
        }
    }

    /// The state a stored name stands for.
    pub fn parse(s: &str) -> Option<CandidateState> {
        [
            CandidateState::Open,
            CandidateState::Promoted,
            CandidateState::Dismissed,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

impl fmt::Display for CandidateState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
