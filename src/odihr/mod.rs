//! The hate crime report to the OSCE (ODIHR): the counted police incidents of a year
//! (Poldis counting rules, all units) by ODIHR's bias motivation and type of crime,
//! through the versioned mapping of [`crate::mapping::Scheme::Odihr`]
//! (`docs/monitor.md`). An incident is a hate crime in ODIHR's sense when one of its
//! articles maps to `HATE_CRIME` (a common offence with a discriminatory aspect); its
//! grounds give its bias categories and its manifestations its types of crime. It
//! counts once in every (bias, type) pair it maps to, so a ground mapped to two
//! categories (gender identity: LGBTI and gender) counts in both, and rows and
//! columns can sum to more than the total.

pub mod http;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use crate::codes::Catalog;
use crate::db::Db;
use crate::mapping::{Mapping, Scheme};
use crate::poldis::CountedIncident;

/// The scope code of a hate crime (`odihr_scope`).
const HATE_CRIME: &str = "HATE_CRIME";

/// A category of ODIHR's, with its labels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Category {
    pub code: String,
    pub label_en: String,
    pub label_nl: String,
}

/// Incidents of one bias category and type of crime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OdihrCell {
    pub bias: String,
    pub crime_type: String,
    pub incidents: u64,
}

/// A total of one category (each incident once, whatever else it maps to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Total {
    pub code: String,
    pub incidents: u64,
}

/// The report for one year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OdihrReport {
    pub year: i32,
    /// The ODIHR mapping in force (`GET /api/v1/mappings/odihr`).
    pub mapping_version: String,
    pub poldis_rules_version: String,
    pub fingerprint: String,
    pub bias_categories: Vec<Category>,
    pub crime_types: Vec<Category>,
    /// Every bias category × type of crime, zeros included.
    pub cells: Vec<OdihrCell>,
    /// Per bias category: incidents with that motivation (each once).
    pub by_bias: Vec<Total>,
    /// Per type of crime: incidents of that type (each once).
    pub by_crime_type: Vec<Total>,
    /// Hate crimes in the table (each once).
    pub total: u64,
    /// Counted incidents of the year (all, before the scope).
    pub incidents: u64,
    /// Counted incidents that are no hate crime in ODIHR's sense (no article maps to
    /// `HATE_CRIME`: hate speech, discrimination, no offence).
    pub outside_scope: u64,
    /// Hate crimes without a type of crime ODIHR knows (only insult, say), or
    /// without a bias category: not in the table.
    pub without_category: u64,
    pub note_en: String,
    pub note_nl: String,
}

fn categories(catalog: &Catalog, list: &str) -> Vec<Category> {
    catalog
        .list(list)
        .iter()
        .map(|c| Category {
            code: c.code.clone(),
            label_en: c.label_en.clone(),
            label_nl: c.label_nl.clone(),
        })
        .collect()
}

/// Each incident's (bias categories, types of crime) under `mapping`; `None` when
/// it is outside the scope.
fn classify(
    mapping: &Mapping,
    i: &CountedIncident,
) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    let in_scope = i
        .articles
        .iter()
        .any(|a| mapping.targets("article", a).contains(&HATE_CRIME));
    if !in_scope {
        return None;
    }
    let mapped = |list: &str, codes: &[String]| -> BTreeSet<String> {
        codes
            .iter()
            .flat_map(|c| mapping.targets(list, c))
            .map(str::to_owned)
            .collect()
    };
    Some((
        mapped("ground", &i.grounds),
        mapped("manifestation", &i.manifestations),
    ))
}

/// The table of `incidents` (the counted incidents of one year) under `mapping`.
pub fn tabulate(
    catalog: &Catalog,
    mapping: &Mapping,
    year: i32,
    incidents: &[CountedIncident],
) -> OdihrReport {
    let (bias_categories, crime_types) = (
        categories(catalog, "odihr_bias"),
        categories(catalog, "odihr_crime"),
    );
    let mut cells: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut by_bias: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    let (mut total, mut outside, mut without) = (0, 0, 0);
    for i in incidents.iter().filter(|i| i.year == year) {
        let Some((biases, types)) = classify(mapping, i) else {
            outside += 1;
            continue;
        };
        if biases.is_empty() || types.is_empty() {
            without += 1;
            continue;
        }
        total += 1;
        for b in &biases {
            *by_bias.entry(b.clone()).or_insert(0) += 1;
            for t in &types {
                *cells.entry((b.clone(), t.clone())).or_insert(0) += 1;
            }
        }
        for t in &types {
            *by_type.entry(t.clone()).or_insert(0) += 1;
        }
    }
    let totals = |list: &[Category], counts: &BTreeMap<String, u64>| -> Vec<Total> {
        list.iter()
            .map(|c| Total {
                code: c.code.clone(),
                incidents: counts.get(&c.code).copied().unwrap_or(0),
            })
            .collect()
    };
    OdihrReport {
        year,
        mapping_version: mapping.version.clone(),
        poldis_rules_version: crate::poldis::RULES_VERSION.to_owned(),
        fingerprint: String::new(),
        cells: bias_categories
            .iter()
            .flat_map(|b| {
                crime_types.iter().map(|t| OdihrCell {
                    bias: b.code.clone(),
                    crime_type: t.code.clone(),
                    incidents: cells.get(&(b.code.clone(), t.code.clone())).copied().unwrap_or(0),
                })
            })
            .collect(),
        by_bias: totals(&bias_categories, &by_bias),
        by_crime_type: totals(&crime_types, &by_type),
        total,
        incidents: incidents.iter().filter(|i| i.year == year).count() as u64,
        outside_scope: outside,
        without_category: without,
        note_en: "An incident counts once in each bias category and type of crime it maps to (an incident with two grounds, or a ground mapped to two categories, counts in each): rows and columns can sum to more than the total.".to_owned(),
        note_nl: "Een incident telt één keer in elke motiefcategorie en elk type delict waarop het uitkomt (twee gronden, of een grond gekoppeld aan twee categorieën, tellen elk): rijen en kolommen kunnen optellen tot meer dan het totaal.".to_owned(),
        bias_categories,
        crime_types,
    }
}

