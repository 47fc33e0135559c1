//! Retention under the Police Data Act (Wet politiegegevens, Wpg; `docs/retention.md`):
//! after the removal term the personal and free-text data of an incident is erased,
//! not flagged, while its classification stays, so that every report over those
//! years gives the same figures before and after.
//!
//! What is erased ([`PERSONAL_FIELDS`]): the narrative, the summary, the source
//! reference to the general police system, the district and the basic team, in the
//! incident and as old and new values in every entry of its history, with the free
//! text entries keep besides them ([`HISTORY_FREE_TEXT`]); the narrative and dismissal
//! reason of its candidate from the general-incident scan, and of every candidate
//! older than the term; its idempotency records (which keep the first answer,
//! narrative included). What stays: codes, dates, unit, municipality, status,
//! prosecution status, event id, version, and the history entries themselves (who did
//! what, when). The incident's version does not move: a removal is not a correction.
//!
//! The first term (registrars no longer reach an incident; others give a reason) is
//! [`access`]; the daily run of the service is `daily`.

pub mod access;
mod daily;
mod policy;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

pub use daily::{run_audited, run_once, start, SYSTEM_USER};
pub use policy::Policy;

use crate::db::schema::{
    audit_log, candidates, idempotency_keys, incident_history, incidents, retention_removals,
};
use crate::db::AnyConnection;

/// The incident fields a removal erases: the same names in the history's changes.
pub const PERSONAL_FIELDS: &[&str] = &[
    "narrative",
    "summary",
    "source_reference",
    "district",
    "basic_team",
];

/// Free text that history entries keep besides the incident's fields: a screening
/// decision's `note`, a reopening's `reason`. Erased with them.
pub const HISTORY_FREE_TEXT: &[&str] = &["note", "reason"];

/// Incidents handled per statement.
const CHUNK: usize = 500;

/// How many incidents a run removes (or, dry, would remove) for one unit and
/// registration year (Europe/Amsterdam).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub unit: String,
    pub year: i32,
    pub incidents: u64,
}

/// What a run did, or would do: counts only, never the data.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Incidents registered before this moment (UTC) are past the removal term.
    pub removed_before: NaiveDateTime,
    pub dry_run: bool,
    /// Per unit and registration year, ordered.
    pub removed: Vec<Removed>,
    /// History entries that held a value of [`PERSONAL_FIELDS`].
    pub history_entries: u64,
    /// Candidates whose narrative was erased.
    pub candidates: u64,
    /// Idempotency records deleted.
    pub idempotency_records: u64,
    /// Audit log entries made before this moment (UTC) are past their own term.
    pub audit_kept_since: NaiveDateTime,
    /// Audit log entries deleted (past [`Policy::audit_keep_years`]); never those
    /// of removed incidents for being removed.
    pub audit_entries: u64,
}

impl Outcome {
    /// Incidents removed in all.
    pub fn incidents(&self) -> u64 {
        self.removed.iter().map(|r| r.incidents).sum()
    }

    /// One line for the audit log: the counts and the policy in force.
    pub fn audit_detail(&self, policy: &Policy) -> String {
        let per: Vec<String> = self
            .removed
            .iter()
            .map(|r| format!("{}/{}={}", r.unit, r.year, r.incidents))
            .collect();
        format!(
            "policy: {}; registered before {}; incidents={} [{}] history_entries={} \
             candidates={} idempotency_records={}; audit entries before {}: {}",
            policy.describe(),
            crate::dates::to_rfc3339(self.removed_before),
            self.incidents(),
            per.join(" "),
            self.history_entries,
            self.candidates,
            self.idempotency_records,
            crate::dates::to_rfc3339(self.audit_kept_since),
            self.audit_entries
        )
    }
}

