//! Importing an exchange CSV: validate every row, store all or (with `skip_invalid`)
//! the valid ones, in one transaction, with one history entry per incident. The
//! caller audits the import with [`audit_summary`].

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use csv::{ReaderBuilder, StringRecord};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::columns::Header;
use super::parse::parse_row;
use crate::codes::Catalog;
use crate::db::direct::{self, date_text, timestamp_text};
use crate::db::schema::{incident_history, incidents};
use crate::db::AnyConnection;
use crate::error::FieldError;
use crate::incidents::{insert_rows, set_counter, IncidentRow};

/// Rows validated and stored together.
const CHUNK: usize = 1000;

pub struct ImportOptions {
    pub skip_invalid: bool,
    /// Who imports, for the history and the audit log.
    pub user: String,
    pub role: String,
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
/// the SQLite writer's transaction; the CLI on PostgreSQL); rolls back and answers
/// [`ImportFailure::Invalid`] when a row is invalid and `skip_invalid` is off.
/// `progress` is told how many bytes have been read.
pub fn import(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    input: impl Read + Send,
    options: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<ImportReport, ImportFailure> {
    conn.transaction(|conn| {
        let report = read_and_store(&mut DieselStore(conn), catalog, input, options, progress)?;
        if !report.errors.is_empty() && !options.skip_invalid {
            return Err(ImportFailure::Invalid(report));
        }
        Ok(report)
    })
}

/// [`import`] into a SQLite file on a connection of its own, through one prepared
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
    let last: i64 = tx.query_row("SELECT coalesce(max(rowid), 0) FROM incidents", [], |r| {
        r.get(0)
    })?;
    // The indexes stay: rows come mostly in time order, so their index entries are
    // appended, which measured faster than dropping the indexes and sorting them
    // anew after the load.
    let report = read_and_store(
        &mut SqliteStore::new(&tx)?,
        catalog,
        input,
        options,
        progress,
    )?;
    if !report.errors.is_empty() && !options.skip_invalid {
        return Err(ImportFailure::Invalid(report));
    }
    let clock = Instant::now();
    // One history entry per stored incident, all in one statement.
    tx.execute(
        "INSERT INTO incident_history (incident_id, version, at, user_name, action, changes) \
         SELECT id, 1, updated_at, ?1, ?2, '{}' FROM incidents WHERE rowid > ?3 ORDER BY rowid",
        rusqlite::params![options.user, IMPORTED, last],
    )?;
    let history = clock.elapsed();
    tx.commit()?;
    tracing::debug!(?history, committing = ?clock.elapsed() - history, "load done");
    Ok(report)
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

/// The errors of an import: the first `max` by line, and exact counts.
struct Errors {
    kept: Vec<FieldError>,
    max: usize,
    count: u64,
    lines: HashSet<Option<u64>>,
}

impl Errors {
    fn new(max: usize) -> Errors {
        Errors {
            kept: Vec::new(),
            max,
            count: 0,
            lines: HashSet::new(),
        }
    }

    fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        for e in errors {
            self.count += 1;
            self.lines.insert(e.line);
            self.kept.push(e);
        }
        if self.kept.len() > self.max.saturating_mul(2).max(1024) {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.kept.sort_by_key(|e| e.line);
        self.kept.truncate(self.max);
    }
}

/// The first line of the file (read through `input`, so it is hashed) and the
/// delimiter its header uses: `;` when the header has semicolons and no commas (the
/// exchange CSV as Dutch Excel saves it, "CSV (puntkomma's)"), else `,`.
fn sniff(input: &mut impl Read) -> std::io::Result<(Vec<u8>, u8)> {
    let mut first = Vec::new();
    let mut byte = [0u8; 4096];
    while !first.iter().any(|&b| b == b'\n' || b == b'\r') && first.len() < 1 << 20 {
        let n = input.read(&mut byte)?;
        if n == 0 {
            break;
        }
        first.extend_from_slice(&byte[..n]);
    }
    let header = first
        .split(|&b| b == b'\n' || b == b'\r')
        .next()
        .unwrap_or_default();
    let semicolons = header.contains(&b';') && !header.contains(&b',');
    Ok((first, if semicolons { b';' } else { b',' }))
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

/// Where validated rows go.
trait Store {
    /// Stores the rows whose registration number is free, each with its history
    /// entry; answers the positions of those whose number is already in use.
    fn insert(
        &mut self,
        rows: &[(u64, IncidentRow)],
        user: &str,
    ) -> Result<Vec<usize>, ImportFailure>;

    /// Registration numbers handed out later continue after `last`.
    fn set_counter(&mut self, unit: &str, year: i32, last: i32) -> Result<(), ImportFailure>;
}

/// What the parsing thread hands over: the valid rows of a stretch of the file with
/// their lines, the problems found in it, and how far it has read.
struct Chunk {
    rows: Vec<(u64, IncidentRow)>,
    errors: Vec<FieldError>,
    rows_read: u64,
    bytes_read: u64,
}

/// Parses and validates on a thread of its own while this one stores what it has
/// validated so far.
fn read_and_store(
    store: &mut dyn Store,
    catalog: &Catalog,
    input: impl Read + Send,
    options: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<ImportReport, ImportFailure> {
    let (tx, rx) = mpsc::sync_channel::<Result<Chunk, ImportFailure>>(4);
    // Stored rows go back to the parser, which frees them and fills the vector again:
    // memory is freed by the thread that allocated it (glibc's allocator locks and
    // slows down when threads free each other's memory).
    let (back, used) = mpsc::channel::<Vec<(u64, IncidentRow)>>();
    std::thread::scope(|s| {
        let parser = std::thread::Builder::new()
            .name("import-parse".into())
            .spawn_scoped(s, || parse(input, catalog, &options.user, tx, used))
            .map_err(|e| ImportFailure::Unreadable(format!("cannot start parsing: {e}")))?;
        let mut errors = Errors::new(options.max_errors);
        let mut stored = 0u64;
        let mut rows = 0u64;
        let mut counters: BTreeMap<(String, i32), i32> = BTreeMap::new();
        // Where the time goes (DIRA_LOG=dira=debug): waiting for the parser, storing.
        let (mut waiting, mut storing) = (Duration::ZERO, Duration::ZERO);
        let mut clock = Instant::now();
        for chunk in rx {
            waiting += clock.elapsed();
            clock = Instant::now();
            let chunk = chunk?;
            rows = chunk.rows_read;
            errors.extend(chunk.errors);
            if !chunk.rows.is_empty() {
                let taken = store.insert(&chunk.rows, &options.user)?;
                errors.extend(taken.iter().map(|&i| {
                    let (line, row) = &chunk.rows[i];
                    let message = format!("{} is already in use", row.registration_number);
                    FieldError::new("registration_number", message).at_line(*line)
                }));
                let mut taken = taken.into_iter().peekable();
                for (i, (_, row)) in chunk.rows.iter().enumerate() {
                    if taken.next_if_eq(&i).is_some() {
                        continue;
                    }
                    stored += 1;
                    if let Some((unit, year, n)) = numbered(row) {
                        let last = counters.entry((unit, year)).or_insert(0);
                        *last = (*last).max(n);
                    }
                }
            }
            progress(chunk.bytes_read);
            let _ = back.send(chunk.rows);
            storing += clock.elapsed();
            clock = Instant::now();
        }
        tracing::debug!(?waiting, ?storing, "rows stored");
        let fingerprint = parser
            .join()
            .map_err(|_| ImportFailure::Unreadable("reading the file failed".into()))?;
        for ((unit, year), last) in &counters {
            store.set_counter(unit, *year, *last)?;
        }
        errors.trim();
        Ok(ImportReport {
            rows,
            stored,
            fingerprint,
            error_count: errors.count,
            invalid_lines: errors.lines.len() as u64,
            errors: errors.kept,
        })
    })
}

/// Reads, parses and validates the file, sending chunks of rows; answers the file's
/// fingerprint. Stops early when nobody listens any more.
fn parse(
    input: impl Read,
    catalog: &Catalog,
    user: &str,
    out: mpsc::SyncSender<Result<Chunk, ImportFailure>>,
    used: mpsc::Receiver<Vec<(u64, IncidentRow)>>,
) -> String {
    let mut input = Fingerprinting {
        inner: input,
        hash: Sha256::new(),
        bytes: 0,
    };
    let (first, delimiter) = match sniff(&mut input) {
        Ok(sniffed) => sniffed,
        Err(e) => {
            let message = format!("cannot read the file: {e}");
            let _ = out.send(Err(ImportFailure::Unreadable(message)));
            return String::new();
        }
    };
    let (tracked, lines) = crate::csv_lines::Tracked::new(std::io::Cursor::new(first).chain(input));
    let mut reader = ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(tracked);
    let header = reader
        .headers()
        .map_err(|e| ImportFailure::Unreadable(format!("cannot read the header: {e}")))
        .and_then(|h| Header::parse(h).map_err(ImportFailure::Unreadable));
    let header = match header {
        Ok(h) => h,
        Err(e) => {
            let _ = out.send(Err(e));
            return String::new();
        }
    };
    let at = crate::clock::Clock::system().now();
    let mut in_file: HashSet<String> = HashSet::new();
    let mut record = StringRecord::new();
    let mut chunk = Chunk {
        rows: Vec::with_capacity(CHUNK),
        errors: Vec::new(),
        rows_read: 0,
        bytes_read: 0,
    };
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(io) => {
                    let message = format!("cannot read the file: {io}");
                    let _ = out.send(Err(ImportFailure::Unreadable(message)));
                    return String::new();
                }
                // One clear answer for the whole file rather than one per row.
                csv::ErrorKind::Utf8 { pos, .. } => {
                    let at = pos.as_ref().map_or(line, |p| lines.start(p));
                    let message = format!(
                        "line {at}: the file is not UTF-8 (Windows-1252, say): save it as \"CSV UTF-8\" in Excel, or convert it"
                    );
                    let _ = out.send(Err(ImportFailure::Unreadable(message)));
                    return String::new();
                }
                _ => {
                    chunk.rows_read += 1;
                    let line = e.position().map_or(line, |p| lines.start(p));
                    chunk
                        .errors
                        .push(FieldError::new("row", e.to_string()).at_line(line));
                    continue;
                }
            },
        }
        chunk.rows_read += 1;
        let line = record.position().map_or(line, |p| lines.start(p));
        if record.len() != header.width() {
            let message = format!(
                "has {} fields, the header has {}",
                record.len(),
                header.width()
            );
            chunk
                .errors
                .push(FieldError::new("row", message).at_line(line));
            continue;
        }
        match parse_row(&header, &record, catalog, user, at) {
            Ok(row) if !in_file.insert(row.registration_number.clone()) => chunk.errors.push(
                FieldError::new(
                    "registration_number",
                    format!("{} appears earlier in the file", row.registration_number),
                )
                .at_line(line),
            ),
            Ok(row) => chunk.rows.push((line, row)),
            Err(errors) => chunk
                .errors
                .extend(errors.into_iter().map(|e| e.at_line(line))),
        }
        if chunk.rows.len() == CHUNK {
            chunk.bytes_read = reader.get_ref().get_ref().get_ref().1.bytes;
            let rows = match used.try_recv() {
                Ok(mut rows) => {
                    rows.clear();
                    rows
                }
                Err(_) => Vec::with_capacity(CHUNK),
            };
            let next = Chunk {
                rows,
                errors: Vec::new(),
                rows_read: chunk.rows_read,
                bytes_read: 0,
            };
            if out.send(Ok(std::mem::replace(&mut chunk, next))).is_err() {
                return String::new();
            }
        }
    }
    chunk.bytes_read = reader.get_ref().get_ref().get_ref().1.bytes;
    let _ = out.send(Ok(chunk));
    hex::encode(
        reader
            .get_ref()
            .get_ref()
            .get_ref()
            .1
            .hash
            .clone()
            .finalize(),
    )
}

/// The caller's diesel connection: multi-row statements on the backend's own
/// connection.
struct DieselStore<'c>(&'c mut AnyConnection);

