//! Issue 13: single requests that broke dira's promises, each refused now, on both
//! backends. (The writer's group commit with a failing write in it: the unit tests of
//! `src/db/writer.rs`.)

use diesel::prelude::*;
use dira::auth::Role;
use dira::db::schema::{tokens, users};
use serde_json::{json, Value};

use crate::helpers::{get, post, send, Resp, TestApp};

/// A request with any body and headers; status, headers (lower-case names) and body.
fn raw(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> (u16, std::collections::HashMap<String, String>, String) {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut req = agent.request(method, &app.url(path));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let result = match body {
        Some(b) => req.send_bytes(b),
        None => req.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let status = response.status();
    let names = response.headers_names();
    let headers = names
        .iter()
        .filter_map(|n| response.header(n).map(|v| (n.to_lowercase(), v.to_owned())))
        .collect();
    (status, headers, response.into_string().unwrap_or_default())
}

fn registration(summary: &str) -> Value {
    json!({"registration_type": "AANGIFTE", "channel": "BALIE", "grounds": ["HERKOMST"], "summary": summary})
}

fn count_incidents(app: &TestApp, token: &str) -> usize {
    let r = get(app, "/api/v1/incidents?limit=500", token);
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["items"].as_array().map_or(0, Vec::len)
}

fn id_of(r: &Resp) -> String {
    r.body["id"].as_str().unwrap_or_default().to_owned()
}

/// Item 1: a token lifetime that overflowed the date arithmetic (and panicked in the
/// writer) is refused, and the writes after it are stored.
fn a_token_lifetime_out_of_range_is_refused_and_later_writes_are_stored(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    for days in [json!(2147483648_i64), json!(0), json!(367), json!(-1)] {
        let r = post(
            app,
            "/api/v1/tokens",
            &admin,
            &json!({"user": "x", "role": "registrar", "scope": "AMS", "days": days}),
        );
        assert_eq!(r.status, 422, "days {days}: {:?}", r.body);
        assert_eq!(r.error_fields(), vec!["days"], "{:?}", r.body);
    }
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let created = post(
        app,
        "/api/v1/incidents",
        &registrar,
        &registration("na de weigering"),
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = id_of(&created);
    assert_eq!(
        get(app, &format!("/api/v1/incidents/{id}"), &registrar).status,
        200
    );
    // Committed: another connection sees it, and the CLI can write beside the server.
    let stored: i64 = dira::db::schema::incidents::table
        .filter(dira::db::schema::incidents::id.eq(&id))
        .count()
        .get_result(&mut *app.db.conn().expect("conn"))
        .expect("count");
    assert_eq!(stored, 1);
    let longest = post(
        app,
        "/api/v1/tokens",
        &admin,
        &json!({"user": "jaar", "role": "registrar", "scope": "AMS", "days": 366}),
    );
    assert_eq!(longest.status, 201, "{:?}", longest.body);
}

/// Item 5: role/scope combinations the domain does not define are refused (national
/// staff and administrators `*` only), also for users stored before the rule, and the
/// narrative follows the role.
fn role_and_scope_combinations_outside_the_domain_are_refused(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    for (role, scope) in [
        ("national", "AMS"),
        ("registrar", "*"),
        ("analyst", "*"),
        ("screener", "XX"),
    ] {
        let r = post(
            app,
            "/api/v1/tokens",
            &admin,
            &json!({"user": "iemand", "role": role, "scope": scope}),
        );
        assert_eq!(r.status, 422, "{role}/{scope}: {:?}", r.body);
        assert_eq!(r.error_fields(), vec!["scope"]);
    }
    // A national user stored with a unit scope before the rule: refused, never
    // given the unit's narratives.
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let mut body = registration("samenvatting");
    body["narrative"] = json!("het geheime relaas");
    let id = id_of(&post(app, "/api/v1/incidents", &registrar, &body));
    let mut conn = app.db.conn().expect("conn");
    let now = chrono::Utc::now().naive_utc();
    for (user, role) in [("landelijk-ams", "national"), ("beheer-ams", "admin")] {
        let legacy = format!("dira_legacy_{user}");
        diesel::insert_into(users::table)
            .values((
                users::name.eq(user),
                users::role.eq(role),
                users::scope.eq("AMS"),
                users::created_at.eq(now),
            ))
            .execute(&mut *conn)
            .expect("user");
        diesel::insert_into(tokens::table)
            .values((
                tokens::id.eq(user),
                tokens::token_hash.eq(dira::auth::hash_token(&legacy)),
                tokens::user_name.eq(user),
                tokens::created_at.eq(now),
                tokens::expires_at.eq(Some(now + chrono::Duration::days(1))),
            ))
            .execute(&mut *conn)
            .expect("token");
        for path in [
            format!("/api/v1/incidents/{id}"),
            "/api/v1/tokens".to_owned(),
        ] {
            let r = get(app, &path, &legacy);
            assert_eq!(r.status, 401, "{role}/AMS {path}: {:?}", r.body);
            assert!(!r.body.to_string().contains("geheime"));
        }
    }
    let national = app.token("landelijk", Role::National, "*");
    let r = get(app, &format!("/api/v1/incidents/{id}"), &national);
    assert_eq!(r.status, 200);
    assert!(!r.body.to_string().contains("geheime"), "{:?}", r.body);
}

/// Item 4: user names that could forge an audit line, or pose as the system, are refused.
fn user_names_are_refused_outside_the_safe_set(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    for user in [
        "-",
        "cli:root",
        "a\tb",
        "x\n2026\tbeheer\tadmin",
        "",
        " ",
        "é",
        "a b",
        "_x",
    ] {
        let r = post(
            app,
            "/api/v1/tokens",
            &admin,
            &json!({"user": user, "role": "registrar", "scope": "AMS"}),
        );
        assert_eq!(r.status, 422, "{user:?}: {:?}", r.body);
        assert_eq!(r.error_fields(), vec!["user"], "{user:?}");
    }
    let r = post(
        app,
        "/api/v1/tokens",
        &admin,
        &json!({"user": "j.de-vries_2@politie.nl", "role": "registrar", "scope": "AMS"}),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);
}

/// Item 4: whatever a path holds, `dira audit` prints one line per entry with eight
/// fields.
fn the_audit_output_cannot_be_forged(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let forged = "/api/v1/incidents/x%09y%0A999%092026-01-01%09beheer%09admin";
    let (status, _, _) = raw(app, "GET", forged, Some(&registrar), &[], None);
    assert_eq!(status, 404);
    let (status, _, _) = raw(
        app,
        "GET",
        "/api/v1/incidents?unit=%0A1%09x",
        Some(&registrar),
        &[],
        None,
    );
    assert!(status >= 400, "{status}");
    let out = std::process::Command::new(crate::cli::BIN)
        .args(["audit", "--database", &app.test_db.url])
        .env("DIRA_LOG", "warn")
        .output()
        .expect("dira audit");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 3, "{text}");
    for line in &lines {
        assert_eq!(line.split('\t').count(), 8, "{line:?}");
    }
    assert!(text.contains("x\\ty\\n999\\t2026-01-01"), "{text}");
}

/// Item 3: a refused request is tied to the incident it tried to reach.
fn refused_requests_are_tied_to_their_incident(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let id = id_of(&post(
        app,
        "/api/v1/incidents",
        &registrar,
        &registration("doel"),
    ));
    let path = format!("/api/v1/incidents/{id}");
    assert_eq!(send("GET", &app.url(&path), None, &[], None).status, 401);
    assert_eq!(
        send("GET", &app.url(&path), Some("dira_wrong"), &[], None).status,
        401
    );
    assert_eq!(get(app, &path, &admin).status, 403);
    let r = get(app, &format!("/api/v1/audit?incident={id}"), &admin);
    let outcomes: Vec<&str> = r.body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["outcome"].as_str()).collect())
        .unwrap_or_default();
    for expected in ["401", "403", "201"] {
        assert!(outcomes.contains(&expected), "{expected} in {outcomes:?}");
    }
    assert_eq!(outcomes.iter().filter(|o| **o == "401").count(), 2);
}

