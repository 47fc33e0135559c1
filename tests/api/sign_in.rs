//! Signing in to the pages with a local account, and the sessions it starts (issue
//! 16): Argon2id hashes, throttling per account and address, disabled accounts, idle
//! timeout and lifetime by a settable clock, a new session id at every sign-in,
//! sign-out on the server, CSRF bound to the session, replicas sharing sessions, and
//! bearer tokens kept apart from sessions.

use chrono::{Duration, TimeZone, Utc};
use diesel::prelude::*;
use dira::auth::{Role, SignInSettings};
use dira::clock::Clock;
use dira::server::Settings;

use crate::helpers::{get, Backend, TestApp};
use crate::web::{cookie_value, request, sign_in, sign_in_with, Page, SESSION_COOKIE};

/// The app on a clock standing still at 2026-03-02 09:00 UTC, believing
/// `X-Forwarded-For` from 127.0.0.1 (so that tests can come from several addresses).
fn app_on_fixed_clock(backend: Backend) -> Option<TestApp> {
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single()?);
    let sign_in = SignInSettings {
        trusted_proxy: "127.0.0.1".parse().ok(),
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

fn later(app: &TestApp, by: Duration) {
    app.clock.set(app.clock.now().and_utc() + by);
}

/// A sign-in attempt from `address`.
fn attempt(app: &TestApp, user: &str, password: &str, address: &str) -> Page {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let sent = agent
        .post(&app.url("/inloggen"))
        .set("X-Forwarded-For", address)
        .send_form(&[("user", user), ("password", password)]);
    let response = match sent {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("sign-in: {e}"),
    };
    Page {
        status: response.status(),
        location: response.header("retry-after").map(str::to_owned),
        cookie: response.header("set-cookie").map(str::to_owned),
        body: response.into_string().unwrap_or_default(),
    }
}

fn audit_log(app: &TestApp) -> String {
    let admin = app.token("beheer", Role::Admin, "*");
    get(app, "/api/v1/audit?limit=1000", &admin)
        .body
        .to_string()
}

fn home(app: &TestApp, session: &str) -> Option<String> {
    request(app, "GET", "/", Some(session), &[]).location
}

fn local_accounts_sign_in_with_the_right_password_only(app: &TestApp) {
    let password = app.account("balie", Role::Registrar, "AMS");
    let stored: Option<String> = dira::db::schema::users::table
        .find("balie")
        .select(dira::db::schema::users::password_hash)
        .first(&mut *app.db.conn().expect("connection"))
        .expect("the user");
    let stored = stored.expect("a password hash");
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert!(!stored.contains(&password));

    for (user, wrong) in [("balie", "not-the-password"), ("nobody", password.as_str())] {
        let refused = attempt(app, user, wrong, "10.0.0.7");
        assert_eq!(refused.status, 401, "{user}");
        assert!(refused.cookie.is_none());
        assert!(refused.body.contains("role=\"alert\""));
        assert!(refused.body.contains("onjuist"), "{}", refused.body);
    }
    let session = sign_in_with(app, "balie", &password);
    assert_eq!(home(app, &session).as_deref(), Some("/registreren"));
    let log = audit_log(app);
    for expected in [
        r#"method=password subject=\"balie\" role=registrar scope=AMS"#,
        "reason=wrong_password address=10.0.0.7",
        "reason=unknown_user",
    ] {
        assert!(log.contains(expected), "{expected} in {log}");
    }
}

fn failed_sign_ins_are_throttled_per_account_and_address(app: &TestApp) {
    let password = app.account("balie", Role::Registrar, "AMS");
    for _ in 0..5 {
        assert_eq!(
            attempt(app, "balie", "guess-guess-guess", "10.0.0.66").status,
            401
        );
    }
    let locked = attempt(app, "balie", &password, "10.0.0.66");
    assert_eq!(locked.status, 429, "even the right password, from there");
    assert!(locked.cookie.is_none());
    assert_eq!(locked.location.as_deref(), Some("900"), "Retry-After");
    assert!(locked.body.contains("Te veel mislukte pogingen"));
    // The officer at their own desk is not locked out by someone else's guesses.
    assert_eq!(attempt(app, "balie", &password, "10.0.0.7").status, 303);

    // The same address written as IPv4-mapped IPv6 is the same address; another one is
    // not (and a proxy that adds a port does not make every client one address).
    assert_eq!(
        attempt(app, "balie", &password, "::ffff:10.0.0.66").status,
        429
    );
    assert_eq!(
        attempt(app, "balie", &password, "::ffff:10.0.0.9").status,
        303
    );
    assert_eq!(
        attempt(app, "balie", &password, "10.0.0.66:5555").status,
        429
    );
    assert_eq!(
        attempt(app, "balie", &password, "10.0.0.10:5555").status,
        303
    );

    // Spraying a unit's accounts from one address locks that address.
    for n in 0..15 {
        let user = format!("collega{n}");
        assert_eq!(
            attempt(app, &user, "guess-guess-guess", "10.0.0.66").status,
            401
        );
    }
    let other = app.account("adc", Role::Screener, "AMS");
    assert_eq!(attempt(app, "adc", &other, "10.0.0.66").status, 429);
    assert_eq!(attempt(app, "adc", &other, "10.0.0.8").status, 303);

    later(app, Duration::minutes(16));
    assert_eq!(attempt(app, "balie", &password, "10.0.0.66").status, 303);
    let log = audit_log(app);
    assert!(log.contains("reason=throttled address=10.0.0.66"), "{log}");
}

/// Many addresses guessing one officer's password: the account is closed to new
/// addresses, never to one the officer signed in from; an IPv6 host counts as its /64.
fn guessing_from_many_addresses_does_not_lock_the_officer_out(app: &TestApp) {
    let password = app.account("balie", Role::Registrar, "AMS");
    assert_eq!(
        attempt(app, "balie", &password, "10.0.0.7").status,
        303,
        "own desk"
    );
    for host in 10..20 {
        for _ in 0..5 {
            let from = format!("10.0.1.{host}");
            assert_eq!(
                attempt(app, "balie", "guess-guess-guess", &from).status,
                401
            );
        }
    }
    assert_eq!(
        attempt(app, "balie", &password, "10.0.2.1").status,
        429,
        "a new address"
    );
    later(app, Duration::minutes(1));
    assert_eq!(
        attempt(app, "balie", "guess-guess-guess", "10.0.2.2").status,
        429
    );
    assert_eq!(
        attempt(app, "balie", &password, "10.0.0.7").status,
        303,
        "own desk still"
    );
    // A new password from the administrator lifts the lock (and forgets known addresses).
    let hash = dira::auth::accounts::hash_password("a-new-password-from-beheer").expect("hash");
    let now = app.clock.now();
    let set =
        dira::auth::accounts::set_password(&mut app.db.conn().expect("conn"), "balie", &hash, now);
    assert_eq!(
        set.expect("set"),
        Some(2),
        "the two sessions from the own desk end"
    );
    assert_eq!(
        attempt(app, "balie", "a-new-password-from-beheer", "10.0.2.3").status,
        303
    );

    // One IPv6 host tries its many addresses: one /64, one count.
    let other = app.account("adc", Role::Screener, "AMS");
    for n in 0..5 {
        let from = format!("2001:db8:1:2::{n:x}");
        assert_eq!(attempt(app, "adc", "guess-guess-guess", &from).status, 401);
    }
    assert_eq!(attempt(app, "adc", &other, "2001:db8:1:2::99").status, 429);
    assert_eq!(attempt(app, "adc", &other, "2001:db8:1:3::1").status, 303);
}

fn a_disabled_account_is_refused_and_its_sessions_and_tokens_end(app: &TestApp) {
    let token = app.token("balie", Role::Registrar, "AMS");
    let password = app.account("balie", Role::Registrar, "AMS");
    let session = sign_in_with(app, "balie", &password);
    assert_eq!(get(app, "/api/v1/incidents", &token).status, 200);
    let now = app.clock.now();
    let ended = dira::auth::accounts::disable(&mut app.db.conn().expect("conn"), "balie", now)
        .expect("disable");
    assert_eq!(ended, Some(1), "one open session ended");
    assert_eq!(home(app, &session).as_deref(), Some("/inloggen"));
    assert_eq!(attempt(app, "balie", &password, "10.0.0.7").status, 401);
    assert_eq!(get(app, "/api/v1/incidents", &token).status, 401);
    assert!(audit_log(app).contains("reason=disabled"));
}

fn sessions_end_after_their_idle_time_and_their_lifetime(app: &TestApp) {
    let session = sign_in(app, "balie", Role::Registrar, "AMS");
    for _ in 0..2 {
        later(app, Duration::minutes(29));
        assert_eq!(home(app, &session).as_deref(), Some("/registreren"));
    }
    later(app, Duration::minutes(30));
    assert_eq!(home(app, &session).as_deref(), Some("/inloggen"));
    later(app, Duration::minutes(1));
    assert_eq!(
        home(app, &session).as_deref(),
        Some("/inloggen"),
        "stays ended"
    );
    let log = audit_log(app);
    assert!(log.contains("\"action\":\"session.expire\""), "{log}");
    assert!(log.contains("reason=idle"), "{log}");

    let password = app.account("adc", Role::Screener, "AMS");
    let session = sign_in_with(app, "adc", &password);
    // In use all shift long: 29 requests, one every 20 minutes, then 10 hours are up.
    for _ in 0..29 {
        later(app, Duration::minutes(20));
        assert_eq!(home(app, &session).as_deref(), Some("/screening"));
    }
    later(app, Duration::minutes(20));
    assert_eq!(home(app, &session).as_deref(), Some("/inloggen"));
    assert!(audit_log(app).contains("reason=lifetime"));
}

/// A session that ran out unnoticed and is then signed out of: its expiry is recorded
/// first, then the sign-out; the address goes with both ends of the session, and an
/// address that is not one cannot pose as fields of its own.
fn signing_out_of_a_session_that_ran_out_records_both(app: &TestApp) {
    let session = sign_in(app, "balie", Role::Registrar, "AMS");
    let form = request(app, "GET", "/registreren", Some(&session), &[]);
    let token = csrf(&form.body);
    later(app, Duration::minutes(31));
    let out = request(
        app,
        "POST",
        "/uitloggen",
        Some(&session),
        &[("csrf", &token)],
    );
    assert_eq!(out.status, 303);
    let log = audit_log(app);
    assert!(log.contains("reason=idle"), "{log}");
    assert!(
        log.contains("method=password already_ended address=127.0.0.1"),
        "{log}"
    );

    let forged = attempt(
        app,
        "nobody",
        "guess-guess-guess",
        "x reason=granted method=oidc",
    );
    assert_eq!(forged.status, 401);
    let log = audit_log(app);
    assert!(log.contains("address=xreason"), "{log}");
    assert!(!log.contains("reason=granted"), "{log}");
}

fn csrf(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    body[at..at + 64].to_owned()
}

fn each_sign_in_gets_a_new_session_and_signing_out_ends_it(app: &TestApp) {
    let password = app.account("balie", Role::Registrar, "AMS");
    let first = sign_in_with(app, "balie", &password);
    // Signing in again in a browser that has a session: a new id, the old one ended.
    let again = request(
        app,
        "POST",
        "/inloggen",
        Some(&first),
        &[("user", "balie"), ("password", &password)],
    );
    assert_eq!(again.status, 303);
    let second = again
        .cookie
        .as_deref()
        .and_then(|c| cookie_value(c, SESSION_COOKIE))
        .expect("a new session cookie");
    assert_ne!(first, second);
    assert_eq!(home(app, &first).as_deref(), Some("/inloggen"));
    assert_eq!(home(app, &second).as_deref(), Some("/registreren"));

    // The CSRF token belongs to one session.
    let other = sign_in_with(app, "balie", &password);
    let form = request(app, "GET", "/registreren", Some(&other), &[]);
    let foreign = csrf(&form.body);
    let refused = request(
        app,
        "POST",
        "/uitloggen",
        Some(&second),
        &[("csrf", &foreign)],
    );
    assert_eq!(refused.status, 403);

    let form = request(app, "GET", "/registreren", Some(&second), &[]);
    let out = request(
        app,
        "POST",
        "/uitloggen",
        Some(&second),
        &[("csrf", &csrf(&form.body))],
    );
    assert_eq!(
        (out.status, out.location.as_deref()),
        (303, Some("/inloggen"))
    );
    assert!(out.cookie.is_some_and(|c| c.contains("Max-Age=0")));
    assert_eq!(home(app, &second).as_deref(), Some("/inloggen"));
    assert_eq!(home(app, &other).as_deref(), Some("/registreren"));
}

fn bearer_tokens_and_sessions_stay_apart(app: &TestApp) {
    let token = app.token("balie", Role::Registrar, "AMS");
    let session = sign_in(app, "balie", Role::Registrar, "AMS");
    assert_eq!(home(app, &token).as_deref(), Some("/inloggen"));
    assert_eq!(get(app, "/api/v1/incidents", &session).status, 401);
    assert_eq!(get(app, "/api/v1/incidents", &token).status, 200);
    let admin = app.token("beheer", Role::Admin, "*");
    let tokens = get(app, "/api/v1/tokens", &admin);
    let used = tokens
        .body
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| t["user"] == "balie");
    assert!(
        used.is_some_and(|t| t["last_used_at"].is_string()),
        "{}",
        tokens.body
    );
}

