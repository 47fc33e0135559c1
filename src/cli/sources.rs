//! `dira adv import FILE` and `dira mapping show|load`: the anti-discrimination
//! bureaus' figures and the mappings between code lists (`docs/monitor.md`).

use std::path::PathBuf;
use std::process::ExitCode;

use super::operator::{audit, operator};
use super::Database;
use crate::codes::Catalog;
use crate::error::FieldError;
use crate::mapping::Scheme;

/// The subcommands of `dira adv`.
#[derive(Debug, clap::Subcommand)]
pub enum AdvCommand {
    /// Import the ADV figures file (`year,municipality,category,code,reports`): all or
    /// nothing; every bad line as `line N: FIELD: message`. The figures of each
    /// municipality and year in the file replace those stored.
    Import { file: PathBuf },
}

/// The subcommands of `dira mapping`.
#[derive(Debug, clap::Subcommand)]
pub enum MappingCommand {
    /// Print a scheme's mapping in force as a mapping file.
    Show {
        /// `adv` (ADV categories to police codes) or `odihr` (police codes to ODIHR's).
        scheme: String,
    },
    /// Replace the mapping of every scheme in FILE (a mapping file): checked whole,
    /// stored whole, or nothing is stored and every problem is listed.
    Load { file: PathBuf },
}

/// Each problem as `line N: FIELD: message`, with the allowed values where there is
/// a list short enough to read (20 at most).
fn print_errors(errors: &[FieldError]) {
    for e in errors {
        match e.allowed.as_deref() {
            Some(allowed) if !allowed.is_empty() && allowed.len() <= 20 => {
                eprintln!("{e}; allowed: {}", allowed.join(", "))
            }
            _ => eprintln!("{e}"),
        }
    }
}

fn read(file: &PathBuf) -> anyhow::Result<std::fs::File> {
    std::fs::File::open(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))
}

impl AdvCommand {
    /// Runs the subcommand.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        let Self::Import { file } = self;
        let db = database.open()?;
        let mut conn = db.conn()?;
        let catalog = Catalog::load(&mut conn)?;
        let this_year = chrono::Datelike::year(&crate::clock::Clock::system().today());
        let figures = match crate::adv::parse(read(&file)?, &catalog, this_year) {
            Ok(figures) => figures,
            Err(errors) => {
                print_errors(&errors);
                eprintln!("{} problem(s); nothing was stored", errors.len());
                let detail = format!("refused problems={}", errors.len());
                audit(
                    &mut conn,
                    "adv.import",
                    file.display().to_string(),
                    "refused",
                    detail,
                )?;
                return Ok(ExitCode::FAILURE);
            }
        };
        let now = crate::clock::Clock::system().now();
        let user = format!("cli:{}", operator());
        let imported = db.write(move |conn| {
            Ok::<_, crate::error::AppError>(crate::adv::store(conn, &figures, &user, now)?)
        })?;
        let detail = format!(
            "lines={} municipalities_replaced={}",
            imported.lines, imported.municipalities_replaced
        );
        audit(
            &mut conn,
            "adv.import",
            file.display().to_string(),
            "ok",
            detail,
        )?;
        eprintln!(
            "{} lines stored; the figures of {} municipality-years replaced",
            imported.lines, imported.municipalities_replaced
        );
        Ok(ExitCode::SUCCESS)
    }
}

impl MappingCommand {
    /// Runs the subcommand.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        let db = database.open()?;
        let mut conn = db.conn()?;
        match self {
            Self::Show { scheme } => {
                let scheme = Scheme::parse(&scheme).ok_or_else(|| {
                    super::UsageError(format!(
                        "unknown scheme {scheme:?}; allowed: {}",
                        Scheme::names().join(", ")
                    ))
                })?;
                let mapping = crate::mapping::load(&mut conn, scheme)?;
                crate::mapping::write_csv(&mapping, std::io::stdout().lock())?;
                Ok(ExitCode::SUCCESS)
            }
            Self::Load { file } => {
                let catalog = Catalog::load(&mut conn)?;
                let replacements = match crate::mapping::parse(read(&file)?, &catalog) {
                    Ok(r) => r,
                    Err(errors) => {
                        print_errors(&errors);
                        eprintln!("{} problem(s); nothing was stored", errors.len());
                        let detail = format!("refused problems={}", errors.len());
                        let object = file.display().to_string();
                        audit(&mut conn, "mapping.replace", object, "refused", detail)?;
                        return Ok(ExitCode::FAILURE);
                    }
                };
                let now = crate::clock::Clock::system().now();
                let user = format!("cli:{}", operator());
                let stored = replacements.clone();
                db.write(move |conn| {
                    Ok::<_, crate::error::AppError>(crate::mapping::replace(
                        conn, &stored, &user, now,
                    )?)
                })?;
                for r in &replacements {
                    let detail = format!("scheme={} version={}", r.scheme.as_str(), r.version);
                    audit(
                        &mut conn,
                        "mapping.replace",
                        file.display().to_string(),
                        "ok",
                        detail,
                    )?;
                    eprintln!(
                        "{}: version {} in force ({} lines)",
                        r.scheme.as_str(),
                        r.version,
                        r.lines.len()
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}
