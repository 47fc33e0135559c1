//! Publishing a report: it is stored unchanged; producing the same report later lists
//! what changed since (late registrations, re-screening) instead of silently
//! different figures.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::Report;
use crate::db::schema::published_reports;
use crate::db::AnyConnection;
use crate::error::AppError;

/// A cell whose count differs from the published report. In publication mode a cell
/// withheld in either version is never listed, changed or not: its count, and even
/// whether it changed, would let a reader work it out from the published figures
/// (docs/suppression.md). Absence from the list therefore says nothing about a
/// withheld cell.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangedCell {
    pub table: String,
    pub key: String,
    pub subkey: String,
    /// A whole number, or `<5` / `x` in publication mode.
    #[schema(value_type = Object)]
    pub published: serde_json::Value,
    /// A whole number, or `<5` / `x` in publication mode.
    #[schema(value_type = Object)]
    pub now: serde_json::Value,
}

/// How the report differs from its published version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SincePublication {
    pub published_at: NaiveDateTime,
    pub published_by: String,
    pub published_fingerprint: String,
    /// Empty when nothing changed.
    pub changed: Vec<ChangedCell>,
}

fn scope(report: &Report) -> String {
    report.unit.clone().unwrap_or_else(|| "*".into())
}

/// Stores the report as published by `user` `at` (UTC); a report is published once per
/// year, scope and mode (409 the second time).
pub fn publish(
    conn: &mut AnyConnection,
    report: &Report,
    user: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let content = serde_json::to_string(&Stored::from(report)).map_err(anyhow::Error::from)?;
    let inserted = diesel::insert_into(published_reports::table)
        .values((
            published_reports::id.eq(uuid::Uuid::now_v7().to_string()),
            published_reports::year.eq(report.year),
            published_reports::scope.eq(scope(report)),
            published_reports::publication.eq(i32::from(report.publication)),
            published_reports::published_at.eq(at),
            published_reports::published_by.eq(user),
            published_reports::fingerprint.eq(&report.fingerprint),
            published_reports::content.eq(content),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Err(AppError::Conflict(
            format!(
                "the {} report of {} is already published and stays as it was",
                scope(report),
                report.year
            ),
            Vec::new(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The stored form: the counts of every cell.
#[derive(Debug, Serialize, serde::Deserialize)]
struct Stored {
    report: serde_json::Value,
    counts: Vec<(String, String, String, u64)>,
}

impl From<&Report> for Stored {
    fn from(r: &Report) -> Self {
        Stored {
            report: serde_json::to_value(r).unwrap_or_default(),
            counts: r
                .tables
                .iter()
                .flat_map(|(t, cells)| {
                    cells
                        .iter()
                        .map(move |c| (t.clone(), c.key.clone(), c.subkey.clone(), c.count))
                })
                .collect(),
        }
    }
}

/// Each cell of a stored report as the report showed it (a count, `<5` or `x`).
fn shown(
    report: &serde_json::Value,
) -> std::collections::BTreeMap<(String, String, String), serde_json::Value> {
    let mut cells = std::collections::BTreeMap::new();
    let Some(tables) = report["tables"].as_object() else {
        return cells;
    };
    for (table, list) in tables {
        for cell in list.as_array().into_iter().flatten() {
            let text = |name: &str| cell[name].as_str().unwrap_or_default().to_owned();
            cells.insert(
                (table.clone(), text("key"), text("subkey")),
                cell["incidents"].clone(),
            );
        }
    }
    cells
}

/// Compares `report` with its published version, if there is one.
pub fn since_publication(
    conn: &mut AnyConnection,
    report: &Report,
) -> Result<Option<SincePublication>, AppError> {
    let stored: Option<(NaiveDateTime, String, String, String)> = published_reports::table
        .filter(published_reports::year.eq(report.year))
        .filter(published_reports::scope.eq(scope(report)))
        .filter(published_reports::publication.eq(i32::from(report.publication)))
        .select((
            published_reports::published_at,
            published_reports::published_by,
            published_reports::fingerprint,
            published_reports::content,
        ))
        .first(conn)
        .optional()?;
    let Some((published_at, published_by, published_fingerprint, content)) = stored else {
        return Ok(None);
    };
    let old: Stored = serde_json::from_str(&content).map_err(anyhow::Error::from)?;
    let new = Stored::from(report);
    let key = |(t, k, s, _): &(String, String, String, u64)| (t.clone(), k.clone(), s.clone());
    let old_counts: std::collections::BTreeMap<_, u64> =
        old.counts.iter().map(|c| (key(c), c.3)).collect();
    let new_counts: std::collections::BTreeMap<_, u64> =
        new.counts.iter().map(|c| (key(c), c.3)).collect();
    let old_shown = shown(&old.report);
    let new_shown = shown(&new.report);
    let show = |map: &std::collections::BTreeMap<(String, String, String), serde_json::Value>,
                k: &(String, String, String),
                count: u64| map.get(k).cloned().unwrap_or_else(|| count.into());
    let mut changed = Vec::new();
    for k in old_counts
        .keys()
        .chain(new_counts.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (published, now) = (
            old_counts.get(k).copied().unwrap_or(0),
            new_counts.get(k).copied().unwrap_or(0),
        );
        let (before, after) = (show(&old_shown, k, published), show(&new_shown, k, now));
        let withheld = !before.is_number() || !after.is_number();
        if published != now && !(report.publication && withheld) {
            changed.push(ChangedCell {
                table: k.0.clone(),
                key: k.1.clone(),
                subkey: k.2.clone(),
                published: before,
                now: after,
            });
        }
    }
    Ok(Some(SincePublication {
        published_at,
        published_by,
        published_fingerprint,
        changed,
    }))
}
