//! The counting rules, in polars. Every function returns `(key, subkey, count)` cells;
//! [`tables`] counts every table of the report.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::load::{Dict, Frames};
use crate::incidents::Status;

pub type Cells = Vec<(String, String, u64)>;

const CONFIRMED: &str = Status::Confirmed.as_str();
const REJECTED: &str = Status::Rejected.as_str();

/// The report's populations.
pub struct Populations {
    /// CONFIRMED incidents of every year, events once (by their representative).
    pub incidents: LazyFrame,
    /// The same as a mark per registration (by idx).
    pub counted: Vec<bool>,
    /// CONFIRMED registrations of every year.
    pub confirmed: LazyFrame,
    pub all: LazyFrame,
}

pub fn populations(frames: &Frames) -> PolarsResult<Populations> {
    let confirmed_code = frames.dict.get(CONFIRMED);
    // An event is one incident, represented by its member with the earliest reporting
    // date (then the earliest registration, then the lowest number); that member's
    // fields count and its reporting date decides the year.
    let representatives = frames
        .members
        .clone()
        .lazy()
        .filter(col("status").eq(lit(confirmed_code)))
        .group_by([col("event")])
        .agg([col("idx")
            .sort_by(
                [col("rdate"), col("registered"), col("number")],
                SortMultipleOptions::default(),
            )
            .first()
            .alias("idx")])
        .select([col("idx")])
        .collect()?;
    // Which registrations count as an incident, as one more column: a filter on it
    // costs nothing to keep, where a copy of the counted rows would cost as much
    // memory as the frame itself.
    let status = frames.incidents.column("status")?.u32()?;
    let event = frames.incidents.column("event")?.u32()?;
    let mut counted: Vec<bool> = status
        .iter()
        .zip(event.iter())
        .map(|(s, e)| s == Some(confirmed_code) && e.is_none())
        .collect();
    for i in representatives.column("idx")?.u32()?.iter().flatten() {
        counted[i as usize] = true;
    }
    let mut marked = frames.incidents.clone();
    marked.with_column(Column::new("counted".into(), counted.clone()))?;
    let all = marked.lazy();
    let confirmed = all.clone().filter(col("status").eq(lit(confirmed_code)));
    let incidents = all.clone().filter(col("counted"));
    Ok(Populations {
        incidents,
        counted,
        confirmed,
        all,
    })
}

fn collect(lf: LazyFrame) -> PolarsResult<DataFrame> {
    lf.collect()
}

/// A key column as text: u32 columns through the dictionary, others as written.
fn strings(df: &DataFrame, name: &str, dict: &Dict) -> PolarsResult<Vec<String>> {
    let series = df.column(name)?.as_materialized_series();
    if series.dtype() == &DataType::UInt32 {
        return Ok(series
            .u32()?
            .iter()
            .map(|v| dict.text(v.unwrap_or(u32::MAX)).to_owned())
            .collect());
    }
    Ok(series
        .cast(&DataType::String)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect())
}

fn counts(df: &DataFrame) -> PolarsResult<Vec<u64>> {
    // `len()` counts come as the index type (u32).
    Ok(df
        .column("n")?
        .as_materialized_series()
        .idx()?
        .iter()
        .map(|v| u64::from(v.unwrap_or(0)))
        .collect())
}

/// Counts of `lf` grouped by one or two columns.
pub fn group(lf: LazyFrame, key: &str, subkey: Option<&str>, dict: &Dict) -> PolarsResult<Cells> {
    let by: Vec<Expr> = std::iter::once(col(key)).chain(subkey.map(col)).collect();
    let df = collect(lf.group_by(by).agg([len().alias("n")]))?;
    let keys = strings(&df, key, dict)?;
    let subkeys = match subkey {
        Some(s) => strings(&df, s, dict)?,
        None => vec![String::new(); keys.len()],
    };
    Ok(keys
        .into_iter()
        .zip(subkeys)
        .zip(counts(&df)?)
        .map(|((k, s), n)| (k, s, n))
        .collect())
}

pub fn height(lf: LazyFrame) -> PolarsResult<u64> {
    Ok(collect(lf.select([len().alias("n")]))?
        .column("n")?
        .as_materialized_series()
        .idx()?
        .get(0)
        .map_or(0, u64::from))
}

/// Which registrations (by idx) are counted incidents whose year is in `years`.
pub fn marks(
    frames: &Frames,
    p: &Populations,
    years: std::ops::RangeInclusive<i32>,
) -> PolarsResult<Vec<bool>> {
    let year = frames.incidents.column("year")?.i32()?;
    Ok(p.counted
        .iter()
        .zip(year.iter())
        .map(|(c, y)| *c && y.is_some_and(|y| years.contains(&y)))
        .collect())
}

/// The rows of a multi-valued frame whose incident is marked, with `columns` of the
/// incident alongside: a mask and a gather by row number, where a join would hash
/// every value row against every incident.
pub fn values_of(
    frame: &DataFrame,
    keep: &[bool],
    incidents: &DataFrame,
    columns: &[&str],
) -> PolarsResult<DataFrame> {
    let idx = frame.column("idx")?.u32()?;
    let mask: BooleanChunked = idx
        .iter()
        .map(|i| i.is_some_and(|i| keep[i as usize]))
        .collect();
    let mut kept = frame.filter(&mask)?;
    let rows = kept.column("idx")?.u32()?.clone();
    for name in columns {
        let column = incidents.column(name)?.take(&rows)?;
        kept.with_column(column)?;
    }
    Ok(kept)
}

