//! Loading the rows the report needs, in one pass, into polars frames: one row per
//! registration, and one row per value of each multi-valued field.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::codes::Catalog;
use crate::dates;
use crate::db::schema::incidents;
use crate::db::{AnyConnection, Db};

pub const UNKNOWN: &str = "ONBEKEND";

/// Codes (and other repeated texts) as small numbers: a million registrations hold
/// only a few hundred distinct values, and numbers are cheap to store and to group.
#[derive(Default)]
pub struct Dict {
    // FxHash: the keys are short codes hashed once per field per row; SipHash's
    // protection against crafted keys buys nothing here.
    index: rustc_hash::FxHashMap<String, u32>,
    pub values: Vec<String>,
}

impl Dict {
    pub fn code(&mut self, text: &str) -> u32 {
        if let Some(c) = self.index.get(text) {
            return *c;
        }
        let c = self.values.len() as u32;
        self.values.push(text.to_owned());
        self.index.insert(text.to_owned(), c);
        c
    }

    /// The number of a text, or one that matches nothing.
    pub fn get(&self, text: &str) -> u32 {
        self.index.get(text).copied().unwrap_or(u32::MAX)
    }

    pub fn text(&self, code: u32) -> &str {
        self.values.get(code as usize).map_or("", String::as_str)
    }
}

pub struct Frames {
    /// Per registration: idx, event, rdate (yyyymmdd), year, month, status, unit,
    /// municipality, registration_type, channel, domain, victim_kind, police,
    /// suspect, grounds_n.
    pub incidents: DataFrame,
    /// Per member of an event, what picks the event's representative: idx, event,
    /// status, rdate, registered (µs), number. (Kept apart: most registrations are in no
    /// event, and a number per row would cost more than all the codes together.)
    pub members: DataFrame,
    /// idx, code, trend_code (retired grounds mapped to their successor).
    pub grounds: DataFrame,
    /// idx, code.
    pub manifestations: DataFrame,
    /// idx, code.
    pub articles: DataFrame,
    /// SHA-256 over the registrations read (number, version, status), in storage
    /// order (SQLite) or id order (PostgreSQL): the two halves hashed apart (they are
    /// read in parallel), then both digests.
    pub fingerprint: String,
    /// What the u32 columns mean.
    pub dict: Dict,
}

/// One registration as the report reads it, borrowed from whichever reader.
struct Fields<'a> {
    number: &'a str,
    version: i32,
    /// UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]` as stored.
    registered_at: NaiveDateTime,
    occurred_from: Option<NaiveDate>,
    status: &'a str,
    event_id: Option<&'a str>,
    unit: &'a str,
    municipality: Option<&'a str>,
    registration_type: &'a str,
    channel: &'a str,
    grounds: &'a str,
    domain: Option<&'a str>,
    manifestations: &'a str,
    victim_kind: Option<&'a str>,
    suspect_known: Option<i32>,
    articles: &'a str,
}

const COLUMNS: &str = "registration_number, version, registered_at, occurred_from, status, \
    event_id, unit, municipality, registration_type, channel, grounds, domain, \
    manifestations, victim_kind, suspect_known, articles";

/// Follows `replaced_by` to the current code (GELOOF → GODSDIENST).
pub(super) fn successors(catalog: &Catalog) -> HashMap<String, String> {
    let direct: HashMap<&str, &str> = catalog
        .list("ground")
        .iter()
        .filter_map(|c| c.replaced_by.as_deref().map(|s| (c.code.as_str(), s)))
        .collect();
    direct
        .keys()
        .map(|code| {
            let mut current = *code;
            for _ in 0..10 {
                match direct.get(current) {
                    Some(next) => current = next,
                    None => break,
                }
            }
            (code.to_string(), current.to_owned())
        })
        .collect()
}

/// The columns of one part of the rows, filled row by row (the rows themselves are
/// never all in memory).
#[derive(Default)]
struct Columns {
    hash: Sha256,
    dict: Dict,
    event: Vec<Option<u32>>,
    rdate: Vec<i32>,
    year: Vec<i32>,
    month: Vec<u32>,
    status: Vec<u32>,
    unit: Vec<u32>,
    municipality: Vec<u32>,
    rtype: Vec<u32>,
    channel: Vec<u32>,
    domain: Vec<u32>,
    victim: Vec<u32>,
    police: Vec<bool>,
    suspect: Vec<bool>,
    grounds_n: Vec<i32>,
    g_idx: Vec<u32>,
    g_code: Vec<u32>,
    m_idx: Vec<u32>,
    m_code: Vec<u32>,
    a_idx: Vec<u32>,
    a_code: Vec<u32>,
    member_idx: Vec<u32>,
    member_event: Vec<u32>,
    member_status: Vec<u32>,
    member_rdate: Vec<i32>,
    member_registered: Vec<i64>,
    member_number: Vec<String>,
    offsets: dates::AmsterdamOffsets,
}

