//! `dira retention run [--dry-run]`: removes the personal and free-text data the
//! retention policy says is due (`docs/retention.md`), and says how much: counts per
//! unit and year, never the data.

use std::io::Write;
use std::process::ExitCode;

use super::operator::operator;
use super::Database;
use crate::codes::Catalog;
use crate::retention::{self, Policy};

/// The subcommands of `dira retention`.
#[derive(Debug, clap::Subcommand)]
pub enum RetentionCommand {
    /// Remove what is due now: prints `unit<TAB>year<TAB>incidents` per unit and
    /// registration year, and the totals on stderr; audited as one entry.
    Run {
        /// Count what would be removed, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

impl RetentionCommand {
    /// Runs the subcommand.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        let Self::Run { dry_run } = self;
        let db = database.open()?;
        let mut conn = db.conn()?;
        let policy = Policy::from_env(&Catalog::load(&mut conn)?)?;
        let now = crate::clock::Clock::system().now();
        let outcome = match dry_run {
            true => retention::run(&mut conn, &policy, now, true)?,
            false => {
                drop(conn);
                let by = crate::auth::Principal::operator(operator());
                match retention::run_audited(&db, &policy, now, &by)? {
                    Some(outcome) => outcome,
                    None => {
                        eprintln!("another retention run is under way; nothing was done");
                        return Ok(ExitCode::SUCCESS);
                    }
                }
            }
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "unit\tyear\tincidents")?;
        for r in &outcome.removed {
            writeln!(out, "{}\t{}\t{}", r.unit, r.year, r.incidents)?;
        }
        eprintln!(
            "{} {} incidents registered before {} ({} history entries, {} candidates, \
             {} idempotency records); policy: {}",
            if dry_run {
                "would remove the data of"
            } else {
                "removed the data of"
            },
            outcome.incidents(),
            crate::dates::to_rfc3339(outcome.removed_before),
            outcome.history_entries,
            outcome.candidates,
            outcome.idempotency_records,
            policy.describe()
        );
        eprintln!(
            "{} {} audit log entries made before {} (the log's own term)",
            if dry_run { "would delete" } else { "deleted" },
            outcome.audit_entries,
            crate::dates::to_rfc3339(outcome.audit_kept_since),
        );
        Ok(ExitCode::SUCCESS)
    }
}
