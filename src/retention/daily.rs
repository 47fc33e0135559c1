//! The daily run inside `dira serve`: every replica starts one, the database lets one
//! at a time do the work (PostgreSQL: an advisory lock held by the run's
//! transaction; the others find it taken and skip that turn; SQLite: the single
//! writer).

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{run, Outcome, Policy};
use crate::auth::Principal;
use crate::clock::Clock;
use crate::db::{AnyConnection, Db, RETENTION_LOCK};
use crate::error::AppError;

/// Time between two runs of a service.
const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Who a run of the service is in the audit log and the history.
pub const SYSTEM_USER: &str = "system:retention";

/// Runs the policy once at `now` and audits it as done by `by`, in the same
/// transaction (a removal is never stored without its audit entry). `None` when
/// another run holds the lock (PostgreSQL: another replica or operator). On SQLite the
/// write-ahead log is then emptied into the file, so the erased text is not left
/// behind in it.
pub fn run_audited(
    db: &Db,
    policy: &Policy,
    now: NaiveDateTime,
    by: &Principal,
) -> Result<Option<Outcome>, AppError> {
    let (policy, by) = (policy.clone(), by.clone());
    let outcome = db.write(move |conn| -> Result<Option<Outcome>, AppError> {
        if let AnyConnection::Postgresql(c) = conn {
            let taken: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
                &format!("pg_try_advisory_xact_lock({RETENTION_LOCK})"),
            ))
            .get_result(c)?;
            if !taken {
                return Ok(None);
            }
        }
        let outcome = run(conn, &policy, now, false)?;
        let entry = crate::audit::Entry::new(now, Some(&by), "retention", "incidents", "ok")
            .with_detail(outcome.audit_detail(&policy));
        crate::audit::record(conn, &entry)?;
        Ok(Some(outcome))
    })?;
    if db.sqlite_path().is_some() {
        let mut conn = db.conn()?;
        diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn)?;
    }
    Ok(outcome)
}

/// [`run_audited`] as the service does it, by [`SYSTEM_USER`].
pub fn run_once(db: &Db, policy: &Policy, now: NaiveDateTime) -> Result<Option<Outcome>, AppError> {
    run_audited(db, policy, now, &Principal::operator(SYSTEM_USER))
}

/// Starts the service's daily run on a thread of its own: now, then every 24 hours.
/// A failed run is logged and tried again at the next turn.
pub fn start(db: Db, policy: Policy, clock: Clock) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("retention".into())
        .spawn(move || loop {
            match run_once(&db, &policy, clock.now()) {
                Ok(Some(outcome)) => tracing::info!(
                    incidents = outcome.incidents(),
                    history_entries = outcome.history_entries,
                    candidates = outcome.candidates,
                    "retention: personal data past the term removed"
                ),
                Ok(None) => tracing::debug!("retention: another replica runs it"),
                Err(e) => tracing::error!("retention run failed: {e}"),
            }
            std::thread::sleep(EVERY);
        })
        .map(drop)
}
