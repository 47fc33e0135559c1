//! Registration numbers `{UNIT}-{YYYY}-{NNNNNN}` (domain.md): one counter per unit
//! and year in `registration_counters`, moved on by each registration and moved past
//! the numbers an import or the demo brought in. Both operations on the counter live
//! here.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use crate::db::schema::{incidents, registration_counters};
use crate::db::AnyConnection;

/// Whether a registration number is in use.
pub(super) fn number_taken(conn: &mut AnyConnection, number: &str) -> QueryResult<bool> {
    let query = diesel::select(diesel::dsl::exists(
        incidents::table.filter(incidents::registration_number.eq(number)),
    ));
    crate::per_backend!(conn, |c| query.get_result(c))
}

/// The next free `{UNIT}-{YYYY}-{NNNNNN}` for the unit and the year of `date`,
/// skipping numbers already taken (e.g. by an import).
pub fn next_registration_number(
    conn: &mut AnyConnection,
    unit: &str,
    date: NaiveDate,
) -> QueryResult<String> {
    let year = date.year();
    let key = registration_counters::table.find((unit, year));
    loop {
        let bump = diesel::update(key)
            .set(registration_counters::last.eq(registration_counters::last + 1));
        if crate::per_backend!(&mut *conn, |c| bump.execute(c))? == 0 {
            let first = diesel::insert_into(registration_counters::table).values((
                registration_counters::unit.eq(unit),
                registration_counters::year.eq(year),
                registration_counters::last.eq(1),
            ));
            crate::per_backend!(&mut *conn, |c| first.execute(c))?;
        }
        let read = key.select(registration_counters::last);
        let last: i32 = crate::per_backend!(&mut *conn, |c| read.first(c))?;
        let number = format!("{unit}-{year}-{last:06}");
        if !number_taken(conn, &number)? {
            return Ok(number);
        }
    }
}

/// Moves a unit's counter for a year to at least `last`.
pub fn set_counter(conn: &mut AnyConnection, unit: &str, year: i32, last: i32) -> QueryResult<()> {
    let key = registration_counters::table.find((unit, year));
    let current: Option<i32> = key
        .select(registration_counters::last)
        .first(conn)
        .optional()?;
    match current {
        Some(c) if c >= last => {}
        Some(_) => {
            diesel::update(key)
                .set(registration_counters::last.eq(last))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(registration_counters::table)
                .values((
                    registration_counters::unit.eq(unit),
                    registration_counters::year.eq(year),
                    registration_counters::last.eq(last),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}
