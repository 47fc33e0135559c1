//! Signing out: `POST /uitloggen` ends the session on the server and removes the
//! cookie; for a provider session it then sends the browser to the provider's sign-out
//! (OpenID Connect RP-Initiated Logout 1.0), also when the session has run out in the
//! meantime, so that the next person at a shared desk does not find the officer still
//! signed in at the provider. It is outside the guard for that reason (an expired
//! session would be turned away there), and checks the form itself: a form from another
//! site, or without this session's CSRF token, is refused. Audited as `session.end`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::cookie::{self, check_csrf};
use super::layout;
use super::session::{audit_sign_in, onward_page};
use super::PageError;
use crate::audit;
use crate::auth::sessions::{self, Ended, Method};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct SignOut {
    csrf: String,
}

/// POST `/uitloggen`.
pub async fn sign_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<SignOut>,
) -> Result<HttpResponse, PageError> {
    let (now, policy) = (state.clock.now(), state.sign_in.sessions);
    let address = crate::http::headers::client_address(&req, state.sign_in.trusted_proxy);
    let refused = if crate::http::headers::is_cross_site_form_post(&req) {
        Some("cross_site")
    } else if check_csrf(&req, &form.csrf).is_err() {
        Some("csrf")
    } else {
        None
    };
    if let Some(reason) = refused {
        let entry = audit::Entry::new(now, None, "session.end", "", "403")
            .with_detail(format!("reason={reason} address={address}"));
        audit_sign_in(&state, entry).await?;
        return Err(PageError(AppError::forbidden(
            "het formulier is verlopen of komt niet van deze site; laad de pagina opnieuw",
        )));
    }
    let id = cookie::session_id(&req).unwrap_or_default();
    let ended = state
        .db
        .write_async(move |conn| Ok::<_, AppError>(sessions::sign_out(conn, &id, policy, now)?))
        .await?;
    let at_provider = provider_sign_out(&state, ended.as_ref()).await;
    // To the provider by a page of ours, not a redirect: the pages' Content-Security-
    // Policy (`form-action 'self'`) stops a form's redirect to another site.
    let mut response = match &at_provider {
        Some(url) => layout::ok(onward_page(
            url,
            "U bent uitgelogd",
            "Verder naar uw organisatie",
        )),
        None => layout::see_other("/inloggen"),
    };
    response
        .add_cookie(&cookie::removal(cookie::SESSION))
        .map_err(anyhow::Error::from)?;
    let detail = match &ended {
        Some(e) if e.was_open => format!("method={}", e.method.as_str()),
        Some(e) => format!("method={} already_ended", e.method.as_str()),
        None => "unknown_session".to_owned(),
    };
    let detail = format!("{detail} address={address}");
    if let Some(e) = &ended {
        if let Some(reason) = e.ran_out {
            let expired = audit::Entry::new(now, Some(&e.principal), "session.expire", "", "ended")
                .with_detail(format!("reason={}", reason.as_str()));
            audit_sign_in(&state, expired).await?;
        }
    }
    let outcome = response.status();
    let entry = audit::Entry::new(
        now,
        ended.as_ref().map(|e| &e.principal),
        "session.end",
        "",
        outcome.as_u16().to_string(),
    )
    .with_detail(detail);
    audit_sign_in(&state, entry).await?;
    Ok(response)
}

/// The provider's sign-out URL for a provider session, if the provider offers one.
async fn provider_sign_out(state: &AppState, ended: Option<&Ended>) -> Option<String> {
    let ended = ended.filter(|e| e.method == Method::Oidc)?;
    let provider = state.sign_in.oidc.clone()?;
    let id_token = ended.id_token.clone();
    web::block(move || {
        let after = super::oidc::sign_in_url(&provider.settings.redirect_url);
        provider.logout_url(id_token.as_deref(), &after)
    })
    .await
    .ok()
    .flatten()
}
