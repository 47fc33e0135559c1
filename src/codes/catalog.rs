//! The code lists in memory: which codes exist, and which are valid on a date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{codes, municipalities};
use crate::db::AnyConnection;
use crate::error::FieldError;

/// One code of a national list.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = codes)]
pub struct Code {
    /// The list the code belongs to, e.g. `ground`.
    pub list: String,
    pub code: String,
    pub label_nl: String,
    pub label_en: String,
    /// First day the code may be used (registration date, Europe/Amsterdam).
    pub valid_from: NaiveDate,
    /// Last day the code may be used; absent while current.
    pub valid_to: Option<NaiveDate>,
    /// The code that replaces a retired one in comparisons across years.
    pub replaced_by: Option<String>,
}

impl Code {
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// A municipality of the reference, with the police unit it lies in.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = municipalities)]
pub struct Municipality {
    /// CBS code `GMnnnn`.
    pub code: String,
    pub name: String,
    pub unit: String,
}

/// All reference data, read once from the database.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    lists: BTreeMap<String, Vec<Code>>,
    municipalities: BTreeMap<String, Municipality>,
}

impl Catalog {
    pub fn load(conn: &mut AnyConnection) -> QueryResult<Catalog> {
        let mut lists: BTreeMap<String, Vec<Code>> = BTreeMap::new();
        for code in codes::table
            .select(Code::as_select())
            .order((codes::list, codes::valid_from, codes::code))
            .load(conn)?
        {
            lists.entry(code.list.clone()).or_default().push(code);
        }
        let municipalities = municipalities::table
            .select(Municipality::as_select())
            .order(municipalities::code)
            .load(conn)?
            .into_iter()
            .map(|m| (m.code.clone(), m))
            .collect();
        Ok(Catalog {
            lists,
            municipalities,
        })
    }

    /// The current code of `code` in `list`: `replaced_by` followed to its end
    /// (GELOOF → GODSDIENST), at most 10 steps; `code` itself when it is current.
    pub fn successor<'a>(&'a self, list: &str, code: &'a str) -> &'a str {
        let mut current = code;
        for _ in 0..10 {
            let next = self
                .list(list)
                .iter()
                .find(|c| c.code == current)
                .and_then(|c| c.replaced_by.as_deref());
            match next {
                Some(next) => current = next,
                None => break,
            }
        }
        current
    }

    pub fn lists(&self) -> &BTreeMap<String, Vec<Code>> {
        &self.lists
    }

    pub fn list(&self, list: &str) -> &[Code] {
        self.lists.get(list).map_or(&[], Vec::as_slice)
    }

    pub fn municipalities(&self) -> impl Iterator<Item = &Municipality> {
        self.municipalities.values()
    }

    pub fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.municipalities.get(code)
    }

    /// The Dutch label of a code, for people reading an overview.
    pub fn label_nl(&self, list: &str, code: &str) -> Option<&str> {
        self.list(list)
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.label_nl.as_str())
    }

    /// Codes of `list` valid on `date`.
    pub fn valid_codes(&self, list: &str, date: NaiveDate) -> Vec<String> {
        self.list(list)
            .iter()
            .filter(|c| c.valid_on(date))
            .map(|c| c.code.clone())
            .collect()
    }

    /// Checks that `code` is in `list` and valid on `date`; the error names `field`
    /// and the codes allowed on that date.
    pub fn check(
        &self,
        field: &str,
        list: &str,
        code: &str,
        date: NaiveDate,
    ) -> Result<(), FieldError> {
        let allowed = || self.valid_codes(list, date);
        match self.list(list).iter().find(|c| c.code == code) {
            Some(c) if c.valid_on(date) => Ok(()),
            Some(c) => {
                let until = c.valid_to.map_or(String::new(), |d| format!(" until {d}"));
                let successor = c
                    .replaced_by
                    .as_ref()
                    .map_or(String::new(), |s| format!("; use {s}"));
                Err(FieldError::new(
                    field,
                    format!(
                        "code {code} is not valid on {date} (valid from {}{until}){successor}",
                        c.valid_from
                    ),
                )
                .allowed(allowed()))
            }
            None => Err(
                FieldError::new(field, format!("unknown {list} code {code:?}")).allowed(allowed()),
            ),
        }
    }

    /// Checks that `unit` is a police unit of the `unit` code list; the error names
    /// the field `unit` and every unit code. The one check of a unit, wherever a unit
    /// is named (a registration, a filter, an import row, a command-line option).
    pub fn check_unit(&self, unit: &str) -> Result<(), FieldError> {
        let units = self.list("unit");
        if units.iter().any(|c| c.code == unit) {
            Ok(())
        } else {
            Err(FieldError::new("unit", format!("unknown unit {unit:?}"))
                .allowed(units.iter().map(|c| c.code.clone()).collect()))
        }
    }

    /// Checks a municipality code against the reference.
    pub fn check_municipality(&self, field: &str, code: &str) -> Result<(), FieldError> {
        if self.municipalities.contains_key(code) {
            Ok(())
        } else {
            Err(FieldError::new(
                field,
                format!("municipality {code:?} is not in the municipality reference"),
            )
            .allowed(self.municipalities.keys().cloned().collect()))
        }
    }
}

#[cfg(test)]
impl Catalog {
    /// A catalog of `(list, code)` pairs, valid from 2016 (unit tests).
    pub(crate) fn for_tests(codes: &[(&str, &str)]) -> Catalog {
        let mut catalog = Catalog::default();
        for (list, code) in codes {
            catalog
                .lists
                .entry((*list).to_owned())
                .or_default()
                .push(Code {
                    list: (*list).to_owned(),
                    code: (*code).to_owned(),
                    label_nl: (*code).to_owned(),
                    label_en: (*code).to_owned(),
                    valid_from: NaiveDate::from_ymd_opt(2016, 1, 1).unwrap_or_default(),
                    valid_to: None,
                    replaced_by: None,
                });
        }
        catalog
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ground(code: &str, from: (i32, u32, u32), to: Option<(i32, u32, u32)>) -> Code {
        let d = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        Code {
            list: "ground".into(),
            code: code.into(),
            label_nl: code.into(),
            label_en: code.into(),
            valid_from: d(from),
            valid_to: to.map(d),
            replaced_by: None,
        }
    }

    #[test]
    fn a_code_is_valid_only_within_its_dates() {
        let mut catalog = Catalog::default();
        catalog.lists.insert(
            "ground".into(),
            vec![
                ground("GELOOF", (2016, 1, 1), Some((2023, 12, 31))),
                ground("GODSDIENST", (2024, 1, 1), None),
            ],
        );
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert!(catalog
            .check("grounds", "ground", "GELOOF", day(2023, 12, 31))
            .is_ok());
        let err = catalog.check("grounds", "ground", "GELOOF", day(2024, 1, 1));
        assert_eq!(
            err.err().and_then(|e| e.allowed),
            Some(vec!["GODSDIENST".to_string()])
        );
        assert!(catalog
            .check("grounds", "ground", "GODSDIENST", day(2023, 6, 1))
            .is_err());
        assert!(catalog
            .check("grounds", "ground", "NOPE", day(2024, 6, 1))
            .is_err());
    }
}
