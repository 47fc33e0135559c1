//! Roles, unit scope, tokens and the audit log (issue 4).

use std::collections::BTreeSet;

use diesel::prelude::*;
use dira::auth::Role;
use dira::db::schema::tokens;
use serde_json::{json, Value};

use crate::helpers::{get, post, send, Resp, TestApp};

const ROLES: [Role; 5] = Role::ALL;

struct World {
    /// Candidates of AMS (to promote, to dismiss) and of RTM.
    candidates: [String; 3],
    own_id: String,
    other_id: String,
    other_number: String,
    tokens: Vec<(Role, String)>,
}

fn token(w: &World, role: Role) -> &str {
    w.tokens
        .iter()
        .find(|(r, _)| *r == role)
        .map(|(_, t)| t.as_str())
        .unwrap_or_default()
}

fn incident(unit: &str) -> Value {
    json!({"unit": unit, "registration_type": "MELDING", "channel": "BALIE", "grounds": ["HERKOMST"],
           "narrative": format!("interne toelichting {unit}")})
}

fn world(app: &TestApp) -> World {
    let tokens: Vec<(Role, String)> = ROLES
        .iter()
        .map(|r| {
            let scope = if matches!(r, Role::National | Role::Admin) {
                "*"
            } else {
                "AMS"
            };
            (*r, app.token(&format!("user-{r}"), *r, scope))
        })
        .collect();
    let registrar = tokens[0].1.clone();
    let own = post(app, "/api/v1/incidents", &registrar, &incident("AMS"));
    let rtm = app.token("balie-rtm", Role::Registrar, "RTM");
    let other = post(app, "/api/v1/incidents", &rtm, &incident("RTM"));
    let csv = "source_reference,registered_at,unit,municipality,incident_code,narrative\n\
        G1,2026-11-01T10:00:00+01:00,AMS,,X1,uitgemaakt voor homo\n\
        G2,2026-11-01T11:00:00+01:00,AMS,,X1,uitgemaakt voor homo\n\
        G3,2026-11-01T12:00:00+01:00,RTM,,X1,uitgemaakt voor homo\n";
    let mut conn = app.db.conn().expect("conn");
    let catalog = dira::codes::Catalog::load(&mut conn).expect("catalog");
    let now = dira::clock::Clock::system().now();
    dira::candidates::scan(&mut conn, &catalog, csv.as_bytes(), "homo", "", now).expect("scan");
    let mut id_of = |reference: &str| -> String {
        dira::db::schema::candidates::table
            .filter(dira::db::schema::candidates::source_reference.eq(reference))
            .select(dira::db::schema::candidates::id)
            .first(&mut *conn)
            .expect("candidate")
    };
    let candidates = [id_of("G1"), id_of("G2"), id_of("G3")];
    World {
        candidates,
        own_id: own.body["id"].as_str().unwrap_or_default().to_owned(),
        other_id: other.body["id"].as_str().unwrap_or_default().to_owned(),
        other_number: other.body["registration_number"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        tokens,
    }
}

/// Where a request points: the user's own unit, another unit, or no unit.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Own,
    Other,
    NoUnit,
}

