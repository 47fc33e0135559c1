//! `dira import`, `dira export` and `dira synthetic`: the exchange CSV on the command
//! line, with a progress bar when stderr is a terminal.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::codes::Catalog;
use crate::db::Db;
use crate::exchange::{self, ExportFilter, ImportFailure, ImportOptions};
use crate::synthetic::Generator;

/// Who runs a command on the server itself, for the history and the audit log.
pub fn operator() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "operator".into())
    )
}

/// The audit entry of a command run by the operator (who has the admin role there).
pub fn audit(
    conn: &mut crate::db::AnyConnection,
    action: &str,
    object: String,
    outcome: &str,
    detail: String,
) -> anyhow::Result<()> {
    let operator = crate::auth::Principal::operator(operator());
    let now = crate::clock::Clock::system().now();
    let entry = crate::audit::Entry::new(now, Some(&operator), action, object, outcome);
    crate::audit::record(conn, &entry.with_detail(detail))?;
    Ok(())
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
pub fn import(
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
        None => exchange::import(&mut *db.conn()?, &catalog, input, &options, &show),
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

pub fn export(db: &Db, filter: ExportFilter, out: Option<&Path>) -> anyhow::Result<()> {
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
pub fn synthetic(
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

/// `dira candidates scan`: exit 2 when a file cannot be read.
pub fn scan(
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
