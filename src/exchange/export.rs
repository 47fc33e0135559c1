//! Writing the exchange CSV: RFC 4180, RFC 3339 timestamps with the Amsterdam offset,
//! streamed in pages so memory stays flat however many incidents there are. Rows come
//! in id order, which is the order they were stored in.

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

fn text(t: &Option<String>) -> &str {
    t.as_deref().unwrap_or_default()
}

/// One incident as an exchange CSV record, columns in [`COLUMNS`] order.
pub fn write_row<W: Write>(out: &mut csv::Writer<W>, r: &IncidentRow) -> csv::Result<()> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    out.write_field(&r.registration_number)?;
    out.write_field(text(&r.source_reference))?;
    out.write_field(dates::to_rfc3339(r.registered_at))?;
    out.write_field(date(r.occurred_from))?;
    out.write_field(date(r.occurred_to))?;
    out.write_field(&r.unit)?;
    out.write_field(text(&r.district))?;
    out.write_field(text(&r.basic_team))?;
    out.write_field(text(&r.municipality))?;
    out.write_field(&r.registration_type)?;
    out.write_field(&r.channel)?;
    out.write_field(&r.grounds)?;
    out.write_field(&r.manifestations)?;
    out.write_field(text(&r.domain))?;
    out.write_field(&r.articles)?;
    out.write_field(text(&r.victim_kind))?;
    out.write_field(match r.suspect_known {
        Some(0) => "false",
        Some(_) => "true",
        None => "",
    })?;
    out.write_field(text(&r.summary))?;
    out.write_field(text(&r.narrative))?;
    out.write_field(&r.status)?;
    out.write_field(text(&r.rejection_reason))?;
    out.write_field(r.screened_at.map(dates::to_rfc3339).unwrap_or_default())?;
    out.write_field(text(&r.prosecution_status))?;
    out.write_field(date(r.forwarded_on))?;
    out.write_field(text(&r.event_id))?;
    out.write_record(None::<&[u8]>)
}

/// Writes the header and every incident matching `filter` in storage order; returns the
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
    // Pages by id: the primary key index makes each page a range scan, so the export
    // stays linear in size. (Ids are time-ordered for everything dira stores.)
    let mut after: Option<String> = None;
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
        if let Some(id) = &after {
            q = q.filter(incidents::id.gt(id.clone()));
        }
        let page: Vec<IncidentRow> = q.order(incidents::id).limit(PAGE).load(conn)?;
        for row in &page {
            write_row(&mut out, row)?;
        }
        count += page.len() as u64;
        progress(count);
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = Some(last.id.clone()),
            _ => break,
        }
    }
    out.flush()?;
    Ok(count)
}
