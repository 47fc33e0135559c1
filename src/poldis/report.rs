//! The report: its tables in domain.md order, zero-filled keys from the year's code
//! lists, labels, publication-mode suppression, and the long-form CSV.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::count::{self, Cells};
use super::load::{load, successors, UNKNOWN};
use super::suppress::{self, Withheld};
use crate::codes::Catalog;
use crate::db::Db;

/// The version of the counting rules of domain.md this module implements.
pub const RULES_VERSION: &str = "poldis-counting-rules/2026-1";

/// One cell. In publication mode a count of 1 to 4 of `by_municipality` or a cross
/// table is `<5`, and a cell withheld to protect one of those is `x`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cell {
    pub key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subkey: String,
    /// A whole number; in publication mode also the string `<5` (a count of 1 to 4)
    /// or `x` (withheld to protect another cell; says nothing about its size).
    #[schema(value_type = Object)]
    pub incidents: serde_json::Value,
    pub label_nl: Option<String>,
    pub label_en: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sublabel_nl: Option<String>,
    #[serde(skip)]
    pub count: u64,
    #[serde(skip)]
    pub withheld: Option<Withheld>,
}

/// What a mark in a publication report means.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LegendEntry {
    /// `<5` or `x`, as written in place of a count.
    pub mark: String,
    pub meaning_nl: String,
    pub meaning_en: String,
}

/// The legend of a publication report: every format explains `<5` and `x` the same way.
pub fn legend() -> Vec<LegendEntry> {
    let entry = |w: Withheld, nl: &str, en: &str| LegendEntry {
        mark: w.mark().to_owned(),
        meaning_nl: nl.to_owned(),
        meaning_en: en.to_owned(),
    };
    vec![
        entry(
            Withheld::Small,
            "1 tot 4 incidenten; het precieze aantal wordt niet gepubliceerd",
            "1 to 4 incidents; the exact count is not published",
        ),
        entry(
            Withheld::Protecting,
            "weggelaten om een andere cel te beschermen; zegt niets over de grootte",
            "withheld to protect another cell; says nothing about its size",
        ),
    ]
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    pub year: i32,
    /// The unit counted, or absent for all units.
    pub unit: Option<String>,
    pub rules_version: String,
    /// SHA-256 of the code lists used.
    pub code_lists_version: String,
    /// SHA-256 of the registrations read (number, version, status).
    pub fingerprint: String,
    pub publication: bool,
    /// In publication mode: what `<5` and `x` mean.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub legend: Vec<LegendEntry>,
    /// When this report was published before: what changed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_publication: Option<super::SincePublication>,
    /// Table name to its cells, in domain.md order.
    #[schema(value_type = Object)]
    #[serde(serialize_with = "in_order")]
    pub tables: Vec<(String, Vec<Cell>)>,
}

/// Tables with the code lists of their key and subkey.
const TABLES: [(&str, Option<&str>, Option<&str>); 17] = [
    ("summary", None, None),
    ("by_ground", Some("ground"), None),
    ("by_manifestation", Some("manifestation"), None),
    ("by_domain", Some("domain"), None),
    ("by_article", Some("article"), None),
    ("by_registration_type", Some("registration_type"), None),
    ("by_channel", Some("channel"), None),
    ("by_victim_kind", Some("victim_kind"), None),
    ("by_unit", Some("unit"), None),
    ("by_municipality", None, None),
    ("by_month", None, None),
    ("ground_by_unit", Some("ground"), Some("unit")),
    (
        "ground_by_manifestation",
        Some("ground"),
        Some("manifestation"),
    ),
    ("ground_by_article", Some("ground"), Some("article")),
    ("ground_by_police_victim", Some("ground"), None),
    ("trend", None, None),
    ("trend_by_ground", None, Some("ground")),
];

fn in_order<S: serde::Serializer>(tables: &[(String, Vec<Cell>)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(tables.iter().map(|(name, cells)| (name, cells)))
}

fn code_lists_version(catalog: &Catalog) -> String {
    let mut hash = Sha256::new();
    // The police lists only: the other sources' lists (the monitor's) count nothing here.
    let lists = catalog
        .lists()
        .iter()
        .filter(|(list, _)| !crate::codes::is_other_source(list));
    for (list, codes) in lists {
        for c in codes {
            hash.update(format!(
                "{list}|{}|{}|{:?}|{:?};",
                c.code, c.valid_from, c.valid_to, c.replaced_by
            ));
        }
    }
    hex::encode(hash.finalize())
}

/// Codes of `list` valid at some time in `year`.
fn codes_of_year(catalog: &Catalog, list: &str, year: i32) -> Vec<String> {
    let (first, last) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    );
    catalog
        .list(list)
        .iter()
        .filter(|c| c.valid_from <= last && c.valid_to.is_none_or(|to| to >= first))
        .map(|c| c.code.clone())
        .collect()
}

