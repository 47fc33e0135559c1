//! Writing the exchange CSV: RFC 4180, RFC 3339 timestamps with the Amsterdam offset,
//! streamed in pages so memory stays flat however many incidents there are.

use std::io::Write;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::columns::COLUMNS;
use crate::dates;
use crate::db::schema::incidents;
use crate::db::AnyConnection;
use crate::incidents::IncidentRow;

const PAGE: i64 = 5000;

/// Which incidents to export: by registration year (Europe/Amsterdam) and unit.
#[derive(Debug, Default, Clone)]
pub struct ExportFilter {
    pub year: Option<i32>,
    pub unit: Option<String>,
}

pub fn write_header<W: Write>(out: &mut csv::Writer<W>) -> csv::Result<()> {
    out.write_record(COLUMNS)
}

/// One incident as an exchange CSV record, columns in [`COLUMNS`] order.
pub fn write_row<W: Write>(out: &mut csv::Writer<W>, r: &IncidentRow) -> csv::Result<()> {
    let date = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    out.write_record([
        r.registration_number.clone(),
        text(&r.source_reference),
        dates::to_rfc3339(r.registered_at),
        date(r.occurred_from),
        date(r.occurred_to),
        r.unit.clone(),
        text(&r.district),
        text(&r.basic_team),
        text(&r.municipality),
        r.registration_type.clone(),
        r.channel.clone(),
        r.grounds.clone(),
        r.manifestations.clone(),
        text(&r.domain),
        r.articles.clone(),
        text(&r.victim_kind),
        r.suspect_known
            .map(|v| (v != 0).to_string())
            .unwrap_or_default(),
        text(&r.summary),
        text(&r.narrative),
        r.status.clone(),
        text(&r.rejection_reason),
        r.screened_at.map(dates::to_rfc3339).unwrap_or_default(),
        text(&r.prosecution_status),
        date(r.forwarded_on),
        text(&r.event_id),
    ])
}

/// Writes the header and every incident matching `filter`, oldest first; returns the
/// number of incidents. `progress` is told the running count.
pub fn export<W: Write>(
    conn: &mut AnyConnection,
    filter: &ExportFilter,
    out: W,
    progress: &dyn Fn(u64),
) -> anyhow::Result<u64> {
    let mut out = csv::Writer::from_writer(out);
    write_header(&mut out)?;
    let bounds = filter.year.map(|y| {
        let start =
            |y| dates::amsterdam_midnight(NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default());
        (start(y), start(y + 1))
    });
    let mut after: Option<(chrono::NaiveDateTime, String)> = None;
    let mut count = 0u64;
    loop {
        let mut q = incidents::table
            .select(IncidentRow::as_select())
            .into_boxed();
        if let Some(unit) = &filter.unit {
            q = q.filter(incidents::unit.eq(unit.clone()));
        }
        if let Some((from, until)) = bounds {
            q = q.filter(
                incidents::registered_at
                    .ge(from)
                    .and(incidents::registered_at.lt(until)),
            );
        }
        if let Some((at, id)) = &after {
            q = q.filter(
                incidents::registered_at.gt(*at).or(incidents::registered_at
                    .eq(*at)
                    .and(incidents::id.gt(id.clone()))),
            );
        }
        let q = q
            .order((incidents::registered_at, incidents::id))
            .limit(PAGE);
        let page: Vec<IncidentRow> = q.load(conn)?;
        for row in &page {
            write_row(&mut out, row)?;
        }
        count += page.len() as u64;
        progress(count);
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => {
                after = Some((last.registered_at, last.id.clone()))
            }
            _ => break,
        }
    }
    out.flush()?;
    Ok(count)
}
