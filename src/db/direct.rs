//! Direct SQLite access for the bulk paths (the Poldis report, the exchange CSV):
//! rusqlite reads stored text in place and reuses one prepared statement, where
//! diesel copies every field into a `String` and parses every timestamp with chrono's
//! format machinery. Everything else goes through diesel.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OpenFlags};

/// A read-only connection to the database file for a bulk read.
pub fn open_read(path: &str) -> rusqlite::Result<Connection> {
    // The first 512 MB of the file memory-mapped: a page fault maps several pages
    // where a read costs a system call per page; capped because mapped pages count as
    // the process's memory (a 1 GB map cost 0.4 GB more at ten million rows and was
    // no faster).
    open(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY,
        "PRAGMA cache_size = -65536; PRAGMA mmap_size = 536870912;",
    )
}

/// A read-only connection for a read that passes over the file once (the export):
/// no memory map and a small page cache, so the memory it holds stays small however
/// large the file (mapped pages count as the process's memory).
pub fn open_stream(path: &str) -> rusqlite::Result<Connection> {
    open(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY,
        "PRAGMA cache_size = -8192; PRAGMA mmap_size = 0;",
    )
}

/// A connection for a bulk write: the pool's `synchronous` setting, and a page cache
/// that holds the indexes a bulk load touches (256 MB instead of SQLite's default
/// 2 MB). Foreign keys are not checked: a bulk writer checks its rows against the
/// same reference tables before it stores them, and the keys would only look
/// everything up a second time.
pub fn open_write(path: &str) -> rusqlite::Result<Connection> {
    let pragmas = format!(
        "PRAGMA foreign_keys = OFF; PRAGMA synchronous = {}; PRAGMA cache_size = -262144; \
         PRAGMA temp_store = MEMORY;",
        super::synchronous()
    );
    open(path, OpenFlags::SQLITE_OPEN_READ_WRITE, &pragmas)
}

/// Switches the file to a rollback journal when no other connection has it open, and
/// answers whether it did. Pages a transaction adds at the end of the file are then
/// written once, where the write-ahead log writes every page twice (into the log,
/// then into the file); a bulk load into a new database takes less than half the
/// time (`benches/exchange.sh`). Other connections wait until [`share`] switches back:
/// the file is this connection's alone meanwhile. A crash in between leaves a journal
/// that the next connection rolls back before it switches to the log again.
///
/// The pool opens no connection behind its callers' backs (see `Db::open`), so after
/// `Db::close` none of dira's own is left; a connection of another process that is
/// just closing may still be: the switch is asked again for up to [`ALONE_WAIT`]
/// before the file counts as shared.
pub fn take_alone(conn: &Connection) -> bool {
    let deadline = std::time::Instant::now() + ALONE_WAIT;
    // Leaving the log needs every other connection gone; asking costs nothing.
    let _ = conn.busy_timeout(std::time::Duration::ZERO);
    let alone = loop {
        let mode = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
            r.get::<_, String>(0)
        });
        let alone = mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete"));
        if alone || std::time::Instant::now() >= deadline {
            break alone;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let _ = conn.busy_timeout(BUSY_TIMEOUT);
    alone
}

/// How long [`take_alone`] waits for connections that are closing.
const ALONE_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Back to the write-ahead log after [`take_alone`].
pub fn share(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
}

/// How long a statement waits for another connection's lock, as the pool's do.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn open(path: &str, mode: OpenFlags, pragmas: &str) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, mode | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch(pragmas)?;
    Ok(conn)
}

/// The incidents table cut into ranges of at most about `rows` rowids each (see
/// [`rowid_ranges`]), for work whose memory grows with a range.
pub fn rowid_ranges_of(conn: &Connection, rows: i64) -> rusqlite::Result<Vec<(i64, i64)>> {
    let Some((min, max)) = rowid_bounds(conn)? else {
        return Ok(Vec::new());
    };
    let rows = rows.max(1);
    let parts = (max - min + 1 + rows - 1) / rows;
    Ok(split(min, max, parts.max(1)))
}

