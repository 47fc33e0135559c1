//! The hypercube method of τ-ARGUS (Repsilber; τ-ARGUS manual, "Hypercube") on the
//! report's cross tables: every withheld cell is a corner of a rectangle of withheld
//! cells, the table's margins counted as a row and a column.

use std::collections::{BTreeMap, BTreeSet};

use super::sheet::Sheet;
use super::{Cell, Relation};

/// Position in a cross table extended by its margins: `None` is the margin.
pub(super) type Pos = (Option<String>, Option<String>);

/// A cross table with its margins as an extra row and column (the corner, the
/// table total, is never withheld and so never a corner of a rectangle).
pub(super) struct Grid {
    pub(super) cells: BTreeMap<Pos, usize>,
    pub(super) rows: BTreeSet<Option<String>>,
    pub(super) columns: BTreeSet<Option<String>>,
}

impl Grid {
    pub(super) fn new(
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
    pub(super) fn relations(&self) -> Vec<Relation> {
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
    pub(super) fn rectangle(
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
    pub(super) fn protect(&self, sheet: &mut Sheet) -> bool {
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
