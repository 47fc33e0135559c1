//! `POST /api/v1/imports`: the exchange CSV as the request body, same rules as
//! `dira import`.

use actix_web::{post, web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::import::{audit_summary, import, ImportFailure, ImportOptions, ImportReport};
use crate::auth::guard::AuditNote;
use crate::auth::Principal;
use crate::db::RetryableError;
use crate::error::{AppError, FieldError};
use crate::http::error::Problem;
use crate::state::AppState;

/// Errors listed in an import's answer; `error_count` and the detail give the rest.
const MAX_LISTED_ERRORS: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Store the valid rows and report the rest (default: all or nothing).
    #[serde(default)]
    skip_invalid: bool,
}

/// Import an exchange CSV.
///
/// All or nothing by default: one invalid row and nothing is stored; every invalid
/// row is reported with its line. With `skip_invalid=true` the valid rows are stored.
#[utoipa::path(
    tag = "exchange",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "Exchange CSV (contract.md)"),
    responses(
        (status = 201, description = "Imported (with `skip_invalid`, `errors` lists the rows left out)", body = ImportReport),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 32 MiB: use `dira import`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid rows (nothing stored; the first 100 errors listed) or not an exchange CSV", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/imports")]
pub async fn import_csv(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body =
        crate::http::body::bytes_limited(&req, payload, crate::http::MAX_IMPORT_BYTES).await?;
    let options = ImportOptions {
        skip_invalid: query.skip_invalid,
        user: principal.user.clone(),
        role: principal.role.to_string(),
        at: state.clock.now(),
        max_errors: MAX_LISTED_ERRORS,
    };
    let catalog = state.catalog.clone();
    let report = state
        .db
        // A refused import is not a failed transaction: the outcome travels inside Ok
        // and becomes the answer after the commit. A number stored meanwhile by
        // another import or replica (PostgreSQL) fails the transaction instead, so it
        // is run again, and then finds the number in use.
        .write_async(
            move |conn| match import(conn, &catalog, &body[..], &options, &|_| {}) {
                Err(ImportFailure::Database(e)) if e.is_retryable() => Err(AppError::from(e)),
                outcome => Ok(outcome),
            },
        )
        .await?;
    let (outcome, detail) = audit_summary(&report);
    req.extensions_mut()
        .insert(AuditNote(format!("{outcome} {detail}")));
    let report = report.map_err(|failure| match failure {
        ImportFailure::Unreadable(m) => AppError::Validation(vec![FieldError::new("header", m)]),
        ImportFailure::Invalid(report) => AppError::InvalidFile(
            format!(
                "{} invalid row(s), {} error(s); nothing was stored. The first {} are listed",
                report.invalid_lines,
                report.error_count,
                report.errors.len()
            ),
            report.errors,
        ),
        ImportFailure::Database(e) => e.into(),
        ImportFailure::Sqlite(e) => AppError::Internal(e.into()),
    })?;
    Ok(HttpResponse::Created().json(report))
}
