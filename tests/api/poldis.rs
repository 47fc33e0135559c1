//! The Poldis report on a data set whose every figure is worked out by hand here.

use std::collections::BTreeMap;

use dira::auth::Role;
use serde_json::Value;

use crate::helpers::{get, TestApp};

const HEADER: &str = "registration_number,registered_at,occurred_from,unit,municipality,registration_type,channel,grounds,manifestations,domain,articles,victim_kind,suspect_known,status,rejection_reason,event_id";

#[rustfmt::skip]
const ROWS: &[&str] = &[
    // 2025, AMS: two grounds, suspect known.
    "P1,2025-03-11T10:00:00+01:00,2025-03-10,AMS,GM0363,AANGIFTE,BALIE,HERKOMST|MOSLIMDISCRIMINATIE,BELEDIGING,OPENBARE_RUIMTE,SR137C,PERSOON,true,CONFIRMED,,",
    // No occurrence date, registered 2024-12-31T23:30Z = 2025-01-01 in Amsterdam: 2025. Police victim.
    "P2,2024-12-31T23:30:00Z,,AMS,,MELDING,TELEFOON,ANTISEMITISME,UITING,INTERNET,,POLITIEMEDEWERKER,false,CONFIRMED,,",
    // Event A (RTM, 2025): E2 represents it (same reporting date as E1, registered earlier).
    "E1,2025-06-02T10:00:00+02:00,2025-06-01,RTM,GM0599,AANGIFTE,INTERNET,SEKSUELE_GERICHTHEID,BEDREIGING,SPORT,,GROEP,false,CONFIRMED,,EVT-A",
    "E2,2025-06-01T12:00:00+02:00,2025-06-01,RTM,GM0599,AANGIFTE,BALIE,HERKOMST,BELEDIGING,SPORT,,PERSOON,false,CONFIRMED,,EVT-A",
    "E3,2025-06-05T15:00:00+02:00,2025-06-05,RTM,GM0599,AANGIFTE,BALIE,HERKOMST,BELEDIGING,SPORT,,PERSOON,false,CONFIRMED,,EVT-A",
    // Event B: represented by B1 (2024-12-30), so a 2024 incident; B2 is a 2025 registration.
    "B1,2025-01-02T10:00:00+01:00,2024-12-30,RTM,,AANGIFTE,BALIE,HERKOMST,GEWELD,HORECA,,PERSOON,false,CONFIRMED,,EVT-B",
    "B2,2025-01-04T10:00:00+01:00,2025-01-03,RTM,,AANGIFTE,BALIE,HERKOMST,GEWELD,HORECA,,PERSOON,false,CONFIRMED,,EVT-B",
    // Earlier years: a retired ground (GELOOF → GODSDIENST in the trend) and a 2024 incident.
    "R1,2023-05-01T10:00:00+02:00,2023-05-01,AMS,,MELDING,BALIE,GELOOF,BELEDIGING,WERK,,PERSOON,false,CONFIRMED,,",
    "O1,2024-07-02T10:00:00+02:00,2024-07-01,AMS,,MELDING,BALIE,HERKOMST,BELEDIGING,WERK,,PERSOON,false,CONFIRMED,,",
    // 2025, not confirmed: two pending, one rejected.
    "Q1,2025-02-01T10:00:00+01:00,,AMS,,MELDING,BALIE,HERKOMST,BELEDIGING,WERK,,PERSOON,false,REGISTERED,,",
    "Q2,2025-02-01T10:00:00+01:00,,AMS,,MELDING,BALIE,HERKOMST,BELEDIGING,,,PERSOON,false,INCOMPLETE,,",
    "X1,2025-02-01T10:00:00+01:00,,AMS,,MELDING,BALIE,HERKOMST,BELEDIGING,WERK,,PERSOON,false,REJECTED,DUBBELE_REGISTRATIE,",
];

fn import(app: &TestApp) {
    import_rows(app, ROWS);
}

fn import_rows<S: AsRef<str>>(app: &TestApp, rows: &[S]) {
    let admin = app.token("beheer", Role::Admin, "*");
    let csv = std::iter::once(HEADER)
        .chain(rows.iter().map(AsRef::as_ref))
        .collect::<Vec<_>>()
        .join("\n");
    match ureq::post(&app.url("/api/v1/imports"))
        .set("Authorization", &format!("Bearer {admin}"))
        .send_string(&csv)
    {
        Ok(r) => assert_eq!(r.status(), 201),
        Err(ureq::Error::Status(code, r)) => panic!("import: {code} {:?}", r.into_string()),
        Err(e) => panic!("import: {e}"),
    }
}

