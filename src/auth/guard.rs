//! The guard around `/api/v1`: authenticates the bearer token, authorises the role
//! against [`policy`](super::policy), and writes one audit entry for every request,
//! refused ones included. Handlers find the [`Principal`] in the request.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use chrono::NaiveDateTime;

use super::policy;
use super::{Authentication, Principal, SessionPolicy};
use crate::audit;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::state::AppState;

/// Particulars a handler adds to its audit entry (e.g. an import's fingerprint).
#[derive(Debug, Clone)]
pub struct AuditNote(pub String);

/// The object of a request when it is not the one the path names: a new incident's id
/// (a registration, a candidate taken over).
#[derive(Debug, Clone)]
pub struct AuditObject(pub String);

/// Incidents past the first term that a request reached (screeners, analysts, national
/// staff; [`crate::retention::access`]), with the reason given: each gets an audit
/// entry of its own (`restricted access`, the incident as object).
#[derive(Debug, Clone)]
pub struct RestrictedAccess {
    pub incidents: Vec<String>,
    /// [`crate::retention::access::AccessReason::audit_detail`].
    pub reason: String,
}

/// Records that `req` reached `incidents` past the first term for `reason`; none is
/// recorded when `incidents` is empty.
pub fn audit_restricted(
    req: &HttpRequest,
    incidents: Vec<String>,
    reason: Option<&crate::retention::access::AccessReason>,
) {
    if incidents.is_empty() {
        return;
    }
    req.extensions_mut().insert(RestrictedAccess {
        incidents,
        reason: crate::retention::access::AccessReason::audit_detail(reason),
    });
}

/// The action of the audit entries of [`RestrictedAccess`].
pub const RESTRICTED_ACCESS: &str = "restricted access";

/// A way in: how a request carries its credential, which policy it answers to, and
/// how a refusal looks. The API ([`Api`]: bearer token, problem+json) is here; the web
/// pages (session cookie, HTML refusals) bring their own, so authentication does not
/// depend on the pages. Both answer to the same policy rules and audit log.
pub trait Door: Copy + Send + 'static {
    /// The credential the request carries, if any.
    fn credential(&self, req: &HttpRequest) -> Option<String>;
    /// Why a request without a credential is refused (401).
    fn without_credential(&self) -> &'static str;
    /// Who `credential` stands for at `now` (UTC), read from the database; sessions
    /// under `sessions`.
    fn authenticate(
        &self,
        conn: &mut AnyConnection,
        credential: &str,
        sessions: SessionPolicy,
        now: NaiveDateTime,
    ) -> Authentication;
    /// The policy rule of the route `pattern` (as the router names it).
    fn rule(&self, method: &str, pattern: &str) -> Option<&'static policy::Rule>;
    /// Whether a form posted from another site is refused (pages with a session).
    fn refuses_cross_site_forms(&self) -> bool;
    /// The answer to a refused request.
    fn refusal(&self, error: &AppError, principal: Option<&Principal>) -> HttpResponse;
}

/// The API's door: `Authorization: Bearer` (RFC 6750), refusals as problem+json.
#[derive(Debug, Clone, Copy)]
pub struct Api;

impl Door for Api {
    fn credential(&self, req: &HttpRequest) -> Option<String> {
        req.headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned())
    }

    fn without_credential(&self) -> &'static str {
        "an Authorization: Bearer token is required"
    }

    fn authenticate(
        &self,
        conn: &mut AnyConnection,
        credential: &str,
        _: SessionPolicy,
        now: NaiveDateTime,
    ) -> Authentication {
        Authentication::of_token(conn, credential, now)
    }

    fn rule(&self, method: &str, pattern: &str) -> Option<&'static policy::Rule> {
        policy::rule(method, pattern)
    }

    fn refuses_cross_site_forms(&self) -> bool {
        false
    }

    fn refusal(&self, error: &AppError, _: Option<&Principal>) -> HttpResponse {
        error.error_response()
    }
}

/// The guard of `/api/v1`.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    pass(req, next, Api).await
}