pub fn year(lf: LazyFrame, y: i32) -> LazyFrame {
    lf.filter(col("year").eq(lit(y)))
}

pub fn summary(frames: &Frames, p: &Populations, y: i32) -> PolarsResult<Cells> {
    let (confirmed, rejected) = (frames.dict.get(CONFIRMED), frames.dict.get(REJECTED));
    let incidents = year(p.incidents.clone(), y);
    let all = year(p.all.clone(), y);
    let mut cells = vec![
        ("incidents", height(incidents.clone())?),
        ("registrations", height(year(p.confirmed.clone(), y))?),
        (
            "police_victim",
            height(incidents.clone().filter(col("police")))?,
        ),
        (
            "multiple_grounds",
            height(incidents.clone().filter(col("grounds_n").gt_eq(lit(2i32))))?,
        ),
        ("suspect_known", height(incidents.filter(col("suspect")))?),
        (
            "pending",
            height(
                all.clone().filter(
                    col("status")
                        .neq(lit(confirmed))
                        .and(col("status").neq(lit(rejected))),
                ),
            )?,
        ),
        (
            "rejected",
            height(all.filter(col("status").eq(lit(rejected))))?,
        ),
    ];
    Ok(cells
        .drain(..)
        .map(|(k, n)| (k.to_owned(), String::new(), n))
        .collect())
}

/// Cross table of two multi-valued fields (both already cut to the population).
pub fn values_by_values(left: &DataFrame, right: &DataFrame, dict: &Dict) -> PolarsResult<Cells> {
    let l = left.clone().lazy().select([col("idx"), col("code")]);
    let r = right
        .clone()
        .lazy()
        .select([col("idx"), col("code").alias("other")]);
    let joined = l.join(
        r,
        [col("idx")],
        [col("idx")],
        JoinArgs::new(JoinType::Inner),
    );
    group(joined, "code", Some("other"), dict)
}

/// The tables counted by one-dimensional grouping of the year's incidents, with the
/// column they group by.
const BY_COLUMN: [(&str, &str); 7] = [
    ("by_domain", "domain"),
    ("by_registration_type", "registration_type"),
    ("by_channel", "channel"),
    ("by_victim_kind", "victim_kind"),
    ("by_unit", "unit"),
    ("by_municipality", "municipality"),
    ("by_month", "month"),
];

/// Every table of the report for `year`, by name: the counted cells only (no zero
/// keys, no labels).
pub fn tables(frames: &Frames, year: i32) -> anyhow::Result<BTreeMap<&'static str, Cells>> {
    let p = populations(frames)?;
    let d = &frames.dict;
    let mut raw: BTreeMap<&str, Cells> = BTreeMap::new();
    raw.insert(
        "summary",
        summary(frames, &p, year).map_err(named("summary"))?,
    );
    // Lazy: each table reads only its columns. (Materialising the year's incidents
    // once copies every column and was slower.)
    let incidents = self::year(p.incidents.clone(), year);
    for (name, column) in BY_COLUMN {
        let cells = group(incidents.clone(), column, None, d).map_err(named(name))?;
        raw.insert(name, cells);
    }
    // The multi-valued fields of the year's incidents, with the incident's unit and
    // police flag alongside (for the cross tables).
    let in_year = marks(frames, &p, year..=year)?;
    let grounds = values_of(
        &frames.grounds,
        &in_year,
        &frames.incidents,
        &["unit", "police"],
    )?;
    let manifestations = values_of(&frames.manifestations, &in_year, &frames.incidents, &[])?;
    let articles = values_of(&frames.articles, &in_year, &frames.incidents, &[])?;
    let by_code = |values: &DataFrame, subkey| group(values.clone().lazy(), "code", subkey, d);
    raw.insert("by_ground", by_code(&grounds, None)?);
    raw.insert("by_manifestation", by_code(&manifestations, None)?);
    raw.insert("by_article", by_code(&articles, None)?);
    raw.insert("ground_by_unit", by_code(&grounds, Some("unit"))?);
    raw.insert(
        "ground_by_police_victim",
        by_code(&grounds, Some("police"))?,
    );
    raw.insert(
        "ground_by_manifestation",
        values_by_values(&grounds, &manifestations, d)?,
    );
    raw.insert(
        "ground_by_article",
        values_by_values(&grounds, &articles, d)?,
    );
    let (trend, trend_by_ground) = trend(frames, &p, year)?;
    raw.insert("trend", trend);
    raw.insert("trend_by_ground", trend_by_ground);
    Ok(raw)
}

/// A polars error of table `name`, named.
fn named(name: &str) -> impl Fn(PolarsError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("{name}: {e}")
}

/// `trend` and `trend_by_ground`: the counted incidents of `year` and the four years
/// before, per year, and per year and ground (retired grounds under their successor).
fn trend(frames: &Frames, p: &Populations, year: i32) -> anyhow::Result<(Cells, Cells)> {
    let trend_years = p.incidents.clone().filter(
        col("year")
            .gt_eq(lit(year - 4))
            .and(col("year").lt_eq(lit(year))),
    );
    let trend = group(trend_years, "year", None, &frames.dict).map_err(named("trend"))?;
    let in_trend = marks(frames, p, year - 4..=year)?;
    let grounds = values_of(&frames.grounds, &in_trend, &frames.incidents, &["year"])?;
    let by_ground = group(grounds.lazy(), "year", Some("trend_code"), &frames.dict)?;
    Ok((trend, by_ground))
}