/// `table` as `{key or key/subkey: incidents}`, zero cells included.
fn table(report: &Value, name: &str) -> BTreeMap<String, Value> {
    report["tables"][name]
        .as_array()
        .unwrap_or_else(|| panic!("no table {name}"))
        .iter()
        .map(|c| {
            let key = match c["subkey"].as_str() {
                Some(s) => format!("{}/{s}", c["key"].as_str().unwrap_or_default()),
                None => c["key"].as_str().unwrap_or_default().to_owned(),
            };
            (key, c["incidents"].clone())
        })
        .collect()
}

fn nonzero(report: &Value, name: &str) -> Vec<(String, u64)> {
    table(report, name)
        .into_iter()
        .filter_map(|(k, v)| v.as_u64().filter(|n| *n > 0).map(|n| (k, n)))
        .collect()
}

fn pairs(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

fn every_table_matches_the_hand_count(app: &TestApp) {
    import(app);
    let national = app.token("landelijk", Role::National, "*");
    let r = get(app, "/api/v1/reports/poldis/2025", &national);
    assert_eq!(r.status, 200, "{:?}", r.body);
    let report = r.body;
    assert_eq!(
        nonzero(&report, "summary"),
        pairs(&[
            ("incidents", 3),
            ("multiple_grounds", 1),
            ("pending", 2),
            ("police_victim", 1),
            ("registrations", 6),
            ("rejected", 1),
            ("suspect_known", 1),
        ])
    );
    assert_eq!(
        nonzero(&report, "by_ground"),
        pairs(&[
            ("ANTISEMITISME", 1),
            ("HERKOMST", 2),
            ("MOSLIMDISCRIMINATIE", 1)
        ])
    );
    let grounds = table(&report, "by_ground");
    assert_eq!(
        grounds.get("GODSDIENST"),
        Some(&Value::from(0)),
        "the year's codes are keys even at zero"
    );
    assert!(
        !grounds.contains_key("GELOOF"),
        "a code retired before the year is not"
    );
    assert_eq!(
        nonzero(&report, "by_manifestation"),
        pairs(&[("BELEDIGING", 2), ("UITING", 1)])
    );
    assert_eq!(
        nonzero(&report, "by_domain"),
        pairs(&[("INTERNET", 1), ("OPENBARE_RUIMTE", 1), ("SPORT", 1)])
    );
    assert_eq!(nonzero(&report, "by_article"), pairs(&[("SR137C", 1)]));
    assert_eq!(
        nonzero(&report, "by_registration_type"),
        pairs(&[("AANGIFTE", 2), ("MELDING", 1)])
    );
    assert_eq!(
        nonzero(&report, "by_channel"),
        pairs(&[("BALIE", 2), ("TELEFOON", 1)]),
        "E2's channel, not E1's"
    );
    assert_eq!(
        nonzero(&report, "by_victim_kind"),
        pairs(&[("PERSOON", 2), ("POLITIEMEDEWERKER", 1)])
    );
    assert_eq!(
        nonzero(&report, "by_unit"),
        pairs(&[("AMS", 2), ("RTM", 1)])
    );
    assert_eq!(
        nonzero(&report, "by_municipality"),
        pairs(&[("GM0363", 1), ("GM0599", 1), ("ONBEKEND", 1)])
    );
    assert_eq!(
        nonzero(&report, "by_month"),
        pairs(&[("01", 1), ("03", 1), ("06", 1)])
    );
    assert_eq!(table(&report, "by_month").len(), 12);
    assert_eq!(
        nonzero(&report, "ground_by_unit"),
        pairs(&[
            ("ANTISEMITISME/AMS", 1),
            ("HERKOMST/AMS", 1),
            ("HERKOMST/RTM", 1),
            ("MOSLIMDISCRIMINATIE/AMS", 1),
        ])
    );
    assert_eq!(
        nonzero(&report, "ground_by_manifestation"),
        pairs(&[
            ("ANTISEMITISME/UITING", 1),
            ("HERKOMST/BELEDIGING", 2),
            ("MOSLIMDISCRIMINATIE/BELEDIGING", 1),
        ])
    );
    assert_eq!(
        nonzero(&report, "ground_by_article"),
        pairs(&[("HERKOMST/SR137C", 1), ("MOSLIMDISCRIMINATIE/SR137C", 1)])
    );
    assert_eq!(
        nonzero(&report, "ground_by_police_victim"),
        pairs(&[
            ("ANTISEMITISME/true", 1),
            ("HERKOMST/false", 2),
            ("MOSLIMDISCRIMINATIE/false", 1),
        ])
    );
    assert_eq!(
        table(&report, "trend").into_iter().collect::<Vec<_>>(),
        vec![
            ("2021".to_owned(), Value::from(0)),
            ("2022".to_owned(), Value::from(0)),
            ("2023".to_owned(), Value::from(1)),
            ("2024".to_owned(), Value::from(2)),
            ("2025".to_owned(), Value::from(3)),
        ]
    );
    assert_eq!(
        nonzero(&report, "trend_by_ground"),
        pairs(&[
            ("2023/GODSDIENST", 1),
            ("2024/HERKOMST", 2),
            ("2025/ANTISEMITISME", 1),
            ("2025/HERKOMST", 2),
            ("2025/MOSLIMDISCRIMINATIE", 1),
        ]),
        "GELOOF counts as GODSDIENST in the trend"
    );
    assert_eq!(
        report["tables"]["by_ground"][0]["label_nl"]
            .as_str()
            .map(|s| !s.is_empty()),
        Some(true)
    );
    assert!(report["fingerprint"]
        .as_str()
        .is_some_and(|f| f.len() == 64));
    assert!(report["rules_version"].is_string() && report["code_lists_version"].is_string());
}

fn publication_mode_suppresses_small_cells_and_keeps_totals(app: &TestApp) {
    import(app);
    let national = app.token("landelijk", Role::National, "*");
    let r = get(
        app,
        "/api/v1/reports/poldis/2025?publication=true",
        &national,
    )
    .body;
    assert_eq!(
        table(&r, "summary").get("incidents"),
        Some(&Value::from(3)),
        "totals stay exact"
    );
    assert_eq!(
        table(&r, "by_municipality").get("GM0363"),
        Some(&Value::from("<5"))
    );
    assert_eq!(
        table(&r, "ground_by_unit").get("HERKOMST/RTM"),
        Some(&Value::from("<5"))
    );
    assert_eq!(
        table(&r, "by_ground").get("HERKOMST"),
        Some(&Value::from("x")),
        "by_ground repeats the year's row of trend_by_ground, whose 2 is <5"
    );
    assert_eq!(
        table(&r, "by_domain").get("SPORT"),
        Some(&Value::from(1)),
        "a one-dimensional table linked to no suppressed cell stays"
    );

    let csv = ureq::get(&app.url("/api/v1/reports/poldis/2025?publication=true"))
        .set("Authorization", &format!("Bearer {national}"))
        .set("Accept", "text/csv")
        .call()
        .expect("csv")
        .into_string()
        .expect("text");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "table,key,subkey,incidents");
    assert!(lines.contains(&"summary,incidents,,3"));
    assert!(lines.contains(&"by_municipality,GM0363,,<5"));
    assert!(lines.contains(&"ground_by_unit,HERKOMST,RTM,<5"));
    assert!(
        !lines.iter().any(|l| l.ends_with(",0")),
        "one row per non-empty cell"
    );
}