/// Item 2: every cell of the RDO overview as CSV that a spreadsheet would run as a
/// formula is neutralised; the JSON keeps the text exact.
fn spreadsheet_cells_never_start_a_formula(app: &TestApp) {
    let header = "registration_number,registered_at,unit,registration_type,channel,grounds,manifestations,domain,victim_kind,status,event_id,summary";
    let hostile = [
        "=HYPERLINK(\"\"http://x\"\",\"\"y\"\")",
        "+1+2",
        "-3+4",
        "@SUM(A1)",
        "\t=5",
        " =6",
    ];
    let rows: Vec<String> = hostile
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!("F{i},2024-01-02T10:00:00+01:00,AMS,AANGIFTE,BALIE,HERKOMST,BELEDIGING,OPENBARE_RUIMTE,PERSOON,CONFIRMED,\"{s}\",\"{s}\"")
        })
        .collect();
    let csv = std::iter::once(header.to_owned())
        .chain(rows)
        .collect::<Vec<_>>()
        .join("\n");
    let admin = app.token("beheer", Role::Admin, "*");
    let (status, _, body) = raw(
        app,
        "POST",
        "/api/v1/imports",
        Some(&admin),
        &[("Content-Type", "text/csv")],
        Some(csv.as_bytes()),
    );
    assert_eq!(status, 201, "{body}");
    let analyst = app.token("drio", Role::Analyst, "AMS");
    for (excel, delimiter) in [("true", b';'), ("false", b',')] {
        let (status, _, text) = raw(
            app,
            "GET",
            &format!("/api/v1/rdo/overview?from=2024-01-01&to=2024-01-31&excel={excel}"),
            Some(&analyst),
            &[("Accept", "text/csv")],
            None,
        );
        assert_eq!(status, 200, "{text}");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let names: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        let mut seen = 0;
        for record in reader.records() {
            let record = record.expect("row");
            for (name, cell) in names.iter().zip(record.iter()) {
                assert!(
                    !dira::spreadsheet::is_formula(cell),
                    "{name} = {cell:?} (excel={excel})"
                );
            }
            let summary = &record[names
                .iter()
                .position(|n| n == "samenvatting")
                .expect("column")];
            assert!(summary.starts_with('\''), "{summary:?}");
            seen += 1;
        }
        assert_eq!(seen, hostile.len());
    }
    let json = get(
        app,
        "/api/v1/rdo/overview?from=2024-01-01&to=2024-01-31",
        &analyst,
    );
    let summaries: Vec<&str> = json.body["rows"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["summary"].as_str()).collect())
        .unwrap_or_default();
    assert!(summaries.contains(&"+1+2"), "{summaries:?}");
}

