//! Storing what the reader validated: chunk by chunk into a [`Store`], numbers already
//! in use reported as errors, the registration counters moved past the imported
//! numbers at the end.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::read::{parse, Chunk};
use super::{ImportFailure, ImportOptions, ImportReport};
use crate::codes::Catalog;
use crate::error::FieldError;
use crate::incidents::IncidentRow;

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

/// Where validated rows go.
pub(super) trait Store {
    /// Stores the rows whose registration number is free, each with its history
    /// entry; answers the positions of those whose number is already in use.
    fn insert(&mut self, rows: &[(u64, IncidentRow)]) -> Result<Vec<usize>, ImportFailure>;

    /// Registration numbers handed out later continue after `last`.
    fn set_counter(&mut self, unit: &str, year: i32, last: i32) -> Result<(), ImportFailure>;

    /// Called once after the last row of an import that is kept: writes what the
    /// stored rows need besides themselves (a store that leaves the history entries
    /// to the end writes them here).
    fn finish(&mut self) -> Result<(), ImportFailure> {
        Ok(())
    }
}

/// Parses and validates on a thread of its own while this one stores what it has
/// validated so far. Answers [`ImportFailure::Invalid`] when a row is invalid and
/// `skip_invalid` is off: the caller rolls back what was stored.
pub(super) fn read_and_store(
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
            .spawn_scoped(s, || {
                parse(input, catalog, &options.user, options.at, tx, used)
            })
            .map_err(|e| ImportFailure::Unreadable(format!("cannot start parsing: {e}")))?;
        let mut errors = Errors::new(options.max_errors);
        let mut stored = Stored::default();
        // Where the time goes (DIRA_LOG=dira=debug): waiting for the parser, storing.
        let (mut waiting, mut storing) = (Duration::ZERO, Duration::ZERO);
        let mut clock = Instant::now();
        for chunk in rx {
            waiting += clock.elapsed();
            clock = Instant::now();
            let chunk = chunk?;
            stored.rows = chunk.rows_read;
            errors.extend(chunk.errors);
            if !chunk.rows.is_empty() {
                let taken = store.insert(&chunk.rows)?;
                stored.count(&chunk.rows, &taken);
                errors.extend(taken.iter().map(|&i| {
                    let (line, row) = &chunk.rows[i];
                    let message = format!("{} is already in use", row.registration_number);
                    FieldError::new("registration_number", message).at_line(*line)
                }));
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
        errors.trim();
        let report = ImportReport {
            rows: stored.rows,
            stored: stored.stored,
            fingerprint,
            error_count: errors.count,
            invalid_lines: errors.lines.len() as u64,
            errors: errors.kept,
        };
        if !report.errors.is_empty() && !options.skip_invalid {
            return Err(ImportFailure::Invalid(report));
        }
        for ((unit, year), last) in &stored.counters {
            store.set_counter(unit, *year, *last)?;
        }
        store.finish()?;
        Ok(report)
    })
}

/// What was stored so far: data rows read, incidents stored, and per unit and year
/// the highest registration number imported.
#[derive(Default)]
struct Stored {
    rows: u64,
    stored: u64,
    counters: BTreeMap<(String, i32), i32>,
}

impl Stored {
    /// Counts `rows` but those at the positions `taken` (ascending).
    fn count(&mut self, rows: &[(u64, IncidentRow)], taken: &[usize]) {
        let mut taken = taken.iter().copied().peekable();
        for (i, (_, row)) in rows.iter().enumerate() {
            if taken.next_if_eq(&i).is_some() {
                continue;
            }
            self.stored += 1;
            if let Some((unit, year, n)) = numbered(row) {
                let last = self.counters.entry((unit, year)).or_insert(0);
                *last = (*last).max(n);
            }
        }
    }
}

/// `{UNIT}-{YYYY}-{NNNNNN}` numbers of the row's own unit (domain.md: six digits), so
/// new registrations continue after them. Other numbers move no counter: a number
/// past 999999 would leave the unit's registrations no number to take.
pub(super) fn numbered(row: &IncidentRow) -> Option<(String, i32, i32)> {
    let rest = row
        .registration_number
        .strip_prefix(&row.unit)?
        .strip_prefix('-')?;
    let (year, n) = rest.split_once('-')?;
    let digits = |t: &str, len: usize| t.len() == len && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(n, 6) {
        return None;
    }
    Some((row.unit.clone(), year.parse().ok()?, n.parse().ok()?))
}
