//! Signing in to the pages. The sign-in page offers the organisation's identity
//! provider first ([`super::oidc`]) and a local account (user name and password,
//! [`crate::auth::accounts`]) unless switched off. A successful sign-in starts a new
//! server-side session ([`crate::auth::sessions`]) whose id is the session cookie
//! ([`super::cookie`]); a session the browser had before is ended (no fixation).
//! Signing out: [`super::sign_out`].

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;
use serde::Deserialize;

use super::cookie;
use super::layout;
use super::PageError;
use crate::audit;
use crate::auth::accounts::{self, Verdict};
use crate::auth::sessions::{self, Grant, Method};
use crate::error::AppError;
use crate::state::AppState;

/// The sign-in page, with `message` (an error, announced and focused, and the typed
/// user name kept) when there is one; the fields are marked invalid only when
/// `fields_wrong` (a wrong name or password; not a throttled or refused form).
pub fn sign_in_page(
    state: &AppState,
    message: Option<&str>,
    user: &str,
    fields_wrong: bool,
) -> maud::Markup {
    let sso = state.sign_in.oidc.is_some();
    let local = state.sign_in.local_accounts;
    let failed = fields_wrong;
    let body = html! {
        h1 { "Inloggen" }
        @if let Some(m) = message {
            p.errors id="fout" role="alert" tabindex="-1" autofocus { (m) }
        }
        @if sso {
            p { a.button href="/inloggen/oidc" { "Inloggen met uw organisatie-account" } }
        }
        @if local {
            @if sso { h2 { "Of met een lokaal account" } }
            form method="post" action="/inloggen" {
                label for="user" { "Gebruikersnaam" }
                input type="text" id="user" name="user" autocomplete="username" required
                    maxlength="100" value=(user) autofocus[!sso && message.is_none()]
                    aria-invalid=[failed.then_some("true")]
                    aria-describedby=[failed.then_some("fout")];
                label for="password" { "Wachtwoord" }
                input type="password" id="password" name="password"
                    autocomplete="current-password" required
                    aria-invalid=[failed.then_some("true")]
                    aria-describedby=[failed.then_some("fout")];
                p { button type="submit" { "Inloggen" } }
            }
        }
        @if !sso && !local {
            p { "Inloggen is op deze installatie niet ingesteld. Vraag de beheerder." }
        }
    };
    layout::bare_page("Inloggen", None, body)
}

/// GET `/inloggen`: the sign-in page.
pub async fn sign_in_form(state: web::Data<AppState>) -> HttpResponse {
    layout::ok(sign_in_page(&state, None, "", false))
}

#[derive(Deserialize)]
pub struct SignIn {
    user: String,
    password: String,
}

/// Records an audit entry of signing in, refusals included.
pub async fn audit_sign_in(state: &AppState, entry: audit::Entry) -> Result<(), AppError> {
    state
        .db
        .write_async(move |conn| audit::record(conn, &entry).map_err(AppError::from))
        .await
}

/// Starts a session for `grant`: ends the one the browser had (if any), audits the
/// sign-in and answers `respond` with the new session cookie.
pub async fn begin_session(
    state: &AppState,
    req: &HttpRequest,
    grant: Grant,
    mut respond: HttpResponse,
) -> Result<HttpResponse, PageError> {
    let (now, policy) = (state.clock.now(), state.sign_in.sessions);
    let previous = cookie::session_id(req);
    let address = crate::http::headers::client_address(req, state.sign_in.trusted_proxy);
    let detail = format!("{} address={address}", grant.audit_detail());
    let outcome = respond.status().as_u16().to_string();
    let started = state
        .db
        .write_async(move |conn| {
            if let Some(old) = &previous {
                sessions::sign_out(conn, old, policy, now)?;
            }
            let started = sessions::start(conn, &grant, policy, now)?;
            let entry =
                audit::Entry::new(now, Some(&grant.principal), "session.start", "", &outcome)
                    .with_detail(detail.clone());
            audit::record(conn, &entry)?;
            Ok::<_, AppError>(started)
        })
        .await?;
    respond
        .add_cookie(&cookie::session(started.id, policy.lifetime))
        .map_err(anyhow::Error::from)?;
    Ok(respond)
}