/// `n` confirmed 2025 incidents of one ground in one unit and municipality.
fn incidents(n: usize, unit: &str, municipality: &str, ground: &str) -> Vec<String> {
    incidents_in(2025, n, unit, municipality, ground)
}

/// `n` confirmed incidents of `year`, of one ground in one unit and municipality.
fn incidents_in(year: i32, n: usize, unit: &str, municipality: &str, ground: &str) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                "{unit}-{municipality}-{ground}-{year}-{i},{year}-03-11T10:00:00+01:00,{year}-03-10,{unit},{municipality},AANGIFTE,BALIE,{ground},BELEDIGING,WERK,,PERSOON,false,CONFIRMED,,"
            )
        })
        .collect()
}

fn publication(app: &TestApp) -> Value {
    let national = app.token("landelijk", Role::National, "*");
    get(
        app,
        "/api/v1/reports/poldis/2025?publication=true",
        &national,
    )
    .body
}

/// `table` restricted to its withheld cells, as `key/subkey` (or `key`) → mark.
fn withheld(report: &Value, name: &str) -> Vec<(String, Value)> {
    table(report, name)
        .into_iter()
        .filter(|(_, v)| v.is_string())
        .collect()
}

fn marks(list: &[(&str, &str)]) -> Vec<(String, Value)> {
    list.iter()
        .map(|(k, m)| (k.to_string(), Value::from(*m)))
        .collect()
}

