//! The command line of contract.md: `dira serve`, `dira token create`, `dira demo`.
//!
//! Reads `DIRA_DATABASE_URL` (or `--database`) and `DIRA_LOG` (tracing filter,
//! default `info`).

mod exchange;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::auth::{create_token, Role};
use crate::codes::Catalog;
use crate::db::{self, Db};
use crate::server::Application;

#[derive(Debug, Parser)]
#[command(name = "dira", version, about = "DIscriminatie Registratie en Analyse")]
struct Cli {
    /// sqlite://PATH (embedded, default sqlite://dira.db) or postgres://…
    #[arg(long, env = "DIRA_DATABASE_URL", global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API until SIGTERM/SIGINT.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Worker threads (default: one per core).
        #[arg(long)]
        workers: Option<usize>,
    },
    /// Manage bearer tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import an exchange CSV: all or nothing unless --skip-invalid.
    Import {
        file: PathBuf,
        /// Store the valid rows and report the invalid ones.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Export incidents as an exchange CSV.
    Export {
        /// Registration year (Europe/Amsterdam).
        #[arg(long, value_parser = clap::value_parser!(i32).range(1900..=9999))]
        year: Option<i32>,
        /// Unit code.
        #[arg(long)]
        unit: Option<String>,
        /// Output file (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Candidates from general police incidents.
    Candidates {
        #[command(subcommand)]
        command: CandidatesCommand,
    },
    /// Reports.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// The RDO case overview.
    Rdo {
        #[command(subcommand)]
        command: RdoCommand,
    },
    /// Read the audit log, newest first: tab-separated, times in RFC 3339, backslash,
    /// tab, line breaks and other control characters escaped (`\\`, `\t`, `\n`, `\u{1b}`).
    Audit {
        #[arg(long)]
        user: Option<String>,
        /// Incident id (or other object).
        #[arg(long)]
        incident: Option<String>,
        /// First day (Europe/Amsterdam), YYYY-MM-DD.
        #[arg(long, value_parser = crate::dates::parse_date)]
        from: Option<chrono::NaiveDate>,
        /// Last day (Europe/Amsterdam), inclusive.
        #[arg(long, value_parser = crate::dates::parse_date)]
        to: Option<chrono::NaiveDate>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Write synthetic incidents as an exchange CSV (test and benchmark data).
    Synthetic {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// First year of the registrations; they run until now.
        #[arg(long, default_value_t = 2020, value_parser = clap::value_parser!(i32).range(2000..=2100))]
        first_year: i32,
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write general police incidents (the candidate scan's input) instead.
        #[arg(long)]
        general: bool,
    },
    /// Fill a database (default sqlite://dira-demo.db) with synthetic incidents, print
    /// a token per role, and serve.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Number of synthetic incidents when the database is empty.
        #[arg(long, default_value_t = 6000)]
        incidents: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// The annual Poldis report of all units.
    Poldis {
        /// Reporting year, 2000 to 2100.
        #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: i32,
        #[arg(long, value_enum, default_value = "csv")]
        format: ReportFormat,
        /// Suppress counts 1 to 4 in the small tables.
        #[arg(long)]
        publication: bool,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum RdoCommand {
    /// Every CONFIRMED registration of a unit in a period (by reporting date), with
    /// counts; never the narrative. Written to stdout.
    Overview {
        #[arg(long)]
        unit: String,
        /// First reporting date, YYYY-MM-DD.
        #[arg(long, value_parser = crate::dates::parse_date)]
        from: chrono::NaiveDate,
        /// Last reporting date, inclusive.
        #[arg(long, value_parser = crate::dates::parse_date)]
        to: chrono::NaiveDate,
        #[arg(long, value_enum, default_value = "csv")]
        format: OverviewFormat,
        /// Semicolons and a UTF-8 byte order mark, for Dutch Excel.
        #[arg(long)]
        excel: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Csv,
    Json,
    Html,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum OverviewFormat {
    Csv,
    Json,
    /// The Excel workbook for the RDO (cases, counts, forwarding shares).
    Xlsx,
}

#[derive(Debug, Subcommand)]
enum CandidatesCommand {
    /// Scan a general incidents CSV; store matches in their unit's screening queue and
    /// print `source_reference,unit,matched` for each.
    Scan {
        file: PathBuf,
        /// Terms, one per line (default: fixtures/candidate-terms.txt).
        #[arg(long)]
        terms: Option<PathBuf>,
        /// General incident codes, one per line (default: fixtures/candidate-codes.txt).
        #[arg(long)]
        codes: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
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

/// Bad arguments the parser could not see (an unknown unit as scope, say).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

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
    let filter = tracing_subscriber::EnvFilter::try_from_env("DIRA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    let url = |default: &str| cli.database.clone().unwrap_or_else(|| default.to_owned());
    let open = || Db::open(&url(db::DEFAULT_URL));
    let ok = |r: anyhow::Result<()>| r.map(|()| ExitCode::SUCCESS);
    match cli.command {
        Command::Serve { bind, workers } => ok(serve(&open()?, &bind, workers)),
        Command::Token {
            command:
                TokenCommand::Create {
                    user,
                    role,
                    scope,
                    days,
                },
        } => {
            let db = open()?;
            let mut conn = db.conn()?;
            let catalog = Catalog::load(&mut conn)?;
            let token = create_token(&mut conn, &catalog, &user, role, &scope, days)
                .map_err(|e| anyhow::Error::new(UsageError(e.to_string())))?;
            println!("{}", token.token);
            Ok(ExitCode::SUCCESS)
        }
        Command::Token {
            command: TokenCommand::List,
        } => {
            let db = open()?;
            println!("id\tuser\trole\tscope\tcreated_at\texpires_at\trevoked_at");
            for t in crate::auth::list_tokens(&mut *db.conn()?)? {
                let show =
                    |t: Option<chrono::NaiveDateTime>| t.map_or("-".to_owned(), |t| t.to_string());
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
        Command::Token {
            command: TokenCommand::Revoke { id },
        } => {
            let db = open()?;
            if crate::auth::revoke_token(&mut *db.conn()?, &id)? {
                eprintln!("token {id} revoked");
                Ok(ExitCode::SUCCESS)
            } else {
                Err(UsageError(format!("no token with id {id:?}; see `dira token list`")).into())
            }
        }
        Command::Audit {
            user,
            incident,
            from,
            to,
            limit,
        } => {
            if let (Some(from), Some(to)) = (from, to) {
                if to < from {
                    return Err(UsageError(format!("--to {to} is before --from {from}")).into());
                }
            }
            let db = open()?;
            let mut conn = db.conn()?;
            let filter = crate::audit::Filter {
                user: user.clone(),
                object: incident.clone(),
                from: from.map(crate::dates::amsterdam_midnight),
                until: to
                    .and_then(|d| d.succ_opt())
                    .map(crate::dates::amsterdam_midnight),
                before_id: None,
                limit,
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
            exchange::audit(
                &mut conn,
                "audit.read",
                format!(
                    "user={} incident={}",
                    user.unwrap_or_default(),
                    incident.unwrap_or_default()
                ),
                "ok",
                String::new(),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            command:
                ReportCommand::Poldis {
                    year,
                    format,
                    publication,
                    out,
                },
        } => {
            let db = open()?;
            let mut conn = db.conn()?;
            let catalog = Catalog::load(&mut conn)?;
            let report = crate::poldis::produce(&db, &catalog, year, None, publication)?;
            let sink: Box<dyn std::io::Write> = match &out {
                Some(path) => Box::new(std::fs::File::create(path)?),
                None => Box::new(std::io::stdout().lock()),
            };
            match format {
                ReportFormat::Csv => report.write_csv(sink)?,
                ReportFormat::Json => serde_json::to_writer_pretty(sink, &report)?,
                ReportFormat::Html => {
                    let mut sink = sink;
                    sink.write_all(crate::poldis::render_html(&report).as_bytes())?;
                }
            }
            exchange::audit(
                &mut conn,
                "report.poldis",
                format!("year={year} publication={publication}"),
                "ok",
                format!("fingerprint={}", report.fingerprint),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rdo {
            command:
                RdoCommand::Overview {
                    unit,
                    from,
                    to,
                    format,
                    excel,
                },
        } => {
            let db = open()?;
            let mut conn = db.conn()?;
            let catalog = Catalog::load(&mut conn)?;
            let operator = crate::auth::Principal::operator(exchange::operator());
            let request = crate::rdo::OverviewRequest {
                unit: Some(unit.clone()),
                from,
                to,
            };
            let today = crate::clock::Clock::system().today();
            let overview = crate::rdo::overview(&mut conn, &catalog, &operator, request, today)
                .map_err(usage_error)?;
            let stdout = std::io::stdout().lock();
            match format {
                OverviewFormat::Csv => crate::rdo::write_csv(&overview, stdout, excel)?,
                OverviewFormat::Json => serde_json::to_writer_pretty(stdout, &overview)?,
                OverviewFormat::Xlsx => {
                    let mut stdout = stdout;
                    std::io::Write::write_all(&mut stdout, &crate::rdo::write_xlsx(&overview)?)?;
                }
            }
            exchange::audit(
                &mut conn,
                "rdo.overview",
                format!("unit={unit} from={from} to={to}"),
                "ok",
                format!("rows={}", overview.rows.len()),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Candidates {
            command: CandidatesCommand::Scan { file, terms, codes },
        } => exchange::scan(&open()?, &file, terms.as_deref(), codes.as_deref()),
        Command::Import { file, skip_invalid } => exchange::import(open, &file, skip_invalid),
        Command::Export { year, unit, out } => ok(exchange::export(
            &open()?,
            crate::exchange::ExportFilter { year, unit },
            out.as_deref(),
        )),
        Command::Synthetic {
            count,
            first_year,
            seed,
            out,
            general,
        } => ok(exchange::synthetic(
            &open()?,
            count,
            first_year,
            seed,
            out.as_deref(),
            general,
        )),
        Command::Demo {
            bind,
            incidents,
            seed,
        } => {
            let db = Db::open(&url(crate::demo::DEFAULT_URL))?;
            crate::demo::prepare(&db, incidents, seed)?;
            ok(serve(&db, &bind, None))
        }
    }
}

fn serve(db: &Db, bind: &str, workers: Option<usize>) -> anyhow::Result<()> {
    let listener = TcpListener::bind(bind).with_context(|| format!("cannot listen on {bind}"))?;
    // The bound address, not the asked one: with port 0 the system picks a free port.
    let address = listener.local_addr()?;
    let app = Application::build(db.clone(), listener, workers, crate::clock::Clock::system())?;
    tracing::info!(%address, "dira serves; API documentation at /docs");
    actix_web::rt::System::new().block_on(app.run_until_stopped())?;
    tracing::info!("stopped cleanly");
    Ok(())
}

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