/// Item 6: bodies over the endpoint's limit are refused (413) before they are read
/// whole, an import answer lists at most 100 errors, and notes are capped.
fn bodies_over_their_limit_are_refused(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let mut big = registration("groot");
    big["narrative"] = json!("x".repeat(2 << 20));
    let r = post(app, "/api/v1/incidents", &registrar, &big);
    assert_eq!(r.status, 413, "{:?}", r.body);
    assert_eq!(r.content_type, "application/problem+json");

    let admin = app.token("beheer", Role::Admin, "*");
    let huge = vec![b'a'; (32 << 20) + 1];
    let (status, headers, _) = raw(
        app,
        "POST",
        "/api/v1/imports",
        Some(&admin),
        &[("Content-Type", "text/csv")],
        Some(&huge),
    );
    assert_eq!(status, 413);
    assert_eq!(
        headers.get("content-type").map(String::as_str),
        Some("application/problem+json")
    );

    let header = "registration_number,registered_at,unit,registration_type,channel";
    let bad: Vec<String> = (0..300)
        .map(|i| format!("B{i},2024-01-02T10:00:00+01:00,XX,AANGIFTE,BALIE"))
        .collect();
    let csv = std::iter::once(header.to_owned())
        .chain(bad)
        .collect::<Vec<_>>()
        .join("\n");
    let (status, _, body) = raw(
        app,
        "POST",
        "/api/v1/imports",
        Some(&admin),
        &[("Content-Type", "text/csv")],
        Some(csv.as_bytes()),
    );
    assert_eq!(status, 422);
    let problem: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(problem["errors"].as_array().map(Vec::len), Some(100));
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("300 invalid row(s)")),
        "{problem}"
    );

    let page = crate::web::request(
        app,
        "POST",
        "/registreren",
        Some(&crate::web::sign_in(app, "balie", Role::Registrar, "AMS")),
        &[("summary", "x".repeat(700 << 10).as_str())],
    );
    assert_eq!(page.status, 413);
    assert_eq!(count_incidents(app, &registrar), 0);

    let screener = app.token("toetser", Role::Screener, "AMS");
    let id = id_of(&post(
        app,
        "/api/v1/incidents",
        &registrar,
        &registration("kort"),
    ));
    let r = send(
        "POST",
        &app.url(&format!("/api/v1/incidents/{id}/screening")),
        Some(&screener),
        &[("If-Match", "\"1\"")],
        Some(&json!({"outcome": "NADERE_INFO", "note": "n".repeat(2001)})),
    );
    assert_eq!(r.status, 422, "{:?}", r.body);
    assert_eq!(r.error_fields(), vec!["note"]);
}