/// Signs in with a local account. A form posted from another site is refused (403)
/// without looking at it, so no site can sign a browser in to an account of its
/// choosing; too many failures answer 429 with `Retry-After` (RFC 6585 §4).
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<SignIn>,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let SignIn { user, password } = form.into_inner();
    let user: String = user.trim().chars().take(100).collect();
    let address = crate::http::headers::client_address(&req, state.sign_in.trusted_proxy);
    let refused = |reason: &str, outcome: &str| {
        audit::Entry::new(
            now,
            None,
            "session.start",
            format!("user:{}", crate::text::escape_controls(&user)),
            outcome,
        )
        .with_detail(format!("method=password reason={reason} address={address}"))
    };
    let page = |status: StatusCode, message: &str| {
        let fields_wrong = status == StatusCode::UNAUTHORIZED;
        layout::with_status(
            status,
            sign_in_page(&state, Some(message), &user, fields_wrong),
        )
    };
    if crate::http::headers::is_cross_site_form_post(&req) {
        audit_sign_in(&state, refused("cross_site", "403")).await?;
        return Ok(page(
            StatusCode::FORBIDDEN,
            "Geweigerd: dit formulier komt van een andere site.",
        ));
    }
    if !state.sign_in.local_accounts {
        audit_sign_in(&state, refused("local_accounts_off", "403")).await?;
        return Ok(page(
            StatusCode::FORBIDDEN,
            "Inloggen met een lokaal account is op deze installatie uitgeschakeld.",
        ));
    }
    let verdict = check_password(&state, &user, password, &address).await?;
    match verdict {
        Verdict::Granted(principal) => {
            let grant = Grant {
                subject: principal.user.clone(),
                principal,
                method: Method::Password,
                id_token: None,
            };
            begin_session(&state, &req, grant, layout::see_other("/")).await
        }
        Verdict::Refused { reason } => {
            audit_sign_in(&state, refused(reason, "401")).await?;
            Ok(page(
                StatusCode::UNAUTHORIZED,
                "Gebruikersnaam of wachtwoord onjuist, of het account is uitgeschakeld.",
            ))
        }
        Verdict::Throttled { until } => {
            audit_sign_in(&state, refused("throttled", "429")).await?;
            let seconds = (until - now).num_seconds().max(1);
            let minutes = (seconds + 59) / 60;
            let mut answer = page(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw."),
            );
            answer.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(seconds as u64),
            );
            Ok(answer)
        }
    }
}

/// The three steps of [`accounts`]: count the attempt (throttled or not), check the
/// password off the executor, forgive a correct one.
async fn check_password(
    state: &AppState,
    user: &str,
    password: String,
    address: &str,
) -> Result<Verdict, AppError> {
    let now = state.clock.now();
    let (u, a) = (user.to_owned(), address.to_owned());
    let begun = state
        .db
        .write_async(move |conn| Ok::<_, AppError>(accounts::begin(conn, &u, &a, now)?))
        .await?;
    let attempt = match begun {
        Err(throttled) => return Ok(throttled),
        Ok(attempt) => attempt,
    };
    let verdict = if password.len() > accounts::MAX_PASSWORD_BYTES {
        Verdict::Refused {
            reason: "password_too_long",
        }
    } else {
        web::block(move || accounts::check(attempt, &password))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("password check failed: {e}")))?
    };
    if let Verdict::Granted(_) = verdict {
        let (u, a) = (user.to_owned(), address.to_owned());
        state
            .db
            .write_async(move |conn| Ok::<_, AppError>(accounts::succeeded(conn, &u, &a, now)?))
            .await?;
    }
    Ok(verdict)
}

/// A page that moves on to `to` by itself (a meta refresh; the link for a browser that
/// does not follow it).
pub fn onward_page(to: &str, title: &str, link: &str) -> maud::Markup {
    let refresh = format!("0;url={to}");
    maud::html! {
        (maud::DOCTYPE)
        html lang="nl" {
            head {
                meta charset="utf-8";
                meta http-equiv="refresh" content=(refresh);
                title { (title) " – dira" }
                link rel="stylesheet" href="/static/dira.css";
            }
            body { main { h1 { (title) } p { a href=(to) { (link) } } } }
        }
    }
}
