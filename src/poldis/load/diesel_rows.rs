//! PostgreSQL (and any diesel backend): rows streamed on the backend's own
//! connection (faster than through `MultiConnection`); the fingerprint's halves split
//! at the middle row.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::columns::{Columns, Fields};
use super::fingerprint;
use crate::db::schema::incidents;
use crate::db::AnyConnection;

/// The Rust types of `selection!`.
type Row = (
    String,
    i32,
    NaiveDateTime,
    Option<NaiveDate>,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<i32>,
    String,
);

/// The rows of all units, or of `unit`, in id order, and their fingerprint.
pub(super) fn load(
    conn: &mut AnyConnection,
    unit: Option<&str>,
) -> anyhow::Result<(Columns, String)> {
    let mut count = incidents::table.count().into_boxed();
    if let Some(unit) = unit {
        count = count.filter(incidents::unit.eq(unit.to_owned()));
    }
    let rows: i64 = count.get_result(conn)?;
    let half = rows / 2;
    let mut columns = Columns::with_capacity(rows as usize);
    let mut first_half = Sha256::new();
    crate::per_backend!(conn, |c| {
        let mut q = incidents::table
            .select(selection!())
            .order(incidents::id)
            .into_boxed();
        if let Some(unit) = unit {
            q = q.filter(incidents::unit.eq(unit.to_owned()));
        }
        for (n, row) in q
            .load_iter::<Row, diesel::connection::DefaultLoadingMode>(c)?
            .enumerate()
        {
            let r = row?;
            if n as i64 == half {
                first_half = std::mem::take(&mut columns.hash);
            }
            columns.push(Fields {
                number: &r.0,
                version: r.1,
                registered_at: r.2,
                occurred_from: r.3,
                status: &r.4,
                event_id: r.5.as_deref(),
                unit: &r.6,
                municipality: r.7.as_deref(),
                registration_type: &r.8,
                channel: &r.9,
                grounds: &r.10,
                domain: r.11.as_deref(),
                manifestations: &r.12,
                victim_kind: r.13.as_deref(),
                suspect_known: r.14,
                articles: &r.15,
            });
        }
        anyhow::Ok(())
    })?;
    let second_half = std::mem::take(&mut columns.hash);
    Ok((columns, fingerprint(first_half, second_half)))
}
