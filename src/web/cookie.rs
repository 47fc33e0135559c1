//! The cookies of the pages: the session cookie (the session id, nothing else) and the
//! short-lived cookie of an OpenID Connect sign-in under way; and the CSRF token,
//! derived from the session id, so that it needs no storage, changes with every
//! sign-in and is worthless without the session.
//!
//! Both cookies carry the `__Host-` prefix (RFC 6265bis §4.1.3.2: Secure, Path=/, no
//! Domain, so no other host can set or shadow them) and HttpOnly. The session cookie is
//! SameSite=Strict (never sent from another site); the flow cookie SameSite=Lax, since
//! the provider's redirect back is a navigation from another site.

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::HttpRequest;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// The name of the session cookie.
pub const SESSION: &str = "__Host-dira_sessie";

/// The name of the cookie of an OpenID Connect sign-in under way.
pub const FLOW: &str = "__Host-dira_aanmelding";

/// The value of cookie `name`, if the request carries a non-empty one.
fn value(req: &HttpRequest, name: &str) -> Option<String> {
    req.cookie(name)
        .map(|c| c.value().trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The session id, if the request carries one.
pub fn session_id(req: &HttpRequest) -> Option<String> {
    value(req, SESSION)
}

/// The id of the sign-in under way, if the request carries one.
pub fn flow_id(req: &HttpRequest) -> Option<String> {
    value(req, FLOW)
}

fn build(name: &'static str, value: String, same_site: SameSite) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(true)
        .same_site(same_site)
        .finish()
}

/// The session cookie for session `id`, living `max_age` (the session's lifetime).
pub fn session(id: String, max_age: chrono::Duration) -> Cookie<'static> {
    let mut cookie = build(SESSION, id, SameSite::Strict);
    cookie.set_max_age(Duration::seconds(max_age.num_seconds()));
    cookie
}

/// The flow cookie of sign-in `id`, living as long as the sign-in may take.
pub fn flow(id: String, minutes: i64) -> Cookie<'static> {
    let mut cookie = build(FLOW, id, SameSite::Lax);
    cookie.set_max_age(Duration::minutes(minutes));
    cookie
}

/// A cookie that removes cookie `name` from the browser.
pub fn removal(name: &'static str) -> Cookie<'static> {
    let same_site = if name == FLOW {
        SameSite::Lax
    } else {
        SameSite::Strict
    };
    let mut cookie = build(name, String::new(), same_site);
    cookie.make_removal();
    cookie
}

/// The CSRF token forms of this session carry (64 hex digits).
pub fn csrf_token(req: &HttpRequest) -> String {
    let id = session_id(req).unwrap_or_default();
    hex::encode(Sha256::digest(format!("dira-csrf\0{id}")))
}

/// Refuses a form whose CSRF token is not this session's.
pub fn check_csrf(req: &HttpRequest, given: &str) -> Result<(), AppError> {
    match crate::text::same_secret(&csrf_token(req), given) && session_id(req).is_some() {
        true => Ok(()),
        false => Err(AppError::forbidden(
            "het formulier is verlopen of komt niet van deze site; laad de pagina opnieuw",
        )),
    }
}
