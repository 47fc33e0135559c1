//! `COPY (SELECT …) TO STDOUT` on PostgreSQL: the bulk read of the export and the
//! Poldis load. Rows arrive in PostgreSQL's text format and are decoded in place,
//! one reused buffer for every row.
//!
//! It runs on a libpq connection of its own (pq-sys, the library under diesel's
//! `PgConnection`, so the URL, `PGPASSWORD`, `~/.pgpass` and every other libpq
//! setting mean what they mean for the pool), opened for the one read and closed
//! after it: diesel's `copy_to` copies whole tables only (no `WHERE`, no `ORDER BY`)
//! and leaves its connection in COPY state afterwards
//! (`../shared/notes/stack-check-2.md`, section 6), which would poison the pool.
//! At most [`AT_ONCE`] such connections are open at once in a process; more wait
//! their turn.

use std::ops::Range;
use std::sync::{mpsc, Condvar, Mutex};

use anyhow::{bail, Context};

use super::libpq::Libpq;

/// Bulk-read connections open at once per process, at most: each is one beside the
/// pool's, so a burst of reports cannot use up the server's `max_connections`.
pub const AT_ONCE: usize = 4;

/// A connection for one consistent bulk read: every statement sees the same
/// snapshot (`REPEATABLE READ`, read only) until it is dropped.
pub struct CopyOut {
    conn: Libpq,
    /// Given back when the last of the parts that share it is dropped.
    _slot: std::sync::Arc<Slot>,
}

impl CopyOut {
    /// Waits for one of the [`AT_ONCE`] slots, connects to `url` and starts the
    /// read's transaction, with the settings the text format is decoded with: ISO
    /// dates (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.f]`, which
    /// [`super::direct::stored_timestamp`] reads), UTF-8, and standard strings (so
    /// [`literal`] needs no backslash escapes).
    pub fn connect(url: &str) -> anyhow::Result<CopyOut> {
        let mut all = CopyOut::connect_parts(url, 1)?;
        all.pop().context("no connection")
    }

    /// `parts` connections (at most [`AT_ONCE`]) as [`CopyOut::connect`] makes one,
    /// all reading the first one's snapshot (`pg_export_snapshot`), so parts of one
    /// read can be read at once and fit together exactly.
    pub fn connect_parts(url: &str, parts: usize) -> anyhow::Result<Vec<CopyOut>> {
        let parts = parts.clamp(1, AT_ONCE);
        let slot = Slot::take(parts);
        let connect = || {
            let mut conn = Libpq::connect(url)
                .with_context(|| format!("cannot connect to {}", super::redact(url)))?;
            conn.execute(
                "SET DateStyle = ISO; SET standard_conforming_strings = on; \
                 SET client_encoding = 'UTF8'; \
                 BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            )?;
            anyhow::Ok(conn)
        };
        let mut first = connect()?;
        let mut conns = Vec::with_capacity(parts);
        if parts > 1 {
            let snapshot = literal(&first.value("SELECT pg_export_snapshot()")?)?;
            for _ in 1..parts {
                let mut conn = connect()?;
                conn.execute(&format!("SET TRANSACTION SNAPSHOT {snapshot}"))?;
                conns.push(conn);
            }
        }
        conns.insert(0, first);
        let slot = std::sync::Arc::new(slot);
        Ok(conns
            .into_iter()
            .map(|conn| CopyOut {
                conn,
                _slot: slot.clone(),
            })
            .collect())
    }

    /// The single value `sql` answers, as text.
    pub fn text(&mut self, sql: &str) -> anyhow::Result<String> {
        self.conn.value(sql)
    }

    /// The single number `sql` answers (a `count(*)`).
    pub fn number(&mut self, sql: &str) -> anyhow::Result<i64> {
        let text = self.conn.value(sql)?;
        text.parse()
            .with_context(|| format!("{sql:?} answered {text:?}, not a number"))
    }

    /// Runs `COPY (select) TO STDOUT` and hands every row to `each`, in the order
    /// the query gives; answers how many rows there were. `select` is SQL text: COPY
    /// takes no parameters, so values go in as [`literal`]s.
    ///
    /// A thread of its own receives the rows (the protocol, the socket) into batches
    /// while this one decodes them and runs `each`: the two take about as long.
    pub fn rows(
        &mut self,
        select: &str,
        mut each: impl FnMut(&CopiedRow<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<u64> {
        let conn = &mut self.conn;
        let command = format!("COPY ({select}) TO STDOUT");
        let (full, received) = mpsc::sync_channel::<anyhow::Result<Vec<u8>>>(AHEAD);
        // Decoded batches go back to be filled again.
        let (give_back, returned) = mpsc::channel::<Vec<u8>>();
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("copy-receive".into())
                .spawn_scoped(s, move || {
                    if let Err(e) = receive(conn, &command, &full, &returned) {
                        let _ = full.send(Err(e));
                    }
                })
                .context("cannot start receiving")?;
            let (mut data, mut fields) = (Vec::new(), Vec::new());
            let mut count = 0;
            for batch in received {
                let mut batch = batch?;
                // Every batch holds whole rows, each ending in a new line.
                for row in batch.split_inclusive(|&b| b == b'\n') {
                    let Some(row) = row.strip_suffix(b"\n") else {
                        bail!("COPY sent a row without its end");
                    };
                    decode(row, &mut data, &mut fields);
                    each(&CopiedRow::new(&data, &fields))?;
                    count += 1;
                }
                batch.clear();
                let _ = give_back.send(batch);
            }
            Ok(count)
        })
    }
}

/// Bytes of rows per batch handed from the receiving thread to the decoding one.
const BATCH: usize = 1 << 20;
/// Batches received ahead of the one being decoded, at most.
const AHEAD: usize = 4;

/// Runs `command` and sends its rows in batches of whole rows, until the end or
/// until nobody listens.
fn receive(
    conn: &mut Libpq,
    command: &str,
    full: &mpsc::SyncSender<anyhow::Result<Vec<u8>>>,
    returned: &mpsc::Receiver<Vec<u8>>,
) -> anyhow::Result<()> {
    conn.start_copy_out(command)?;
    let mut ended = false;
    while !ended {
        let mut batch = returned
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH + (64 << 10)));
        while batch.len() < BATCH {
            let Some(row) = conn.copy_row()? else {
                ended = true;
                break;
            };
            batch.extend_from_slice(row.bytes());
        }
        if full.send(Ok(batch)).is_err() {
            break;
        }
    }
    Ok(())
}

