//! Lead times ("doorlooptijd") per unit: from registration to screening decision.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::queue::age_days;
use crate::db::schema::incidents;
use crate::db::AnyConnection;
use crate::incidents::Status;

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitStats {
    pub unit: String,
    /// Incidents decided (CONFIRMED or REJECTED) in the period.
    pub screened: u64,
    /// Median days from registration to decision (average of the middle two when even).
    pub median_days: Option<f64>,
    /// 90th percentile days (nearest rank).
    pub p90_days: Option<f64>,
    /// Share of decisions within the target, 0 to 1.
    pub within_target: Option<f64>,
    /// Undecided incidents older than the target, today (whatever the period).
    pub overdue_now: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    pub target_days: i64,
    pub units: Vec<UnitStats>,
}

pub struct StatsFilter {
    /// `None`: every unit.
    pub unit: Option<String>,
    /// Decisions at or after (UTC).
    pub from: Option<NaiveDateTime>,
    /// Decisions before (UTC).
    pub until: Option<NaiveDateTime>,
    pub target_days: i64,
    /// The date ages are counted to (today in Europe/Amsterdam).
    pub today: NaiveDate,
}

pub fn stats(conn: &mut AnyConnection, f: &StatsFilter) -> QueryResult<Stats> {
    let mut q = incidents::table
        .filter(incidents::screened_at.is_not_null())
        .filter(incidents::status.eq_any(Status::DECIDED.map(Status::as_str)))
        .select((
            incidents::unit,
            incidents::registered_at,
            incidents::screened_at,
        ))
        .into_boxed();
    if let Some(unit) = &f.unit {
        q = q.filter(incidents::unit.eq(unit.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(incidents::screened_at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(incidents::screened_at.lt(until));
    }
    let mut lead: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (unit, registered, screened) in
        q.load::<(String, NaiveDateTime, Option<NaiveDateTime>)>(conn)?
    {
        if let Some(screened) = screened {
            let days = (screened - registered).num_seconds() as f64 / 86_400.0;
            lead.entry(unit).or_default().push(days);
        }
    }
    let mut open = incidents::table
        .filter(incidents::status.eq_any(Status::UNDECIDED.map(Status::as_str)))
        .select((incidents::unit, incidents::registered_at))
        .into_boxed();
    if let Some(unit) = &f.unit {
        open = open.filter(incidents::unit.eq(unit.clone()));
    }
    let mut overdue: BTreeMap<String, u64> = BTreeMap::new();
    for (unit, registered) in open.load::<(String, NaiveDateTime)>(conn)? {
        let entry = overdue.entry(unit).or_default();
        if age_days(registered, f.today) > f.target_days {
            *entry += 1;
        }
    }
    let mut units: Vec<String> = lead.keys().chain(overdue.keys()).cloned().collect();
    if let Some(unit) = &f.unit {
        units.push(unit.clone());
    }
    units.sort();
    units.dedup();
    let units = units
        .into_iter()
        .map(|unit| {
            let mut days = lead.remove(&unit).unwrap_or_default();
            days.sort_by(f64::total_cmp);
            let within = days.iter().filter(|d| **d <= f.target_days as f64).count();
            UnitStats {
                screened: days.len() as u64,
                median_days: median(&days).map(round1),
                p90_days: nearest_rank(&days, 0.9).map(round1),
                within_target: (!days.is_empty())
                    .then(|| round3(within as f64 / days.len() as f64)),
                overdue_now: overdue.get(&unit).copied().unwrap_or(0),
                unit,
            }
        })
        .collect();
    Ok(Stats {
        target_days: f.target_days,
        units,
    })
}

/// Median and 90th percentile (nearest rank) of lead times in days, rounded to a tenth,
/// as [`stats`] gives them per unit.
pub fn median_and_p90(mut days: Vec<f64>) -> (Option<f64>, Option<f64>) {
    days.sort_by(f64::total_cmp);
    (
        median(&days).map(round1),
        nearest_rank(&days, 0.9).map(round1),
    )
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

fn nearest_rank(sorted: &[f64], p: f64) -> Option<f64> {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.max(1) - 1).copied()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let days = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(median(&days), Some(5.5));
        assert_eq!(nearest_rank(&days, 0.9), Some(9.0));
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(nearest_rank(&[], 0.9), None);
    }
}
