//! The import on PostgreSQL (`dira import` and `POST /api/v1/imports`): each chunk's
//! free rows and their history entries sent with `COPY … FROM STDIN` in PostgreSQL's
//! binary format (diesel's `copy_from`), inside the caller's transaction, so all or
//! nothing holds as for any other statement.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, Integer, Text};
use diesel::PgConnection;

use super::store::{numbered, Store};
use super::{ImportFailure, IMPORTED};
use crate::db::schema::{incident_history, incidents};
use crate::incidents::IncidentRow;

/// The caller's PostgreSQL connection, inside its transaction, and who imports.
pub(super) struct CopyStore<'c> {
    conn: &'c mut PgConnection,
    user: String,
}

/// The history entry of an imported incident, as `COPY` sends it.
#[derive(Insertable)]
#[diesel(table_name = incident_history, treat_none_as_default_value = false)]
struct FirstEntry<'a> {
    incident_id: &'a str,
    version: i32,
    at: NaiveDateTime,
    user_name: &'a str,
    action: &'a str,
    changes: &'a str,
}

impl<'c> CopyStore<'c> {
    pub(super) fn new(conn: &'c mut PgConnection, user: &str) -> Self {
        CopyStore {
            conn,
            user: user.to_owned(),
        }
    }

    /// Moves the counters of the units and years of `rows` past their numbers, in one
    /// statement, in the order of unit and year (so two imports lock them in the
    /// same order).
    fn move_counters(&mut self, rows: &[(u64, IncidentRow)]) -> Result<(), ImportFailure> {
        let mut counters = BTreeMap::new();
        for (unit, year, n) in rows.iter().filter_map(|(_, r)| numbered(r)) {
            let last = counters.entry((unit, year)).or_insert(n);
            *last = (*last).max(n);
        }
        if counters.is_empty() {
            return Ok(());
        }
        let (mut units, mut years, mut lasts) = (Vec::new(), Vec::new(), Vec::new());
        for ((unit, year), last) in counters {
            units.push(unit);
            years.push(year);
            lasts.push(last);
        }
        diesel::sql_query(
            "INSERT INTO registration_counters (unit, year, last) \
             SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) ORDER BY 1, 2 \
             ON CONFLICT (unit, year) \
             DO UPDATE SET last = greatest(registration_counters.last, excluded.last)",
        )
        .bind::<Array<Text>, _>(units)
        .bind::<Array<Integer>, _>(years)
        .bind::<Array<Integer>, _>(lasts)
        .execute(self.conn)?;
        Ok(())
    }
}

impl Store for CopyStore<'_> {
    fn insert(&mut self, rows: &[(u64, IncidentRow)]) -> Result<Vec<usize>, ImportFailure> {
        // The counters first: a registration in one of these units and years then
        // waits for the import and continues after its numbers, instead of taking
        // one of them (and waiting on the unique index while holding the counter
        // the import needs: a deadlock).
        self.move_counters(rows)?;
        // `COPY` has no ON CONFLICT: the numbers in use are looked up first, in one
        // statement per chunk. (The reader already refused a number repeated in the
        // file; another import storing one of these numbers at the same time makes
        // the `COPY` fail on the unique index, and the import with it: run again,
        // it finds the number in use.)
        let numbers: Vec<&str> = rows
            .iter()
            .map(|(_, r)| r.registration_number.as_str())
            .collect();
        let in_use: HashSet<String> = incidents::table
            .filter(incidents::registration_number.eq_any(&numbers))
            .select(incidents::registration_number)
            .load::<String>(self.conn)?
            .into_iter()
            .collect();
        let mut taken = Vec::new();
        let mut free = Vec::with_capacity(rows.len());
        for (i, (_, r)) in rows.iter().enumerate() {
            match in_use.contains(&r.registration_number) {
                true => taken.push(i),
                false => free.push(r),
            }
        }
        if free.is_empty() {
            return Ok(taken);
        }
        let entries: Vec<FirstEntry<'_>> = free
            .iter()
            .map(|r| FirstEntry {
                incident_id: &r.id,
                version: 1,
                at: r.updated_at,
                user_name: &self.user,
                action: IMPORTED,
                changes: "{}",
            })
            .collect();
        diesel::copy_from(incidents::table)
            .from_insertable(free)
            .execute(self.conn)?;
        diesel::copy_from(incident_history::table)
            .from_insertable(entries)
            .execute(self.conn)?;
        Ok(taken)
    }

    /// Nothing left to do: each chunk moved its counters before its `COPY`
    /// ([`CopyStore::move_counters`]).
    fn set_counter(&mut self, _unit: &str, _year: i32, _last: i32) -> Result<(), ImportFailure> {
        Ok(())
    }
}
