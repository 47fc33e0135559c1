//! Deciding on a candidate, for the API and the screener's pages alike: read one,
//! promote it to an incident of its unit, or dismiss it with a reason.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Principal;
use crate::codes::Catalog;
use crate::db::schema::candidates;
use crate::db::AnyConnection;
use crate::http::error::{AppError, FieldError};
use crate::incidents::draft::now;
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

/// Loads an OPEN candidate of the user's unit.
fn open_candidate(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
) -> Result<(String, String, NaiveDateTime, Option<String>, String), AppError> {
    let (source, unit, at, municipality, narrative, status): (
        String,
        String,
        NaiveDateTime,
        Option<String>,
        String,
        String,
    ) = candidates::table
        .find(id)
        .select((
            candidates::source_reference,
            candidates::unit,
            candidates::registered_at,
            candidates::municipality,
            candidates::narrative,
            candidates::status,
        ))
        .first(conn)?;
    if !principal.sees_unit(&unit) {
        return Err(AppError::NotFound);
    }
    if status != "OPEN" {
        return Err(AppError::Conflict(
            format!("the candidate is already {status}"),
            Vec::new(),
        ));
    }
    Ok((source, unit, at, municipality, narrative))
}

fn close(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
    status: &str,
    reason: Option<&str>,
    incident: Option<&str>,
) -> Result<(), AppError> {
    diesel::update(candidates::table.find(id))
        .set((
            candidates::status.eq(status),
            candidates::reason.eq(reason),
            candidates::incident_id.eq(incident),
            candidates::decided_by.eq(&principal.user),
            candidates::decided_at.eq(Some(now())),
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
) -> Result<Incident, AppError> {
    let (source, unit, at, municipality, narrative) = open_candidate(conn, principal, id)?;
    let mut draft = Draft::new(unit.clone());
    draft.narrative = Some(narrative);
    draft.municipality = municipality;
    let mut errors = Vec::new();
    draft.apply(fields.clone(), true, &mut errors);
    // What the general incident says stands.
    draft.unit = unit;
    draft.registered_at = at;
    draft.source_reference = Some(source);
    draft.registration_number = None;
    draft.validate(catalog, &mut errors);
    for field in draft.missing() {
        errors.push(FieldError::new(field, "is required to promote a candidate"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (row, entry) = store::register(conn, &principal.user, &draft)?;
    close(conn, principal, id, "PROMOTED", None, Some(&row.id))?;
    Ok(Incident::view(row, principal, Some(vec![entry])))
}

/// Dismisses an OPEN candidate; the reason is required.
pub fn dismiss_candidate(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
    reason: &str,
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
    close(conn, principal, id, "DISMISSED", Some(&reason), None)
}