/// Issue 14: ten incidents of one ground in a municipality of AMS, two in one of RTM.
/// RTM has a single ground, so `by_unit` RTM would give its one cell away; the 10
/// of AMS is withheld to protect it and so is `x`, never `<5`.
fn a_unit_with_one_ground_is_protected_in_by_unit_and_marks_tell_why(app: &TestApp) {
    let mut rows = incidents(10, "AMS", "GM0363", "HERKOMST");
    rows.extend(incidents(2, "RTM", "GM0599", "HERKOMST"));
    import_rows(app, &rows);
    let r = publication(app);
    assert_eq!(
        withheld(&r, "ground_by_unit"),
        marks(&[("HERKOMST/AMS", "x"), ("HERKOMST/RTM", "<5")])
    );
    assert_eq!(
        withheld(&r, "by_unit"),
        marks(&[("AMS", "x"), ("RTM", "x")])
    );
    assert_eq!(
        withheld(&r, "by_municipality"),
        marks(&[("GM0363", "x"), ("GM0599", "<5")])
    );
    assert_eq!(
        table(&r, "summary").get("incidents"),
        Some(&Value::from(12))
    );
    assert_eq!(
        table(&r, "by_ground").get("HERKOMST"),
        Some(&Value::from(12))
    );
    let legend: Vec<&str> = r["legend"]
        .as_array()
        .map(|l| l.iter().filter_map(|e| e["mark"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(legend, ["<5", "x"], "the JSON says what the marks mean");

    let national = app.token("landelijk2", Role::National, "*");
    let fetch = |accept: &str| {
        ureq::get(&app.url("/api/v1/reports/poldis/2025?publication=true"))
            .set("Authorization", &format!("Bearer {national}"))
            .set("Accept", accept)
            .call()
            .expect("report")
            .into_string()
            .expect("text")
    };
    let csv = fetch("text/csv");
    for line in [
        "ground_by_unit,HERKOMST,AMS,x",
        "ground_by_unit,HERKOMST,RTM,<5",
        "by_unit,RTM,,x",
        "by_municipality,GM0599,,<5",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} in\n{csv}");
    }
    let html = fetch("text/html");
    assert!(
        html.contains("<dt>x</dt>") && html.contains("<dt>&lt;5</dt>"),
        "legend"
    );
    assert!(
        !html.contains(">10</text>") && !html.contains(">2</text>"),
        "no chart bar shows a withheld unit"
    );
}

/// A single small cell in a row and a column of a 2 × 2 table: the other three
/// corners are withheld as `x`; the margins stay.
fn a_single_small_cell_takes_a_rectangle_of_x(app: &TestApp) {
    let mut rows = incidents(10, "AMS", "GM0363", "HERKOMST");
    rows.extend(incidents(3, "RTM", "GM0599", "HERKOMST"));
    rows.extend(incidents(8, "AMS", "GM0363", "LEEFTIJD"));
    rows.extend(incidents(9, "RTM", "GM0599", "LEEFTIJD"));
    import_rows(app, &rows);
    let r = publication(app);
    assert_eq!(
        withheld(&r, "ground_by_unit"),
        marks(&[
            ("HERKOMST/AMS", "x"),
            ("HERKOMST/RTM", "<5"),
            ("LEEFTIJD/AMS", "x"),
            ("LEEFTIJD/RTM", "x"),
        ])
    );
    assert_eq!(
        nonzero(&r, "by_unit"),
        pairs(&[("AMS", 18), ("RTM", 12)]),
        "margins stay"
    );
    assert_eq!(
        nonzero(&r, "by_ground"),
        pairs(&[("HERKOMST", 13), ("LEEFTIJD", 17)])
    );
}

/// Two municipalities: the summary less the one printed would give the small one.
fn a_municipality_the_summary_would_give_away_takes_a_partner(app: &TestApp) {
    let mut rows = incidents(10, "AMS", "GM0363", "HERKOMST");
    rows.extend(incidents(3, "AMS", "GM0362", "HERKOMST"));
    import_rows(app, &rows);
    let r = publication(app);
    assert_eq!(
        withheld(&r, "by_municipality"),
        marks(&[("GM0362", "<5"), ("GM0363", "x")])
    );
    assert_eq!(
        table(&r, "summary").get("incidents"),
        Some(&Value::from(13))
    );
}

/// Issue 14 item 4: two `<5` of AMS adding up to `by_unit` AMS or to the summary
/// would be 4 and 4 (each at most 4). RTM's municipality is withheld as `x` (and
/// with it the units), so the two may be 1 to 4 each.
fn two_small_municipalities_that_bounds_would_give_away_take_a_third(app: &TestApp) {
    let mut rows = incidents(4, "AMS", "GM0362", "HERKOMST");
    rows.extend(incidents(4, "AMS", "GM0363", "HERKOMST"));
    rows.extend(incidents(10, "RTM", "GM0599", "HERKOMST"));
    import_rows(app, &rows);
    let r = publication(app);
    assert_eq!(
        withheld(&r, "by_municipality"),
        marks(&[("GM0362", "<5"), ("GM0363", "<5"), ("GM0599", "x")])
    );
    assert_eq!(
        withheld(&r, "by_unit"),
        marks(&[("AMS", "x"), ("RTM", "x")])
    );
    assert_eq!(
        table(&r, "summary").get("incidents"),
        Some(&Value::from(18))
    );
}

/// Issue 14 item 4: a year's `trend_by_ground` adds up to `trend` (at least), so two
/// `<5` that are all of the year's 8 would be 4 and 4. A third ground of the year is
/// withheld as `x`.
fn two_small_grounds_of_a_trend_year_take_a_third(app: &TestApp) {
    let mut rows = incidents_in(2023, 4, "AMS", "GM0363", "ANTISEMITISME");
    rows.extend(incidents_in(2023, 4, "AMS", "GM0363", "HERKOMST"));
    rows.extend(incidents_in(2023, 10, "AMS", "GM0363", "LEEFTIJD"));
    rows.extend(incidents(10, "AMS", "GM0363", "HERKOMST"));
    import_rows(app, &rows);
    let r = publication(app);
    let year: Vec<(String, Value)> = withheld(&r, "trend_by_ground")
        .into_iter()
        .filter(|(k, _)| k.starts_with("2023/"))
        .collect();
    assert_eq!(
        year,
        marks(&[
            ("2023/ANTISEMITISME", "<5"),
            ("2023/HERKOMST", "<5"),
            ("2023/LEEFTIJD", "x"),
        ])
    );
    assert_eq!(table(&r, "trend").get("2023"), Some(&Value::from(18)));
}

fn the_html_report_is_self_contained_with_charts(app: &TestApp) {
    import(app);
    let national = app.token("landelijk", Role::National, "*");
    let html = ureq::get(&app.url("/api/v1/reports/poldis/2025"))
        .set("Authorization", &format!("Bearer {national}"))
        .set("Accept", "text/html")
        .call()
        .expect("html")
        .into_string()
        .expect("text");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "bars per ground, the five-year trend, per unit"
    );
    assert!(html.contains("Criminaliteitsbeeld discriminatie 2025"));
    assert!(html.contains("<b>3</b>incidenten"));
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("<script"),
        "no external assets, no scripts"
    );
}

