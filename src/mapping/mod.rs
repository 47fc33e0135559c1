//! Mappings between code lists where the match is a judgement, not a rule
//! (`docs/monitor.md`): the anti-discrimination bureaus' categories to the police
//! codes ([`Scheme::Adv`]), and the police grounds, manifestations and articles to
//! ODIHR's bias motivations, types of crime and scope ([`Scheme::Odihr`]). They are
//! data, shipped as `fixtures/code-mappings.csv` and replaced as a whole by
//! administrators (`dira mapping load`, `PUT /api/v1/mappings/{scheme}`); every code
//! of a source list is mapped, to one or more codes or, explicitly, to none ("no
//! counterpart"), so that nothing is forced into a match.

mod file;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

pub use file::{parse, write_csv, HEADER};

use crate::db::schema::code_mappings;
use crate::db::AnyConnection;

const FIXTURE_CSV: &str = include_str!("../../fixtures/code-mappings.csv");

/// Who loads the shipped mappings, in their `changed_by`.
const FIXTURE_USER: &str = "fixtures";

/// A mapping scheme, and the lists it maps from and to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scheme {
    /// ADV categories to police codes (the regional monitor).
    Adv,
    /// Police codes to ODIHR's categories (the international reporting).
    Odihr,
}

impl Scheme {
    pub const ALL: [Scheme; 2] = [Scheme::Adv, Scheme::Odihr];

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Adv => "adv",
            Scheme::Odihr => "odihr",
        }
    }

    pub fn parse(text: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn names() -> Vec<String> {
        Scheme::ALL.iter().map(|s| s.as_str().to_owned()).collect()
    }

    /// The pairs of lists the scheme maps: (source list, target list).
    pub fn pairs(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Scheme::Adv => &[
                ("adv_ground", "ground"),
                ("adv_domain", "domain"),
                ("adv_manner", "manifestation"),
            ],
            Scheme::Odihr => &[
                ("ground", "odihr_bias"),
                ("manifestation", "odihr_crime"),
                ("article", "odihr_scope"),
            ],
        }
    }
}

/// One line of a mapping: `source_code` of `source_list` corresponds to
/// `target_code` of `target_list`; `None`: to nothing in that list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Line {
    pub source_list: String,
    pub source_code: String,
    pub target_list: String,
    /// Absent: no counterpart.
    pub target_code: Option<String>,
    /// Why, where the match is not obvious.
    pub note: String,
}

/// A scheme's mapping in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Mapping {
    pub scheme: String,
    /// The version in force, e.g. `2026-1`: every report that used it says so.
    pub version: String,
    #[serde(serialize_with = "crate::dates::serialize_rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub changed_at: NaiveDateTime,
    pub changed_by: String,
    pub lines: Vec<Line>,
}

impl Mapping {
    /// The codes of `target_list` that `code` of `source_list` maps to; empty when it
    /// has no counterpart (or is not mapped).
    pub fn targets(&self, source_list: &str, code: &str) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|l| l.source_list == source_list && l.source_code == code)
            .filter_map(|l| l.target_code.as_deref())
            .collect()
    }

    /// The codes of `source_list` that map to `target` (of the paired target list).
    pub fn sources(&self, source_list: &str, target: &str) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|l| l.source_list == source_list && l.target_code.as_deref() == Some(target))
            .map(|l| l.source_code.as_str())
            .collect()
    }

    /// The codes of `source_list` mapped to no counterpart, in order.
    pub fn unmatched(&self, source_list: &str) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|l| l.source_list == source_list && l.target_code.is_none())
            .map(|l| l.source_code.as_str())
            .collect()
    }

    /// `code` of `source_list` → its targets, for every code of the list.
    pub fn table(&self, source_list: &str) -> BTreeMap<String, Vec<String>> {
        let mut table: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for l in self.lines.iter().filter(|l| l.source_list == source_list) {
            let targets = table.entry(l.source_code.clone()).or_default();
            targets.extend(l.target_code.clone());
        }
        table
    }
}

type Stored = (
    String,
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    String,
);

