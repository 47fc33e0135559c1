//! `dira candidates scan`: discrimination candidates in general police incidents
//! (`docs/screening.md`).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::operator::audit;
use super::Database;
use crate::codes::Catalog;
use crate::db::Db;

/// The subcommands of `dira candidates`.
#[derive(Debug, clap::Subcommand)]
pub enum CandidatesCommand {
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

impl CandidatesCommand {
    /// Runs the subcommand.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        match self {
            Self::Scan { file, terms, codes } => {
                scan(&database.open()?, &file, terms.as_deref(), codes.as_deref())
            }
        }
    }
}

/// `dira candidates scan`: exit 2 when a file cannot be read.
fn scan(
    db: &Db,
    file: &Path,
    terms: Option<&Path>,
    codes: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let read = |path: Option<&Path>, default: &str| -> Result<String, String> {
        match path {
            Some(p) => {
                std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
            }
            None => Ok(default.to_owned()),
        }
    };
    let lists = read(terms, crate::candidates::DEFAULT_TERMS)
        .and_then(|t| Ok((t, read(codes, crate::candidates::DEFAULT_CODES)?)));
    let input = File::open(file).map_err(|e| format!("cannot read {}: {e}", file.display()));
    let ((terms, codes), input) = match (lists, input) {
        (Ok(lists), Ok(input)) => (lists, input),
        (Err(m), _) | (_, Err(m)) => {
            eprintln!("error: {m}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut conn = db.conn()?;
    let catalog = Catalog::load(&mut conn)?;
    let started = std::time::Instant::now();
    let report = match crate::candidates::scan(
        &mut conn,
        &catalog,
        std::io::BufReader::with_capacity(1 << 20, input),
        &terms,
        &codes,
        crate::clock::Clock::system().now(),
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e:#}", file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    out.write_record(["source_reference", "unit", "matched"])?;
    for m in &report.matches {
        out.write_record([
            m.source_reference.as_str(),
            m.unit.as_str(),
            m.matched.join("|").as_str(),
        ])?;
    }
    out.flush()?;
    for p in &report.problems {
        eprintln!("{p}");
    }
    audit(
        &mut conn,
        "candidates.scan",
        file.display().to_string(),
        "ok",
        format!(
            "rows={} matches={} stored={}",
            report.rows,
            report.matches.len(),
            report.stored
        ),
    )?;
    eprintln!(
        "{} general incidents scanned ({:.1} MB of narrative in {:.2} s, {:.0} MB/s), {} matched, {} new candidates",
        report.rows,
        report.narrative_bytes as f64 / 1e6,
        seconds,
        report.narrative_bytes as f64 / 1e6 / seconds.max(1e-9),
        report.matches.len(),
        report.stored
    );
    Ok(ExitCode::SUCCESS)
}
