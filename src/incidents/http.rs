//! HTTP handlers for incidents: translate requests to store calls and back.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpMessage, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::draft::Draft;
use super::fields::IncidentFields;
use super::model::{Incident, Status};
use super::store::{self, IdempotencyKey, ListFilter};
use crate::auth::guard::AuditObject;
use crate::auth::{Principal, Role};
use crate::http::error::{AppError, FieldError, Problem};
use crate::http::AppState;

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
    let key = idempotency_key(&req, &fields)?;
    let (json, id, version, replayed) =
        match register_incident(&state, principal, fields, key).await? {
            Registered::New {
                row,
                entry,
                principal,
                rendered,
            } => {
                let (id, version) = (row.id.clone(), i64::from(row.version));
                let json = match rendered {
                    Some(json) => json,
                    None => registered_json(*row, &principal, entry)?,
                };
                (json, id, version, false)
            }
            Registered::Replayed(first) => {
                let (id, version) = id_and_version(&first);
                (first, id, version, true)
            }
        };
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

/// What a registration produced.
pub enum Registered {
    /// A new incident: its row and first history entry (and its JSON answer when it
    /// carried an Idempotency-Key, stored with it).
    New {
        row: Box<super::IncidentRow>,
        entry: super::HistoryEntry,
        principal: Principal,
        rendered: Option<String>,
    },
    /// A retry with a known Idempotency-Key: the first answer.
    Replayed(String),
}

/// Validates and stores a registration by `principal`: the one way in for the API and
/// the web pages. Every report is taken (INCOMPLETE when classification is missing);
/// invalid values are refused with every problem named.
pub async fn register_incident(
    state: &AppState,
    principal: Principal,
    fields: IncidentFields,
    key: Option<IdempotencyKey>,
) -> Result<Registered, AppError> {
    let mut draft = Draft::new(principal.scope.unit().unwrap_or_default().to_owned());
    let mut errors = Vec::new();
    draft.apply(fields, true, &mut errors);
    // An unknown unit is a validation error (422); a known unit outside the user's
    // scope is refused (403).
    let known_unit = state
        .catalog
        .list("unit")
        .iter()
        .any(|c| c.code == draft.unit);
    if known_unit && !principal.sees_unit(&draft.unit) {
        return Err(AppError::Forbidden(
            format!("you register for unit {} only", principal.scope),
            vec![FieldError::new("unit", "is outside your scope")
                .allowed(vec![principal.scope.to_string()])],
        ));
    }
    draft.validate(&state.catalog, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let user = principal.user.clone();
    state
        .db
        .write_async(move |conn| {
            if let Some(key) = &key {
                if let Some(first) = store::replay(conn, &user, key)? {
                    return Ok(Registered::Replayed(first));
                }
            }
            let (row, entry) = store::register(conn, &user, &draft)?;
            // With a key the answer is stored with the registration; without one it
            // is rendered after the commit, off the single writer's thread.
            let rendered = match &key {
                Some(key) => {
                    let json = registered_json(row.clone(), &principal, entry.clone())?;
                    store::remember(conn, &user, key, &row.id, &json)?;
                    Some(json)
                }
                None => None,
            };
            Ok::<_, AppError>(Registered::New {
                row: Box::new(row),
                entry,
                principal: principal.clone(),
                rendered,
            })
        })
        .await
}

fn registered_json(
    row: super::IncidentRow,
    principal: &Principal,
    entry: super::HistoryEntry,
) -> Result<String, AppError> {
    let view = Incident::view(row, principal, Some(vec![entry]));
    Ok(serde_json::to_string(&view).map_err(anyhow::Error::from)?)
}

fn idempotency_key(
    req: &HttpRequest,
    fields: &IncidentFields,
) -> Result<Option<IdempotencyKey>, AppError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > 200 {
        return Err(AppError::field(
            "Idempotency-Key",
            "must be 1 to 200 visible ASCII characters",
        ));
    }
    let body = serde_json::to_vec(fields).map_err(anyhow::Error::from)?;
    Ok(Some(IdempotencyKey {
        key: key.to_owned(),
        request_hash: hex::encode(Sha256::digest(body)),
    }))
}

