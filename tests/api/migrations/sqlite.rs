//! The schema of a SQLite database, read from `sqlite_master` and the `table_info`,
//! `index_list` and `index_info` pragmas.

use diesel::sql_types::{Integer, Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl, SqliteConnection};

use super::shape::{predicate, Column, Index, Schema, Table, TypeClass, CONSTRAINT_INDEX};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    declared: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    /// 1-based position in the primary key, 0 when not part of it.
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    is_unique: i32,
    /// `c` (CREATE INDEX), `u` (UNIQUE constraint) or `pk` (PRIMARY KEY).
    #[diesel(sql_type = Text)]
    origin: String,
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

/// Every table but diesel's `__diesel_schema_migrations` and SQLite's own
/// (`sqlite_sequence`, `sqlite_stat1`, …), with their indexes.
pub fn read(conn: &mut SqliteConnection) -> Schema {
    let names: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND name <> '__diesel_schema_migrations' ORDER BY name",
    )
    .load(conn)
    .expect("read sqlite_master");
    let mut schema = Schema::default();
    for Name { name } in names {
        schema.indexes.extend(indexes(conn, &name));
        schema.tables.insert(name.clone(), table(conn, &name));
    }
    schema
}

fn table(conn: &mut SqliteConnection, name: &str) -> Table {
    let rows: Vec<ColumnRow> = diesel::sql_query(
        "SELECT name, type AS declared, \"notnull\" AS not_null, pk \
         FROM pragma_table_info(?) ORDER BY cid",
    )
    .bind::<Text, _>(name)
    .load(conn)
    .expect("read pragma table_info");
    let mut key: Vec<&ColumnRow> = rows.iter().filter(|r| r.pk > 0).collect();
    key.sort_by_key(|r| r.pk);
    let primary_key: Vec<String> = key.iter().map(|r| r.name.clone()).collect();
    // A single INTEGER PRIMARY KEY is the rowid, which is never NULL, though the
    // pragma reports it nullable. Any other key column SQLite lets be NULL unless it
    // says NOT NULL (PostgreSQL never does): that difference is real and stays.
    let rowid = match key.as_slice() {
        [only] if only.declared.eq_ignore_ascii_case("INTEGER") => Some(only.name.clone()),
        _ => None,
    };
    let columns = rows
        .iter()
        .map(|r| Column {
            name: r.name.clone(),
            class: TypeClass::sqlite(&r.declared),
            not_null: r.not_null != 0 || rowid.as_deref() == Some(r.name.as_str()),
        })
        .collect();
    Table {
        columns,
        primary_key,
    }
}

fn indexes(conn: &mut SqliteConnection, table: &str) -> Vec<Index> {
    let rows: Vec<IndexRow> = diesel::sql_query(
        "SELECT l.name, l.\"unique\" AS is_unique, l.origin, m.sql \
         FROM pragma_index_list(?) AS l \
         LEFT JOIN sqlite_master AS m ON m.type = 'index' AND m.name = l.name \
         ORDER BY l.name",
    )
    .bind::<Text, _>(table)
    .load(conn)
    .expect("read pragma index_list");
    rows.into_iter()
        .filter(|r| r.origin != "pk")
        .map(|r| Index {
            columns: index_columns(conn, &r.name),
            name: if r.origin == "u" {
                CONSTRAINT_INDEX.to_owned()
            } else {
                r.name
            },
            table: table.to_owned(),
            unique: r.is_unique != 0,
            predicate: r
                .sql
                .as_deref()
                .and_then(where_clause)
                .map(|w| predicate(&w)),
        })
        .collect()
}

fn index_columns(conn: &mut SqliteConnection, index: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Key {
        /// NULL for an expression.
        #[diesel(sql_type = Nullable<Text>)]
        name: Option<String>,
    }
    let keys: Vec<Key> = diesel::sql_query("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
        .bind::<Text, _>(index)
        .load(conn)
        .expect("read pragma index_info");
    keys.into_iter()
        .map(|k| k.name.unwrap_or_else(|| "(expression)".to_owned()))
        .collect()
}

/// What follows the last `WHERE` of a `CREATE INDEX` statement, white space collapsed.
fn where_clause(sql: &str) -> Option<String> {
    let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = sql.to_ascii_uppercase().rfind(" WHERE ")?;
    Some(sql[at + " WHERE ".len()..].trim_end_matches(';').to_owned())
}