impl Store for DieselStore<'_> {
    fn insert(
        &mut self,
        rows: &[(u64, IncidentRow)],
        user: &str,
    ) -> Result<Vec<usize>, ImportFailure> {
        let numbers: Vec<&str> = rows
            .iter()
            .map(|(_, r)| r.registration_number.as_str())
            .collect();
        let query = incidents::table
            .filter(incidents::registration_number.eq_any(numbers))
            .select(incidents::registration_number);
        let taken: HashSet<String> = crate::per_backend!(&mut *self.0, |c| query
            .load::<String>(c))?
        .into_iter()
        .collect();
        let (refused, free): (Vec<_>, Vec<_>) = rows
            .iter()
            .enumerate()
            .partition(|(_, (_, r))| taken.contains(&r.registration_number));
        let free: Vec<IncidentRow> = free.into_iter().map(|(_, (_, r))| r.clone()).collect();
        insert_rows(self.0, &free)?;
        let history: Vec<_> = free
            .iter()
            .map(|r| {
                (
                    incident_history::incident_id.eq(&r.id),
                    incident_history::version.eq(1),
                    incident_history::at.eq(r.updated_at),
                    incident_history::user_name.eq(user),
                    incident_history::action.eq(IMPORTED),
                    incident_history::changes.eq("{}"),
                )
            })
            .collect();
        for chunk in history.chunks(1000) {
            crate::per_backend!(&mut *self.0, |c| diesel::insert_into(
                incident_history::table
            )
            .values(chunk)
            .execute(c))?;
        }
        Ok(refused.into_iter().map(|(i, _)| i).collect())
    }

    fn set_counter(&mut self, unit: &str, year: i32, last: i32) -> Result<(), ImportFailure> {
        Ok(set_counter(self.0, unit, year, last)?)
    }
}