impl Columns {
    /// Room for `rows` registrations up front: growing a vector copies it and holds
    /// both copies for a moment, which at ten million rows is the peak of the run.
    /// (Room that is never written costs no memory.)
    fn with_capacity(rows: usize) -> Columns {
        let mut c = Columns::default();
        c.event.reserve_exact(rows);
        c.police.reserve_exact(rows);
        c.suspect.reserve_exact(rows);
        for v in [&mut c.rdate, &mut c.year, &mut c.grounds_n] {
            v.reserve_exact(rows);
        }
        for v in [
            &mut c.month,
            &mut c.status,
            &mut c.unit,
            &mut c.municipality,
            &mut c.rtype,
            &mut c.channel,
            &mut c.domain,
            &mut c.victim,
        ] {
            v.reserve_exact(rows);
        }
        for v in [
            &mut c.g_idx,
            &mut c.g_code,
            &mut c.m_idx,
            &mut c.m_code,
            &mut c.a_idx,
            &mut c.a_code,
        ] {
            v.reserve_exact(rows * 2);
        }
        c
    }

    fn push(&mut self, row: Fields<'_>) {
        let i = self.rdate.len() as u32;
        self.hash.update(row.number.as_bytes());
        self.hash.update(row.version.to_le_bytes());
        self.hash.update(row.status.as_bytes());
        let reg = row.registered_at;
        let day = row.occurred_from.unwrap_or_else(|| self.offsets.date(reg));
        let d = &mut self.dict;
        let event = row.event_id.map(|e| d.code(e));
        let status = d.code(row.status);
        let rdate = day.year() * 10_000 + day.month() as i32 * 100 + day.day() as i32;
        self.event.push(event);
        self.rdate.push(rdate);
        self.year.push(day.year());
        self.month.push(d.code(MONTHS[day.month0() as usize]));
        if let Some(event) = event {
            self.member_idx.push(i);
            self.member_event.push(event);
            self.member_status.push(status);
            self.member_rdate.push(rdate);
            self.member_registered
                .push(reg.and_utc().timestamp_micros());
            self.member_number.push(row.number.to_owned());
        }
        self.status.push(status);
        self.unit.push(d.code(row.unit));
        self.municipality
            .push(d.code(row.municipality.unwrap_or(UNKNOWN)));
        self.rtype.push(d.code(row.registration_type));
        self.channel.push(d.code(row.channel));
        self.domain.push(d.code(row.domain.unwrap_or(UNKNOWN)));
        self.police.push(row.victim_kind == Some(POLICE_VICTIM));
        self.victim.push(d.code(row.victim_kind.unwrap_or(UNKNOWN)));
        self.suspect.push(row.suspect_known == Some(1));
        let mut count = 0i32;
        for g in row.grounds.split('|').filter(|g| !g.is_empty()) {
            count += 1;
            self.g_idx.push(i);
            self.g_code.push(d.code(g));
        }
        self.grounds_n.push(count);
        for m in row.manifestations.split('|').filter(|m| !m.is_empty()) {
            self.m_idx.push(i);
            self.m_code.push(d.code(m));
        }
        for a in row.articles.split('|').filter(|a| !a.is_empty()) {
            self.a_idx.push(i);
            self.a_code.push(d.code(a));
        }
    }

    /// Appends `other` (the rows after ours): its numbers re-coded into our
    /// dictionary, its row numbers moved past ours.
    fn append(&mut self, other: Columns) {
        let recode: Vec<u32> = other
            .dict
            .values
            .iter()
            .map(|v| self.dict.code(v))
            .collect();
        let r = |c: &u32| recode[*c as usize];
        let offset = self.rdate.len() as u32;
        let shift = |v: &Vec<u32>| v.iter().map(|i| i + offset).collect::<Vec<_>>();
        for (ours, theirs) in [
            (&mut self.month, &other.month),
            (&mut self.status, &other.status),
            (&mut self.unit, &other.unit),
            (&mut self.municipality, &other.municipality),
            (&mut self.rtype, &other.rtype),
            (&mut self.channel, &other.channel),
            (&mut self.domain, &other.domain),
            (&mut self.victim, &other.victim),
            (&mut self.g_code, &other.g_code),
            (&mut self.m_code, &other.m_code),
            (&mut self.a_code, &other.a_code),
        ] {
            ours.extend(theirs.iter().map(r));
        }
        self.event
            .extend(other.event.iter().map(|e| e.as_ref().map(r)));
        self.member_event.extend(other.member_event.iter().map(r));
        self.member_status.extend(other.member_status.iter().map(r));
        self.member_idx.extend(shift(&other.member_idx));
        self.member_rdate.extend(other.member_rdate);
        self.member_registered.extend(other.member_registered);
        self.member_number.extend(other.member_number);
        self.g_idx.extend(shift(&other.g_idx));
        self.m_idx.extend(shift(&other.m_idx));
        self.a_idx.extend(shift(&other.a_idx));
        self.rdate.extend(other.rdate);
        self.year.extend(other.year);
        self.police.extend(other.police);
        self.suspect.extend(other.suspect);
        self.grounds_n.extend(other.grounds_n);
    }

