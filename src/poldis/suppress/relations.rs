//! The linear relations between the report's figures outside the cross tables' rows
//! and columns: sums of one-dimensional tables, the trend, units and their
//! municipalities.

use std::collections::{BTreeMap, BTreeSet};

use super::sheet::Sheet;
use super::{Cell, Links, Relation, SUMMED};
use crate::poldis::load::UNKNOWN;

/// The relations outside the cross tables' rows and columns.
pub(super) fn other_relations(
    sheet: &Sheet,
    tables: &[(String, Vec<Cell>)],
    links: &Links,
) -> Vec<Relation> {
    let ids = |name: &str| -> Vec<(usize, f64)> {
        sheet
            .cells_of(tables, name)
            .iter()
            .filter_map(|c| sheet.get(name, &c.key, &c.subkey))
            .map(|i| (i, 1.0))
            .collect()
    };
    let mut relations: Vec<Relation> = SUMMED.iter().map(|t| ids(t)).collect();
    // `trend_by_ground`: each year adds up to `trend`; its last year is `by_ground`
    // with retired grounds counted under their successor.
    let trend = sheet.cells_of(tables, "trend_by_ground");
    let years: BTreeSet<&str> = trend.iter().map(|c| c.key.as_str()).collect();
    for year in years {
        relations.push(
            trend
                .iter()
                .filter(|c| c.key == year)
                .filter_map(|c| sheet.get("trend_by_ground", &c.key, &c.subkey))
                .map(|i| (i, 1.0))
                .collect(),
        );
    }
    let this_year = links.year.to_string();
    let mut by_successor: BTreeMap<String, Relation> = BTreeMap::new();
    for c in sheet.cells_of(tables, "by_ground") {
        let code = links.successor.get(&c.key).unwrap_or(&c.key).clone();
        if let Some(i) = sheet.get("by_ground", &c.key, "") {
            by_successor.entry(code).or_default().push((i, -1.0));
        }
    }
    // Only where the report has `trend_by_ground` (the monitor has not): alone, the
    // ground's cells would seem known exactly.
    for (code, mut relation) in by_successor {
        if let Some(i) = sheet.get("trend_by_ground", &this_year, &code) {
            relation.push((i, 1.0));
            relations.push(relation);
        }
    }
    // A unit's incidents are those of its municipalities plus those without one
    // (incidents are registered by the unit of their municipality): `by_unit` u = its
    // municipalities + s_u, with s_u ≥ 0 unknown, and the s_u add up to `ONBEKEND`.
    // Without `ONBEKEND` incidents every s_u is 0 and the units are exact sums.
    let mut by_unit: BTreeMap<&str, Relation> = BTreeMap::new();
    for c in sheet.cells_of(tables, "by_municipality") {
        if let (Some(unit), Some(i)) = (
            links.municipality_unit.get(&c.key),
            sheet.get("by_municipality", &c.key, ""),
        ) {
            by_unit.entry(unit.as_str()).or_default().push((i, 1.0));
        }
    }
    let mut unknown: Relation = sheet.slack.values().map(|&s| (s, 1.0)).collect();
    if let Some(i) = sheet.get("by_municipality", UNKNOWN, "") {
        unknown.push((i, -1.0));
    }
    relations.push(unknown);
    for (unit, &s) in &sheet.slack {
        let mut relation = by_unit.remove(unit.as_str()).unwrap_or_default();
        relation.push((s, 1.0));
        if let Some(i) = sheet.get("by_unit", unit, "") {
            relation.push((i, -1.0));
        }
        relations.push(relation);
    }
    relations.retain(|r| !r.is_empty());
    relations
}
