//! The HTTP import on SQLite: the single writer's diesel connection (so the import
//! is one write among the others, committed by the group commit), one cached
//! prepared statement per table, the history written in one statement at the end as
//! on the bulk path of `dira import`.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::sqlite::{history_insert, LAST_ROWID};
use super::store::Store;
use super::{ImportFailure, IMPORTED};
use crate::db::schema::incidents;
use crate::db::AnyConnection;
use crate::incidents::{set_counter, IncidentRow};

/// The writer's connection, inside the import's savepoint.
pub(super) struct DieselStore<'c> {
    conn: &'c mut AnyConnection,
    /// The rowid after which this import's rows are: the import runs alone on the
    /// writer's connection, so every row after it is the import's.
    last: i64,
    user: String,
}

#[derive(QueryableByName)]
struct Last {
    #[diesel(sql_type = BigInt)]
    last: i64,
}

impl<'c> DieselStore<'c> {
    pub(super) fn new(conn: &'c mut AnyConnection, user: &str) -> QueryResult<Self> {
        let query = diesel::sql_query(LAST_ROWID);
        let last = crate::per_backend!(&mut *conn, |c| query.get_result::<Last>(c))?.last;
        Ok(DieselStore {
            conn,
            last,
            user: user.to_owned(),
        })
    }
}

impl Store for DieselStore<'_> {
    fn insert(&mut self, rows: &[(u64, IncidentRow)]) -> Result<Vec<usize>, ImportFailure> {
        let mut taken = Vec::new();
        for (i, (_, r)) in rows.iter().enumerate() {
            // The number's UNIQUE constraint decides whether it is free: one index
            // probe instead of a look-up and an insert.
            let insert = diesel::insert_into(incidents::table)
                .values(r)
                .on_conflict(incidents::registration_number)
                .do_nothing();
            // On the backend's own connection, which keeps the prepared statement.
            let inserted = crate::per_backend!(&mut *self.conn, |c| insert.execute(c))?;
            if inserted == 0 {
                taken.push(i);
            }
        }
        Ok(taken)
    }

    fn set_counter(&mut self, unit: &str, year: i32, last: i32) -> Result<(), ImportFailure> {
        Ok(set_counter(self.conn, unit, year, last)?)
    }

    fn finish(&mut self) -> Result<(), ImportFailure> {
        let history = diesel::sql_query(history_insert())
            .bind::<Text, _>(&self.user)
            .bind::<Text, _>(IMPORTED)
            .bind::<BigInt, _>(self.last);
        crate::per_backend!(&mut *self.conn, |c| history.execute(c))?;
        Ok(())
    }
}
