//! Screening over HTTP: the queue, decisions, reopening and lead-time statistics.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::decision::{decide, reopen, Decision};
use super::queue::{queue, Queue, QueueFilter, CANDIDATE};
use super::stats::{stats, Stats, StatsFilter};
use crate::auth::Principal;
use crate::error::{AppError, FieldError};
use crate::http::error::Problem;
use crate::incidents::{Incident, Status};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Unit code (default: your own).
    unit: Option<String>,
    /// INCOMPLETE, REGISTERED, NEEDS_INFO, CONFIRMED, REJECTED or CANDIDATE.
    status: Option<String>,
    /// District code (incidents only).
    district: Option<String>,
    /// Why you need incidents registered more than a year ago (Wpg art. 8); one line,
    /// at most 300 characters. Recorded in the audit log with each such incident in
    /// the queue; "reason not given" when absent.
    reason: Option<String>,
}

/// The unit's screening queue: undecided incidents and open candidates, oldest first.
#[utoipa::path(
    tag = "screening",
    params(QueueQuery),
    responses(
        (status = 200, description = "The queue", body = Queue),
        (status = 403, description = "Not a screener, or another unit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/screening/queue")]
pub async fn read_queue(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let reason = crate::retention::access::AccessReason::parse(q.reason.as_deref())?;
    let unit = principal
        .unit_to_see(&state.catalog, q.unit)?
        .ok_or_else(|| AppError::field("unit", "is required for users with national scope"))?;
    if let Some(s) = &q.status {
        if Status::parse(s).is_none() && s != CANDIDATE {
            let mut allowed = Status::names();
            allowed.push(CANDIDATE.to_owned());
            return Err(AppError::Validation(vec![FieldError::new(
                "status",
                format!("unknown status {s:?}"),
            )
            .allowed(allowed)]));
        }
    }
    let filter = QueueFilter {
        unit,
        status: q.status,
        district: q.district,
        target_days: state.screening_target_days,
        today: state.clock.today(),
    };
    let queue = state
        .db
        .run(move |db| Ok::<_, AppError>(queue(&mut *db.conn()?, &filter)?))
        .await?;
    let incidents = queue
        .items
        .iter()
        .filter(|i| i.kind == "incident")
        .map(|i| (i.id.as_str(), i.registered_at.as_str()));
    crate::http::restricted::note(&req, &state, incidents, reason.as_ref());
    Ok(HttpResponse::Ok().json(queue))
}

/// Decide on an incident: confirm (optionally reclassifying), reject with a reason,
/// or ask for more information.
///
/// Needs `If-Match` with the current version. The original classification and the
/// decision stay in the history.
#[utoipa::path(
    tag = "screening",
    params(
        ("id" = String, Path, description = "Incident id"),
        ("If-Match" = String, Header, description = "The version the decision is based on"),
    ),
    request_body = Decision,
    responses(
        (status = 200, description = "The decided incident", body = Incident),
        (status = 403, description = "Not a screener", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in your scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided: reopen first", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid decision", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/incidents/{id}/screening")]
pub async fn screen(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: crate::http::body::JsonObject<Decision>,
) -> Result<HttpResponse, AppError> {
    let expected = crate::http::preconditions::if_match(&req)?;
    let (id, decision, catalog) = (id.into_inner(), body.into_inner(), state.catalog.clone());
    let now = state.clock.now();
    let view = state
        .db
        .write_async(move |conn| decide(conn, &catalog, &principal, &id, &expected, &decision, now))
        .await?;
    crate::http::restricted::note_incident(&req, &state, &view);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reopening {
    /// Why the decision is reopened.
    pub reason: String,
}

/// Reopen a CONFIRMED or REJECTED incident: it goes back to REGISTERED.
#[utoipa::path(
    tag = "screening",
    params(
        ("id" = String, Path, description = "Incident id"),
        ("If-Match" = String, Header, description = "The version the reopening is based on"),
    ),
    request_body = Reopening,
    responses(
        (status = 200, description = "The reopened incident", body = Incident),
        (status = 403, description = "Not a screener", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in your scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not decided", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/incidents/{id}/reopen")]
pub async fn reopen_incident(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: crate::http::body::JsonObject<Reopening>,
) -> Result<HttpResponse, AppError> {
    let expected = crate::http::preconditions::if_match(&req)?;
    let (id, reason) = (id.into_inner(), body.into_inner().reason);
    let now = state.clock.now();
    let view = state
        .db
        .write_async(move |conn| reopen(conn, &principal, &id, &expected, &reason, now))
        .await?;
    crate::http::restricted::note_incident(&req, &state, &view);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Unit code (default: your own; national staff: every unit).
    unit: Option<String>,
    /// First decision day (Europe/Amsterdam), `YYYY-MM-DD`.
    from: Option<String>,
    /// Last decision day, inclusive.
    to: Option<String>,
}

/// Lead times per unit: decisions in the period, median and 90th percentile days
/// from registration to decision, share within target, and incidents overdue now.
#[utoipa::path(
    tag = "screening",
    params(StatsQuery),
    responses(
        (status = 200, description = "Figures per unit", body = Stats),
        (status = 403, description = "Role or unit not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/screening/stats")]
pub async fn read_stats(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let unit = principal.unit_to_see(&state.catalog, q.unit)?;
    let mut errors = Vec::new();
    let (from, until) = crate::dates::period(q.from.as_deref(), q.to.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let filter = StatsFilter {
        unit,
        from,
        until,
        target_days: state.screening_target_days,
        today: state.clock.today(),
    };
    let figures = state
        .db
        .run(move |db| Ok::<_, AppError>(stats(&mut *db.conn()?, &filter)?))
        .await?;
    Ok(HttpResponse::Ok().json(figures))
}
