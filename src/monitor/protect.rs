//! Publication mode: the police figures of the monitor protected by the Poldis
//! small-cell suppression ([`crate::poldis::protect`], `docs/suppression.md`), over the
//! same linked tables (the appendix per municipality and ground is a cross table with
//! the grounds and the municipalities as its margins). The ADV figures are the
//! bureaus' own, published by them per municipality, and are shown as delivered; a
//! share is withheld wherever the police figure it depends on is.

use super::{Figure, Table};
use crate::codes::Catalog;
use crate::poldis::{Cell, Links, Withheld};

/// The police column of every table (the first), as Poldis cells under the table's
/// name; the appendix keyed as the Poldis cross tables are (ground, then municipality).
fn police_cells(tables: &[Table]) -> Vec<(String, Vec<Cell>)> {
    let cell = |key: &str, subkey: &str, count: u64| Cell {
        key: key.to_owned(),
        subkey: subkey.to_owned(),
        incidents: count.into(),
        label_nl: None,
        label_en: None,
        sublabel_nl: None,
        count,
        withheld: None,
    };
    tables
        .iter()
        .map(|t| {
            let cells = t
                .rows
                .iter()
                .filter(|r| !r.key.starts_with("adv:"))
                .filter_map(|r| {
                    let count = r.values.first()?.count()?;
                    Some(match t.name.as_str() {
                        "ground_by_municipality" => cell(&r.subkey, &r.key, count),
                        "summary" if r.key == "police_incidents" => cell("incidents", "", count),
                        "summary" => return None,
                        _ => cell(&r.key, "", count),
                    })
                })
                .collect();
            (t.name.clone(), cells)
        })
        .collect()
}

/// Withholds the police figures that would single someone out, and the shares that
/// depend on them.
pub fn protect(tables: &mut [Table], catalog: &Catalog, unit: &str, year: i32) {
    let mut cells = police_cells(tables);
    // The unit's total as `by_unit`, so that the rule knows what a reader knows: the
    // unit's incidents are those of its municipalities plus those without one.
    let total = cells
        .iter()
        .find(|(name, _)| name == "summary")
        .and_then(|(_, c)| c.first())
        .map_or(0, |c| c.count);
    let unit_cell = Cell {
        key: unit.to_owned(),
        subkey: String::new(),
        incidents: total.into(),
        label_nl: None,
        label_en: None,
        sublabel_nl: None,
        count: total,
        withheld: None,
    };
    cells.push(("by_unit".to_owned(), vec![unit_cell]));
    let links = Links {
        year,
        municipality_unit: catalog
            .municipalities()
            .map(|m| (m.code.clone(), m.unit.clone()))
            .collect(),
        successor: Default::default(),
    };
    crate::poldis::protect(&mut cells, &links);
    for (t, (_, protected)) in tables.iter_mut().zip(&cells) {
        for row in t.rows.iter_mut() {
            let (key, subkey) = match t.name.as_str() {
                "ground_by_municipality" => (row.subkey.as_str(), row.key.as_str()),
                "summary" if row.key == "police_incidents" => ("incidents", ""),
                _ => (row.key.as_str(), ""),
            };
            let withheld = protected
                .iter()
                .find(|c| c.key == key && c.subkey == subkey)
                .and_then(|c| c.withheld);
            if let Some(w) = withheld {
                withhold(&mut row.values, w);
            }
        }
    }
}

/// The police figure (first) withheld as `w`; the shares after the ADV figure with it.
fn withhold(values: &mut [Figure], w: Withheld) {
    for (i, v) in values.iter_mut().enumerate() {
        if i == 0 {
            *v = Figure::Withheld(w);
        } else if i >= 2 && !matches!(v, Figure::Absent) {
            *v = Figure::Withheld(Withheld::Protecting);
        }
    }
}