/// The mapping of `scheme` in force; an empty one (version `-`) when none is stored.
pub fn load(conn: &mut AnyConnection, scheme: Scheme) -> QueryResult<Mapping> {
    let rows: Vec<Stored> = code_mappings::table
        .filter(code_mappings::scheme.eq(scheme.as_str()))
        .order((
            code_mappings::source_list,
            code_mappings::source_code,
            code_mappings::target_code,
        ))
        .select((
            code_mappings::version,
            code_mappings::source_list,
            code_mappings::source_code,
            code_mappings::target_list,
            code_mappings::target_code,
            code_mappings::note,
            code_mappings::changed_at,
            code_mappings::changed_by,
        ))
        .load(conn)?;
    let first = rows.first().cloned();
    Ok(Mapping {
        scheme: scheme.as_str().to_owned(),
        version: first
            .as_ref()
            .map_or_else(|| "-".to_owned(), |r| r.0.clone()),
        changed_at: first.as_ref().map_or(NaiveDateTime::MIN, |r| r.6),
        changed_by: first.map_or_else(String::new, |r| r.7),
        lines: rows
            .into_iter()
            .map(|r| Line {
                source_list: r.1,
                source_code: r.2,
                target_list: r.3,
                target_code: Some(r.4).filter(|c| !c.is_empty()),
                note: r.5,
            })
            .collect(),
    })
}

/// A scheme's new mapping, checked ([`parse`]).
#[derive(Debug, Clone)]
pub struct Replacement {
    pub scheme: Scheme,
    pub version: String,
    pub lines: Vec<Line>,
}

/// Replaces the stored mapping of each scheme in `replacements` as a whole, as done by
/// `by` at `at` (UTC). Call inside the caller's transaction.
pub fn replace(
    conn: &mut AnyConnection,
    replacements: &[Replacement],
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    // Two replacements at once (PostgreSQL, read committed) would each delete the old
    // rows and insert their own: one after the other instead. SQLite's writer is one.
    if let AnyConnection::Postgresql(c) = conn {
        diesel::sql_query("LOCK TABLE code_mappings IN EXCLUSIVE MODE").execute(c)?;
    }
    for r in replacements {
        diesel::delete(code_mappings::table.filter(code_mappings::scheme.eq(r.scheme.as_str())))
            .execute(conn)?;
        for l in &r.lines {
            diesel::insert_into(code_mappings::table)
                .values((
                    code_mappings::scheme.eq(r.scheme.as_str()),
                    code_mappings::version.eq(&r.version),
                    code_mappings::source_list.eq(&l.source_list),
                    code_mappings::source_code.eq(&l.source_code),
                    code_mappings::target_list.eq(&l.target_list),
                    code_mappings::target_code.eq(l.target_code.clone().unwrap_or_default()),
                    code_mappings::note.eq(&l.note),
                    code_mappings::changed_at.eq(at),
                    code_mappings::changed_by.eq(by),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Stores the shipped mapping of every scheme that has none yet (a scheme an
/// administrator replaced is left as it is). The codes must be loaded first.
pub fn load_fixture(conn: &mut AnyConnection) -> anyhow::Result<()> {
    let stored: Vec<String> = code_mappings::table
        .select(code_mappings::scheme)
        .distinct()
        .load(conn)?;
    if Scheme::ALL
        .iter()
        .all(|s| stored.iter().any(|t| t == s.as_str()))
    {
        return Ok(());
    }
    let catalog = crate::codes::Catalog::load(conn)?;
    let shipped = parse(FIXTURE_CSV.as_bytes(), &catalog).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("fixtures/code-mappings.csv: {}", lines.join("; "))
    })?;
    let missing: Vec<Replacement> = shipped
        .into_iter()
        .filter(|r| !stored.iter().any(|s| s == r.scheme.as_str()))
        .collect();
    if !missing.is_empty() {
        replace(conn, &missing, FIXTURE_USER, chrono::Utc::now().naive_utc())?;
    }
    Ok(())
}

pub mod http;