fn call(app: &TestApp, w: &World, endpoint: &str, target: Target, role: Role) -> Resp {
    let t = token(w, role);
    let (id, unit) = match target {
        Target::Own => (w.own_id.as_str(), "AMS"),
        Target::Other => (w.other_id.as_str(), "RTM"),
        Target::NoUnit => ("", ""),
    };
    let version = || {
        let national = token(w, Role::National);
        get(app, &format!("/api/v1/incidents/{id}"), national).body["version"].to_string()
    };
    match endpoint {
        "GET /api/v1/codes" => get(app, "/api/v1/codes", t),
        "GET /api/v1/incidents" if target == Target::NoUnit => get(app, "/api/v1/incidents", t),
        "GET /api/v1/incidents" => get(app, &format!("/api/v1/incidents?unit={unit}"), t),
        "POST /api/v1/incidents" => post(app, "/api/v1/incidents", t, &incident(unit)),
        "GET /api/v1/incidents/{id}" => get(app, &format!("/api/v1/incidents/{id}"), t),
        "PATCH /api/v1/incidents/{id}" => send(
            "PATCH",
            &app.url(&format!("/api/v1/incidents/{id}")),
            Some(t),
            &[("If-Match", &version())],
            Some(&json!({"summary": format!("gewijzigd door {role}")})),
        ),
        "GET /api/v1/screening/queue" if target == Target::NoUnit => {
            get(app, "/api/v1/screening/queue", t)
        }
        "GET /api/v1/screening/queue" => {
            get(app, &format!("/api/v1/screening/queue?unit={unit}"), t)
        }
        "POST /api/v1/incidents/{id}/screening" => send(
            "POST",
            &app.url(&format!("/api/v1/incidents/{id}/screening")),
            Some(t),
            &[("If-Match", &version())],
            Some(&json!({"outcome": "NADERE_INFO", "note": "welke tram?"})),
        ),
        "POST /api/v1/incidents/{id}/reopen" => send(
            "POST",
            &app.url(&format!("/api/v1/incidents/{id}/reopen")),
            Some(t),
            &[("If-Match", &version())],
            Some(&json!({"reason": "nieuwe informatie"})),
        ),
        "GET /api/v1/screening/stats" if target == Target::NoUnit => {
            get(app, "/api/v1/screening/stats", t)
        }
        "GET /api/v1/screening/stats" => {
            get(app, &format!("/api/v1/screening/stats?unit={unit}"), t)
        }
        "POST /api/v1/candidates/{id}/promote" => {
            let candidate = if target == Target::Own {
                &w.candidates[0]
            } else {
                &w.candidates[2]
            };
            post(
                app,
                &format!("/api/v1/candidates/{candidate}/promote"),
                t,
                &json!({
                "registration_type": "MUTATIE", "channel": "TER_PLAATSE", "grounds": ["SEKSUELE_GERICHTHEID"],
                "manifestations": ["BELEDIGING"], "domain": "OPENBARE_RUIMTE", "victim_kind": "PERSOON"}),
            )
        }
        "POST /api/v1/candidates/{id}/dismiss" => {
            let candidate = if target == Target::Own {
                &w.candidates[1]
            } else {
                &w.candidates[2]
            };
            post(
                app,
                &format!("/api/v1/candidates/{candidate}/dismiss"),
                t,
                &json!({"reason": "geen discriminatie"}),
            )
        }
        "GET /api/v1/rdo/overview" if target == Target::NoUnit => {
            get(app, "/api/v1/rdo/overview?from=2020-01-01&to=2030-12-31", t)
        }
        "GET /api/v1/rdo/overview" => get(
            app,
            &format!("/api/v1/rdo/overview?unit={unit}&from=2020-01-01&to=2030-12-31"),
            t,
        ),
        "PUT /api/v1/incidents/{id}/prosecution" => send(
            "PUT",
            &app.url(&format!("/api/v1/incidents/{id}/prosecution")),
            Some(t),
            &[],
            Some(&json!({"prosecution_status": "NIET_INGEZONDEN"})),
        ),
        "GET /api/v1/reports/poldis/{year}" => get(app, "/api/v1/reports/poldis/2026", t),
        "POST /api/v1/reports/poldis/{year}/publish" => {
            post(app, "/api/v1/reports/poldis/2026/publish", t, &json!({}))
        }
        "POST /api/v1/imports" => csv_request(
            app,
            "POST",
            "/api/v1/imports",
            t,
            "registration_number,registered_at,unit,registration_type,channel",
        ),
        "POST /api/v1/adv/imports" => csv_request(
            app,
            "POST",
            "/api/v1/adv/imports",
            t,
            "year,municipality,category,code,reports\n2025,GM0363,total,,1\n",
        ),
        "GET /api/v1/mappings/{scheme}" => get(app, "/api/v1/mappings/adv", t),
        "PUT /api/v1/mappings/{scheme}" => {
            let admin = token(w, Role::Admin);
            let current = ureq::get(&app.url("/api/v1/mappings/odihr"))
                .set("Authorization", &format!("Bearer {admin}"))
                .set("Accept", "text/csv")
                .call()
                .expect("mapping")
                .into_string()
                .expect("text");
            csv_request(app, "PUT", "/api/v1/mappings/odihr", t, &current)
        }
        "GET /api/v1/reports/monitor/{year}" if target == Target::NoUnit => {
            get(app, "/api/v1/reports/monitor/2026", t)
        }
        "GET /api/v1/reports/monitor/{year}" => {
            get(app, &format!("/api/v1/reports/monitor/2026?unit={unit}"), t)
        }
        "GET /api/v1/reports/odihr/{year}" => get(app, "/api/v1/reports/odihr/2026", t),
        "GET /api/v1/dashboard" if target == Target::NoUnit => get(app, "/api/v1/dashboard", t),
        "GET /api/v1/dashboard" => get(app, &format!("/api/v1/dashboard?unit={unit}"), t),
        "GET /api/v1/audit" => get(app, "/api/v1/audit?limit=1000", t),
        "GET /api/v1/tokens" => get(app, "/api/v1/tokens", t),
        "POST /api/v1/tokens" => post(
            app,
            "/api/v1/tokens",
            t,
            &json!({"user": format!("new-{role}"), "role": "analyst", "scope": "NH"}),
        ),
        "DELETE /api/v1/tokens/{id}" => {
            let victim = app.token(&format!("victim-{role}"), Role::Analyst, "NH");
            let id: String = tokens::table
                .filter(tokens::token_hash.eq(dira::auth::hash_token(&victim)))
                .select(tokens::id)
                .first(&mut *app.db.conn().expect("conn"))
                .expect("token id");
            send(
                "DELETE",
                &app.url(&format!("/api/v1/tokens/{id}")),
                Some(t),
                &[],
                None,
            )
        }
        other => panic!("the matrix has no way to call {other}"),
    }
}

