//! The unit dashboard for unit leadership (screeners, analysts and national staff;
//! `docs/dashboard.md`): registrations per month against the same months of the year
//! before and the unit's target line, the screening backlog and lead times per month,
//! forwarding to the Public Prosecution Service per ground, and the incidents that
//! need leadership's attention (violence, a police officer as victim, a wave of
//! reports).

mod important;
mod target;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

pub use important::{Important, WAVE_SIZE};
pub use target::Targets;

use crate::auth::Principal;
use crate::codes::Catalog;
use crate::db::schema::incidents;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::incidents::Status;

/// Registrations of one month.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MonthRegistrations {
    /// 1 to 12.
    pub month: u32,
    /// Registrations of the month (registration date, Europe/Amsterdam); absent for a
    /// month still to come.
    pub this_year: Option<u64>,
    pub last_year: u64,
    /// The target line: last year's month plus the target percentage (one decimal).
    pub target: f64,
}

/// Registrations against last year and the target.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Registrations {
    /// The unit's target in percent on the previous year (`DIRA_REGISTRATION_TARGET`).
    pub target_percent: i32,
    pub months: Vec<MonthRegistrations>,
    /// The months counted so far (12 for a past year).
    pub months_to_date: u32,
    pub this_year_to_date: u64,
    pub last_year_to_date: u64,
    pub target_to_date: f64,
}

/// Screening in one month: decisions made and their lead times.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScreeningMonth {
    pub month: u32,
    /// Decisions made in the month.
    pub screened: u64,
    /// Days from registration to decision: median and 90th percentile (nearest rank).
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
}

/// An incident on the dashboard, with a link.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IncidentLink {
    pub id: String,
    pub registration_number: String,
    /// RFC 3339.
    pub registered_at: String,
    pub status: String,
    /// Whole days since the registration date.
    pub age_days: i64,
}

/// The screening of the unit.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Screening {
    /// Days within which an incident should be screened (`DIRA_SCREENING_TARGET_DAYS`).
    pub target_days: i64,
    /// Incidents not yet decided, today.
    pub backlog: u64,
    /// Of those, older than the target.
    pub overdue: u64,
    /// The overdue incidents, oldest first (at most 50).
    pub overdue_incidents: Vec<IncidentLink>,
    pub months: Vec<ScreeningMonth>,
}

/// The dashboard of a unit and year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub unit: String,
    pub unit_label: String,
    pub year: i32,
    /// Today (Europe/Amsterdam), the day the figures are counted to.
    pub today: NaiveDate,
    pub registrations: Registrations,
    pub screening: Screening,
    /// CONFIRMED incidents of the year per ground and how many went to the OM (as in
    /// the RDO overview).
    pub forwarding: Vec<crate::rdo::GroundForwarding>,
    /// Newest first.
    pub important: Vec<Important>,
}

/// What a dashboard is asked for.
pub struct Request<'a> {
    pub principal: &'a Principal,
    pub unit: Option<String>,
    pub year: i32,
    pub today: NaiveDate,
    pub target_days: i64,
    pub targets: &'a Targets,
}

/// The dashboard of the unit `r` asks for: the unit checked against the code list
/// (422) and the principal's scope (403; national staff name one).
pub fn dashboard(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    r: Request,
) -> Result<Dashboard, AppError> {
    let unit = r
        .principal
        .unit_to_see(catalog, r.unit.clone())?
        .ok_or_else(|| AppError::field("unit", "is required for users with national scope"))?;
    let year = crate::poldis::check_year(r.year)?;
    if year > r.today.year() {
        return Err(AppError::field(
            "year",
            format!("{year} has not begun; choose {} or earlier", r.today.year()),
        ));
    }
    let overview = crate::rdo::overview(
        conn,
        catalog,
        r.principal,
        crate::rdo::OverviewRequest {
            unit: Some(unit.clone()),
            from: crate::rdo::Day::Date(first_day(year)),
            to: crate::rdo::Day::Date(first_day(year + 1).pred_opt().unwrap_or_default()),
        },
        r.today,
    )?;
    Ok(Dashboard {
        unit_label: catalog.label_nl("unit", &unit).unwrap_or(&unit).to_owned(),
        registrations: registrations(conn, &unit, year, r.today, r.targets.percent(&unit))?,
        screening: screening(conn, &unit, year, r.today, r.target_days)?,
        forwarding: overview.forwarding_by_ground,
        important: important::important(conn, &unit, year)?,
        unit,
        year,
        today: r.today,
    })
}

fn first_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default()
}

/// The months of `year` counted so far on `today`.
fn months_to_date(year: i32, today: NaiveDate) -> u32 {
    match year.cmp(&today.year()) {
        std::cmp::Ordering::Less => 12,
        std::cmp::Ordering::Equal => today.month(),
        std::cmp::Ordering::Greater => 0,
    }
}

