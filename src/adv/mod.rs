//! The anti-discrimination bureaus' (ADV) annual figures: the number of reports
//! ("meldingen") per municipality and year, in total and per category of their
//! national registration form (ground, domain, manner; the `adv_*` code lists). They
//! come in as a file the bureaus deliver ([`import`]; `docs/monitor.md`) and are
//! the second source of the regional monitor beside the police incidents.

mod file;
pub mod http;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

pub use file::{parse, Figure, HEADER};

use crate::db::schema::adv_reports;
use crate::db::AnyConnection;

/// A category of the ADV registration form, and its code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// All reports (no code).
    Total,
    Ground,
    Domain,
    Manner,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Total,
        Category::Ground,
        Category::Domain,
        Category::Manner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Total => "total",
            Category::Ground => "ground",
            Category::Domain => "domain",
            Category::Manner => "manner",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The code list of the category's codes; `None` for the total.
    pub fn list(self) -> Option<&'static str> {
        match self {
            Category::Total => None,
            Category::Ground => Some("adv_ground"),
            Category::Domain => Some("adv_domain"),
            Category::Manner => Some("adv_manner"),
        }
    }
}

/// What an import stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Imported {
    /// Lines read under the header.
    pub lines: u64,
    /// (year, municipality) pairs whose figures the file replaced.
    pub municipalities_replaced: u64,
    /// The years the file holds.
    pub years: Vec<i32>,
}

/// Stores `figures` (checked by [`parse`]) as imported by `by` at `at` (UTC): the
/// figures of every (year, municipality) in the file replace those stored, in one
/// statement each; other municipalities and years stay. Call inside the caller's
/// transaction.
pub fn store(
    conn: &mut AnyConnection,
    figures: &[Figure],
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<Imported> {
    let mut pairs: BTreeMap<(i32, &str), ()> = BTreeMap::new();
    for f in figures {
        pairs.insert((f.year, f.municipality.as_str()), ());
    }
    for (year, municipality) in pairs.keys() {
        diesel::delete(
            adv_reports::table
                .filter(adv_reports::year.eq(year))
                .filter(adv_reports::municipality.eq(municipality)),
        )
        .execute(conn)?;
    }
    for chunk in figures.chunks(1000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|f| {
                (
                    adv_reports::year.eq(f.year),
                    adv_reports::municipality.eq(&f.municipality),
                    adv_reports::category.eq(f.category.as_str()),
                    adv_reports::code.eq(f.code.clone().unwrap_or_default()),
                    adv_reports::reports.eq(f.reports),
                    adv_reports::imported_at.eq(at),
                    adv_reports::imported_by.eq(by),
                )
            })
            .collect();
        crate::per_backend!(conn, |c| diesel::insert_into(adv_reports::table)
            .values(&rows)
            .execute(c))?;
    }
    let mut years: Vec<i32> = pairs.keys().map(|(y, _)| *y).collect();
    years.dedup();
    Ok(Imported {
        lines: figures.len() as u64,
        municipalities_replaced: pairs.len() as u64,
        years,
    })
}

/// The stored figures of `municipalities` in `years` (inclusive).
pub fn figures(
    conn: &mut AnyConnection,
    municipalities: &[String],
    years: std::ops::RangeInclusive<i32>,
) -> QueryResult<Vec<Figure>> {
    let rows: Vec<(i32, String, String, String, i64)> = adv_reports::table
        .filter(adv_reports::municipality.eq_any(municipalities))
        .filter(adv_reports::year.ge(*years.start()))
        .filter(adv_reports::year.le(*years.end()))
        .select((
            adv_reports::year,
            adv_reports::municipality,
            adv_reports::category,
            adv_reports::code,
            adv_reports::reports,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(year, municipality, category, code, reports)| {
            Some(Figure {
                year,
                municipality,
                category: Category::parse(&category)?,
                code: Some(code).filter(|c| !c.is_empty()),
                reports,
            })
        })
        .collect())
}
