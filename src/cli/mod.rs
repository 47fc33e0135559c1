//! The command line of contract.md: `dira serve`, `dira token create`, `dira demo`.
//!
//! This file holds the top level (the global `--database`, the list of commands) and
//! the dispatch; each command group has a file of its own. Environment variables:
//! [`crate::config`] (`DIRA_DATABASE_URL`, `DIRA_LOG`, …).

mod audit;
mod candidates;
mod exchange;
mod maintenance;
mod operator;
mod rdo;
mod report;
mod retention;
mod serve;
mod sources;
mod token;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::db::{self, Db};

#[derive(Debug, Parser)]
#[command(name = "dira", version, about = "DIscriminatie Registratie en Analyse")]
struct Cli {
    /// sqlite://PATH (embedded, default sqlite://dira.db) or postgres://…
    #[arg(long, env = crate::config::DATABASE_URL, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API until SIGTERM/SIGINT.
    Serve(serve::ServeArgs),
    /// Manage bearer tokens.
    Token {
        #[command(subcommand)]
        command: token::TokenCommand,
    },
    /// Manage local accounts (user name and password) for the web pages.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Import an exchange CSV: all or nothing unless --skip-invalid.
    Import(exchange::ImportArgs),
    /// Export incidents as an exchange CSV.
    Export(exchange::ExportArgs),
    /// Candidates from general police incidents.
    Candidates {
        #[command(subcommand)]
        command: candidates::CandidatesCommand,
    },
    /// Reports.
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// The RDO case overview.
    Rdo {
        #[command(subcommand)]
        command: rdo::RdoCommand,
    },
    /// Read the audit log, newest first: tab-separated, times in RFC 3339, backslash,
    /// tab, line breaks and other control characters escaped (`\\`, `\t`, `\n`, `\u{1b}`).
    Audit(audit::AuditArgs),
    /// Write a consistent copy of the SQLite database to a new file, also while
    /// `dira serve` runs (PostgreSQL: pg_dump, see docs/operations.md).
    Backup(maintenance::BackupArgs),
    /// Check a database (after a restore): integrity (SQLite), schema, reference data,
    /// counts. Nothing is changed; exit 1 when a check fails.
    Check,
    /// The anti-discrimination bureaus' figures (docs/monitor.md).
    Adv {
        #[command(subcommand)]
        command: sources::AdvCommand,
    },
    /// The mappings between code lists: ADV to police, police to ODIHR (docs/monitor.md).
    Mapping {
        #[command(subcommand)]
        command: sources::MappingCommand,
    },
    /// Remove personal and free-text data past the retention term (docs/retention.md).
    Retention {
        #[command(subcommand)]
        command: retention::RetentionCommand,
    },
    /// Write synthetic incidents as an exchange CSV (test and benchmark data).
    Synthetic(exchange::SyntheticArgs),
    /// Fill a database (default sqlite://dira-demo.db) with synthetic incidents, print
    /// a local account and a token per role, and serve.
    Demo(serve::DemoArgs),
}

/// Bad arguments the parser could not see (an unknown unit as scope, say): exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

/// A refusal of the domain as a usage error (exit code 2), naming the options:
/// `--unit: unknown unit "XX"; allowed: AMS, …`.
fn usage_error(e: crate::error::AppError) -> anyhow::Error {
    use crate::error::AppError;
    match e {
        AppError::Validation(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| match &e.allowed {
                    Some(allowed) => {
                        format!(
                            "--{}: {}; allowed: {}",
                            e.field,
                            e.message,
                            allowed.join(", ")
                        )
                    }
                    None => format!("--{}: {}", e.field, e.message),
                })
                .collect();
            UsageError(lines.join("\n")).into()
        }
        other => anyhow::Error::new(other),
    }
}

/// The database a command works on: `--database` or `DIRA_DATABASE_URL`, else the
/// command's default.
struct Database(Option<String>);

impl Database {
    /// Opens the given URL, else `default`.
    fn open_or(&self, default: &str) -> anyhow::Result<Db> {
        Db::open(self.0.as_deref().unwrap_or(default))
    }

    /// Opens the given URL, else [`db::DEFAULT_URL`].
    fn open(&self) -> anyhow::Result<Db> {
        self.open_or(db::DEFAULT_URL)
    }

    /// The given URL, else [`db::DEFAULT_URL`], unopened.
    fn url(&self) -> &str {
        self.0.as_deref().unwrap_or(db::DEFAULT_URL)
    }
}

/// Parses the command line and runs the command: exit 0 when it succeeded, 2 for a
/// [`UsageError`], else what the command returns (1 for any other error).
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match execute(cli) {
        Ok(code) => code,
        Err(e) if e.is::<UsageError>() => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(crate::config::log_filter())
        .with_writer(std::io::stderr)
        .init();
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    let database = Database(cli.database);
    match cli.command {
        Command::Serve(args) => args.run(&database),
        Command::Token { command } => command.run(&database),
        Command::User { command } => command.run(&database),
        Command::Import(args) => args.run(&database),
        Command::Export(args) => args.run(&database),
        Command::Candidates { command } => command.run(&database),
        Command::Report { command } => command.run(&database),
        Command::Rdo { command } => command.run(&database),
        Command::Audit(args) => args.run(&database),
        Command::Backup(args) => args.run(&database),
        Command::Check => maintenance::check(&database),
        Command::Retention { command } => command.run(&database),
        Command::Adv { command } => command.run(&database),
        Command::Mapping { command } => command.run(&database),
        Command::Synthetic(args) => args.run(&database),
        Command::Demo(args) => args.run(&database),
    }
}
