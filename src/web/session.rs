//! Signing in with a token: the token travels in a Secure, HttpOnly, SameSite=Strict
//! cookie (never readable by scripts, never sent from another site). Every form
//! carries a CSRF token derived from the session's token, so it needs no storage and
//! is worthless without the cookie.

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;
use serde::Deserialize;

use super::cookie::{check_csrf, COOKIE};
use super::layout;
use super::PageError;
use crate::audit;
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

fn sign_in_page(message: Option<&str>) -> maud::Markup {
    let body = html! {
        h1 { "Inloggen" }
        @if let Some(m) = message { p.errors role="alert" { (m) } }
        form method="post" action="/inloggen" {
            label for="token" { "Uw token" }
            p.hint id="token-hint" { "Het token dat de beheerder u heeft gegeven (begint met " code { "dira_" } ")." }
            input type="password" id="token" name="token" autocomplete="off" required
                aria-describedby="token-hint" autofocus;
            p { button type="submit" { "Inloggen" } }
        }
    };
    layout::bare_page("Inloggen", None, body)
}

pub async fn sign_in_form() -> HttpResponse {
    layout::ok(sign_in_page(None))
}

#[derive(Deserialize)]
pub struct SignIn {
    token: String,
}

/// Checks the token like the API does; a good one becomes the session cookie. A
/// sign-in posted from another site is refused (403) without looking at the token,
/// so no site can sign a browser in to an account of its choosing.
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<SignIn>,
) -> Result<HttpResponse, PageError> {
    let cross_site = crate::http::headers::is_cross_site_form_post(&req);
    let token = form.into_inner().token.trim().to_owned();
    let checked = token.clone();
    let now = state.clock.now();
    let principal = match cross_site {
        true => Err(AppError::forbidden(
            "a form posted from another site is refused",
        )),
        false => {
            state
                .db
                .run(move |db| Principal::from_token(&mut *db.conn()?, &checked, now))
                .await
        }
    };
    let outcome = match &principal {
        Ok(_) => "303",
        Err(_) if cross_site => "403",
        Err(_) => "401",
    };
    let entry = audit::Entry::new(now, principal.as_ref().ok(), "session.start", "", outcome)
        .with_detail("web");
    state
        .db
        .write_async(move |conn| audit::record(conn, &entry).map_err(AppError::from))
        .await?;
    if cross_site {
        return Ok(layout::with_status(
            actix_web::http::StatusCode::FORBIDDEN,
            sign_in_page(Some("Geweigerd: dit formulier komt van een andere site.")),
        ));
    }
    if principal.is_err() {
        return Ok(layout::with_status(
            actix_web::http::StatusCode::UNAUTHORIZED,
            sign_in_page(Some("Dit token is onbekend, verlopen of ingetrokken.")),
        ));
    }
    let cookie = Cookie::build(COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(Duration::hours(12))
        .finish();
    let mut response = layout::see_other("/");
    response.add_cookie(&cookie).map_err(anyhow::Error::from)?;
    Ok(response)
}

#[derive(Deserialize)]
pub struct SignOut {
    csrf: String,
}

pub async fn sign_out(
    req: HttpRequest,
    form: web::Form<SignOut>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf)?;
    let mut gone = Cookie::build(COOKIE, "")
        .path("/")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .finish();
    gone.make_removal();
    let mut response = layout::see_other("/inloggen");
    response.add_cookie(&gone).map_err(anyhow::Error::from)?;
    Ok(response)
}