    /// The frames, with each ground's trend code (retired grounds mapped to their
    /// successor), decided once per distinct code.
    fn into_frames(
        mut self,
        fingerprint: String,
        successors: &HashMap<String, String>,
    ) -> PolarsResult<Frames> {
        let trend: Vec<u32> = (0..self.dict.values.len() as u32)
            .map(|c| match successors.get(self.dict.text(c)).cloned() {
                Some(next) => self.dict.code(&next),
                None => c,
            })
            .collect();
        let g_trend: Vec<u32> = self.g_code.iter().map(|c| trend[*c as usize]).collect();
        let idx: Vec<u32> = (0..self.rdate.len() as u32).collect();
        let incidents = df!(
            "idx" => idx,
            "event" => self.event,
            "rdate" => self.rdate,
            "year" => self.year,
            "month" => self.month,
            "status" => self.status,
            "unit" => self.unit,
            "municipality" => self.municipality,
            "registration_type" => self.rtype,
            "channel" => self.channel,
            "domain" => self.domain,
            "victim_kind" => self.victim,
            "police" => self.police,
            "suspect" => self.suspect,
            "grounds_n" => self.grounds_n,
        )?;
        Ok(Frames {
            incidents,
            grounds: df!("idx" => self.g_idx, "code" => self.g_code, "trend_code" => g_trend)?,
            members: df!(
                "idx" => self.member_idx,
                "event" => self.member_event,
                "status" => self.member_status,
                "rdate" => self.member_rdate,
                "registered" => self.member_registered,
                "number" => self.member_number,
            )?,
            manifestations: df!("idx" => self.m_idx, "code" => self.m_code)?,
            articles: df!("idx" => self.a_idx, "code" => self.a_code)?,
            fingerprint,
            dict: self.dict,
        })
    }
}

