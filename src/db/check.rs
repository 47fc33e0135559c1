//! `dira check`: does this database hold together? An operator runs it after a restore
//! (or any time) to prove the copy is usable. Every check reads; nothing is repaired
//! or migrated.
//!
//! - SQLite: `PRAGMA integrity_check` (every page, index and constraint of the file)
//!   and `PRAGMA foreign_key_check`. PostgreSQL checks its own pages; `pg_amcheck`
//!   checks its indexes (`docs/operations.md`).
//! - The schema: every migration of this build applied, none unknown to it.
//! - The reference data: every code and municipality of the fixtures present.
//! - Counts of what it holds: incidents, history entries, audit entries, users.

use diesel::prelude::*;

use super::schema::{audit_log, incident_history, incidents, users};
use super::{AnyConnection, Target};

/// One finding: what was checked, whether it holds, and what was found.
#[derive(Debug, Clone)]
pub struct Finding {
    pub what: &'static str,
    pub ok: bool,
    pub detail: String,
}

impl Finding {
    fn new(what: &'static str, ok: bool, detail: impl Into<String>) -> Finding {
        Finding {
            what,
            ok,
            detail: detail.into(),
        }
    }
}

/// Checks the database at `url` (`sqlite://PATH` or `postgres://…`). A database that
/// cannot be opened at all is one failed finding, not an error.
pub fn run(url: &str) -> anyhow::Result<Vec<Finding>> {
    let target = Target::parse(url)?;
    let mut findings = Vec::new();
    if let Target::Sqlite(path) = &target {
        if !std::path::Path::new(path).is_file() {
            return Ok(vec![Finding::new(
                "file",
                false,
                format!("{path} does not exist"),
            )]);
        }
        let integrity = sqlite_integrity(path);
        let broken = !integrity.ok;
        findings.push(integrity);
        if broken {
            return Ok(findings);
        }
    }
    let mut conn = match super::connect_as_is(&target) {
        Ok(conn) => conn,
        Err(e) => return Ok(vec![Finding::new("connection", false, e.to_string())]),
    };
    findings.push(schema(&mut conn));
    findings.push(reference_data(&mut conn));
    findings.push(counts(&mut conn));
    Ok(findings)
}

/// `integrity_check` and `foreign_key_check` on a read-only connection.
fn sqlite_integrity(path: &str) -> Finding {
    let checked = (|| -> rusqlite::Result<Vec<String>> {
        let conn = super::direct::open_stream(path)?;
        let mut problems: Vec<String> = conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        problems.retain(|p| p != "ok");
        let keys: usize = conn
            .prepare("PRAGMA foreign_key_check")?
            .query_map([], |_| Ok(()))?
            .count();
        if keys > 0 {
            problems.push(format!("{keys} row(s) point to rows that do not exist"));
        }
        Ok(problems)
    })();
    match checked {
        Ok(p) if p.is_empty() => {
            Finding::new("integrity", true, "integrity_check ok, foreign keys ok")
        }
        Ok(p) => Finding::new(
            "integrity",
            false,
            p.into_iter().take(5).collect::<Vec<_>>().join("; "),
        ),
        Err(e) => Finding::new("integrity", false, e.to_string()),
    }
}

/// Every migration of this build applied, none unknown to it.
fn schema(conn: &mut AnyConnection) -> Finding {
    match super::schema_state(conn) {
        Ok(state) if state.is_current() => Finding::new(
            "schema",
            true,
            format!("{} migrations applied, none pending", state.applied),
        ),
        Ok(state) => Finding::new(
            "schema",
            false,
            format!(
                "{} migration(s) not applied; applied but unknown to this build: {}",
                state.pending,
                if state.unknown.is_empty() {
                    "none".to_owned()
                } else {
                    state.unknown.join(", ")
                }
            ),
        ),
        Err(e) => Finding::new("schema", false, e.to_string()),
    }
}

/// Every code and municipality of the fixtures present.
fn reference_data(conn: &mut AnyConnection) -> Finding {
    match crate::codes::missing_fixtures(conn) {
        Ok((0, 0)) => Finding::new(
            "reference data",
            true,
            "every code and municipality of the fixtures present",
        ),
        Ok((codes, municipalities)) => Finding::new(
            "reference data",
            false,
            format!(
                "{codes} code(s) and {municipalities} municipality(ies) of the fixtures missing"
            ),
        ),
        Err(e) => Finding::new("reference data", false, e.to_string()),
    }
}

/// How much it holds.
fn counts(conn: &mut AnyConnection) -> Finding {
    let counted = (|| -> QueryResult<String> {
        let incidents: i64 = incidents::table.count().get_result(conn)?;
        let history: i64 = incident_history::table.count().get_result(conn)?;
        let audit: i64 = audit_log::table.count().get_result(conn)?;
        let users: i64 = users::table.count().get_result(conn)?;
        Ok(format!(
            "{incidents} incidents, {history} history entries, {audit} audit entries, {users} users"
        ))
    })();
    match counted {
        Ok(text) => Finding::new("counts", true, text),
        Err(e) => Finding::new("counts", false, e.to_string()),
    }
}
