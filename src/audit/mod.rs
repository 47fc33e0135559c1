//! The audit log (Police Data Act): an append-only record of who did what, when, to
//! which object, and with what outcome. Nothing in the product updates it; only the
//! retention run deletes entries, once they are past the log's own term
//! (`DIRA_AUDIT_KEEP_YEARS`, `docs/retention.md`), never for an incident's removal.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Principal;
use crate::db::schema::audit_log;
use crate::db::AnyConnection;

/// One entry to append.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    pub at: NaiveDateTime,
    pub user_name: String,
    pub role: String,
    /// What was done: `import`, `export`, …
    pub action: String,
    /// What it was done to: an incident id, a file fingerprint, …
    pub object: String,
    /// `ok`, `refused`, `partial`, …
    pub outcome: String,
    /// Figures and particulars, e.g. `rows=1000 stored=998`.
    pub detail: String,
}

impl Entry {
    /// What `by` did at `at` (UTC): `action` on `object` with `outcome`; `-` as user
    /// and role when nobody was authenticated. The one way entries are made.
    pub fn new(
        at: NaiveDateTime,
        by: Option<&Principal>,
        action: impl Into<String>,
        object: impl Into<String>,
        outcome: impl Into<String>,
    ) -> Entry {
        Entry {
            at,
            user_name: by.map_or_else(|| "-".to_owned(), |p| p.user.clone()),
            role: by.map_or_else(|| "-".to_owned(), |p| p.role.to_string()),
            action: action.into(),
            object: object.into(),
            outcome: outcome.into(),
            detail: String::new(),
        }
    }

    /// The entry with figures and particulars (`rows=1000 stored=998`).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Entry {
        self.detail = detail.into();
        self
    }
}

/// Appends `entry` to the log.
pub fn record(conn: &mut AnyConnection, entry: &Entry) -> QueryResult<()> {
    crate::per_backend!(conn, |c| diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(c))?;
    Ok(())
}

/// Appends `entries` to the log, in order, in as few statements as the backend
/// allows.
pub fn record_all(conn: &mut AnyConnection, entries: &[Entry]) -> QueryResult<()> {
    for chunk in entries.chunks(CHUNK) {
        crate::per_backend!(conn, |c| diesel::insert_into(audit_log::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Entries per statement (below SQLite's 32766 bound parameters at 7 per entry).
const CHUNK: usize = 1000;

pub mod http;

/// An audit entry as administrators read it.
#[derive(Debug, Clone, Queryable, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339 with offset.
    #[serde(serialize_with = "crate::dates::serialize_rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: NaiveDateTime,
    pub user: String,
    pub role: String,
    pub action: String,
    /// The incident id, token id, or query of the request.
    pub object: String,
    /// HTTP status, or `ok`/`refused` for commands.
    pub outcome: String,
    pub detail: String,
}

/// Filters of the audit log, already checked.
#[derive(Debug, Default)]
pub struct Filter {
    pub user: Option<String>,
    /// Entries about this incident (or other object).
    pub object: Option<String>,
    /// At or after (UTC).
    pub from: Option<NaiveDateTime>,
    /// Before (UTC).
    pub until: Option<NaiveDateTime>,
    /// Entries with a smaller id (the next page).
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// The newest entries matching `f`.
pub fn search(conn: &mut AnyConnection, f: &Filter) -> QueryResult<Vec<AuditEntry>> {
    let mut q = audit_log::table.into_boxed();
    if let Some(user) = &f.user {
        q = q.filter(audit_log::user_name.eq(user.clone()));
    }
    if let Some(object) = &f.object {
        q = q.filter(audit_log::object.eq(object.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(audit_log::at.lt(until));
    }
    if let Some(id) = f.before_id {
        q = q.filter(audit_log::id.lt(id));
    }
    q.select((
        audit_log::id,
        audit_log::at,
        audit_log::user_name,
        audit_log::role,
        audit_log::action,
        audit_log::object,
        audit_log::outcome,
        audit_log::detail,
    ))
    .order(audit_log::id.desc())
    .limit(f.limit)
    .load(conn)
}