/// A CSV body sent with `method` to `path`.
fn csv_request(app: &TestApp, method: &str, path: &str, t: &str, body: &str) -> Resp {
    let r = ureq::request(method, &app.url(path))
        .set("Authorization", &format!("Bearer {t}"))
        .set("Content-Type", "text/csv")
        .send_string(body);
    let r = match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    Resp {
        status: r.status(),
        content_type: String::new(),
        etag: None,
        header: Default::default(),
        body: r.into_json().unwrap_or_default(),
    }
}

/// Expected status per endpoint, target and role (registrar, screener, analyst,
/// national, admin). Unit roles work in AMS; national and admin have scope `*`.
#[rustfmt::skip]
const MATRIX: &[(&str, Target, [u16; 5])] = &[
    ("GET /api/v1/codes", Target::NoUnit, [200, 200, 200, 200, 200]),
    ("GET /api/v1/incidents", Target::NoUnit, [200, 200, 200, 200, 403]),
    ("GET /api/v1/incidents", Target::Own, [200, 200, 200, 200, 403]),
    ("GET /api/v1/incidents", Target::Other, [403, 403, 403, 200, 403]),
    ("POST /api/v1/incidents", Target::Own, [201, 201, 403, 403, 403]),
    ("POST /api/v1/incidents", Target::Other, [403, 403, 403, 403, 403]),
    ("GET /api/v1/incidents/{id}", Target::Own, [200, 200, 200, 200, 403]),
    ("GET /api/v1/incidents/{id}", Target::Other, [404, 404, 404, 200, 403]),
    ("PATCH /api/v1/incidents/{id}", Target::Own, [200, 200, 403, 403, 403]),
    ("PATCH /api/v1/incidents/{id}", Target::Other, [404, 404, 403, 403, 403]),
    ("GET /api/v1/screening/queue", Target::NoUnit, [403, 200, 403, 403, 403]),
    ("GET /api/v1/screening/queue", Target::Own, [403, 200, 403, 403, 403]),
    ("GET /api/v1/screening/queue", Target::Other, [403, 403, 403, 403, 403]),
    ("POST /api/v1/incidents/{id}/screening", Target::Own, [403, 200, 403, 403, 403]),
    ("POST /api/v1/incidents/{id}/screening", Target::Other, [403, 404, 403, 403, 403]),
    // 409: the incident is undecided; the role passed.
    ("POST /api/v1/incidents/{id}/reopen", Target::Own, [403, 409, 403, 403, 403]),
    ("POST /api/v1/incidents/{id}/reopen", Target::Other, [403, 404, 403, 403, 403]),
    ("GET /api/v1/screening/stats", Target::NoUnit, [403, 200, 200, 200, 403]),
    ("GET /api/v1/screening/stats", Target::Other, [403, 403, 403, 200, 403]),
    ("POST /api/v1/candidates/{id}/promote", Target::Own, [403, 201, 403, 403, 403]),
    ("POST /api/v1/candidates/{id}/promote", Target::Other, [403, 404, 403, 403, 403]),
    ("POST /api/v1/candidates/{id}/dismiss", Target::Own, [403, 204, 403, 403, 403]),
    ("POST /api/v1/candidates/{id}/dismiss", Target::Other, [403, 404, 403, 403, 403]),
    // 422: national staff name the unit.
    ("GET /api/v1/rdo/overview", Target::NoUnit, [403, 200, 200, 422, 403]),
    ("GET /api/v1/rdo/overview", Target::Own, [403, 200, 200, 200, 403]),
    ("GET /api/v1/rdo/overview", Target::Other, [403, 403, 403, 200, 403]),
    ("PUT /api/v1/incidents/{id}/prosecution", Target::Own, [403, 200, 200, 403, 403]),
    ("PUT /api/v1/incidents/{id}/prosecution", Target::Other, [403, 404, 404, 403, 403]),
    ("GET /api/v1/reports/poldis/{year}", Target::NoUnit, [403, 403, 200, 200, 403]),
    ("POST /api/v1/reports/poldis/{year}/publish", Target::NoUnit, [403, 403, 403, 201, 403]),
    ("POST /api/v1/imports", Target::NoUnit, [403, 403, 403, 403, 201]),
    ("GET /api/v1/audit", Target::NoUnit, [403, 403, 403, 403, 200]),
    ("GET /api/v1/tokens", Target::NoUnit, [403, 403, 403, 403, 200]),
    ("POST /api/v1/tokens", Target::NoUnit, [403, 403, 403, 403, 201]),
    ("DELETE /api/v1/tokens/{id}", Target::NoUnit, [403, 403, 403, 403, 204]),
    ("POST /api/v1/adv/imports", Target::NoUnit, [403, 403, 403, 403, 201]),
    ("GET /api/v1/mappings/{scheme}", Target::NoUnit, [403, 403, 200, 200, 200]),
    ("PUT /api/v1/mappings/{scheme}", Target::NoUnit, [403, 403, 403, 403, 200]),
    // 422: national staff name the unit.
    ("GET /api/v1/reports/monitor/{year}", Target::NoUnit, [403, 403, 200, 422, 403]),
    ("GET /api/v1/reports/monitor/{year}", Target::Own, [403, 403, 200, 200, 403]),
    ("GET /api/v1/reports/monitor/{year}", Target::Other, [403, 403, 403, 200, 403]),
    ("GET /api/v1/reports/odihr/{year}", Target::NoUnit, [403, 403, 403, 200, 403]),
    // 422: national staff name the unit.
    ("GET /api/v1/dashboard", Target::NoUnit, [403, 200, 200, 422, 403]),
    ("GET /api/v1/dashboard", Target::Own, [403, 200, 200, 200, 403]),
    ("GET /api/v1/dashboard", Target::Other, [403, 403, 403, 200, 403]),
];