/// Connections of the [`AT_ONCE`] bulk-read connections, given back when dropped.
struct Slot(usize);

static SLOTS: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

impl Slot {
    /// Waits until `n` (at most [`AT_ONCE`]) are free, and takes them together: a read
    /// in parts never holds some while waiting for the others.
    fn take(n: usize) -> Slot {
        let (used, freed) = &SLOTS;
        let mut used = used.lock().unwrap_or_else(|e| e.into_inner());
        while *used + n > AT_ONCE {
            used = freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += n;
        Slot(n)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (used, freed) = &SLOTS;
        let mut used = used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.0;
        freed.notify_all();
    }
}

/// One row of a [`CopyOut::rows`], its fields by position (0-based).
pub struct CopiedRow<'a> {
    data: &'a [u8],
    fields: &'a [Option<Range<usize>>],
}

impl<'a> CopiedRow<'a> {
    fn new(data: &'a [u8], fields: &'a [Option<Range<usize>>]) -> Self {
        CopiedRow { data, fields }
    }

    /// The field's bytes, `None` for SQL NULL (or a position past the last field).
    pub fn bytes(&self, i: usize) -> Option<&'a [u8]> {
        let data = self.data;
        self.fields.get(i)?.as_ref().map(|r| &data[r.clone()])
    }

    /// The field as text.
    pub fn text(&self, i: usize) -> anyhow::Result<Option<&'a str>> {
        self.bytes(i)
            .map(std::str::from_utf8)
            .transpose()
            .with_context(|| format!("column {i} is not UTF-8"))
    }

    /// The field as text; an error when it is NULL.
    pub fn required(&self, i: usize) -> anyhow::Result<&'a str> {
        self.text(i)?.with_context(|| format!("column {i} is NULL"))
    }

    /// The field as a whole number.
    pub fn integer(&self, i: usize) -> anyhow::Result<Option<i32>> {
        self.text(i)?
            .map(|t| t.parse().with_context(|| format!("column {i}: {t:?}")))
            .transpose()
    }
}

