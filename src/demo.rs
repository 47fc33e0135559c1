//! `dira demo`: a database full of realistic synthetic incidents and a token per role.

use anyhow::Context;
use chrono::Datelike;
use diesel::prelude::*;

use crate::auth::{create_token, Role};
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

/// Fills an empty database with `count` incidents since four years before this one
/// (an existing demo database is kept), then prints a token per role.
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
    println!("Demo tokens (unit {DEMO_UNIT}; national and admin see all units):");
    for role in Role::ALL {
        let scope = match role {
            Role::National | Role::Admin => "*",
            _ => DEMO_UNIT,
        };
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