#[test]
fn the_matrix_covers_every_endpoint() {
    let api = serde_json::to_value(dira::server::openapi()).expect("openapi");
    let mut documented = BTreeSet::new();
    for (path, item) in api["paths"].as_object().cloned().unwrap_or_default() {
        if !path.starts_with("/api/v1") {
            continue;
        }
        for method in item
            .as_object()
            .map(|m| m.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let covered: BTreeSet<String> = MATRIX.iter().map(|(e, _, _)| e.to_string()).collect();
    assert_eq!(
        documented, covered,
        "every endpoint needs rows in the authorisation matrix"
    );
    let ruled: BTreeSet<String> = dira::auth::policy::RULES
        .iter()
        .map(|r| format!("{} {}", r.method, r.pattern))
        .collect();
    assert_eq!(
        documented, ruled,
        "every endpoint needs a rule in auth/policy.rs"
    );
}

fn every_endpoint_answers_every_role_as_the_matrix_says(app: &TestApp) {
    let w = world(app);
    let mut wrong = Vec::new();
    for (endpoint, target, expected) in MATRIX {
        for (role, want) in ROLES.iter().zip(expected) {
            let r = call(app, &w, endpoint, *target, *role);
            if r.status != *want {
                wrong.push(format!(
                    "{endpoint} {target:?} as {role}: {} (expected {want}) {}",
                    r.status, r.body
                ));
            }
            let unit_user = !matches!(role, Role::National | Role::Admin);
            let text = r.body.to_string();
            if unit_user
                && (text.contains(&w.other_id)
                    || text.contains(&w.other_number)
                    || text.contains("toelichting RTM"))
            {
                wrong.push(format!(
                    "{endpoint} {target:?} as {role} leaks the other unit's incident"
                ));
            }
            if *role == Role::National && text.contains("interne toelichting") {
                wrong.push(format!(
                    "{endpoint} {target:?}: national staff see a narrative"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn revoked_and_expired_tokens_are_refused_at_once(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    let created = post(
        app,
        "/api/v1/tokens",
        &admin,
        &json!({"user": "analist", "role": "analyst", "scope": "NH"}),
    );
    assert_eq!(created.status, 201);
    let token = created.body["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(get(app, "/api/v1/incidents", &token).status, 200);
    let listed = get(app, "/api/v1/tokens", &admin);
    assert!(
        !listed.body.to_string().contains(&token),
        "tokens are never shown again"
    );
    let id = created.body["id"].as_str().unwrap_or_default();
    assert_eq!(
        send(
            "DELETE",
            &app.url(&format!("/api/v1/tokens/{id}")),
            Some(&admin),
            &[],
            None
        )
        .status,
        204
    );
    assert_eq!(
        get(app, "/api/v1/incidents", &token).status,
        401,
        "revoked: refused at once"
    );

    let expiring = app.token("tijdelijk", Role::Analyst, "NH");
    assert_eq!(get(app, "/api/v1/incidents", &expiring).status, 200);
    diesel::update(tokens::table.filter(tokens::token_hash.eq(dira::auth::hash_token(&expiring))))
        .set(tokens::expires_at.eq(Some(
            chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1),
        )))
        .execute(&mut *app.db.conn().expect("conn"))
        .expect("expire");
    assert_eq!(
        get(app, "/api/v1/incidents", &expiring).status,
        401,
        "expired: refused"
    );
}

fn audit_entries(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let r = get(app, &format!("/api/v1/audit?limit=1000&{query}"), admin);
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["items"].as_array().cloned().unwrap_or_default()
}

fn each_access_leaves_exactly_one_audit_entry(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let created = post(app, "/api/v1/incidents", &registrar, &incident("AMS"));
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/api/v1/incidents/{id}");
    get(app, &path, &registrar);
    send(
        "PATCH",
        &app.url(&path),
        Some(&registrar),
        &[("If-Match", "1")],
        Some(&json!({"domain": "WERK"})),
    );
    let about = audit_entries(app, &admin, &format!("incident={id}"));
    let actions: Vec<&str> = about
        .iter()
        .rev()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["incident.register", "incident.read", "incident.correct"]
    );
    assert!(about
        .iter()
        .all(|e| e["user"] == "balie" && e["role"] == "registrar"));
    assert_eq!(about[0]["outcome"], "200");

    get(app, "/api/v1/incidents?status=INCOMPLETE", &registrar);
    let lists = audit_entries(app, &admin, "user=balie");
    assert_eq!(
        lists
            .iter()
            .filter(|e| e["action"] == "incident.list")
            .count(),
        1
    );
    assert_eq!(lists[0]["object"], "status=INCOMPLETE");

    assert_eq!(
        send(
            "GET",
            &app.url("/api/v1/incidents"),
            Some("dira_bogus"),
            &[],
            None
        )
        .status,
        401
    );
    assert_eq!(get(app, "/api/v1/audit", &registrar).status, 403);
    let all = audit_entries(app, &admin, "");
    let refused_401: Vec<&Value> = all.iter().filter(|e| e["outcome"] == "401").collect();
    assert_eq!(refused_401.len(), 1);
    assert_eq!(refused_401[0]["user"], "-");
    let refused_403: Vec<&Value> = all.iter().filter(|e| e["outcome"] == "403").collect();
    assert_eq!(refused_403.len(), 1);
    assert_eq!(refused_403[0]["action"], "audit.read");
    assert_eq!(refused_403[0]["user"], "balie");
    assert_eq!(
        all.iter()
            .filter(|e| e["action"] == "audit.read" && e["outcome"] == "200")
            .count(),
        2,
        "reading the audit log is audited too"
    );

    let csv = "registration_number,registered_at,unit,registration_type,channel\nAMS-2024-000001,2024-03-01T10:00:00+01:00,AMS,AANGIFTE,BALIE\n";
    let imported = ureq::post(&app.url("/api/v1/imports"))
        .set("Authorization", &format!("Bearer {admin}"))
        .send_string(csv)
        .map(|r| r.status())
        .unwrap_or(0);
    assert_eq!(imported, 201);
    let imports: Vec<Value> = audit_entries(app, &admin, "user=beheer")
        .into_iter()
        .filter(|e| e["action"] == "import")
        .collect();
    assert_eq!(imports.len(), 1);
    assert!(imports[0]["detail"]
        .as_str()
        .is_some_and(|d| d.contains("sha256:") && d.contains("stored=1")));
}

fn nothing_in_the_api_changes_the_audit_log(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let r = send(
            method,
            &app.url("/api/v1/audit"),
            Some(&admin),
            &[],
            Some(&json!({})),
        );
        assert!(
            r.status == 404 || r.status == 405 || r.status == 403,
            "{method} /api/v1/audit: {}",
            r.status
        );
    }
}

crate::on_both_backends!(
    every_endpoint_answers_every_role_as_the_matrix_says,
    revoked_and_expired_tokens_are_refused_at_once,
    each_access_leaves_exactly_one_audit_entry,
    nothing_in_the_api_changes_the_audit_log,
);
