//! Publication mode: small-cell suppression that holds across the report's linked
//! tables (domain.md "Publication"). Primary cells (counts 1 to 4 in
//! `by_municipality` and the cross tables) are `<5`; cells withheld to protect them
//! are `x`. Secondary cells are chosen with the hypercube method of τ-ARGUS (Repsilber;
//! τ-ARGUS manual, "Hypercube"): every withheld cell of a cross table is a corner of
//! a rectangle of withheld cells, its margins counted as a row and a column of the
//! table. A check over every linear relation between the report's figures
//! ([`exposed`]) then proves that no withheld cell can be worked out exactly.
//! The rule and the cases it covers: `docs/suppression.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::report::Cell;

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

/// Tables whose counts 1 to 4 are suppressed (domain.md "Publication").
const PRIMARY_TABLES: [&str; 6] = [
    "by_municipality",
    "ground_by_unit",
    "ground_by_manifestation",
    "ground_by_article",
    "ground_by_police_victim",
    "trend_by_ground",
];

/// Never withheld: the summary stays exact, and `trend` is the summary per year.
const FIXED: [&str; 2] = ["summary", "trend"];

/// One-dimensional tables that are margins of a cross table: withheld only when a
/// cross table offers no rectangle of its own (they carry the most information).
const MARGINS: [&str; 4] = ["by_ground", "by_unit", "by_manifestation", "by_article"];

/// Cross tables with their row margin and column margin. `None`: the column totals
/// are summary figures (`police_victim` and `incidents − police_victim`), never withheld.
const GRIDS: [(&str, &str, Option<&str>); 4] = [
    ("ground_by_unit", "by_ground", Some("by_unit")),
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

/// The report's cells as one numbered list: what the rule reads and marks.
struct Sheet {
    count: Vec<u64>,
    hidden: Vec<bool>,
    table: Vec<String>,
    id: HashMap<(String, String, String), usize>,
}

impl Sheet {
    fn new(tables: &[(String, Vec<Cell>)]) -> Sheet {
        let mut sheet = Sheet {
            count: Vec::new(),
            hidden: Vec::new(),
            table: Vec::new(),
            id: HashMap::new(),
        };
        for (name, cells) in tables {
            for c in cells {
                let key = (name.clone(), c.key.clone(), c.subkey.clone());
                sheet.id.insert(key, sheet.count.len());
                sheet.count.push(c.count);
                sheet.hidden.push(false);
                sheet.table.push(name.clone());
            }
        }
        sheet
    }

    /// A non-zero cell (zero cells are known: the long form leaves them out).
    fn get(&self, table: &str, key: &str, subkey: &str) -> Option<usize> {
        self.id
            .get(&(table.to_owned(), key.to_owned(), subkey.to_owned()))
            .copied()
            .filter(|i| self.count[*i] > 0)
    }

    fn cells_of<'a>(&'a self, tables: &'a [(String, Vec<Cell>)], name: &str) -> Vec<&'a Cell> {
        tables
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, cells)| cells.iter().filter(|c| c.count > 0))
            .collect()
    }

    /// May this cell be withheld to protect another?
    fn can_hide(&self, i: usize) -> bool {
        !self.hidden[i] && self.count[i] > 0 && !FIXED.contains(&self.table[i].as_str())
    }

    /// What withholding a cell costs: its count, and far more for a margin
    /// (τ-ARGUS minimises the information lost; a margin is read most).
    fn cost(&self, i: usize) -> u64 {
        let margin = MARGINS.contains(&self.table[i].as_str());
        self.count[i] + if margin { 1_000_000 } else { 0 }
    }
}

/// Position in a cross table extended by its margins: `None` is the margin.
type Pos = (Option<String>, Option<String>);

/// A cross table with its margins as an extra row and column (the corner, the
/// table total, is never withheld and so never a corner of a rectangle).
struct Grid {
    cells: BTreeMap<Pos, usize>,
    rows: BTreeSet<Option<String>>,
    columns: BTreeSet<Option<String>>,
}

