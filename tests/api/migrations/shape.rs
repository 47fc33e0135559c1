//! The backend-neutral shape of a schema: tables with their columns (name, type class,
//! nullability) and primary key, and indexes; written out as one line per fact so two
//! shapes compare as sets of lines and differ in readable lines.

use std::collections::{BTreeMap, BTreeSet};

/// One column, in the order the table declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// A [`TypeClass`] name, or `other(<the backend's spelling>)`.
    pub class: String,
    pub not_null: bool,
}

/// One table: its columns in declaration order and its primary key in key order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
}

/// One index. Indexes behind a primary key are left out (the table's primary key says
/// it); those behind a `UNIQUE` constraint get [`CONSTRAINT_INDEX`] as name, because
/// each backend names them its own way (`sqlite_autoindex_t_1`, `t_col_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
    /// The `WHERE` of a partial index, through [`predicate`].
    pub predicate: Option<String>,
}

/// The name given to an index that backs a `UNIQUE` constraint.
pub const CONSTRAINT_INDEX: &str = "(unique constraint)";

/// A schema as read from a database's catalogue.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
    pub indexes: Vec<Index>,
}

impl Schema {
    /// One line per fact: a table's column order, each column, each primary key, each
    /// index. Two schemas are the same when their lines are.
    pub fn lines(&self) -> BTreeSet<String> {
        let mut lines = BTreeSet::new();
        for (name, table) in &self.tables {
            let order: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
            lines.insert(format!("table {name}: columns {}", order.join(", ")));
            lines.insert(format!(
                "table {name}: primary key ({})",
                table.primary_key.join(", ")
            ));
            for c in &table.columns {
                let null = if c.not_null { "not null" } else { "null" };
                lines.insert(format!("column {name}.{}: {} {null}", c.name, c.class));
            }
        }
        for i in &self.indexes {
            let mut line = format!("index {} on {} ({})", i.name, i.table, i.columns.join(", "));
            if i.unique {
                line.push_str(" unique");
            }
            if let Some(p) = &i.predicate {
                line.push_str(&format!(" where {p}"));
            }
            lines.insert(line);
        }
        lines
    }
}

/// The classes column types are compared by. Both folders spell their types alike
/// today, but a backend may need another spelling for the same values (PostgreSQL
/// `BIGSERIAL` for SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`), so each backend's
/// spelling is mapped to the class of values diesel reads from it:
///
/// | class | SQLite declared type (as SQLite's affinity rules read it) | PostgreSQL `information_schema.columns.data_type` |
/// |---|---|---|
/// | `integer` | contains `INT` (`INTEGER`, `BIGINT`, …) | `smallint`, `integer`, `bigint` (also behind `SERIAL`/`BIGSERIAL`) |
/// | `boolean` | contains `BOOL` | `boolean` |
/// | `date-time` | `TIMESTAMP`, `DATETIME` | `timestamp without time zone` |
/// | `date-time with time zone` | `TIMESTAMPTZ`, `… WITH TIME ZONE` | `timestamp with time zone` |
/// | `date` | `DATE` | `date` |
/// | `text` | contains `CHAR`, `CLOB` or `TEXT` | `text`, `character varying`, `character` |
/// | `real` | contains `REAL`, `FLOA`, `DOUB`, `NUMERIC` or `DECIMAL` | `real`, `double precision`, `numeric` |
///
/// `date` and `date-time` stay apart (diesel's `Date` and `Timestamp`), which is
/// stricter than one date-time class. Anything else is `other(<spelling>)`, so it
/// shows in a difference instead of passing unseen.
pub struct TypeClass;

impl TypeClass {
    /// The class of a SQLite declared type.
    pub fn sqlite(declared: &str) -> String {
        let t = declared.trim().to_ascii_uppercase();
        let class = if t.contains("INT") {
            "integer"
        } else if t.contains("BOOL") {
            "boolean"
        } else if t == "TIMESTAMPTZ" || t.ends_with("WITH TIME ZONE") {
            "date-time with time zone"
        } else if t == "TIMESTAMP" || t == "DATETIME" {
            "date-time"
        } else if t == "DATE" {
            "date"
        } else if ["CHAR", "CLOB", "TEXT"].iter().any(|s| t.contains(s)) {
            "text"
        } else if ["REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL"]
            .iter()
            .any(|s| t.contains(s))
        {
            "real"
        } else {
            return format!("other({declared})");
        };
        class.to_owned()
    }

    /// The class of a PostgreSQL `information_schema.columns.data_type`.
    pub fn postgres(data_type: &str) -> String {
        let class = match data_type {
            "smallint" | "integer" | "bigint" => "integer",
            "boolean" => "boolean",
            "timestamp without time zone" => "date-time",
            "timestamp with time zone" => "date-time with time zone",
            "date" => "date",
            "text" | "character varying" | "character" => "text",
            "real" | "double precision" | "numeric" => "real",
            _ => return format!("other({data_type})"),
        };
        class.to_owned()
    }
}

/// A partial index's predicate in one spelling: PostgreSQL gives it back rewritten
/// (`(event_id IS NOT NULL)`, `((status)::text = 'x'::text)`), SQLite as written. Both
/// lose their parentheses and `::type` casts, are lowercased and have their white
/// space collapsed.
pub fn predicate(sql: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        if let Some(cast) = rest.strip_prefix("::") {
            let end = cast
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(cast.len());
            rest = &cast[end..];
            for two_words in [" varying", " precision"] {
                rest = rest.strip_prefix(two_words).unwrap_or(rest);
            }
            continue;
        }
        if c != '(' && c != ')' {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_of_both_backends_read_alike() {
        assert_eq!(predicate("event_id IS NOT NULL"), "event_id is not null");
        assert_eq!(predicate("(event_id IS NOT NULL)"), "event_id is not null");
        assert_eq!(
            predicate("((status)::text = 'x'::character varying)"),
            predicate("status = 'x'")
        );
    }

    #[test]
    fn type_spellings_map_to_one_class() {
        assert_eq!(TypeClass::sqlite("INTEGER"), TypeClass::postgres("bigint"));
        assert_eq!(TypeClass::sqlite("TIMESTAMP"), "date-time");
        assert_eq!(TypeClass::sqlite("DATE"), TypeClass::postgres("date"));
        assert_eq!(TypeClass::sqlite("BLOB"), "other(BLOB)");
    }
}