/// `value` as an SQL string literal (with `standard_conforming_strings` on, which
/// [`CopyOut::connect`] sets: quotes doubled, backslashes as they are). A NUL
/// character cannot be in PostgreSQL text and is refused.
pub fn literal(value: &str) -> anyhow::Result<String> {
    if value.contains('\0') {
        bail!("{value:?} holds a NUL character");
    }
    Ok(format!("'{}'", value.replace('\'', "''")))
}

/// Decodes one row of COPY's text format (without its newline) into `data`, and
/// the position of each field in it into `fields` (`None` for `\N`, SQL NULL).
/// Fields are separated by tabs; a backslash escapes (PostgreSQL's `COPY` text
/// format: `\b \f \n \r \t \v \\`, octal `\ooo`, hex `\xhh`, else the character
/// itself).
fn decode(line: &[u8], data: &mut Vec<u8>, fields: &mut Vec<Option<Range<usize>>>) {
    data.clear();
    fields.clear();
    let mut at = 0;
    loop {
        let rest = &line[at..];
        if rest.starts_with(b"\\N") && matches!(rest.get(2), None | Some(b'\t')) {
            fields.push(None);
            at += 2;
        } else {
            let start = data.len();
            at = decode_field(line, at, data);
            fields.push(Some(start..data.len()));
        }
        if at >= line.len() {
            break;
        }
        at += 1; // the tab
    }
}

/// Decodes the field starting at `at` into `data`; answers where it ends (at its
/// tab, or the end of the line).
fn decode_field(line: &[u8], mut at: usize, data: &mut Vec<u8>) -> usize {
    loop {
        let Some(n) = memchr::memchr2(b'\t', b'\\', &line[at..]) else {
            data.extend_from_slice(&line[at..]);
            return line.len();
        };
        data.extend_from_slice(&line[at..at + n]);
        at += n;
        if line[at] == b'\t' {
            return at;
        }
        at = unescape(line, at + 1, data);
    }
}

/// The character escaped by the backslash before `at`, pushed onto `data`; answers
/// where the escape ends.
fn unescape(line: &[u8], at: usize, data: &mut Vec<u8>) -> usize {
    let Some(&c) = line.get(at) else {
        return at;
    };
    let simple = match c {
        b'b' => Some(8),
        b'f' => Some(12),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(11),
        b'0'..=b'7' | b'x' => None,
        other => Some(other),
    };
    if let Some(byte) = simple {
        data.push(byte);
        return at + 1;
    }
    let (radix, start, most) = if c == b'x' {
        (16, at + 1, 2)
    } else {
        (8, at, 3)
    };
    let digits = line[start..]
        .iter()
        .take(most)
        .take_while(|b| (**b as char).is_digit(radix))
        .count();
    if digits == 0 {
        // `\x` without a hex digit is an `x`.
        data.push(c);
        return at + 1;
    }
    let text = std::str::from_utf8(&line[start..start + digits]).unwrap_or("0");
    data.push(u32::from_str_radix(text, radix).unwrap_or(0) as u8);
    start + digits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<Option<String>> {
        let (mut data, mut ranges) = (Vec::new(), Vec::new());
        decode(line.as_bytes(), &mut data, &mut ranges);
        ranges
            .into_iter()
            .map(|r| r.map(|r| String::from_utf8_lossy(&data[r]).into_owned()))
            .collect()
    }

    #[test]
    fn fields_are_split_at_tabs_and_null_is_none() {
        assert_eq!(
            fields("a\t\\N\t\tb"),
            vec![Some("a".into()), None, Some("".into()), Some("b".into())]
        );
        assert_eq!(fields(""), vec![Some("".into())]);
        assert_eq!(fields("\\N"), vec![None]);
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(
            fields("regel 1\\nregel 2\\ttab\\\\slash\\r\\b\\f\\v\tx"),
            vec![
                Some("regel 1\nregel 2\ttab\\slash\r\u{8}\u{c}\u{b}".into()),
                Some("x".into())
            ]
        );
        assert_eq!(fields("\\101\\x42\\7z\\q"), vec![Some("AB\u{7}zq".into())]);
        // `\N` inside a field is an N, not NULL.
        assert_eq!(fields("a\\N"), vec![Some("aN".into())]);
        assert_eq!(fields("\\Nb"), vec![Some("Nb".into())]);
    }

    #[test]
    fn literals_double_quotes_and_refuse_nul() {
        assert_eq!(literal("O'Brien \\").expect("a literal"), "'O''Brien \\'");
        assert!(literal("a\0b").is_err());
    }
}
