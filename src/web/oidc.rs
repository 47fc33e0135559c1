//! Signing in through the organisation's identity provider ([`crate::auth::oidc`]):
//! `/inloggen/oidc` sends the browser to the provider, `/inloggen/oidc/terug` takes
//! its answer, verifies it, maps the groups to a role and scope and starts a session.
//!
//! The answer to the callback is a page that moves on to `/` by itself (a meta
//! refresh), not a redirect: the callback is a navigation from the provider's site, on
//! which a browser withholds the new SameSite=Strict session cookie from a redirect's
//! next request; a new navigation from dira's own page carries it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;
use rand::RngCore;
use serde::Deserialize;

use super::cookie;
use super::layout;
use super::session::{audit_sign_in, begin_session};
use super::PageError;
use crate::audit;
use crate::auth::oidc::{self, OidcError, Provider};
use crate::auth::sessions::{Grant, Method};
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

/// dira's sign-in page at the same address as the redirect URL (for the provider's
/// post-logout redirect).
pub fn sign_in_url(redirect_url: &str) -> String {
    let base = redirect_url
        .strip_suffix("/inloggen/oidc/terug")
        .unwrap_or(redirect_url);
    format!("{base}/inloggen")
}

fn provider(state: &AppState) -> Result<std::sync::Arc<Provider>, PageError> {
    state
        .sign_in
        .oidc
        .clone()
        .ok_or(PageError(AppError::NotFound))
}

/// A refusal page: what happened, and a way to try again.
fn refused_page(status: StatusCode, title: &str, text: &str) -> HttpResponse {
    let body = html! {
        h1 { (title) }
        p role="alert" { (text) }
        p { a href="/inloggen" { "Terug naar inloggen" } }
    };
    let mut answer = layout::with_status(status, layout::bare_page(title, None, body));
    let _ = answer.add_cookie(&cookie::removal(cookie::FLOW));
    answer
}

/// GET `/inloggen/oidc`: starts a sign-in at the provider (303).
pub async fn start(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let provider = provider(&state)?;
    let started = web::block(move || provider.authorization())
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let (url, flow) = match started {
        Ok(started) => started,
        Err(e) => return refuse(&state, e).await,
    };
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let id = hex::encode(secret);
    let (key, now) = (id.clone(), state.clock.now());
    state
        .db
        .write_async(move |conn| Ok::<_, AppError>(oidc::store_flow(conn, &key, &flow, now)?))
        .await?;
    let mut answer = layout::see_other(&url);
    answer
        .add_cookie(&cookie::flow(id, oidc::FLOW_MINUTES))
        .map_err(anyhow::Error::from)?;
    Ok(answer)
}

/// The provider's answer (OpenID Connect Core §3.1.2.5 and §3.1.2.6; `iss`: RFC 9207).
#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

/// GET `/inloggen/oidc/terug`: finishes the sign-in.
pub async fn callback(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Callback>,
) -> Result<HttpResponse, PageError> {
    let provider = provider(&state)?;
    let Callback {
        code,
        state: returned,
        iss,
        error,
    } = query.into_inner();
    let now = state.clock.now();
    let flow_id = cookie::flow_id(&req).unwrap_or_default();
    let flow = state
        .db
        .write_async(move |conn| Ok::<_, AppError>(oidc::take_flow(conn, &flow_id, now)?))
        .await?;
    let Some(flow) = flow else {
        let e = OidcError::Flow("no sign-in under way in this browser, or it took too long".into());
        return refuse(&state, e).await;
    };
    if let Some(error) = error {
        return refuse(&state, OidcError::Refused(error)).await;
    }
    let (code, returned) = (code.unwrap_or_default(), returned.unwrap_or_default());
    let p = provider.clone();
    let verified = web::block(move || p.finish(&flow, &code, &returned, iss.as_deref()))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let verified = match verified {
        Ok(v) => v,
        Err(e) => return refuse(&state, e).await,
    };
    let roles = provider
        .settings
        .groups
        .roles_of(&state.catalog, &verified.groups);
    let (role, scope) = match roles.as_slice() {
        [one] => one.clone(),
        [] => return refuse_person(&state, &verified, Unfit::NoRole).await,
        _ => return refuse_person(&state, &verified, Unfit::SeveralRoles).await,
    };
    let grant = Grant {
        principal: Principal {
            user: verified.user.clone(),
            role,
            scope,
        },
        method: Method::Oidc,
        subject: verified.subject.clone(),
        id_token: Some(verified.id_token.clone()),
    };
    let (principal, subject, now) = (
        grant.principal.clone(),
        grant.subject.clone(),
        state.clock.now(),
    );
    let recorded = state
        .db
        .write_async(move |conn| {
            Ok::<_, AppError>(oidc::record_person(conn, &principal, &subject, now)?)
        })
        .await?;
    if let Err(refusal) = recorded {
        return refuse_person(&state, &verified, Unfit::Name(refusal)).await;
    }
    let mut onward = layout::ok(super::session::onward_page(
        "/",
        "U bent ingelogd",
        "Verder naar dira",
    ));
    onward
        .add_cookie(&cookie::removal(cookie::FLOW))
        .map_err(anyhow::Error::from)?;
    begin_session(&state, &req, grant, onward).await
}

