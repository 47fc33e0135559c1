//! The report's cells as one numbered list, with what the rule knows of each: the
//! table it is in, whether it is withheld, what withholding it costs.

use std::collections::{BTreeMap, HashMap};

use super::{Cell, Links, FIXED, MARGINS, PRIMARY_TABLES, SLACK};

/// The report's cells as one numbered list: what the rule reads and marks.
#[derive(Clone)]
pub(super) struct Sheet {
    pub(super) count: Vec<u64>,
    pub(super) hidden: Vec<bool>,
    /// Withheld as `<5` (the reader knows 1 to 4).
    pub(super) small: Vec<bool>,
    pub(super) table: Vec<String>,
    pub(super) id: HashMap<(String, String, String), usize>,
    /// Per unit, the index of an unknown that is not a cell of the report: how many
    /// of the unit's incidents have no municipality (`by_unit` minus its
    /// municipalities), which a reader knows only to be at least 0. Appended after
    /// the cells; never withheld, marked or shown.
    pub(super) slack: BTreeMap<String, usize>,
}

impl Sheet {
    pub(super) fn new(tables: &[(String, Vec<Cell>)]) -> Sheet {
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
    pub(super) fn get(&self, table: &str, key: &str, subkey: &str) -> Option<usize> {
        self.id
            .get(&(table.to_owned(), key.to_owned(), subkey.to_owned()))
            .copied()
            .filter(|i| self.count[*i] > 0)
    }

    pub(super) fn cells_of<'a>(
        &'a self,
        tables: &'a [(String, Vec<Cell>)],
        name: &str,
    ) -> Vec<&'a Cell> {
        tables
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, cells)| cells.iter().filter(|c| c.count > 0))
            .collect()
    }

    /// Adds the unknown of [`Sheet::slack`] for every unit of the report (call once
    /// the cells' marks are set).
    pub(super) fn add_unit_slacks(&mut self, tables: &[(String, Vec<Cell>)], links: &Links) {
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

    pub(super) fn is_slack(&self, i: usize) -> bool {
        self.table[i] == SLACK
    }

    /// May this cell be withheld to protect another?
    pub(super) fn can_hide(&self, i: usize) -> bool {
        !self.hidden[i] && self.count[i] > 0 && !FIXED.contains(&self.table[i].as_str())
    }

    /// What withholding a cell costs: its count, and far more for a margin
    /// (τ-ARGUS minimises the information lost; a margin is read most).
    pub(super) fn cost(&self, i: usize) -> u64 {
        let margin = MARGINS.contains(&self.table[i].as_str());
        self.count[i] + if margin { 1_000_000 } else { 0 }
    }
}

impl Sheet {
    pub(super) fn is_margin(&self, i: usize) -> bool {
        MARGINS.contains(&self.table[i].as_str())
    }

    /// The least a withheld, non-`<5` cell can be for a reader: 5 in a primary table
    /// (every count from 1 to 4 there is `<5`, domain.md "Publication"), else 1 (a
    /// zero cell is never withheld: the long form leaves it out).
    pub(super) fn floor(&self, i: usize) -> u64 {
        if self.is_slack(i) {
            0
        } else if PRIMARY_TABLES.contains(&self.table[i].as_str()) {
            5
        } else {
            1
        }
    }
}
