//! Importing an exchange CSV: validate every row, store all or (with `skip_invalid`)
//! the valid ones, in one transaction, with one history entry per incident. The
//! caller audits the import with [`audit_summary`].

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use csv::{ReaderBuilder, StringRecord};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::columns::Header;
use super::parse::parse_row;
use crate::codes::Catalog;
use crate::db::schema::{incident_history, incidents};
use crate::db::AnyConnection;
use crate::http::error::FieldError;
use crate::incidents::{draft::now, insert_rows, set_counter, IncidentRow};

/// Rows validated and stored together.
const CHUNK: usize = 1000;

pub struct ImportOptions {
    pub skip_invalid: bool,
    /// Who imports, for the history and the audit log.
    pub user: String,
    pub role: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: u64,
    /// Incidents stored.
    pub stored: u64,
    /// SHA-256 of the file.
    pub fingerprint: String,
    /// One per problem, with its line (the header is line 1), ordered by line.
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The file cannot be read as an exchange CSV at all (exit status 2).
    #[error("{0}")]
    Unreadable(String),
    /// Invalid rows and all-or-nothing: nothing was stored.
    #[error("{} invalid row(s); nothing was stored", .0.errors.iter().map(|e| e.line).collect::<HashSet<_>>().len())]
    Invalid(ImportReport),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Reads and stores `input` inside the caller's connection; rolls back and answers
/// [`ImportFailure::Invalid`] when a row is invalid and `skip_invalid` is off.
/// `progress` is told how many bytes have been read.
pub fn import(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    input: impl Read,
    options: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<ImportReport, ImportFailure> {
    conn.transaction(|conn| {
        let report = read_and_store(conn, catalog, input, options, progress)?;
        if !report.errors.is_empty() && !options.skip_invalid {
            return Err(ImportFailure::Invalid(report));
        }
        Ok(report)
    })
}

/// The outcome and particulars of an import, for its audit entry.
pub fn audit_summary(result: &Result<ImportReport, ImportFailure>) -> (&'static str, String) {
    match result {
        Ok(r) => (
            if r.errors.is_empty() { "ok" } else { "partial" },
            format!(
                "sha256:{} rows={} stored={} invalid_lines={}",
                r.fingerprint,
                r.rows,
                r.stored,
                invalid_lines(r)
            ),
        ),
        Err(ImportFailure::Invalid(r)) => (
            "refused",
            format!(
                "sha256:{} rows={} stored=0 invalid_lines={}",
                r.fingerprint,
                r.rows,
                invalid_lines(r)
            ),
        ),
        Err(e) => ("failed", e.to_string()),
    }
}

fn invalid_lines(r: &ImportReport) -> usize {
    r.errors
        .iter()
        .map(|e| e.line)
        .collect::<HashSet<_>>()
        .len()
}

/// Hashes what passes through, for the file's fingerprint.
struct Fingerprinting<R> {
    inner: R,
    hash: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Fingerprinting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

struct Batch<'a> {
    conn: &'a mut AnyConnection,
    options: &'a ImportOptions,
    pending: Vec<(u64, IncidentRow)>,
    errors: Vec<FieldError>,
    stored: u64,
    counters: BTreeMap<(String, i32), i32>,
}

fn read_and_store(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    input: impl Read,
    options: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<ImportReport, ImportFailure> {
    let mut reader = ReaderBuilder::new()
        .flexible(true)
        .from_reader(Fingerprinting {
            inner: input,
            hash: Sha256::new(),
            bytes: 0,
        });
    let header = reader
        .headers()
        .map_err(|e| ImportFailure::Unreadable(format!("cannot read the header: {e}")))
        .and_then(|h| Header::parse(h).map_err(ImportFailure::Unreadable))?;
    let at = now();
    let mut batch = Batch {
        conn,
        options,
        pending: Vec::with_capacity(CHUNK),
        errors: Vec::new(),
        stored: 0,
        counters: BTreeMap::new(),
    };
    let mut in_file: HashSet<String> = HashSet::new();
    let mut record = StringRecord::new();
    let mut rows = 0u64;
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(io) => {
                    return Err(ImportFailure::Unreadable(format!(
                        "cannot read the file: {io}"
                    )))
                }
                _ => {
                    rows += 1;
                    let line = e.position().map_or(line, |p| p.line());
                    batch
                        .errors
                        .push(FieldError::new("row", e.to_string()).at_line(line));
                    continue;
                }
            },
        }
        rows += 1;
        let line = record.position().map_or(line, |p| p.line());
        if record.len() != header.width() {
            let message = format!(
                "has {} fields, the header has {}",
                record.len(),
                header.width()
            );
            batch
                .errors
                .push(FieldError::new("row", message).at_line(line));
            continue;
        }
        match parse_row(&header, &record, catalog, &options.user, at) {
            Ok(row) if !in_file.insert(row.registration_number.clone()) => batch.errors.push(
                FieldError::new(
                    "registration_number",
                    format!("{} appears earlier in the file", row.registration_number),
                )
                .at_line(line),
            ),
            Ok(row) => batch.pending.push((line, row)),
            Err(errors) => batch
                .errors
                .extend(errors.into_iter().map(|e| e.at_line(line))),
        }
        if batch.pending.len() == CHUNK {
            batch.flush()?;
            progress(reader.get_ref().bytes);
        }
    }
    batch.flush()?;
    progress(reader.get_ref().bytes);
    for ((unit, year), last) in &batch.counters {
        set_counter(batch.conn, unit, *year, *last)?;
    }
    let mut errors = batch.errors;
    errors.sort_by_key(|e| e.line);
    let fingerprint = hex::encode(reader.get_ref().hash.clone().finalize());
    Ok(ImportReport {
        rows,
        stored: batch.stored,
        fingerprint,
        errors,
    })
}

