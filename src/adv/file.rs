//! The ADV figures file (`docs/monitor.md`): `year,municipality,category,code,reports`,
//! one line per municipality, year and category code, and one `total` line (empty
//! code) per municipality and year. Checked whole; all or nothing; every problem named
//! as `line N: FIELD: message`.

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;

use super::Category;
use crate::codes::Catalog;
use crate::csv_lines::{Problems, Table};
use crate::error::FieldError;

/// The columns, in order.
pub const HEADER: [&str; 5] = ["year", "municipality", "category", "code", "reports"];

/// The largest count of one line: more reports than any bureau receives in a year.
const MAX_REPORTS: i64 = 1_000_000;

/// One figure: `reports` reports of `municipality` in `year` under `code` of
/// `category` (no code: the total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub year: i32,
    /// CBS code `GMnnnn`.
    pub municipality: String,
    pub category: Category,
    pub code: Option<String>,
    pub reports: i64,
}

/// Reads and checks a figures file against `catalog`, for years up to `this_year`:
/// every figure, or every problem.
pub fn parse(
    input: impl Read,
    catalog: &Catalog,
    this_year: i32,
) -> Result<Vec<Figure>, Vec<FieldError>> {
    let table = Table::read(input).map_err(|m| vec![FieldError::new("file", m)])?;
    if table.header != HEADER {
        return Err(vec![FieldError::new(
            "header",
            format!("must be {}", HEADER.join(",")),
        )
        .at_line(1)]);
    }
    let mut errors = Problems::default();
    let mut figures: Vec<(u64, Figure)> = Vec::new();
    let mut seen: HashMap<(i32, String, Category, Option<String>), u64> = HashMap::new();
    for (line, record) in &table.records {
        let record = match record {
            Ok(r) => r,
            Err(m) => {
                errors.push(FieldError::new("row", m.clone()).at_line(*line));
                continue;
            }
        };
        match check_line(record, catalog, this_year) {
            Ok(f) => {
                let key = (f.year, f.municipality.clone(), f.category, f.code.clone());
                match seen.insert(key, *line) {
                    Some(first) => errors.push(
                        FieldError::new("code", format!("this figure is on line {first} already"))
                            .at_line(*line),
                    ),
                    None => figures.push((*line, f)),
                }
            }
            Err(problems) => errors.extend(problems.into_iter().map(|e| e.at_line(*line))),
        }
    }
    if table.records.is_empty() {
        errors.push(FieldError::new("file", "has no lines under the header"));
    }
    errors.extend(totals(&figures));
    if !errors.is_empty() {
        return Err(errors.into_vec());
    }
    Ok(figures.into_iter().map(|(_, f)| f).collect())
}

/// One line's figure, or its problems.
fn check_line(
    record: &csv::StringRecord,
    catalog: &Catalog,
    this_year: i32,
) -> Result<Figure, Vec<FieldError>> {
    if record.len() != HEADER.len() {
        return Err(vec![FieldError::new(
            "row",
            format!(
                "has {} fields, the header has {}",
                record.len(),
                HEADER.len()
            ),
        )]);
    }
    let field = |i: usize| record.get(i).unwrap_or_default().trim();
    let mut problems = Vec::new();
    let first = *crate::poldis::REPORT_YEARS.start();
    let year = field(0)
        .parse::<i32>()
        .ok()
        .filter(|y| (first..=this_year).contains(y));
    if year.is_none() {
        problems.push(FieldError::new(
            "year",
            format!("{:?} is not a year from {first} to {this_year}", field(0)),
        ));
    }
    let municipality = field(1).to_owned();
    if let Err(e) = catalog.check_municipality("municipality", &municipality) {
        problems.push(e);
    }
    let category = Category::parse(field(2));
    if category.is_none() {
        let allowed = Category::ALL
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        problems.push(
            FieldError::new("category", format!("unknown category {:?}", field(2)))
                .allowed(allowed),
        );
    }
    let code = Some(field(3).to_owned()).filter(|c| !c.is_empty());
    if let (Some(category), Some(year)) = (category, year) {
        if let Some(problem) = check_code(catalog, category, code.as_deref(), year) {
            problems.push(problem);
        }
    }
    let reports = field(4)
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=MAX_REPORTS).contains(n));
    if reports.is_none() {
        problems.push(FieldError::new(
            "reports",
            format!(
                "{:?} is not a whole number from 0 to {MAX_REPORTS}",
                field(4)
            ),
        ));
    }
    match (year, category, reports) {
        (Some(year), Some(category), Some(reports)) if problems.is_empty() => Ok(Figure {
            year,
            municipality,
            category,
            code,
            reports,
        }),
        _ => Err(problems),
    }
}

/// The code's problem, if any: none for the total, else one of the category's list
/// valid in `year`.
fn check_code(
    catalog: &Catalog,
    category: Category,
    code: Option<&str>,
    year: i32,
) -> Option<FieldError> {
    let Some(list) = category.list() else {
        return code
            .map(|c| FieldError::new("code", format!("{c:?}: a total line has an empty code")));
    };
    let (first, last) = (
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    );
    let valid: Vec<String> = catalog
        .list(list)
        .iter()
        .filter(|c| c.valid_from <= last && c.valid_to.is_none_or(|to| to >= first))
        .map(|c| c.code.clone())
        .collect();
    match code {
        Some(code) if valid.iter().any(|v| v == code) => None,
        Some(code) => Some(
            FieldError::new(
                "code",
                format!("{code:?} is not a code of {list} in {year}"),
            )
            .allowed(valid),
        ),
        None => Some(
            FieldError::new(
                "code",
                format!("a {} line needs a code of {list}", category.as_str()),
            )
            .allowed(valid),
        ),
    }
}

/// Each municipality and year has one total, and no category count above it.
fn totals(figures: &[(u64, Figure)]) -> Vec<FieldError> {
    let mut total: HashMap<(i32, &str), (u64, i64)> = HashMap::new();
    for (line, f) in figures
        .iter()
        .filter(|(_, f)| f.category == Category::Total)
    {
        total.insert((f.year, f.municipality.as_str()), (*line, f.reports));
    }
    let mut errors = Vec::new();
    let mut missing_reported = std::collections::HashSet::new();
    for (line, f) in figures
        .iter()
        .filter(|(_, f)| f.category != Category::Total)
    {
        match total.get(&(f.year, f.municipality.as_str())) {
            None => {
                if missing_reported.insert((f.year, f.municipality.as_str())) {
                    errors.push(
                        FieldError::new(
                            "category",
                            format!(
                                "{} has no total line for {}: add {},{},total,,N",
                                f.municipality, f.year, f.year, f.municipality
                            ),
                        )
                        .at_line(*line),
                    );
                }
            }
            Some((total_line, n)) if f.reports > *n => errors.push(
                FieldError::new(
                    "reports",
                    format!(
                        "{} is more than the total of {n} reports on line {total_line}",
                        f.reports
                    ),
                )
                .at_line(*line),
            ),
            Some(_) => {}
        }
    }
    errors
}
