//! Scanning a general incidents CSV (`source_reference,registered_at,unit,
//! municipality,incident_code,narrative`) and storing what matches.

use std::collections::HashSet;
use std::io::Read;

use diesel::prelude::*;

use super::Matcher;
use crate::codes::Catalog;
use crate::dates;
use crate::db::schema::candidates;
use crate::db::AnyConnection;
use crate::incidents::draft::{MAX_NARRATIVE, MAX_TEXT};

pub const DEFAULT_TERMS: &str = include_str!("../../fixtures/candidate-terms.txt");
pub const DEFAULT_CODES: &str = include_str!("../../fixtures/candidate-codes.txt");
const COLUMNS: [&str; 6] = [
    "source_reference",
    "registered_at",
    "unit",
    "municipality",
    "incident_code",
    "narrative",
];
const CHUNK: usize = 1000;
/// Records handed from the parsing thread to the matching one at a time.
const BATCH: usize = 1024;

/// One general incident that matched.
#[derive(Debug, Clone)]
pub struct Match {
    pub source_reference: String,
    pub unit: String,
    /// Matched terms, then matched codes.
    pub matched: Vec<String>,
}

#[derive(Debug, Default)]
pub struct ScanReport {
    pub rows: u64,
    pub narrative_bytes: u64,
    pub matches: Vec<Match>,
    /// Matches stored now (not in the queue before).
    pub stored: u64,
    /// `line N: FIELD: message` for rows that could not be read.
    pub problems: Vec<String>,
}

struct Pending {
    source_reference: String,
    registered_at: chrono::NaiveDateTime,
    unit: String,
    municipality: Option<String>,
    incident_code: String,
    narrative: String,
    matched: String,
}

/// Reads `input`, matches every row, stores new matches as OPEN candidates in one
/// transaction. Rows with an unknown unit or a bad timestamp are reported and skipped.
pub fn scan(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    input: impl Read + Send,
    terms: &str,
    codes: &str,
    found_at: chrono::NaiveDateTime,
) -> anyhow::Result<ScanReport> {
    let mut matcher = Matcher::from_list(terms)?;
    let (codes, code_problems) = code_list(codes);
    let (tracked, lines) = crate::csv_lines::Tracked::new(input);
    let mut reader = csv::Reader::from_reader(tracked);
    let index = column_index(&mut reader)?;
    let mut report = ScanReport::default();
    report.problems.extend(matcher.problems.iter().cloned());
    report.problems.extend(code_problems);
    let mut pending = Vec::new();
    // One thread parses the CSV while this one matches: the two halves of the work
    // take about as long, and the machine has two cores. Batches of records go back
    // and forth so their buffers are reused.
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<csv::Result<Batch>>(4);
    let (empty_tx, empty_rx) = std::sync::mpsc::sync_channel::<Vec<csv::StringRecord>>(8);
    for _ in 0..6 {
        let _ = empty_tx.send(vec![csv::StringRecord::new(); BATCH]);
    }
    std::thread::scope(|threads| {
        threads.spawn(move || read_batches(&mut reader, &lines, &empty_rx, &full_tx));
        // Owned here so that both channels close when matching stops, early or not,
        // and the parsing thread ends instead of waiting.
        let (full_rx, empty_tx) = (full_rx, empty_tx);
        let outcome = conn.transaction(|conn| {
            // Beside `dira serve` or another scan (SQLite).
            crate::db::take_write_lock(conn)?;
            for message in full_rx.iter() {
                let (batch, filled) = message?;
                for record in &batch[..filled] {
                    match_record(
                        record,
                        &index,
                        &mut matcher,
                        &codes,
                        catalog,
                        &mut report,
                        &mut pending,
                    );
                    if pending.len() == CHUNK {
                        report.stored += store(conn, &mut pending, found_at)?;
                    }
                }
                let _ = empty_tx.send(batch);
            }
            report.stored += store(conn, &mut pending, found_at)?;
            anyhow::Ok(())
        });
        drop(full_rx);
        drop(empty_tx);
        outcome
    })?;
    Ok(report)
}

/// A batch of records and how many of them are filled.
type Batch = (Vec<csv::StringRecord>, usize);

