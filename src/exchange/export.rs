//! Writing the exchange CSV: RFC 4180, RFC 3339 timestamps with the Amsterdam offset,
//! streamed so memory stays flat however many incidents there are. Rows come in the
//! order they were stored in: SQLite's storage order, PostgreSQL's id order (ids are
//! time-ordered), so an export of an import keeps the file's order.

use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};

use super::columns::COLUMNS;
use crate::dates;
use crate::db::{Db, Location};
use crate::incidents::IncidentRow;

/// Which incidents to export: by registration year (Europe/Amsterdam) and unit.
#[derive(Debug, Default, Clone)]
pub struct ExportFilter {
    pub year: Option<i32>,
    pub unit: Option<String>,
}

pub fn write_header<W: Write>(out: &mut csv::Writer<W>) -> csv::Result<()> {
    out.write_record(COLUMNS)
}

/// One field of an exchange record, as the incident holds it: from an
/// [`IncidentRow`] ([`fields`]) or from the stored text (the bulk paths).
enum Field<'a> {
    /// Absent: an empty field.
    Empty,
    /// Written as it is: text, or a date as stored (`YYYY-MM-DD`).
    Text(&'a [u8]),
    /// A date: `YYYY-MM-DD`.
    Date(NaiveDate),
    /// A UTC timestamp: RFC 3339 with the Amsterdam offset.
    At(NaiveDateTime),
    /// `suspect_known`, stored as 0/1: `false` for 0, else `true`.
    Flag(i64),
}

/// Writes one field in the exchange CSV's format (contract.md): the one place the
/// formats of a record's fields are decided, for both export paths.
fn write_field<W: Write>(
    out: &mut csv::Writer<W>,
    offsets: &mut dates::AmsterdamOffsets,
    field: Field<'_>,
) -> csv::Result<()> {
    match field {
        Field::Empty => out.write_field(""),
        Field::Text(t) => out.write_field(t),
        Field::Date(d) => out.write_field(d.to_string()),
        Field::At(at) => out.write_field(offsets.rfc3339(at)),
        Field::Flag(0) => out.write_field("false"),
        Field::Flag(_) => out.write_field("true"),
    }
}

/// The fields of `r` in [`COLUMNS`] order.
fn fields(r: &IncidentRow) -> [Field<'_>; COLUMNS.len()] {
    fn text(t: &Option<String>) -> Field<'_> {
        t.as_deref()
            .map_or(Field::Empty, |t| Field::Text(t.as_bytes()))
    }
    let date = |d: Option<NaiveDate>| d.map_or(Field::Empty, Field::Date);
    [
        Field::Text(r.registration_number.as_bytes()),
        text(&r.source_reference),
        Field::At(r.registered_at),
        date(r.occurred_from),
        date(r.occurred_to),
        Field::Text(r.unit.as_bytes()),
        text(&r.district),
        text(&r.basic_team),
        text(&r.municipality),
        Field::Text(r.registration_type.as_bytes()),
        Field::Text(r.channel.as_bytes()),
        Field::Text(r.grounds.as_bytes()),
        Field::Text(r.manifestations.as_bytes()),
        text(&r.domain),
        Field::Text(r.articles.as_bytes()),
        text(&r.victim_kind),
        r.suspect_known
            .map_or(Field::Empty, |k| Field::Flag(k.into())),
        text(&r.summary),
        text(&r.narrative),
        Field::Text(r.status.as_bytes()),
        text(&r.rejection_reason),
        r.screened_at.map_or(Field::Empty, Field::At),
        text(&r.prosecution_status),
        date(r.forwarded_on),
        text(&r.event_id),
    ]
}

/// One incident as an exchange CSV record, columns in [`COLUMNS`] order.
pub fn write_row<W: Write>(out: &mut csv::Writer<W>, r: &IncidentRow) -> csv::Result<()> {
    let mut offsets = dates::AmsterdamOffsets::default();
    for field in fields(r) {
        write_field(out, &mut offsets, field)?;
    }
    out.write_record(None::<&[u8]>)
}

/// Writes the header and every incident matching `filter` in stored order; returns the
/// number of incidents. `progress` is told the running count.
pub fn export<W: Write>(
    db: &Db,
    filter: &ExportFilter,
    out: W,
    progress: &dyn Fn(u64),
) -> anyhow::Result<u64> {
    match db.location() {
        Location::SqliteFile(path) => sqlite::export(path, filter, out, progress),
        Location::Postgres(url) => postgres::export(url, filter, out, progress),
    }
}

/// The UTC bounds of a registration year in Amsterdam.
fn year_bounds(filter: &ExportFilter) -> Option<(NaiveDateTime, NaiveDateTime)> {
    filter.year.map(|y| {
        let start =
            |y| dates::amsterdam_midnight(NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default());
        (start(y), start(y + 1))
    })
}