/// The id and version of a stored first answer (a replay).
fn id_and_version(json: &str) -> (String, i64) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    (
        v["id"].as_str().unwrap_or_default().to_owned(),
        v["version"].as_i64().unwrap_or_default(),
    )
}

/// An incident with its history.
///
/// The narrative is shown only to users of the incident's own unit. An incident
/// outside the user's scope answers 404, as if it did not exist.
#[utoipa::path(
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id (UUID)")),
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
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = state
        .db
        .run(move |db| store::read_visible(&mut *db.conn()?, &principal, &id))
        .await?;
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
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = list_filter(&state, &principal, query.into_inner())?;
    let limit = filter.limit;
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
            let items = rows
                .into_iter()
                .map(|r| Incident::view(r, &principal, None))
                .collect();
            Ok::<_, AppError>(IncidentPage { items, next_cursor })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

fn list_filter(
    state: &AppState,
    principal: &Principal,
    q: ListQuery,
) -> Result<ListFilter, AppError> {
    let mut errors = Vec::new();
    let unit = match (q.unit, principal.scope.unit()) {
        (Some(u), _) if !principal.sees_unit(&u) => {
            return Err(AppError::Forbidden(
                format!("you see unit {} only", principal.scope),
                vec![FieldError::new("unit", "is outside your scope")
                    .allowed(vec![principal.scope.to_string()])],
            ))
        }
        (Some(u), _) => {
            if !state.catalog.list("unit").iter().any(|c| c.code == u) {
                errors.push(
                    FieldError::new("unit", format!("unknown unit {u:?}")).allowed(
                        state
                            .catalog
                            .list("unit")
                            .iter()
                            .map(|c| c.code.clone())
                            .collect(),
                    ),
                );
            }
            Some(u)
        }
        (None, own) => own.map(str::to_owned),
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
    let (from, until) = crate::http::period(q.from.as_deref(), q.to.as_deref(), &mut errors);
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
    Ok(ListFilter {
        unit,
        status,
        from,
        until,
        ground,
        after,
        limit,
    })
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
    let expected = crate::http::if_match(&req)?;
    let id = id.into_inner();
    let fields = body.into_inner();
    let catalog = state.catalog.clone();
    let view = state
        .db
        .write_async(move |conn| {
            let mut row = store::get(conn, &id)?;
            if !principal.sees_unit(&row.unit) {
                return Err(AppError::NotFound);
            }
            let status = row.status();
            if principal.role == Role::Registrar {
                if row.created_by != principal.user {
                    return Err(AppError::forbidden(
                        "registrars correct their own registrations only",
                    ));
                }
                if status.is_screened() {
                    return Err(AppError::Conflict(
                        format!(
                            "the incident is {status}: only the unit's screener changes it now"
                        ),
                        Vec::new(),
                    ));
                }
            }
            expected.check(row.version)?;
            let before = Draft::from_row(&row);
            let mut after = before.clone();
            let mut errors = Vec::new();
            after.apply(fields.clone(), false, &mut errors);
            after.validate(&catalog, &mut errors);
            let missing = after.missing();
            if status == Status::Confirmed && !missing.is_empty() {
                for field in &missing {
                    errors.push(FieldError::new(
                        *field,
                        "a confirmed incident must stay complete",
                    ));
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            let new_status = match status {
                Status::Confirmed | Status::Rejected => status,
                Status::Incomplete | Status::Registered | Status::NeedsInfo
                    if missing.is_empty() =>
                {
                    Status::Registered
                }
                Status::NeedsInfo => Status::NeedsInfo,
                _ => Status::Incomplete,
            };
            let mut changes = after.changes_since(Some(&before));
            if new_status != status {
                changes.insert(
                    "status".into(),
                    serde_json::json!({"old": status.as_str(), "new": new_status.as_str()}),
                );
            }
            if !changes.is_empty() {
                after.write_into(&mut row);
                row.status = new_status.as_str().to_owned();
                store::save_change(conn, &mut row, &principal.user, "updated", changes)?;
            }
            store::view(conn, row, &principal)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view))
}
