//! The session cookie and the CSRF token derived from it: every form carries the
//! token, so it needs no storage and is worthless without the cookie.

use actix_web::HttpRequest;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// The name of the session cookie.
pub const COOKIE: &str = "dira_sessie";

/// The session's token, if the request carries one.
pub fn token(req: &HttpRequest) -> Option<String> {
    req.cookie(COOKIE)
        .map(|c| c.value().trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The CSRF token forms of this session carry.
pub fn csrf_token(req: &HttpRequest) -> String {
    let token = token(req).unwrap_or_default();
    hex::encode(Sha256::digest(format!("dira-csrf\0{token}")))
}

/// Refuses a form whose CSRF token is not this session's.
pub fn check_csrf(req: &HttpRequest, given: &str) -> Result<(), AppError> {
    let expected = csrf_token(req);
    // Compared in full whatever the first difference: no timing hint.
    let same = expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    match same && token(req).is_some() {
        true => Ok(()),
        false => Err(AppError::forbidden(
            "het formulier is verlopen of komt niet van deze site; laad de pagina opnieuw",
        )),
    }
}
