//! The web pages over HTTP on both backends: sign-in cookie, the same role policy and
//! unit scope as the API, CSRF on forms, and the audit log. (The pages in a real
//! browser: tests/e2e, run by .ci/run.)

use dira::auth::Role;
use serde_json::Value;

use crate::helpers::{get, TestApp};

struct Page {
    status: u16,
    location: Option<String>,
    cookie: Option<String>,
    body: String,
}

fn request(
    app: &TestApp,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> Page {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut req = agent.request(method, &app.url(path));
    if let Some(c) = cookie {
        req = req.set("Cookie", &format!("dira_sessie={c}"));
    }
    let result = match method {
        "POST" => req.send_form(form),
        _ => req.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    Page {
        status: response.status(),
        location: response.header("location").map(str::to_owned),
        cookie: response.header("set-cookie").map(str::to_owned),
        body: response.into_string().unwrap_or_default(),
    }
}

/// Signs in through the form; answers the session token the cookie carries.
fn sign_in(app: &TestApp, token: &str) -> String {
    let page = request(app, "POST", "/inloggen", None, &[("token", token)]);
    assert_eq!(page.status, 303);
    let cookie = page.cookie.expect("a session cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    token.to_owned()
}

fn csrf(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    body[at..at + 64].to_owned()
}

fn signing_in_and_the_role_policy(app: &TestApp) {
    let anonymous = request(app, "GET", "/screening", None, &[]);
    assert_eq!(
        (anonymous.status, anonymous.location.as_deref()),
        (303, Some("/inloggen"))
    );
    let wrong = request(
        app,
        "POST",
        "/inloggen",
        None,
        &[("token", "dira_nonsense")],
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.cookie.is_none());

    let officer = sign_in(app, &app.token("balie", Role::Registrar, "AMS"));
    let home = request(app, "GET", "/", Some(&officer), &[]);
    assert_eq!(home.location.as_deref(), Some("/registreren"));
    let refused = request(app, "GET", "/screening", Some(&officer), &[]);
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Geen toegang"));
    assert_eq!(
        request(app, "GET", "/poldis", Some(&officer), &[]).status,
        403
    );
}

fn a_registration_form_needs_its_csrf_token_and_keeps_the_unit_scope(app: &TestApp) {
    let officer = sign_in(app, &app.token("balie", Role::Registrar, "AMS"));
    let admin = app.token("beheer", Role::Admin, "*");
    let reader = app.token("lezer", Role::National, "*");
    let form = request(app, "GET", "/registreren", Some(&officer), &[]);
    assert_eq!(form.status, 200);
    assert!(form
        .body
        .contains("<label for=\"registration_type\">Soort registratie</label>"));
    let token = csrf(&form.body);
    let fields = [
        ("registration_type", "MELDING"),
        ("channel", "TELEFOON"),
        ("grounds", "HERKOMST"),
        ("grounds", "ANTISEMITISME"),
    ];

    let forged = request(
        app,
        "POST",
        "/registreren",
        Some(&officer),
        &[&[("csrf", "0".repeat(64).as_str())], &fields[..]].concat(),
    );
    assert_eq!(forged.status, 403);
    let listed = get(app, "/api/v1/incidents", &reader);
    assert_eq!(
        listed.body["items"].as_array().map(Vec::len),
        Some(0),
        "nothing stored"
    );

    let done = request(
        app,
        "POST",
        "/registreren",
        Some(&officer),
        &[&[("csrf", token.as_str())], &fields[..]].concat(),
    );
    assert_eq!(done.status, 201, "{}", done.body);
    assert!(done.body.contains("Geregistreerd onder nummer"));
    assert!(
        done.body.contains("Onvolledig"),
        "classification is incomplete"
    );
    let listed = get(app, "/api/v1/incidents", &reader);
    let item: &Value = &listed.body["items"][0];
    assert_eq!(
        item["grounds"],
        serde_json::json!(["HERKOMST", "ANTISEMITISME"])
    );
    let id = item["id"].as_str().expect("id").to_owned();

    let bad = request(
        app,
        "POST",
        "/registreren",
        Some(&officer),
        &[
            ("csrf", token.as_str()),
            ("registration_type", "MELDING"),
            ("channel", "FAX"),
        ],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Kanaal"), "the field is named");

    let other_unit = sign_in(app, &app.token("adc-rtm", Role::Screener, "RTM"));
    let hidden = request(
        app,
        "GET",
        &format!("/incidenten/{id}"),
        Some(&other_unit),
        &[],
    );
    assert_eq!(hidden.status, 404);
    let own_unit = sign_in(app, &app.token("adc-ams", Role::Screener, "AMS"));
    let shown = request(
        app,
        "GET",
        &format!("/incidenten/{id}"),
        Some(&own_unit),
        &[],
    );
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("Beoordeling opslaan"));

    let audit = get(app, "/api/v1/audit?limit=500", &admin);
    let actions: Vec<(String, String, String)> = audit.body["items"]
        .as_array()
        .expect("audit entries")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (s("user"), s("action"), s("outcome"))
        })
        .collect();
    for expected in [
        ("balie", "incident.register", "403"),
        ("balie", "incident.register", "201"),
        ("adc-rtm", "incident.read", "404"),
        ("balie", "session.start", "303"),
    ] {
        let found = actions
            .iter()
            .any(|(u, a, o)| (u.as_str(), a.as_str(), o.as_str()) == expected);
        assert!(found, "{expected:?} in the audit log: {actions:?}");
    }
}

crate::on_both_backends!(
    signing_in_and_the_role_policy,
    a_registration_form_needs_its_csrf_token_and_keeps_the_unit_scope,
);