impl Grid {
    fn new(
        sheet: &Sheet,
        tables: &[(String, Vec<Cell>)],
        spec: (&str, &str, Option<&str>),
    ) -> Grid {
        let (name, row_margin, column_margin) = spec;
        let mut grid = Grid {
            cells: BTreeMap::new(),
            rows: BTreeSet::from([None]),
            columns: BTreeSet::from([None]),
        };
        for c in sheet.cells_of(tables, name) {
            let (row, column) = (Some(c.key.clone()), Some(c.subkey.clone()));
            if let Some(i) = sheet.get(name, &c.key, &c.subkey) {
                grid.cells.insert((row.clone(), column.clone()), i);
            }
            grid.rows.insert(row);
            grid.columns.insert(column);
        }
        for row in grid.rows.iter().flatten() {
            if let Some(i) = sheet.get(row_margin, row, "") {
                grid.cells.insert((Some(row.clone()), None), i);
            }
        }
        for column in grid.columns.iter().flatten() {
            if let Some(i) = column_margin.and_then(|m| sheet.get(m, column, "")) {
                grid.cells.insert((None, Some(column.clone())), i);
            }
        }
        grid
    }

    /// Each row adds up to its margin, each column to its margin (or to a summary
    /// figure), and the margins add up to the table total.
    fn relations(&self) -> Vec<Relation> {
        let line = |on_line: &dyn Fn(&Pos) -> bool, total: &dyn Fn(&Pos) -> bool| -> Relation {
            self.cells
                .iter()
                .filter(|(p, _)| on_line(p))
                .map(|(p, i)| (*i, if total(p) { -1.0 } else { 1.0 }))
                .collect()
        };
        let mut relations = Vec::new();
        for row in &self.rows {
            relations.push(line(&|p| p.0 == *row, &|p| p.1.is_none() && row.is_some()));
        }
        for column in &self.columns {
            relations.push(line(&|p| p.1 == *column, &|p| {
                p.0.is_none() && column.is_some()
            }));
        }
        relations
    }

    /// The four corners of the rectangle through `at` and `(row, column)`, when all
    /// are non-zero cells and none is the table total.
    fn rectangle(
        &self,
        at: &Pos,
        row: &Option<String>,
        column: &Option<String>,
    ) -> Option<[usize; 4]> {
        if row == &at.0 || column == &at.1 {
            return None;
        }
        let corner = |r: &Option<String>, c: &Option<String>| {
            self.cells.get(&(r.clone(), c.clone())).copied()
        };
        Some([
            corner(&at.0, &at.1)?,
            corner(&at.0, column)?,
            corner(row, &at.1)?,
            corner(row, column)?,
        ])
    }

    /// Hypercube step: every withheld cell of the table not yet a corner of a
    /// withheld rectangle gets the rectangle whose new corners cost least.
    fn protect(&self, sheet: &mut Sheet) -> bool {
        let mut changed = false;
        let withheld: Vec<Pos> = self
            .cells
            .iter()
            .filter(|(_, i)| sheet.hidden[**i])
            .map(|(p, _)| p.clone())
            .collect();
        for at in withheld {
            let rectangles: Vec<[usize; 4]> = self
                .rows
                .iter()
                .flat_map(|r| self.columns.iter().map(move |c| (r, c)))
                .filter_map(|(r, c)| self.rectangle(&at, r, c))
                .collect();
            if rectangles
                .iter()
                .any(|q| q.iter().all(|i| sheet.hidden[*i]))
            {
                continue;
            }
            let cost = |q: &[usize; 4]| -> Option<u64> {
                q.iter()
                    .filter(|i| !sheet.hidden[**i])
                    .map(|i| sheet.can_hide(*i).then(|| sheet.cost(*i)))
                    .sum()
            };
            let best = rectangles
                .iter()
                .filter_map(|q| cost(q).map(|c| (c, q)))
                .min_by_key(|(c, _)| *c);
            if let Some((_, q)) = best {
                for i in q {
                    sheet.hidden[*i] = true;
                }
                changed = true;
            }
        }
        changed
    }
}

