//! `dira import`, `dira export` and `dira synthetic`: the exchange CSV on the command
//! line, with a progress bar when stderr is a terminal.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::operator::{audit, operator};
use super::{usage_error, Database};
use crate::codes::Catalog;
use crate::db::{Db, RetryableError};
use crate::exchange::{self, ExportFilter, ImportFailure, ImportOptions};
use crate::synthetic::Generator;

/// The arguments of `dira import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    file: PathBuf,
    /// Store the valid rows and report the invalid ones.
    #[arg(long)]
    skip_invalid: bool,
}

impl ImportArgs {
    /// Imports the file: exit 1 when rows were invalid, 2 when it cannot be read.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        import(|| database.open(), &self.file, self.skip_invalid)
    }
}

/// The import on PostgreSQL, run again (up to three times in all) when it lost a race
/// with another import or a deadlock, so that it reports the numbers it found in use
/// by line; only from a regular file (a pipe cannot be read a second time).
fn import_postgres(
    db: &Db,
    catalog: &Catalog,
    file: &Path,
    input: std::io::BufReader<File>,
    options: &ImportOptions,
    show: &dyn Fn(u64),
) -> anyhow::Result<Result<exchange::ImportReport, ImportFailure>> {
    let rereadable = std::fs::metadata(file).is_ok_and(|m| m.is_file());
    let mut input = Some(input);
    let mut attempt = 1;
    loop {
        let source = match input.take() {
            Some(input) => input,
            None => match File::open(file) {
                Ok(f) => std::io::BufReader::with_capacity(1 << 20, f),
                Err(e) => return Ok(Err(ImportFailure::Unreadable(format!("cannot read: {e}")))),
            },
        };
        match exchange::import(&mut *db.conn()?, catalog, source, options, show) {
            // Nothing of this attempt is stored; the next finds the numbers in use.
            Err(ImportFailure::Database(e)) if e.is_retryable() && attempt < 3 && rereadable => {
                tracing::warn!("{e}: importing again");
                attempt += 1;
            }
            result => return Ok(result),
        }
    }
}

/// The arguments of `dira export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Registration year (Europe/Amsterdam).
    #[arg(long, value_parser = clap::value_parser!(i32).range(1900..=9999))]
    year: Option<i32>,
    /// Unit code.
    #[arg(long)]
    unit: Option<String>,
    /// Output file (default: stdout).
    #[arg(long)]
    out: Option<PathBuf>,
}

impl ExportArgs {
    /// Exports the incidents of the year and unit asked, all when not asked. An
    /// unknown unit is a usage error (exit 2) naming the unit codes, not an empty file.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        let db = database.open()?;
        if let Some(unit) = &self.unit {
            Catalog::load(&mut *db.conn()?)?
                .check_unit(unit)
                .map_err(|e| usage_error(crate::error::AppError::Validation(vec![e])))?;
        }
        let filter = ExportFilter {
            year: self.year,
            unit: self.unit,
        };
        export(&db, filter, self.out.as_deref())?;
        Ok(ExitCode::SUCCESS)
    }
}

/// The arguments of `dira synthetic`.
#[derive(Debug, clap::Args)]
pub struct SyntheticArgs {
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
}

impl SyntheticArgs {
    /// Writes the synthetic incidents to `--out`, else stdout.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        synthetic(
            &database.open()?,
            self.count,
            self.first_year,
            self.seed,
            self.out.as_deref(),
            self.general,
        )?;
        Ok(ExitCode::SUCCESS)
    }
}

