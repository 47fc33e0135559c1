//! Registering and correcting incidents: the rules of domain.md "Every report is taken".

use dira::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{get, post, send, Resp, TestApp};

fn complete() -> Value {
    json!({
        "registration_type": "AANGIFTE",
        "channel": "BALIE",
        "municipality": "GM0363",
        "occurred_from": "2026-11-01",
        "grounds": ["HERKOMST", "MOSLIMDISCRIMINATIE"],
        "manifestations": ["BELEDIGING"],
        "domain": "OPENBARE_RUIMTE",
        "articles": ["SR137C"],
        "victim_kind": "PERSOON",
        "suspect_known": false,
        "summary": "Uitgescholden in de tram",
        "narrative": "Melder werd in lijn 2 uitgescholden.",
        "event_id": "EVT-1"
    })
}

fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

fn count_in_unit(app: &TestApp, token: &str) -> usize {
    let page = get(app, "/api/v1/incidents?limit=500", token);
    assert_eq!(page.status, 200, "{:?}", page.body);
    page.body["items"].as_array().map_or(0, Vec::len)
}

fn a_complete_registration_is_stored_with_a_unit_number(app: &TestApp) {
    let token = app.token("balie-ams", Role::Registrar, "AMS");
    let created = post(app, "/api/v1/incidents", &token, &complete());
    assert_eq!(created.status, 201, "{:?}", created.body);
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(
        created.body["registration_number"],
        format!("AMS-{year}-000001")
    );
    assert_eq!(created.body["status"], "REGISTERED");
    assert_eq!(created.body["missing"], json!([]));
    assert_eq!(
        created.body["unit"], "AMS",
        "the registrar's unit is the default"
    );
    assert_eq!(created.body["version"], 1);
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        created.header.get("location"),
        Some(&format!("/api/v1/incidents/{id}"))
    );

    let read = get(app, &format!("/api/v1/incidents/{id}"), &token);
    assert_eq!(read.status, 200);
    assert_eq!(read.etag.as_deref(), Some("\"1\""));
    for field in [
        "grounds",
        "manifestations",
        "domain",
        "articles",
        "victim_kind",
        "municipality",
        "summary",
        "narrative",
        "event_id",
    ] {
        assert_eq!(read.body[field], complete()[field], "{field}");
        assert_eq!(created.body[field], complete()[field], "{field}");
    }
    assert_eq!(read.body["occurred_from"], "2026-11-01");
    assert_eq!(read.body["suspect_known"], false);
    let history = read.body["history"].as_array().cloned().unwrap_or_default();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["action"], "registered");
    assert_eq!(history[0]["user"], "balie-ams");
    assert_eq!(
        history[0]["changes"]["grounds"]["new"],
        json!(["HERKOMST", "MOSLIMDISCRIMINATIE"])
    );

    let second = post(app, "/api/v1/incidents", &token, &complete());
    assert_eq!(
        second.body["registration_number"],
        format!("AMS-{year}-000002")
    );
}

fn an_incomplete_report_is_taken_and_lists_what_is_missing(app: &TestApp) {
    let token = app.token("balie-ams", Role::Registrar, "AMS");
    let created = post(
        app,
        "/api/v1/incidents",
        &token,
        &json!({"registration_type": "MELDING", "channel": "TELEFOON", "grounds": ["ANTISEMITISME"]}),
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["status"], "INCOMPLETE");
    assert_eq!(
        created.body["missing"],
        json!(["manifestations", "domain", "victim_kind"])
    );
}

fn refused(app: &TestApp, token: &str, body: Value) -> Resp {
    let r = post(app, "/api/v1/incidents", token, &body);
    assert_eq!(r.status, 422, "{body} gave {:?}", r.body);
    assert_eq!(r.content_type, "application/problem+json");
    r
}

