//! `dira import` / `dira export` and `POST /api/v1/imports`: the exchange CSV.

use std::path::Path;

use diesel::prelude::*;
use dira::auth::Role;
use dira::db::schema::{audit_log, incident_history, incidents};
use dira::db::Db;

use crate::cli::dira;
use crate::helpers::{post_csv, send, Backend, TestApp, TestDb};

const HEADER: &str = "registration_number,source_reference,registered_at,occurred_from,occurred_to,unit,district,basic_team,municipality,registration_type,channel,grounds,manifestations,domain,articles,victim_kind,suspect_known,summary,narrative,status,rejection_reason,screened_at,prosecution_status,forwarded_on,event_id";

/// A valid CONFIRMED row; `edit` changes it.
fn row(number: &str, edit: impl FnOnce(&mut Vec<String>)) -> String {
    let mut cells: Vec<String> = [
        number,
        "BVH1",
        "2024-03-01T10:00:00+01:00",
        "2024-02-28",
        "",
        "AMS",
        "AMS-D1",
        "",
        "GM0363",
        "AANGIFTE",
        "BALIE",
        "HERKOMST|MOSLIMDISCRIMINATIE",
        "BELEDIGING",
        "OPENBARE_RUIMTE",
        "SR137C",
        "PERSOON",
        "false",
        "Uitgescholden",
        "Toelichting",
        "CONFIRMED",
        "",
        "2024-03-05T09:00:00+01:00",
        "INGEZONDEN",
        "2024-03-10",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    edit(&mut cells);
    cells.join(",")
}

fn set(col: &str, value: &str) -> impl FnOnce(&mut Vec<String>) {
    let i = HEADER.split(',').position(|c| c == col).expect("column");
    let value = value.to_owned();
    move |cells| cells[i] = value
}

fn write(dir: &Path, name: &str, lines: &[String]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").expect("write csv");
    path
}

fn count(db: &TestDb) -> i64 {
    let db = Db::open(&db.url).expect("open");
    incidents::table
        .count()
        .get_result(&mut *db.conn().expect("conn"))
        .expect("count")
}

fn import(db: &TestDb, path: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["import", path.to_str().unwrap_or_default()];
    args.extend_from_slice(extra);
    let out = dira(db, &args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn every_invalid_row_is_reported_by_line_and_nothing_is_stored(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let lines = vec![
        HEADER.to_owned(),
        row("AMS-2024-000001", |_| {}), // 2 valid
        row(
            "AMS-2024-000002",
            set("narrative", "\"twee\nregels, met \"\"quotes\"\"\""),
        ), // 3-4 valid, multi-line
        row("AMS-2024-000003", set("grounds", "KLEUR")), // 5 unknown code
        row("AMS-2024-000004", set("grounds", "GELOOF")), // 6 outside validity
        row(
            "AMS-2024-000005",
            set("registered_at", "2024-03-01 kwart over tien"),
        ), // 7 bad timestamp
        row("AMS-2024-000006", set("occurred_to", "2024-02-01")), // 8 to before from
        row("AMS-2024-000007", set("municipality", "GM9999")), // 9 unknown municipality
        row("AMS-2024-000008", set("unit", "XX")), // 10 unknown unit
        row("AMS-2024-000009", set("domain", "")), // 11 incomplete CONFIRMED
        row("AMS-2024-000010", set("suspect_known", "ja")), // 12 bad boolean
        row("AMS-2024-000001", |_| {}), // 13 duplicate number
        row("AMS-2024-000011", set("status", "REJECTED")), // 14 rejected without reason
    ];
    let path = write(dir.path(), "in.csv", &lines);
    let (code, stderr) = import(&db, &path, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    for expected in [
        "line 5: grounds: unknown ground code \"KLEUR\"",
        "line 6: grounds: code GELOOF is not valid on 2024-03-01",
        "line 7: registered_at: ",
        "line 8: occurred_to: 2024-02-01 is before occurred_from 2024-02-28",
        "line 9: municipality: municipality \"GM9999\" is not in the municipality reference",
        "line 10: unit: unknown unit code \"XX\"",
        "line 11: domain: is required in a CONFIRMED row",
        "line 12: suspect_known: \"ja\" is not a boolean",
        "line 13: registration_number: AMS-2024-000001 appears earlier in the file",
        "line 14: rejection_reason: is required in a REJECTED row",
    ] {
        assert!(
            stderr.lines().any(|l| l.starts_with(expected)),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains("line 2:") && !stderr.contains("line 3:") && !stderr.contains("line 4:"),
        "{stderr}"
    );
    assert_eq!(count(&db), 0, "all or nothing");

    // Already stored numbers are refused too, and the import is audited either way.
    let good = write(dir.path(), "good.csv", &lines[..3]);
    assert_eq!(import(&db, &good, &[]).0, Some(0));
    let (code, stderr) = import(&db, &good, &[]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("line 2: registration_number: AMS-2024-000001 is already in use"),
        "{stderr}"
    );
    assert_eq!(count(&db), 2);
    let opened = Db::open(&db.url).expect("open");
    let history: Vec<(String, String, i32)> = incident_history::table
        .inner_join(incidents::table.on(incidents::id.eq(incident_history::incident_id)))
        .order(incidents::registration_number)
        .select((
            incidents::registration_number,
            incident_history::action,
            incident_history::version,
        ))
        .load(&mut *opened.conn().expect("conn"))
        .expect("history");
    assert_eq!(
        history,
        [
            ("AMS-2024-000001".into(), "imported".into(), 1),
            ("AMS-2024-000002".into(), "imported".into(), 1)
        ],
        "one history entry per imported incident"
    );
    let outcomes: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("import"))
        .order(audit_log::id)
        .select(audit_log::outcome)
        .load(&mut *opened.conn().expect("conn"))
        .expect("audit");
    assert_eq!(outcomes, ["refused", "ok", "refused"]);
}

fn skip_invalid_stores_the_valid_rows(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let lines = vec![
        HEADER.to_owned(),
        row("AMS-2024-000001", |_| {}),
        row("AMS-2024-000002", set("grounds", "KLEUR")),
        row("AMS-2024-000003", set("status", "")),
    ];
    let (code, stderr) = import(
        &db,
        &write(dir.path(), "in.csv", &lines),
        &["--skip-invalid"],
    );
    assert_eq!(code, Some(1), "invalid rows are still reported: {stderr}");
    assert!(stderr.contains("line 3: grounds:"));
    assert_eq!(count(&db), 2);
}

fn export_then_import_reproduces_the_incidents(backend: Backend) {
    let (Some(a), Some(b)) = (TestDb::new(backend), TestDb::new(backend)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    // Quotes, a new line, a tab and backslashes: what CSV quotes and COPY escapes.
    let tricky = "\"Riep \"\"rot op\"\", naar huis;\nzegt\tgetuige Zoë — één keer \\N \\\"";
    let lines = vec![
        HEADER.to_owned(),
        row("AMS-2024-000001", set("narrative", tricky)),
        row("AMS-2024-000002", |c| {
            set("status", "REJECTED")(c);
            set("rejection_reason", "DUBBELE_REGISTRATIE")(c);
            set("prosecution_status", "")(c);
            set("forwarded_on", "")(c);
        }),
        row("AMS-2024-000003", set("event_id", "EVT-2024-7")),
        row("AMS-2024-000004", set("event_id", "EVT-2024-7")),
        row("RTM-2024-000001", |c| {
            set("unit", "RTM")(c);
            set("municipality", "GM0599")(c);
            set("registered_at", "2024-12-31T23:30:00Z")(c);
            set("screened_at", "2025-01-02T08:00:00")(c);
            set("forwarded_on", "2025-01-03")(c);
        }),
        row("NH-2024-000001", |c| {
            set("unit", "NH")(c);
            set("municipality", "")(c);
            set("status", "")(c);
            set("screened_at", "")(c);
            set("manifestations", "")(c);
            set("suspect_known", "")(c);
            set("prosecution_status", "")(c);
            set("forwarded_on", "")(c);
        }),
    ];
    assert_eq!(
        import(&a, &write(dir.path(), "in.csv", &lines), &[]).0,
        Some(0)
    );
    let first = dir.path().join("a.csv");
    let second = dir.path().join("b.csv");
    assert!(
        dira(&a, &["export", "--out", first.to_str().unwrap_or_default()])
            .status
            .success()
    );
    assert_eq!(import(&b, &first, &[]).0, Some(0));
    assert!(dira(
        &b,
        &["export", "--out", second.to_str().unwrap_or_default()]
    )
    .status
    .success());
    let exported = std::fs::read_to_string(&first).expect("a.csv");
    assert_eq!(
        exported,
        std::fs::read_to_string(&second).expect("b.csv"),
        "export → import → export is stable"
    );

    let mut reader = csv::Reader::from_reader(exported.as_bytes());
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("parse export");
    assert_eq!(rows.len(), 6);
    let by_number = |n: &str| rows.iter().find(|r| &r[0] == n).cloned().expect("row");
    assert_eq!(
        &by_number("AMS-2024-000001")[18],
        "Riep \"rot op\", naar huis;\nzegt\tgetuige Zoë — één keer \\N \\"
    );
    assert_eq!(&by_number("AMS-2024-000002")[19], "REJECTED");
    assert_eq!(&by_number("AMS-2024-000002")[20], "DUBBELE_REGISTRATIE");
    assert_eq!(&by_number("AMS-2024-000001")[22], "INGEZONDEN");
    assert_eq!(&by_number("AMS-2024-000001")[23], "2024-03-10");
    assert_eq!(&by_number("AMS-2024-000003")[24], "EVT-2024-7");
    assert_eq!(
        &by_number("RTM-2024-000001")[2],
        "2025-01-01T00:30:00+01:00",
        "RFC 3339 with offset"
    );
    assert_eq!(
        &by_number("RTM-2024-000001")[21],
        "2025-01-02T08:00:00+01:00",
        "local time is Amsterdam"
    );
    assert_eq!(
        &by_number("NH-2024-000001")[19],
        "INCOMPLETE",
        "status derived when empty"
    );

    let unit_only = dir.path().join("rtm.csv");
    assert!(dira(
        &a,
        &[
            "export",
            "--unit",
            "RTM",
            "--year",
            "2025",
            "--out",
            unit_only.to_str().unwrap_or_default()
        ]
    )
    .status
    .success());
    assert_eq!(
        std::fs::read_to_string(&unit_only)
            .expect("rtm.csv")
            .lines()
            .count(),
        2
    );

    // A unit that does not exist (here: in lower case) is refused, not an empty file.
    let refused = dira(&a, &["export", "--unit", "rtm"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("--unit: unknown unit \"rtm\"; allowed: ") && stderr.contains("RTM"),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty());
}

fn unreadable_files_exit_2(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let (code, stderr) = import(&db, &dir.path().join("missing.csv"), &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot read"), "{stderr}");
    let unknown = write(
        dir.path(),
        "unknown.csv",
        &[format!("{HEADER},naam"), row("X-1", |_| {}) + ",Jan"],
    );
    let (code, stderr) = import(&db, &unknown, &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown column \"naam\""), "{stderr}");
    let (code, stderr) = import(&db, &write(dir.path(), "empty.csv", &[]), &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no header"), "{stderr}");
    assert_eq!(count(&db), 0);
}

fn the_api_imports_for_admins_with_the_same_rules(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let url = app.url("/api/v1/imports");
    let body = |lines: &[String]| lines.join("\n");
    let post =
        |token: &str, text: String, query: &str| post_csv(&format!("{url}{query}"), token, &text);
    let good = body(&[HEADER.to_owned(), row("AMS-2024-000001", |_| {})]);
    assert_eq!(post(&registrar, good.clone(), "").0, 403);
    let (status, report) = post(&admin, good, "");
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["stored"], 1);
    let bad = body(&[
        HEADER.to_owned(),
        row("AMS-2024-000002", |_| {}),
        row("AMS-2024-000003", set("grounds", "KLEUR")),
    ]);
    let (status, problem) = post(&admin, bad.clone(), "");
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["line"], 3);
    assert_eq!(problem["errors"][0]["field"], "grounds");
    let (status, report) = post(&admin, bad, "?skip_invalid=true");
    assert_eq!(status, 201);
    assert_eq!(report["stored"], 1);
    // (Read by a screener: incidents of 2024 are out of a registrar's reach.)
    let screener = app.token("toetser", Role::Screener, "AMS");
    let list = send(
        "GET",
        &app.url("/api/v1/incidents"),
        Some(&screener),
        &[],
        None,
    );
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(2));
}

/// The HTTP import's store (COPY on PostgreSQL, the writer's connection on SQLite)
/// keeps what the row-by-row path kept: numbers in use refused, one history entry
/// per incident, the counters moved past the imported numbers, and a text field with
/// every character COPY escapes stored as it came.
fn the_api_import_keeps_numbers_history_and_counters(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let post = |text: String, query: &str| {
        post_csv(&app.url(&format!("/api/v1/imports{query}")), &admin, &text)
    };
    let year: i32 = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse()
        .expect("year");
    // Both years: the registration below is numbered in the year it is made.
    let tricky = "\"tab\there, backslash \\N \\\\ and\r\nnew line; \"\"quoted\"\"\"";
    let file = [
        HEADER.to_owned(),
        row(&format!("AMS-{year}-000041"), set("narrative", tricky)),
        row(&format!("AMS-{}-000041", year + 1), |_| {}),
        row("AMS-2024-000001", |_| {}),
    ]
    .join("\n");
    let (status, report) = post(file.clone(), "");
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["stored"], 3);

    let (status, problem) = post(file.clone(), "");
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["line"], 2);
    assert_eq!(problem["errors"][0]["field"], "registration_number");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .ends_with("is already in use"),
        "{problem}"
    );
    assert_eq!(problem["errors"].as_array().map(Vec::len), Some(3));
    let partly = [file, row("AMS-2024-000002", |_| {})].join("\n");
    let (status, report) = post(partly, "?skip_invalid=true");
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["stored"], 1);
    assert_eq!(report["invalid_lines"], 3);

    let mut conn = app.db.conn().expect("conn");
    let history: Vec<(String, String, i32, String)> = incident_history::table
        .inner_join(incidents::table.on(incidents::id.eq(incident_history::incident_id)))
        .order((incidents::registration_number, incident_history::id))
        .select((
            incidents::registration_number,
            incident_history::action,
            incident_history::version,
            incident_history::user_name,
        ))
        .load(&mut *conn)
        .expect("history");
    let numbers: Vec<&str> = history.iter().map(|h| h.0.as_str()).collect();
    let mut expected = vec![
        "AMS-2024-000001".to_owned(),
        "AMS-2024-000002".to_owned(),
        format!("AMS-{year}-000041"),
        format!("AMS-{}-000041", year + 1),
    ];
    expected.sort();
    assert_eq!(numbers, expected, "one history entry per imported incident");
    assert!(history
        .iter()
        .all(|h| h.1 == "imported" && h.2 == 1 && h.3 == "beheer"));
    let narrative: Option<String> = incidents::table
        .filter(incidents::registration_number.eq(format!("AMS-{year}-000041")))
        .select(incidents::narrative)
        .first(&mut *conn)
        .expect("narrative");
    assert_eq!(
        narrative.as_deref(),
        // (The import keeps a new line as `\n`.)
        Some("tab\there, backslash \\N \\\\ and\nnew line; \"quoted\"")
    );
    drop(conn);

    let registered = crate::helpers::post(
        app,
        "/api/v1/incidents",
        &registrar,
        &serde_json::json!({
            "registration_type": "AANGIFTE", "channel": "BALIE",
            "municipality": "GM0363", "grounds": ["HERKOMST"],
            "manifestations": ["BELEDIGING"], "articles": ["SR137C"],
            "summary": "Na de import",
        }),
    );
    assert_eq!(registered.status, 201, "{:?}", registered.body);
    let number = registered.body["registration_number"]
        .as_str()
        .unwrap_or_default();
    assert!(
        number.ends_with("-000042"),
        "numbering continues after the imported numbers: {number}"
    );
}

