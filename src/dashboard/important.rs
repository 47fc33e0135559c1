//! The incidents of the year that unit leadership should know: violence, a police
//! officer as victim, or part of a wave of reports (an event with many registrations).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::incidents;
use crate::db::AnyConnection;

/// The manifestation code of violence (code list `manifestation`).
const VIOLENCE: &str = "GEWELD";
/// The victim kind of a police officer on duty (code list `victim_kind`; domain.md).
const POLICE_VICTIM: &str = "POLITIEMEDEWERKER";
/// An event with at least this many registrations (in all units and years, rejected ones
/// left out) is a wave of reports.
pub const WAVE_SIZE: i64 = 5;
/// The most incidents listed.
const LISTED: usize = 50;

/// An important incident, and why.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Important {
    pub id: String,
    pub registration_number: String,
    /// RFC 3339.
    pub registered_at: String,
    pub status: String,
    /// `violence`, `police_victim` and/or `wave`.
    pub reasons: Vec<String>,
    /// The registrations of its event, when it belongs to one.
    pub event_registrations: Option<i64>,
    /// The short description (never the narrative).
    pub summary: Option<String>,
}

type Row = (
    String,
    String,
    NaiveDateTime,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The important incidents of `unit` registered in `year` (Europe/Amsterdam), rejected
/// ones left out, newest first.
pub fn important(conn: &mut AnyConnection, unit: &str, year: i32) -> QueryResult<Vec<Important>> {
    let day = |y: i32| chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    let rows: Vec<Row> = incidents::table
        .filter(incidents::unit.eq(unit))
        .filter(incidents::registered_at.ge(crate::dates::amsterdam_midnight(day(year))))
        .filter(incidents::registered_at.lt(crate::dates::amsterdam_midnight(day(year + 1))))
        .filter(incidents::status.ne(crate::incidents::Status::Rejected.as_str()))
        .order((incidents::registered_at.desc(), incidents::id.desc()))
        .select((
            incidents::id,
            incidents::registration_number,
            incidents::registered_at,
            incidents::status,
            incidents::manifestations,
            incidents::victim_kind,
            incidents::event_id,
            incidents::summary,
        ))
        .load(conn)?;
    let events: Vec<String> = rows.iter().filter_map(|r| r.6.clone()).collect();
    let mut sizes: BTreeMap<String, i64> = BTreeMap::new();
    for chunk in events.chunks(500) {
        let counted: Vec<(Option<String>, i64)> = incidents::table
            .filter(incidents::event_id.eq_any(chunk))
            .filter(incidents::status.ne(crate::incidents::Status::Rejected.as_str()))
            .group_by(incidents::event_id)
            .select((incidents::event_id, diesel::dsl::count_star()))
            .load(conn)?;
        sizes.extend(counted.into_iter().filter_map(|(e, n)| Some((e?, n))));
    }
    Ok(rows
        .into_iter()
        .filter_map(
            |(id, number, at, status, manifestations, victim, event, summary)| {
                let size = event.as_ref().and_then(|e| sizes.get(e).copied());
                let mut reasons = Vec::new();
                if manifestations.split('|').any(|m| m == VIOLENCE) {
                    reasons.push("violence".to_owned());
                }
                if victim.as_deref() == Some(POLICE_VICTIM) {
                    reasons.push("police_victim".to_owned());
                }
                if size.is_some_and(|n| n >= WAVE_SIZE) {
                    reasons.push("wave".to_owned());
                }
                (!reasons.is_empty()).then(|| Important {
                    id,
                    registration_number: number,
                    registered_at: crate::dates::to_rfc3339(at),
                    status,
                    reasons,
                    event_registrations: size,
                    summary,
                })
            },
        )
        .take(LISTED)
        .collect())
}
