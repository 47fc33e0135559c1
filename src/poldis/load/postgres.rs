//! PostgreSQL: the rows streamed with `COPY (SELECT …) TO STDOUT` ([`CopyOut`]) in
//! id order, decoded in place; the two halves of the rows (split at the middle row,
//! the fingerprint's halves) read at once on two connections that share one snapshot,
//! as the SQLite path reads the two halves of its table.

use super::columns::{Columns, Fields};
use super::fingerprint;
use crate::db::columns::{names_of, sql_list};
use crate::db::copy_out::{literal, CopiedRow, CopyOut};
use crate::db::direct;

/// The rows of all units, or of `unit`, in id order, and their fingerprint.
pub(super) fn load(url: &str, unit: Option<&str>) -> anyhow::Result<(Columns, String)> {
    let mut parts = CopyOut::connect_parts(url, 2)?;
    let (Some(mut second), Some(mut first)) = (parts.pop(), parts.pop()) else {
        anyhow::bail!("two connections were asked for");
    };
    let unit = match unit {
        Some(unit) => format!("unit = {}", literal(unit)?),
        None => "true".to_owned(),
    };
    let rows = first.number(&format!("SELECT count(*) FROM incidents WHERE {unit}"))?;
    if rows == 0 {
        return Ok((
            Columns::default(),
            fingerprint(Default::default(), Default::default()),
        ));
    }
    let half = rows / 2;
    let middle = literal(&first.text(&format!(
        "SELECT id FROM incidents WHERE {unit} ORDER BY id OFFSET {half} LIMIT 1"
    ))?)?;
    let select = |condition: &str| {
        format!(
            "SELECT {} FROM incidents WHERE {unit} AND {condition} ORDER BY id",
            sql_list(names_of(&selection!()))
        )
    };
    let (early, late) = (
        select(&format!("id < {middle}")),
        select(&format!("id >= {middle}")),
    );
    // The first half's columns get room for both halves, so appending the second
    // does not move them.
    let (first, second) = std::thread::scope(|s| {
        let later = s.spawn(|| read(&mut second, &late, (rows - half) as usize));
        let first = read(&mut first, &early, rows as usize);
        (first, later.join())
    });
    let mut first = first?;
    let mut second = second.map_err(|_| anyhow::anyhow!("reading rows failed"))??;
    let print = fingerprint(
        std::mem::take(&mut first.hash),
        std::mem::take(&mut second.hash),
    );
    first.append(second);
    Ok((first, print))
}

/// The rows `select` answers, into columns with room for `capacity` rows.
fn read(copy: &mut CopyOut, select: &str, capacity: usize) -> anyhow::Result<Columns> {
    let mut columns = Columns::with_capacity(capacity);
    copy.rows(select, |r| {
        columns.push(fields(r)?);
        Ok(())
    })?;
    Ok(columns)
}

/// The columns of `selection!`, in its order.
fn fields<'r>(r: &CopiedRow<'r>) -> anyhow::Result<Fields<'r>> {
    let timestamp = |t: &str| {
        direct::stored_timestamp(t).ok_or_else(|| anyhow::anyhow!("{t:?} is not a timestamp"))
    };
    let date =
        |t: &str| direct::stored_date(t).ok_or_else(|| anyhow::anyhow!("{t:?} is not a date"));
    Ok(Fields {
        number: r.required(0)?,
        version: r.integer(1)?.unwrap_or_default(),
        registered_at: timestamp(r.required(2)?)?,
        occurred_from: r.text(3)?.map(date).transpose()?,
        status: r.required(4)?,
        event_id: r.text(5)?,
        unit: r.required(6)?,
        municipality: r.text(7)?,
        registration_type: r.required(8)?,
        channel: r.required(9)?,
        grounds: r.required(10)?,
        domain: r.text(11)?,
        manifestations: r.required(12)?,
        victim_kind: r.text(13)?,
        suspect_known: r.integer(14)?,
        articles: r.required(15)?,
    })
}
