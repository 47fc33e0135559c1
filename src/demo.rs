//! `dira demo`: a database full of realistic synthetic incidents, and a local account
//! (with a new password) and a token per role.

use anyhow::Context;
use chrono::Datelike;
use diesel::prelude::*;

use crate::auth::{accounts, create_token, Role};
use crate::codes::Catalog;
use crate::db::schema::incidents;
use crate::db::Db;
use crate::incidents::{add_first_entries, insert_rows, set_counter};
use crate::synthetic::Generator;

pub const DEFAULT_URL: &str = "sqlite://dira-demo.db";
/// The unit the demo users work in.
const DEMO_UNIT: &str = "AMS";
/// General incidents of the demo unit; the candidate scan picks out four of them
/// for the screener.
const GENERAL_INCIDENTS: &str = include_str!("../fixtures/demo-general-incidents.csv");

/// The demo user's scope: the demo unit, or all units for national and admin.
fn scope_of(role: Role) -> &'static str {
    match role {
        Role::National | Role::Admin => "*",
        _ => DEMO_UNIT,
    }
}

/// A new random password: four groups of four letters and digits that cannot be
/// mistaken for one another, 19 characters (about 92 bits).
fn new_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let groups: Vec<String> = (0..4)
        .map(|_| {
            (0..4)
                .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
                .collect()
        })
        .collect();
    groups.join("-")
}

/// Gives every demo user a local account with a new password (printed: the demo's
/// way in on the web pages).
fn print_accounts(
    conn: &mut crate::db::AnyConnection,
    catalog: &Catalog,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<()> {
    println!("Sign in at /inloggen (unit {DEMO_UNIT}; national and admin see all units):");
    for role in Role::ALL {
        let user = format!("demo-{role}");
        let password = new_password();
        let hash = accounts::hash_password(&password)?;
        let created = accounts::create(conn, catalog, &user, role, scope_of(role), &hash, now);
        if let Err(crate::auth::Refusal::Invalid { .. }) = created {
            accounts::set_password(conn, &user, &hash, now)?;
        } else {
            created?;
        }
        println!(
            "  {:<10} user {:<16} password {password}",
            role.as_str(),
            user
        );
    }
    Ok(())
}

/// Fills an empty database with `count` incidents since four years before this one
/// (an existing demo database is kept), then prints a local account and a token per
/// role.
pub fn prepare(db: &Db, count: usize, seed: u64) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let catalog = Catalog::load(&mut conn)?;
    let existing: i64 = incidents::table.count().get_result(&mut conn)?;
    let now = crate::clock::Clock::system().now();
    if existing == 0 {
        let mut generator = Generator::new(&catalog, count, now.year() - 4, now, seed);
        let rows: Vec<_> = generator.by_ref().collect();
        conn.transaction(|conn| {
            insert_rows(conn, &rows)?;
            let changes = r#"{"source":{"old":null,"new":"synthetic demo data"}}"#;
            add_first_entries(
                conn,
                &rows,
                |r| r.registered_at,
                "synthetic",
                "registered",
                changes,
            )?;
            for ((unit, year), last) in generator.counters() {
                set_counter(conn, unit, *year, *last)?;
            }
            diesel::QueryResult::Ok(())
        })
        .context("storing the demo data failed")?;
        eprintln!("demo: {count} synthetic incidents stored");
        let scan = crate::candidates::scan(
            &mut conn,
            &catalog,
            GENERAL_INCIDENTS.as_bytes(),
            crate::candidates::DEFAULT_TERMS,
            crate::candidates::DEFAULT_CODES,
            now,
        )?;
        eprintln!(
            "demo: {} candidates found in general incidents",
            scan.stored
        );
    } else {
        eprintln!("demo: the database already holds {existing} incidents; keeping them");
    }
    print_accounts(&mut conn, &catalog, now)?;
    println!("API tokens (Authorization: Bearer …):");
    for role in Role::ALL {
        let scope = scope_of(role);
        let token = create_token(
            &mut conn,
            &catalog,
            &format!("demo-{role}"),
            role,
            scope,
            30,
            now,
        )?;
        println!("  {:<10} {}", role.as_str(), token.token);
    }
    Ok(())
}
