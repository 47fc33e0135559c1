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
        /// Days until the token expires.
        #[arg(long, default_value_t = crate::auth::DEFAULT_TOKEN_DAYS)]
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

fn list(database: &Database) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    println!("id\tuser\trole\tscope\tcreated_at\texpires_at\trevoked_at");
    for t in crate::auth::list_tokens(&mut *db.conn()?)? {
        let show = |t: Option<chrono::NaiveDateTime>| t.map_or("-".to_owned(), |t| t.to_string());
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            t.id,
            crate::text::escape_controls(&t.user),
            t.role,
            t.scope,
            t.created_at,
            show(t.expires_at),
            show(t.revoked_at)
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