/// The years a report can be produced and published for: the registrations dira
/// holds start in this century; a year outside is a mistake, never a report.
pub const REPORT_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Counts every table for `year` (all units, or one) with polars. Blocking: call it
/// off the async executor.
pub fn produce(
    db: &Db,
    catalog: &Catalog,
    year: i32,
    unit: Option<&str>,
    publication: bool,
) -> anyhow::Result<Report> {
    anyhow::ensure!(
        REPORT_YEARS.contains(&year),
        "year {year} is outside the reporting years {}..={}",
        REPORT_YEARS.start(),
        REPORT_YEARS.end()
    );
    let started = std::time::Instant::now();
    let frames = load(db, catalog, unit)?;
    tracing::debug!(
        rows = frames.incidents.height(),
        ms = started.elapsed().as_millis() as u64,
        "poldis: rows loaded"
    );
    let mut raw = count::tables(&frames, year)?;
    let mut tables: Vec<(String, Vec<Cell>)> = TABLES
        .iter()
        .map(|&table| {
            let counted = raw.remove(table.0).unwrap_or_default();
            (table.0.to_owned(), cells(catalog, year, table, counted))
        })
        .collect();
    if publication {
        suppress::protect(&mut tables, &links(catalog, year));
    }
    let mut report = Report {
        year,
        unit: unit.map(str::to_owned),
        rules_version: RULES_VERSION.to_owned(),
        code_lists_version: code_lists_version(catalog),
        fingerprint: frames.fingerprint,
        publication,
        legend: if publication { legend() } else { Vec::new() },
        since_publication: None,
        tables,
    };
    report.since_publication = super::since_publication(&mut *db.conn()?, &report)?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "poldis: report produced"
    );
    Ok(report)
}

/// The cells of one table of [`TABLES`]: the `counted` ones, and a zero for each of
/// the year's codes (months, trend years) that nothing was counted under; labelled
/// from the code lists.
fn cells(
    catalog: &Catalog,
    year: i32,
    (name, key_list, sub_list): (&str, Option<&str>, Option<&str>),
    counted: Cells,
) -> Vec<Cell> {
    let mut counts: BTreeMap<(String, String), u64> =
        counted.into_iter().map(|(k, s, n)| ((k, s), n)).collect();
    // The year's codes are keys even when nothing was counted under them.
    let zero_keys: Vec<String> = match (name, key_list) {
        ("by_month", _) => (1..=12).map(|m| format!("{m:02}")).collect(),
        ("trend", _) => (year - 4..=year).map(|y| y.to_string()).collect(),
        (_, Some(list)) if sub_list.is_none() && name.starts_with("by_") => {
            codes_of_year(catalog, list, year)
        }
        _ => Vec::new(),
    };
    for k in zero_keys {
        counts.entry((k, String::new())).or_insert(0);
    }
    let label = |list: Option<&str>, code: &str| -> (Option<String>, Option<String>) {
        let found = list.and_then(|l| catalog.list(l).iter().find(|c| c.code == code));
        match (found, code) {
            (Some(c), _) => (Some(c.label_nl.clone()), Some(c.label_en.clone())),
            (None, UNKNOWN) => (Some("Onbekend".into()), Some("Unknown".into())),
            (None, m) if name == "by_municipality" => {
                (catalog.municipality(m).map(|m| m.name.clone()), None)
            }
            _ => (None, None),
        }
    };
    counts
        .into_iter()
        .map(|((key, subkey), n)| {
            let (label_nl, label_en) = label(key_list, &key);
            let sublabel_nl = sub_list.and_then(|l| label(Some(l), &subkey).0);
            Cell {
                incidents: n.into(),
                key,
                subkey,
                label_nl,
                label_en,
                sublabel_nl,
                count: n,
                withheld: None,
            }
        })
        .collect()
}

/// What the suppression must know beyond the tables (see [`suppress::Links`]).
fn links(catalog: &Catalog, year: i32) -> suppress::Links {
    suppress::Links {
        year,
        municipality_unit: catalog
            .municipalities()
            .map(|m| (m.code.clone(), m.unit.clone()))
            .collect(),
        successor: successors(catalog),
    }
}

impl Report {
    /// The canonical long form: `table,key,subkey,incidents`, one row per non-empty cell.
    pub fn write_csv<W: std::io::Write>(&self, out: W) -> csv::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["table", "key", "subkey", "incidents"])?;
        for (name, cells) in &self.tables {
            for c in cells.iter().filter(|c| c.count > 0) {
                let value = match c.withheld {
                    Some(w) => w.mark().to_owned(),
                    None => c.count.to_string(),
                };
                w.write_record([
                    name.as_str(),
                    c.key.as_str(),
                    c.subkey.as_str(),
                    value.as_str(),
                ])?;
            }
        }
        w.flush()?;
        Ok(())
    }
}
