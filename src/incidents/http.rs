//! HTTP handlers for incidents: translate requests to store calls and back.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpMessage, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::fields::IncidentFields;
use super::model::{Incident, Status};
use super::register::{idempotency_key, Registered};
use super::store::{self, ListFilter};
use crate::auth::guard::{audit_restricted, AuditObject};
use crate::auth::Principal;
use crate::error::{AppError, FieldError};
use crate::http::error::Problem;
use crate::retention::access::{past_first_term, AccessReason};
use crate::state::AppState;

const MAX_PAGE: i64 = 500;
const DEFAULT_PAGE: i64 = 50;

/// Register an incident.
///
/// Every report is taken: when classification fields are missing the incident is
/// stored as INCOMPLETE and `missing` lists them. Values that break the uniform
/// registration (unknown or invalid codes, malformed dates, `occurred_to` before
/// `occurred_from`, unknown municipality or unit) are refused with 422. A retry with
/// the same `Idempotency-Key` returns the first answer instead of a second incident.
#[utoipa::path(
    tag = "incidents",
    request_body = IncidentFields,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    responses(
        (status = 201, description = "Registered", body = Incident),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role or unit not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Registration number in use, or key reused", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/incidents")]
pub async fn register(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    body: crate::http::body::JsonObject<IncidentFields>,
) -> Result<HttpResponse, AppError> {
    let fields = body.into_inner();
    let key = match req.headers().get("Idempotency-Key") {
        Some(value) => Some(idempotency_key(
            value.to_str().unwrap_or_default(),
            &fields,
        )?),
        None => None,
    };
    let registered = super::register(
        &state.db,
        &state.catalog,
        &state.clock,
        principal,
        fields,
        key,
    )
    .await?;
    let replayed = matches!(registered, Registered::Replayed(_));
    let (json, id, version) = registered.into_json()?;
    req.extensions_mut().insert(AuditObject(id.clone()));
    let mut response = HttpResponse::Created();
    response
        .content_type("application/json")
        .insert_header((header::LOCATION, format!("/api/v1/incidents/{id}")))
        .insert_header((header::ETAG, format!("\"{version}\"")));
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.body(json))
}

/// Why incidents past the first term are reached (`docs/retention.md`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReasonQuery {
    /// Why you need an incident registered more than a year ago (Wpg art. 8); one
    /// line, at most 300 characters. Recorded in the audit log with each such
    /// incident reached; "reason not given" when absent.
    reason: Option<String>,
}

/// An incident with its history.
///
/// The narrative is shown only to users of the incident's own unit. An incident
/// outside the user's scope answers 404, as if it did not exist. Registrars do not
/// reach incidents past the first term (one year); others do, and each such read is
/// audited with the `reason` given.
#[utoipa::path(
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id (UUID)"), ReasonQuery),
    responses(
        (status = 200, description = "The incident; ETag holds its version", body = Incident),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in your scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/incidents/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<ReasonQuery>,
) -> Result<HttpResponse, AppError> {
    let reason = AccessReason::parse(query.reason.as_deref())?;
    let id = id.into_inner();
    let restricted = state.restricted_before(&principal);
    let view = state
        .db
        .run(move |db| store::read_visible(&mut *db.conn()?, &principal, &id, restricted))
        .await?;
    crate::http::restricted::note_read(&req, &state, &view, reason.as_ref());
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Unit code; users with a unit scope see only their own unit.
    unit: Option<String>,
    /// INCOMPLETE, REGISTERED, NEEDS_INFO, CONFIRMED or REJECTED.
    status: Option<String>,
    /// First registration date (Europe/Amsterdam), `YYYY-MM-DD`.
    from: Option<String>,
    /// Last registration date (Europe/Amsterdam), inclusive, `YYYY-MM-DD`.
    to: Option<String>,
    /// Ground code.
    ground: Option<String>,
    /// Page size, 1 to 500 (default 50).
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Why you need incidents registered more than a year ago (Wpg art. 8); one line,
    /// at most 300 characters. Recorded in the audit log with each such incident on
    /// the page; "reason not given" when absent.
    reason: Option<String>,
}

/// A page of incidents, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentPage {
    /// Incidents without history; the narrative only within the unit.
    pub items: Vec<Incident>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A page of incidents in your scope, newest first.
