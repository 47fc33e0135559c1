//! SQLite: rusqlite reads the stored text in place (no copy per field), the two
//! halves of the table at once, each on its own connection, in storage order (the
//! fingerprint's halves are the halves of the table).

use rusqlite::types::ValueRef;
use rusqlite::ToSql;

use super::columns::{Columns, Fields};
use super::fingerprint;
use crate::db::columns::{names_of, sql_list};
use crate::db::direct;

/// The rows of all units, or of `unit`, and their fingerprint.
pub(super) fn load(path: &str, unit: Option<&str>) -> anyhow::Result<(Columns, String)> {
    let ranges = direct::rowid_ranges(&direct::open_read(path)?, 2)?;
    // The first half's columns get room for both halves, so appending the second
    // does not move them.
    let all = ranges.last().map_or(0, |r| r.1) - ranges.first().map_or(0, |r| r.0);
    let (first, second) = std::thread::scope(|s| {
        let later = ranges
            .get(1)
            .map(|r| s.spawn(|| read(path, unit, *r, (r.1 - r.0) as usize)));
        let first = match ranges.first() {
            None => Ok(Columns::default()),
            Some(r) => read(path, unit, *r, all as usize),
        };
        (first, later.map(|t| t.join()))
    });
    let mut first = first?;
    let mut second = match second {
        Some(joined) => joined.map_err(|_| anyhow::anyhow!("reading rows failed"))??,
        None => Columns::default(),
    };
    let print = fingerprint(
        std::mem::take(&mut first.hash),
        std::mem::take(&mut second.hash),
    );
    first.append(second);
    Ok((first, print))
}

/// The rows of a rowid range, in storage order, into columns with room for
/// `capacity` rows (more than a unit's share: room never written costs no
/// memory).
fn read(
    path: &str,
    unit: Option<&str>,
    (start, end): (i64, i64),
    capacity: usize,
) -> anyhow::Result<Columns> {
    let conn = direct::open_read(path)?;
    let mut params: Vec<&dyn ToSql> = vec![&start, &end];
    let filter = match &unit {
        Some(u) => {
            params.push(u);
            "AND unit = ?3"
        }
        None => "",
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM incidents WHERE rowid >= ?1 AND rowid < ?2 {filter} ORDER BY rowid",
        sql_list(names_of(&selection!()))
    ))?;
    let mut rows = stmt.query(params.as_slice())?;
    let mut columns = Columns::with_capacity(capacity);
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> anyhow::Result<Option<&str>> {
            Ok(match r.get_ref(i)? {
                ValueRef::Null => None,
                v => Some(v.as_str()?),
            })
        };
        let req = |i: usize| -> anyhow::Result<&str> {
            text(i)?.ok_or_else(|| anyhow::anyhow!("column {i} is NULL"))
        };
        let stored = |t: &str| {
            direct::stored_timestamp(t)
                .ok_or_else(|| anyhow::anyhow!("{t:?} is not a stored timestamp"))
        };
        let date = |t: &str| {
            direct::stored_date(t).ok_or_else(|| anyhow::anyhow!("{t:?} is not a stored date"))
        };
        let fields = Fields {
            number: req(0)?,
            version: r.get(1)?,
            registered_at: stored(req(2)?)?,
            occurred_from: text(3)?.map(date).transpose()?,
            status: req(4)?,
            event_id: text(5)?,
            unit: req(6)?,
            municipality: text(7)?,
            registration_type: req(8)?,
            channel: req(9)?,
            grounds: req(10)?,
            domain: text(11)?,
            manifestations: req(12)?,
            victim_kind: text(13)?,
            suspect_known: r.get(14)?,
            articles: req(15)?,
        };
        columns.push(fields);
    }
    Ok(columns)
}
