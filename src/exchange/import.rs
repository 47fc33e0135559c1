//! Importing an exchange CSV: validate every row, store all or (with `skip_invalid`)
//! the valid ones, in one transaction, with one history entry per incident. The
//! caller audits the import with [`audit_summary`].
//!
//! `read` parses and validates the file on a thread of its own; `store` hands what
//! it validated to a `Store`, one per backend and path:
//! - `postgres`: `COPY … FROM STDIN` in the caller's transaction (`dira import` and
//!   the HTTP import on PostgreSQL);
//! - `sqlite`: rusqlite on a connection of its own (`dira import` on SQLite);
//! - `diesel_store`: the SQLite writer's connection (the HTTP import on SQLite).

mod diesel_store;
mod postgres;
mod read;
mod sqlite;
mod store;

use std::io::Read;

use diesel::Connection;

use crate::codes::Catalog;
use crate::db::AnyConnection;
use crate::error::FieldError;

pub use sqlite::import_sqlite;

/// Rows validated and stored together.
const CHUNK: usize = 5000;

/// The action of the history entry of an imported incident.
const IMPORTED: &str = "imported";

pub struct ImportOptions {
    pub skip_invalid: bool,
    /// Who imports, for the history and the audit log.
    pub user: String,
    pub role: String,
    /// When the import runs (UTC): the time of every history entry it writes.
    pub at: chrono::NaiveDateTime,
    /// Keep at most this many errors in the report (the first, by line); the counts
    /// stay exact. Bounds the memory and the answer of a file full of errors.
    pub max_errors: usize,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: u64,
    /// Incidents stored.
    pub stored: u64,
    /// SHA-256 of the file.
    pub fingerprint: String,
    /// One per problem, with its line (the header is line 1), ordered by line; at
    /// most the first 100 over HTTP (`error_count` tells how many there are).
    pub errors: Vec<FieldError>,
    /// Problems found, listed or not.
    pub error_count: u64,
    /// Data rows with at least one problem.
    pub invalid_lines: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The file cannot be read as an exchange CSV at all (exit status 2).
    #[error("{0}")]
    Unreadable(String),
    /// Invalid rows and all-or-nothing: nothing was stored.
    #[error("{} invalid row(s); nothing was stored", .0.invalid_lines)]
    Invalid(ImportReport),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Reads and stores `input` inside the caller's connection (the HTTP import runs in
/// the SQLite writer's transaction; on PostgreSQL in a transaction of its own); rolls
/// back and answers [`ImportFailure::Invalid`] when a row is invalid and
/// `skip_invalid` is off. `progress` is told how many bytes have been read.
pub fn import(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    input: impl Read + Send,
    options: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<ImportReport, ImportFailure> {
    conn.transaction(|conn| match conn {
        AnyConnection::Postgresql(pg) => store::read_and_store(
            &mut postgres::CopyStore::new(pg, &options.user),
            catalog,
            input,
            options,
            progress,
        ),
        AnyConnection::Sqlite(_) => store::read_and_store(
            &mut diesel_store::DieselStore::new(conn, &options.user)?,
            catalog,
            input,
            options,
            progress,
        ),
    })
}

/// The outcome and particulars of an import, for its audit entry.
pub fn audit_summary(result: &Result<ImportReport, ImportFailure>) -> (&'static str, String) {
    match result {
        Ok(r) => (
            if r.errors.is_empty() { "ok" } else { "partial" },
            format!(
                "sha256:{} rows={} stored={} invalid_lines={}",
                r.fingerprint, r.rows, r.stored, r.invalid_lines
            ),
        ),
        Err(ImportFailure::Invalid(r)) => (
            "refused",
            format!(
                "sha256:{} rows={} stored=0 invalid_lines={}",
                r.fingerprint, r.rows, r.invalid_lines
            ),
        ),
        Err(e) => ("failed", e.to_string()),
    }
}
