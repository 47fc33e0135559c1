//! The monitor's tables from the counted police incidents and the ADV figures.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Column, Figure, Row, Table};
use crate::adv::{Category, Figure as AdvFigure};
use crate::codes::Catalog;
use crate::mapping::Mapping;
use crate::poldis::{Counted, CountedIncident};

/// The key of an unknown municipality or domain, as in the Poldis report.
const UNKNOWN: &str = "ONBEKEND";

/// What the tables are made of.
pub struct Input<'a> {
    pub catalog: &'a Catalog,
    pub mapping: &'a Mapping,
    pub year: i32,
    /// The unit's municipalities (CBS codes).
    pub municipalities: &'a [String],
    pub counted: &'a Counted,
    /// The ADV figures of the unit's municipalities, `year` and the four before.
    pub figures: &'a [AdvFigure],
}

/// One side-by-side comparison: the police list, the ADV category and its list.
struct Dimension {
    name: &'static str,
    title_nl: &'static str,
    police_list: &'static str,
    category: Category,
}

const DIMENSIONS: [Dimension; 3] = [
    Dimension {
        name: "by_ground",
        title_nl: "Discriminatiegronden",
        police_list: "ground",
        category: Category::Ground,
    },
    Dimension {
        name: "by_domain",
        title_nl: "Maatschappelijke terreinen",
        police_list: "domain",
        category: Category::Domain,
    },
    Dimension {
        name: "by_manifestation",
        title_nl: "Verschijningsvormen (politie) en wijze (ADV)",
        police_list: "manifestation",
        category: Category::Manner,
    },
];

fn column(key: &str, label: &str) -> Column {
    Column {
        key: key.to_owned(),
        label_nl: label.to_owned(),
    }
}

fn side_by_side_columns() -> Vec<Column> {
    vec![
        column("police", "Politie (incidenten)"),
        column("adv", "ADV (meldingen)"),
        column("police_share", "Aandeel politie"),
        column("adv_share", "Aandeel ADV"),
    ]
}

/// Police and ADV side by side, with each one's share of the two together.
fn pair(police: Figure, adv: Figure) -> Vec<Figure> {
    vec![
        police,
        adv,
        Figure::share(police, adv),
        Figure::share(adv, police),
    ]
}

