//! `dira backup` and `dira check`: what an operator needs to keep a database and prove
//! a restored one works (`docs/operations.md`).

use std::path::PathBuf;
use std::process::ExitCode;

use super::operator::audit;
use super::{Database, UsageError};

/// The arguments of `dira backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The file to write (must not exist).
    #[arg(long)]
    out: PathBuf,
}

impl BackupArgs {
    /// Writes a consistent copy of the SQLite database, also while `dira serve` runs;
    /// audited as `backup`.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        let db = database.open()?;
        let Some(path) = db.sqlite_path().map(str::to_owned) else {
            return Err(UsageError(
                "dira backup is for SQLite; back up PostgreSQL with pg_dump (docs/operations.md)"
                    .into(),
            )
            .into());
        };
        let done = crate::db::backup::sqlite(&path, &self.out)
            .map_err(|e| UsageError(format!("--out: {e:#}")))?;
        let out = self.out.display().to_string();
        audit(
            &mut *db.conn()?,
            "backup",
            out.clone(),
            "ok",
            format!("bytes={}", done.bytes),
        )?;
        eprintln!("backup written to {out} ({} bytes)", done.bytes);
        Ok(ExitCode::SUCCESS)
    }
}

/// `dira check`: prints one line per finding; exit 0 when all hold, 1 when one does not.
pub fn check(database: &Database) -> anyhow::Result<ExitCode> {
    let url = database.url();
    let findings = crate::db::check::run(url)?;
    for f in &findings {
        println!(
            "{}\t{}\t{}",
            if f.ok { "ok" } else { "FAILED" },
            f.what,
            crate::text::escape_controls(&f.detail)
        );
    }
    Ok(if findings.iter().all(|f| f.ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