/// Why a verified person does not get in.
enum Unfit {
    /// No group gives a role.
    NoRole,
    /// The groups give more than one role or unit.
    SeveralRoles,
    /// The user name is disabled, or someone else's.
    Name(oidc::NameRefusal),
}

/// A verified person who does not get in: a page saying why (403), audited.
async fn refuse_person(
    state: &AppState,
    verified: &oidc::Verified,
    why: Unfit,
) -> Result<HttpResponse, PageError> {
    let (reason, text) = match why {
        Unfit::NoRole => (
            "no_role",
            "U bent bij uw organisatie aangemeld, maar uw account heeft geen rol in dira. \
             Vraag uw beheerder om u toe te voegen aan de groep van uw rol en eenheid.",
        ),
        Unfit::SeveralRoles => (
            "several_roles",
            "Uw organisatie-account geeft u meer dan één rol of eenheid in dira; \
             dira kent één rol per persoon. Vraag uw beheerder om er één te houden.",
        ),
        Unfit::Name(oidc::NameRefusal::Disabled) => (
            "disabled",
            "Uw account is in dira uitgeschakeld. Vraag uw beheerder.",
        ),
        Unfit::Name(oidc::NameRefusal::Taken) => (
            "name_taken",
            "Uw gebruikersnaam hoort in dira al bij een ander account. Vraag uw beheerder.",
        ),
    };
    let entry = audit::Entry::new(
        state.clock.now(),
        None,
        "session.start",
        format!("user:{}", verified.user),
        "403",
    )
    .with_detail(format!(
        "method=oidc subject={} reason={reason} groups={}",
        crate::text::quoted(&verified.subject),
        verified.groups.len()
    ));
    audit_sign_in(state, entry).await?;
    Ok(refused_page(StatusCode::FORBIDDEN, "Geen toegang", text))
}

/// A sign-in that failed: audited with the reason, a page in Dutch.
async fn refuse(state: &AppState, e: OidcError) -> Result<HttpResponse, PageError> {
    if let OidcError::Provider(reason) = &e {
        tracing::warn!(%reason, "single sign-on: the identity provider could not be used");
    }
    let (status, title, text) = match &e {
        OidcError::Provider(_) => (
            StatusCode::BAD_GATEWAY,
            "Identiteitsprovider niet bereikbaar",
            "De identiteitsprovider van uw organisatie is nu niet bereikbaar. Probeer het later opnieuw.",
        ),
        OidcError::NoUserName(_) => (
            StatusCode::FORBIDDEN,
            "Geen toegang",
            "Uw organisatie-account geeft geen gebruikersnaam die dira kan gebruiken. Vraag uw beheerder.",
        ),
        OidcError::Flow(_) | OidcError::Refused(_) | OidcError::InvalidToken(_) => (
            StatusCode::UNAUTHORIZED,
            "Inloggen mislukt",
            "Het inloggen bij uw organisatie is niet gelukt of verlopen. Probeer het opnieuw.",
        ),
    };
    let entry = audit::Entry::new(
        state.clock.now(),
        None,
        "session.start",
        "",
        status.as_u16().to_string(),
    )
    .with_detail(format!(
        "method=oidc reason={}",
        crate::text::quoted(&e.to_string())
    ));
    audit_sign_in(state, entry).await?;
    Ok(refused_page(status, title, text))
}
