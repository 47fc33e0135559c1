//! Deciding on candidates: promote one to an incident, or dismiss it.

use actix_web::{post, web, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::db::schema::candidates;
use crate::db::AnyConnection;
use crate::http::error::{AppError, FieldError, Problem};
use crate::http::AppState;
use crate::incidents::draft::now;
use crate::incidents::{store, Draft, Incident, IncidentFields};

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

/// Promote a candidate to an incident of its unit, linked by `source_reference`.
///
/// The classification is required (grounds, manifestations, domain, victim kind,
/// registration type, channel); the time, unit, municipality and narrative come from
/// the general incident.
#[utoipa::path(
    tag = "screening",
    params(("id" = String, Path, description = "Candidate id")),
    request_body = IncidentFields,
    responses(
        (status = 201, description = "The new incident", body = Incident),
        (status = 403, description = "Not a screener", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such candidate in your unit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already promoted or dismissed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Classification missing or invalid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/candidates/{id}/promote")]
pub async fn promote(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: web::Json<IncidentFields>,
) -> Result<HttpResponse, AppError> {
    let (id, fields, catalog) = (id.into_inner(), body.into_inner(), state.catalog.clone());
    let view = state
        .db
        .write_async(move |conn| {
            let (source, unit, at, municipality, narrative) =
                open_candidate(conn, &principal, &id)?;
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
            draft.validate(&catalog, &mut errors);
            for field in draft.missing() {
                errors.push(FieldError::new(field, "is required to promote a candidate"));
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            let (row, entry) = store::register(conn, &principal.user, &draft)?;
            close(conn, &principal, &id, "PROMOTED", None, Some(&row.id))?;
            Ok(Incident::view(row, &principal, Some(vec![entry])))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dismissal {
    /// Why this general incident is not a discrimination incident.
    pub reason: String,
}

/// Dismiss a candidate with a reason.
#[utoipa::path(
    tag = "screening",
    params(("id" = String, Path, description = "Candidate id")),
    request_body = Dismissal,
    responses(
        (status = 204, description = "Dismissed"),
        (status = 403, description = "Not a screener", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such candidate in your unit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already promoted or dismissed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/candidates/{id}/dismiss")]
pub async fn dismiss(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: web::Json<Dismissal>,
) -> Result<HttpResponse, AppError> {
    let (id, reason) = (id.into_inner(), body.into_inner().reason.trim().to_owned());
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "is required: say why this is not a discrimination incident",
        ));
    }
    state
        .db
        .write_async(move |conn| {
            open_candidate(conn, &principal, &id)?;
            close(conn, &principal, &id, "DISMISSED", Some(&reason), None)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
