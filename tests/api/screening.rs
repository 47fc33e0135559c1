//! Screening: decisions, reopening, the queue and lead-time statistics (issue 5).

use chrono::{Duration, Utc};
use dira::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{get, post, send, Resp, TestApp};

fn register(app: &TestApp, token: &str, body: Value) -> Value {
    let r = post(app, "/api/v1/incidents", token, &body);
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body
}

fn complete() -> Value {
    json!({"registration_type": "AANGIFTE", "channel": "BALIE", "grounds": ["HERKOMST"],
           "manifestations": ["BELEDIGING"], "domain": "OPENBARE_RUIMTE", "victim_kind": "PERSOON"})
}

fn decide(app: &TestApp, token: &str, id: &str, version: &str, body: Value) -> Resp {
    send(
        "POST",
        &app.url(&format!("/api/v1/incidents/{id}/screening")),
        Some(token),
        &[("If-Match", version)],
        Some(&body),
    )
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

fn a_confirmation_with_reclassification_keeps_both_in_the_history(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let screener = app.token("cpd", Role::Screener, "AMS");
    let incident = register(app, &registrar, complete());
    let r = decide(
        app,
        &screener,
        &id(&incident),
        "1",
        json!({"outcome": "BEVESTIGD", "grounds": ["ANTISEMITISME"], "articles": ["SR137C"]}),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "CONFIRMED");
    assert_eq!(r.body["grounds"], json!(["ANTISEMITISME"]));
    assert!(r.body["screened_at"].is_string());
    let history = r.body["history"].as_array().cloned().unwrap_or_default();
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[0]["changes"]["grounds"]["new"],
        json!(["HERKOMST"]),
        "the original classification"
    );
    assert_eq!(history[1]["action"], "screened");
    assert_eq!(history[1]["user"], "cpd");
    assert_eq!(
        history[1]["changes"]["grounds"],
        json!({"old": ["HERKOMST"], "new": ["ANTISEMITISME"]})
    );
    assert_eq!(history[1]["changes"]["outcome"]["new"], "BEVESTIGD");

    let locked = send(
        "PATCH",
        &app.url(&format!("/api/v1/incidents/{}", id(&incident))),
        Some(&registrar),
        &[("If-Match", "2")],
        Some(&json!({"summary": "toch anders"})),
    );
    assert_eq!(
        locked.status, 409,
        "registrars cannot change a screened incident"
    );
    let again = decide(
        app,
        &screener,
        &id(&incident),
        "2",
        json!({"outcome": "AFGEWEZEN", "reason": "DUBBELE_REGISTRATIE"}),
    );
    assert_eq!(again.status, 409, "a decided incident is reopened first");
}

fn confirming_needs_a_complete_classification(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let screener = app.token("cpd", Role::Screener, "AMS");
    let incident = register(
        app,
        &registrar,
        json!({"registration_type": "MELDING", "channel": "TELEFOON", "grounds": ["LEEFTIJD"]}),
    );
    let r = decide(
        app,
        &screener,
        &id(&incident),
        "1",
        json!({"outcome": "BEVESTIGD", "domain": "WERK"}),
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.error_fields(), vec!["manifestations", "victim_kind"]);
    let r = decide(
        app,
        &screener,
        &id(&incident),
        "1",
        json!({"outcome": "BEVESTIGD", "domain": "WERK", "manifestations": ["UITING"], "victim_kind": "GROEP"}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["missing"], json!([]));
}

fn a_rejection_needs_a_reason_and_more_information_a_note(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let screener = app.token("cpd", Role::Screener, "AMS");
    let incident = register(app, &registrar, complete());
    let path = format!("/api/v1/incidents/{}", id(&incident));
    let no_reason = decide(
        app,
        &screener,
        &id(&incident),
        "1",
        json!({"outcome": "AFGEWEZEN"}),
    );
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.error("reason")["allowed"]
        .as_array()
        .is_some_and(|a| a.contains(&json!("GEEN_DISCRIMINATOIR_ASPECT"))));
    let bad_outcome = decide(
        app,
        &screener,
        &id(&incident),
        "1",
        json!({"outcome": "MISSCHIEN"}),
    );
    assert_eq!(bad_outcome.error_fields(), vec!["outcome"]);
    assert_eq!(
        get(app, &path, &screener).body["version"],
        1,
        "a refused decision changes nothing"
    );

    let no_note = decide(
        app,
        &screener,
        &id(&incident),
        "1",
        json!({"outcome": "NADERE_INFO"}),
    );
    assert_eq!(no_note.error_fields(), vec!["note"]);
    let asked = decide(
        app,
        &screener,
        &id(&incident),
        "1",
        json!({"outcome": "NADERE_INFO", "note": "Welke lijn?"}),
    );
    assert_eq!(asked.body["status"], "NEEDS_INFO");
    let completed = send(
        "PATCH",
        &app.url(&path),
        Some(&registrar),
        &[("If-Match", "2")],
        Some(&json!({"summary": "Lijn 2"})),
    );
    assert_eq!(
        completed.body["status"], "REGISTERED",
        "completing sends it back to REGISTERED"
    );

    let rejected = decide(
        app,
        &screener,
        &id(&incident),
        "3",
        json!({"outcome": "AFGEWEZEN", "reason": "GEEN_DISCRIMINATOIR_ASPECT"}),
    );
    assert_eq!(rejected.status, 200, "{:?}", rejected.body);
    assert_eq!(rejected.body["status"], "REJECTED");
    assert_eq!(
        rejected.body["rejection_reason"],
        "GEEN_DISCRIMINATOIR_ASPECT"
    );
}

