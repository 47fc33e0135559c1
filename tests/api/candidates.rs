//! The candidate scan over general incidents, and promoting or dismissing candidates.

use std::path::Path;

use dira::auth::Role;
use serde_json::json;

use crate::cli::dira;
use crate::helpers::{get, post, Backend, TestApp, TestDb};

const HEADER: &str = "source_reference,registered_at,unit,municipality,incident_code,narrative";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

fn scan(db: &TestDb, args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["candidates", "scan"];
    all.extend_from_slice(args);
    let out = dira(db, &all);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn the_scan_matches_terms_and_codes_and_stores_each_once(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let rows = [
        "G1,2024-03-01T10:00:00+01:00,AMS,GM0363,B100,Het slachtoffer werd uitgemaakt voor homo.",
        "G2,2024-03-01T11:00:00+01:00,AMS,,B100,Homogene groep jongeren hing rond.",
        "G3,2024-03-01T12:00:00+01:00,RTM,,B100,Een HAKENKRUIS op de gevel.",
        "G4,2024-03-01T13:00:00+01:00,RTM,,B100,Hakenkruissymbolen en een café-ruzie over de Zoë-bar.",
        "G5,2024-03-01T14:00:00+01:00,NH,,D999,Geluidsoverlast.",
        "G6,2024-03-01T15:00:00+01:00,NH,,B100,\"Riep \"\"vuile Marokkanen\"\"\nen liep weg.\"",
        "G7,2024-03-01T16:00:00+01:00,XX,,D999,Geluidsoverlast.",
    ];
    let file = write(
        dir.path(),
        "general.csv",
        &format!("{HEADER}\n{}\n", rows.join("\n")),
    );
    let terms = write(
        dir.path(),
        "terms.txt",
        "# test\nhomo\nhakenkruis*\nzoe\nmarokka*\n",
    );
    let codes = write(
        dir.path(),
        "codes.txt",
        "D999 # geluidsoverlast, for the test\n",
    );
    let (code, stdout, stderr) = scan(&db, &[&file, "--terms", &terms, "--codes", &codes]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "source_reference,unit,matched\nG1,AMS,homo\nG3,RTM,hakenkruis*\nG4,RTM,hakenkruis*|zoe\nG5,NH,D999\nG6,NH,marokka*\n",
        "{stderr}"
    );
    assert!(
        stderr.contains("line 9: unit: unknown unit \"XX\""),
        "{stderr}"
    );
    assert!(stderr.contains("5 new candidates"), "{stderr}");

    let (_, again, stderr) = scan(&db, &[&file, "--terms", &terms, "--codes", &codes]);
    assert_eq!(again, stdout);
    assert!(
        stderr.contains("0 new candidates"),
        "scanning again adds nothing twice: {stderr}"
    );

    let (_, defaults, _) = scan(&db, &[&file]);
    assert!(
        defaults.contains("G1,AMS,homo") && defaults.contains("G3,RTM,hakenkruis*"),
        "{defaults}"
    );
    assert!(!defaults.contains("G2"), "homogeen is not homo");
    assert_eq!(
        scan(&db, &[&dir.path().join("nope.csv").display().to_string()]).0,
        Some(2)
    );
}

#[test]
fn sqlite_the_scan_matches_terms_and_codes_and_stores_each_once() {
    the_scan_matches_terms_and_codes_and_stores_each_once(Backend::Sqlite);
}

#[test]
fn postgres_the_scan_matches_terms_and_codes_and_stores_each_once() {
    the_scan_matches_terms_and_codes_and_stores_each_once(Backend::Postgres);
}

fn candidates_are_in_the_queue_and_are_promoted_or_dismissed(app: &TestApp) {
    let csv = format!(
        "{HEADER}\nG1,2024-03-01T10:00:00+01:00,AMS,GM0363,B100,Uitgemaakt voor homo.\n\
                       G2,2024-03-02T10:00:00+01:00,AMS,,B100,Een hakenkruis gekalkt.\n"
    );
    app.scan_candidates(&csv);
    let screener = app.token("cpd", Role::Screener, "AMS");
    let queue = get(app, "/api/v1/screening/queue?status=CANDIDATE", &screener);
    let items = queue.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["kind"], "candidate");
    assert_eq!(items[0]["source_reference"], "G1");
    assert_eq!(items[0]["matched"], json!(["homo"]));
    assert_eq!(items[0]["overdue"], true);
    let (first, second) = (
        items[0]["id"].as_str().unwrap_or_default(),
        items[1]["id"].as_str().unwrap_or_default(),
    );

    let unclassified = post(
        app,
        &format!("/api/v1/candidates/{first}/promote"),
        &screener,
        &json!({"registration_type": "MUTATIE", "channel": "TER_PLAATSE"}),
    );
    assert_eq!(unclassified.status, 422);
    assert_eq!(
        unclassified.error_fields(),
        vec!["grounds", "manifestations", "domain", "victim_kind"]
    );
    let promoted = post(
        app,
        &format!("/api/v1/candidates/{first}/promote"),
        &screener,
        &json!({
        "registration_type": "MUTATIE", "channel": "TER_PLAATSE", "grounds": ["SEKSUELE_GERICHTHEID"],
        "manifestations": ["BELEDIGING"], "domain": "OPENBARE_RUIMTE", "victim_kind": "PERSOON"}),
    );
    assert_eq!(promoted.status, 201, "{:?}", promoted.body);
    assert_eq!(promoted.body["source_reference"], "G1");
    assert_eq!(promoted.body["unit"], "AMS");
    assert_eq!(promoted.body["municipality"], "GM0363");
    assert_eq!(promoted.body["status"], "REGISTERED");
    assert_eq!(promoted.body["registered_at"], "2024-03-01T10:00:00+01:00");
    assert_eq!(
        post(
            app,
            &format!("/api/v1/candidates/{first}/promote"),
            &screener,
            &json!({})
        )
        .status,
        409
    );

    assert_eq!(
        post(
            app,
            &format!("/api/v1/candidates/{second}/dismiss"),
            &screener,
            &json!({"reason": ""})
        )
        .status,
        422
    );
    assert_eq!(
        post(
            app,
            &format!("/api/v1/candidates/{second}/dismiss"),
            &screener,
            &json!({"reason": "Graffiti van een bekende kunstenaar"})
        )
        .status,
        204
    );
    let queue = get(app, "/api/v1/screening/queue", &screener);
    let kinds: Vec<String> = queue.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| i["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        kinds,
        ["incident"],
        "the promoted candidate is an incident now; the dismissed one is gone"
    );
}

crate::on_both_backends!(candidates_are_in_the_queue_and_are_promoted_or_dismissed);