/// On SQLite `dira import` takes the file to itself when nobody else has it open (a
/// rollback journal, see `db::direct::take_alone`), imports beside a running service
/// otherwise, and leaves the write-ahead log switched on either way.
#[test]
fn a_sqlite_import_shares_the_file_with_a_running_service() {
    let Some(db) = TestDb::new(Backend::Sqlite) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let path = db.url.trim_start_matches("sqlite://").to_owned();
    let journal_mode = || {
        rusqlite::Connection::open(&path)
            .and_then(|c| c.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0)))
            .expect("journal mode")
    };
    let file = |name: &str, numbers: &[&str]| {
        let mut lines = vec![HEADER.to_owned()];
        lines.extend(numbers.iter().map(|n| row(n, |_| {})));
        write(dir.path(), name, &lines)
    };

    let service = Db::open(&db.url).expect("open");
    let (code, stderr) = import(&db, &file("a.csv", &["AMS-2024-000001"]), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("is open elsewhere"), "{stderr}");
    let seen: i64 = incidents::table
        .count()
        .get_result(&mut *service.conn().expect("conn"))
        .expect("count");
    assert_eq!(seen, 1, "the open connection sees the import");
    service.close();

    let (code, stderr) = import(
        &db,
        &file("b.csv", &["AMS-2024-000002", "AMS-2024-000003"]),
        &[],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("is open elsewhere"), "{stderr}");
    assert_eq!(journal_mode(), "wal");
    assert!(!Path::new(&format!("{path}-journal")).exists());
    assert_eq!(count(&db), 3);
}

crate::cli_on_both_backends!(
    every_invalid_row_is_reported_by_line_and_nothing_is_stored,
    skip_invalid_stores_the_valid_rows,
    export_then_import_reproduces_the_incidents,
    unreadable_files_exit_2
);

crate::on_both_backends!(
    the_api_imports_for_admins_with_the_same_rules,
    the_api_import_keeps_numbers_history_and_counters
);
