//! Two `dira serve` on one PostgreSQL database behave as one service (issue 17):
//! clients spread over both get registration numbers that are unique and without
//! gaps, a retry with the same `Idempotency-Key` on the other replica gets the first
//! incident, and a SIGKILL of one replica under load loses no acknowledged
//! registration, and the same file imported through both at once is stored once.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use dira::db::schema::incidents;
use serde_json::json;

use crate::cli::{dira, serve, token};
use crate::helpers::{post_csv, say, send, Backend, TestDb};

const CLIENTS: usize = 8;
/// Kill replica A once this many registrations have been acknowledged.
const KILL_AFTER: usize = 400;
/// Stop once this many have been acknowledged in all.
const STOP_AFTER: usize = 700;

#[test]
fn two_replicas_on_one_postgresql_database_are_one_service() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        say("SKIPPED on PostgreSQL: replicas::two_replicas_on_one_postgresql_database_are_one_service");
        return;
    };
    let token = token(&db, "balie", "registrar", "AMS");
    let (mut a, base_a) = serve(&db);
    let (mut b, base_b) = serve(&db);

    // A retry on the other replica gets the first incident.
    let body =
        json!({"registration_type": "AANGIFTE", "channel": "BALIE", "grounds": ["HERKOMST"]});
    let key = [("Idempotency-Key", "intake-over-replicas")];
    let first = send(
        "POST",
        &format!("{base_a}/api/v1/incidents"),
        Some(&token),
        &key,
        Some(&body),
    );
    let retry = send(
        "POST",
        &format!("{base_b}/api/v1/incidents"),
        Some(&token),
        &key,
        Some(&body),
    );
    assert_eq!((first.status, retry.status), (201, 201));
    assert_eq!(retry.body["id"], first.body["id"]);
    assert_eq!(
        retry.header.get("idempotent-replayed").map(String::as_str),
        Some("true")
    );

    let acknowledged = Arc::new(Mutex::new(vec![first.body["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()]));
    let count = Arc::new(AtomicUsize::new(1));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let base = if i % 2 == 0 {
                base_a.clone()
            } else {
                base_b.clone()
            };
            let (acknowledged, count, token, body) = (
                acknowledged.clone(),
                count.clone(),
                token.clone(),
                body.clone(),
            );
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(std::time::Duration::from_secs(10))
                    .build();
                let url = format!("{base}/api/v1/incidents");
                // A client stops at its first failed request (its replica is gone) or
                // once enough are acknowledged.
                while count.load(Ordering::SeqCst) < STOP_AFTER {
                    let Ok(r) = agent
                        .post(&url)
                        .set("Authorization", &format!("Bearer {token}"))
                        .send_json(body.clone())
                    else {
                        break;
                    };
                    assert_eq!(r.status(), 201);
                    let v: serde_json::Value = r.into_json().expect("json");
                    acknowledged
                        .lock()
                        .expect("lock")
                        .push(v["id"].as_str().unwrap_or_default().to_owned());
                    count.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    while count.load(Ordering::SeqCst) < KILL_AFTER {
        std::thread::yield_now();
    }
    a.kill().expect("SIGKILL replica A");
    a.wait().expect("reaped");
    for c in clients {
        c.join().expect("client");
    }
    let _ = b.kill();
    let _ = b.wait();

    let acknowledged = acknowledged.lock().expect("lock").clone();
    let stored: Vec<(String, String)> = {
        let db = dira::db::Db::open(&db.url).expect("reopen");
        let mut conn = db.conn().expect("conn");
        incidents::table
            .select((incidents::id, incidents::registration_number))
            .load(&mut conn)
            .expect("incidents")
    };
    let ids: HashSet<&String> = stored.iter().map(|(id, _)| id).collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !ids.contains(id)).collect();
    // Per unit and year (a run across New Year's midnight starts a second series).
    let mut series: std::collections::BTreeMap<&str, Vec<u32>> = Default::default();
    for (_, number) in &stored {
        let (prefix, seq) = number.rsplit_once('-').expect("UNIT-YEAR-NNNNNN");
        series
            .entry(prefix)
            .or_default()
            .push(seq.parse().expect("a number"));
    }
    say(&format!(
        "replicas: {} acknowledged (replica A killed after {KILL_AFTER}), {} stored, {} lost",
        acknowledged.len(),
        stored.len(),
        lost.len()
    ));
    assert!(acknowledged.len() >= KILL_AFTER);
    assert!(lost.is_empty(), "lost acknowledged registrations: {lost:?}");
    for (prefix, mut numbers) in series {
        numbers.sort_unstable();
        let expected: Vec<u32> = (1..=u32::try_from(numbers.len()).expect("count")).collect();
        assert_eq!(
            numbers, expected,
            "{prefix}: registration numbers unique and without gaps"
        );
    }
}

/// The same file imported through both replicas at once: stored once, in full. The
/// import that loses the race on the unique numbers is run again by its replica and
/// then refuses every row as already in use; nothing of it is stored.
#[test]
fn one_file_imported_through_both_replicas_at_once_is_stored_once() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        say("SKIPPED on PostgreSQL: replicas::one_file_imported_through_both_replicas_at_once_is_stored_once");
        return;
    };
    const ROWS: usize = 3000;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("rows.csv");
    let path = file.display().to_string();
    let made = dira(
        &db,
        &["synthetic", "--count", &ROWS.to_string(), "--out", &path],
    );
    assert_eq!(made.status.code(), Some(0));
    let token = token(&db, "beheer", "admin", "*");
    let body = std::fs::read_to_string(&file).expect("rows");
    let (mut a, base_a) = serve(&db);
    let (mut b, base_b) = serve(&db);

    let start = Arc::new(std::sync::Barrier::new(2));
    let imports: Vec<_> = [base_a, base_b]
        .into_iter()
        .map(|base| {
            let (start, token, body) = (start.clone(), token.clone(), body.clone());
            std::thread::spawn(move || {
                start.wait();
                post_csv(&format!("{base}/api/v1/imports"), &token, &body)
            })
        })
        .collect();
    let mut answers: Vec<(u16, serde_json::Value)> = imports
        .into_iter()
        .map(|t| t.join().expect("import"))
        .collect();
    let _ = (a.kill(), b.kill(), a.wait(), b.wait());
    answers.sort_by_key(|(status, _)| *status);
    let [(stored, report), (refused, problem)] = &answers[..] else {
        panic!("two answers");
    };
    assert_eq!((*stored, *refused), (201, 422), "{report} {problem}");
    assert_eq!(report["stored"], ROWS);
    assert_eq!(problem["errors"][0]["line"], 2);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .ends_with("is already in use"),
        "{problem}"
    );
    let db = dira::db::Db::open(&db.url).expect("reopen");
    let count: i64 = incidents::table
        .count()
        .get_result(&mut db.conn().expect("conn"))
        .expect("count");
    assert_eq!(count, ROWS as i64);
}