impl Input<'_> {
    fn incidents_of(&self, year: i32) -> impl Iterator<Item = &CountedIncident> {
        self.counted
            .incidents
            .iter()
            .filter(move |i| i.year == year)
    }

    /// ADV figures of `year`.
    fn adv_of(&self, year: i32) -> impl Iterator<Item = &AdvFigure> {
        self.figures.iter().filter(move |f| f.year == year)
    }

    /// The sum of the ADV `codes` of `category` in `year` (of `municipality`, or all);
    /// absent when nothing maps, or nobody delivered lines of that category (a bureau
    /// that gave only its total classified nothing: not zero).
    fn adv_sum(
        &self,
        year: i32,
        category: Category,
        codes: &[&str],
        municipality: Option<&str>,
    ) -> Figure {
        let delivered = self
            .adv_of(year)
            .filter(|f| municipality.is_none_or(|m| f.municipality == m))
            .any(|f| f.category == category);
        if (category != Category::Total && codes.is_empty()) || !delivered {
            return Figure::Absent;
        }
        let sum: i64 = self
            .adv_of(year)
            .filter(|f| municipality.is_none_or(|m| f.municipality == m))
            .filter(|f| f.category == category)
            .filter(|f| {
                category == Category::Total || f.code.as_deref().is_some_and(|c| codes.contains(&c))
            })
            .map(|f| f.reports)
            .sum();
        Figure::Count(sum.max(0) as u64)
    }

    /// The police codes of `list` in the year, retired grounds under their successor,
    /// in list order, then any other key counted (`ONBEKEND`).
    fn police_keys(&self, list: &str, counted: &BTreeMap<String, u64>) -> Vec<String> {
        let first = NaiveDate::from_ymd_opt(self.year, 1, 1).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(self.year, 12, 31).unwrap_or_default();
        let mut keys: Vec<String> = Vec::new();
        for c in self.catalog.list(list) {
            if c.valid_from > last || c.valid_to.is_some_and(|to| to < first) {
                continue;
            }
            let key = self.catalog.successor(list, &c.code).to_owned();
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        for key in counted.keys() {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        keys
    }

    fn label(&self, list: &str, code: &str) -> String {
        match (self.catalog.label_nl(list, code), code) {
            (Some(l), _) => l.to_owned(),
            (None, UNKNOWN) => "Onbekend".to_owned(),
            (None, _) => code.to_owned(),
        }
    }
}

/// An incident's grounds under their successor (GELOOF → GODSDIENST), each once.
fn current_grounds(catalog: &Catalog, i: &CountedIncident) -> Vec<String> {
    let mut grounds: Vec<String> = Vec::new();
    for g in &i.grounds {
        let current = catalog.successor("ground", g).to_owned();
        if !grounds.contains(&current) {
            grounds.push(current);
        }
    }
    grounds
}

/// Where the ADV codes of one list count in the year.
struct AdvRows<'m> {
    /// Per police key, the ADV codes counted under it.
    under: BTreeMap<String, Vec<&'m str>>,
    /// The ADV codes that count under no police key, and whether they are mapped at
    /// all (else: no counterpart; mapped: none in that year).
    apart: Vec<(&'m str, bool)>,
}

/// The ADV codes of `adv_list` per police key they count under in the year (their
/// mapped codes under the successor, among `keys`), and those that count under none:
/// no counterpart, or none in that year (MOSLIMDISCRIMINATIE before 2024).
fn adv_rows<'m>(
    input: &'m Input,
    adv_list: &str,
    police_list: &str,
    keys: &[String],
) -> AdvRows<'m> {
    let mut under: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut apart = Vec::new();
    for c in input.catalog.list(adv_list) {
        let targets: Vec<String> = input
            .mapping
            .targets(adv_list, &c.code)
            .iter()
            .map(|t| input.catalog.successor(police_list, t).to_owned())
            .filter(|t| keys.contains(t))
            .collect();
        if targets.is_empty() {
            let mapped = !input.mapping.targets(adv_list, &c.code).is_empty();
            apart.push((c.code.as_str(), mapped));
        }
        for t in targets {
            let codes = under.entry(t).or_default();
            if !codes.contains(&c.code.as_str()) {
                codes.push(c.code.as_str());
            }
        }
    }
    AdvRows { under, apart }
}

/// Counts per code of the year's incidents for one field.
fn police_counts(input: &Input, police_list: &str) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for i in input.incidents_of(input.year) {
        let values: Vec<String> = match police_list {
            "ground" => current_grounds(input.catalog, i),
            "manifestation" => i.manifestations.clone(),
            _ => vec![i.domain.clone()],
        };
        for v in values {
            *counts.entry(v).or_insert(0) += 1;
        }
    }
    counts
}

