//! The diesel store: the caller's connection, either backend, multi-row statements
//! on the backend's own connection.

use std::collections::HashSet;

use diesel::prelude::*;

use super::store::Store;
use super::{ImportFailure, IMPORTED};
use crate::db::schema::incidents;
use crate::db::AnyConnection;
use crate::incidents::{add_first_entries, insert_rows, set_counter, IncidentRow};

/// The caller's diesel connection.
pub(super) struct DieselStore<'c>(pub &'c mut AnyConnection);

impl Store for DieselStore<'_> {
    fn insert(
        &mut self,
        rows: &[(u64, IncidentRow)],
        user: &str,
    ) -> Result<Vec<usize>, ImportFailure> {
        let numbers: Vec<&str> = rows
            .iter()
            .map(|(_, r)| r.registration_number.as_str())
            .collect();
        let query = incidents::table
            .filter(incidents::registration_number.eq_any(numbers))
            .select(incidents::registration_number);
        let taken: HashSet<String> = crate::per_backend!(&mut *self.0, |c| query
            .load::<String>(c))?
        .into_iter()
        .collect();
        let (refused, free): (Vec<_>, Vec<_>) = rows
            .iter()
            .enumerate()
            .partition(|(_, (_, r))| taken.contains(&r.registration_number));
        let free: Vec<IncidentRow> = free.into_iter().map(|(_, (_, r))| r.clone()).collect();
        insert_rows(self.0, &free)?;
        add_first_entries(self.0, &free, |r| r.updated_at, user, IMPORTED, "{}")?;
        Ok(refused.into_iter().map(|(i, _)| i).collect())
    }

    fn set_counter(&mut self, unit: &str, year: i32, last: i32) -> Result<(), ImportFailure> {
        Ok(set_counter(self.0, unit, year, last)?)
    }
}