fn password_sessions_end_when_local_accounts_are_switched_off(app: &TestApp) {
    let session = sign_in(app, "balie", Role::Registrar, "AMS");
    let mut sign_in = SignInSettings {
        local_accounts: false,
        ..SignInSettings::default()
    };
    sign_in.sessions.password_sessions = false;
    let restarted = TestApp::beside(
        app,
        Settings {
            workers: Some(1),
            clock: app.clock.clone(),
            sign_in,
        },
    );
    assert_eq!(home(&restarted, &session).as_deref(), Some("/inloggen"));
    let form = request(&restarted, "GET", "/inloggen", None, &[]);
    assert!(!form.body.contains("name=\"password\""), "no password form");
    assert!(audit_log(app).contains("reason=local_accounts_off"));
}

fn names_that_differ_only_in_case_are_one_name(app: &TestApp) {
    app.account("balie-ams", Role::Registrar, "AMS");
    let mut conn = app.db.conn().expect("conn");
    let catalog = dira::codes::Catalog::load(&mut conn).expect("catalog");
    let hash = dira::auth::accounts::hash_password("nog-een-wachtwoord").expect("hash");
    let now = app.clock.now();
    let refused = dira::auth::accounts::create(
        &mut conn,
        &catalog,
        "Balie-AMS",
        Role::Analyst,
        "AMS",
        &hash,
        now,
    );
    assert!(refused.is_err_and(|e| e.to_string().contains("differs only in case")));
    // The database holds the rule too, so that two sign-ins at once cannot both win.
    let raw = diesel::insert_into(dira::db::schema::users::table)
        .values((
            dira::db::schema::users::name.eq("BALIE-AMS"),
            dira::db::schema::users::role.eq("registrar"),
            dira::db::schema::users::scope.eq("AMS"),
            dira::db::schema::users::created_at.eq(now),
        ))
        .execute(&mut conn);
    assert!(raw.is_err(), "a unique index on lower(name)");
    let token = dira::auth::create_token(
        &mut conn,
        &catalog,
        "BALIE-ams",
        Role::Registrar,
        "AMS",
        1,
        now,
    );
    assert!(token.is_err());
}

