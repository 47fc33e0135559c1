//! The audit log (Police Data Act): an append-only record of who did what, when, to
//! which object, and with what outcome. Nothing in the product updates or deletes it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::audit_log;
use crate::db::AnyConnection;

/// One entry to append.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    pub at: NaiveDateTime,
    pub user_name: String,
    pub role: String,
    /// What was done: `import`, `export`, …
    pub action: String,
    /// What it was done to: an incident id, a file fingerprint, …
    pub object: String,
    /// `ok`, `refused`, `partial`, …
    pub outcome: String,
    /// Figures and particulars, e.g. `rows=1000 stored=998`.
    pub detail: String,
}

pub fn record(conn: &mut AnyConnection, entry: &Entry) -> QueryResult<()> {
    crate::per_backend!(conn, |c| diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(c))?;
    Ok(())
}