fn a_decision_can_be_reopened_with_a_reason(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let screener = app.token("cpd", Role::Screener, "AMS");
    let incident = register(app, &registrar, complete());
    let url = app.url(&format!("/api/v1/incidents/{}/reopen", id(&incident)));
    decide(
        app,
        &screener,
        &id(&incident),
        "1",
        json!({"outcome": "AFGEWEZEN", "reason": "ONJUISTE_REGISTRATIE"}),
    );
    let no_reason = send(
        "POST",
        &url,
        Some(&screener),
        &[("If-Match", "2")],
        Some(&json!({"reason": " "})),
    );
    assert_eq!(no_reason.status, 422);
    let reopened = send(
        "POST",
        &url,
        Some(&screener),
        &[("If-Match", "2")],
        Some(&json!({"reason": "Getuige meldde zich"})),
    );
    assert_eq!(reopened.status, 200, "{:?}", reopened.body);
    assert_eq!(reopened.body["status"], "REGISTERED");
    assert_eq!(reopened.body["rejection_reason"], Value::Null);
    let last = reopened.body["history"]
        .as_array()
        .and_then(|h| h.last().cloned())
        .unwrap_or_default();
    assert_eq!(last["action"], "reopened");
    assert_eq!(last["changes"]["reason"]["new"], "Getuige meldde zich");
    let confirmed = decide(
        app,
        &screener,
        &id(&incident),
        "3",
        json!({"outcome": "BEVESTIGD"}),
    );
    assert_eq!(confirmed.body["status"], "CONFIRMED");
}

fn stale_versions_are_refused(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let screener = app.token("cpd", Role::Screener, "AMS");
    let incident = register(app, &registrar, complete());
    send(
        "PATCH",
        &app.url(&format!("/api/v1/incidents/{}", id(&incident))),
        Some(&registrar),
        &[("If-Match", "1")],
        Some(&json!({"summary": "aangevuld"})),
    );
    assert_eq!(
        decide(
            app,
            &screener,
            &id(&incident),
            "1",
            json!({"outcome": "BEVESTIGD"})
        )
        .status,
        412
    );
    let missing = send(
        "POST",
        &app.url(&format!("/api/v1/incidents/{}/screening", id(&incident))),
        Some(&screener),
        &[],
        Some(&json!({"outcome": "BEVESTIGD"})),
    );
    assert_eq!(missing.status, 428);
    assert_eq!(
        decide(
            app,
            &screener,
            &id(&incident),
            "2",
            json!({"outcome": "BEVESTIGD"})
        )
        .status,
        200
    );
}

fn ams_row(number: &str, registered: &str, screened: &str, status: &str, district: &str) -> String {
    let reason = if status == "REJECTED" {
        "DUBBELE_REGISTRATIE"
    } else {
        ""
    };
    format!("{number},{registered},AMS,{district},AANGIFTE,BALIE,HERKOMST,BELEDIGING,WERK,PERSOON,{status},{reason},{screened}")
}

