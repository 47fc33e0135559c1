//! Retention under the Police Data Act (issue 18): `dira retention run` erases the
//! personal and free-text data of incidents past the term, in the incident and its
//! history, keeps every figure, and says how much it removed, per unit and year.

use chrono::Timelike;
use diesel::prelude::*;
use dira::db::schema::{audit_log, incident_history, incidents, retention_removals};
use dira::db::Db;

use crate::cli::dira;
use crate::helpers::{Backend, TestDb};

const HEADER: &str = "registration_number,source_reference,registered_at,occurred_from,unit,district,basic_team,municipality,registration_type,channel,grounds,manifestations,domain,articles,victim_kind,suspect_known,summary,narrative,status,screened_at,prosecution_status,forwarded_on,event_id";

/// A CONFIRMED incident with every personal and free-text field filled, screened and
/// (with a prosecution status) forwarded a few days after `registered`.
fn row(number: &str, unit: &str, registered: &str, prosecution: &str) -> String {
    let day = |days: i64| {
        let at = dira::dates::parse_timestamp(registered).expect("a timestamp");
        (at + chrono::Duration::days(days)).date_naive()
    };
    let screened = format!("{}T09:00:00Z", day(4));
    let forwarded = match prosecution {
        "" => String::new(),
        _ => day(10).to_string(),
    };
    let occurred = day(-1);
    format!(
        "{number},BVH-{number},{registered},{occurred},{unit},{unit}-D1,{unit}-BT2,GM0363,AANGIFTE,BALIE,HERKOMST,BELEDIGING,OPENBARE_RUIMTE,SR137C,PERSOON,false,Samenvatting {number},\"Verhaal van {number}, met naam\",CONFIRMED,{screened},{prosecution},{forwarded},EVT-{unit}"
    )
}

