//! The one error type of dira's operations, for the API, the web pages and the CLI
//! alike. Which error to use:
//!
//! - input that breaks the uniform registration: [`AppError::Validation`] with one
//!   [`FieldError`] per field, naming the allowed values where there is a list;
//! - no or a bad credential: [`AppError::Unauthorized`];
//! - a role or unit the user lacks: [`AppError::Forbidden`];
//! - an incident that does not exist *or is outside the user's scope*:
//!   [`AppError::NotFound`] (so existence does not leak);
//! - a stale version: [`AppError::PreconditionFailed`];
//! - input over its size limit: [`AppError::PayloadTooLarge`]; of another media type:
//!   [`AppError::UnsupportedMediaType`];
//! - a state that forbids the change: [`AppError::Conflict`]; a taken unique key:
//!   [`AppError::Duplicate`];
//! - anything else: [`AppError::Internal`], logged with its cause, shown opaquely.
//!
//! Database errors are mapped once, in `From<diesel::result::Error>`. How each maps to
//! an HTTP answer (RFC 9457 problem+json) is `crate::http::error`'s business alone.

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

impl std::fmt::Display for FieldError {
    /// `line N: FIELD: message` for a line of a file, else `FIELD: message`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        write!(f, "{}: {}", self.field, self.message)
    }
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
    /// This replica cannot serve now, for the reason given (HTTP: 503 with
    /// `Retry-After`, RFC 9110 §15.6.4 and §10.2.3): readiness.
    #[error("{0}")]
    Unavailable(String),
    /// Input larger than the operation takes (HTTP: 413, RFC 9110 §15.5.14).
    #[error("the body is larger than the {limit} bytes this endpoint takes")]
    PayloadTooLarge { limit: usize },
    /// Input of a media type the operation does not take (HTTP: 415, RFC 9110 §15.5.16).
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

impl From<FieldError> for AppError {
    /// One invalid field: 422.
    fn from(e: FieldError) -> Self {
        AppError::Validation(vec![e])
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
            // Lost a race with a concurrent transaction (PostgreSQL): worth repeating.
            ref e @ Error::DatabaseError(K::SerializationFailure | K::Unknown, _)
                if crate::db::RetryableError::is_retryable(e) =>
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
        matches!(self, AppError::Duplicate(_) | AppError::Busy)
    }
}
