//! Answers that carry incidents past the first term (Wpg art. 8;
//! [`crate::retention::access`]): each such incident is noted on the request, and the
//! guard gives it an audit entry of its own (`restricted access`) with the reason
//! given. Every handler whose answer holds an incident's data calls [`note`].

use actix_web::HttpRequest;

use crate::retention::access::{past_first_term, AccessReason};
use crate::state::AppState;

/// Whether an incident registered at `registered_at` (RFC 3339, as answers show it) is
/// past the first term now.
pub fn is_past(state: &AppState, registered_at: &str) -> bool {
    crate::dates::parse_timestamp(registered_at)
        .is_ok_and(|at| past_first_term(at.naive_utc(), state.first_term_ends()))
}

/// Notes on `req` those of `incidents` (id and registration time as RFC 3339, as
/// answers show them) registered before the first term ended, for `reason` (none
/// given: a write, or a read without one).
pub fn note<'a>(
    req: &HttpRequest,
    state: &AppState,
    incidents: impl IntoIterator<Item = (&'a str, &'a str)>,
    reason: Option<&AccessReason>,
) {
    let past: Vec<String> = incidents
        .into_iter()
        .filter(|(_, registered_at)| is_past(state, registered_at))
        .map(|(id, _)| id.to_owned())
        .collect();
    crate::auth::guard::audit_restricted(req, past, reason);
}

/// [`note`] for one incident as answered, for `reason`.
pub fn note_read(
    req: &HttpRequest,
    state: &AppState,
    incident: &crate::incidents::Incident,
    reason: Option<&AccessReason>,
) {
    note(
        req,
        state,
        [(incident.id.as_str(), incident.registered_at.as_str())],
        reason,
    );
}

/// [`note`] for one incident as a write answers it (no reason: the write is the
/// purpose).
pub fn note_incident(req: &HttpRequest, state: &AppState, incident: &crate::incidents::Incident) {
    note_read(req, state, incident, None);
}