fn a_session_from_one_replica_is_valid_on_another(app: &TestApp) {
    let session = sign_in(app, "balie", Role::Registrar, "AMS");
    let replica = TestApp::beside(
        app,
        Settings {
            workers: Some(1),
            clock: app.clock.clone(),
            sign_in: SignInSettings::default(),
        },
    );
    assert_eq!(home(&replica, &session).as_deref(), Some("/registreren"));
    let form = request(&replica, "GET", "/registreren", Some(&session), &[]);
    let out = request(
        &replica,
        "POST",
        "/uitloggen",
        Some(&session),
        &[("csrf", &csrf(&form.body))],
    );
    assert_eq!(out.status, 303);
    assert_eq!(
        home(app, &session).as_deref(),
        Some("/inloggen"),
        "ended on both"
    );
}

macro_rules! on_a_fixed_clock {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                let app = super::app_on_fixed_clock(crate::helpers::Backend::Sqlite).expect("app");
                super::$name(&app);
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                if let Some(app) = super::app_on_fixed_clock(crate::helpers::Backend::Postgres) {
                    super::$name(&app);
                }
            })*
        }
    };
}

on_a_fixed_clock!(
    local_accounts_sign_in_with_the_right_password_only,
    failed_sign_ins_are_throttled_per_account_and_address,
    guessing_from_many_addresses_does_not_lock_the_officer_out,
    a_disabled_account_is_refused_and_its_sessions_and_tokens_end,
    sessions_end_after_their_idle_time_and_their_lifetime,
    each_sign_in_gets_a_new_session_and_signing_out_ends_it,
    bearer_tokens_and_sessions_stay_apart,
    a_session_from_one_replica_is_valid_on_another,
    password_sessions_end_when_local_accounts_are_switched_off,
    names_that_differ_only_in_case_are_one_name,
    signing_out_of_a_session_that_ran_out_records_both,
);
