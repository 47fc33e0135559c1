//! The counted incidents themselves, one per incident under the Poldis counting rules
//! (domain.md: CONFIRMED, events once by their representative, the reporting date
//! decides the year), for reports that combine the police figures with other sources
//! in their own way: the regional monitor and the ODIHR report.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use polars::prelude::*;

use super::count::{marks, populations};
use super::load::{load, Dict};
use crate::codes::Catalog;
use crate::db::Db;

/// One counted incident: its reporting year and the fields those reports count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedIncident {
    pub year: i32,
    /// The unit of the incident (an event's: its representative's).
    pub unit: String,
    /// CBS code, or `ONBEKEND`.
    pub municipality: String,
    /// Domain code, or `ONBEKEND`.
    pub domain: String,
    /// Ground codes as registered (a retired one, GELOOF, as it is).
    pub grounds: Vec<String>,
    pub manifestations: Vec<String>,
    pub articles: Vec<String>,
}

/// The counted incidents of some years, with what else the reports state.
#[derive(Debug, Clone)]
pub struct Counted {
    pub incidents: Vec<CountedIncident>,
    /// CONFIRMED registrations per reporting year (events' members each counted).
    pub registrations: BTreeMap<i32, u64>,
    /// The fingerprint of the rows read, as in the Poldis report.
    pub fingerprint: String,
}

/// The counted incidents of `years` (of one unit, or all). An event spanning units is
/// one incident of its representative's unit, as in the national report, so every
/// unit's registrations are read and the unit chosen after the representatives.
/// Blocking: call it off the async executor.
pub fn counted(
    db: &Db,
    catalog: &Catalog,
    unit: Option<&str>,
    years: RangeInclusive<i32>,
) -> anyhow::Result<Counted> {
    let frames = load(db, catalog, None)?;
    let p = populations(&frames)?;
    let keep = marks(&frames, &p, years.clone())?;
    let d = &frames.dict;
    let text = |name: &str| -> PolarsResult<Vec<String>> {
        Ok(frames
            .incidents
            .column(name)?
            .u32()?
            .iter()
            .map(|c| d.text(c.unwrap_or(u32::MAX)).to_owned())
            .collect())
    };
    let (municipality, domain, units) = (text("municipality")?, text("domain")?, text("unit")?);
    let in_unit = |i: usize| unit.is_none_or(|u| units[i] == u);
    let year: Vec<i32> = frames
        .incidents
        .column("year")?
        .i32()?
        .iter()
        .map(|y| y.unwrap_or_default())
        .collect();
    let mut by_idx: BTreeMap<u32, CountedIncident> = BTreeMap::new();
    for (i, kept) in keep.iter().enumerate() {
        if *kept && in_unit(i) {
            by_idx.insert(
                i as u32,
                CountedIncident {
                    year: year[i],
                    unit: units[i].clone(),
                    municipality: municipality[i].clone(),
                    domain: domain[i].clone(),
                    grounds: Vec::new(),
                    manifestations: Vec::new(),
                    articles: Vec::new(),
                },
            );
        }
    }
    let lists = [
        values(&frames.grounds, "code", d)?,
        values(&frames.manifestations, "code", d)?,
        values(&frames.articles, "code", d)?,
    ];
    for (which, pairs) in lists.into_iter().enumerate() {
        for (idx, code) in pairs {
            let Some(incident) = by_idx.get_mut(&idx) else {
                continue;
            };
            let list = match which {
                0 => &mut incident.grounds,
                1 => &mut incident.manifestations,
                _ => &mut incident.articles,
            };
            if !list.contains(&code) {
                list.push(code);
            }
        }
    }
    let mut registrations = BTreeMap::new();
    let status = frames.incidents.column("status")?.u32()?;
    let confirmed = d.get(crate::incidents::Status::Confirmed.as_str());
    for (i, s) in status.iter().enumerate() {
        if s == Some(confirmed) && years.contains(&year[i]) && in_unit(i) {
            *registrations.entry(year[i]).or_insert(0) += 1;
        }
    }
    Ok(Counted {
        incidents: by_idx.into_values().collect(),
        registrations,
        fingerprint: frames.fingerprint,
    })
}

/// (idx, code as text) of a multi-valued frame.
fn values(frame: &DataFrame, column: &str, d: &Dict) -> PolarsResult<Vec<(u32, String)>> {
    let idx = frame.column("idx")?.u32()?;
    let code = frame.column(column)?.u32()?;
    Ok(idx
        .iter()
        .zip(code.iter())
        .filter_map(|(i, c)| Some((i?, d.text(c?).to_owned())))
        .collect())
}
