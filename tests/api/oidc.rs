//! Signing in through an OpenID Provider (issue 16), against a provider run by the
//! test: discovery, JWKS and token endpoints, ID tokens signed RS256 with a test key
//! (`tests/fixtures/oidc-test-key.pem`, for tests only). The happy path, a person
//! without a dira group, and tampered ID tokens (wrong audience, expired, a changed
//! payload, a nonce replayed from another sign-in), a wrong `state`, a callback used
//! twice, and the provider's sign-out. (The same flow in a real browser against the
//! certified `oidc-provider`: tests/e2e/sign-in.test.mjs.)

use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpResponse, HttpServer};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, Utc};
use dira::auth::oidc::{GroupPatterns, OidcIdToken, OidcSettings, OtherClaims, Provider};
use dira::auth::SignInSettings;
use dira::clock::Clock;
use dira::server::Settings;
use openidconnect::core::{CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey};
use openidconnect::{
    Audience, EndUserUsername, IdTokenClaims, IssuerUrl, JsonWebKeyId, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde_json::{json, Value};

use crate::helpers::{get, Backend, TestApp};
use crate::web::{cookie_value, request, SESSION_COOKIE};

const KEY: &str = include_str!("../fixtures/oidc-test-key.pem");

/// What the provider answers next at its token endpoint, and what it was sent.
#[derive(Default)]
struct Exchange {
    id_token: String,
    form: Vec<(String, String)>,
}

/// A provider on 127.0.0.1 with an ephemeral port.
struct FakeProvider {
    issuer: String,
    exchange: Arc<Mutex<Exchange>>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn key() -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(KEY, Some(JsonWebKeyId::new("k1".into()))).expect("test key")
}

impl FakeProvider {
    fn start() -> FakeProvider {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let issuer = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("addr").port()
        );
        let exchange = Arc::new(Mutex::new(Exchange::default()));
        let jwks = json!({ "keys": [key().as_verification_key()] });
        let discovery = json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/auth"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "end_session_endpoint": format!("{issuer}/session/end"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        });
        let shared = exchange.clone();
        let server = HttpServer::new(move || {
            let (discovery, jwks, shared) = (discovery.clone(), jwks.clone(), shared.clone());
            App::new()
                .route(
                    "/.well-known/openid-configuration",
                    web::get().to(move || {
                        let d = discovery.clone();
                        async move { HttpResponse::Ok().json(d) }
                    }),
                )
                .route(
                    "/jwks",
                    web::get().to(move || {
                        let j = jwks.clone();
                        async move { HttpResponse::Ok().json(j) }
                    }),
                )
                .route(
                    "/token",
                    web::post().to(move |form: web::Form<Vec<(String, String)>>| {
                        let shared = shared.clone();
                        async move {
                            let mut exchange = shared.lock().expect("lock");
                            exchange.form = form.into_inner();
                            HttpResponse::Ok().json(json!({
                                "access_token": "at-1",
                                "token_type": "Bearer",
                                "expires_in": 300,
                                "id_token": exchange.id_token,
                            }))
                        }
                    }),
                )
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new()
                .block_on(server)
                .expect("provider ran");
        });
        FakeProvider {
            issuer,
            exchange,
            handle,
            thread: Some(thread),
        }
    }

    /// A signed ID token for `sub` with `groups`, carrying `nonce`, for `audience`,
    /// expiring `expires_in` from now.
    fn id_token(
        &self,
        sub: &str,
        groups: &[&str],
        nonce: &str,
        audience: &str,
        expires_in: Duration,
    ) -> String {
        let now = Utc::now();
        let other: OtherClaims =
            serde_json::from_value(json!({ "groups": groups })).expect("claims");
        let claims = IdTokenClaims::new(
            IssuerUrl::new(self.issuer.clone()).expect("issuer"),
            vec![Audience::new(audience.into())],
            now + expires_in,
            now - Duration::seconds(5),
            StandardClaims::new(SubjectIdentifier::new(sub.into()))
                .set_preferred_username(Some(EndUserUsername::new(sub.into()))),
            other,
        )
        .set_nonce(Some(Nonce::new(nonce.into())));
        OidcIdToken::new(
            claims,
            &key(),
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            None,
            None,
        )
        .expect("sign")
        .to_string()
    }

    fn answer_next(&self, id_token: String) {
        self.exchange.lock().expect("lock").id_token = id_token;
    }

    fn sent(&self, field: &str) -> Option<String> {
        let exchange = self.exchange.lock().expect("lock");
        exchange
            .form
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.handle.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The app on a clock that stands at the time it starts until a test moves it (the
/// provider signs its tokens by the system clock).
fn app_with(backend: Backend, provider: &FakeProvider) -> Option<TestApp> {
    let clock = Clock::fixed(Utc::now());
    let settings = OidcSettings {
        issuer: provider.issuer.clone(),
        client_id: "dira".into(),
        client_secret: "dira-test-secret".into(),
        redirect_url: "http://127.0.0.1:9/inloggen/oidc/terug".into(),
        scopes: vec!["profile".into(), "groups".into()],
        user_claim: "preferred_username".into(),
        groups_claim: "groups".into(),
        groups: GroupPatterns::default(),
    };
    let sign_in = SignInSettings {
        oidc: Some(Arc::new(Provider::new(settings, clock.clone()))),
        ..SignInSettings::default()
    };
    TestApp::spawn_with(
        backend,
        Settings {
            workers: Some(1),
            clock,
            sign_in,
        },
    )
}

/// A sign-in started at dira: the flow cookie and the authorization request's parameters.
struct Flow {
    cookie: String,
    state: String,
    nonce: String,
    challenge: String,
}

fn http(app: &TestApp, path: &str, cookie: &str) -> (u16, Option<String>, Option<String>, String) {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut req = agent.get(&app.url(path));
    if !cookie.is_empty() {
        req = req.set("Cookie", cookie);
    }
    let response = match req.call() {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("GET {path}: {e}"),
    };
    let location = response.header("location").map(str::to_owned);
    let set_cookie = response.all("set-cookie").join("\n");
    (
        response.status(),
        location,
        Some(set_cookie).filter(|c| !c.is_empty()),
        response.into_string().unwrap_or_default(),
    )
}

fn start(app: &TestApp, provider: &FakeProvider) -> Flow {
    let (status, location, set_cookie, _) = http(app, "/inloggen/oidc", "");
    assert_eq!(status, 303);
    let location = location.expect("to the provider");
    assert!(
        location.starts_with(&format!("{}/auth?", provider.issuer)),
        "{location}"
    );
    let url = openidconnect::url::Url::parse(&location).expect("url");
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    assert_eq!(param("response_type"), "code");
    assert_eq!(param("code_challenge_method"), "S256");
    assert_eq!(param("scope"), "openid profile groups");
    let set_cookie = set_cookie.expect("a flow cookie");
    assert!(set_cookie.contains("SameSite=Lax") && set_cookie.contains("HttpOnly"));
    Flow {
        cookie: format!(
            "__Host-dira_aanmelding={}",
            cookie_value(&set_cookie, "__Host-dira_aanmelding").expect("flow cookie")
        ),
        state: param("state"),
        nonce: param("nonce"),
        challenge: param("code_challenge"),
    }
}

/// The provider's redirect back; answers status, session id (if any) and the page.
fn callback(app: &TestApp, flow: &Flow, state: &str) -> (u16, Option<String>, String) {
    let path = format!("/inloggen/oidc/terug?code=code-1&state={state}");
    let (status, _, set_cookie, body) = http(app, &path, &flow.cookie);
    let session = set_cookie
        .as_deref()
        .and_then(|c| c.lines().find_map(|l| cookie_value(l, SESSION_COOKIE)))
        .filter(|v| !v.is_empty());
    (status, session, body)
}

fn audit_log(app: &TestApp) -> String {
    let admin = app.token("beheer", dira::auth::Role::Admin, "*");
    get(app, "/api/v1/audit?limit=1000", &admin)
        .body
        .to_string()
}

fn signs_in_with_the_role_and_unit_of_the_groups(app: &TestApp, provider: &FakeProvider) {
    let flow = start(app, provider);
    provider.answer_next(provider.id_token(
        "adc-ams",
        &["andere-applicatie", "dira-screener-AMS"],
        &flow.nonce,
        "dira",
        Duration::minutes(5),
    ));
    let (status, session, body) = callback(app, &flow, &flow.state);
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("http-equiv=\"refresh\" content=\"0;url=/\""),
        "{body}"
    );
    let session = session.expect("a session");
    // PKCE: the verifier dira sent belongs to the challenge it sent before.
    let verifier = provider.sent("code_verifier").expect("a code verifier");
    let derived = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier));
    assert_eq!(derived.as_str(), flow.challenge);
    let home = request(app, "GET", "/", Some(&session), &[]);
    assert_eq!(home.location.as_deref(), Some("/screening"));
    let page = request(app, "GET", "/screening", Some(&session), &[]);
    assert!(
        page.body
            .contains("adc-ams · discriminatiecoördinator · AMS"),
        "{}",
        page.body
    );

    // Moved to another unit: the next sign-in gives the new one.
    let flow = start(app, provider);
    provider.answer_next(provider.id_token(
        "adc-ams",
        &["dira-screener-RTM"],
        &flow.nonce,
        "dira",
        Duration::minutes(5),
    ));
    let (_, moved, _) = callback(app, &flow, &flow.state);
    let page = request(
        app,
        "GET",
        "/screening",
        Some(&moved.expect("session")),
        &[],
    );
    assert!(page
        .body
        .contains("adc-ams · discriminatiecoördinator · RTM"));
    assert!(audit_log(app).contains(r#"method=oidc subject=\"adc-ams\" role=screener scope=RTM"#));
}

/// One sign-in through the provider for `sub` with `groups`: status and session.
fn sign_in_as(
    app: &TestApp,
    provider: &FakeProvider,
    sub: &str,
    groups: &[&str],
) -> (u16, Option<String>, String) {
    let flow = start(app, provider);
    provider.answer_next(provider.id_token(sub, groups, &flow.nonce, "dira", Duration::minutes(5)));
    callback(app, &flow, &flow.state)
}

fn a_user_name_is_one_person_and_disabling_reaches_the_provider_users(
    app: &TestApp,
    provider: &FakeProvider,
) {
    // A local account's name is not for a provider account that claims it.
    let password = app.account("balie-ams", dira::auth::Role::Registrar, "AMS");
    let (status, session, body) = sign_in_as(app, provider, "balie-ams", &["dira-registrar-AMS"]);
    assert_eq!((status, session), (403, None), "{body}");
    assert!(body.contains("al bij een ander account"));
    let _ = password;
    // Nor one that differs from it only in case.
    let (status, session, _) = sign_in_as(app, provider, "Balie-AMS", &["dira-registrar-AMS"]);
    assert_eq!((status, session), (403, None));

    // Two groups that give two roles: refused rather than guessed.
    let (status, session, body) = sign_in_as(
        app,
        provider,
        "adc",
        &["dira-screener-AMS", "dira-analyst-AMS"],
    );
    assert_eq!((status, session), (403, None));
    assert!(body.contains("meer dan één rol"));

    // A provider user can be disabled like a local one: the open session ends, the next
    // sign-in is refused, and enabling lets them in again.
    let (status, session, _) = sign_in_as(app, provider, "adc", &["dira-screener-AMS"]);
    assert_eq!(status, 200);
    let session = session.expect("session");
    let now = app.clock.now();
    let ended = dira::auth::accounts::disable(&mut app.db.conn().expect("conn"), "adc", now)
        .expect("disable");
    assert_eq!(ended, Some(1));
    assert_eq!(
        request(app, "GET", "/", Some(&session), &[])
            .location
            .as_deref(),
        Some("/inloggen")
    );
    let (status, session, body) = sign_in_as(app, provider, "adc", &["dira-screener-AMS"]);
    assert_eq!((status, session), (403, None));
    assert!(body.contains("uitgeschakeld"));
    assert!(
        dira::auth::accounts::enable(&mut app.db.conn().expect("conn"), "adc").expect("enable")
    );
    assert_eq!(
        sign_in_as(app, provider, "adc", &["dira-screener-AMS"]).0,
        200
    );
    // A provider user gets no password: not by creating an account, not by passwd.
    let mut conn = app.db.conn().expect("conn");
    let catalog = dira::codes::Catalog::load(&mut conn).expect("catalog");
    let hash = dira::auth::accounts::hash_password("gekaapt-wachtwoord").expect("hash");
    let role = dira::auth::Role::Screener;
    let created = dira::auth::accounts::create(&mut conn, &catalog, "adc", role, "AMS", &hash, now);
    assert!(created.is_err());
    let set = dira::auth::accounts::set_password(&mut conn, "adc", &hash, now).expect("passwd");
    assert_eq!(set, None);
    let log = audit_log(app);
    for reason in [
        "reason=name_taken",
        "reason=several_roles",
        "reason=disabled",
    ] {
        assert!(log.contains(reason), "{reason} in {log}");
    }
}

/// Text from outside (the `error` of a callback) is quoted in the audit detail and cut
/// short: it cannot pose as fields of its own.
fn the_providers_words_are_quoted_in_the_audit_log(app: &TestApp, provider: &FakeProvider) {
    let flow = start(app, provider);
    let forged = format!("access_denied role=national scope=* {}", "x".repeat(5000));
    let path = format!(
        "/inloggen/oidc/terug?error={}&state={}",
        forged.replace(' ', "%20").replace('*', "%2A"),
        flow.state
    );
    let (status, ..) = http(app, &path, &flow.cookie);
    assert_eq!(status, 401);
    let log = audit_log(app);
    assert!(
        log.contains(
            r#"reason=\"the identity provider refused: access_denied role=national scope=* xxx"#
        ),
        "{log}"
    );
    assert!(!log.contains(&"x".repeat(300)), "cut short");
}

fn a_person_without_a_dira_group_is_refused(app: &TestApp, provider: &FakeProvider) {
    let flow = start(app, provider);
    provider.answer_next(provider.id_token(
        "buitenstaander",
        &["andere-applicatie"],
        &flow.nonce,
        "dira",
        Duration::minutes(5),
    ));
    let (status, session, body) = callback(app, &flow, &flow.state);
    assert_eq!(status, 403);
    assert!(session.is_none());
    assert!(body.contains("<h1>Geen toegang</h1>"), "{body}");
    let log = audit_log(app);
    assert!(
        log.contains("user:buitenstaander") && log.contains("reason=no_role"),
        "{log}"
    );
}

/// An ID token made for a sign-in under way.
type TokenFor<'a> = Box<dyn Fn(&Flow) -> String + 'a>;

fn tampered_and_replayed_answers_are_refused(app: &TestApp, provider: &FakeProvider) {
    let earlier = start(app, provider);
    let tokens: Vec<(&str, TokenFor)> = vec![
        (
            "wrong audience",
            Box::new(|f: &Flow| {
                provider.id_token(
                    "balie",
                    &["dira-registrar-AMS"],
                    &f.nonce,
                    "another-app",
                    Duration::minutes(5),
                )
            }),
        ),
        (
            "expired",
            Box::new(|f: &Flow| {
                provider.id_token(
                    "balie",
                    &["dira-registrar-AMS"],
                    &f.nonce,
                    "dira",
                    Duration::minutes(-10),
                )
            }),
        ),
        (
            "changed payload",
            Box::new(|f: &Flow| {
                let good = provider.id_token(
                    "balie",
                    &["dira-registrar-AMS"],
                    &f.nonce,
                    "dira",
                    Duration::minutes(5),
                );
                let parts: Vec<&str> = good.split('.').collect();
                let mut payload: Value =
                    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64"))
                        .expect("json");
                payload["groups"] = json!(["dira-national"]);
                let forged = URL_SAFE_NO_PAD.encode(payload.to_string());
                format!("{}.{forged}.{}", parts[0], parts[2])
            }),
        ),
        (
            "nonce of another sign-in",
            Box::new(|_: &Flow| {
                provider.id_token(
                    "balie",
                    &["dira-registrar-AMS"],
                    &earlier.nonce,
                    "dira",
                    Duration::minutes(5),
                )
            }),
        ),
    ];
    for (case, make) in &tokens {
        let flow = start(app, provider);
        provider.answer_next(make(&flow));
        let (status, session, body) = callback(app, &flow, &flow.state);
        assert_eq!(status, 401, "{case}: {body}");
        assert!(session.is_none(), "{case}");
        assert!(body.contains("Inloggen mislukt"), "{case}");
    }
    let log = audit_log(app);
    for reason in [
        "invalid audiences",
        "expired",
        "signature verification failed",
        "invalid nonce",
    ] {
        assert!(log.contains(reason), "{reason} in {log}");
    }

    // A wrong state, and a callback used twice.
    let flow = start(app, provider);
    provider.answer_next(provider.id_token(
        "balie",
        &["dira-registrar-AMS"],
        &flow.nonce,
        "dira",
        Duration::minutes(5),
    ));
    assert_eq!(callback(app, &flow, "not-the-state").0, 401);
    let flow = start(app, provider);
    provider.answer_next(provider.id_token(
        "balie",
        &["dira-registrar-AMS"],
        &flow.nonce,
        "dira",
        Duration::minutes(5),
    ));
    let (status, session, _) = callback(app, &flow, &flow.state);
    assert_eq!(status, 200);
    assert!(session.is_some());
    let (again, session, _) = callback(app, &flow, &flow.state);
    assert_eq!((again, session), (401, None));
}

/// Signing out of a session that ran out still ends the provider's session: the next
/// person at a shared desk must not find the officer signed in there.
fn signing_out_after_the_session_ran_out_still_reaches_the_provider(
    app: &TestApp,
    provider: &FakeProvider,
) {
    let (_, session, _) = sign_in_as(app, provider, "balie", &["dira-registrar-AMS"]);
    let session = session.expect("session");
    let page = request(app, "GET", "/registreren", Some(&session), &[]);
    let at = page.body.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    let csrf = page.body[at..at + 64].to_owned();
    app.clock
        .set(app.clock.now().and_utc() + Duration::minutes(31));
    assert_eq!(
        request(app, "GET", "/", Some(&session), &[])
            .location
            .as_deref(),
        Some("/inloggen")
    );
    let out = request(
        app,
        "POST",
        "/uitloggen",
        Some(&session),
        &[("csrf", &csrf)],
    );
    assert_eq!(out.status, 200, "{}", out.body);
    assert!(
        out.body
            .contains(&format!("0;url={}/session/end?", provider.issuer)),
        "{}",
        out.body
    );
    assert!(
        out.body.contains("id_token_hint="),
        "the token is kept until the session is deleted"
    );
    let log = audit_log(app);
    assert!(log.contains("already_ended"), "{log}");
}

fn signing_out_ends_the_session_and_goes_to_the_provider(app: &TestApp, provider: &FakeProvider) {
    let flow = start(app, provider);
    provider.answer_next(provider.id_token(
        "landelijk",
        &["dira-national"],
        &flow.nonce,
        "dira",
        Duration::minutes(5),
    ));
    let (_, session, _) = callback(app, &flow, &flow.state);
    let session = session.expect("session");
    let page = request(app, "GET", "/poldis", Some(&session), &[]);
    assert_eq!(page.status, 200);
    let at = page.body.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    let out = request(
        app,
        "POST",
        "/uitloggen",
        Some(&session),
        &[("csrf", &page.body[at..at + 64])],
    );
    // A page that moves on to the provider (a form's redirect to another site would be
    // stopped by the pages' form-action 'self').
    assert_eq!(out.status, 200);
    let at = out.body.find("content=\"0;url=").expect("a refresh") + 15;
    let to = out.body[at..]
        .split('"')
        .next()
        .unwrap_or_default()
        .replace("&amp;", "&");
    assert!(
        to.starts_with(&format!("{}/session/end?", provider.issuer)),
        "{to}"
    );
    assert!(
        to.contains("id_token_hint=") && to.contains("client_id=dira"),
        "{to}"
    );
    assert!(
        to.contains("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Finloggen"),
        "{to}"
    );
    let after = request(app, "GET", "/", Some(&session), &[]);
    assert_eq!(after.location.as_deref(), Some("/inloggen"));
}

macro_rules! with_a_provider {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                let provider = super::FakeProvider::start();
                let app = super::app_with(crate::helpers::Backend::Sqlite, &provider).expect("app");
                super::$name(&app, &provider);
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                let provider = super::FakeProvider::start();
                if let Some(app) = super::app_with(crate::helpers::Backend::Postgres, &provider) {
                    super::$name(&app, &provider);
                }
            })*
        }
    };
}

with_a_provider!(
    signs_in_with_the_role_and_unit_of_the_groups,
    a_person_without_a_dira_group_is_refused,
    tampered_and_replayed_answers_are_refused,
    signing_out_ends_the_session_and_goes_to_the_provider,
    a_user_name_is_one_person_and_disabling_reaches_the_provider_users,
    the_providers_words_are_quoted_in_the_audit_log,
    signing_out_after_the_session_ran_out_still_reaches_the_provider,
);
