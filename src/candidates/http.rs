//! Deciding on candidates over the API: promote one to an incident, or dismiss it.

use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::decide::{dismiss_candidate, promote_candidate};
use crate::auth::Principal;
use crate::error::AppError;
use crate::http::error::Problem;
use crate::incidents::{Incident, IncidentFields};
use crate::state::AppState;

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
    req: actix_web::HttpRequest,
    id: web::Path<String>,
    body: crate::http::body::JsonObject<IncidentFields>,
) -> Result<HttpResponse, AppError> {
    let (id, fields, catalog) = (id.into_inner(), body.into_inner(), state.catalog.clone());
    let (candidate, now) = (id.clone(), state.clock.now());
    let view = state
        .db
        .write_async(move |conn| promote_candidate(conn, &catalog, &principal, &id, &fields, now))
        .await?;
    crate::auth::guard::audit_created(&req, &view.id, &candidate);
    crate::http::restricted::note_incident(&req, &state, &view);
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
    body: crate::http::body::JsonObject<Dismissal>,
) -> Result<HttpResponse, AppError> {
    let (id, reason, now) = (id.into_inner(), body.into_inner().reason, state.clock.now());
    state
        .db
        .write_async(move |conn| dismiss_candidate(conn, &principal, &id, &reason, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
