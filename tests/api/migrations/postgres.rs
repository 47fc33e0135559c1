//! The schema of the current PostgreSQL schema (`search_path`), read from
//! `information_schema.columns` and `pg_index`.

use diesel::sql_types::{Bool, Nullable, Text};
use diesel::{PgConnection, QueryableByName, RunQueryDsl};

use super::shape::{predicate, Column, Index, Schema, TypeClass, CONSTRAINT_INDEX};

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    table_name: String,
    /// The key columns in key order, comma-separated; `(expression)` for an expression.
    #[diesel(sql_type = Text)]
    columns: String,
    #[diesel(sql_type = Bool)]
    is_unique: bool,
    #[diesel(sql_type = Bool)]
    is_primary: bool,
    /// Whether the index backs a `UNIQUE` constraint.
    #[diesel(sql_type = Bool)]
    is_constraint: bool,
    #[diesel(sql_type = Nullable<Text>)]
    predicate: Option<String>,
}

const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

/// Every table of the current schema but diesel's `__diesel_schema_migrations`, with
/// their primary keys and indexes.
pub fn read(conn: &mut PgConnection) -> Schema {
    let columns: Vec<ColumnRow> = diesel::sql_query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, \
                c.is_nullable = 'NO' AS not_null \
         FROM information_schema.columns AS c \
         JOIN information_schema.tables AS t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> $1 \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .bind::<Text, _>(MIGRATIONS_TABLE)
    .load(conn)
    .expect("read information_schema.columns");
    let mut schema = Schema::default();
    for c in columns {
        schema
            .tables
            .entry(c.table_name)
            .or_default()
            .columns
            .push(Column {
                name: c.column_name,
                class: TypeClass::postgres(&c.data_type),
                not_null: c.not_null,
            });
    }
    for i in indexes(conn) {
        let columns: Vec<String> = i.columns.split(',').map(str::to_owned).collect();
        if i.is_primary {
            if let Some(table) = schema.tables.get_mut(&i.table_name) {
                table.primary_key = columns;
            }
            continue;
        }
        schema.indexes.push(Index {
            name: if i.is_constraint {
                CONSTRAINT_INDEX.to_owned()
            } else {
                i.name
            },
            table: i.table_name,
            columns,
            unique: i.is_unique,
            predicate: i.predicate.as_deref().map(predicate),
        });
    }
    schema
}

fn indexes(conn: &mut PgConnection) -> Vec<IndexRow> {
    diesel::sql_query(
        "SELECT i.relname::text AS name, t.relname::text AS table_name, \
                (SELECT string_agg(COALESCE(a.attname::text, '(expression)'), ',' ORDER BY k.ord) \
                 FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                 LEFT JOIN pg_attribute AS a \
                   ON a.attrelid = x.indrelid AND a.attnum = k.attnum) AS columns, \
                x.indisunique AS is_unique, x.indisprimary AS is_primary, \
                EXISTS (SELECT 1 FROM pg_constraint AS c \
                        WHERE c.conindid = x.indexrelid AND c.contype = 'u') AS is_constraint, \
                pg_get_expr(x.indpred, x.indrelid) AS predicate \
         FROM pg_index AS x \
         JOIN pg_class AS i ON i.oid = x.indexrelid \
         JOIN pg_class AS t ON t.oid = x.indrelid \
         JOIN pg_namespace AS n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND t.relname <> $1 \
         ORDER BY t.relname, i.relname",
    )
    .bind::<Text, _>(MIGRATIONS_TABLE)
    .load(conn)
    .expect("read pg_index")
}