/// PostgreSQL: one `COPY (SELECT … ORDER BY id) TO STDOUT` of exactly the exchange
/// columns, decoded and written row by row as it arrives.
mod postgres {
    use super::*;
    use crate::db::copy_out::{literal, CopiedRow, CopyOut};
    use crate::db::direct;

    /// Rows between two progress reports.
    const REPORT_EVERY: u64 = 10_000;

    pub fn export<W: Write>(
        url: &str,
        filter: &ExportFilter,
        out: W,
        progress: &dyn Fn(u64),
    ) -> anyhow::Result<u64> {
        let mut copy = CopyOut::connect(url)?;
        let mut out = csv::Writer::from_writer(out);
        write_header(&mut out)?;
        let mut offsets = dates::AmsterdamOffsets::default();
        let select = format!(
            "SELECT {} FROM incidents WHERE {} ORDER BY id",
            COLUMNS.join(", "),
            condition(filter)?
        );
        let mut count = 0u64;
        copy.rows(&select, |row| {
            for (i, name) in COLUMNS.iter().enumerate() {
                write_field(&mut out, &mut offsets, copied(name, row, i)?)?;
            }
            out.write_record(None::<&[u8]>)?;
            count += 1;
            if count.is_multiple_of(REPORT_EVERY) {
                progress(count);
            }
            Ok(())
        })?;
        progress(count);
        out.flush()?;
        Ok(count)
    }

    /// The SQL condition of the filter, values as literals (COPY takes no
    /// parameters).
    fn condition(filter: &ExportFilter) -> anyhow::Result<String> {
        let mut parts = vec!["true".to_owned()];
        if let Some(unit) = &filter.unit {
            parts.push(format!("unit = {}", literal(unit)?));
        }
        if let Some((from, until)) = year_bounds(filter) {
            for (op, at) in [(">=", from), ("<", until)] {
                let at = literal(&direct::timestamp_text(at))?;
                parts.push(format!("registered_at {op} {at}::timestamp"));
            }
        }
        Ok(parts.join(" AND "))
    }

    /// The field of column `name`, the `i`th of the row, from PostgreSQL's text form:
    /// timestamps as [`direct::stored_timestamp`] reads them, `suspect_known` as
    /// `0`/`1`, dates and text as they are.
    fn copied<'a>(name: &str, row: &CopiedRow<'a>, i: usize) -> anyhow::Result<Field<'a>> {
        let Some(value) = row.bytes(i) else {
            return Ok(Field::Empty);
        };
        Ok(match name {
            "registered_at" | "screened_at" => {
                let text = row.required(i)?;
                Field::At(
                    direct::stored_timestamp(text)
                        .ok_or_else(|| anyhow::anyhow!("{text:?} is not a timestamp"))?,
                )
            }
            "suspect_known" => Field::Flag(row.integer(i)?.unwrap_or_default().into()),
            _ => Field::Text(value),
        })
    }
}

/// SQLite: the table cut into ranges of rows that two workers read and format at
/// once (rusqlite, stored text written as it is), written out in storage order.
mod sqlite {
    use std::collections::BTreeMap;
    use std::sync::{mpsc, Condvar, Mutex};

    use rusqlite::types::ValueRef;
    use rusqlite::ToSql;

    use super::*;
    use crate::db::direct;

    /// Rows per part (of rowids): a part's CSV, some 6 MB, is held in memory until the
    /// parts before it are written.
    const PART_ROWS: i64 = 20_000;
    const WORKERS: usize = 2;
    /// Parts formatted ahead of the one being written, at most: with the parts' size
    /// this bounds the memory of an export (some 50 MB) whatever its number of rows.
    const AHEAD: usize = 2 * WORKERS;
    /// Room for a part's CSV up front.
    const BUFFER: usize = 8 << 20;

