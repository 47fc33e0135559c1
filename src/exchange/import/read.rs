//! Reading the file: the delimiter sniffed from the header, every record parsed and
//! validated (`super::super::parse`), on a thread of its own that hands over chunks of
//! valid rows and the problems found, and answers the file's SHA-256.

use std::collections::HashSet;
use std::io::{Chain, Cursor, Read};
use std::sync::mpsc;

use chrono::NaiveDateTime;
use csv::{ReaderBuilder, StringRecord};
use sha2::{Digest, Sha256};

use super::{ImportFailure, CHUNK};
use crate::codes::Catalog;
use crate::csv_lines::{Lines, Tracked};
use crate::error::FieldError;
use crate::exchange::columns::Header;
use crate::exchange::parse::parse_row;
use crate::incidents::IncidentRow;

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

/// What the parsing thread hands over: the valid rows of a stretch of the file with
/// their lines, the problems found in it, and how far it has read.
pub(super) struct Chunk {
    pub rows: Vec<(u64, IncidentRow)>,
    pub errors: Vec<FieldError>,
    pub rows_read: u64,
    pub bytes_read: u64,
}

impl Chunk {
    /// An empty chunk in `rows` (cleared), after `rows_read` data rows.
    fn new(mut rows: Vec<(u64, IncidentRow)>, rows_read: u64) -> Chunk {
        rows.clear();
        Chunk {
            rows,
            errors: Vec::new(),
            rows_read,
            bytes_read: 0,
        }
    }
}

/// The file as the CSV reader reads it: the sniffed first line again, then the rest,
/// hashed, with the line each record starts on tracked.
type Source<R> = Tracked<Chain<Cursor<Vec<u8>>, Fingerprinting<R>>>;

/// The file opened as CSV, its header read and mapped.
struct Opened<R> {
    reader: csv::Reader<Source<R>>,
    header: Header,
    lines: Lines,
}

impl<R: Read> Opened<R> {
    /// Sniffs the delimiter and reads the header.
    fn open(input: R) -> Result<Opened<R>, ImportFailure> {
        let mut input = Fingerprinting {
            inner: input,
            hash: Sha256::new(),
            bytes: 0,
        };
        let (first, delimiter) = sniff(&mut input)
            .map_err(|e| ImportFailure::Unreadable(format!("cannot read the file: {e}")))?;
        let (tracked, lines) = Tracked::new(Cursor::new(first).chain(input));
        let mut reader = ReaderBuilder::new()
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(tracked);
        let header = reader
            .headers()
            .map_err(|e| ImportFailure::Unreadable(format!("cannot read the header: {e}")))
            .and_then(|h| Header::parse(h).map_err(ImportFailure::Unreadable))?;
        Ok(Opened {
            reader,
            header,
            lines,
        })
    }

    /// What has passed through so far.
    fn fingerprinting(&self) -> &Fingerprinting<R> {
        self.reader.get_ref().get_ref().get_ref().1
    }
}

/// A record the reader refused: the answer for the whole file when it cannot be read
/// on (an I/O error, or not UTF-8); else the row's problem, at `line`.
fn refused(e: &csv::Error, line: u64, lines: &Lines) -> Result<FieldError, ImportFailure> {
    match e.kind() {
        csv::ErrorKind::Io(io) => Err(ImportFailure::Unreadable(format!(
            "cannot read the file: {io}"
        ))),
        // One clear answer for the whole file rather than one per row.
        csv::ErrorKind::Utf8 { pos, .. } => {
            let at = pos.as_ref().map_or(line, |p| lines.start(p));
            Err(ImportFailure::Unreadable(format!(
                "line {at}: the file is not UTF-8 (Windows-1252, say): save it as \"CSV UTF-8\" in Excel, or convert it"
            )))
        }
        _ => {
            let line = e.position().map_or(line, |p| lines.start(p));
            Ok(FieldError::new("row", e.to_string()).at_line(line))
        }
    }
}

/// Validates records into rows: each number once in the file.
struct Validator<'a> {
    header: &'a Header,
    catalog: &'a Catalog,
    user: &'a str,
    at: NaiveDateTime,
    in_file: HashSet<String>,
}

impl Validator<'_> {
    /// The record starting on `line` into `chunk`: a valid row, or its problems.
    fn check(&mut self, record: &StringRecord, line: u64, chunk: &mut Chunk) {
        let width = self.header.width();
        if record.len() != width {
            let message = format!("has {} fields, the header has {width}", record.len());
            chunk
                .errors
                .push(FieldError::new("row", message).at_line(line));
            return;
        }
        match parse_row(self.header, record, self.catalog, self.user, self.at) {
            Ok(row) if !self.in_file.insert(row.registration_number.clone()) => chunk.errors.push(
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
    }
}

/// Reads, parses and validates the file, sending chunks of rows; answers the file's
/// fingerprint. Stops early when nobody listens any more. Rows sent back on `used`
/// are cleared and filled again.
pub(super) fn parse(
    input: impl Read,
    catalog: &Catalog,
    user: &str,
    at: chrono::NaiveDateTime,
    out: mpsc::SyncSender<Result<Chunk, ImportFailure>>,
    used: mpsc::Receiver<Vec<(u64, IncidentRow)>>,
) -> String {
    let mut file = match Opened::open(input) {
        Ok(file) => file,
        Err(e) => {
            let _ = out.send(Err(e));
            return String::new();
        }
    };
    let mut validator = Validator {
        header: &file.header,
        catalog,
        user,
        at,
        in_file: HashSet::new(),
    };
    let mut record = StringRecord::new();
    let mut chunk = Chunk::new(Vec::with_capacity(CHUNK), 0);
    loop {
        let line = file.reader.position().line();
        match file.reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                chunk.rows_read += 1;
                let line = record.position().map_or(line, |p| file.lines.start(p));
                validator.check(&record, line, &mut chunk);
            }
            Err(e) => match refused(&e, line, &file.lines) {
                Ok(error) => {
                    chunk.rows_read += 1;
                    chunk.errors.push(error);
                }
                Err(failure) => {
                    let _ = out.send(Err(failure));
                    return String::new();
                }
            },
        }
        if chunk.rows.len() == CHUNK {
            chunk.bytes_read = file.fingerprinting().bytes;
            let rows = used
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
            let next = Chunk::new(rows, chunk.rows_read);
            if out.send(Ok(std::mem::replace(&mut chunk, next))).is_err() {
                return String::new();
            }
        }
    }
    chunk.bytes_read = file.fingerprinting().bytes;
    let _ = out.send(Ok(chunk));
    hex::encode(file.fingerprinting().hash.clone().finalize())
}
