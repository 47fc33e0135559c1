//! The SQLite bulk path of `dira import`: rusqlite on a connection of its own, one
//! prepared statement per table, the history written in one statement at the end
//! ([`history_insert`], which the HTTP import on SQLite shares).

use std::io::Read;
use std::time::Instant;

use diesel::Column;

use super::store::{read_and_store, Store};
use super::{ImportFailure, ImportOptions, ImportReport, IMPORTED};
use crate::codes::Catalog;
use crate::db::columns::{sql_list, INCIDENT_COLUMNS};
use crate::db::direct::{self, date_text, timestamp_text};
use crate::db::schema::incident_history;
use crate::incidents::IncidentRow;

/// [`super::import`] into a SQLite file on a connection of its own, through one prepared
/// statement per table (the bulk path of `dira import`). When no other connection has
/// the file open, the load runs under a rollback journal ([`direct::take_alone`]).
pub fn import_sqlite(
    path: &str,
    catalog: &Catalog,
    input: impl Read + Send,
    options: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<ImportReport, ImportFailure> {
    let mut conn = direct::open_write(path)?;
    let alone = direct::take_alone(&conn);
    if !alone {
        tracing::warn!(
            "{path} is open elsewhere (is `dira serve` running?): importing beside it, \
             which takes about twice as long"
        );
    }
    let result = load_sqlite(&mut conn, catalog, input, options, progress);
    if alone {
        // Not fatal: the load is committed (or rolled back) either way, and every
        // connection dira opens switches the file to the log again.
        if let Err(e) = direct::share(&conn) {
            tracing::warn!("{path}: switching back to the write-ahead log failed: {e}");
        }
    }
    let report = result?;
    if !alone {
        // Copy the load from the write-ahead log into the database file now, as part
        // of the import, instead of leaving hundreds of megabytes for whichever
        // connection closes the database next. (Busy readers only make it partial.)
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(report)
}

fn load_sqlite(
    conn: &mut rusqlite::Connection,
    catalog: &Catalog,
    input: impl Read + Send,
    options: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<ImportReport, ImportFailure> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // The indexes stay: rows come mostly in time order, so their index entries are
    // appended, which measured faster than dropping the indexes and sorting them
    // anew after the load.
    let report = read_and_store(
        &mut SqliteStore::new(&tx, &options.user)?,
        catalog,
        input,
        options,
        progress,
    )?;
    let clock = Instant::now();
    tx.commit()?;
    tracing::debug!(committing = ?clock.elapsed(), "load done");
    Ok(report)
}

/// The statement that writes the history entry of every incident stored after rowid
/// `?3`, by `?1` with action `?2`: each column of `incident_history` beside the value
/// it gets (the columns' names from the schema). One statement for the history of a
/// whole import, on either SQLite path.
pub(super) fn history_insert() -> String {
    let values = [
        (incident_history::incident_id::NAME, "id"),
        (incident_history::version::NAME, "1"),
        (incident_history::at::NAME, "updated_at"),
        (incident_history::user_name::NAME, "?1"),
        (incident_history::action::NAME, "?2"),
        (incident_history::changes::NAME, "'{}'"),
    ];
    let (columns, values): (Vec<&str>, Vec<&str>) = values.into_iter().unzip();
    format!(
        "INSERT INTO incident_history ({}) SELECT {} FROM incidents WHERE rowid > ?3 \
         ORDER BY rowid",
        sql_list(&columns),
        sql_list(&values)
    )
}

/// The highest rowid of `incidents` before an import: its rows come after it.
pub(super) const LAST_ROWID: &str = "SELECT coalesce(max(rowid), 0) AS last FROM incidents";

/// A SQLite transaction of rusqlite with its statements prepared once.
struct SqliteStore<'t> {
    incident: rusqlite::Statement<'t>,
    counter: rusqlite::Statement<'t>,
    history: rusqlite::Statement<'t>,
    /// The rowid after which this import's rows are.
    last: i64,
    user: String,
}

impl<'t> SqliteStore<'t> {
    fn new(tx: &'t rusqlite::Transaction<'_>, user: &str) -> rusqlite::Result<Self> {
        Ok(SqliteStore {
            last: tx.query_row(LAST_ROWID, [], |r| r.get(0))?,
            user: user.to_owned(),
            history: tx.prepare(&history_insert())?,
            // The number's UNIQUE constraint decides whether it is free: one index
            // probe instead of a look-up and an insert.
            incident: tx.prepare(&format!(
                "INSERT INTO incidents ({}) VALUES ({}) \
                 ON CONFLICT (registration_number) DO NOTHING",
                sql_list(INCIDENT_COLUMNS),
                sql_list(&vec!["?"; INCIDENT_COLUMNS.len()])
            ))?,
            counter: tx.prepare(
                "INSERT INTO registration_counters (unit, year, last) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (unit, year) DO UPDATE SET last = max(last, excluded.last)",
            )?,
        })
    }
}

/// Binds `r` to the parameters of `stmt`, in [`INCIDENT_COLUMNS`] order (the order
/// of the schema and of the fields of [`IncidentRow`]; a debug build checks the count).
fn bind_incident(stmt: &mut rusqlite::Statement<'_>, r: &IncidentRow) -> rusqlite::Result<()> {
    let mut at = 0;
    let mut bind = |value: &dyn rusqlite::ToSql| {
        at += 1;
        stmt.raw_bind_parameter(at, value)
    };
    bind(&r.id)?;
    bind(&r.registration_number)?;
    bind(&r.source_reference)?;
    bind(&timestamp_text(r.registered_at))?;
    bind(&r.occurred_from.map(date_text))?;
    bind(&r.occurred_to.map(date_text))?;
    bind(&r.unit)?;
    bind(&r.district)?;
    bind(&r.basic_team)?;
    bind(&r.municipality)?;
    bind(&r.registration_type)?;
    bind(&r.channel)?;
    bind(&r.grounds)?;
    bind(&r.manifestations)?;
    bind(&r.domain)?;
    bind(&r.articles)?;
    bind(&r.victim_kind)?;
    bind(&r.suspect_known)?;
    bind(&r.summary)?;
    bind(&r.narrative)?;
    bind(&r.status)?;
    bind(&r.rejection_reason)?;
    bind(&r.screened_at.map(timestamp_text))?;
    bind(&r.prosecution_status)?;
    bind(&r.forwarded_on.map(date_text))?;
    bind(&r.prosecution_updated_on.map(date_text))?;
    bind(&r.event_id)?;
    bind(&r.version)?;
    bind(&r.created_by)?;
    bind(&timestamp_text(r.updated_at))?;
    debug_assert_eq!(at, INCIDENT_COLUMNS.len());
    Ok(())
}

impl Store for SqliteStore<'_> {
    fn insert(&mut self, rows: &[(u64, IncidentRow)]) -> Result<Vec<usize>, ImportFailure> {
        let mut taken = Vec::new();
        for (i, (_, r)) in rows.iter().enumerate() {
            bind_incident(&mut self.incident, r)?;
            if self.incident.raw_execute()? == 0 {
                taken.push(i);
            }
        }
        Ok(taken)
    }

    fn set_counter(&mut self, unit: &str, year: i32, last: i32) -> Result<(), ImportFailure> {
        self.counter.execute(rusqlite::params![unit, year, last])?;
        Ok(())
    }

    /// One history entry per stored incident, all in one statement.
    fn finish(&mut self) -> Result<(), ImportFailure> {
        let clock = Instant::now();
        self.history
            .execute(rusqlite::params![self.user, IMPORTED, self.last])?;
        tracing::debug!(history = ?clock.elapsed(), "history written");
        Ok(())
    }
}
