//! Deciding on a candidate, for the API and the screener's pages alike: read one,
//! promote it to an incident of its unit, or dismiss it with a reason.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::state::CandidateState;
use crate::auth::Principal;
use crate::codes::Catalog;
use crate::db::schema::candidates;
use crate::db::AnyConnection;
use crate::error::{AppError, FieldError};
use crate::incidents::{store, Draft, Incident, IncidentFields};

/// A candidate as the screener of its unit sees it.
#[derive(Debug, Queryable)]
pub struct Candidate {
    pub id: String,
    pub source_reference: String,
    pub registered_at: NaiveDateTime,
    pub unit: String,
    pub municipality: Option<String>,
    pub incident_code: String,
    pub narrative: String,
    /// The terms and codes that matched, joined by `|`.
    pub matched: String,
    /// OPEN, PROMOTED or DISMISSED.
    pub status: String,
    pub reason: Option<String>,
    pub incident_id: Option<String>,
}

/// A candidate of the user's unit (404 for any other).
pub fn read_candidate(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
) -> Result<Candidate, AppError> {
    let candidate: Candidate = candidates::table
        .find(id)
        .select((
            candidates::id,
            candidates::source_reference,
            candidates::registered_at,
            candidates::unit,
            candidates::municipality,
            candidates::incident_code,
            candidates::narrative,
            candidates::matched,
            candidates::status,
            candidates::reason,
            candidates::incident_id,
        ))
        .first(conn)?;
    if !principal.sees_unit(&candidate.unit) {
        return Err(AppError::NotFound);
    }
    Ok(candidate)
}

/// Loads an OPEN candidate of the user's unit (404 for any other unit, 409 when it
/// was decided already).
fn open_candidate(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
) -> Result<Candidate, AppError> {
    let candidate = read_candidate(conn, principal, id)?;
    if candidate.status != CandidateState::Open.as_str() {
        return Err(AppError::Conflict(
            format!("the candidate is already {}", candidate.status),
            Vec::new(),
        ));
    }
    Ok(candidate)
}

/// Records the decision on a candidate, made `at` (UTC).
fn close(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
    decision: (CandidateState, Option<&str>, Option<&str>),
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let (state, reason, incident) = decision;
    diesel::update(candidates::table.find(id))
        .set((
            candidates::status.eq(state.as_str()),
            candidates::reason.eq(reason),
            candidates::incident_id.eq(incident),
            candidates::decided_by.eq(&principal.user),
            candidates::decided_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Promotes an OPEN candidate to an incident of its unit; the classification is
/// required, the time, unit, municipality and narrative come from the general
/// incident.
pub fn promote_candidate(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    principal: &Principal,
    id: &str,
    fields: &IncidentFields,
    now: NaiveDateTime,
) -> Result<Incident, AppError> {
    let candidate = open_candidate(conn, principal, id)?;
    let unit = candidate.unit;
    let mut draft = Draft::new(unit.clone(), now);
    draft.narrative = Some(candidate.narrative);
    draft.municipality = candidate.municipality;
    let mut errors = Vec::new();
    draft.apply(fields.clone(), true, &mut errors);
    // What the general incident says stands.
    draft.unit = unit;
    draft.registered_at = candidate.registered_at;
    draft.source_reference = Some(candidate.source_reference);
    draft.registration_number = None;
    draft.validate(catalog, now, &mut errors);
    for field in draft.missing() {
        errors.push(FieldError::new(field, "is required to promote a candidate"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (row, entry) = store::register(conn, &principal.user, &draft, now)?;
    let promoted = (CandidateState::Promoted, None, Some(row.id.as_str()));
    close(conn, principal, id, promoted, now)?;
    Ok(Incident::view(row, principal, Some(vec![entry])))
}

/// Dismisses an OPEN candidate; the reason is required.
pub fn dismiss_candidate(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "is required: say why this is not a discrimination incident",
        ));
    }
    let reason = crate::text::note(reason).map_err(|m| AppError::field("reason", m))?;
    open_candidate(conn, principal, id)?;
    let dismissed = (CandidateState::Dismissed, Some(reason.as_str()), None);
    close(conn, principal, id, dismissed, now)
}