impl Batch<'_> {
    /// Refuses pending rows whose number is taken, and stores the rest unless an
    /// all-or-nothing import has already failed (then it only keeps validating).
    fn flush(&mut self) -> Result<(), ImportFailure> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let numbers: Vec<&str> = self
            .pending
            .iter()
            .map(|(_, r)| r.registration_number.as_str())
            .collect();
        let query = incidents::table
            .filter(incidents::registration_number.eq_any(numbers))
            .select(incidents::registration_number);
        let taken: HashSet<String> = crate::per_backend!(&mut *self.conn, |c| query
            .load::<String>(c))?
        .into_iter()
        .collect();
        let mut rows = Vec::with_capacity(self.pending.len());
        for (line, row) in self.pending.drain(..) {
            if taken.contains(&row.registration_number) {
                let message = format!("{} is already in use", row.registration_number);
                self.errors
                    .push(FieldError::new("registration_number", message).at_line(line));
            } else {
                rows.push(row);
            }
        }
        if !self.errors.is_empty() && !self.options.skip_invalid {
            return Ok(());
        }
        insert_rows(self.conn, &rows)?;
        let history: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    incident_history::incident_id.eq(&r.id),
                    incident_history::version.eq(1),
                    incident_history::at.eq(r.updated_at),
                    incident_history::user_name.eq(&self.options.user),
                    incident_history::action.eq("imported"),
                    incident_history::changes.eq("{}"),
                )
            })
            .collect();
        for chunk in history.chunks(1000) {
            crate::per_backend!(&mut *self.conn, |c| diesel::insert_into(
                incident_history::table
            )
            .values(chunk)
            .execute(c))?;
        }
        for row in &rows {
            if let Some((unit, year, n)) = numbered(row) {
                let last = self.counters.entry((unit, year)).or_insert(0);
                *last = (*last).max(n);
            }
        }
        self.stored += rows.len() as u64;
        Ok(())
    }
}

/// `{UNIT}-{YYYY}-{NNNNNN}` numbers of the row's own unit, so new registrations
/// continue after them.
fn numbered(row: &IncidentRow) -> Option<(String, i32, i32)> {
    let rest = row
        .registration_number
        .strip_prefix(&row.unit)?
        .strip_prefix('-')?;
    let (year, n) = rest.split_once('-')?;
    Some((row.unit.clone(), year.parse().ok()?, n.parse().ok()?))
}
