//! Publication mode: small-cell suppression that holds across the report's linked
//! tables (domain.md "Publication"). Primary cells (counts 1 to 4 in
//! `by_municipality` and the cross tables) are `<5`; cells withheld to protect them
//! are `x`. Secondary cells are chosen with the hypercube method of τ-ARGUS (Repsilber;
//! τ-ARGUS manual, "Hypercube"): every withheld cell of a cross table is a corner of
//! a rectangle of withheld cells, its margins counted as a row and a column of the
//! table. A check over every linear relation between the report's figures and the
//! bounds a reader knows of each withheld cell ([`exposed`]: `<5` is 1 to 4, any
//! listed cell at least 1, an `x` of a primary table at least 5) then looks for
//! withheld cells that can be worked out exactly, and more cells are withheld until
//! it finds none but those no suppression can protect.
//! The rule and the cases it covers: `docs/suppression.md`.
//!
//! The parts: [`sheet`] numbers the cells, [`hypercube`] protects the cross tables,
//! [`mod@relations`] lists the other relations, [`secondary`] chooses the next cell to
//! withhold, and [`bounds`] is the check.

mod bounds;
mod hypercube;
mod relations;
mod secondary;
mod sheet;

use std::collections::{BTreeMap, HashMap};

use super::report::Cell;
use bounds::{beyond_protection, pinned};
use hypercube::Grid;
use relations::other_relations;
use secondary::{pair, widen};
use sheet::Sheet;

/// Why a cell is not printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// A count of 1 to 4 (primary suppression): `<5`.
    Small,
    /// Withheld to protect another cell (secondary suppression): `x`.
    Protecting,
}

impl Withheld {
    pub fn mark(self) -> &'static str {
        match self {
            Withheld::Small => "<5",
            Withheld::Protecting => "x",
        }
    }
}

/// Tables whose counts 1 to 4 are suppressed (domain.md "Publication"), with the
/// regional monitor's appendix (`ground_by_municipality`, `docs/monitor.md`).
const PRIMARY_TABLES: [&str; 7] = [
    "by_municipality",
    "ground_by_municipality",
    "ground_by_unit",
    "ground_by_manifestation",
    "ground_by_article",
    "ground_by_police_victim",
    "trend_by_ground",
];

/// Never withheld: the summary stays exact, and `trend` is the summary per year.
const FIXED: [&str; 2] = ["summary", "trend"];

/// The table name of the unknowns of [`Sheet::slack`] (no table of the report).
const SLACK: &str = "(incidents of a unit without municipality)";

/// One-dimensional tables that are margins of a cross table: withheld only when a
/// cross table offers no rectangle of its own (they carry the most information).
const MARGINS: [&str; 4] = ["by_ground", "by_unit", "by_manifestation", "by_article"];

/// Cross tables with their row margin and column margin. `None`: the column totals
/// are summary figures (`police_victim` and `incidents − police_victim`), never withheld.
const GRIDS: [(&str, &str, Option<&str>); 5] = [
    ("ground_by_unit", "by_ground", Some("by_unit")),
    (
        "ground_by_municipality",
        "by_ground",
        Some("by_municipality"),
    ),
    (
        "ground_by_manifestation",
        "by_ground",
        Some("by_manifestation"),
    ),
    ("ground_by_article", "by_ground", Some("by_article")),
    ("ground_by_police_victim", "by_ground", None),
];

/// One-dimensional tables that add up to a summary figure (conservatively: an
/// incident with several grounds or manifestations makes those sums larger).
const SUMMED: [&str; 4] = [
    "by_ground",
    "by_manifestation",
    "by_unit",
    "by_municipality",
];

/// What the rule must know beyond the tables: which unit a municipality lies in,
/// and the successor of a retired ground (`trend_by_ground` counts under it).
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub year: i32,
    pub municipality_unit: BTreeMap<String, String>,
    pub successor: HashMap<String, String>,
}

/// A linear relation between published figures: the cells it holds add up, with
/// their signs, to a known number (zero or a summary figure, which is left out).
type Relation = Vec<(usize, f64)>;