/// A SQLite transaction of rusqlite with its statements prepared once.
struct SqliteStore<'t> {
    incident: rusqlite::Statement<'t>,
    counter: rusqlite::Statement<'t>,
}

impl<'t> SqliteStore<'t> {
    fn new(tx: &'t rusqlite::Transaction<'_>) -> rusqlite::Result<Self> {
        Ok(SqliteStore {
            // The number's UNIQUE constraint decides whether it is free: one index
            // probe instead of a look-up and an insert.
            incident: tx.prepare(&format!(
                "INSERT INTO incidents ({INCIDENT_COLUMNS}) VALUES ({}) \
                 ON CONFLICT (registration_number) DO NOTHING",
                vec!["?"; INCIDENT_WIDTH].join(", ")
            ))?,
            counter: tx.prepare(
                "INSERT INTO registration_counters (unit, year, last) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (unit, year) DO UPDATE SET last = max(last, excluded.last)",
            )?,
        })
    }
}

/// The columns of `incidents` in [`IncidentRow`] order.
const INCIDENT_COLUMNS: &str = "id, registration_number, source_reference, registered_at, \
    occurred_from, occurred_to, unit, district, basic_team, municipality, registration_type, \
    channel, grounds, manifestations, domain, articles, victim_kind, suspect_known, summary, \
    narrative, status, rejection_reason, screened_at, prosecution_status, forwarded_on, \
    prosecution_updated_on, event_id, version, created_by, updated_at";
const INCIDENT_WIDTH: usize = 30;

/// Binds `r` to the parameters of `stmt`, in [`INCIDENT_COLUMNS`] order.
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
    debug_assert_eq!(at, INCIDENT_WIDTH);
    Ok(())
}

impl Store for SqliteStore<'_> {
    fn insert(
        &mut self,
        rows: &[(u64, IncidentRow)],
        _user: &str,
    ) -> Result<Vec<usize>, ImportFailure> {
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
}

const IMPORTED: &str = "imported";

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
