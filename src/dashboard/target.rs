//! The registration target per unit: how many more registrations than in the same
//! months of the year before a unit aims for (the national approach set +25%).

use std::collections::BTreeMap;

use crate::codes::Catalog;

/// The target in percent on the previous year, per unit, with a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    pub default_percent: i32,
    pub per_unit: BTreeMap<String, i32>,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            default_percent: 25,
            per_unit: BTreeMap::new(),
        }
    }
}

impl Targets {
    /// The target of `unit`, in percent on the previous year.
    pub fn percent(&self, unit: &str) -> i32 {
        self.per_unit
            .get(unit)
            .copied()
            .unwrap_or(self.default_percent)
    }

    /// Reads `25` or `25,AMS=30,RTM=20` (a default, then units with their own); each
    /// percentage a whole number from -100 to 1000, each unit of the code list. An
    /// error names the part that is wrong.
    pub fn parse(text: &str, catalog: &Catalog) -> Result<Targets, String> {
        let mut targets = Targets::default();
        let percent = |p: &str| -> Result<i32, String> {
            p.trim()
                .parse::<i32>()
                .ok()
                .filter(|n| (-100..=1000).contains(n))
                .ok_or_else(|| format!("{p:?} is not a whole percentage from -100 to 1000"))
        };
        for (i, part) in text.split(',').enumerate() {
            match part.split_once('=') {
                None if i == 0 => targets.default_percent = percent(part)?,
                None => return Err(format!("{part:?}: a unit's target is UNIT=PERCENT")),
                Some((unit, p)) => {
                    let unit = unit.trim();
                    catalog
                        .check_unit(unit)
                        .map_err(|e| format!("{unit:?}: {}", e.message))?;
                    if targets
                        .per_unit
                        .insert(unit.to_owned(), percent(p)?)
                        .is_some()
                    {
                        return Err(format!("{unit:?} has two targets"));
                    }
                }
            }
        }
        Ok(targets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::for_tests(&[("unit", "AMS"), ("unit", "RTM")])
    }

    #[test]
    fn a_default_and_units_of_their_own() {
        let t = Targets::parse("25,AMS=30, RTM=-10", &catalog()).expect("targets");
        assert_eq!(
            (t.percent("AMS"), t.percent("RTM"), t.percent("NH")),
            (30, -10, 25)
        );
        assert_eq!(
            Targets::parse("40", &catalog())
                .expect("targets")
                .percent("AMS"),
            40
        );
        for bad in [
            "",
            "x",
            "25,XX=3",
            "25,AMS",
            "2000",
            "25,AMS=-101",
            "25,AMS=3,AMS=4",
        ] {
            assert!(Targets::parse(bad, &catalog()).is_err(), "{bad:?}");
        }
    }
}
