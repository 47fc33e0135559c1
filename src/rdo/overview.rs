//! Building the overview of a unit and a period (by reporting date).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::codes::Catalog;
use crate::dates;
use crate::db::schema::incidents;
use crate::db::AnyConnection;
use crate::error::{AppError, FieldError};
use crate::incidents::model_codes;

/// Prosecution statuses unchanged for longer than this are counted as stale.
pub const STALE_DAYS: i64 = 90;

/// One CONFIRMED registration; members of an event each have their own row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverviewRow {
    pub registration_number: String,
    pub event_id: Option<String>,
    /// `occurred_from`, else the registration date (Europe/Amsterdam).
    pub reporting_date: NaiveDate,
    pub municipality: Option<String>,
    pub municipality_name: Option<String>,
    pub grounds: Vec<String>,
    pub grounds_nl: Vec<String>,
    pub manifestations: Vec<String>,
    pub manifestations_nl: Vec<String>,
    pub domain: Option<String>,
    pub domain_nl: Option<String>,
    pub registration_type: String,
    pub registration_type_nl: Option<String>,
    pub articles: Vec<String>,
    pub articles_nl: Vec<String>,
    pub suspect_known: Option<bool>,
    pub prosecution_status: Option<String>,
    pub prosecution_status_nl: Option<String>,
    pub forwarded_on: Option<NaiveDate>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Count {
    /// A code, or `ONBEKEND` when absent.
    pub code: String,
    pub label_nl: String,
    pub registrations: u64,
}

/// How often reports on a ground reach the OM.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroundForwarding {
    pub ground: String,
    pub label_nl: String,
    pub registrations: u64,
    /// Registrations with a `forwarded_on` date.
    pub forwarded: u64,
    /// forwarded ÷ registrations, 0 to 1.
    pub share_forwarded: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Overview {
    pub unit: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Oldest reporting date first.
    pub rows: Vec<OverviewRow>,
    pub by_ground: Vec<Count>,
    pub by_prosecution_status: Vec<Count>,
    /// Per ground, lowest share first: a ground whose reports rarely reach the OM
    /// stands at the top.
    pub forwarding_by_ground: Vec<GroundForwarding>,
    /// Rows whose prosecution status has not changed for more than 90 days (counted
    /// from the registration date when it never changed).
    pub prosecution_unchanged_over_90_days: u64,
}

type Loaded = (
    String,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDate>,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<i32>,
    Option<String>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<String>,
);

/// The unit and period (by reporting date, both days inclusive) an overview is asked
/// for; no unit means the user's own.
#[derive(Debug, Clone)]
pub struct OverviewRequest {
    pub unit: Option<String>,
    pub from: Day,
    pub to: Day,
}

/// A day of the period: a date, or text as typed, still to be read as `YYYY-MM-DD`.
#[derive(Debug, Clone)]
pub enum Day {
    Date(NaiveDate),
    Text(String),
}

impl Day {
    /// The date; text that is not a date is added to `errors` under `field`.
    fn read(&self, field: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
        match self {
            Day::Date(date) => Some(*date),
            Day::Text(text) => dates::parse_field(field, text, errors),
        }
    }
}

/// The RDO case overview for `principal`: the one way in for the API, the web page and
/// the command line. Checked in this order: the unit must be known (422) and within
/// the principal's scope (403), and users with national scope must name one (422);
/// both days must be dates (422 naming each that is not); `to` may not be before
/// `from` (422). `today` (Europe/Amsterdam) dates the stale prosecution statuses.
pub fn overview(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    principal: &Principal,
    request: OverviewRequest,
    today: NaiveDate,
) -> Result<Overview, AppError> {
    let unit = principal
        .unit_to_see(catalog, request.unit)?
        .ok_or_else(|| AppError::field("unit", "is required for users with national scope"))?;
    let mut errors = Vec::new();
    let from = request.from.read("from", &mut errors);
    let to = request.to.read("to", &mut errors);
    let (Some(from), Some(to)) = (from, to) else {
        return Err(AppError::Validation(errors));
    };
    if to < from {
        return Err(AppError::field("to", format!("{to} is before from {from}")));
    }
    Ok(load(conn, catalog, &unit, from, to, today)?)
}