/// The relations outside the cross tables' rows and columns.
fn other_relations(sheet: &Sheet, tables: &[(String, Vec<Cell>)], links: &Links) -> Vec<Relation> {
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
    for (code, mut relation) in by_successor {
        if let Some(i) = sheet.get("trend_by_ground", &this_year, &code) {
            relation.push((i, 1.0));
        }
        relations.push(relation);
    }
    // Without incidents of unknown municipality, a unit's incidents are (as far as a
    // reader can tell) those of its municipalities.
    if sheet
        .get("by_municipality", super::load::UNKNOWN, "")
        .is_none()
    {
        let mut by_unit: BTreeMap<&str, Relation> = BTreeMap::new();
        for c in sheet.cells_of(tables, "by_municipality") {
            if let (Some(unit), Some(i)) = (
                links.municipality_unit.get(&c.key),
                sheet.get("by_municipality", &c.key, ""),
            ) {
                by_unit.entry(unit.as_str()).or_default().push((i, 1.0));
            }
        }
        for (unit, mut relation) in by_unit {
            if let Some(i) = sheet.get("by_unit", unit, "") {
                relation.push((i, -1.0));
            }
            relations.push(relation);
        }
    }
    relations.retain(|r| !r.is_empty());
    relations
}

/// A relation holding exactly one withheld cell gives it away: the cheapest other
/// cell of the relation is withheld too.
fn pair(sheet: &mut Sheet, relation: &Relation) -> bool {
    let withheld = relation.iter().filter(|(i, _)| sheet.hidden[*i]).count();
    if withheld != 1 {
        return false;
    }
    hide_cheapest(sheet, relation)
}

fn hide_cheapest(sheet: &mut Sheet, relation: &Relation) -> bool {
    let cheapest = relation
        .iter()
        .map(|(i, _)| *i)
        .filter(|i| sheet.can_hide(*i))
        .min_by_key(|i| sheet.cost(*i));
    match cheapest {
        Some(i) => {
            sheet.hidden[i] = true;
            true
        }
        None => false,
    }
}