/// The report for `year`. Blocking: call it off the async executor.
pub fn produce(db: &Db, catalog: &Catalog, year: i32) -> anyhow::Result<OdihrReport> {
    anyhow::ensure!(
        crate::poldis::REPORT_YEARS.contains(&year),
        "year {year} is outside the reporting years"
    );
    let counted = crate::poldis::counted(db, catalog, None, year..=year)?;
    let mapping = crate::mapping::load(&mut *db.conn()?, Scheme::Odihr)?;
    let mut report = tabulate(catalog, &mapping, year, &counted.incidents);
    report.fingerprint = counted.fingerprint;
    Ok(report)
}

impl OdihrReport {
    /// The long form: `table,bias,crime_type,incidents` (tables `cells`, `by_bias`,
    /// `by_crime_type`, `summary`).
    pub fn write_csv<W: std::io::Write>(&self, out: W) -> csv::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["table", "bias", "crime_type", "incidents"])?;
        for c in &self.cells {
            w.write_record(["cells", &c.bias, &c.crime_type, &c.incidents.to_string()])?;
        }
        for t in &self.by_bias {
            w.write_record(["by_bias", &t.code, "", &t.incidents.to_string()])?;
        }
        for t in &self.by_crime_type {
            w.write_record(["by_crime_type", "", &t.code, &t.incidents.to_string()])?;
        }
        for (key, n) in [
            ("total", self.total),
            ("incidents", self.incidents),
            ("outside_scope", self.outside_scope),
            ("without_category", self.without_category),
        ] {
            w.write_record(["summary", key, "", &n.to_string()])?;
        }
        w.flush()?;
        Ok(())
    }

    /// The report as a page (English labels, as ODIHR reads it; Dutch beside).
    pub fn render_html(&self) -> String {
        use maud::html;
        let cell = |b: &str, t: &str| {
            self.cells
                .iter()
                .find(|c| c.bias == b && c.crime_type == t)
                .map_or(0, |c| c.incidents)
        };
        let total_of = |list: &[Total], code: &str| {
            list.iter()
                .find(|t| t.code == code)
                .map_or(0, |t| t.incidents)
        };
        html! {
            (maud::DOCTYPE)
            html lang="en" {
                head { meta charset="utf-8"; title { "Hate crime data " (self.year) " (ODIHR)" } }
                body {
                    main {
                        h1 { "Hate crime data " (self.year) ": the Netherlands, police" }
                        p { (self.note_en) }
                        p lang="nl" { (self.note_nl) }
                        table {
                            caption { "Bias motivation by type of crime (incidents); mapping " (self.mapping_version) }
                            thead { tr {
                                th scope="col" { "Bias motivation" }
                                @for t in &self.crime_types { th scope="col" { (t.label_en) } }
                                th scope="col" { "Total (each incident once)" }
                            } }
                            tbody {
                                @for b in &self.bias_categories {
                                    tr {
                                        th scope="row" { (b.label_en) }
                                        @for t in &self.crime_types { td { (cell(&b.code, &t.code)) } }
                                        td { (total_of(&self.by_bias, &b.code)) }
                                    }
                                }
                                tr {
                                    th scope="row" { "Total (each incident once)" }
                                    @for t in &self.crime_types { td { (total_of(&self.by_crime_type, &t.code)) } }
                                    td { (self.total) }
                                }
                            }
                        }
                        p { "Counted incidents: " (self.incidents) "; not a hate crime in ODIHR's sense: " (self.outside_scope) "; hate crimes without an ODIHR category: " (self.without_category) "." }
                        p { "Fingerprint of the rows counted: " code { (self.fingerprint) } }
                    }
                }
            }
        }
        .into_string()
    }
}
