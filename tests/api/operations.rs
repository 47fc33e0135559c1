//! What an operator does with the database (issue 17): a backup of the SQLite file
//! while registrations are being written, restored elsewhere and proved by
//! `dira check`, which also finds a damaged copy.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use serde_json::json;

use crate::cli::{dira, serve, token};
use crate::helpers::{send, Backend, TestDb};

fn check(url: &str) -> (Option<i32>, String) {
    let out = std::process::Command::new(crate::cli::BIN)
        .args(["--database", url, "check"])
        .env("DIRA_LOG", "warn")
        .output()
        .expect("run dira check");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_backup_taken_under_load_restores_every_acknowledged_registration() {
    let db = TestDb::new(Backend::Sqlite).expect("db");
    let token = token(&db, "balie", "registrar", "AMS");
    let (mut child, base) = serve(&db);

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop, base, token) = (
            acknowledged.clone(),
            stop.clone(),
            base.clone(),
            token.clone(),
        );
        std::thread::spawn(move || {
            let body = json!({"unit": "AMS", "registration_type": "MELDING", "channel": "BALIE", "grounds": ["HERKOMST"]});
            while !stop.load(Ordering::Relaxed) {
                let r = send(
                    "POST",
                    &format!("{base}/api/v1/incidents"),
                    Some(&token),
                    &[],
                    Some(&body),
                );
                if r.status == 201 {
                    let id = r.body["id"].as_str().expect("id").to_owned();
                    acknowledged.lock().expect("lock").push(id);
                }
            }
        })
    };
    while acknowledged.lock().expect("lock").len() < 100 {
        std::thread::yield_now();
    }
    let dir = tempfile::tempdir().expect("dir");
    let backup = dir.path().join("backup.db");
    let before: Vec<String> = acknowledged.lock().expect("lock").clone();
    let taken = dira(&db, &["backup", "--out", backup.to_str().expect("path")]);
    assert!(
        taken.status.success(),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    while acknowledged.lock().expect("lock").len() < before.len() + 50 {
        std::thread::yield_now();
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("writer");
    let _ = child.kill();
    let _ = child.wait();

    // A backup never overwrites a file.
    let again = dira(&db, &["backup", "--out", backup.to_str().expect("path")]);
    assert_eq!(again.status.code(), Some(2));

    // Restored elsewhere: every registration acknowledged before the backup started.
    let restored = dir.path().join("restored").join("dira.db");
    std::fs::create_dir_all(restored.parent().expect("parent")).expect("mkdir");
    std::fs::copy(&backup, &restored).expect("restore");
    let url = format!("sqlite://{}", restored.display());
    let (code, report) = check(&url);
    assert_eq!(code, Some(0), "{report}");
    for what in [
        "ok\tintegrity",
        "ok\tschema",
        "ok\treference data",
        "ok\tcounts",
    ] {
        assert!(report.contains(what), "{what} in {report}");
    }
    let mut conn =
        diesel::SqliteConnection::establish(restored.to_str().expect("path")).expect("open");
    let stored: Vec<String> = dira::db::schema::incidents::table
        .select(dira::db::schema::incidents::id)
        .load(&mut conn)
        .expect("ids");
    let missing: Vec<&String> = before.iter().filter(|id| !stored.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged before the backup are missing",
        missing.len()
    );

    // A damaged copy fails the check.
    let damaged = dir.path().join("damaged.db");
    std::fs::copy(&backup, &damaged).expect("copy");
    let mut bytes = std::fs::read(&damaged).expect("read");
    let middle = bytes.len() / 2;
    let end = (middle + 16384).min(bytes.len());
    bytes[middle..end].fill(0x5a);
    std::fs::write(&damaged, bytes).expect("write");
    let (code, report) = check(&format!("sqlite://{}", damaged.display()));
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("FAILED"), "{report}");
    let (code, report) = check(&format!(
        "sqlite://{}",
        dir.path().join("nothing.db").display()
    ));
    assert_eq!(code, Some(1), "{report}");
}

#[test]
fn postgres_is_backed_up_with_its_own_tools_and_checked_by_dira() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        return;
    };
    // On an empty database `dira check` fails the schema and writes nothing: not even
    // the table of applied migrations, which a process starting beside it would be
    // creating under the migrations' lock.
    let (code, report) = check(&db.url);
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("FAILED\tschema"), "{report}");
    let mut conn = diesel::PgConnection::establish(&db.url).expect("connect");
    let tables: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM pg_tables WHERE schemaname = current_schema())",
    ))
    .get_result(&mut conn)
    .expect("tables");
    assert_eq!(tables, 0, "dira check created tables");

    let refused = dira(&db, &["backup", "--out", "/tmp/never-written.db"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("pg_dump"));
    let (code, report) = check(&db.url);
    assert_eq!(code, Some(0), "{report}");
    assert!(report.contains("ok\tschema"), "{report}");
}

/// Readiness: 200 while the schema is this build's, 503 with a reason (and
/// `Retry-After`) when it is not, e.g. after a newer dira migrated the database.
fn readiness_follows_the_schema(app: &crate::helpers::TestApp) {
    let ready = send("GET", &app.url("/health/ready"), None, &[], None);
    assert_eq!(
        (ready.status, ready.body["status"].as_str()),
        (200, Some("ready"))
    );
    diesel::sql_query("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')")
        .execute(&mut *app.db.conn().expect("conn"))
        .expect("a migration of a newer build");
    let not_ready = send("GET", &app.url("/health/ready"), None, &[], None);
    assert_eq!(not_ready.status, 503);
    assert_eq!(not_ready.content_type, "application/problem+json");
    assert_eq!(
        not_ready.header.get("retry-after").map(String::as_str),
        Some("5")
    );
    assert!(not_ready.body["detail"]
        .as_str()
        .is_some_and(|d| d.contains("schema")));
    assert_eq!(
        send("GET", &app.url("/health"), None, &[], None).status,
        200,
        "still alive"
    );
}

crate::on_both_backends!(readiness_follows_the_schema);
