//! Reading and writing incidents and their history. Every function here runs inside
//! a transaction the caller opened (`Db::write`), so a change and its history entry
//! are stored together or not at all.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::counter::{next_registration_number, number_taken};
use super::draft::Draft;
use super::model::{HistoryEntry, HistoryRow, IncidentRow, Status};
use crate::db::schema::{idempotency_keys, incident_history, incidents};
use crate::db::AnyConnection;
use crate::error::{AppError, FieldError};

/// A client's `Idempotency-Key` with a fingerprint of the request it came with.
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: String,
}

/// Looks up the first answer to an earlier request with the same key.
pub fn replay(
    conn: &mut AnyConnection,
    user: &str,
    key: &IdempotencyKey,
) -> Result<Option<String>, AppError> {
    let stored: Option<(String, String)> = idempotency_keys::table
        .find((user, &key.key))
        .select((idempotency_keys::request_hash, idempotency_keys::response))
        .first(conn)
        .optional()?;
    match stored {
        Some((hash, response)) if hash == key.request_hash => Ok(Some(response)),
        Some(_) => Err(AppError::Conflict(
            "this Idempotency-Key was used for a different request".into(),
            vec![FieldError::new(
                "Idempotency-Key",
                "already used with another body",
            )],
        )),
        None => Ok(None),
    }
}

pub fn remember(
    conn: &mut AnyConnection,
    user: &str,
    key: &IdempotencyKey,
    incident_id: &str,
    response: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_name.eq(user),
            idempotency_keys::key.eq(&key.key),
            idempotency_keys::request_hash.eq(&key.request_hash),
            idempotency_keys::incident_id.eq(incident_id),
            idempotency_keys::response.eq(response),
            idempotency_keys::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stores a new, validated registration with its first history entry, made `at` (UTC).
pub fn register(
    conn: &mut AnyConnection,
    user: &str,
    draft: &Draft,
    at: NaiveDateTime,
) -> Result<(IncidentRow, HistoryEntry), AppError> {
    let number = match &draft.registration_number {
        Some(number) => {
            if number_taken(conn, number)? {
                return Err(AppError::Conflict(
                    format!("registration number {number} is already in use"),
                    vec![FieldError::new("registration_number", "is already in use")],
                ));
            }
            number.clone()
        }
        None => next_registration_number(conn, &draft.unit, draft.registration_date())?,
    };
    let status = Status::on_registration(draft.missing().is_empty());
    let mut stored = draft.clone();
    stored.registration_number = Some(number);
    let row = IncidentRow::new(stored.clone(), status, user, at);
    crate::per_backend!(conn, |c| diesel::insert_into(incidents::table)
        .values(&row)
        .execute(c))?;
    let mut changes = stored.changes_since(None);
    changes.insert(
        "status".into(),
        serde_json::json!({"old": null, "new": status.as_str()}),
    );
    let entry = add_history(conn, &row.id, 1, at, user, "registered", changes)?;
    Ok((row, entry))
}

/// Records the first history entry (version 1) of each of `rows` in bulk, by `user`,
/// `at` the time it gives for a row, with the same `action` and `changes` (JSON
/// text) for all: rows that come in together (an import, the demo data).
pub fn add_first_entries(
    conn: &mut AnyConnection,
    rows: &[IncidentRow],
    at: impl Fn(&IncidentRow) -> NaiveDateTime,
    user: &str,
    action: &str,
    changes: &str,
) -> QueryResult<()> {
    for chunk in rows.chunks(1000) {
        let entries: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    incident_history::incident_id.eq(&r.id),
                    incident_history::version.eq(1),
                    incident_history::at.eq(at(r)),
                    incident_history::user_name.eq(user),
                    incident_history::action.eq(action),
                    incident_history::changes.eq(changes),
                )
            })
            .collect();
        crate::per_backend!(&mut *conn, |c| diesel::insert_into(incident_history::table)
            .values(&entries)
            .execute(c))?;
    }
    Ok(())
}