/// When the personal and free-text data of incident `id` was removed (UTC), if it was.
pub fn removed_at(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<NaiveDateTime>> {
    retention_removals::table
        .find(id)
        .select(retention_removals::removed_at)
        .first(conn)
        .optional()
}

/// Removes what `policy` says is due at `now`, in one transaction; with `dry_run`
/// only counts, and changes nothing. Running it again removes nothing more (removed
/// incidents are kept in `retention_removals`).
pub fn run(
    conn: &mut AnyConnection,
    policy: &Policy,
    now: NaiveDateTime,
    dry_run: bool,
) -> anyhow::Result<Outcome> {
    let before = policy.removed_before(now)?;
    let audit_kept_since = policy.audit_kept_since(now)?;
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    if sqlite && !dry_run {
        // Erased text is overwritten in the file, not left in freed space.
        diesel::sql_query("PRAGMA secure_delete = ON").execute(conn)?;
    }
    let result = conn.transaction(|conn| {
        if !dry_run {
            crate::db::take_write_lock(conn)?;
        }
        let due = due(conn, policy, before)?;
        let mut outcome = Outcome {
            removed_before: before,
            dry_run,
            removed: per_unit_and_year(&due),
            history_entries: 0,
            candidates: 0,
            idempotency_records: 0,
            audit_kept_since,
            audit_entries: 0,
        };
        let ids: Vec<&str> = due.iter().map(|(id, _, _)| id.as_str()).collect();
        for chunk in ids.chunks(CHUNK) {
            outcome.history_entries += erase_history(conn, chunk, dry_run)?;
            if !dry_run {
                erase_incidents(conn, chunk, now)?;
                outcome.idempotency_records += diesel::delete(
                    idempotency_keys::table.filter(idempotency_keys::incident_id.eq_any(chunk)),
                )
                .execute(conn)? as u64;
            } else {
                outcome.idempotency_records += idempotency_keys::table
                    .filter(idempotency_keys::incident_id.eq_any(chunk))
                    .count()
                    .get_result::<i64>(conn)? as u64;
            }
        }
        outcome.candidates = erase_candidates(conn, &ids, before, dry_run)?;
        outcome.audit_entries = expire_audit_log(conn, audit_kept_since, dry_run)?;
        anyhow::Ok(outcome)
    });
    if sqlite && !dry_run {
        diesel::sql_query("PRAGMA secure_delete = OFF").execute(conn)?;
    }
    result
}

/// Deletes (with `dry_run`: counts) the audit log entries made before `since`: the
/// log's own term, apart from the incidents' (`docs/retention.md`). Entries about an
/// incident whose data is still held (not removed yet: younger than its term, or kept
/// while its prosecution is open) stay, whatever their age: every access to data that
/// still exists can be checked.
fn expire_audit_log(
    conn: &mut AnyConnection,
    since: NaiveDateTime,
    dry_run: bool,
) -> QueryResult<u64> {
    let removed = retention_removals::table
        .filter(retention_removals::incident_id.eq(incidents::id))
        .select(retention_removals::incident_id);
    let held = incidents::table
        .filter(incidents::id.eq(audit_log::object))
        .filter(diesel::dsl::not(diesel::dsl::exists(removed)))
        .select(incidents::id);
    let expired = audit_log::table
        .filter(audit_log::at.lt(since))
        .filter(diesel::dsl::not(diesel::dsl::exists(held)));
    let count = match dry_run {
        true => expired.count().get_result::<i64>(conn)? as u64,
        false => diesel::delete(expired).execute(conn)? as u64,
    };
    Ok(count)
}

/// Incidents registered before `before` and not kept by an open prosecution that
/// were not removed yet, or hold personal data again (put back by a correction after
/// their removal): id, unit, registration time.
fn due(
    conn: &mut AnyConnection,
    policy: &Policy,
    before: NaiveDateTime,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    let removed = retention_removals::table
        .filter(retention_removals::incident_id.eq(incidents::id))
        .select(retention_removals::incident_id);
    incidents::table
        .filter(incidents::registered_at.lt(before))
        .filter(
            diesel::dsl::not(diesel::dsl::exists(removed))
                .or(incidents::narrative.is_not_null())
                .or(incidents::summary.is_not_null())
                .or(incidents::source_reference.is_not_null())
                .or(incidents::district.is_not_null())
                .or(incidents::basic_team.is_not_null()),
        )
        .filter(incidents::prosecution_status.is_null().or(diesel::dsl::not(
            incidents::prosecution_status.eq_any(policy.keep_while.clone()),
        )))
        .select((incidents::id, incidents::unit, incidents::registered_at))
        .order(incidents::id)
        .load(conn)
}

fn per_unit_and_year(due: &[(String, String, NaiveDateTime)]) -> Vec<Removed> {
    let mut counts: BTreeMap<(String, i32), u64> = BTreeMap::new();
    let mut offsets = crate::dates::AmsterdamOffsets::default();
    for (_, unit, at) in due {
        use chrono::Datelike;
        *counts
            .entry((unit.clone(), offsets.date(*at).year()))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((unit, year), incidents)| Removed {
            unit,
            year,
            incidents,
        })
        .collect()
}

/// Erases the incidents' fields and records their removal at `now`.
fn erase_incidents(conn: &mut AnyConnection, ids: &[&str], now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(incidents::table.filter(incidents::id.eq_any(ids)))
        .set((
            incidents::narrative.eq(None::<String>),
            incidents::summary.eq(None::<String>),
            incidents::source_reference.eq(None::<String>),
            incidents::district.eq(None::<String>),
            incidents::basic_team.eq(None::<String>),
        ))
        .execute(conn)?;
    let rows: Vec<_> = ids
        .iter()
        .map(|id| {
            (
                retention_removals::incident_id.eq(*id),
                retention_removals::removed_at.eq(now),
            )
        })
        .collect();
    // An incident removed before keeps the moment of its first removal.
    let insert = diesel::insert_into(retention_removals::table)
        .values(&rows)
        .on_conflict(retention_removals::incident_id)
        .do_nothing();
    crate::per_backend!(conn, |c| insert.execute(c))?;
    Ok(())
}

/// Erases the old and new values of [`PERSONAL_FIELDS`] in the history of the
/// incidents; answers how many entries held one.
fn erase_history(conn: &mut AnyConnection, ids: &[&str], dry_run: bool) -> anyhow::Result<u64> {
    let entries: Vec<(i64, String)> = incident_history::table
        .filter(incident_history::incident_id.eq_any(ids))
        .select((incident_history::id, incident_history::changes))
        .load(conn)?;
    let mut erased = 0;
    for (id, changes) in entries {
        let Some(changes) = erased_changes(&changes)? else {
            continue;
        };
        erased += 1;
        if !dry_run {
            diesel::update(incident_history::table.find(id))
                .set(incident_history::changes.eq(changes))
                .execute(conn)?;
        }
    }
    Ok(erased)
}

/// `changes` (a JSON object of `{"old": …, "new": …}` per field) with the values of
/// [`PERSONAL_FIELDS`] and [`HISTORY_FREE_TEXT`] set to null; `None` when it holds
/// none that is not null.
fn erased_changes(changes: &str) -> anyhow::Result<Option<String>> {
    let mut value: serde_json::Value = serde_json::from_str(changes)?;
    let Some(fields) = value.as_object_mut() else {
        return Ok(None);
    };
    let mut touched = false;
    for name in PERSONAL_FIELDS.iter().chain(HISTORY_FREE_TEXT) {
        let Some(change) = fields.get_mut(*name).and_then(|c| c.as_object_mut()) else {
            continue;
        };
        for side in change.values_mut() {
            if !side.is_null() {
                *side = serde_json::Value::Null;
                touched = true;
            }
        }
    }
    Ok(touched.then(|| value.to_string()))
}

/// Erases the narratives (and dismissal reasons) of the candidates promoted to the
/// incidents `ids` and of every candidate registered before `before`; answers how many
/// held a narrative. (Their source reference stays: it is what keeps a scan of the
/// same general incidents from storing their narratives again.)
fn erase_candidates(
    conn: &mut AnyConnection,
    ids: &[&str],
    before: NaiveDateTime,
    dry_run: bool,
) -> QueryResult<u64> {
    let mut erased = 0;
    let held = candidates::narrative
        .ne("")
        .or(candidates::reason.is_not_null());
    let old = candidates::table
        .filter(candidates::registered_at.lt(before))
        .filter(held);
    let erase = || {
        (
            candidates::narrative.eq(""),
            candidates::reason.eq(None::<String>),
        )
    };
    erased += match dry_run {
        true => old.count().get_result::<i64>(conn)? as u64,
        false => diesel::update(old).set(erase()).execute(conn)? as u64,
    };
    for chunk in ids.chunks(CHUNK) {
        let promoted = candidates::table
            .filter(candidates::incident_id.eq_any(chunk))
            .filter(candidates::registered_at.ge(before))
            .filter(held);
        erased += match dry_run {
            true => promoted.count().get_result::<i64>(conn)? as u64,
            false => diesel::update(promoted).set(erase()).execute(conn)? as u64,
        };
    }
    Ok(erased)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_values_in_history_are_erased_and_the_rest_kept() {
        let changes = r#"{"narrative":{"old":null,"new":"Jan riep"},"grounds":{"old":[],"new":["HERKOMST"]},"district":{"old":"D1","new":"D2"}}"#;
        let erased: serde_json::Value =
            serde_json::from_str(&erased_changes(changes).expect("json").expect("touched"))
                .expect("json");
        assert_eq!(
            erased,
            serde_json::json!({
                "narrative": {"old": null, "new": null},
                "grounds": {"old": [], "new": ["HERKOMST"]},
                "district": {"old": null, "new": null},
            })
        );
        assert_eq!(
            erased_changes(r#"{"status":{"old":"A","new":"B"}}"#).expect("json"),
            None
        );
        assert_eq!(
            erased_changes(r#"{"summary":{"old":null,"new":null}}"#).expect("json"),
            None
        );
    }
}
