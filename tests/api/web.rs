//! The web pages over HTTP on both backends: sign-in cookie, the same role policy and
//! unit scope as the API, CSRF on forms, and the audit log. (The pages in a real
//! browser: tests/e2e, run by .ci/run.)

use dira::auth::Role;
use serde_json::Value;

use crate::helpers::{get, TestApp};

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub cookie: Option<String>,
    pub body: String,
}

pub fn request(
    app: &TestApp,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> Page {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut req = agent.request(method, &app.url(path));
    if let Some(c) = cookie {
        req = req.set("Cookie", &format!("{SESSION_COOKIE}={c}"));
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

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "__Host-dira_sessie";

/// The value of cookie `name` in a `Set-Cookie` header.
pub fn cookie_value(set_cookie: &str, name: &str) -> Option<String> {
    set_cookie
        .strip_prefix(&format!("{name}="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

/// Signs in with `user`'s local account (made for the user if they have none, with
/// this role and scope); answers the session id the cookie carries.
pub fn sign_in(app: &TestApp, user: &str, role: Role, scope: &str) -> String {
    let password = app.account(user, role, scope);
    sign_in_with(app, user, &password)
}

/// Signs in through the form; answers the session id the cookie carries.
pub fn sign_in_with(app: &TestApp, user: &str, password: &str) -> String {
    let page = request(
        app,
        "POST",
        "/inloggen",
        None,
        &[("user", user), ("password", password)],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let cookie = page.cookie.expect("a session cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    cookie_value(&cookie, SESSION_COOKIE).expect("the session cookie")
}

pub fn csrf(body: &str) -> String {
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
        &[("user", "balie"), ("password", "nonsense-nonsense")],
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.cookie.is_none());

    let officer = sign_in(app, "balie", Role::Registrar, "AMS");
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
    let officer = sign_in(app, "balie", Role::Registrar, "AMS");
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

    let other_unit = sign_in(app, "adc-rtm", Role::Screener, "RTM");
    let hidden = request(
        app,
        "GET",
        &format!("/incidenten/{id}"),
        Some(&other_unit),
        &[],
    );
    assert_eq!(hidden.status, 404);
    let own_unit = sign_in(app, "adc-ams", Role::Screener, "AMS");
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

fn a_screener_takes_over_or_dismisses_candidates_on_the_pages(app: &TestApp) {
    let csv = "source_reference,registered_at,unit,municipality,incident_code,narrative\n\
               G1,2024-03-01T10:00:00+01:00,AMS,GM0363,B100,Uitgemaakt voor homo.\n\
               G2,2024-03-02T10:00:00+01:00,AMS,,B100,Een hakenkruis gekalkt.\n";
    app.scan_candidates(csv);
    let token = app.token("adc-ams", Role::Screener, "AMS");
    let queue = get(app, "/api/v1/screening/queue?status=CANDIDATE", &token);
    let ids: Vec<String> = queue.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let [first, second] = &ids[..] else {
        panic!("two candidates: {:?}", queue.body)
    };
    let screener = sign_in(app, "adc-ams", Role::Screener, "AMS");
    let listed = request(app, "GET", "/screening", Some(&screener), &[]);
    assert!(listed
        .body
        .contains(&format!("href=\"/kandidaten/{first}\"")));

    let other_unit = sign_in(app, "adc-rtm", Role::Screener, "RTM");
    let hidden = request(
        app,
        "GET",
        &format!("/kandidaten/{first}"),
        Some(&other_unit),
        &[],
    );
    assert_eq!(hidden.status, 404);
    let page = request(
        app,
        "GET",
        &format!("/kandidaten/{first}"),
        Some(&screener),
        &[],
    );
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Uitgemaakt voor homo."),
        "the narrative, within the unit"
    );
    assert!(page.body.contains("Overnemen") && page.body.contains("Afwijzen"));
    let token_field = csrf(&page.body);
    let promote = format!("/kandidaten/{first}/overnemen");
    let how = [("registration_type", "MUTATIE"), ("channel", "TER_PLAATSE")];

    let forged = request(
        app,
        "POST",
        &promote,
        Some(&screener),
        &[&[("csrf", "0".repeat(64).as_str())], &how[..]].concat(),
    );
    assert_eq!(forged.status, 403);
    let unclassified = request(
        app,
        "POST",
        &promote,
        Some(&screener),
        &[&[("csrf", token_field.as_str())], &how[..]].concat(),
    );
    assert_eq!(unclassified.status, 422);
    assert!(
        unclassified.body.contains("Discriminatiegronden"),
        "the missing field is named"
    );
    assert!(
        unclassified.body.contains("value=\"MUTATIE\" selected"),
        "the choices are kept"
    );

    let classification = [
        ("grounds", "SEKSUELE_GERICHTHEID"),
        ("manifestations", "BELEDIGING"),
        ("domain", "OPENBARE_RUIMTE"),
        ("victim_kind", "PERSOON"),
    ];
    let promoted = request(
        app,
        "POST",
        &promote,
        Some(&screener),
        &[
            &[("csrf", token_field.as_str())],
            &how[..],
            &classification[..],
        ]
        .concat(),
    );
    assert_eq!(promoted.status, 303, "{}", promoted.body);
    let location = promoted.location.expect("to the new incident");
    // The candidate is of 2024: past the first term, shown for its taking over.
    assert!(
        location.ends_with("?opgeslagen=overgenomen&reden=Kandidaat+overgenomen"),
        "{location}"
    );
    let incident_id = location
        .trim_start_matches("/incidenten/")
        .split('?')
        .next()
        .unwrap_or_default();
    let incident = get(app, &format!("/api/v1/incidents/{incident_id}"), &token);
    assert_eq!(incident.body["source_reference"], "G1");
    assert_eq!(incident.body["municipality"], "GM0363");
    let again = request(
        app,
        "POST",
        &promote,
        Some(&screener),
        &[
            &[("csrf", token_field.as_str())],
            &how[..],
            &classification[..],
        ]
        .concat(),
    );
    assert_eq!(again.status, 409, "a candidate is decided once");

    let dismiss = format!("/kandidaten/{second}/afwijzen");
    let no_reason = request(
        app,
        "POST",
        &dismiss,
        Some(&screener),
        &[("csrf", token_field.as_str()), ("reason", " ")],
    );
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("Reden van afwijzing"));
    let dismissed = request(
        app,
        "POST",
        &dismiss,
        Some(&screener),
        &[
            ("csrf", token_field.as_str()),
            ("reason", "Graffiti van een kunstenaar"),
        ],
    );
    assert_eq!(dismissed.status, 303);
    assert_eq!(
        dismissed.location.as_deref(),
        Some("/screening?afgewezen=1")
    );
    let decided = request(
        app,
        "GET",
        &format!("/kandidaten/{second}"),
        Some(&screener),
        &[],
    );
    assert!(
        decided.body.contains(">Afgewezen<")
            && decided.body.contains("Graffiti van een kunstenaar")
    );
    assert!(
        !decided.body.contains("Overnemen"),
        "no forms for a decided candidate"
    );

    let queue = get(app, "/api/v1/screening/queue?status=CANDIDATE", &token);
    assert_eq!(queue.body["items"].as_array().map(Vec::len), Some(0));
    let admin = app.token("beheer", Role::Admin, "*");
    let audit = get(app, "/api/v1/audit?limit=500", &admin);
    let actions: Vec<(String, String)> = audit.body["items"]
        .as_array()
        .expect("audit entries")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (s("action"), s("outcome"))
        })
        .collect();
    for expected in [
        ("candidate.read", "404"),
        ("candidate.promote", "403"),
        ("candidate.promote", "303"),
        ("candidate.dismiss", "303"),
    ] {
        let found = actions
            .iter()
            .any(|(a, o)| (a.as_str(), o.as_str()) == expected);
        assert!(found, "{expected:?} in the audit log: {actions:?}");
    }
}

crate::on_both_backends!(
    signing_in_and_the_role_policy,
    a_registration_form_needs_its_csrf_token_and_keeps_the_unit_scope,
    a_screener_takes_over_or_dismisses_candidates_on_the_pages,
);