fn load(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    unit: &str,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> QueryResult<Overview> {
    let loaded = confirmed(conn, unit, from, to)?;
    let mut stale = 0;
    let mut rows: Vec<OverviewRow> = loaded
        .into_iter()
        .map(|l| {
            let (row, unchanged) = overview_row(catalog, l, today);
            stale += u64::from(unchanged);
            row
        })
        .collect();
    rows.sort_by(|a, b| {
        a.reporting_date
            .cmp(&b.reporting_date)
            .then_with(|| a.registration_number.cmp(&b.registration_number))
    });
    let mut overview = summarise(catalog, unit, from, to, rows);
    overview.prosecution_unchanged_over_90_days = stale;
    Ok(overview)
}

/// The CONFIRMED registrations of `unit` whose reporting date lies in [from, to].
fn confirmed(
    conn: &mut AnyConnection,
    unit: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Loaded>> {
    let start = dates::amsterdam_midnight(from);
    let end = dates::amsterdam_midnight(to.succ_opt().unwrap_or(to));
    incidents::table
        .filter(incidents::unit.eq(unit))
        .filter(incidents::status.eq(crate::incidents::Status::Confirmed.as_str()))
        .filter(
            incidents::occurred_from
                .ge(from)
                .and(incidents::occurred_from.le(to))
                .or(incidents::occurred_from
                    .is_null()
                    .and(incidents::registered_at.ge(start))
                    .and(incidents::registered_at.lt(end))),
        )
        .select((
            incidents::registration_number,
            incidents::event_id,
            incidents::registered_at,
            incidents::occurred_from,
            incidents::municipality,
            incidents::grounds,
            incidents::manifestations,
            incidents::domain,
            incidents::registration_type,
            incidents::articles,
            incidents::suspect_known,
            incidents::prosecution_status,
            incidents::forwarded_on,
            incidents::prosecution_updated_on,
            incidents::summary,
        ))
        .load(conn)
}

/// One registration as the overview shows it, and whether its prosecution status has
/// been unchanged for more than [`STALE_DAYS`] on `today`.
fn overview_row(catalog: &Catalog, loaded: Loaded, today: NaiveDate) -> (OverviewRow, bool) {
    let (
        number,
        event,
        registered,
        occurred,
        municipality,
        grounds,
        manifestations,
        domain,
        kind,
        articles,
        suspect,
        prosecution,
        forwarded,
        updated,
        summary,
    ) = loaded;
    let labels = |list: &str, codes: &[String]| -> Vec<String> {
        codes
            .iter()
            .map(|c| catalog.label_nl(list, c).unwrap_or(c).to_owned())
            .collect()
    };
    let label = |list: &str, code: &Option<String>| {
        code.as_ref()
            .map(|c| catalog.label_nl(list, c).unwrap_or(c).to_owned())
    };
    let registered_on = dates::amsterdam_date(registered.and_utc());
    let stale = (today - updated.unwrap_or(registered_on)).num_days() > STALE_DAYS;
    let (grounds, manifestations, articles) = (
        model_codes(&grounds),
        model_codes(&manifestations),
        model_codes(&articles),
    );
    let row = OverviewRow {
        registration_number: number,
        event_id: event,
        reporting_date: occurred.unwrap_or(registered_on),
        municipality_name: municipality
            .as_ref()
            .and_then(|m| catalog.municipality(m))
            .map(|m| m.name.clone()),
        municipality,
        grounds_nl: labels("ground", &grounds),
        grounds,
        manifestations_nl: labels("manifestation", &manifestations),
        manifestations,
        domain_nl: label("domain", &domain),
        domain,
        registration_type_nl: label("registration_type", &Some(kind.clone())),
        registration_type: kind,
        articles_nl: labels("article", &articles),
        articles,
        suspect_known: suspect.map(|v| v != 0),
        prosecution_status_nl: label("prosecution_status", &prosecution),
        prosecution_status: prosecution,
        forwarded_on: forwarded,
        summary,
    };
    (row, stale)
}

/// The counts by ground and prosecution status and the share of each ground forwarded
/// to the OM, over `rows`.
fn summarise(
    catalog: &Catalog,
    unit: &str,
    from: NaiveDate,
    to: NaiveDate,
    rows: Vec<OverviewRow>,
) -> Overview {
    let mut by_ground: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for row in &rows {
        for g in &row.grounds {
            let entry = by_ground.entry(g.clone()).or_default();
            entry.0 += 1;
            entry.1 += u64::from(row.forwarded_on.is_some());
        }
        *by_status
            .entry(
                row.prosecution_status
                    .clone()
                    .unwrap_or_else(|| "ONBEKEND".into()),
            )
            .or_default() += 1;
    }
    let name = |list: &str, code: &str| {
        catalog
            .label_nl(list, code)
            .unwrap_or("Onbekend")
            .to_owned()
    };
    let mut forwarding: Vec<GroundForwarding> = by_ground
        .iter()
        .map(|(g, (n, f))| GroundForwarding {
            ground: g.clone(),
            label_nl: name("ground", g),
            registrations: *n,
            forwarded: *f,
            share_forwarded: (*f as f64 / *n as f64 * 1000.0).round() / 1000.0,
        })
        .collect();
    forwarding.sort_by(|a, b| {
        a.share_forwarded
            .total_cmp(&b.share_forwarded)
            .then_with(|| a.ground.cmp(&b.ground))
    });
    Overview {
        unit: unit.to_owned(),
        from,
        to,
        by_ground: by_ground
            .iter()
            .map(|(g, (n, _))| Count {
                code: g.clone(),
                label_nl: name("ground", g),
                registrations: *n,
            })
            .collect(),
        by_prosecution_status: by_status
            .into_iter()
            .map(|(s, n)| Count {
                label_nl: name("prosecution_status", &s),
                code: s,
                registrations: n,
            })
            .collect(),
        forwarding_by_ground: forwarding,
        prosecution_unchanged_over_90_days: 0,
        rows,
    }
}
