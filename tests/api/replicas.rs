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

use crate::cli::{dira, serve};
use crate::helpers::{say, send, Backend, TestDb};

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
    let out = dira(
        &db,
        &[
            "token",
            "create",
            "--user",
            "balie",
            "--role",
            "registrar",
            "--scope",
            "AMS",
        ],
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
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
    let made = dira(&db, &["synthetic", "--count", &ROWS.to_string(), "--out", &path]);
    assert_eq!(made.status.code(), Some(0));
    let out = dira(
        &db,
        &["token", "create", "--user", "beheer", "--role", "admin", "--scope", "*"],
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
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
                let response = ureq::post(&format!("{base}/api/v1/imports"))
                    .set("Authorization", &format!("Bearer {token}"))
                    .set("Content-Type", "text/csv")
                    .send_string(&body);
                let r = match response {
                    Ok(r) => r,
                    Err(ureq::Error::Status(_, r)) => r,
                    Err(e) => panic!("{e}"),
                };
                (
                    r.status(),
                    r.into_json::<serde_json::Value>().unwrap_or_default(),
                )
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
