//! PostgreSQL: the rows streamed with `COPY (SELECT …) TO STDOUT` ([`CopyOut`]) in
//! id order, decoded in place; the fingerprint's halves split at the middle row,
//! counted first in the same snapshot.

use sha2::Sha256;

use super::columns::{Columns, Fields};
use super::fingerprint;
use crate::db::columns::{names_of, sql_list};
use crate::db::copy_out::{literal, CopiedRow, CopyOut};
use crate::db::direct;

/// The rows of all units, or of `unit`, in id order, and their fingerprint.
pub(super) fn load(url: &str, unit: Option<&str>) -> anyhow::Result<(Columns, String)> {
    let mut copy = CopyOut::connect(url)?;
    let filter = match unit {
        Some(unit) => format!("WHERE unit = {}", literal(unit)?),
        None => String::new(),
    };
    let rows = copy.number(&format!("SELECT count(*) FROM incidents {filter}"))?;
    let half = (rows / 2) as u64;
    let mut columns = Columns::with_capacity(rows as usize);
    let mut first_half = Sha256::default();
    let mut n = 0u64;
    let select = format!(
        "SELECT {} FROM incidents {filter} ORDER BY id",
        sql_list(names_of(&selection!()))
    );
    copy.rows(&select, |r| {
        if n == half {
            first_half = std::mem::take(&mut columns.hash);
        }
        n += 1;
        columns.push(fields(r)?);
        Ok(())
    })?;
    let second_half = std::mem::take(&mut columns.hash);
    Ok((columns, fingerprint(first_half, second_half)))
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