/// Item 7: media type, body shape, `If-Match` and periods answer as RFC 9110 says.
fn status_codes_follow_rfc_9110(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let body = serde_json::to_vec(&registration("x")).expect("json");
    for content_type in [Some("text/plain"), None] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|c| ("Content-Type", c))
            .into_iter()
            .collect();
        let (status, h, _) = raw(
            app,
            "POST",
            "/api/v1/incidents",
            Some(&registrar),
            &headers,
            Some(&body),
        );
        assert_eq!(status, 415, "{content_type:?}");
        assert_eq!(
            h.get("content-type").map(String::as_str),
            Some("application/problem+json")
        );
    }
    let array = br#"["ARR-3",null,null,null,null,"AMS",null,null,null,"MELDING","BALIE"]"#;
    let (status, _, text) = raw(
        app,
        "POST",
        "/api/v1/incidents",
        Some(&registrar),
        &[("Content-Type", "application/json")],
        Some(array),
    );
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("\"body\""), "{text}");
    assert_eq!(count_incidents(app, &registrar), 0);

    let id = id_of(&post(
        app,
        "/api/v1/incidents",
        &registrar,
        &registration("eerste"),
    ));
    let path = app.url(&format!("/api/v1/incidents/{id}"));
    let patch = |if_match: &str, summary: &str| {
        send(
            "PATCH",
            &path,
            Some(&registrar),
            &[("If-Match", if_match)],
            Some(&json!({"summary": summary})),
        )
    };
    assert_eq!(patch("\"stale-1\"", "a").status, 412);
    assert_eq!(
        patch("W/\"1\"", "a").status,
        412,
        "a weak tag never matches"
    );
    assert_eq!(patch("\"7\", \"8\"", "a").status, 412);
    assert_eq!(
        patch("\"0\", \"1\"", "b").status,
        200,
        "a list matches any of its tags"
    );
    assert_eq!(patch("*", "c").status, 200);
    assert_eq!(
        patch("\"2\", ", "c2").status,
        412,
        "empty list elements are ignored"
    );
    assert_eq!(patch(", \"3\"", "c3").status, 200);
    let r = patch("4", "d");
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.etag.as_deref(), Some("\"5\""));
    assert_eq!(patch("not a tag", "e").status, 422);
    assert_eq!(patch("\"5\" \"5\"", "e").status, 422);
    assert_eq!(
        patch("\"05\"", "e").status,
        412,
        "strong comparison: \"05\" is not \"5\""
    );
    assert_eq!(patch("\"5,6\"", "e").status, 412, "a comma inside a tag");
    assert_eq!(
        send(
            "PATCH",
            &path,
            Some(&registrar),
            &[],
            Some(&json!({"summary": "f"}))
        )
        .status,
        428
    );

    let r = get(
        app,
        "/api/v1/incidents?from=2024-02-01&to=2024-01-01",
        &registrar,
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.error_fields(), vec!["to"]);
}