fn bar(len: Option<u64>, what: &str) -> ProgressBar {
    // indicatif draws nothing when stderr is not a terminal.
    let bar = ProgressBar::with_draw_target(len, indicatif::ProgressDrawTarget::stderr());
    let template = match len {
        Some(_) => "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})",
        None => "{msg} {pos} incidents ({per_sec})",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

/// `open` connects to the database; on SQLite it is called again after the load,
/// which runs with this process's connections closed (see [`exchange::import_sqlite`]).
fn import(
    open: impl Fn() -> anyhow::Result<Db>,
    file: &Path,
    skip_invalid: bool,
) -> anyhow::Result<ExitCode> {
    let input = match File::open(file) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let size = input.metadata().map(|m| m.len()).ok();
    let mut db = open()?;
    let catalog = Catalog::load(&mut *db.conn()?)?;
    let options = ImportOptions {
        skip_invalid,
        user: operator(),
        role: "admin".into(),
        at: crate::clock::Clock::system().now(),
        // The command prints every error, one line each (contract.md).
        max_errors: usize::MAX,
    };
    let progress = bar(size, "importing");
    let input = std::io::BufReader::with_capacity(1 << 20, input);
    let show = |bytes| progress.set_position(bytes);
    let result = match db.sqlite_path().map(str::to_owned) {
        Some(path) => {
            db.close();
            let result = exchange::import_sqlite(&path, &catalog, input, &options, &show);
            db = open()?;
            result
        }
        None => import_postgres(&db, &catalog, file, input, &options, &show)?,
    };
    progress.finish_and_clear();
    let (outcome, detail) = exchange::audit_summary(&result);
    audit(
        &mut *db.conn()?,
        "import",
        file.display().to_string(),
        outcome,
        detail,
    )?;
    let print = |errors: &[crate::error::FieldError]| {
        let mut err = std::io::stderr().lock();
        for e in errors {
            let _ = writeln!(
                err,
                "line {}: {}: {}",
                e.line.unwrap_or(0),
                e.field,
                e.message
            );
        }
    };
    match result {
        Ok(report) => {
            print(&report.errors);
            eprintln!(
                "{} rows read, {} incidents stored{}",
                report.rows,
                report.stored,
                if report.errors.is_empty() {
                    String::new()
                } else {
                    ", invalid rows skipped".into()
                }
            );
            Ok(if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Err(ImportFailure::Invalid(report)) => {
            print(&report.errors);
            eprintln!(
                "{} rows read; invalid rows found, nothing was stored",
                report.rows
            );
            Ok(ExitCode::from(1))
        }
        Err(ImportFailure::Unreadable(m)) => {
            eprintln!("error: {}: {m}", file.display());
            Ok(ExitCode::from(2))
        }
        Err(ImportFailure::Database(e)) => Err(e.into()),
        Err(ImportFailure::Sqlite(e)) => Err(e.into()),
    }
}

fn export(db: &Db, filter: ExportFilter, out: Option<&Path>) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let progress = bar(None, "exporting");
    let count = match out {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
            exchange::export(db, &filter, BufWriter::with_capacity(1 << 20, file), &|n| {
                progress.set_position(n)
            })?
        }
        None => exchange::export(db, &filter, std::io::stdout().lock(), &|n| {
            progress.set_position(n)
        })?,
    };
    progress.finish_and_clear();
    audit(
        &mut conn,
        "export",
        format!(
            "year={} unit={}",
            filter.year.map_or("*".into(), |y| y.to_string()),
            filter.unit.as_deref().unwrap_or("*")
        ),
        "ok",
        format!("rows={count}"),
    )?;
    eprintln!("{count} incidents exported");
    Ok(())
}

/// Writes `count` synthetic incidents as an exchange CSV (for benchmarks and tests).
fn synthetic(
    db: &Db,
    count: usize,
    first_year: i32,
    seed: u64,
    out: Option<&Path>,
    general: bool,
) -> anyhow::Result<()> {
    let catalog = Catalog::load(&mut *db.conn()?)?;
    let until = crate::clock::Clock::system().now();
    let sink: Box<dyn Write> = match out {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, sink));
    if general {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        writer.write_record([
            "source_reference",
            "registered_at",
            "unit",
            "municipality",
            "incident_code",
            "narrative",
        ])?;
        for i in 0..count {
            writer.write_record(crate::synthetic::general_incident(
                &mut rng, &catalog, i, until,
            ))?;
        }
        writer.flush()?;
        return Ok(());
    }
    exchange::write_header(&mut writer)?;
    for row in Generator::new(&catalog, count, first_year, until, seed) {
        exchange::write_row(&mut writer, &row)?;
    }
    writer.flush()?;
    Ok(())
}