fn import(app: &TestApp, rows: &[String]) {
    let admin = app.token("beheer", Role::Admin, "*");
    let csv = std::iter::once("registration_number,registered_at,unit,district,registration_type,channel,grounds,manifestations,domain,victim_kind,status,rejection_reason,screened_at".to_owned())
        .chain(rows.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    let r = ureq::post(&app.url("/api/v1/imports"))
        .set("Authorization", &format!("Bearer {admin}"))
        .send_string(&csv);
    assert_eq!(r.map(|r| r.status()).unwrap_or(0), 201);
}

fn lead_time_statistics_match_a_constructed_data_set(app: &TestApp) {
    // Lead times 1, 2, 3, 4, 5, 6, 7, 20, 30 and 40 days, decided in 2024.
    let mut rows: Vec<String> = [1, 2, 3, 4, 5, 6, 7, 20, 30, 40]
        .iter()
        .enumerate()
        .map(|(i, days)| {
            let registered = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default()
                + Duration::days(i as i64);
            let screened = registered + Duration::days(*days);
            let status = if i % 3 == 0 { "REJECTED" } else { "CONFIRMED" };
            ams_row(
                &format!("AMS-2024-{i:06}"),
                &format!("{registered}T10:00:00+01:00"),
                &format!("{screened}T10:00:00+01:00"),
                status,
                "",
            )
        })
        .collect();
    // Decided outside the period, and undecided: one overdue, one not.
    rows.push(ams_row(
        "AMS-2023-000001",
        "2023-03-01T10:00:00+01:00",
        "2023-03-02T10:00:00+01:00",
        "CONFIRMED",
        "",
    ));
    let old = (Utc::now() - Duration::days(30))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let recent = (Utc::now() - Duration::days(3))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    rows.push(ams_row("AMS-OPEN-1", &old, "", "REGISTERED", "AMS-D1"));
    rows.push(ams_row("AMS-OPEN-2", &recent, "", "REGISTERED", "AMS-D2"));
    import(app, &rows);

    let screener = app.token("cpd", Role::Screener, "AMS");
    let r = get(
        app,
        "/api/v1/screening/stats?from=2024-01-01&to=2024-12-31",
        &screener,
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["target_days"], 14);
    let ams = r.body["units"]
        .as_array()
        .and_then(|u| u.iter().find(|x| x["unit"] == "AMS").cloned())
        .unwrap_or_default();
    assert_eq!(ams["screened"], 10);
    assert_eq!(ams["median_days"], 5.5);
    assert_eq!(ams["p90_days"], 30.0);
    assert_eq!(ams["within_target"], 0.7);
    assert_eq!(ams["overdue_now"], 1);
    assert_eq!(
        r.body["units"].as_array().map(Vec::len),
        Some(1),
        "a screener sees their own unit"
    );

    let queue = get(app, "/api/v1/screening/queue", &screener);
    let items = queue.body["items"].as_array().cloned().unwrap_or_default();
    let numbers: Vec<&str> = items
        .iter()
        .filter_map(|i| i["registration_number"].as_str())
        .collect();
    assert_eq!(
        numbers,
        ["AMS-OPEN-1", "AMS-OPEN-2"],
        "undecided only, oldest first"
    );
    assert_eq!(items[0]["age_days"], 30);
    assert_eq!(items[0]["overdue"], true);
    assert_eq!(items[1]["overdue"], false);
    let district = get(app, "/api/v1/screening/queue?district=AMS-D2", &screener);
    assert_eq!(district.body["items"].as_array().map(Vec::len), Some(1));
    let confirmed = get(app, "/api/v1/screening/queue?status=CONFIRMED", &screener);
    assert_eq!(
        confirmed.body["items"].as_array().map(Vec::len),
        Some(7),
        "six of 2024 and one of 2023"
    );
}

crate::on_both_backends!(
    a_confirmation_with_reclassification_keeps_both_in_the_history,
    confirming_needs_a_complete_classification,
    a_rejection_needs_a_reason_and_more_information_a_note,
    a_decision_can_be_reopened_with_a_reason,
    stale_versions_are_refused,
    lead_time_statistics_match_a_constructed_data_set,
);