#[utoipa::path(
    tag = "incidents",
    params(ListQuery),
    responses(
        (status = 200, description = "A page", body = IncidentPage),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Unit outside your scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/incidents")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, reason) = list_filter(&state, &principal, query.into_inner())?;
    let limit = filter.limit;
    let first_term_ends = state.first_term_ends();
    let page = state
        .db
        .run(move |db| {
            let mut rows = store::list(&mut *db.conn()?, &filter)?;
            let more = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            let next_cursor = more
                .then(|| {
                    rows.last().map(|r| {
                        format!("{}.{}", r.registered_at.and_utc().timestamp_micros(), r.id)
                    })
                })
                .flatten();
            let past: Vec<String> = rows
                .iter()
                .filter(|r| past_first_term(r.registered_at, first_term_ends))
                .map(|r| r.id.clone())
                .collect();
            let items = rows
                .into_iter()
                .map(|r| Incident::view(r, &principal, None))
                .collect();
            Ok::<_, AppError>((IncidentPage { items, next_cursor }, past))
        })
        .await?;
    let (page, past) = page;
    audit_restricted(&req, past, reason.as_ref());
    Ok(HttpResponse::Ok().json(page))
}

fn list_filter(
    state: &AppState,
    principal: &Principal,
    q: ListQuery,
) -> Result<(ListFilter, Option<AccessReason>), AppError> {
    let mut errors = Vec::new();
    let reason = AccessReason::parse(q.reason.as_deref()).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    // A unit outside the scope is refused (403) at once; an unknown one is reported
    // with every other problem of the query.
    let unit = match principal.unit_to_see(&state.catalog, q.unit) {
        Ok(unit) => unit,
        Err(AppError::Validation(unknown)) => {
            errors.extend(unknown);
            None
        }
        Err(refused) => return Err(refused),
    };
    let status = q.status.and_then(|s| {
        Status::parse(&s).or_else(|| {
            errors.push(
                FieldError::new("status", format!("unknown status {s:?}")).allowed(Status::names()),
            );
            None
        })
    });
    let ground = q.ground.inspect(|g| {
        let grounds = state.catalog.list("ground");
        if !grounds.iter().any(|c| &c.code == g) {
            errors.push(
                FieldError::new("ground", format!("unknown ground {g:?}"))
                    .allowed(grounds.iter().map(|c| c.code.clone()).collect()),
            );
        }
    });
    let (from, until) = crate::dates::period(q.from.as_deref(), q.to.as_deref(), &mut errors);
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        errors.push(FieldError::new("limit", format!("must be 1 to {MAX_PAGE}")));
    }
    let after = q.cursor.and_then(|c| {
        let parsed = c.split_once('.').and_then(|(micros, id)| {
            let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?;
            Some((at.naive_utc(), id.to_owned()))
        });
        if parsed.is_none() {
            errors.push(FieldError::new(
                "cursor",
                "is not a cursor this service gave out",
            ));
        }
        parsed
    });
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let filter = ListFilter {
        unit,
        status,
        from,
        until,
        ground,
        after,
        limit,
        restricted_before: state.restricted_before(principal),
    };
    Ok((filter, reason))
}

/// Correct an incident.
///
/// Needs `If-Match` with the current version (412 when stale). Registrars correct
/// their own registrations until they are screened; screeners any incident of their
/// unit. Absent fields stay, `null` clears; every change is kept in the history.
#[utoipa::path(
    tag = "incidents",
    params(
        ("id" = String, Path, description = "Incident id (UUID)"),
        ("If-Match" = String, Header, description = "The version the change is based on, e.g. \"3\""),
    ),
    request_body = IncidentFields,
    responses(
        (status = 200, description = "The changed incident", body = Incident),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role not allowed, or not your registration", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in your scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already screened", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/incidents/{id}")]
pub async fn correct(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: crate::http::body::JsonObject<IncidentFields>,
) -> Result<HttpResponse, AppError> {
    let expected = crate::http::preconditions::if_match(&req)?;
    let (id, fields) = (id.into_inner(), body.into_inner());
    let (catalog, now) = (state.catalog.clone(), state.clock.now());
    let restricted = state.restricted_before(&principal);
    let view = state
        .db
        .write_async(move |conn| {
            let row = store::get_reachable(conn, &principal, &id, restricted)?;
            super::correct(
                conn,
                &catalog,
                &principal,
                row,
                fields.clone(),
                &expected,
                now,
            )
        })
        .await?;
    crate::http::restricted::note_incident(&req, &state, &view);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view))
}
