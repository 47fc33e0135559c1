//! `GET /health`: is the database reachable?

use actix_web::{route, web, HttpResponse};
use diesel::connection::SimpleConnection;

use super::error::Problem;
use crate::error::AppError;
use crate::state::AppState;

/// 200 when the database answers; `HEAD` answers the same without a body.
#[utoipa::path(
    method(get, head),
    path = "/health",
    tag = "service",
    responses(
        (status = 200, description = "The service and its database are up", body = Object, example = json!({"status": "ok"})),
        (status = 500, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[route("/health", method = "GET", method = "HEAD")]
pub async fn health(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    state
        .db
        .run(|db| {
            db.conn()?
                .batch_execute("SELECT 1")
                .map_err(anyhow::Error::from)?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ok"})))
}

/// Readiness for a load balancer: 200 when this replica can serve, 503 while it
/// cannot: the database is unreachable, or its schema is not this build's (another
/// replica is migrating it, or it was migrated by a newer dira). `HEAD` answers the
/// same without a body. (`/health` is liveness: the process and its database answer.)
#[utoipa::path(
    method(get, head),
    path = "/health/ready",
    tag = "service",
    responses(
        (status = 200, description = "Ready to serve", body = Object, example = json!({"status": "ready"})),
        (status = 503, description = "Not ready: database unreachable or schema not this build's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[route("/health/ready", method = "GET", method = "HEAD")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let checked = state
        .db
        .run(|db| {
            let mut conn = db.conn()?;
            Ok::<_, anyhow::Error>(crate::db::schema_state(&mut conn)?.is_current())
        })
        .await;
    match checked {
        Ok(true) => Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ready"}))),
        Ok(false) => Err(AppError::Unavailable(
            "the database schema is not this build's (a migration is pending or running)".into(),
        )),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database cannot be reached");
            Err(AppError::Unavailable(
                "the database cannot be reached".into(),
            ))
        }
    }
}

/// Any method but GET and HEAD on `/health` (RFC 9110 §15.5.6).
pub async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((actix_web::http::header::ALLOW, "GET, HEAD"))
        .finish()
}
