//! `dira user create`, `passwd` and `disable`: local accounts on the server itself.
//! The password is asked for without echo on a terminal, or read as the first line of
//! stdin (for scripts: `printf '%s\n' "$PW" | dira user create …`). Each command is
//! in the audit log (`user.create`, `user.passwd`, `user.disable`, `user.enable`).

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use super::operator::audit;
use super::{Database, UsageError};
use crate::auth::accounts;
use crate::auth::Refusal;
use crate::auth::Role;
use crate::codes::Catalog;

/// The subcommands of `dira user`.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a local account; asks for its password (or reads it from stdin).
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, value_enum)]
        role: Role,
        /// A unit code, or '*' for national and admin.
        #[arg(long)]
        scope: String,
    },
    /// Give a local account a new password (asked for, or read from stdin).
    Passwd {
        #[arg(long)]
        user: String,
    },
    /// Disable an account (local or identity provider): no more sign-ins, its sessions
    /// end, its tokens are refused.
    Disable {
        #[arg(long)]
        user: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        user: String,
    },
}

impl UserCommand {
    /// Runs the subcommand; a refused account or password is a [`UsageError`].
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        match self {
            Self::Create { user, role, scope } => create(database, &user, role, &scope),
            Self::Passwd { user } => passwd(database, &user),
            Self::Disable { user } => disable(database, &user),
            Self::Enable { user } => enable(database, &user),
        }
    }
}

/// The new password: asked twice without echo on a terminal, else the first line of
/// stdin; refused when too short or too long ([`accounts::check_password`]).
fn read_password() -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Wachtwoord: ")?;
        let again = rpassword::prompt_password("Nogmaals: ")?;
        if first != again {
            return Err(UsageError("the two passwords differ".into()).into());
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    accounts::check_password(&password).map_err(|m| UsageError(format!("password: {m}")))?;
    Ok(password)
}

fn refused(e: Refusal) -> anyhow::Error {
    match e {
        Refusal::Invalid { .. } => UsageError(format!("--{e}")).into(),
        Refusal::Database(e) => e.into(),
    }
}

fn create(database: &Database, user: &str, role: Role, scope: &str) -> anyhow::Result<ExitCode> {
    let user = user.trim();
    crate::auth::check_user_name(user).map_err(|m| UsageError(format!("--user: {m}")))?;
    let db = database.open()?;
    let mut conn = db.conn()?;
    let catalog = Catalog::load(&mut conn)?;
    let hash = accounts::hash_password(&read_password()?)?;
    let now = crate::clock::Clock::system().now();
    accounts::create(&mut conn, &catalog, user, role, scope, &hash, now).map_err(refused)?;
    audit(
        &mut conn,
        "user.create",
        format!("user:{user}"),
        "ok",
        format!("role={role} scope={}", scope.trim()),
    )?;
    eprintln!("local account {user} created ({role}, {})", scope.trim());
    Ok(ExitCode::SUCCESS)
}

fn passwd(database: &Database, user: &str) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    let mut conn = db.conn()?;
    let hash = accounts::hash_password(&read_password()?)?;
    let now = crate::clock::Clock::system().now();
    let Some(ended) = accounts::set_password(&mut conn, user, &hash, now)? else {
        return Err(UsageError(format!(
            "no local account {user:?} (a user who signs in through the identity provider has no password)"
        ))
        .into());
    };
    let detail = format!("sessions_ended={ended}");
    audit(
        &mut conn,
        "user.passwd",
        format!("user:{user}"),
        "ok",
        detail,
    )?;
    eprintln!("password of {user} changed; {ended} open session(s) ended");
    Ok(ExitCode::SUCCESS)
}

fn disable(database: &Database, user: &str) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    let mut conn = db.conn()?;
    let now = crate::clock::Clock::system().now();
    let Some(ended) = accounts::disable(&mut conn, user, now)? else {
        return Err(UsageError(format!("no user {user:?}")).into());
    };
    let detail = format!("sessions_ended={ended}");
    audit(
        &mut conn,
        "user.disable",
        format!("user:{user}"),
        "ok",
        detail,
    )?;
    eprintln!("{user} disabled: {ended} open session(s) ended, tokens refused");
    Ok(ExitCode::SUCCESS)
}

fn enable(database: &Database, user: &str) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    let mut conn = db.conn()?;
    if !accounts::enable(&mut conn, user)? {
        return Err(UsageError(format!("no user {user:?}")).into());
    }
    audit(
        &mut conn,
        "user.enable",
        format!("user:{user}"),
        "ok",
        String::new(),
    )?;
    eprintln!("{user} enabled");
    Ok(ExitCode::SUCCESS)
}
