//! Migration parity: `migrations/sqlite` and `migrations/postgres` must create the same
//! tables, columns (name, type class, nullability), primary keys and indexes (name,
//! table, columns, uniqueness, partial predicate). Each folder is run, as it is on
//! disk, on a fresh database of its backend; both catalogues are read, brought to one
//! shape ([`shape`]) and compared line by line. The PostgreSQL half needs
//! `DIRA_TEST_POSTGRES_URL` and is skipped, loudly, without it.

mod postgres;
mod shape;
mod sqlite;

use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{FileBasedMigrations, MigrationHarness};

use crate::helpers::{say, Backend, TestDb};

/// Differences between the folders that are known and accepted, as they appear in
/// the failure message (`- …` only in SQLite, `+ …` only in PostgreSQL), each with
/// the reason it is accepted. Empty: the folders agree today. An entry that no
/// longer shows up fails the test too, so the list never outlives the difference.
const KNOWN_DIFFERENCES: &[&str] = &[];

fn folder(backend: &str) -> FileBasedMigrations {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    FileBasedMigrations::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fresh SQLite file with every migration of `migrations/sqlite` run, then `extra`.
fn sqlite_schema(extra: &str) -> shape::Schema {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("parity.db");
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).expect("open SQLite file");
    conn.run_pending_migrations(folder("sqlite"))
        .expect("run migrations/sqlite");
    conn.batch_execute(extra).expect("run the extra SQL");
    sqlite::read(&mut conn)
}

/// A fresh PostgreSQL schema with every migration of `migrations/postgres` run;
/// `None` when `DIRA_TEST_POSTGRES_URL` is not set.
fn postgres_schema() -> Option<shape::Schema> {
    let db = TestDb::new(Backend::Postgres)?;
    let mut conn = PgConnection::establish(&db.url).expect("connect to PostgreSQL");
    conn.run_pending_migrations(folder("postgres"))
        .expect("run migrations/postgres");
    Some(postgres::read(&mut conn))
}

/// The lines only in `left` (`- `) or only in `right` (`+ `), sorted by what they
/// say so the two sides of one changed fact stand together.
fn differences(left: &shape::Schema, right: &shape::Schema) -> Vec<String> {
    let (l, r) = (left.lines(), right.lines());
    let mut out: Vec<(String, char)> = l
        .difference(&r)
        .map(|s| (s.clone(), '-'))
        .chain(r.difference(&l).map(|s| (s.clone(), '+')))
        .collect();
    out.sort();
    out.into_iter()
        .map(|(line, side)| format!("{side} {line}"))
        .collect()
}

#[test]
fn both_migration_folders_create_the_same_schema() {
    let lite = sqlite_schema("");
    assert!(
        lite.tables.contains_key("incidents") && !lite.indexes.is_empty(),
        "the SQLite catalogue was read: {lite:?}"
    );
    let Some(pg) = postgres_schema() else {
        say("SKIPPED both_migration_folders_create_the_same_schema on PostgreSQL: DIRA_TEST_POSTGRES_URL is not set; only migrations/sqlite was run");
        return;
    };
    let found = differences(&lite, &pg);
    let unexpected: Vec<&str> = found
        .iter()
        .map(String::as_str)
        .filter(|line| !KNOWN_DIFFERENCES.contains(line))
        .collect();
    let stale: Vec<&str> = KNOWN_DIFFERENCES
        .iter()
        .copied()
        .filter(|known| !found.iter().any(|line| line == known))
        .collect();
    let mut report = String::new();
    if !unexpected.is_empty() {
        report += "migrations/sqlite and migrations/postgres differ \
                   (- only in SQLite, + only in PostgreSQL):\n";
        report += &unexpected.join("\n");
    }
    if !stale.is_empty() {
        report += "\nKNOWN_DIFFERENCES lists differences that are gone (remove them):\n";
        report += &stale.join("\n");
    }
    assert!(report.is_empty(), "{report}");
}

/// The comparison itself sees a changed column and a changed index: the SQLite
/// schema against itself with a column added and the partial index made full.
#[test]
fn the_parity_check_sees_a_column_and_an_index_change() {
    let changed = sqlite_schema(
        "ALTER TABLE audit_log ADD COLUMN extra TEXT NOT NULL DEFAULT ''; \
         DROP INDEX incidents_event; \
         CREATE INDEX incidents_event ON incidents (event_id);",
    );
    let found = differences(&sqlite_schema(""), &changed);
    let expected = [
        "+ column audit_log.extra: text not null",
        "+ index incidents_event on incidents (event_id)",
        "- index incidents_event on incidents (event_id) where event_id is not null",
        "- table audit_log: columns id, at, user_name, role, action, object, outcome, detail",
        "+ table audit_log: columns id, at, user_name, role, action, object, outcome, detail, extra",
    ];
    assert_eq!(found, expected);
}