fn dimension_table(input: &Input, d: &Dimension) -> Table {
    let adv_list = d.category.list().unwrap_or_default();
    let counts = police_counts(input, d.police_list);
    let keys = input.police_keys(d.police_list, &counts);
    let AdvRows { under, apart } = adv_rows(input, adv_list, d.police_list, &keys);
    let mut rows = Vec::new();
    for key in keys {
        let police = Figure::Count(counts.get(&key).copied().unwrap_or(0));
        let sources = under.get(&key).cloned().unwrap_or_default();
        let adv = input.adv_sum(input.year, d.category, &sources, None);
        let sublabel = sources
            .iter()
            .map(|c| input.label(adv_list, c))
            .collect::<Vec<_>>()
            .join("; ");
        rows.push(Row {
            label_nl: input.label(d.police_list, &key),
            key,
            subkey: String::new(),
            sublabel_nl: match sublabel.is_empty() {
                true => "ADV: geen tegenhanger".to_owned(),
                false => format!("ADV: {sublabel}"),
            },
            values: pair(police, adv),
        });
    }
    for (code, mapped) in apart {
        let adv = input.adv_sum(input.year, d.category, &[code], None);
        rows.push(Row {
            key: format!("adv:{code}"),
            subkey: String::new(),
            label_nl: format!("ADV: {}", input.label(adv_list, code)),
            sublabel_nl: match mapped {
                true => format!("geen tegenhanger bij de politie in {}", input.year),
                false => "geen tegenhanger bij de politie".to_owned(),
            },
            values: vec![Figure::Absent, adv, Figure::Absent, Figure::Absent],
        });
    }
    Table {
        name: d.name.to_owned(),
        title_nl: d.title_nl.to_owned(),
        columns: side_by_side_columns(),
        rows,
        note_nl: "Een incident of melding telt onder elk van zijn gronden, vormen of wijzen: de kolommen kunnen optellen tot meer dan het totaal. Waar meer ADV-categorieën op één politiecode uitkomen, zijn hun meldingen opgeteld. Het aandeel is dat van de bron in politie en ADV samen. Leeg bij ADV: geen tegenhanger, of geen ADV-cijfers in deze indeling aangeleverd.".to_owned(),
    }
}

fn summary(input: &Input) -> Table {
    let y = input.year;
    let registrations = input.counted.registrations.get(&y).copied().unwrap_or(0);
    let rows = [
        (
            "police_incidents",
            "Politie: incidenten",
            Figure::Count(input.incidents_of(y).count() as u64),
        ),
        (
            "police_registrations",
            "Politie: registraties",
            Figure::Count(registrations),
        ),
        (
            "adv_reports",
            "ADV: meldingen",
            input.adv_sum(y, Category::Total, &[], None),
        ),
    ];
    Table {
        name: "summary".to_owned(),
        title_nl: "Samenvatting".to_owned(),
        columns: vec![column("value", "Aantal")],
        rows: rows
            .into_iter()
            .map(|(key, label, value)| Row {
                key: key.to_owned(),
                subkey: String::new(),
                label_nl: label.to_owned(),
                sublabel_nl: String::new(),
                values: vec![value],
            })
            .collect(),
        note_nl: String::new(),
    }
}

fn trend(input: &Input) -> Table {
    let rows = (input.year - 4..=input.year)
        .map(|y| Row {
            key: y.to_string(),
            subkey: String::new(),
            label_nl: y.to_string(),
            sublabel_nl: String::new(),
            values: vec![
                Figure::Count(input.incidents_of(y).count() as u64),
                input.adv_sum(y, Category::Total, &[], None),
            ],
        })
        .collect();
    Table {
        name: "trend".to_owned(),
        title_nl: "Ontwikkeling over vijf jaar".to_owned(),
        columns: vec![
            column("police", "Politie (incidenten)"),
            column("adv", "ADV (meldingen)"),
        ],
        rows,
        note_nl: "Leeg: geen ADV-cijfers aangeleverd voor dat jaar.".to_owned(),
    }
}

/// The municipality of an incident as the appendix keys it: its code, or `ONBEKEND`
/// when it has none.
fn municipality_key(input: &Input, i: &CountedIncident) -> String {
    match input.catalog.municipality(&i.municipality) {
        Some(_) => i.municipality.clone(),
        None => UNKNOWN.to_owned(),
    }
}

/// A municipality's name; one of another unit says so.
fn municipality_name(input: &Input, code: &str) -> String {
    match input.catalog.municipality(code) {
        Some(m) if input.municipalities.contains(&m.code) => m.name.clone(),
        Some(m) => format!("{} (andere eenheid)", m.name),
        None => "Onbekend".to_owned(),
    }
}