/// Imports `rows` (under [`HEADER`]) into `test_db` with `dira import`, and opens it.
fn imported(test_db: &TestDb, rows: &[String]) -> Db {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("in.csv");
    let lines: Vec<&str> = std::iter::once(HEADER)
        .chain(rows.iter().map(String::as_str))
        .collect();
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");
    let out = dira(test_db, &["import", &file.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Db::open(&test_db.url).expect("open")
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The personal fields of an incident.
type Personal = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The personal fields of an incident, by number.
fn personal(db: &Db, number: &str) -> Vec<Option<String>> {
    let (a, b, c, d, e): Personal = incidents::table
        .filter(incidents::registration_number.eq(number))
        .select((
            incidents::narrative,
            incidents::summary,
            incidents::source_reference,
            incidents::district,
            incidents::basic_team,
        ))
        .first(&mut *db.conn().expect("conn"))
        .expect("incident");
    vec![a, b, c, d, e]
}

fn the_run_erases_personal_data_past_the_term_and_keeps_the_figures(backend: Backend) {
    let Some(test_db) = TestDb::new(backend) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("in.csv");
    let lines = [
        HEADER.to_owned(),
        row("AMS-2019-000001", "AMS", "2019-03-01T10:00:00+01:00", ""),
        row("RTM-2019-000001", "RTM", "2019-12-31T23:30:00Z", "SEPOT"),
        // Kept past the term: the prosecution is still open.
        row(
            "AMS-2019-000002",
            "AMS",
            "2019-03-02T10:00:00+01:00",
            "INGEZONDEN",
        ),
        row("AMS-2025-000001", "AMS", "2025-03-01T10:00:00+01:00", ""),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");
    let imported = dira(&test_db, &["import", &file.display().to_string()]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let db = Db::open(&test_db.url).expect("open");
    // A correction of the narrative, as the history keeps it.
    let old_id: String = incidents::table
        .filter(incidents::registration_number.eq("AMS-2019-000001"))
        .select(incidents::id)
        .first(&mut *db.conn().expect("conn"))
        .expect("id");
    diesel::insert_into(incident_history::table)
        .values((
            incident_history::incident_id.eq(&old_id),
            incident_history::version.eq(2),
            incident_history::at.eq(chrono::NaiveDate::from_ymd_opt(2019, 3, 3)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .expect("time")),
            incident_history::user_name.eq("balie"),
            incident_history::action.eq("corrected"),
            incident_history::changes.eq(r#"{"narrative":{"old":"Jan de Vries riep","new":"Verhaal"},"grounds":{"old":["HERKOMST"],"new":["HERKOMST"]},"note":{"old":null,"new":"Piet belde, Kerkstraat 1"}}"#),
        ))
        .execute(&mut *db.conn().expect("conn"))
        .expect("history");
    let report = |year: &str| {
        stdout(&dira(
            &test_db,
            &["report", "poldis", "--year", year, "--format", "json"],
        ))
    };
    // The RDO overview's counts (its rows carry text that the run removes).
    let rdo = || {
        let text = stdout(&dira(
            &test_db,
            &[
                "rdo",
                "overview",
                "--unit",
                "AMS",
                "--from",
                "2019-01-01",
                "--to",
                "2019-12-31",
                "--format",
                "json",
            ],
        ));
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
        let rows = v["rows"].as_array().map_or(0, Vec::len);
        v["rows"] = serde_json::json!(rows);
        v
    };
    // The 2019 report published (in both modes) before the run.
    {
        let mut conn = db.conn().expect("conn");
        let catalog = dira::codes::Catalog::load(&mut conn).expect("catalog");
        drop(conn);
        for publication in [false, true] {
            let report =
                dira::poldis::produce(&db, &catalog, 2019, None, publication).expect("report");
            let at = chrono::Utc::now().naive_utc();
            dira::poldis::publish(&mut db.conn().expect("conn"), &report, "landelijk", at)
                .expect("publish");
        }
    }
    let before = (report("2019"), report("2020"), report("2025"), rdo());
    let published: serde_json::Value = serde_json::from_str(&before.0).expect("json");
    assert_eq!(
        published["since_publication"]["changed"],
        serde_json::json!([]),
        "{published}"
    );
    let export_before = stdout(&dira(&test_db, &["export"]));

    // A dry run counts and changes nothing.
    let sqlite_file = test_db.url.strip_prefix("sqlite://").map(str::to_owned);
    let bytes = || {
        sqlite_file
            .as_ref()
            .map(|f| std::fs::read(f).expect("db file"))
    };
    let file_before = bytes();
    let dry = dira(&test_db, &["retention", "run", "--dry-run"]);
    assert_eq!(
        stdout(&dry),
        "unit\tyear\tincidents\nAMS\t2019\t1\nRTM\t2020\t1\n"
    );
    assert!(String::from_utf8_lossy(&dry.stderr).contains("would remove the data of 2 incidents"));
    assert_eq!(
        file_before,
        bytes(),
        "a dry run leaves the database file as it was"
    );
    assert!(personal(&db, "AMS-2019-000001").iter().all(Option::is_some));

    let in_file = |text: &str| {
        sqlite_file.as_ref().map(|path| {
            let mut bytes = std::fs::read(path).expect("db file");
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            bytes.windows(text.len()).any(|w| w == text.as_bytes())
        })
    };
    if sqlite_file.is_some() {
        assert_eq!(in_file("Verhaal van AMS-2019-000001"), Some(true));
    }
    let run = dira(&test_db, &["retention", "run"]);
    assert_eq!(
        stdout(&run),
        "unit\tyear\tincidents\nAMS\t2019\t1\nRTM\t2020\t1\n"
    );
    for number in ["AMS-2019-000001", "RTM-2019-000001"] {
        assert_eq!(personal(&db, number), vec![None; 5], "{number} erased");
    }
    for number in ["AMS-2019-000002", "AMS-2025-000001"] {
        assert!(
            personal(&db, number).iter().all(Option::is_some),
            "{number} kept"
        );
    }
    let history: Vec<String> = incident_history::table
        .filter(incident_history::incident_id.eq(&old_id))
        .order(incident_history::version)
        .select(incident_history::changes)
        .load(&mut *db.conn().expect("conn"))
        .expect("history");
    assert_eq!(history.len(), 2, "the entries stay");
    let corrected: serde_json::Value = serde_json::from_str(&history[1]).expect("json");
    assert_eq!(
        corrected["narrative"],
        serde_json::json!({"old": null, "new": null})
    );
    assert_eq!(corrected["grounds"]["new"], serde_json::json!(["HERKOMST"]));
    assert!(!history
        .iter()
        .any(|h| h.contains("Jan de Vries") || h.contains("Kerkstraat")));
    assert_eq!(
        corrected["note"],
        serde_json::json!({"old": null, "new": null})
    );
    // Erased, not left behind in freed space or the write-ahead log (SQLite).
    assert_ne!(in_file("Verhaal van AMS-2019-000001"), Some(true));
    assert_ne!(in_file("Kerkstraat"), Some(true));

    // Every figure and the fingerprint are the same.
    assert_eq!(
        (report("2019"), report("2020"), report("2025"), rdo()),
        before
    );
    let export_after = stdout(&dira(&test_db, &["export"]));
    assert_ne!(export_after, export_before);
    assert!(!export_after.contains("Verhaal van AMS-2019-000001"));
    assert!(export_after.contains("Verhaal van AMS-2025-000001"));

    // Audited once, with the counts and the policy; a second run removes nothing.
    let details: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("retention"))
        .select(audit_log::detail)
        .load::<String>(&mut *db.conn().expect("conn"))
        .expect("audit");
    assert_eq!(details.len(), 1, "one entry per run: {details:?}");
    assert!(
        details[0].contains("incidents=2 [AMS/2019=1 RTM/2020=1]"),
        "{details:?}"
    );
    assert!(details[0].contains("remove after 5 years"), "{details:?}");
    assert_eq!(
        stdout(&dira(&test_db, &["retention", "run"])),
        "unit\tyear\tincidents\n"
    );
    // Data put back after the removal (a correction) is removed by the next run.
    diesel::update(incidents::table.filter(incidents::registration_number.eq("AMS-2019-000001")))
        .set(incidents::narrative.eq("Teruggezet verhaal"))
        .execute(&mut *db.conn().expect("conn"))
        .expect("put back");
    assert_eq!(
        stdout(&dira(&test_db, &["retention", "run"])),
        "unit\tyear\tincidents\nAMS\t2019\t1\n"
    );
    assert_eq!(personal(&db, "AMS-2019-000001"), vec![None; 5]);
    // A setting that would silently keep nothing is refused, naming the variable.
    let refused = std::process::Command::new(crate::cli::BIN)
        .args(["retention", "run", "--dry-run"])
        .env("DIRA_DATABASE_URL", &test_db.url)
        .env("DIRA_RETENTION_KEEP_WHILE", " ")
        .output()
        .expect("run");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("DIRA_RETENTION_KEEP_WHILE"));
    let removed: i64 = retention_removals::table
        .count()
        .get_result(&mut *db.conn().expect("conn"))
        .expect("count");
    assert_eq!(removed, 2);

    // The export of removed incidents still imports.
    let again = TestDb::new(backend).expect("db");
    let exported = dir.path().join("export.csv");
    std::fs::write(&exported, export_after).expect("write");
    let reimported = dira(&again, &["import", &exported.display().to_string()]);
    assert!(
        reimported.status.success(),
        "{}",
        String::from_utf8_lossy(&reimported.stderr)
    );
}

/// The term is counted to the moment with the settable `now`: an incident registered
/// exactly five years before is not yet due, one a second earlier is.
fn the_term_ends_exactly_five_years_after_the_registration(backend: Backend) {
    let Some(test_db) = TestDb::new(backend) else {
        return;
    };
    let db = imported(
        &test_db,
        &[
            row("AMS-2020-000001", "AMS", "2020-06-01T10:00:00Z", ""),
            row("AMS-2020-000002", "AMS", "2020-06-01T10:00:01Z", ""),
        ],
    );
    let mut conn = db.conn().expect("conn");
    let catalog = dira::codes::Catalog::load(&mut conn).expect("catalog");
    let policy = dira::retention::Policy::from_env(&catalog).expect("policy");
    let now = chrono::NaiveDate::from_ymd_opt(2025, 6, 1)
        .and_then(|d| d.and_hms_opt(10, 0, 1))
        .expect("now");
    let outcome = dira::retention::run(&mut conn, &policy, now, false).expect("run");
    assert_eq!(outcome.incidents(), 1);
    drop(conn);
    assert_eq!(personal(&db, "AMS-2020-000001"), vec![None; 5]);
    assert!(personal(&db, "AMS-2020-000002").iter().all(Option::is_some));
}

/// The service's run: audited by `system:retention`; on PostgreSQL one replica at a
/// time (a run finds the advisory lock of another replica's run taken, and skips).
fn the_service_runs_it_one_replica_at_a_time(backend: Backend) {
    let Some(test_db) = TestDb::new(backend) else {
        return;
    };
    let db = imported(
        &test_db,
        &[row(
            "AMS-2019-000001",
            "AMS",
            "2019-03-01T10:00:00+01:00",
            "",
        )],
    );
    let catalog = dira::codes::Catalog::load(&mut db.conn().expect("conn")).expect("catalog");
    let policy = dira::retention::Policy::from_env(&catalog).expect("policy");
    // Whole seconds: PostgreSQL keeps microseconds.
    let now = chrono::Utc::now()
        .naive_utc()
        .with_nanosecond(0)
        .expect("a time");
    if backend == Backend::Postgres {
        // Another replica's run holds the lock.
        let mut other = diesel::PgConnection::establish(&test_db.url).expect("connect");
        let lock = dira::db::RETENTION_LOCK;
        diesel::sql_query(format!("SELECT pg_advisory_lock({lock})"))
            .execute(&mut other)
            .expect("lock");
        let skipped = dira::retention::run_once(&db, &policy, now).expect("run");
        assert!(skipped.is_none(), "ran beside another replica's run");
        assert!(personal(&db, "AMS-2019-000001").iter().all(Option::is_some));
        diesel::sql_query(format!("SELECT pg_advisory_unlock({lock})"))
            .execute(&mut other)
            .expect("unlock");
    }
    let id: String = incidents::table
        .select(incidents::id)
        .first(&mut *db.conn().expect("conn"))
        .expect("id");
    let read = |db: &Db| {
        let operator = dira::auth::Principal::operator("beheer");
        dira::incidents::store::read_visible(&mut db.conn().expect("conn"), &operator, &id, None)
            .expect("read")
            .personal_data_removed_at
    };
    assert_eq!(read(&db), None);
    let outcome = dira::retention::run_once(&db, &policy, now)
        .expect("run")
        .expect("the lock is free");
    assert_eq!(outcome.incidents(), 1);
    assert_eq!(personal(&db, "AMS-2019-000001"), vec![None; 5]);
    assert_eq!(
        read(&db),
        Some(dira::dates::to_rfc3339(now)),
        "a read says when the data was removed"
    );
    let by: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("retention"))
        .select(audit_log::user_name)
        .load(&mut *db.conn().expect("conn"))
        .expect("audit");
    assert_eq!(by, [dira::retention::SYSTEM_USER]);
}

/// After the first term (one year) registrars no longer find an incident, in the list
/// or by id; a screener of the unit still does.
fn registrars_no_longer_find_incidents_after_the_first_term(backend: Backend) {
    use chrono::TimeZone;
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 30, 12, 0, 0)
        .single()
        .expect("now");
    let settings = dira::server::Settings {
        workers: Some(1),
        clock: dira::clock::Clock::fixed(now),
        sign_in: dira::auth::SignInSettings::default(),
    };
    let Some(app) = crate::helpers::TestApp::spawn_with(backend, settings) else {
        return;
    };
    let admin = app.token("beheer", dira::auth::Role::Admin, "*");
    let file = [
        HEADER.to_owned(),
        // Just over a year before `now`, and just under.
        row("AMS-2025-000001", "AMS", "2025-11-30T11:59:59Z", ""),
        row("AMS-2025-000002", "AMS", "2025-11-30T12:00:01Z", ""),
    ]
    .join("\n");
    let (status, report) = crate::helpers::post_csv(&app.url("/api/v1/imports"), &admin, &file);
    assert_eq!(status, 201, "{report}");
    let numbers = |token: &str| -> Vec<String> {
        let page = crate::helpers::get(&app, "/api/v1/incidents", token);
        assert_eq!(page.status, 200, "{:?}", page.body);
        page.body["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|i| {
                        i["registration_number"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let registrar = app.token("balie", dira::auth::Role::Registrar, "AMS");
    let screener = app.token("toetser", dira::auth::Role::Screener, "AMS");
    let id = |number: &str| -> String {
        let page = crate::helpers::get(&app, "/api/v1/incidents", &screener);
        page.body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["registration_number"] == number))
            .and_then(|i| i["id"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let (old, young) = (id("AMS-2025-000001"), id("AMS-2025-000002"));
    assert!(!old.is_empty() && !young.is_empty());
    assert_eq!(numbers(&registrar), ["AMS-2025-000002"]);
    assert_eq!(numbers(&screener), ["AMS-2025-000002", "AMS-2025-000001"]);
    let read = |token: &str, id: &str| {
        crate::helpers::get(&app, &format!("/api/v1/incidents/{id}"), token).status
    };
    assert_eq!(read(&registrar, &old), 404, "out of a registrar's reach");
    // Nor can a registrar correct it, or learn from the refusal that it exists.
    let patch = |id: &str| {
        crate::helpers::send(
            "PATCH",
            &app.url(&format!("/api/v1/incidents/{id}")),
            Some(&registrar),
            &[("If-Match", "*")],
            Some(&serde_json::json!({"summary": "na een jaar"})),
        )
        .status
    };
    assert_eq!(patch(&old), 404);
    assert_ne!(patch(&young), 404);
    assert_eq!(read(&registrar, &young), 200);
    assert_eq!(read(&screener, &old), 200);

    // Every reach of the old incident by the screener is audited, one entry per
    // incident, with the reason given; the young one's reads are not restricted.
    let restricted = |id: &str| -> Vec<String> {
        let page = crate::helpers::get(&app, &format!("/api/v1/audit?incident={id}"), &admin);
        assert_eq!(page.status, 200, "{:?}", page.body);
        page.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|e| e["action"] == dira::auth::guard::RESTRICTED_ACCESS)
            .map(|e| {
                format!(
                    "{} {} {}",
                    e["user"].as_str().unwrap_or_default(),
                    e["outcome"],
                    e["detail"].as_str().unwrap_or_default()
                )
            })
            .collect()
    };
    let before = restricted(&old).len();
    assert!(
        before >= 3,
        "the lists and the read above: {:?}",
        restricted(&old)
    );
    assert!(restricted(&young).is_empty());
    let reason = "RDO 2026: zaak \"X\" nagaan";
    let query = serde_urlencoded::to_string([("reason", reason)]).expect("query");
    let reply = crate::helpers::get(&app, &format!("/api/v1/incidents/{old}?{query}"), &screener);
    assert_eq!(reply.status, 200);
    let entries = restricted(&old);
    assert_eq!(entries.len(), before + 1);
    assert_eq!(
        entries[0],
        format!("toetser \"200\" reason={reason:?} via=incident.read")
    );
    assert!(
        entries
            .iter()
            .any(|e| e.ends_with("reason not given via=incident.list")),
        "{entries:?}"
    );
    let listed = crate::helpers::get(&app, &format!("/api/v1/incidents?{query}"), &screener);
    assert_eq!(listed.status, 200);
    assert_eq!(restricted(&old).len(), before + 2);
    assert!(restricted(&young).is_empty());
    // A reason that is not one line of at most 300 characters is refused, and the
    // refusal reaches nothing.
    for bad in ["", "  ", "a\nb", &"x".repeat(301)] {
        let query = serde_urlencoded::to_string([("reason", bad)]).expect("query");
        for path in [
            format!("/api/v1/incidents/{old}?{query}"),
            format!("/api/v1/incidents?{query}"),
        ] {
            let reply = crate::helpers::get(&app, &path, &screener);
            assert_eq!(reply.status, 422, "{bad:?}");
            assert_eq!(reply.error_fields(), ["reason"], "{bad:?}");
        }
    }
    assert_eq!(restricted(&old).len(), before + 2);

    // The incident page asks for the reason first and shows nothing of the incident.
    let cookie = crate::web::sign_in(&app, "toetser2", dira::auth::Role::Screener, "AMS");
    let page = crate::web::request(
        &app,
        "GET",
        &format!("/incidenten/{old}"),
        Some(&cookie),
        &[],
    );
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Reden van inzage"), "{}", page.body);
    assert!(!page.body.contains("AMS-2025-000001"), "{}", page.body);
    assert_eq!(restricted(&old).len(), before + 2);
    let page = crate::web::request(
        &app,
        "GET",
        &format!("/incidenten/{old}?reden=Klacht+van+betrokkene"),
        Some(&cookie),
        &[],
    );
    assert_eq!(page.status, 200);
    assert!(page.body.contains("AMS-2025-000001"), "{}", page.body);
    assert!(restricted(&old)[0].starts_with("toetser2 \"200\" reason=\"Klacht van betrokkene\""));
    let page = crate::web::request(
        &app,
        "GET",
        &format!("/incidenten/{old}?reden="),
        Some(&cookie),
        &[],
    );
    assert_eq!(page.status, 422);
    assert!(!page.body.contains("AMS-2025-000001"));
    // Nor through a trick of the address, or a form that fails: the page asks.
    let page = crate::web::request(
        &app,
        "GET",
        &format!("/incidenten/{old}?opgeslagen=x"),
        Some(&cookie),
        &[],
    );
    assert!(page.body.contains("Reden van inzage") && !page.body.contains("AMS-2025-000001"));
    let analyst_cookie = crate::web::sign_in(&app, "analist", dira::auth::Role::Analyst, "AMS");
    let form = crate::web::request(
        &app,
        "GET",
        &format!("/incidenten/{young}"),
        Some(&analyst_cookie),
        &[],
    );
    let csrf = crate::web::csrf(&form.body);
    for reason in ["", "?reden=Stand+bijwerken"] {
        let page = crate::web::request(
            &app,
            "POST",
            &format!("/incidenten/{old}/vervolging{reason}"),
            Some(&analyst_cookie),
            &[("csrf", &csrf), ("prosecution_status", "")],
        );
        assert_eq!(page.status, 422, "{reason}");
        assert_eq!(
            page.body.contains("Verhaal van AMS-2025-000001"),
            !reason.is_empty(),
            "{reason}"
        );
    }
    // The screening queue, and answers to writes, count as reaching it too.
    let before = restricted(&old).len();
    let queue = crate::helpers::get(&app, "/api/v1/screening/queue?status=CONFIRMED", &screener);
    assert_eq!(queue.status, 200);
    let unchanged = crate::helpers::send(
        "PATCH",
        &app.url(&format!("/api/v1/incidents/{old}")),
        Some(&screener),
        &[("If-Match", "*")],
        Some(&serde_json::json!({})),
    );
    assert_eq!(unchanged.status, 200);
    let entries = restricted(&old);
    assert_eq!(entries.len(), before + 2, "{entries:?}");
    assert!(
        entries[0].ends_with("reason not given via=incident.correct"),
        "{entries:?}"
    );
    assert!(
        entries[1].ends_with("reason not given via=screening.queue"),
        "{entries:?}"
    );
    // The young incident's page is shown at once.
    let page = crate::web::request(
        &app,
        "GET",
        &format!("/incidenten/{young}"),
        Some(&cookie),
        &[],
    );
    assert!(page.body.contains("AMS-2025-000002"), "{}", page.body);
}

/// The audit log has its own term: the run deletes entries older than
/// `DIRA_AUDIT_KEEP_YEARS` (default 5), and never those of an incident it removes
/// for that reason.
fn the_audit_log_keeps_its_own_term(backend: Backend) {
    let Some(test_db) = TestDb::new(backend) else {
        return;
    };
    let db = imported(
        &test_db,
        &[row(
            "AMS-2019-000001",
            "AMS",
            "2019-03-01T10:00:00+01:00",
            "",
        )],
    );
    let now = chrono::Utc::now().naive_utc();
    let entry = |at: chrono::NaiveDateTime, object: &str| {
        dira::audit::Entry::new(at, None, "GET /api/v1/incidents/{id}", object, "200")
    };
    let old = now - chrono::Duration::days(5 * 366);
    let young = now - chrono::Duration::days(5 * 365 - 30);
    // An incident whose data is still held (its prosecution is open): the reads of
    // it stay in the log, however old.
    let held_db = imported(
        &test_db,
        &[row(
            "AMS-2019-000002",
            "AMS",
            "2019-03-02T10:00:00+01:00",
            "INGEZONDEN",
        )],
    );
    let held: String = incidents::table
        .filter(incidents::registration_number.eq("AMS-2019-000002"))
        .select(incidents::id)
        .first(&mut *held_db.conn().expect("conn"))
        .expect("id");
    {
        let mut conn = db.conn().expect("conn");
        dira::audit::record_all(
            &mut conn,
            &[entry(old, "oud"), entry(young, "jong"), entry(old, &held)],
        )
        .expect("record");
    }
    let objects = || -> Vec<String> {
        let mut objects: Vec<String> = audit_log::table
            .filter(audit_log::object.eq_any(["oud", "jong", held.as_str()]))
            .select(audit_log::object)
            .load(&mut *db.conn().expect("conn"))
            .expect("audit");
        objects.sort();
        objects
    };
    let dry = dira(&test_db, &["retention", "run", "--dry-run"]);
    assert!(
        String::from_utf8_lossy(&dry.stderr).contains("would delete 1 audit log entries"),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let mut all = vec!["jong".to_owned(), "oud".to_owned(), held.clone()];
    all.sort();
    assert_eq!(objects(), all);
    let run = dira(&test_db, &["retention", "run"]);
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("deleted 1 audit log entries"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut kept = vec!["jong".to_owned(), held.clone()];
    kept.sort();
    assert_eq!(objects(), kept);
    // The import of the removed incident is still in the log, and the run's entry
    // says what it deleted.
    let details: Vec<String> = audit_log::table
        .filter(audit_log::action.eq_any(["import", "retention"]))
        .order(audit_log::id)
        .select(audit_log::detail)
        .load(&mut *db.conn().expect("conn"))
        .expect("audit");
    assert_eq!(details.len(), 3, "two imports and the run: {details:?}");
    assert!(
        details[2].contains("incidents=1 ") && details[2].ends_with(": 1"),
        "{details:?}"
    );
    assert!(details[2].contains("audit log kept 5 years"), "{details:?}");
    // A wrong term, or one shorter than the data's, is refused naming the variable.
    for (name, value) in [
        ("DIRA_AUDIT_KEEP_YEARS", "0"),
        ("DIRA_AUDIT_KEEP_YEARS", "4"),
        ("DIRA_RETENTION_RESTRICT_YEARS", "6"),
    ] {
        let out = crate::cli::dira_with(&test_db, &["retention", "run"], &[(name, value)]);
        assert!(!out.status.success(), "{name}={value}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(name),
            "{name}={value}"
        );
    }
}

crate::cli_on_both_backends!(
    the_run_erases_personal_data_past_the_term_and_keeps_the_figures,
    the_term_ends_exactly_five_years_after_the_registration,
    the_service_runs_it_one_replica_at_a_time,
    registrars_no_longer_find_incidents_after_the_first_term,
    the_audit_log_keeps_its_own_term
);