fn a_published_report_stays_and_later_changes_are_listed(app: &TestApp) {
    import(app);
    let national = app.token("landelijk", Role::National, "*");
    let published = crate::helpers::post(
        app,
        "/api/v1/reports/poldis/2025/publish",
        &national,
        &serde_json::json!({}),
    );
    assert_eq!(published.status, 201, "{:?}", published.body);
    let again = crate::helpers::post(
        app,
        "/api/v1/reports/poldis/2025/publish",
        &national,
        &serde_json::json!({}),
    );
    assert_eq!(again.status, 409, "published once, stored unchanged");
    let unchanged = get(app, "/api/v1/reports/poldis/2025", &national).body;
    assert_eq!(
        unchanged["since_publication"]["changed"],
        serde_json::json!([])
    );
    assert_eq!(
        unchanged["since_publication"]["published_fingerprint"],
        published.body["fingerprint"]
    );

    // A late registration, confirmed.
    let admin = app.token("beheer2", Role::Admin, "*");
    let late = format!("{HEADER}\nL1,2025-12-01T10:00:00+01:00,2025-11-30,AMS,,MELDING,BALIE,LEEFTIJD,BELEDIGING,WERK,,PERSOON,false,CONFIRMED,,");
    ureq::post(&app.url("/api/v1/imports"))
        .set("Authorization", &format!("Bearer {admin}"))
        .send_string(&late)
        .expect("late import");
    let later = get(app, "/api/v1/reports/poldis/2025", &national).body;
    assert_ne!(later["fingerprint"], published.body["fingerprint"]);
    let changed = later["since_publication"]["changed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let incidents = changed
        .iter()
        .find(|c| c["table"] == "summary" && c["key"] == "incidents")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (incidents["published"].as_u64(), incidents["now"].as_u64()),
        (Some(3), Some(4))
    );
    assert!(changed
        .iter()
        .any(|c| c["table"] == "by_ground" && c["key"] == "LEEFTIJD"));

    // In publication mode the list of changes names no withheld cell, changed or not:
    // neither its count nor the fact that it changed could then be worked out.
    let path = "/api/v1/reports/poldis/2025/publish?publication=true";
    let published = crate::helpers::post(app, path, &national, &serde_json::json!({}));
    assert_eq!(published.status, 201, "{:?}", published.body);
    let late = format!("{HEADER}\nL2,2025-12-02T10:00:00+01:00,2025-12-01,AMS,,MELDING,BALIE,LEEFTIJD,BELEDIGING,WERK,,PERSOON,false,CONFIRMED,,");
    ureq::post(&app.url("/api/v1/imports"))
        .set("Authorization", &format!("Bearer {admin}"))
        .send_string(&late)
        .expect("late import");
    let later = get(
        app,
        "/api/v1/reports/poldis/2025?publication=true",
        &national,
    )
    .body;
    let changed = later["since_publication"]["changed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!changed.is_empty(), "the summary changed");
    let withheld = |report: &Value, c: &Value| {
        table_cells(report, c["table"].as_str().unwrap_or_default())
            .into_iter()
            .find(|cell| {
                cell["key"] == c["key"]
                    && cell["subkey"].as_str().unwrap_or_default() == c["subkey"]
            })
            .is_some_and(|cell| !cell["incidents"].is_number())
    };
    for c in &changed {
        assert!(c["published"].is_number() && c["now"].is_number(), "{c}");
        assert!(!withheld(&later, c) && !withheld(&published.body, c), "{c}");
    }
    let marks = later["tables"]["by_municipality"].to_string();
    assert!(
        marks.contains("<5") || marks.contains("\"x\""),
        "a cell is withheld: {marks}"
    );
}

fn table_cells(report: &Value, name: &str) -> Vec<Value> {
    report["tables"][name]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn analysts_get_their_own_unit(app: &TestApp) {
    import(app);
    let analyst = app.token("drio-rtm", Role::Analyst, "RTM");
    let r = get(app, "/api/v1/reports/poldis/2025", &analyst).body;
    assert_eq!(r["unit"], "RTM");
    assert_eq!(table(&r, "summary").get("incidents"), Some(&Value::from(1)));
    assert_eq!(nonzero(&r, "by_unit"), pairs(&[("RTM", 1)]));
}

crate::on_both_backends!(
    every_table_matches_the_hand_count,
    publication_mode_suppresses_small_cells_and_keeps_totals,
    the_html_report_is_self_contained_with_charts,
    a_published_report_stays_and_later_changes_are_listed,
    analysts_get_their_own_unit,
    a_unit_with_one_ground_is_protected_in_by_unit_and_marks_tell_why,
    a_single_small_cell_takes_a_rectangle_of_x,
    a_municipality_the_summary_would_give_away_takes_a_partner,
    two_small_municipalities_that_bounds_would_give_away_take_a_third,
    two_small_grounds_of_a_trend_year_take_a_third,
);