/// The appendix's municipalities: the unit's by name, then any other an incident of
/// the unit names, then `ONBEKEND` when an incident has none.
fn appendix_keys(input: &Input, counted: impl Iterator<Item = String>) -> Vec<String> {
    let mut keys: Vec<String> = input.municipalities.to_vec();
    keys.sort_by_key(|k| municipality_name(input, k));
    let mut others: Vec<String> = counted
        .filter(|k| !keys.contains(k) && k != UNKNOWN)
        .collect();
    others.sort_by_key(|k| municipality_name(input, k));
    others.dedup();
    let unknown = input
        .incidents_of(input.year)
        .any(|i| municipality_key(input, i) == UNKNOWN);
    keys.extend(others);
    if unknown {
        keys.push(UNKNOWN.to_owned());
    }
    keys
}

fn by_municipality(input: &Input) -> Table {
    let mut police: BTreeMap<String, u64> = BTreeMap::new();
    for i in input.incidents_of(input.year) {
        *police.entry(municipality_key(input, i)).or_insert(0) += 1;
    }
    let keys = appendix_keys(input, police.keys().cloned());
    let rows = keys
        .into_iter()
        .map(|key| {
            let adv = match input.municipalities.contains(&key) {
                true => input.adv_sum(input.year, Category::Total, &[], Some(&key)),
                false => Figure::Absent,
            };
            Row {
                label_nl: municipality_name(input, &key),
                values: pair(Figure::Count(police.get(&key).copied().unwrap_or(0)), adv),
                key,
                subkey: String::new(),
                sublabel_nl: String::new(),
            }
        })
        .collect();
    Table {
        name: "by_municipality".to_owned(),
        title_nl: "Bijlage: per gemeente".to_owned(),
        columns: side_by_side_columns(),
        rows,
        note_nl: "Leeg bij ADV: de gemeente leverde geen cijfers aan.".to_owned(),
    }
}

fn ground_by_municipality(input: &Input) -> Table {
    let mut police: BTreeMap<(String, String), u64> = BTreeMap::new();
    for i in input.incidents_of(input.year) {
        for g in current_grounds(input.catalog, i) {
            *police.entry((municipality_key(input, i), g)).or_insert(0) += 1;
        }
    }
    let grounds = input.police_keys("ground", &BTreeMap::new());
    let under = adv_rows(input, "adv_ground", "ground", &grounds).under;
    let municipalities = appendix_keys(input, police.keys().map(|(m, _)| m.clone()));
    let mut rows = Vec::new();
    for m in &municipalities {
        for g in &grounds {
            let count = police.get(&(m.clone(), g.clone())).copied().unwrap_or(0);
            let sources = under.get(g).cloned().unwrap_or_default();
            let adv = match input.municipalities.contains(m) {
                true => input.adv_sum(input.year, Category::Ground, &sources, Some(m)),
                false => Figure::Absent,
            };
            if count == 0 && adv.count().unwrap_or(0) == 0 {
                continue;
            }
            rows.push(Row {
                key: m.clone(),
                subkey: g.clone(),
                label_nl: municipality_name(input, m),
                sublabel_nl: input.label("ground", g),
                values: pair(Figure::Count(count), adv),
            });
        }
    }
    Table {
        name: "ground_by_municipality".to_owned(),
        title_nl: "Bijlage: per gemeente en grond".to_owned(),
        columns: side_by_side_columns(),
        rows,
        note_nl: "Alleen gemeenten en gronden met ten minste één incident of melding.".to_owned(),
    }
}

/// Every table of the monitor, in the order they are shown.
pub fn tables(input: &Input) -> Vec<Table> {
    let mut tables = vec![summary(input)];
    tables.extend(DIMENSIONS.iter().map(|d| dimension_table(input, d)));
    tables.push(trend(input));
    tables.push(by_municipality(input));
    tables.push(ground_by_municipality(input));
    tables
}
