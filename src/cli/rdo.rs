//! `dira rdo overview`: the RDO case overview on stdout.

use std::process::ExitCode;

use chrono::NaiveDate;

use super::{operator, usage_error, Database};
use crate::codes::Catalog;
use crate::rdo::{Day, OverviewRequest};

/// The subcommands of `dira rdo`.
#[derive(Debug, clap::Subcommand)]
pub enum RdoCommand {
    /// Every CONFIRMED registration of a unit in a period (by reporting date), with
    /// counts; never the narrative. Written to stdout.
    Overview {
        #[arg(long)]
        unit: String,
        /// First reporting date, YYYY-MM-DD.
        #[arg(long, value_parser = crate::dates::parse_date)]
        from: NaiveDate,
        /// Last reporting date, inclusive.
        #[arg(long, value_parser = crate::dates::parse_date)]
        to: NaiveDate,
        #[arg(long, value_enum, default_value = "csv")]
        format: OverviewFormat,
        /// Semicolons and a UTF-8 byte order mark, for Dutch Excel.
        #[arg(long)]
        excel: bool,
    },
}

/// The formats of `dira rdo overview --format`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OverviewFormat {
    Csv,
    Json,
    /// The Excel workbook for the RDO (cases, counts, forwarding shares).
    Xlsx,
}

impl RdoCommand {
    /// Runs the subcommand.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        match self {
            Self::Overview {
                unit,
                from,
                to,
                format,
                excel,
            } => overview(database, &unit, from, to, format, excel),
        }
    }
}

/// Writes the overview of `unit` from `from` to `to` (inclusive) and audits it; the
/// domain's refusals (an unknown unit, `to` before `from`) are usage errors.
fn overview(
    database: &Database,
    unit: &str,
    from: NaiveDate,
    to: NaiveDate,
    format: OverviewFormat,
    excel: bool,
) -> anyhow::Result<ExitCode> {
    let db = database.open()?;
    let mut conn = db.conn()?;
    let catalog = Catalog::load(&mut conn)?;
    let operator = crate::auth::Principal::operator(operator::operator());
    let request = OverviewRequest {
        unit: Some(unit.to_owned()),
        from: Day::Date(from),
        to: Day::Date(to),
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
    operator::audit(
        &mut conn,
        "rdo.overview",
        format!("unit={unit} from={from} to={to}"),
        "ok",
        format!("rows={}", overview.rows.len()),
    )?;
    Ok(ExitCode::SUCCESS)
}