fn values_that_break_uniform_registration_are_refused_naming_the_field(app: &TestApp) {
    let token = app.token("balie-ams", Role::Registrar, "AMS");
    let before = count_in_unit(app, &token);

    let unknown = refused(
        app,
        &token,
        with(complete(), "grounds", json!(["HERKOMST", "KLEUR"])),
    );
    assert_eq!(unknown.error_fields(), vec!["grounds"]);
    assert!(unknown.error("grounds")["allowed"]
        .as_array()
        .is_some_and(|a| a.contains(&json!("HERKOMST"))));

    let retired = refused(app, &token, with(complete(), "grounds", json!(["GELOOF"])));
    let err = retired.error("grounds");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("GELOOF") && m.contains("GODSDIENST")),
        "{err}"
    );
    assert!(!err["allowed"]
        .as_array()
        .is_some_and(|a| a.contains(&json!("GELOOF"))));

    let not_yet = with(
        with(
            complete(),
            "registered_at",
            json!("2023-06-01T10:00:00+02:00"),
        ),
        "occurred_from",
        json!("2023-05-30"),
    );
    let not_yet = refused(app, &token, not_yet);
    assert_eq!(
        not_yet.error_fields(),
        vec!["grounds"],
        "MOSLIMDISCRIMINATIE is valid from 2024"
    );

    let bad_date = refused(
        app,
        &token,
        with(complete(), "occurred_from", json!("2026-13-01")),
    );
    assert_eq!(bad_date.error_fields(), vec!["occurred_from"]);

    let bad_time = refused(
        app,
        &token,
        with(complete(), "registered_at", json!("gisteren")),
    );
    assert_eq!(bad_time.error_fields(), vec!["registered_at"]);

    let backwards = refused(
        app,
        &token,
        with(complete(), "occurred_to", json!("2026-10-31")),
    );
    assert_eq!(backwards.error_fields(), vec!["occurred_to"]);

    let municipality = refused(
        app,
        &token,
        with(complete(), "municipality", json!("GM9999")),
    );
    assert_eq!(municipality.error_fields(), vec!["municipality"]);
    assert!(municipality.error("municipality")["allowed"]
        .as_array()
        .is_some_and(|a| a.contains(&json!("GM0363"))));

    let unit = refused(app, &token, with(complete(), "unit", json!("XX")));
    assert_eq!(unit.error_fields(), vec!["unit"]);
    assert!(unit.error("unit")["allowed"]
        .as_array()
        .is_some_and(|a| a.contains(&json!("AMS"))));

    let no_type = refused(
        app,
        &token,
        with(complete(), "registration_type", Value::Null),
    );
    assert_eq!(no_type.error_fields(), vec!["registration_type"]);

    let several = refused(
        app,
        &token,
        with(
            with(complete(), "domain", json!("STRAAT")),
            "victim_kind",
            json!("IEMAND"),
        ),
    );
    assert_eq!(
        several.error_fields(),
        vec!["domain", "victim_kind"],
        "every error, not just the first"
    );

    let unknown_field = refused(app, &token, with(complete(), "name", json!("Jan Jansen")));
    assert!(unknown_field.error("body")["message"]
        .as_str()
        .is_some_and(|m| m.contains("name")));

    assert_eq!(
        count_in_unit(app, &token),
        before,
        "a refused request stores nothing"
    );
}

fn a_registrar_registers_only_in_their_own_unit(app: &TestApp) {
    let token = app.token("balie-ams", Role::Registrar, "AMS");
    let r = post(
        app,
        "/api/v1/incidents",
        &token,
        &with(complete(), "unit", json!("RTM")),
    );
    assert_eq!(r.status, 403, "{:?}", r.body);
    assert_eq!(r.error_fields(), vec!["unit"]);
    let analyst = app.token("analist", Role::Analyst, "AMS");
    assert_eq!(
        post(app, "/api/v1/incidents", &analyst, &complete()).status,
        403
    );
    let rtm = app.token("balie-rtm", Role::Registrar, "RTM");
    assert_eq!(count_in_unit(app, &rtm), 0);
}

fn a_retry_with_the_same_idempotency_key_returns_the_first_result(app: &TestApp) {
    let token = app.token("balie-ams", Role::Registrar, "AMS");
    let url = app.url("/api/v1/incidents");
    let key = [("Idempotency-Key", "intake-42")];
    let first = send("POST", &url, Some(&token), &key, Some(&complete()));
    let retry = send("POST", &url, Some(&token), &key, Some(&complete()));
    assert_eq!(first.status, 201);
    assert_eq!(retry.status, 201);
    assert_eq!(retry.body["id"], first.body["id"]);
    assert_eq!(
        retry.body["registration_number"],
        first.body["registration_number"]
    );
    assert_eq!(
        retry.header.get("idempotent-replayed").map(String::as_str),
        Some("true")
    );
    assert_eq!(count_in_unit(app, &token), 1);

    let other_body = send(
        "POST",
        &url,
        Some(&token),
        &key,
        Some(&with(complete(), "summary", json!("anders"))),
    );
    assert_eq!(other_body.status, 409);
    assert_eq!(count_in_unit(app, &token), 1);
}

