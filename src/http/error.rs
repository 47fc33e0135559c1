//! The mapping of dira's one error type ([`AppError`], `crate::error`) to
//! `application/problem+json` (RFC 9457): which status each error answers with, and
//! the problem body. Nothing else about errors lives here.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, FieldError};

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Validation(_) | AppError::InvalidFile(..) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(..) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(..) | AppError::Duplicate(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            AppError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::Busy | AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (detail, errors) = match self {
            AppError::Validation(errors) => (
                Some("the request breaks the uniform registration; see errors".to_owned()),
                errors.clone(),
            ),
            AppError::Forbidden(m, errors)
            | AppError::Conflict(m, errors)
            | AppError::InvalidFile(m, errors) => (Some(m.clone()), errors.clone()),
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "request failed");
                (None, Vec::new())
            }
            other => (Some(other.to_string()), Vec::new()),
        };
        let problem = Problem {
            kind: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        };
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        match self {
            AppError::Unauthorized(_) => {
                response.insert_header(("WWW-Authenticate", "Bearer"));
            }
            AppError::Unavailable(_) => {
                response.insert_header((actix_web::http::header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        response.json(problem)
    }
}

/// Turns a path segment that is not of its parameter's type (a year beyond `i32`)
/// into a 422 problem.
pub fn path_error(
    err: actix_web::error::PathError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    AppError::field("path", err.to_string()).into()
}

/// Turns malformed query strings into a 422 problem.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    AppError::field("query", err.to_string()).into()
}
