//! Where a candidate stands: open until a screener promotes or dismisses it (domain.md,
//! "Candidates from the general incidents").

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
}
