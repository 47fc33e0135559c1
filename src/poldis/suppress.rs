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

/// The table name of the unknowns of [`Sheet::slack`] (no table of the report).
const SLACK: &str = "(incidents of a unit without municipality)";

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
#[derive(Clone)]
struct Sheet {
    count: Vec<u64>,
    hidden: Vec<bool>,
    /// Withheld as `<5` (the reader knows 1 to 4).
    small: Vec<bool>,
    table: Vec<String>,
    id: HashMap<(String, String, String), usize>,
    /// Per unit, the index of an unknown that is not a cell of the report: how many
    /// of the unit's incidents have no municipality (`by_unit` minus its
    /// municipalities), which a reader knows only to be at least 0. Appended after
    /// the cells; never withheld, marked or shown.
    slack: BTreeMap<String, usize>,
}

impl Sheet {
    fn new(tables: &[(String, Vec<Cell>)]) -> Sheet {
        let mut sheet = Sheet {
            count: Vec::new(),
            hidden: Vec::new(),
            small: Vec::new(),
            table: Vec::new(),
            id: HashMap::new(),
            slack: BTreeMap::new(),
        };
        for (name, cells) in tables {
            for c in cells {
                let key = (name.clone(), c.key.clone(), c.subkey.clone());
                sheet.id.insert(key, sheet.count.len());
                sheet.count.push(c.count);
                sheet.hidden.push(false);
                sheet.small.push(false);
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

    /// Adds the unknown of [`Sheet::slack`] for every unit of the report (call once
    /// the cells' marks are set).
    fn add_unit_slacks(&mut self, tables: &[(String, Vec<Cell>)], links: &Links) {
        let mut in_units: BTreeMap<&str, u64> = BTreeMap::new();
        for c in self.cells_of(tables, "by_municipality") {
            if let Some(unit) = links.municipality_unit.get(&c.key) {
                *in_units.entry(unit.as_str()).or_default() += c.count;
            }
        }
        let units: Vec<(String, u64)> = self
            .cells_of(tables, "by_unit")
            .iter()
            .map(|c| (c.key.clone(), c.count))
            .collect();
        for (unit, count) in units {
            let known = in_units.get(unit.as_str()).copied().unwrap_or(0);
            self.slack.insert(unit, self.count.len());
            self.count.push(count.saturating_sub(known));
            self.hidden.push(true);
            self.small.push(false);
            self.table.push(SLACK.to_owned());
        }
    }

    fn is_slack(&self, i: usize) -> bool {
        self.table[i] == SLACK
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
    if let Some(i) = sheet.get("by_municipality", super::load::UNKNOWN, "") {
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

/// A relation holding exactly one withheld cell gives it away: another cell of the
/// relation is withheld too ([`hide_one`]).
fn pair(sheet: &mut Sheet, relation: &Relation) -> bool {
    // The unknowns of units are not withheld cells: a cell beside one is still paired
    // (more protection, never less).
    let withheld = relation
        .iter()
        .filter(|(i, _)| sheet.hidden[*i] && !sheet.is_slack(*i))
        .count();
    if withheld != 1 {
        return false;
    }
    hide_one(sheet, relation.iter().map(|(i, _)| *i))
}

/// Withholds the best of `candidates`: a cell inside a table before a margin (as the
/// hypercube step, τ-ARGUS: a margin is read most); then one that, once withheld,
/// can move down as well as up (its count above [`Sheet::floor`]), so that the
/// relation gets slack both ways; then the smallest count.
fn hide_one(sheet: &mut Sheet, candidates: impl Iterator<Item = usize>) -> bool {
    let best = candidates.filter(|i| sheet.can_hide(*i)).min_by_key(|i| {
        let no_slack = sheet.count[*i] <= sheet.floor(*i);
        (sheet.is_margin(*i), no_slack, sheet.count[*i])
    });
    match best {
        Some(i) => {
            sheet.hidden[i] = true;
            true
        }
        None => false,
    }
}

/// The whole numbers a reader knows a cell to lie in, `lo..=hi` (`hi` may be
/// infinite).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Range {
    lo: f64,
    hi: f64,
}

impl Range {
    fn is_exact(&self) -> bool {
        self.hi - self.lo < 0.5
    }
}

/// A relation over the withheld cells only: `Σ a·x = value`, the published cells
/// moved to the known side. A reader is taken to know every relation exactly, also
/// where the report only gives a bound (several grounds per incident): knowing more
/// can only narrow what they can work out, never widen it.
#[derive(Debug, Clone)]
struct Equation {
    terms: Vec<(usize, f64)>,
    value: f64,
}

/// Small enough for counts up to millions, large enough for rounding in the
/// elimination.
const EPS: f64 = 1e-6;

/// Bound tightening stops after this many passes even when it could go on (it
/// always ends: every pass moves a whole-number bound towards the true count).
const MAX_PASSES: usize = 1000;

impl Sheet {
    fn is_margin(&self, i: usize) -> bool {
        MARGINS.contains(&self.table[i].as_str())
    }

    /// The least a withheld, non-`<5` cell can be for a reader: 5 in a primary table
    /// (every count from 1 to 4 there is `<5`, domain.md "Publication"), else 1 (a
    /// zero cell is never withheld: the long form leaves it out).
    fn floor(&self, i: usize) -> u64 {
        if self.is_slack(i) {
            0
        } else if PRIMARY_TABLES.contains(&self.table[i].as_str()) {
            5
        } else {
            1
        }
    }

    /// What a reader knows of each cell before using any relation: a published cell
    /// is its count; a `<5` is 1 to 4 (the legend); an `x` is at least
    /// [`Sheet::floor`], with no upper bound.
    fn bounds(&self) -> Vec<Range> {
        (0..self.count.len())
            .map(|i| match (self.hidden[i], self.small[i]) {
                (false, _) => Range {
                    lo: self.count[i] as f64,
                    hi: self.count[i] as f64,
                },
                (true, true) => Range { lo: 1.0, hi: 4.0 },
                (true, false) => Range {
                    lo: self.floor(i) as f64,
                    hi: f64::INFINITY,
                },
            })
            .collect()
    }

    /// The relations over the withheld cells (see [`Equation`]).
    fn equations(&self, relations: &[Relation]) -> Vec<Equation> {
        relations
            .iter()
            .filter_map(|r| {
                let mut terms: BTreeMap<usize, f64> = BTreeMap::new();
                for (i, a) in r.iter().filter(|(i, _)| self.hidden[*i]) {
                    *terms.entry(*i).or_default() += a;
                }
                terms.retain(|_, a| a.abs() > EPS);
                let value = terms.iter().map(|(i, a)| a * self.count[*i] as f64).sum();
                (!terms.is_empty()).then(|| Equation {
                    terms: terms.into_iter().collect(),
                    value,
                })
            })
            .collect()
    }
}

/// Gauss–Jordan elimination of the equations: the reduced rows express each pivot
/// cell by the free ones, so a cell the relations determine on their own ends up
/// alone in its row, and bound tightening over the reduced rows also sees
/// combinations of relations in which a cell is never alone.
fn reduce(equations: &[Equation]) -> Vec<Equation> {
    let unknowns: Vec<usize> = equations
        .iter()
        .flat_map(|e| e.terms.iter().map(|(i, _)| *i))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let column: HashMap<usize, usize> = unknowns.iter().enumerate().map(|(c, i)| (*i, c)).collect();
    let n = unknowns.len();
    // Each row: the coefficients, then the value.
    let mut rows: Vec<Vec<f64>> = equations
        .iter()
        .map(|e| {
            let mut row = vec![0.0; n + 1];
            for (i, a) in &e.terms {
                row[column[i]] += a;
            }
            row[n] = e.value;
            row
        })
        .collect();
    let mut next = 0;
    for c in 0..n {
        let Some(p) =
            (next..rows.len()).max_by(|a, b| rows[*a][c].abs().total_cmp(&rows[*b][c].abs()))
        else {
            break;
        };
        if rows[p][c].abs() < EPS {
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
        next += 1;
    }
    rows.truncate(next);
    rows.into_iter()
        .map(|row| Equation {
            terms: (0..n)
                .filter(|c| row[*c].abs() > EPS)
                .map(|c| (unknowns[c], row[c]))
                .collect(),
            value: row[n],
        })
        .collect()
}

/// One pass of bound tightening over `Σ a·x = value`: each term `a_i·x_i` lies
/// between `value` less the largest and `value` less the smallest the other terms
/// can add up to; cells are whole numbers, so the bounds round inwards.
fn tighten_by(ranges: &mut [Range], e: &Equation) -> bool {
    let span = |(i, a): &(usize, f64), ranges: &[Range]| {
        let r = ranges[*i];
        if *a > 0.0 {
            (a * r.lo, a * r.hi)
        } else {
            (a * r.hi, a * r.lo)
        }
    };
    // The finite parts of the sums, and how many terms are unbounded.
    let (mut low, mut high, mut low_open, mut high_open) = (0.0, 0.0, 0, 0);
    for t in &e.terms {
        let (l, h) = span(t, ranges);
        if l.is_finite() {
            low += l
        } else {
            low_open += 1
        }
        if h.is_finite() {
            high += h
        } else {
            high_open += 1
        }
    }
    let mut changed = false;
    for t in &e.terms {
        let (l, h) = span(t, ranges);
        let others_low = match (low_open, l.is_finite()) {
            (0, _) | (1, false) => low - if l.is_finite() { l } else { 0.0 },
            _ => f64::NEG_INFINITY,
        };
        let others_high = match (high_open, h.is_finite()) {
            (0, _) | (1, false) => high - if h.is_finite() { h } else { 0.0 },
            _ => f64::INFINITY,
        };
        let (i, a) = *t;
        let (p, q) = ((e.value - others_high) / a, (e.value - others_low) / a);
        let (lo, hi) = if a > 0.0 { (p, q) } else { (q, p) };
        let r = &mut ranges[i];
        let (lo, hi) = ((lo - EPS).ceil(), (hi + EPS).floor());
        if lo > r.lo + 0.5 {
            r.lo = lo;
            changed = true;
        }
        if hi < r.hi - 0.5 {
            r.hi = hi;
            changed = true;
        }
    }
    changed
}

/// Bound tightening to a fixed point (interval propagation).
fn tighten(ranges: &mut [Range], equations: &[Equation]) {
    for _ in 0..MAX_PASSES {
        let mut changed = false;
        for e in equations {
            changed |= tighten_by(ranges, e);
        }
        if !changed {
            return;
        }
    }
    tracing::debug!("poldis: bound tightening stopped after {MAX_PASSES} passes");
}

/// The withheld cells a reader can work out exactly from the relations and the
/// bounds of [`Sheet::bounds`]: bound tightening over the relations and over their
/// Gauss–Jordan reduction ([`reduce`]), a cell being given away when its range
/// shrinks to one number. Sound (a cell it names is determined); as complete as
/// interval propagation, which may miss a cell only a full integer solve would pin.
fn pinned(sheet: &Sheet, relations: &[Relation]) -> Vec<usize> {
    let mut equations = sheet.equations(relations);
    let reduced = reduce(&equations);
    equations.extend(reduced);
    let mut ranges = sheet.bounds();
    tighten(&mut ranges, &equations);
    (0..ranges.len())
        .filter(|i| sheet.hidden[*i] && !sheet.is_slack(*i) && ranges[*i].is_exact())
        .collect()
}

/// The cells a reader could work out even if every cell that may be withheld were
/// withheld as `x`: no suppression protects them, since the summary and `trend` stay
/// exact (domain.md "Publication"). Withholding a cell only widens what a reader
/// knows of it, so every other exposed cell can be protected by withholding more.
fn beyond_protection(sheet: &Sheet, relations: &[Relation]) -> Vec<usize> {
    let mut most = sheet.clone();
    most.hidden = (0..sheet.count.len())
        .map(|i| sheet.hidden[i] || sheet.can_hide(i))
        .collect();
    pinned(&most, relations)
}

/// A cell is exposed: withholds one more cell of a relation holding an exposed
/// cell ([`hide_one`] chooses among all such relations). False when none is left
/// to withhold: the exposed cells are then beyond protection (the summary stays
/// exact, domain.md "Publication").
fn widen(sheet: &mut Sheet, relations: &[Relation], exposed: &[usize]) -> bool {
    let candidates: BTreeSet<usize> = relations
        .iter()
        .filter(|r| r.iter().any(|(i, _)| exposed.contains(i)))
        .flat_map(|r| r.iter().map(|(i, _)| *i))
        .collect();
    hide_one(sheet, candidates.into_iter())
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