fn registrations(
    conn: &mut AnyConnection,
    unit: &str,
    year: i32,
    today: NaiveDate,
    target_percent: i32,
) -> QueryResult<Registrations> {
    let start = crate::dates::amsterdam_midnight(first_day(year - 1));
    let end = crate::dates::amsterdam_midnight(first_day(year + 1));
    let times: Vec<NaiveDateTime> = incidents::table
        .filter(incidents::unit.eq(unit))
        .filter(incidents::registered_at.ge(start))
        .filter(incidents::registered_at.lt(end))
        .select(incidents::registered_at)
        .load(conn)?;
    let mut counts = [[0u64; 12]; 2];
    for at in times {
        let day = crate::dates::amsterdam_date(at.and_utc());
        let row = usize::from(day.year() == year);
        counts[row][day.month0() as usize] += 1;
    }
    let to_date = months_to_date(year, today);
    let months: Vec<MonthRegistrations> = (1..=12u32)
        .map(|m| MonthRegistrations {
            month: m,
            this_year: (m <= to_date).then_some(counts[1][m as usize - 1]),
            last_year: counts[0][m as usize - 1],
            target: target(counts[0][m as usize - 1], target_percent),
        })
        .collect();
    let sum = |row: usize| counts[row][..to_date as usize].iter().sum::<u64>();
    Ok(Registrations {
        target_percent,
        months_to_date: to_date,
        this_year_to_date: sum(1),
        last_year_to_date: sum(0),
        target_to_date: target(sum(0), target_percent),
        months,
    })
}

/// `last` plus `percent` (≥ -100), to a tenth, halves up: in whole numbers, so that
/// 7 + 15% is 8.1 (8.05), not the 8.0 of binary floating point.
fn target(last: u64, percent: i32) -> f64 {
    let hundredths = last * (100 + percent.max(-100)) as u64;
    let tenths = (hundredths * 10 + 50) / 100;
    tenths as f64 / 10.0
}

fn screening(
    conn: &mut AnyConnection,
    unit: &str,
    year: i32,
    today: NaiveDate,
    target_days: i64,
) -> QueryResult<Screening> {
    // One read of the year's decisions, grouped by the month they were made in.
    let decided: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = incidents::table
        .filter(incidents::unit.eq(unit))
        .filter(incidents::status.eq_any(Status::DECIDED.map(Status::as_str)))
        .filter(incidents::screened_at.ge(crate::dates::amsterdam_midnight(first_day(year))))
        .filter(incidents::screened_at.lt(crate::dates::amsterdam_midnight(first_day(year + 1))))
        .select((incidents::registered_at, incidents::screened_at))
        .load(conn)?;
    let mut per_month: Vec<Vec<f64>> = vec![Vec::new(); 12];
    for (registered, screened) in decided {
        if let Some(screened) = screened {
            let month = crate::dates::amsterdam_date(screened.and_utc()).month0() as usize;
            per_month[month].push((screened - registered).num_seconds() as f64 / 86_400.0);
        }
    }
    let months = per_month
        .into_iter()
        .zip(1..=months_to_date(year, today))
        .map(|(days, month)| {
            let screened = days.len() as u64;
            let (median_days, p90_days) = crate::screening::median_and_p90(days);
            ScreeningMonth {
                month,
                screened,
                median_days,
                p90_days,
            }
        })
        .collect();
    let open: Vec<(String, String, NaiveDateTime, String)> = incidents::table
        .filter(incidents::unit.eq(unit))
        .filter(incidents::status.eq_any(Status::UNDECIDED.map(Status::as_str)))
        .order((incidents::registered_at, incidents::id))
        .select((
            incidents::id,
            incidents::registration_number,
            incidents::registered_at,
            incidents::status,
        ))
        .load(conn)?;
    let backlog = open.len() as u64;
    let overdue: Vec<IncidentLink> = open
        .into_iter()
        .map(|(id, number, at, status)| IncidentLink {
            age_days: crate::screening::age_days(at, today),
            id,
            registration_number: number,
            registered_at: crate::dates::to_rfc3339(at),
            status,
        })
        .filter(|i| i.age_days > target_days)
        .collect();
    Ok(Screening {
        target_days,
        backlog,
        overdue: overdue.len() as u64,
        overdue_incidents: overdue.into_iter().take(50).collect(),
        months,
    })
}

pub mod http;

#[cfg(test)]
mod tests {
    #[test]
    fn the_target_line_rounds_halves_up_in_whole_numbers() {
        assert_eq!(super::target(7, 15), 8.1, "8.05");
        assert_eq!(super::target(2, 25), 2.5);
        assert_eq!(super::target(3, 25), 3.8, "3.75");
        assert_eq!(super::target(10, -100), 0.0);
        assert_eq!(super::target(0, 25), 0.0);
    }
}
