//! `dira report poldis|monitor|odihr`: the annual reports on the command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{operator, Database};
use crate::codes::Catalog;

/// The subcommands of `dira report`.
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
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
    /// The regional monitor of a unit: police incidents and ADV reports side by side
    /// (docs/monitor.md).
    Monitor {
        /// Unit code.
        #[arg(long)]
        unit: String,
        /// Reporting year, 2000 to 2100.
        #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: i32,
        #[arg(long, value_enum, default_value = "csv")]
        format: MonitorFormat,
        /// Suppress police counts 1 to 4 in the appendix, as in the Poldis report.
        #[arg(long)]
        publication: bool,
        /// The file to write (needed for xlsx); default stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The hate crime report to ODIHR: bias motivation by type of crime, all units.
    Odihr {
        /// Reporting year, 2000 to 2100.
        #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: i32,
        #[arg(long, value_enum, default_value = "csv")]
        format: ReportFormat,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// The formats of `dira report monitor --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MonitorFormat {
    Csv,
    Json,
    Html,
    Xlsx,
}

/// The formats of `dira report poldis --format`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Csv,
    Json,
    Html,
}

impl ReportCommand {
    /// Runs the subcommand.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        match self {
            Self::Poldis {
                year,
                format,
                publication,
                out,
            } => poldis(database, year, format, publication, out),
            Self::Monitor {
                unit,
                year,
                format,
                publication,
                out,
            } => monitor(database, &unit, year, format, publication, out),
            Self::Odihr { year, format, out } => odihr(database, year, format, out),
        }
    }
}

/// Writes the report of `year` to `out` (default stdout) and audits it with its
/// fingerprint.
fn poldis(
    database: &Database,
    year: i32,
    format: ReportFormat,
    publication: bool,
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    let mut conn = db.conn()?;
    let catalog = Catalog::load(&mut conn)?;
    let report = crate::poldis::produce(&db, &catalog, year, None, publication)?;
    let sink: Box<dyn Write> = match &out {
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
    operator::audit(
        &mut conn,
        "report.poldis",
        format!("year={year} publication={publication}"),
        "ok",
        format!("fingerprint={}", report.fingerprint),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Where a report goes: `out`, else stdout.
fn sink(out: &Option<PathBuf>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match out {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    })
}

/// Writes the monitor of `unit` for `year` and audits it with its fingerprint.
fn monitor(
    database: &Database,
    unit: &str,
    year: i32,
    format: MonitorFormat,
    publication: bool,
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    if format == MonitorFormat::Xlsx && out.is_none() {
        return Err(super::UsageError("--format xlsx needs --out FILE".into()).into());
    }
    let db = database.open()?;
    let mut conn = db.conn()?;
    let catalog = Catalog::load(&mut conn)?;
    if let Err(e) = catalog.check_unit(unit) {
        let allowed = e.allowed.unwrap_or_default().join(", ");
        return Err(super::UsageError(format!("--unit: {}; allowed: {allowed}", e.message)).into());
    }
    let monitor = crate::monitor::produce(&db, &catalog, unit, year, publication)?;
    let mut sink = sink(&out)?;
    match format {
        MonitorFormat::Csv => monitor.write_csv(sink)?,
        MonitorFormat::Json => serde_json::to_writer_pretty(sink, &monitor)?,
        MonitorFormat::Html => sink.write_all(crate::monitor::render_html(&monitor).as_bytes())?,
        MonitorFormat::Xlsx => sink.write_all(&crate::monitor::write_xlsx(&monitor)?)?,
    }
    operator::audit(
        &mut conn,
        "report.monitor",
        format!("unit={unit} year={year} publication={publication}"),
        "ok",
        format!("fingerprint={}", monitor.fingerprint),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the ODIHR report of `year` and audits it with its fingerprint.
fn odihr(
    database: &Database,
    year: i32,
    format: ReportFormat,
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    let mut conn = db.conn()?;
    let catalog = Catalog::load(&mut conn)?;
    let report = crate::odihr::produce(&db, &catalog, year)?;
    let mut sink = sink(&out)?;
    match format {
        ReportFormat::Csv => report.write_csv(sink)?,
        ReportFormat::Json => serde_json::to_writer_pretty(sink, &report)?,
        ReportFormat::Html => sink.write_all(report.render_html().as_bytes())?,
    }
    operator::audit(
        &mut conn,
        "report.odihr",
        format!("year={year}"),
        "ok",
        format!("fingerprint={}", report.fingerprint),
    )?;
    Ok(ExitCode::SUCCESS)
}