/// The parsing half of the scan: fills the empty batches it is given with records
/// (each positioned at its physical line) and passes them on, until the input ends,
/// fails, or the matching half stops.
fn read_batches<R: Read>(
    reader: &mut csv::Reader<R>,
    lines: &crate::csv_lines::Lines,
    empty_rx: &std::sync::mpsc::Receiver<Vec<csv::StringRecord>>,
    full_tx: &std::sync::mpsc::SyncSender<csv::Result<Batch>>,
) {
    while let Ok(mut batch) = empty_rx.recv() {
        let mut filled = 0;
        let mut failure = None;
        while filled < BATCH {
            match reader.read_record(&mut batch[filled]) {
                Ok(true) => {
                    // The physical line, for the problems reported by line.
                    let record = &mut batch[filled];
                    let start = record.position().map(|p| {
                        let mut p = p.clone();
                        p.set_line(lines.start(&p));
                        p
                    });
                    record.set_position(start);
                    filled += 1;
                }
                Ok(false) => break,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        let last = filled < BATCH || failure.is_some();
        let message = match failure {
            Some(e) => Err(e),
            None => Ok((batch, filled)),
        };
        if full_tx.send(message).is_err() || last {
            break;
        }
    }
}

/// The position of each of [`COLUMNS`] in the header; an error naming a missing one.
fn column_index<R: Read>(reader: &mut csv::Reader<R>) -> anyhow::Result<Vec<usize>> {
    let header: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let position = |name: &str| header.iter().position(|h| h == name);
    COLUMNS
        .iter()
        .map(|c| {
            position(c).ok_or_else(|| {
                anyhow::anyhow!("column {c:?} missing; the header is {}", COLUMNS.join(","))
            })
        })
        .collect()
}

/// The codes of a codes file: one per line (a byte order mark at the start skipped),
/// `#` starts a comment. An entry no general incident code can equal (white space or
/// invisible characters inside) is reported as `line N: code …: …` and left out.
fn code_list(codes: &str) -> (HashSet<&str>, Vec<String>) {
    let codes = codes.strip_prefix('\u{feff}').unwrap_or(codes);
    let mut problems = Vec::new();
    let mut list = HashSet::new();
    for (n, line) in codes.lines().enumerate() {
        let code = line.split('#').next().unwrap_or_default().trim();
        if code.is_empty() {
            continue;
        }
        let odd = code
            .chars()
            .find(|&c| c.is_whitespace() || c.is_control() || super::matcher::is_ignored_format(c));
        match odd {
            Some(c) => problems.push(format!(
                "line {}: code {code:?}: holds U+{:04X}, which no code holds; left out",
                n + 1,
                u32::from(c)
            )),
            None => {
                list.insert(code);
            }
        }
    }
    (list, problems)
}

/// Matches one general incident; a match joins `pending` (to be stored) and the report.
fn match_record(
    record: &csv::StringRecord,
    index: &[usize],
    matcher: &mut Matcher,
    codes: &HashSet<&str>,
    catalog: &Catalog,
    report: &mut ScanReport,
    pending: &mut Vec<Pending>,
) {
    report.rows += 1;
    let line = record.position().map_or(0, |p| p.line());
    let field = |i: usize| record.get(index[i]).unwrap_or_default().trim();
    let narrative = field(5);
    report.narrative_bytes += narrative.len() as u64;
    let mut matched: Vec<String> = matcher
        .find(narrative)
        .into_iter()
        .map(str::to_owned)
        .collect();
    if codes.contains(field(4)) {
        matched.push(field(4).to_owned());
    }
    if matched.is_empty() {
        return;
    }
    let unit = field(2);
    if let Err(e) = catalog.check_unit(unit) {
        report.problems.push(format!(
            "line {line}: {}: {}; row skipped",
            e.field, e.message
        ));
        return;
    }
    // What a screener could never take over (domain.md: the same rules as a
    // registration) is reported now rather than stored.
    let narrative = crate::text::unify_line_breaks(narrative.to_owned());
    for (name, value, max, multiline) in [
        ("source_reference", field(0), MAX_TEXT, false),
        ("municipality", field(3), MAX_TEXT, false),
        ("incident_code", field(4), MAX_TEXT, false),
        ("narrative", narrative.as_str(), MAX_NARRATIVE, true),
    ] {
        let problem = if name == "source_reference" && value.is_empty() {
            Some("is required: the candidate is known by it".to_owned())
        } else if value.chars().count() > max {
            Some(format!("is longer than {max} characters"))
        } else {
            crate::text::check(value, multiline).err()
        };
        if let Some(m) = problem {
            report
                .problems
                .push(format!("line {line}: {name}: {m}; row skipped"));
            return;
        }
    }
    let registered_at = match dates::parse_timestamp(field(1)) {
        Ok(t) => t.naive_utc(),
        Err(m) => {
            report
                .problems
                .push(format!("line {line}: registered_at: {m}; row skipped"));
            return;
        }
    };
    report.matches.push(Match {
        source_reference: field(0).to_owned(),
        unit: unit.to_owned(),
        matched: matched.clone(),
    });
    pending.push(Pending {
        source_reference: field(0).to_owned(),
        registered_at,
        unit: unit.to_owned(),
        municipality: Some(field(3).to_owned()).filter(|m| !m.is_empty()),
        incident_code: field(4).to_owned(),
        narrative,
        matched: matched.join("|"),
    });
}

/// Inserts the pending matches not stored before (by source reference).
fn store(
    conn: &mut AnyConnection,
    pending: &mut Vec<Pending>,
    found_at: chrono::NaiveDateTime,
) -> anyhow::Result<u64> {
    if pending.is_empty() {
        return Ok(0);
    }
    let references: Vec<&str> = pending
        .iter()
        .map(|p| p.source_reference.as_str())
        .collect();
    let known: HashSet<String> = candidates::table
        .filter(candidates::source_reference.eq_any(references))
        .select(candidates::source_reference)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    let rows: Vec<_> = pending
        .drain(..)
        .filter(|p| !known.contains(&p.source_reference) && seen.insert(p.source_reference.clone()))
        .map(|p| {
            (
                candidates::id.eq(uuid::Uuid::now_v7().to_string()),
                candidates::source_reference.eq(p.source_reference),
                candidates::registered_at.eq(p.registered_at),
                candidates::unit.eq(p.unit),
                candidates::municipality.eq(p.municipality),
                candidates::incident_code.eq(p.incident_code),
                candidates::narrative.eq(p.narrative),
                candidates::matched.eq(p.matched),
                candidates::status.eq(crate::candidates::CandidateState::Open.as_str()),
                candidates::found_at.eq(found_at),
            )
        })
        .collect();
    // A scan of the same file running at once elsewhere (another replica, another
    // operator) may have stored a reference since the look-up: it keeps it, this one
    // counts only what it stored.
    let mut stored = 0;
    for chunk in rows.chunks(500) {
        let insert = diesel::insert_into(candidates::table)
            .values(chunk)
            .on_conflict(candidates::source_reference)
            .do_nothing();
        stored += crate::per_backend!(&mut *conn, |c| insert.execute(c))?;
    }
    Ok(stored as u64)
}