    pub fn export<W: Write>(
        path: &str,
        filter: &ExportFilter,
        mut out: W,
        progress: &dyn Fn(u64),
    ) -> anyhow::Result<u64> {
        let (condition, params) = condition(filter);
        let ranges = direct::rowid_ranges_of(&direct::open_stream(path)?, PART_ROWS)?;
        let mut header = csv::Writer::from_writer(Vec::new());
        write_header(&mut header)?;
        out.write_all(&header.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        let window = Window::default();
        let (tx, rx) = mpsc::sync_channel::<anyhow::Result<(usize, Vec<u8>, u64)>>(AHEAD);
        // Written buffers go back to the workers: a fresh one per part would be
        // grown by copying and paid for again in page faults.
        let (give_back, returned) = mpsc::channel::<Vec<u8>>();
        let returned = Mutex::new(returned);
        std::thread::scope(|s| {
            for _ in 0..WORKERS {
                let (tx, window, ranges, condition, params, returned) =
                    (tx.clone(), &window, &ranges, &condition, &params, &returned);
                s.spawn(move || {
                    let conn = match direct::open_stream(path) {
                        Ok(c) => c,
                        Err(e) => return drop(tx.send(Err(e.into()))),
                    };
                    while let Some(part) = window.take(ranges.len()) {
                        let reused = returned.lock().ok().and_then(|r| r.try_recv().ok());
                        let buf = reused.unwrap_or_else(|| Vec::with_capacity(BUFFER));
                        let done = format_part(&conn, condition, params, ranges[part], buf)
                            .map(|(buf, n)| (part, buf, n));
                        if tx.send(done).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            // Parts arrive in any order; each is written once all before it are.
            let (mut waiting, mut wanted, mut count) = (BTreeMap::new(), 0, 0u64);
            let written = (|| {
                for done in &rx {
                    let (part, buf, n) = done?;
                    waiting.insert(part, (buf, n));
                    while let Some((buf, n)) = waiting.remove(&wanted) {
                        out.write_all(&buf)?;
                        let _ = give_back.send(buf);
                        count += n;
                        progress(count);
                        wanted += 1;
                        window.written(wanted);
                    }
                }
                out.flush()?;
                anyhow::Ok(count)
            })();
            // On an error the workers must not wait for a window that never moves.
            window.written(usize::MAX);
            drop(rx);
            written
        })
    }

    /// Which parts the workers may take: the next one not taken, if it is fewer than
    /// [`AHEAD`] parts beyond the first not yet written.
    #[derive(Default)]
    struct Window {
        state: Mutex<(usize, usize)>,
        moved: Condvar,
    }

    impl Window {
        /// The next part to format, waiting while it is too far ahead; `None` when
        /// every part is taken (or the export stopped).
        fn take(&self, parts: usize) -> Option<usize> {
            let mut state = self.state.lock().ok()?;
            loop {
                let (next, written) = *state;
                if next >= parts || written == usize::MAX {
                    return None;
                }
                if next < written.saturating_add(AHEAD) {
                    state.0 += 1;
                    return Some(next);
                }
                state = self.moved.wait(state).ok()?;
            }
        }

        /// Parts before `written` are written out.
        fn written(&self, written: usize) {
            if let Ok(mut state) = self.state.lock() {
                state.1 = written;
            }
            self.moved.notify_all();
        }
    }

    /// The SQL condition of the filter and its parameters (timestamps in diesel's
    /// stored text form, which sorts like the times themselves).
    fn condition(filter: &ExportFilter) -> (String, Vec<String>) {
        let mut parts = vec!["1 = 1".to_owned()];
        let mut params = Vec::new();
        if let Some(unit) = &filter.unit {
            params.push(unit.clone());
            parts.push(format!("unit = ?{}", params.len()));
        }
        if let Some((from, until)) = year_bounds(filter) {
            for (op, at) in [(">=", from), ("<", until)] {
                params.push(at.format("%F %T%.f").to_string());
                parts.push(format!("registered_at {op} ?{}", params.len()));
            }
        }
        (parts.join(" AND "), params)
    }

    /// The field of column `name` from its stored value: timestamps as diesel stores
    /// them (see [`direct::stored_timestamp`]), dates and text as they are.
    fn stored<'a>(name: &str, value: ValueRef<'a>) -> anyhow::Result<Field<'a>> {
        Ok(match (name, value) {
            (_, ValueRef::Null) => Field::Empty,
            ("registered_at" | "screened_at", v) => {
                let text = v.as_str()?;
                Field::At(
                    direct::stored_timestamp(text)
                        .ok_or_else(|| anyhow::anyhow!("{text:?} is not a stored timestamp"))?,
                )
            }
            ("suspect_known", v) => Field::Flag(v.as_i64()?),
            (_, v) => Field::Text(v.as_bytes()?),
        })
    }

    /// One range of rows as CSV records, and how many.
    fn format_part(
        conn: &rusqlite::Connection,
        condition: &str,
        params: &[String],
        (start, end): (i64, i64),
        mut buf: Vec<u8>,
    ) -> anyhow::Result<(Vec<u8>, u64)> {
        let mut all: Vec<&dyn ToSql> = params.iter().map(|p| p as &dyn ToSql).collect();
        all.extend([&start as &dyn ToSql, &end]);
        let mut stmt = conn.prepare(&format!(
            "SELECT {} FROM incidents WHERE {condition} AND rowid >= ?{} AND rowid < ?{} \
             ORDER BY rowid",
            COLUMNS.join(", "),
            params.len() + 1,
            params.len() + 2,
        ))?;
        let mut rows = stmt.query(all.as_slice())?;
        buf.clear();
        let mut out = csv::Writer::from_writer(buf);
        let mut offsets = dates::AmsterdamOffsets::default();
        let mut count = 0u64;
        while let Some(r) = rows.next()? {
            for (i, name) in COLUMNS.iter().enumerate() {
                write_field(&mut out, &mut offsets, stored(name, r.get_ref(i)?)?)?;
            }
            out.write_record(None::<&[u8]>)?;
            count += 1;
        }
        let buf = out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((buf, count))
    }
}
