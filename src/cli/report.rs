//! `dira report poldis`: the annual Poldis report on the command line.

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
