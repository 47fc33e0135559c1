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

/// Any method but GET and HEAD on `/health` (RFC 9110 §15.5.6).
pub async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((actix_web::http::header::ALLOW, "GET, HEAD"))
        .finish()
}
