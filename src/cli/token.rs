//! `dira token create`, `list` and `revoke`: bearer tokens on the server itself.

use std::process::ExitCode;

use super::{Database, UsageError};
use crate::auth::{create_token, Role};
use crate::codes::Catalog;

/// The subcommands of `dira token`.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create the user if new and a token; prints the token alone on stdout.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, value_enum)]
        role: Role,
        /// A unit code, or '*' for national.
        #[arg(long)]
        scope: String,
        /// How long until the token expires: days (`90d`) or weeks (`12w`), 1 to 366 days.
        #[arg(long = "expires", default_value = "90d", value_parser = parse_lifetime)]
        days: i64,
    },
    /// List every token (never the token itself).
    List,
    /// Revoke a token by its id: refused from the next request on.
    Revoke { id: String },
}

impl TokenCommand {
    /// Runs the subcommand; a refused token or an unknown id is a [`UsageError`].
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        match self {
            Self::Create {
                user,
                role,
                scope,
                days,
            } => create(database, &user, role, &scope, days),
            Self::List => list(database),
            Self::Revoke { id } => revoke(database, &id),
        }
    }
}

fn create(
    database: &Database,
    user: &str,
    role: Role,
    scope: &str,
    days: i64,
) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    let mut conn = db.conn()?;
    let catalog = Catalog::load(&mut conn)?;
    let now = crate::clock::Clock::system().now();
    let token = create_token(&mut conn, &catalog, user, role, scope, days, now)
        .map_err(|e| anyhow::Error::new(UsageError(e.to_string())))?;
    println!("{}", token.token);
    Ok(ExitCode::SUCCESS)
}

/// A token's lifetime as `--expires` takes it: `Nd` (days) or `Nw` (weeks), in days.
fn parse_lifetime(value: &str) -> Result<i64, String> {
    let value = value.trim();
    let (number, unit) = value.split_at(value.len().saturating_sub(1));
    let days = match (number.parse::<i64>(), unit) {
        (Ok(n), "d") => Some(n),
        (Ok(n), "w") => n.checked_mul(7),
        _ => None,
    };
    match days {
        Some(d) if (1..=crate::auth::MAX_VALIDITY_DAYS).contains(&d) => Ok(d),
        _ => Err(format!(
            "{value:?}: give days (90d) or weeks (12w), 1 to {} days",
            crate::auth::MAX_VALIDITY_DAYS
        )),
    }
}

fn list(database: &Database) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    println!("id\tuser\trole\tscope\tcreated_at\texpires_at\trevoked_at\tlast_used_at");
    for t in crate::auth::list_tokens(&mut *db.conn()?)? {
        let show = |t: Option<chrono::NaiveDateTime>| t.map_or("-".to_owned(), |t| t.to_string());
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            t.id,
            crate::text::escape_controls(&t.user),
            t.role,
            t.scope,
            t.created_at,
            show(t.expires_at),
            show(t.revoked_at),
            show(t.last_used_at)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn revoke(database: &Database, id: &str) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    let now = crate::clock::Clock::system().now();
    if crate::auth::revoke_token(&mut *db.conn()?, id, now)? {
        eprintln!("token {id} revoked");
        Ok(ExitCode::SUCCESS)
    } else {
        Err(UsageError(format!("no token with id {id:?}; see `dira token list`")).into())
    }
}