/// Authenticates and authorises a request coming in through `door`, and audits it.
pub async fn pass(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    door: impl Door,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?;
    let method = req.method().as_str().to_owned();
    let pattern = req.match_pattern().unwrap_or_else(|| req.path().to_owned());
    let rule = door.rule(&method, &pattern);
    let action = rule.map_or_else(|| format!("{method} {pattern}"), |r| r.action.to_owned());
    // Matched again only for a request refused before routing (the router has not
    // filled in its match info then).
    let path_id = |request: &actix_web::HttpRequest| {
        request
            .match_info()
            .get("id")
            .map(str::to_owned)
            .or_else(|| path_parameter(&pattern, request.uri(), "id"))
    };

    let now = state.clock.now();
    let policy = state.sign_in.sessions;
    let Authentication {
        principal: authenticated,
        usage,
    } = match door.credential(req.request()) {
        None => Authentication {
            principal: Err(AppError::Unauthorized(door.without_credential().into())),
            usage: None,
        },
        Some(credential) => state
            .db
            .run(move |db| {
                let mut conn = db.conn()?;
                Ok::<_, AppError>(door.authenticate(&mut conn, &credential, policy, now))
            })
            .await
            .unwrap_or_else(|e| Authentication {
                principal: Err(e),
                usage: None,
            }),
    };
    let cross_site = door.refuses_cross_site_forms()
        && crate::http::headers::is_cross_site_form_post(req.request());
    let refusal = match (&authenticated, rule) {
        (Ok(_), _) if cross_site => Some(AppError::forbidden(
            "a form posted from another site is refused",
        )),
        (Err(_), _) => None,
        (Ok(_), None) => Some(AppError::forbidden(format!(
            "no role may call {method} {pattern}"
        ))),
        (Ok(p), Some(rule)) if !rule.roles.contains(&p.role) => {
            let names: Vec<&str> = rule.roles.iter().map(|r| r.as_str()).collect();
            Some(AppError::forbidden(format!(
                "role {} may not do this; allowed: {}",
                p.role,
                names.join(", ")
            )))
        }
        (Ok(_), Some(_)) => None,
    };
    let principal = authenticated.as_ref().ok().cloned();
    let response = match (authenticated, refusal) {
        (Err(e), _) | (Ok(_), Some(e)) => {
            let answer = door.refusal(&e, principal.as_ref());
            req.into_response(answer)
        }
        (Ok(p), None) => {
            req.extensions_mut().insert(p);
            next.call(req).await?.map_into_boxed_body()
        }
    };

    let request = response.request();
    // The object a handler names (the incident it created), else the one in the path
    // as the pattern names it, so that a request refused before routing is tied to its
    // incident as well (`dira audit --incident`), else the query.
    let object = request
        .extensions()
        .get::<AuditObject>()
        .map(|o| o.0.clone())
        .or_else(|| path_id(request))
        .unwrap_or_else(|| request.query_string().to_owned());
    let outcome = response.status().as_u16().to_string();
    // Dated when the answer is ready, as the outcome it records.
    let at = state.clock.now();
    let entry = audit::Entry::new(at, principal.as_ref(), action, object, outcome);
    let entries = with_restricted(request, entry);
    // The answer leaves only once its audit entry is committed, together with the use
    // of the credential (a session's last request, a token's last use, an expiry).
    state
        .db
        .write_async(move |conn| {
            audit::record_all(conn, &entries)?;
            if let Some(usage) = &usage {
                usage.record(conn, at)?;
            }
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(response)
}

/// The audit entries of `request`: `entry` with the handler's [`AuditNote`], then one
/// per incident past the first term the request reached ([`RestrictedAccess`]).
fn with_restricted(request: &HttpRequest, entry: audit::Entry) -> Vec<audit::Entry> {
    let extensions = request.extensions();
    let note = extensions.get::<AuditNote>().map(|n| n.0.clone());
    let mut entries = vec![entry.clone().with_detail(note.unwrap_or_default())];
    if let Some(access) = extensions.get::<RestrictedAccess>() {
        let principal = extensions.get::<Principal>();
        entries.extend(access.incidents.iter().map(|incident| {
            audit::Entry::new(
                entry.at,
                principal,
                RESTRICTED_ACCESS,
                incident,
                &entry.outcome,
            )
            .with_detail(format!("{} via={}", access.reason, entry.action))
        }));
    }
    entries
}

/// The value of `{name}` in `path` matched against the route `pattern` (decoded as
/// the router decodes it), also for a request refused before it was routed.
fn path_parameter(pattern: &str, uri: &actix_web::http::Uri, name: &str) -> Option<String> {
    use actix_web::dev::{Path, ResourceDef, Url};
    let mut path = Path::new(Url::new(uri.clone()));
    ResourceDef::new(pattern)
        .capture_match_info(&mut path)
        .then(|| path.get(name).map(str::to_owned))
        .flatten()
}

/// Ties a request that took a candidate over to the incident it created: the incident
/// is the audit entry's object, the candidate in its detail.
pub fn audit_created(req: &actix_web::HttpRequest, incident: &str, candidate: &str) {
    let mut extensions = req.extensions_mut();
    extensions.insert(AuditObject(incident.to_owned()));
    extensions.insert(AuditNote(format!("candidate={candidate}")));
}