/// The withheld cells that the relations determine exactly: Gauss–Jordan
/// elimination over the withheld cells (the published ones are known numbers); a
/// withheld cell is determined when its pivot row holds no other unknown.
fn determined(hidden: &[bool], relations: &[Relation]) -> Vec<usize> {
    let unknowns: Vec<usize> = (0..hidden.len()).filter(|i| hidden[*i]).collect();
    let column: HashMap<usize, usize> = unknowns.iter().enumerate().map(|(c, i)| (*i, c)).collect();
    let mut rows: Vec<Vec<f64>> = relations
        .iter()
        .map(|r| {
            let mut row = vec![0.0; unknowns.len()];
            for (i, a) in r {
                if let Some(c) = column.get(i) {
                    row[*c] += a;
                }
            }
            row
        })
        .filter(|row| row.iter().any(|a| a.abs() > 1e-9))
        .collect();
    let mut pivots = Vec::new();
    let mut next = 0;
    for c in 0..unknowns.len() {
        let Some(p) =
            (next..rows.len()).max_by(|a, b| rows[*a][c].abs().total_cmp(&rows[*b][c].abs()))
        else {
            break;
        };
        if rows[p][c].abs() < 1e-9 {
            continue;
        }
        rows.swap(next, p);
        let pivot = rows[next][c];
        rows[next].iter_mut().for_each(|a| *a /= pivot);
        let pivot_row = rows[next].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            let factor = row[c];
            if r != next && factor.abs() > 1e-12 {
                for (a, p) in row.iter_mut().zip(&pivot_row) {
                    *a -= factor * p;
                }
            }
        }
        pivots.push((next, c));
        next += 1;
    }
    pivots
        .into_iter()
        .filter(|(r, c)| (0..unknowns.len()).all(|k| k == *c || rows[*r][k].abs() < 1e-9))
        .map(|(_, c)| unknowns[c])
        .collect()
}

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
/// until stable; then, as long as the check finds a withheld cell that can be worked
/// out, one more cell of a relation holding it.
pub fn protect(tables: &mut [(String, Vec<Cell>)], links: &Links) {
    let mut sheet = Sheet::new(tables);
    let primary: Vec<bool> = (0..sheet.count.len())
        .map(|i| {
            PRIMARY_TABLES.contains(&sheet.table[i].as_str()) && (1..5).contains(&sheet.count[i])
        })
        .collect();
    sheet.hidden = primary.clone();
    let grids: Vec<Grid> = GRIDS
        .iter()
        .map(|g| Grid::new(&sheet, tables, *g))
        .collect();
    let others = other_relations(&sheet, tables, links);
    let all = relations(&sheet, &grids, tables, links);
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
        let exposed = determined(&sheet.hidden, &all);
        if exposed.is_empty() {
            break;
        }
        let widened = exposed.iter().any(|i| {
            all.iter()
                .filter(|r| r.iter().any(|(j, _)| j == i))
                .any(|r| hide_cheapest(&mut sheet, r))
        });
        if !widened {
            tracing::warn!(
                cells = exposed.len(),
                "poldis: withheld cells that no further suppression can protect"
            );
            break;
        }
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

/// The withheld cells of `tables` that their published figures determine exactly,
/// as `table/key/subkey`: empty when the suppression holds (the tests' check).
pub fn exposed(tables: &[(String, Vec<Cell>)], links: &Links) -> Vec<String> {
    let mut sheet = Sheet::new(tables);
    let mut names = Vec::new();
    for (name, cells) in tables {
        for c in cells {
            names.push(format!("{name}/{}/{}", c.key, c.subkey));
        }
    }
    sheet.hidden = tables
        .iter()
        .flat_map(|(_, cells)| cells.iter().map(|c| c.withheld.is_some()))
        .collect();
    let grids: Vec<Grid> = GRIDS
        .iter()
        .map(|g| Grid::new(&sheet, tables, *g))
        .collect();
    let all = relations(&sheet, &grids, tables, links);
    determined(&sheet.hidden, &all)
        .into_iter()
        .map(|i| names[i].clone())
        .collect()
}

#[cfg(test)]
mod tests {
    //! Hand-made tables: each case of docs/suppression.md.
    use super::*;

    type Table<'a> = (&'a str, &'a [(&'a str, &'a str, u64)]);

    fn tables(list: &[Table]) -> Vec<(String, Vec<Cell>)> {
        list.iter()
            .map(|(name, cells)| {
                let cells = cells
                    .iter()
                    .map(|(key, subkey, count)| Cell {
                        key: (*key).into(),
                        subkey: (*subkey).into(),
                        incidents: (*count).into(),
                        label_nl: None,
                        label_en: None,
                        sublabel_nl: None,
                        count: *count,
                        withheld: None,
                    })
                    .collect();
                ((*name).to_owned(), cells)
            })
            .collect()
    }

    fn links() -> Links {
        Links {
            year: 2025,
            municipality_unit: [("GM0363", "AMS"), ("GM0362", "AMS"), ("GM0599", "RTM")]
                .iter()
                .map(|(m, u)| ((*m).to_owned(), (*u).to_owned()))
                .collect(),
            successor: HashMap::from([("GELOOF".to_owned(), "GODSDIENST".to_owned())]),
        }
    }

    /// Suppresses, checks that nothing can be worked out and that `<5` is only ever
    /// written for a count of 1 to 4, and returns every cell as `table/key/subkey` →
    /// what is printed.
    fn publish(list: &[Table]) -> BTreeMap<String, String> {
        let mut t = tables(list);
        protect(&mut t, &links());
        assert_eq!(
            exposed(&t, &links()),
            Vec::<String>::new(),
            "no withheld cell can be worked out"
        );
        let mut printed = BTreeMap::new();
        for (name, cells) in &t {
            for c in cells {
                let small = PRIMARY_TABLES.contains(&name.as_str()) && (1..5).contains(&c.count);
                assert_eq!(
                    c.withheld == Some(Withheld::Small),
                    small,
                    "{name}/{}/{}",
                    c.key,
                    c.subkey
                );
                let shown = c
                    .withheld
                    .map_or(c.count.to_string(), |w| w.mark().to_owned());
                let json = match c.withheld {
                    Some(w) => serde_json::Value::from(w.mark()),
                    None => c.count.into(),
                };
                assert_eq!(c.incidents, json, "the JSON value carries the mark");
                printed.insert(format!("{name}/{}/{}", c.key, c.subkey), shown);
            }
        }
        printed
    }

    fn withheld(printed: &BTreeMap<String, String>) -> Vec<(&str, &str)> {
        printed
            .iter()
            .filter(|(_, v)| v.as_str() == "<5" || v.as_str() == "x")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn a_single_small_cell_in_a_row_takes_the_cheapest_rectangle() {
        let printed = publish(&[
            ("by_ground", &[("HERKOMST", "", 20), ("LEEFTIJD", "", 44)]),
            (
                "by_unit",
                &[("AMS", "", 30), ("RTM", "", 18), ("NH", "", 16)],
            ),
            (
                "ground_by_unit",
                &[
                    ("HERKOMST", "AMS", 10),
                    ("HERKOMST", "RTM", 3),
                    ("HERKOMST", "NH", 7),
                    ("LEEFTIJD", "AMS", 20),
                    ("LEEFTIJD", "RTM", 15),
                    ("LEEFTIJD", "NH", 9),
                ],
            ),
        ]);
        // Partner column NH (7 + 9 + 15 = 31 beats AMS: 10 + 20 + 15 = 45); the 10
        // is printed, the 7, 9 and 15 are `x`, never `<5`; the margins stay.
        assert_eq!(
            withheld(&printed),
            vec![
                ("ground_by_unit/HERKOMST/NH", "x"),
                ("ground_by_unit/HERKOMST/RTM", "<5"),
                ("ground_by_unit/LEEFTIJD/NH", "x"),
                ("ground_by_unit/LEEFTIJD/RTM", "x"),
            ]
        );
    }

    #[test]
    fn a_single_small_cell_in_a_column_takes_the_cheapest_partner_row() {
        let printed = publish(&[
            (
                "by_ground",
                &[("HERKOMST", "", 22), ("LEEFTIJD", "", 23), ("RAS", "", 36)],
            ),
            ("by_unit", &[("AMS", "", 19), ("RTM", "", 62)]),
            (
                "ground_by_unit",
                &[
                    ("HERKOMST", "AMS", 10),
                    ("HERKOMST", "RTM", 12),
                    ("LEEFTIJD", "AMS", 3),
                    ("LEEFTIJD", "RTM", 20),
                    ("RAS", "AMS", 6),
                    ("RAS", "RTM", 30),
                ],
            ),
        ]);
        // Partner row HERKOMST (10 + 12 + 20 = 42 beats RAS: 6 + 30 + 20 = 56).
        assert_eq!(
            withheld(&printed),
            vec![
                ("ground_by_unit/HERKOMST/AMS", "x"),
                ("ground_by_unit/HERKOMST/RTM", "x"),
                ("ground_by_unit/LEEFTIJD/AMS", "<5"),
                ("ground_by_unit/LEEFTIJD/RTM", "x"),
            ]
        );
    }

    /// Issue 14: ten incidents of one ground in a municipality of AMS, two in one of
    /// RTM. RTM's column holds one cell, equal to `by_unit` RTM; AMS's likewise.
    #[test]
    fn a_unit_with_one_ground_withholds_its_margin() {
        let printed = publish(&[
            ("summary", &[("incidents", "", 12)]),
            ("by_ground", &[("HERKOMST", "", 12), ("LEEFTIJD", "", 0)]),
            ("by_unit", &[("AMS", "", 10), ("RTM", "", 2), ("NH", "", 0)]),
            ("by_municipality", &[("GM0363", "", 10), ("GM0599", "", 2)]),
            (
                "ground_by_unit",
                &[("HERKOMST", "AMS", 10), ("HERKOMST", "RTM", 2)],
            ),
            ("trend", &[("2025", "", 12)]),
            ("trend_by_ground", &[("2025", "HERKOMST", 12)]),
        ]);
        assert_eq!(
            withheld(&printed),
            vec![
                ("by_municipality/GM0363/", "x"),
                ("by_municipality/GM0599/", "<5"),
                ("by_unit/AMS/", "x"),
                ("by_unit/RTM/", "x"),
                ("ground_by_unit/HERKOMST/AMS", "x"),
                ("ground_by_unit/HERKOMST/RTM", "<5"),
            ]
        );
        assert_eq!(
            printed["summary/incidents/"], "12",
            "the summary stays exact"
        );
        assert_eq!(printed["by_ground/HERKOMST/"], "12");
    }

    #[test]
    fn a_municipality_that_the_summary_would_give_away_takes_a_partner() {
        let printed = publish(&[
            ("summary", &[("incidents", "", 13)]),
            ("by_ground", &[("HERKOMST", "", 13)]),
            ("by_unit", &[("AMS", "", 13)]),
            (
                "by_municipality",
                &[("GM0362", "", 3), ("GM0363", "", 10), ("GM0599", "", 0)],
            ),
            ("ground_by_unit", &[("HERKOMST", "AMS", 13)]),
        ]);
        assert_eq!(
            withheld(&printed),
            vec![
                ("by_municipality/GM0362/", "<5"),
                ("by_municipality/GM0363/", "x")
            ]
        );
    }

    /// `trend_by_ground` of the report's year is `by_ground` again (retired grounds
    /// under their successor), so a small ground is withheld in both.
    #[test]
    fn a_small_ground_of_the_year_is_withheld_in_by_ground_too() {
        let printed = publish(&[
            (
                "by_ground",
                &[("GELOOF", "", 3), ("HERKOMST", "", 30), ("LEEFTIJD", "", 8)],
            ),
            ("by_unit", &[("AMS", "", 25), ("RTM", "", 16)]),
            (
                "ground_by_unit",
                &[
                    ("GELOOF", "AMS", 3),
                    ("HERKOMST", "AMS", 15),
                    ("HERKOMST", "RTM", 15),
                    ("LEEFTIJD", "AMS", 7),
                    ("LEEFTIJD", "RTM", 1),
                ],
            ),
            (
                "trend_by_ground",
                &[
                    ("2025", "GODSDIENST", 3),
                    ("2025", "HERKOMST", 30),
                    ("2025", "LEEFTIJD", 8),
                ],
            ),
        ]);
        assert_eq!(printed["trend_by_ground/2025/GODSDIENST"], "<5");
        assert_eq!(printed["by_ground/GELOOF/"], "x");
        assert_eq!(printed["ground_by_unit/GELOOF/AMS"], "<5");
    }

    #[test]
    fn the_check_finds_the_cell_the_old_rule_gave_away() {
        // Issue 14 as the old rule printed it: by_unit RTM = 2 beside a lone RTM cell.
        let mut t = tables(&[
            ("by_unit", &[("AMS", "", 10), ("RTM", "", 2)]),
            (
                "ground_by_unit",
                &[("HERKOMST", "AMS", 10), ("HERKOMST", "RTM", 2)],
            ),
        ]);
        for c in t[1].1.iter_mut() {
            c.withheld = Some(Withheld::Small);
        }
        let found = exposed(&t, &links());
        assert!(
            found.contains(&"ground_by_unit/HERKOMST/RTM".to_owned()),
            "{found:?}"
        );
    }

    #[test]
    fn a_combination_of_relations_is_found_too() {
        // x + y = 5 and y + z = 6 and x + z = 7 give every cell although no relation
        // holds one withheld cell alone: x = 3, y = 2, z = 4.
        let hidden = vec![true, true, true];
        let relations = vec![
            vec![(0, 1.0), (1, 1.0)],
            vec![(1, 1.0), (2, 1.0)],
            vec![(0, 1.0), (2, 1.0)],
        ];
        assert_eq!(determined(&hidden, &relations), vec![0, 1, 2]);
        let two = vec![vec![(0, 1.0), (1, 1.0)], vec![(1, 1.0), (2, 1.0)]];
        assert_eq!(determined(&hidden, &two), Vec::<usize>::new());
    }
}
