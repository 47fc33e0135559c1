//! The frames' columns, filled row by row from whichever reader.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::{Dict, Frames, UNKNOWN};
use crate::dates;

/// One registration as the report reads it, borrowed from whichever reader (the
/// columns of `selection!`, in its order).
pub(super) struct Fields<'a> {
    pub number: &'a str,
    pub version: i32,
    /// UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]` as stored.
    pub registered_at: NaiveDateTime,
    pub occurred_from: Option<NaiveDate>,
    pub status: &'a str,
    pub event_id: Option<&'a str>,
    pub unit: &'a str,
    pub municipality: Option<&'a str>,
    pub registration_type: &'a str,
    pub channel: &'a str,
    pub grounds: &'a str,
    pub domain: Option<&'a str>,
    pub manifestations: &'a str,
    pub victim_kind: Option<&'a str>,
    pub suspect_known: Option<i32>,
    pub articles: &'a str,
}

/// The columns of one part of the rows, filled row by row (the rows themselves are
/// never all in memory).
#[derive(Default)]
pub(super) struct Columns {
    pub hash: Sha256,
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
    pub fn with_capacity(rows: usize) -> Columns {
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

    pub fn push(&mut self, row: Fields<'_>) {
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
    pub fn append(&mut self, other: Columns) {
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
    pub fn into_frames(
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
