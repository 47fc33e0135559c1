//! Reading and listing incidents within the user's scope.

use dira::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{get, post, TestApp};

fn register(app: &TestApp, token: &str, body: Value) -> Value {
    let r = post(app, "/api/v1/incidents", token, &body);
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body
}

fn body(at: &str, grounds: Value) -> Value {
    json!({"registration_type": "MELDING", "channel": "INTERNET", "registered_at": at, "grounds": grounds,
           "narrative": "interne toelichting"})
}

fn pages_are_newest_first_filtered_and_scoped(app: &TestApp) {
    let ams = app.token("balie-ams", Role::Registrar, "AMS");
    let rtm = app.token("balie-rtm", Role::Registrar, "RTM");
    for (i, day) in [
        "2025-03-01",
        "2025-03-02",
        "2025-03-03",
        "2025-03-04",
        "2025-03-05",
    ]
    .iter()
    .enumerate()
    {
        let grounds = if i % 2 == 0 {
            json!(["HERKOMST"])
        } else {
            json!(["LEEFTIJD", "HANDICAP"])
        };
        register(app, &ams, body(&format!("{day}T12:00:00+01:00"), grounds));
    }
    let other = register(
        app,
        &rtm,
        body("2025-03-03T12:00:00+01:00", json!(["HERKOMST"])),
    );

    // Read by screeners of the units: these incidents were registered more than a year
    // ago, out of a registrar's reach (retention, `docs/retention.md`).
    let reader = app.token("toets-ams", Role::Screener, "AMS");
    let rtm_reader = app.token("toets-rtm", Role::Screener, "RTM");
    let mut seen = Vec::new();
    let mut path = "/api/v1/incidents?limit=2".to_owned();
    loop {
        let page = get(app, &path, &reader);
        assert_eq!(page.status, 200, "{:?}", page.body);
        for item in page.body["items"].as_array().cloned().unwrap_or_default() {
            assert_eq!(item["unit"], "AMS", "no other unit's incident in a list");
            assert!(item.get("history").is_none());
            seen.push(
                item["registered_at"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/incidents?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(seen, sorted, "newest first");

    let herkomst = get(app, "/api/v1/incidents?ground=HERKOMST", &reader);
    assert_eq!(herkomst.body["items"].as_array().map(Vec::len), Some(3));
    let window = get(
        app,
        "/api/v1/incidents?from=2025-03-02&to=2025-03-04",
        &reader,
    );
    assert_eq!(window.body["items"].as_array().map(Vec::len), Some(3));
    let incomplete = get(app, "/api/v1/incidents?status=INCOMPLETE", &reader);
    assert_eq!(incomplete.body["items"].as_array().map(Vec::len), Some(5));
    let bad = get(app, "/api/v1/incidents?status=OPEN&ground=X", &reader);
    assert_eq!(bad.status, 422);
    assert_eq!(bad.error_fields(), vec!["status", "ground"]);
    assert_eq!(get(app, "/api/v1/incidents?unit=RTM", &reader).status, 403);

    let national = app.token("landelijk", Role::National, "*");
    let all = get(app, "/api/v1/incidents?limit=100", &national);
    assert_eq!(all.body["items"].as_array().map(Vec::len), Some(6));
    assert!(
        all.body["items"]
            .as_array()
            .is_some_and(|items| items.iter().all(|i| i.get("narrative").is_none())),
        "the narrative never leaves the unit"
    );
    let rtm_only = get(app, "/api/v1/incidents?unit=RTM", &national);
    assert_eq!(rtm_only.body["items"].as_array().map(Vec::len), Some(1));

    let other_path = format!(
        "/api/v1/incidents/{}",
        other["id"].as_str().unwrap_or_default()
    );
    assert_eq!(
        get(app, &other_path, &reader).status,
        404,
        "another unit's incident does not exist for you"
    );
    let as_national = get(app, &other_path, &national);
    assert_eq!(as_national.status, 200);
    assert!(as_national.body.get("narrative").is_none());
    assert_eq!(
        get(app, &other_path, &rtm_reader).body["narrative"],
        "interne toelichting"
    );
    assert_eq!(
        get(
            app,
            "/api/v1/incidents/00000000-0000-0000-0000-000000000000",
            &national
        )
        .status,
        404
    );
}

crate::on_both_backends!(pages_are_newest_first_filtered_and_scoped);
