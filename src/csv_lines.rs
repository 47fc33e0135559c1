//! The physical line a CSV record starts on.
//!
//! The `csv` crate positions a record right after the previous record's terminator.
//! When that terminator is `\r\n` it has consumed only the `\r`, and it skips blank
//! lines only once it reads on: so with CRLF line endings, or blank lines between
//! records, its line number is one (or more) too low. [`Tracked`] passes the input
//! through and notes where the line-ending bytes are; [`Lines::start`] moves a
//! record's position past the line endings it starts on, to the line a person sees
//! in an editor (the header is line 1), whatever the line endings and however many
//! quoted line breaks came before.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};

/// Line-ending bytes (`\r`, `\n`) read but not yet passed by a record, by offset, and
/// the lines ended before them.
#[derive(Default)]
struct State {
    ends: VecDeque<(u64, u8)>,
    /// Lines ended before the first of `ends`: `\r\n`, a lone `\n` or a lone `\r`
    /// each end one.
    lines: u64,
    /// Offset of the last `\r` counted, so the `\n` right after it is not counted again.
    last_cr: Option<u64>,
}

impl State {
    /// Counts the line ending at `at`.
    fn pass(&mut self, at: u64, b: u8) {
        let after_cr = b == b'\n' && self.last_cr.is_some_and(|cr| cr + 1 == at);
        if !after_cr {
            self.lines += 1;
        }
        if b == b'\r' {
            self.last_cr = Some(at);
        }
    }
}

type Ends = Arc<Mutex<State>>;

/// A reader that notes the offsets of line-ending bytes as they pass.
pub struct Tracked<R> {
    inner: R,
    offset: u64,
    ends: Ends,
}

impl<R> Tracked<R> {
    /// Wraps `inner`; the [`Lines`] tell the lines of the records read through it.
    pub fn new(inner: R) -> (Tracked<R>, Lines) {
        let ends = Ends::default();
        let lines = Lines(ends.clone());
        (
            Tracked {
                inner,
                offset: 0,
                ends,
            },
            lines,
        )
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.ends.lock().unwrap_or_else(PoisonError::into_inner);
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                state.ends.push_back((self.offset + i as u64, b));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Tells the physical line of the records read through a [`Tracked`] reader.
#[derive(Clone)]
pub struct Lines(Ends);

impl Lines {
    /// The line (1-based) on which the record positioned at `pos` starts, counting
    /// `\r\n`, `\n` and a lone `\r` (classic Mac) each as one line ending, and moving
    /// past the line endings the position points at. Records must be asked about in
    /// the order they were read.
    pub fn start(&self, pos: &csv::Position) -> u64 {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let state = &mut *state;
        while let Some(&(at, b)) = state.ends.front().filter(|&&(at, _)| at < pos.byte()) {
            state.pass(at, b);
            state.ends.pop_front();
        }
        // The line endings right at the record's position, up to its first byte.
        let mut ahead = State {
            ends: VecDeque::new(),
            lines: state.lines,
            last_cr: state.last_cr,
        };
        for (next, &(at, b)) in (pos.byte()..).zip(state.ends.iter()) {
            if at != next {
                break;
            }
            ahead.pass(at, b);
        }
        ahead.lines + 1
    }
}

/// The problems of a file, as many as are worth listing: the first [`Problems::LISTED`]
/// in full, the rest counted (a file with a wrong column has a problem on every line,
/// and each may list dozens of allowed values).
#[derive(Debug, Default)]
pub struct Problems {
    listed: Vec<crate::error::FieldError>,
    more: u64,
}

impl Problems {
    /// Problems listed in full.
    pub const LISTED: usize = 100;

    pub fn push(&mut self, e: crate::error::FieldError) {
        match self.listed.len() < Self::LISTED {
            true => self.listed.push(e),
            false => self.more += 1,
        }
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = crate::error::FieldError>) {
        for e in errors {
            self.push(e);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// The problems in line order, with a last one counting those not listed.
    pub fn into_vec(mut self) -> Vec<crate::error::FieldError> {
        self.listed.sort_by_key(|e| e.line.unwrap_or(0));
        if self.more > 0 {
            self.listed.push(crate::error::FieldError::new(
                "file",
                format!(
                    "{} more problem(s) not listed; nothing was stored",
                    self.more
                ),
            ));
        }
        self.listed
    }
}

/// A small CSV file read whole: its header and every record with the line it starts
/// on (the header is line 1). Comma-separated, or semicolon-separated as Dutch Excel
/// saves it (recognised by a header without commas); a byte order mark is skipped. A
/// record the reader refuses is an `Err` with the reason, at its line.
pub struct Table {
    pub header: Vec<String>,
    pub records: Vec<(u64, Result<csv::StringRecord, String>)>,
}

impl Table {
    /// Reads `input`; an error when it is empty, not UTF-8 or unreadable.
    pub fn read(input: impl Read) -> Result<Table, String> {
        let mut text = String::new();
        let mut input = input;
        input.read_to_string(&mut text).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => {
                "the file is not UTF-8 (Windows-1252, say): save it as \"CSV UTF-8\" in Excel, or convert it".to_owned()
            }
            _ => format!("cannot read the file: {e}"),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        let delimiter = if !first.contains(',') && first.contains(';') {
            b';'
        } else {
            b','
        };
        let (tracked, lines) = Tracked::new(text.as_bytes());
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(tracked);
        let mut header: Vec<String> = reader
            .headers()
            .map_err(|e| format!("cannot read the header: {e}"))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        // Excel saves the empty columns right of a table as empty fields.
        while header.last().is_some_and(String::is_empty) && header.len() > 1 {
            header.pop();
        }
        if header.iter().all(String::is_empty) {
            return Err("the file is empty: it needs a header and rows".to_owned());
        }
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                // A row of empty fields (Excel's `;;;;` below a table) is no record.
                Ok(true) if record.iter().all(|f| f.trim().is_empty()) => {}
                Ok(true) => {
                    let line = record.position().map_or(0, |p| lines.start(p));
                    let mut fields: Vec<&str> = record.iter().collect();
                    while fields.len() > header.len()
                        && fields.last().is_some_and(|f| f.trim().is_empty())
                    {
                        fields.pop();
                    }
                    records.push((line, Ok(csv::StringRecord::from(fields))));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.start(p));
                    records.push((line, Err(e.to_string())));
                    if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                        break;
                    }
                }
            }
        }
        Ok(Table { header, records })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn lines_of_records(text: &str) -> Vec<u64> {
        let (tracked, lines) = Tracked::new(text.as_bytes());
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(tracked);
        let mut record = csv::StringRecord::new();
        let mut found = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            found.push(lines.start(record.position().unwrap()));
        }
        found
    }

    #[test]
    fn records_start_on_the_line_an_editor_shows_whatever_the_line_endings() {
        assert_eq!(lines_of_records("h\na\nb\n"), vec![2, 3]);
        assert_eq!(lines_of_records("h\r\na\r\nb\r\n"), vec![2, 3]);
        assert_eq!(lines_of_records("h\r\n\r\n\r\na\r\nb"), vec![4, 5]);
        assert_eq!(lines_of_records("h\n\"x\r\ny\"\r\nb\n"), vec![2, 4]);
        assert_eq!(
            lines_of_records("\u{feff}h\r\n\"1\n2\n3\"\r\n\r\nz\r\n"),
            vec![2, 6]
        );
    }
}
