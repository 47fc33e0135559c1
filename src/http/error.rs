//! The one error type of the HTTP layer and its mapping to `application/problem+json`
//! (RFC 9457). Which error to use:
//!
//! - input that breaks the uniform registration: [`AppError::Validation`] (422) with one
//!   [`FieldError`] per field, naming the allowed values where there is a list;
//! - no or a bad token: [`AppError::Unauthorized`] (401);
//! - a role or unit the user lacks: [`AppError::Forbidden`] (403);
//! - an incident that does not exist *or is outside the user's scope*: [`AppError::NotFound`]
//!   (404, so existence does not leak);
//! - a stale `If-Match`: [`AppError::PreconditionFailed`] (412);
//! - a body over the endpoint's limit: [`AppError::PayloadTooLarge`] (413); a body of
//!   another media type: [`AppError::UnsupportedMediaType`] (415);
//! - a state that forbids the change: [`AppError::Conflict`] (409); a taken unique key:
//!   [`AppError::Duplicate`] (409);
//! - anything else: [`AppError::Internal`], logged with its cause, shown as an opaque 500.
//!
//! Database errors are mapped once, in `From<diesel::result::Error>`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, as named in the request (`grounds`, `occurred_to`, …).
    pub field: String,
    pub message: String,
    /// The values the field accepts, where there is a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// The line of an imported CSV file (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
            allowed: None,
            line: None,
        }
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub fn allowed(mut self, allowed: Vec<String>) -> Self {
        self.allowed = Some(allowed);
        self
    }
}

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

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String, Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String, Vec<FieldError>),
    /// A unique key was taken, usually by a concurrent request.
    #[error("already exists: {0}")]
    Duplicate(String),
    #[error("the incident has changed: current version is {current}")]
    PreconditionFailed { current: i32 },
    #[error("If-Match with the incident's current version is required")]
    PreconditionRequired,
    #[error("the database is busy; try again")]
    Busy,
    /// A body larger than the endpoint takes (RFC 9110 §15.5.14).
    #[error("the body is larger than the {limit} bytes this endpoint takes")]
    PayloadTooLarge { limit: usize },
    /// A body of a media type the endpoint does not take (RFC 9110 §15.5.16).
    #[error("the body must be {0}")]
    UnsupportedMediaType(&'static str),
    /// A file with invalid rows: the detail counts them, `errors` lists the first.
    #[error("{0}")]
    InvalidFile(String, Vec<FieldError>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into(), Vec::new())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(K::UniqueViolation, info) => {
                AppError::Duplicate(info.message().to_owned())
            }
            Error::DatabaseError(K::Unknown, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("busy") =>
            {
                AppError::Busy
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl crate::db::RetryableError for AppError {
    fn is_retryable(&self) -> bool {
        // Repeating the transaction either succeeds (the race is gone) or finds the
        // taken key by looking first and answers with a precise error.
        matches!(self, AppError::Duplicate(_))
    }
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
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
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
        if let AppError::Unauthorized(_) = self {
            response.insert_header(("WWW-Authenticate", "Bearer"));
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