/// Records one change of an incident.
pub fn add_history(
    conn: &mut AnyConnection,
    incident_id: &str,
    version: i32,
    at: NaiveDateTime,
    user: &str,
    action: &str,
    changes: serde_json::Map<String, serde_json::Value>,
) -> Result<HistoryEntry, AppError> {
    let changes = serde_json::Value::Object(changes);
    let text = changes.to_string();
    crate::per_backend!(conn, |c| diesel::insert_into(incident_history::table)
        .values((
            incident_history::incident_id.eq(incident_id),
            incident_history::version.eq(version),
            incident_history::at.eq(at),
            incident_history::user_name.eq(user),
            incident_history::action.eq(action),
            incident_history::changes.eq(&text),
        ))
        .execute(c))?;
    Ok(HistoryEntry {
        version,
        at: crate::dates::to_rfc3339(at),
        user: user.to_owned(),
        action: action.to_owned(),
        changes,
    })
}

/// Inserts complete rows in bulk (synthetic data, imports); the caller moves the
/// registration counters past the numbers used ([`super::set_counter`]) and writes
/// their first history entries ([`add_first_entries`]).
pub fn insert_rows(conn: &mut AnyConnection, rows: &[IncidentRow]) -> QueryResult<()> {
    // 30 columns a row: 500 rows stay under every backend's bind-parameter limit.
    for chunk in rows.chunks(500) {
        crate::per_backend!(&mut *conn, |c| diesel::insert_into(incidents::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// The row of incident `id` (404 when there is none).
pub fn get(conn: &mut AnyConnection, id: &str) -> Result<IncidentRow, AppError> {
    Ok(incidents::table
        .find(id)
        .select(IncidentRow::as_select())
        .first(conn)?)
}

/// The row of incident `id` when `principal` may see its unit; outside their scope it
/// does not exist (404, so existence does not leak). The one way a user's request
/// loads an incident.
pub fn get_in_scope(
    conn: &mut AnyConnection,
    principal: &crate::auth::Principal,
    id: &str,
) -> Result<IncidentRow, AppError> {
    let row = get(conn, id)?;
    match principal.sees_unit(&row.unit) {
        true => Ok(row),
        false => Err(AppError::NotFound),
    }
}

pub fn history(conn: &mut AnyConnection, id: &str) -> Result<Vec<HistoryEntry>, AppError> {
    Ok(incident_history::table
        .filter(incident_history::incident_id.eq(id))
        .order(incident_history::id)
        .select(HistoryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(HistoryEntry::from)
        .collect())
}

/// Filters of the incident list, already checked.
#[derive(Debug, Default)]
pub struct ListFilter {
    pub unit: Option<String>,
    pub status: Option<Status>,
    /// Registered at or after (UTC).
    pub from: Option<NaiveDateTime>,
    /// Registered before (UTC).
    pub until: Option<NaiveDateTime>,
    pub ground: Option<String>,
    /// Continue after this (registered_at, id).
    pub after: Option<(NaiveDateTime, String)>,
    pub limit: i64,
    /// Out of reach when registered before this (UTC; see
    /// [`crate::state::AppState::restricted_before`]).
    pub restricted_before: Option<NaiveDateTime>,
}

/// A page of incidents, newest first, plus the first of the next page (if any).
pub fn list(conn: &mut AnyConnection, f: &ListFilter) -> Result<Vec<IncidentRow>, AppError> {
    let mut q = incidents::table
        .select(IncidentRow::as_select())
        .into_boxed();
    if let Some(unit) = &f.unit {
        q = q.filter(incidents::unit.eq(unit));
    }
    if let Some(status) = f.status {
        q = q.filter(incidents::status.eq(status.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(incidents::registered_at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(incidents::registered_at.lt(until));
    }
    if let Some(before) = f.restricted_before {
        q = q.filter(incidents::registered_at.ge(before));
    }
    if let Some(ground) = &f.ground {
        // Codes are stored joined by '|': compare whole codes, not substrings.
        q = q.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("('|' || grounds || '|') LIKE ")
                .bind::<Text, _>(format!("%|{ground}|%")),
        );
    }
    if let Some((at, id)) = &f.after {
        q = q.filter(
            incidents::registered_at.lt(*at).or(incidents::registered_at
                .eq(*at)
                .and(incidents::id.lt(id.clone()))),
        );
    }
    Ok(
        q.order((incidents::registered_at.desc(), incidents::id.desc()))
            .limit(f.limit + 1)
            .load(conn)?,
    )
}

/// Which versions of an incident a change may apply to: what the client saw, from an
/// `If-Match` header (RFC 9110 §13.1.1) or a form's hidden version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `*`: whatever the current version is.
    Any,
    /// One of these versions (strong entity tags only; a weak or unknown tag adds
    /// none, so it never matches).
    Versions(Vec<i32>),
}

impl Precondition {
    /// Exactly `version`.
    pub fn version(version: i32) -> Precondition {
        Precondition::Versions(vec![version])
    }

    /// 412 with the current version unless the precondition admits `current`.
    pub fn check(&self, current: i32) -> Result<(), AppError> {
        match self {
            Precondition::Any => Ok(()),
            Precondition::Versions(v) if v.contains(&current) => Ok(()),
            Precondition::Versions(_) => Err(AppError::PreconditionFailed { current }),
        }
    }
}

/// Stores a changed row as the next version with its history entry, if the stored
/// row is still at the version it was loaded with (412 otherwise). The one way every
/// change is saved.
pub fn save_change(
    conn: &mut AnyConnection,
    row: &mut IncidentRow,
    user: &str,
    action: &str,
    changes: serde_json::Map<String, serde_json::Value>,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let expected = row.version;
    row.version = expected + 1;
    row.updated_at = at;
    update(conn, row, expected)?;
    add_history(
        conn,
        &row.id,
        row.version,
        row.updated_at,
        user,
        action,
        changes,
    )?;
    Ok(())
}

/// The latest registrations made by `user`, newest first; none registered before
/// `restricted_before` (see [`get_reachable`]).
pub fn recent_by(
    conn: &mut AnyConnection,
    user: &str,
    limit: i64,
    restricted_before: Option<NaiveDateTime>,
) -> QueryResult<Vec<IncidentRow>> {
    let mut q = incidents::table
        .filter(incidents::created_by.eq(user))
        .into_boxed();
    if let Some(before) = restricted_before {
        q = q.filter(incidents::registered_at.ge(before));
    }
    q.order((incidents::registered_at.desc(), incidents::id.desc()))
        .limit(limit)
        .select(IncidentRow::as_select())
        .load(conn)
}

/// An incident with its history as `principal` may see it; outside their scope it
/// does not exist (404).
/// The incident `id` as `principal` may see it: 404 outside their scope, and for an
/// incident registered before `restricted_before` (a registrar after the first term;
/// [`crate::state::AppState::restricted_before`]).
pub fn read_visible(
    conn: &mut AnyConnection,
    principal: &crate::auth::Principal,
    id: &str,
    restricted_before: Option<NaiveDateTime>,
) -> Result<super::Incident, AppError> {
    let row = get_reachable(conn, principal, id, restricted_before)?;
    view(conn, row, principal)
}

/// The row of incident `id` when `principal` may reach it: 404 outside their scope
/// ([`get_in_scope`]) and when registered before `restricted_before` (a registrar
/// after the first term; [`crate::state::AppState::restricted_before`]), before any
/// other check, so that neither existence nor state leaks.
pub fn get_reachable(
    conn: &mut AnyConnection,
    principal: &crate::auth::Principal,
    id: &str,
    restricted_before: Option<NaiveDateTime>,
) -> Result<IncidentRow, AppError> {
    let row = get_in_scope(conn, principal, id)?;
    if restricted_before.is_some_and(|before| row.registered_at < before) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

pub fn view(
    conn: &mut AnyConnection,
    row: IncidentRow,
    principal: &crate::auth::Principal,
) -> Result<super::Incident, AppError> {
    let history = history(conn, &row.id)?;
    let removed = crate::retention::removed_at(conn, &row.id)?;
    let mut incident = super::Incident::view(row, principal, Some(history));
    incident.personal_data_removed_at = removed.map(crate::dates::to_rfc3339);
    Ok(incident)
}

/// Stores a changed row if it is still at `expected` version; 412 otherwise.
fn update(conn: &mut AnyConnection, row: &IncidentRow, expected: i32) -> Result<(), AppError> {
    let changed = diesel::update(
        incidents::table
            .filter(incidents::id.eq(&row.id))
            .filter(incidents::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    if changed == 0 {
        let current: i32 = incidents::table
            .find(&row.id)
            .select(incidents::version)
            .first(conn)?;
        return Err(AppError::PreconditionFailed { current });
    }
    Ok(())
}