const POLICE_VICTIM: &str = "POLITIEMEDEWERKER";
const MONTHS: [&str; 12] = [
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

fn fingerprint(first: Sha256, second: Sha256) -> String {
    let mut both = Sha256::new();
    both.update(first.finalize());
    both.update(second.finalize());
    hex::encode(both.finalize())
}

/// Reads the registrations (all units, or one) in one pass into frames. On SQLite
/// the two halves of the table are read in parallel, each on its own connection.
pub fn load(db: &Db, catalog: &Catalog, unit: Option<&str>) -> anyhow::Result<Frames> {
    let successors = successors(catalog);
    let (columns, print) = match db.sqlite_path() {
        Some(path) => sqlite::load(path, unit),
        None => load_diesel(&mut *db.conn()?, unit),
    }?;
    Ok(columns.into_frames(print, &successors)?)
}

type Row = (
    String,
    i32,
    NaiveDateTime,
    Option<NaiveDate>,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<i32>,
    String,
);

/// PostgreSQL: rows streamed on the backend's own connection (faster than through
/// MultiConnection); the fingerprint's halves split at the middle row.
fn load_diesel(conn: &mut AnyConnection, unit: Option<&str>) -> anyhow::Result<(Columns, String)> {
    let mut count = incidents::table.count().into_boxed();
    if let Some(unit) = unit {
        count = count.filter(incidents::unit.eq(unit.to_owned()));
    }
    let rows: i64 = count.get_result(conn)?;
    let half = rows / 2;
    let mut columns = Columns::with_capacity(rows as usize);
    let mut first_half = Sha256::new();
    crate::per_backend!(conn, |c| {
        let mut q = incidents::table
            .select((
                incidents::registration_number,
                incidents::version,
                incidents::registered_at,
                incidents::occurred_from,
                incidents::status,
                incidents::event_id,
                incidents::unit,
                incidents::municipality,
                incidents::registration_type,
                incidents::channel,
                incidents::grounds,
                incidents::domain,
                incidents::manifestations,
                incidents::victim_kind,
                incidents::suspect_known,
                incidents::articles,
            ))
            .order(incidents::id)
            .into_boxed();
        if let Some(unit) = unit {
            q = q.filter(incidents::unit.eq(unit.to_owned()));
        }
        for (n, row) in q
            .load_iter::<Row, diesel::connection::DefaultLoadingMode>(c)?
            .enumerate()
        {
            let r = row?;
            if n as i64 == half {
                first_half = std::mem::take(&mut columns.hash);
            }
            columns.push(Fields {
                number: &r.0,
                version: r.1,
                registered_at: r.2,
                occurred_from: r.3,
                status: &r.4,
                event_id: r.5.as_deref(),
                unit: &r.6,
                municipality: r.7.as_deref(),
                registration_type: &r.8,
                channel: &r.9,
                grounds: &r.10,
                domain: r.11.as_deref(),
                manifestations: &r.12,
                victim_kind: r.13.as_deref(),
                suspect_known: r.14,
                articles: &r.15,
            });
        }
        anyhow::Ok(())
    })?;
    let second_half = std::mem::take(&mut columns.hash);
    Ok((columns, fingerprint(first_half, second_half)))
}

/// SQLite: rusqlite reads the stored text in place (no copy per field), the two
/// halves of the table at once, each on its own connection, in storage order (the
/// fingerprint's halves are the halves of the table).
mod sqlite {
    use super::*;
    use crate::db::direct;
    use rusqlite::types::ValueRef;
    use rusqlite::ToSql;

    pub fn load(path: &str, unit: Option<&str>) -> anyhow::Result<(Columns, String)> {
        let ranges = direct::rowid_ranges(&direct::open_read(path)?, 2)?;
        // The first half's columns get room for both halves, so appending the second
        // does not move them.
        let all = ranges.last().map_or(0, |r| r.1) - ranges.first().map_or(0, |r| r.0);
        let (first, second) = std::thread::scope(|s| {
            let later = ranges
                .get(1)
                .map(|r| s.spawn(|| read(path, unit, *r, (r.1 - r.0) as usize)));
            let first = match ranges.first() {
                None => Ok(Columns::default()),
                Some(r) => read(path, unit, *r, all as usize),
            };
            (first, later.map(|t| t.join()))
        });
        let mut first = first?;
        let mut second = match second {
            Some(joined) => joined.map_err(|_| anyhow::anyhow!("reading rows failed"))??,
            None => Columns::default(),
        };
        let print = fingerprint(
            std::mem::take(&mut first.hash),
            std::mem::take(&mut second.hash),
        );
        first.append(second);
        Ok((first, print))
    }

    /// The rows of a rowid range, in storage order, into columns with room for
    /// `capacity` rows (more than a unit's share: room never written costs no
    /// memory).
    fn read(
        path: &str,
        unit: Option<&str>,
        (start, end): (i64, i64),
        capacity: usize,
    ) -> anyhow::Result<Columns> {
        let conn = direct::open_read(path)?;
        let mut params: Vec<&dyn ToSql> = vec![&start, &end];
        let filter = match &unit {
            Some(u) => {
                params.push(u);
                "AND unit = ?3"
            }
            None => "",
        };
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM incidents WHERE rowid >= ?1 AND rowid < ?2 {filter} ORDER BY rowid"
        ))?;
        let mut rows = stmt.query(params.as_slice())?;
        let mut columns = Columns::with_capacity(capacity);
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> anyhow::Result<Option<&str>> {
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => None,
                    v => Some(v.as_str()?),
                })
            };
            let req = |i: usize| -> anyhow::Result<&str> {
                text(i)?.ok_or_else(|| anyhow::anyhow!("column {i} is NULL"))
            };
            let stored = |t: &str| {
                direct::stored_timestamp(t)
                    .ok_or_else(|| anyhow::anyhow!("{t:?} is not a stored timestamp"))
            };
            let date = |t: &str| {
                direct::stored_date(t).ok_or_else(|| anyhow::anyhow!("{t:?} is not a stored date"))
            };
            let fields = Fields {
                number: req(0)?,
                version: r.get(1)?,
                registered_at: stored(req(2)?)?,
                occurred_from: text(3)?.map(date).transpose()?,
                status: req(4)?,
                event_id: text(5)?,
                unit: req(6)?,
                municipality: text(7)?,
                registration_type: req(8)?,
                channel: req(9)?,
                grounds: req(10)?,
                domain: text(11)?,
                manifestations: req(12)?,
                victim_kind: text(13)?,
                suspect_known: r.get(14)?,
                articles: req(15)?,
            };
            columns.push(fields);
        }
        Ok(columns)
    }
}
