//! The web pages' way in ([`crate::auth::guard::Door`]): the session cookie carries
//! the session id (never a bearer token), the pages' own policy rules apply, forms posted from another site
//! are refused, and refusals are pages in Dutch (a sign-in redirect for 401).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse};

use crate::auth::guard::{self, Door};
use chrono::NaiveDateTime;

use crate::auth::{policy, Authentication, Principal, SessionPolicy};
use crate::db::AnyConnection;
use crate::error::AppError;

/// The door of the web pages.
#[derive(Debug, Clone, Copy)]
pub struct Pages;

impl Door for Pages {
    fn credential(&self, req: &HttpRequest) -> Option<String> {
        super::cookie::session_id(req)
    }

    fn without_credential(&self) -> &'static str {
        "not signed in"
    }

    fn authenticate(
        &self,
        conn: &mut AnyConnection,
        credential: &str,
        sessions: SessionPolicy,
        now: NaiveDateTime,
    ) -> Authentication {
        Authentication::of_session(conn, credential, sessions, now)
    }

    fn rule(&self, method: &str, pattern: &str) -> Option<&'static policy::Rule> {
        policy::web_rule(method, pattern)
    }

    fn refuses_cross_site_forms(&self) -> bool {
        true
    }

    fn refusal(&self, error: &AppError, principal: Option<&Principal>) -> HttpResponse {
        super::refusal(error, principal)
    }
}

/// The guard of the web pages: the API's guard ([`guard::pass`]) through [`Pages`].
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    guard::pass(req, next, Pages).await
}
