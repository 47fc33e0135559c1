//! Column names for the SQL the bulk paths write by hand (rusqlite, `src/db/direct.rs`),
//! taken from the diesel schema (`schema.rs`) so a column is named in one place:
//! [`INCIDENT_COLUMNS`] is every column of `incidents`, and [`names_of`] gives the
//! names of any tuple of diesel columns, the same tuple a diesel path selects.

use diesel::{Column, Table};

use super::schema::incidents;

/// The SQL names of a tuple of diesel columns, in the tuple's order.
pub trait ColumnNames {
    const NAMES: &'static [&'static str];
}

/// [`ColumnNames`] for every tuple of 1 to 32 columns (tuples of one column type each).
macro_rules! names_for_tuples {
    ($first:ident $(, $rest:ident)*) => {
        impl<$first: Column, $($rest: Column),*> ColumnNames for ($first, $($rest,)*) {
            const NAMES: &'static [&'static str] = &[$first::NAME, $($rest::NAME),*];
        }
        names_for_tuples!($($rest),*);
    };
    () => {};
}

names_for_tuples!(
    C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, C16, C17, C18, C19, C20, C21,
    C22, C23, C24, C25, C26, C27, C28, C29, C30, C31, C32
);

/// The SQL names of the columns in `columns` (a tuple of diesel columns, as passed to
/// `select`), in its order.
pub fn names_of<T: ColumnNames>(_columns: &T) -> &'static [&'static str] {
    T::NAMES
}

/// Every column of `incidents`, in the order of `schema.rs` (which is the order of
/// the fields of `IncidentRow`).
pub const INCIDENT_COLUMNS: &[&str] =
    <<incidents::table as Table>::AllColumns as ColumnNames>::NAMES;

/// `names` as an SQL column list: `a, b, c`.
pub fn sql_list(names: &[&str]) -> String {
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names diesel itself writes for `SELECT incidents.*`, in its order.
    fn diesel_select_names() -> Vec<String> {
        use diesel::prelude::*;
        let query = incidents::table.select(incidents::all_columns);
        let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&query).to_string();
        let list = sql
            .strip_prefix("SELECT ")
            .and_then(|s| s.split(" FROM ").next())
            .expect("a select");
        list.split(", ")
            .map(|c| {
                c.rsplit('.')
                    .next()
                    .unwrap_or(c)
                    .trim_matches(['`', '"'])
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn incident_columns_are_the_schema_columns_in_order() {
        assert_eq!(INCIDENT_COLUMNS, diesel_select_names());
        assert_eq!(INCIDENT_COLUMNS.first(), Some(&"id"));
    }

    #[test]
    fn a_tuple_names_its_columns_in_its_order() {
        let names = names_of(&(incidents::unit, incidents::id));
        assert_eq!(names, ["unit", "id"]);
        assert_eq!(sql_list(names), "unit, id");
    }
}
