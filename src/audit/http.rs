//! `GET /api/v1/audit`: the audit log for administrators. There is no endpoint that
//! changes or deletes an entry.

use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{search, AuditEntry, Filter};
use crate::error::{AppError, FieldError};
use crate::http::error::Problem;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// User name.
    user: Option<String>,
    /// Incident id: every access to that incident.
    incident: Option<String>,
    /// First day (Europe/Amsterdam), `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day (Europe/Amsterdam), inclusive.
    to: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

/// The audit log, newest first.
#[utoipa::path(
    tag = "administration",
    params(AuditQuery),
    responses(
        (status = 200, description = "Entries", body = AuditPage),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit")]
pub async fn read(
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let mut errors = Vec::new();
    let (from, until) = crate::dates::period(q.from.as_deref(), q.to.as_deref(), &mut errors);
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        errors.push(FieldError::new("limit", "must be 1 to 1000"));
    }
    let before_id = q.cursor.and_then(|c| {
        c.parse()
            .map_err(|_| {
                errors.push(FieldError::new(
                    "cursor",
                    "is not a cursor this service gave out",
                ))
            })
            .ok()
    });
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let filter = Filter {
        user: q.user,
        object: q.incident,
        from,
        until,
        before_id,
        limit: limit + 1,
    };
    let mut items = state
        .db
        .run(move |db| Ok::<_, AppError>(search(&mut *db.conn()?, &filter)?))
        .await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next_cursor = more
        .then(|| items.last().map(|e| e.id.to_string()))
        .flatten();
    Ok(HttpResponse::Ok().json(AuditPage { items, next_cursor }))
}