/// Every linear relation between the report's figures that the rule knows of.
fn relations(
    sheet: &Sheet,
    grids: &[Grid],
    tables: &[(String, Vec<Cell>)],
    links: &Links,
) -> Vec<Relation> {
    grids
        .iter()
        .flat_map(Grid::relations)
        .chain(other_relations(sheet, tables, links))
        .collect()
}

/// Withholds the cells of the report (domain.md "Publication"): primary cells, then
/// hypercube rectangles in every cross table and pairs in every other relation,
/// until stable; then, as long as the check ([`pinned`]) finds a withheld cell that
/// can be worked out, one more cell of a relation holding it ([`widen`]).
pub fn protect(tables: &mut [(String, Vec<Cell>)], links: &Links) {
    let mut sheet = Sheet::new(tables);
    let primary: Vec<bool> = (0..sheet.count.len())
        .map(|i| {
            PRIMARY_TABLES.contains(&sheet.table[i].as_str()) && (1..5).contains(&sheet.count[i])
        })
        .collect();
    sheet.hidden = primary.clone();
    sheet.small = primary.clone();
    sheet.add_unit_slacks(tables, links);
    let grids: Vec<Grid> = GRIDS
        .iter()
        .map(|g| Grid::new(&sheet, tables, *g))
        .collect();
    let others = other_relations(&sheet, tables, links);
    let all = relations(&sheet, &grids, tables, links);
    let mut beyond: Option<Vec<usize>> = None;
    loop {
        let mut changed = false;
        for grid in &grids {
            changed |= grid.protect(&mut sheet);
        }
        for relation in &others {
            changed |= pair(&mut sheet, relation);
        }
        if changed {
            continue;
        }
        let mut exposed = pinned(&sheet, &all);
        if !exposed.is_empty() {
            let beyond = beyond.get_or_insert_with(|| beyond_protection(&sheet, &all));
            exposed.retain(|i| !beyond.contains(i));
        }
        if exposed.is_empty() || !widen(&mut sheet, &all, &exposed) {
            break;
        }
    }
    let unprotected = beyond.map_or(0, |b| b.iter().filter(|i| sheet.hidden[**i]).count());
    if unprotected > 0 {
        tracing::warn!(
            cells = unprotected,
            "poldis: withheld cells that no further suppression can protect"
        );
    }
    let mut n = 0;
    for (_, cells) in tables.iter_mut() {
        for c in cells.iter_mut() {
            c.withheld = sheet.hidden[n].then_some(if primary[n] {
                Withheld::Small
            } else {
                Withheld::Protecting
            });
            if let Some(w) = c.withheld {
                c.incidents = w.mark().into();
            }
            n += 1;
        }
    }
}

/// The withheld cells of `tables` that a reader can work out exactly from the
/// published figures and the marks' bounds ([`pinned`]), as `table/key/subkey`:
/// empty when the suppression holds (the tests' check).
pub fn exposed(tables: &[(String, Vec<Cell>)], links: &Links) -> Vec<String> {
    let (sheet, all, names) = as_published(tables, links);
    pinned(&sheet, &all)
        .into_iter()
        .map(|i| names[i].clone())
        .collect()
}

/// The cells of marked `tables` as a reader has them, the relations between them,
/// and their names as `table/key/subkey`.
fn as_published(
    tables: &[(String, Vec<Cell>)],
    links: &Links,
) -> (Sheet, Vec<Relation>, Vec<String>) {
    let mut sheet = Sheet::new(tables);
    let mut names = Vec::new();
    for (name, cells) in tables {
        for c in cells {
            names.push(format!("{name}/{}/{}", c.key, c.subkey));
        }
    }
    let marks: Vec<Option<Withheld>> = tables
        .iter()
        .flat_map(|(_, cells)| cells.iter().map(|c| c.withheld))
        .collect();
    sheet.hidden = marks.iter().map(Option::is_some).collect();
    sheet.small = marks.iter().map(|m| *m == Some(Withheld::Small)).collect();
    sheet.add_unit_slacks(tables, links);
    let grids: Vec<Grid> = GRIDS
        .iter()
        .map(|g| Grid::new(&sheet, tables, *g))
        .collect();
    let all = relations(&sheet, &grids, tables, links);
    (sheet, all, names)
}

#[cfg(test)]
mod tests;