/// The incidents table cut into `parts` ranges of rowids `[start, end)` of about
/// equal size, in storage order: SQLite numbers rows as it stores them, so a range is
/// a plain scan of the table (no index look-up per row). Empty for an empty table.
pub fn rowid_ranges(conn: &Connection, parts: usize) -> rusqlite::Result<Vec<(i64, i64)>> {
    Ok(
        rowid_bounds(conn)?
            .map_or_else(Vec::new, |(min, max)| split(min, max, parts.max(1) as i64)),
    )
}

/// The smallest and largest rowid of the incidents; `None` for an empty table.
fn rowid_bounds(conn: &Connection) -> rusqlite::Result<Option<(i64, i64)>> {
    let (min, max): (Option<i64>, Option<i64>) =
        conn.query_row("SELECT min(rowid), max(rowid) FROM incidents", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(min.zip(max))
}

/// `[min, max]` cut into `parts` ranges `[start, end)` of about equal size.
fn split(min: i64, max: i64, parts: i64) -> Vec<(i64, i64)> {
    let span = max - min + 1;
    (0..parts)
        .map(|i| (min + span * i / parts, min + span * (i + 1) / parts))
        .filter(|(start, end)| start < end)
        .collect()
}

/// The number written in `b[range]` (ASCII digits only).
fn digits(b: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    b.get(range)?.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// The `YYYY-MM-DD` at the start of `b`.
fn ymd(b: &[u8]) -> Option<NaiveDate> {
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(b, 0..4)? as i32, digits(b, 5..7)?, digits(b, 8..10)?)
}

/// Diesel's SQLite text form of a timestamp: `YYYY-MM-DD HH:MM:SS[.fffffffff]`.
/// (chrono's `parse_from_str` interprets its format string on every call: too slow
/// for millions of rows.)
pub fn stored_timestamp(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.get(10) != Some(&b' ') {
        return None;
    }
    let nanos = match b.get(19) {
        Some(b'.') => {
            let n = (b.len() - 20).min(9);
            digits(b, 20..20 + n)? * 10u32.pow(9 - n as u32)
        }
        _ => 0,
    };
    ymd(b)?.and_hms_nano_opt(
        digits(b, 11..13)?,
        digits(b, 14..16)?,
        digits(b, 17..19)?,
        nanos,
    )
}

/// A stored date, `YYYY-MM-DD`.
pub fn stored_date(text: &str) -> Option<NaiveDate> {
    (text.len() == 10).then(|| ymd(text.as_bytes())).flatten()
}

/// [`stored_date`]'s text of a date: `YYYY-MM-DD`, as diesel writes it.
pub fn date_text(d: NaiveDate) -> String {
    use chrono::Datelike;
    let mut out = String::with_capacity(10);
    crate::dates::push_digits(&mut out, d.year() as u32, 4);
    out.push('-');
    crate::dates::push_digits(&mut out, d.month(), 2);
    out.push('-');
    crate::dates::push_digits(&mut out, d.day(), 2);
    out
}

/// [`stored_timestamp`]'s text of a timestamp, as diesel writes it (`%F %T%.f`),
/// without chrono's format interpreter.
pub fn timestamp_text(at: NaiveDateTime) -> String {
    use chrono::Timelike;
    let mut out = date_text(at.date());
    out.reserve(16);
    for (separator, value) in [(' ', at.hour()), (':', at.minute()), (':', at.second())] {
        out.push(separator);
        crate::dates::push_digits(&mut out, value, 2);
    }
    crate::dates::push_fraction(&mut out, at.nanosecond());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_timestamps_read_back_as_diesel_wrote_them() {
        for t in [
            "2024-12-31 23:30:00",
            "2024-03-01 13:30:05.500",
            "2025-06-30 00:00:00.123456",
            "0999-01-09 07:08:09.000000001",
        ] {
            let parsed = stored_timestamp(t).expect(t);
            let diesel_form = parsed.format("%F %T%.f").to_string();
            assert_eq!(diesel_form, t);
            assert_eq!(timestamp_text(parsed), t);
            assert_eq!(date_text(parsed.date()), parsed.format("%F").to_string());
        }
        assert_eq!(stored_timestamp("2024-13-01 00:00:00"), None);
        assert_eq!(stored_timestamp("2024-12-01T00:00:00"), None);
        assert_eq!(
            stored_date("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(stored_date("2023-02-29"), None);
        assert_eq!(stored_date("2024-02-291"), None);
    }
}
