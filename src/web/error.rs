//! Failures on a web page, shown as a page in Dutch: the one place where the API's
//! errors become HTML.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use maud::html;

use super::layout;
use crate::auth::Principal;
use crate::error::AppError;

/// An [`AppError`] on its way to the browser.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl From<anyhow::Error> for PageError {
    fn from(e: anyhow::Error) -> Self {
        PageError(AppError::Internal(e))
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        refusal(&self.0, None)
    }
}

/// The answer to a refused or failed page request: not signed in goes to the sign-in
/// page; everything else is a page that says what happened.
pub fn refusal(e: &AppError, principal: Option<&Principal>) -> HttpResponse {
    if let AppError::Unauthorized(_) = e {
        return layout::see_other("/inloggen");
    }
    let (title, text) = match e {
        AppError::Forbidden(m, _) => ("Geen toegang", format!("Dit mag u niet doen ({m}).")),
        AppError::NotFound => (
            "Niet gevonden",
            "Dit incident bestaat niet of valt buiten uw eenheid.".to_owned(),
        ),
        AppError::PreconditionFailed { .. } => (
            "Intussen gewijzigd",
            "Iemand anders heeft dit incident intussen gewijzigd. Open het opnieuw.".to_owned(),
        ),
        AppError::Conflict(m, _) => ("Niet mogelijk", m.clone()),
        AppError::Internal(cause) => {
            tracing::error!(error = ?cause, "page failed");
            ("Er ging iets mis", "Probeer het later opnieuw.".to_owned())
        }
        other => ("Niet gelukt", other.to_string()),
    };
    let errors = layout::field_errors(match e {
        AppError::Validation(errors) => errors,
        AppError::Forbidden(_, errors) | AppError::Conflict(_, errors) => errors,
        _ => &[],
    });
    let body = html! {
        h1 { (title) }
        p role="alert" { (text) }
        (errors)
        p { a href="/" { "Naar de startpagina" } }
    };
    HttpResponse::build(e.status_code())
        .content_type("text/html; charset=utf-8")
        .body(layout::bare_page(title, principal, body).into_string())
}