/// Two candidate scans of the same general-incident file started at once (from two
/// hosts, or two operators on one SQLite file) both finish, and each incident is a
/// candidate once.
fn two_candidate_scans_at_once_store_each_candidate_once(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        say("SKIPPED on PostgreSQL: replicas::two_candidate_scans_at_once_store_each_candidate_once");
        return;
    };
    const ROWS: usize = 4000;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("general.csv");
    let mut text =
        String::from("source_reference,registered_at,unit,municipality,incident_code,narrative\n");
    for i in 0..ROWS {
        text.push_str(&format!(
            "G{i},2024-03-01T10:00:00+01:00,AMS,,B100,Het slachtoffer werd uitgemaakt voor homo.\n"
        ));
    }
    std::fs::write(&file, text).expect("write");
    // Migrations first, so the two scans race on the candidates, not on the schema.
    assert!(dira(&db, &["audit"]).status.success());
    let path = file.display().to_string();
    let scans: Vec<_> = (0..2)
        .map(|_| start(&db, &["candidates", "scan", &path]))
        .collect();
    let mut stored = 0;
    for scan in scans {
        let out = scan.wait_with_output().expect("scan");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let new: usize = stderr
            .split(" new candidates")
            .next()
            .and_then(|s| s.rsplit(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in {stderr}"));
        stored += new;
    }
    let db = dira::db::Db::open(&db.url).expect("reopen");
    let count: i64 = dira::db::schema::candidates::table
        .count()
        .get_result(&mut db.conn().expect("conn"))
        .expect("count");
    assert_eq!(count, ROWS as i64, "each incident a candidate once");
    assert_eq!(stored, ROWS, "the scans' counts add up to what is stored");
}

/// Three processes starting at once on a new database: the migrations and the
/// reference data are loaded once, under the advisory lock, and all three start.
#[test]
fn processes_starting_at_once_on_a_new_database_all_start() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        say("SKIPPED on PostgreSQL: replicas::processes_starting_at_once_on_a_new_database_all_start");
        return;
    };
    let starts: Vec<_> = (0..3).map(|_| start(&db, &["audit"])).collect();
    for start in starts {
        let out = start.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// An import whose numbers run ahead of a unit's counter while that unit registers:
/// no deadlock, no error. Registrations wait for the import and continue after its
/// numbers (or, made before it, are found in use by it).
#[test]
fn registrations_during_an_import_of_their_unit_and_year_neither_fail_nor_collide() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        say("SKIPPED on PostgreSQL: replicas::registrations_during_an_import_of_their_unit_and_year_neither_fail_nor_collide");
        return;
    };
    const ROWS: usize = 30_000;
    let year = chrono::Utc::now().format("%Y").to_string();
    let header = "registration_number,registered_at,unit,registration_type,channel,grounds,status";
    let mut file = format!("{header}\n");
    for n in 1..=ROWS {
        file.push_str(&format!(
            "AMS-{year}-{n:06},2024-03-01T10:00:00+01:00,AMS,AANGIFTE,BALIE,HERKOMST,INCOMPLETE\n"
        ));
    }
    let (admin, registrar) = (
        token(&db, "admin", "admin", "*"),
        token(&db, "registrar", "registrar", "AMS"),
    );
    let (mut service, base) = serve(&db);
    let url = format!("{base}/api/v1/incidents");
    let import = {
        let base = base.clone();
        std::thread::spawn(move || post_csv(&format!("{base}/api/v1/imports"), &admin, &file))
    };
    // Registrations start once the import is storing (its first COPY has run).
    let mut watch = diesel::PgConnection::establish(&db.url).expect("connect");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let copying: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT count(*) FROM pg_stat_activity \
              WHERE query LIKE 'COPY \"incidents\"%' AND pid <> pg_backend_pid())",
        ))
        .get_result(&mut watch)
        .expect("pg_stat_activity");
        if copying > 0 || import.is_finished() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the import did not start"
        );
        std::thread::yield_now();
    }
    let body =
        json!({"registration_type": "AANGIFTE", "channel": "BALIE", "grounds": ["HERKOMST"]});
    let mut numbers = Vec::new();
    for _ in 0..20 {
        let r = send("POST", &url, Some(&registrar), &[], Some(&body));
        assert_eq!(r.status, 201, "{:?}", r.body);
        numbers.push(
            r.body["registration_number"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let (imported, answer) = import.join().expect("import");
    let _ = (service.kill(), service.wait());
    say(&format!(
        "replicas: the import during registrations answered {imported}"
    ));
    match imported {
        201 => assert_eq!(answer["stored"], ROWS),
        // Registrations made before the import reached the counter.
        422 => assert!(
            answer["errors"]
                .as_array()
                .is_some_and(|e| e.iter().all(|e| e["message"]
                    .as_str()
                    .is_some_and(|m| m.ends_with("is already in use")))),
            "{answer}"
        ),
        other => panic!("the import answered {other}: {answer}"),
    }
    let unique: HashSet<&String> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len(), "numbers unique: {numbers:?}");
    if imported == 201 {
        let imported_numbers: HashSet<String> =
            (1..=ROWS).map(|n| format!("AMS-{year}-{n:06}")).collect();
        assert!(
            numbers.iter().all(|n| !imported_numbers.contains(n)),
            "no registration took an imported number: {numbers:?}"
        );
    }
}

/// `dira ARGS` on the test database, started and left running (stderr kept).
fn start(db: &TestDb, args: &[&str]) -> std::process::Child {
    std::process::Command::new(crate::cli::BIN)
        .args(args)
        .env("DIRA_DATABASE_URL", &db.url)
        .env("DIRA_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start dira")
}

#[test]
fn two_candidate_scans_at_once_on_postgresql() {
    two_candidate_scans_at_once_store_each_candidate_once(Backend::Postgres);
}

#[test]
fn two_candidate_scans_at_once_on_sqlite() {
    two_candidate_scans_at_once_store_each_candidate_once(Backend::Sqlite);
}