/// Item 9: pages and API answers carry the security and caching headers, a cross-site
/// form post is refused, and `HEAD /health` answers like `GET`.
fn security_headers_and_cross_site_posts(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let (_, api, _) = raw(app, "GET", "/api/v1/incidents", Some(&registrar), &[], None);
    assert_eq!(
        api.get("cache-control").map(String::as_str),
        Some("no-store")
    );
    assert_eq!(
        api.get("x-content-type-options").map(String::as_str),
        Some("nosniff")
    );
    let (_, page, _) = raw(app, "GET", "/inloggen", None, &[], None);
    let csp = page
        .get("content-security-policy")
        .cloned()
        .unwrap_or_default();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(
        page.get("x-frame-options").map(String::as_str),
        Some("DENY")
    );
    assert_eq!(
        page.get("x-content-type-options").map(String::as_str),
        Some("nosniff")
    );

    let password = app.account("balie", Role::Registrar, "AMS");
    let form = format!("user=balie&password={password}");
    for header in [
        ("Origin", "https://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let (status, h, _) = raw(
            app,
            "POST",
            "/inloggen",
            None,
            &[
                header,
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            Some(form.as_bytes()),
        );
        assert_eq!(status, 403, "{header:?}");
        assert!(!h.contains_key("set-cookie"));
    }
    let own = app.base.clone();
    let (status, signed_in, _) = raw(
        app,
        "POST",
        "/inloggen",
        None,
        &[
            ("Origin", own.as_str()),
            ("Sec-Fetch-Site", "same-origin"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some(form.as_bytes()),
    );
    assert_eq!(status, 303);

    // A cross-site post to a signed-in page: refused before the page, and audited.
    let session = signed_in
        .get("set-cookie")
        .and_then(|c| crate::web::cookie_value(c, crate::web::SESSION_COOKIE))
        .expect("a session cookie");
    let cookie = format!("{}={session}", crate::web::SESSION_COOKIE);
    let (status, _, _) = raw(
        app,
        "POST",
        "/uitloggen",
        None,
        &[
            ("Cookie", cookie.as_str()),
            ("Sec-Fetch-Site", "same-site"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some(b"csrf=x"),
    );
    assert_eq!(status, 403);
    let admin = app.token("beheer", Role::Admin, "*");
    let log = get(app, "/api/v1/audit?limit=1000", &admin)
        .body
        .to_string();
    assert!(log.contains("\"action\":\"session.end\",\"at\""), "{log}");
    assert!(
        log.contains("\"action\":\"session.start\",\"at\"") && log.contains("\"outcome\":\"403\""),
        "{log}"
    );

    // Accept with q=0 declines a media type (RFC 9110 §12.5.1).
    let analyst = app.token("drio", Role::Analyst, "AMS");
    let (_, h, _) = raw(
        app,
        "GET",
        "/api/v1/rdo/overview?from=2024-01-01&to=2024-01-31",
        Some(&analyst),
        &[("Accept", "text/csv;q=0, application/json")],
        None,
    );
    assert_eq!(
        h.get("content-type").map(String::as_str),
        Some("application/json")
    );

    let (get_status, _, _) = raw(app, "GET", "/health", None, &[], None);
    let (head_status, _, body) = raw(app, "HEAD", "/health", None, &[], None);
    assert_eq!((get_status, head_status), (200, 200));
    assert!(body.is_empty());
}

/// Item 10: control characters are refused with the field named; a narrative keeps
/// its line breaks (CRLF as LF) and tabs.
fn control_characters_are_refused_with_the_field_named(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let cases = [
        ("summary", json!("a\u{0}b")),
        ("summary", json!("rood\u{1b}[31m")),
        ("narrative", json!("abc\u{202E}fed")),
        ("event_id", json!("E1\nFAKE")),
        ("district", json!("Centrum\tOost")),
        ("registration_number", json!("AMS-2026-9\nFAKE")),
        ("registration_number", json!("AMS 2026 9")),
    ];
    for (field, value) in cases {
        let mut body = registration("x");
        body[field] = value.clone();
        let r = post(app, "/api/v1/incidents", &registrar, &body);
        assert_eq!(r.status, 422, "{field} = {value}: {:?}", r.body);
        assert_eq!(r.error_fields(), vec![field], "{:?}", r.body);
    }
    assert_eq!(count_incidents(app, &registrar), 0);
    let mut body = registration("regel 1\r\nregel 2");
    body["narrative"] = json!("eerste\r\ntweede\tmet tab");
    body["registration_number"] = json!("AMS-2026-000009");
    let r = post(app, "/api/v1/incidents", &registrar, &body);
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["narrative"], "eerste\ntweede\tmet tab");
    assert_eq!(r.body["summary"], "regel 1\nregel 2");

    // A note typed in a browser has CRLF line breaks: kept, as LF.
    let screener = app.token("toetser", Role::Screener, "AMS");
    let id = id_of(&r);
    let r = send(
        "POST",
        &app.url(&format!("/api/v1/incidents/{id}/screening")),
        Some(&screener),
        &[("If-Match", "\"1\"")],
        Some(&json!({"outcome": "NADERE_INFO", "note": "regel 1\r\nregel 2"})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        r.body.to_string().contains("regel 1\\nregel 2"),
        "{:?}",
        r.body
    );
}

/// Numbers and dates from users stay within what the arithmetic on them can hold:
/// reporting years, path numbers beyond `i32`, timestamps whose Amsterdam year has
/// five digits.
fn out_of_range_numbers_and_dates_are_refused(app: &TestApp) {
    let national = app.token("landelijk", Role::National, "*");
    for year in [
        "-2147483648",
        "0",
        "9999",
        "2147483647",
        "3000000000",
        "2026abc",
    ] {
        let r = post(
            app,
            &format!("/api/v1/reports/poldis/{year}/publish"),
            &national,
            &json!({}),
        );
        assert_eq!(r.status, 422, "{year}: {:?}", r.body);
        assert_eq!(r.content_type, "application/problem+json");
        let r = get(app, &format!("/api/v1/reports/poldis/{year}"), &national);
        assert_eq!(r.status, 422, "{year}: {:?}", r.body);
    }
    let registrar = app.token("balie", Role::Registrar, "AMS");
    for at in [
        "9999-12-31T23:59:59Z",
        "+275760-09-13T00:00:00Z",
        "0000-01-01T00:00:00Z",
    ] {
        let mut body = registration("x");
        body["registered_at"] = json!(at);
        let r = post(app, "/api/v1/incidents", &registrar, &body);
        assert_eq!(r.status, 422, "{at}: {:?}", r.body);
        assert_eq!(r.error_fields(), vec!["registered_at"]);
    }
    let r = get(app, "/api/v1/incidents?from=0000-01-01", &registrar);
    assert_eq!(r.error_fields(), vec!["from"]);
    let mut body = registration("x");
    body["district"] = json!("Centrum\u{2028}Oost");
    assert_eq!(
        post(app, "/api/v1/incidents", &registrar, &body).status,
        422
    );
    let (status, headers, _) = raw(app, "TRACE", "/health", None, &[], None);
    assert_eq!(status, 405);
    assert_eq!(headers.get("allow").map(String::as_str), Some("GET, HEAD"));
}

crate::on_both_backends!(
    out_of_range_numbers_and_dates_are_refused,
    a_token_lifetime_out_of_range_is_refused_and_later_writes_are_stored,
    role_and_scope_combinations_outside_the_domain_are_refused,
    user_names_are_refused_outside_the_safe_set,
    the_audit_output_cannot_be_forged,
    refused_requests_are_tied_to_their_incident,
    spreadsheet_cells_never_start_a_formula,
    bodies_over_their_limit_are_refused,
    status_codes_follow_rfc_9110,
    security_headers_and_cross_site_posts,
    control_characters_are_refused_with_the_field_named,
);

/// Item 10 for the candidate scan: a general incident whose narrative or source
/// reference a screener could never take over is reported by line and field, not
/// stored.
#[test]
fn the_candidate_scan_reports_text_it_cannot_store() {
    let db = crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).expect("sqlite");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("general.csv");
    let rows = [
        "source_reference,registered_at,unit,municipality,incident_code,narrative".to_owned(),
        "GEN-1,2026-10-28T21:14:00+01:00,AMS,GM0363,E310,Hakenkruis op de deur\u{1b}]0;pwned\u{7}"
            .to_owned(),
        "GEN-\u{1b}[2J,2026-10-28T21:14:00+01:00,AMS,GM0363,E310,Hakenkruis op de muur".to_owned(),
        format!(
            "GEN-3,2026-10-28T21:14:00+01:00,AMS,GM0363,E310,Hakenkruis {}",
            "x".repeat(50_001)
        ),
        "GEN-5,2026-10-28T21:14:00+01:00,AMS,GM\u{1b}[31m0363,E310,Hakenkruis op het hek"
            .to_owned(),
        ",2026-10-28T21:14:00+01:00,AMS,GM0363,E310,Hakenkruis op de paal".to_owned(),
        "GEN-4,2026-10-28T21:14:00+01:00,AMS,GM0363,E310,\"Hakenkruis\r\nop de brug\"".to_owned(),
    ];
    std::fs::write(&file, rows.join("\n")).expect("write");
    let out = crate::cli::dira(&db, &["candidates", "scan", &file.display().to_string()]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stderr.contains("line 2: narrative: holds the control character U+001B"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 3: source_reference: holds the control character"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 4: narrative: is longer than 50000 characters"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 5: municipality: holds the control character"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 6: source_reference: is required"),
        "{stderr}"
    );
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("GEN-4,AMS"), "{stdout}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
}