fn a_stale_if_match_is_refused_and_changes_are_kept_in_history(app: &TestApp) {
    let token = app.token("balie-ams", Role::Registrar, "AMS");
    let created = post(
        app,
        "/api/v1/incidents",
        &token,
        &json!({"registration_type": "AANGIFTE", "channel": "BALIE"}),
    );
    let path = format!(
        "/api/v1/incidents/{}",
        created.body["id"].as_str().unwrap_or_default()
    );
    let url = app.url(&path);
    let patch = json!({"grounds": ["HERKOMST"], "manifestations": ["BEDREIGING"], "domain": "WERK", "victim_kind": "PERSOON"});

    let missing = send("PATCH", &url, Some(&token), &[], Some(&patch));
    assert_eq!(missing.status, 428);

    let done = send(
        "PATCH",
        &url,
        Some(&token),
        &[("If-Match", "\"1\"")],
        Some(&patch),
    );
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!(done.body["version"], 2);
    assert_eq!(
        done.body["status"], "REGISTERED",
        "completing moves INCOMPLETE to REGISTERED"
    );

    let stale = send(
        "PATCH",
        &url,
        Some(&token),
        &[("If-Match", "\"1\"")],
        Some(&json!({"domain": "SPORT"})),
    );
    assert_eq!(stale.status, 412);
    let read = get(app, &path, &token);
    assert_eq!(
        read.body["domain"], "WERK",
        "a stale change leaves the incident as it was"
    );
    let history = read.body["history"].as_array().cloned().unwrap_or_default();
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[1]["changes"]["domain"],
        json!({"old": null, "new": "WERK"})
    );
    assert_eq!(
        history[1]["changes"]["status"],
        json!({"old": "INCOMPLETE", "new": "REGISTERED"})
    );

    let fixed = send(
        "PATCH",
        &url,
        Some(&token),
        &[("If-Match", "2")],
        Some(&json!({"unit": "RTM"})),
    );
    assert_eq!(fixed.status, 422);
    assert_eq!(fixed.error_fields(), vec!["unit"]);

    let colleague = app.token("balie-ams-2", Role::Registrar, "AMS");
    let other = send(
        "PATCH",
        &url,
        Some(&colleague),
        &[("If-Match", "2")],
        Some(&json!({"domain": "SPORT"})),
    );
    assert_eq!(
        other.status, 403,
        "registrars correct their own registrations"
    );
    let screener = app.token("cpd-ams", Role::Screener, "AMS");
    let by_screener = send(
        "PATCH",
        &url,
        Some(&screener),
        &[("If-Match", "2")],
        Some(&json!({"domain": "SPORT"})),
    );
    assert_eq!(by_screener.status, 200);
    assert_eq!(by_screener.body["version"], 3);
}

fn requests_without_a_valid_token_are_401(app: &TestApp) {
    let none = send("GET", &app.url("/api/v1/incidents"), None, &[], None);
    assert_eq!(none.status, 401);
    assert_eq!(none.content_type, "application/problem+json");
    let wrong = send(
        "GET",
        &app.url("/api/v1/incidents"),
        Some("dira_0000"),
        &[],
        None,
    );
    assert_eq!(wrong.status, 401);
    let post_none = send(
        "POST",
        &app.url("/api/v1/incidents"),
        None,
        &[],
        Some(&complete()),
    );
    assert_eq!(post_none.status, 401);
    let codes = send("GET", &app.url("/api/v1/codes"), None, &[], None);
    assert_eq!(codes.status, 401);
    assert_eq!(
        send("GET", &app.url("/health"), None, &[], None).status,
        200
    );
}

crate::on_both_backends!(
    a_complete_registration_is_stored_with_a_unit_number,
    an_incomplete_report_is_taken_and_lists_what_is_missing,
    values_that_break_uniform_registration_are_refused_naming_the_field,
    a_registrar_registers_only_in_their_own_unit,
    a_retry_with_the_same_idempotency_key_returns_the_first_result,
    a_stale_if_match_is_refused_and_changes_are_kept_in_history,
    requests_without_a_valid_token_are_401,
);
