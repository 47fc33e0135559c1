//! `dira audit`: the audit log on the command line, one entry per line.

use std::process::ExitCode;

use chrono::NaiveDate;

use super::{operator, Database, UsageError};

/// The arguments of `dira audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[arg(long)]
    user: Option<String>,
    /// Incident id (or other object).
    #[arg(long)]
    incident: Option<String>,
    /// First day (Europe/Amsterdam), YYYY-MM-DD.
    #[arg(long, value_parser = crate::dates::parse_date)]
    from: Option<NaiveDate>,
    /// Last day (Europe/Amsterdam), inclusive.
    #[arg(long, value_parser = crate::dates::parse_date)]
    to: Option<NaiveDate>,
    #[arg(long, default_value_t = 100)]
    limit: i64,
}

impl AuditArgs {
    /// Prints the matching entries, newest first, and audits the reading itself;
    /// `--to` before `--from` is a [`UsageError`].
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                return Err(UsageError(format!("--to {to} is before --from {from}")).into());
            }
        }
        let db = database.open()?;
        let mut conn = db.conn()?;
        let filter = crate::audit::Filter {
            user: self.user.clone(),
            object: self.incident.clone(),
            from: self.from.map(crate::dates::amsterdam_midnight),
            until: self
                .to
                .and_then(|d| d.succ_opt())
                .map(crate::dates::amsterdam_midnight),
            before_id: None,
            limit: self.limit,
        };
        println!("id\tat\tuser\trole\taction\tobject\toutcome\tdetail");
        // Every field escaped: a user name or path with a tab or line break in it
        // stays one field of one line, never a forged entry.
        let esc = crate::text::escape_controls;
        for e in crate::audit::search(&mut conn, &filter)? {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                e.id,
                crate::dates::to_rfc3339(e.at),
                esc(&e.user),
                esc(&e.role),
                esc(&e.action),
                esc(&e.object),
                esc(&e.outcome),
                esc(&e.detail)
            );
        }
        // Reading the audit log is itself an access to police data.
        operator::audit(
            &mut conn,
            "audit.read",
            format!(
                "user={} incident={}",
                self.user.unwrap_or_default(),
                self.incident.unwrap_or_default()
            ),
            "ok",
            String::new(),
        )?;
        Ok(ExitCode::SUCCESS)
    }
}
