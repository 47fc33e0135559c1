//! The regional discrimination monitor of a unit and a year (`docs/monitor.md`): the
//! police incidents (Poldis counting rules) and the anti-discrimination bureaus' (ADV)
//! reports side by side, per ground, per domain and per manifestation (the ADV's
//! manner), with the ADV categories mapped to the police codes where a counterpart
//! exists ([`crate::mapping::Scheme::Adv`]) and listed apart where none does; the
//! share each source contributes; the five-year trend of both; and an appendix per
//! municipality of the unit. In publication mode the police figures are protected by
//! the Poldis small-cell suppression ([`crate::poldis::protect`]).

mod count;
mod figure;
mod html;
pub mod http;
mod protect;
mod xlsx;

use serde::Serialize;
use utoipa::ToSchema;

pub use figure::Figure;
pub use html::{heading as html_heading, render as render_html, sections as html_sections};
pub use xlsx::{write_xlsx, SHEETS as XLSX_SHEETS};

use crate::codes::Catalog;
use crate::db::Db;
use crate::mapping::Scheme;

/// The version of the monitor's own rules (what it counts and how it combines),
/// beside the Poldis counting rules it uses for the police half.
pub const MONITOR_RULES_VERSION: &str = "monitor-2026.1";

/// One column of a table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Column {
    /// `police`, `adv`, `police_share`, `adv_share` or `value`.
    pub key: String,
    pub label_nl: String,
}

/// One row of a table: a code (or year, or municipality) and its figures, one per
/// column.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Row {
    /// A police code; `adv:CODE` for an ADV category without police counterpart; a
    /// year; a municipality code; `ONBEKEND`.
    pub key: String,
    /// The ground of a municipality's row in `ground_by_municipality`; else empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subkey: String,
    pub label_nl: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sublabel_nl: String,
    /// One per column: a count, a share (0 to 1), `<5`, `x`, or `null` (no
    /// counterpart, or no figures delivered).
    #[schema(value_type = Vec<Object>)]
    pub values: Vec<Figure>,
}

/// One table of the monitor (a section of the page, a sheet of the workbook).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Table {
    /// `summary`, `by_ground`, `by_domain`, `by_manifestation`, `trend`,
    /// `by_municipality`, `ground_by_municipality`.
    pub name: String,
    pub title_nl: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// How to read it, where it is not obvious.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note_nl: String,
}

/// The monitor of one unit and year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Monitor {
    pub unit: String,
    pub unit_label: String,
    pub year: i32,
    /// Publication mode: police counts 1 to 4 in the appendix are `<5`, cells
    /// withheld to protect them `x`, as in the Poldis report.
    pub publication: bool,
    pub rules_version: String,
    /// The Poldis counting rules the police half follows.
    pub poldis_rules_version: String,
    /// The ADV mapping in force (`GET /api/v1/mappings/adv`).
    pub mapping_version: String,
    /// Fingerprint of the police rows counted (as in the Poldis report).
    pub fingerprint: String,
    /// The municipalities of the unit, and how many delivered ADV figures for the year.
    pub municipalities: u64,
    pub adv_municipalities: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub legend: Vec<crate::poldis::LegendEntry>,
    pub tables: Vec<Table>,
}

impl Monitor {
    /// The table named `name`, if the monitor has it.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The long form: `table,key,subkey,column,value`, one line per figure (shares as
    /// fractions with three decimals, `<5`/`x` as written, no line for `null`).
    pub fn write_csv<W: std::io::Write>(&self, out: W) -> csv::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["table", "key", "subkey", "column", "value"])?;
        for t in &self.tables {
            for r in &t.rows {
                for (c, v) in t.columns.iter().zip(&r.values) {
                    if let Some(text) = v.text() {
                        w.write_record([&t.name, &r.key, &r.subkey, &c.key, &text])?;
                    }
                }
            }
        }
        w.flush()?;
        Ok(())
    }
}

/// The monitor of `unit` for `year`. Blocking: call it off the async executor.
/// Errors: an unknown unit or a year outside [`crate::poldis::REPORT_YEARS`].
pub fn produce(
    db: &Db,
    catalog: &Catalog,
    unit: &str,
    year: i32,
    publication: bool,
) -> anyhow::Result<Monitor> {
    anyhow::ensure!(
        crate::poldis::REPORT_YEARS.contains(&year),
        "year {year} is outside the reporting years"
    );
    catalog
        .check_unit(unit)
        .map_err(|e| anyhow::anyhow!("{}: {}", e.field, e.message))?;
    let counted = crate::poldis::counted(db, catalog, Some(unit), year - 4..=year)?;
    let municipalities: Vec<String> = catalog
        .municipalities()
        .filter(|m| m.unit == unit)
        .map(|m| m.code.clone())
        .collect();
    let (mapping, figures) = {
        let mut conn = db.conn()?;
        (
            crate::mapping::load(&mut conn, Scheme::Adv)?,
            crate::adv::figures(&mut conn, &municipalities, year - 4..=year)?,
        )
    };
    let input = count::Input {
        catalog,
        mapping: &mapping,
        year,
        municipalities: &municipalities,
        counted: &counted,
        figures: &figures,
    };
    let mut tables = count::tables(&input);
    if publication {
        protect::protect(&mut tables, catalog, unit, year);
    }
    let delivered: std::collections::BTreeSet<&str> = figures
        .iter()
        .filter(|f| f.year == year)
        .map(|f| f.municipality.as_str())
        .collect();
    Ok(Monitor {
        unit: unit.to_owned(),
        unit_label: catalog.label_nl("unit", unit).unwrap_or(unit).to_owned(),
        year,
        publication,
        rules_version: MONITOR_RULES_VERSION.to_owned(),
        poldis_rules_version: crate::poldis::RULES_VERSION.to_owned(),
        mapping_version: mapping.version.clone(),
        fingerprint: counted.fingerprint.clone(),
        municipalities: municipalities.len() as u64,
        adv_municipalities: delivered.len() as u64,
        legend: if publication {
            crate::poldis::legend()
        } else {
            Vec::new()
        },
        tables,
    })
}
