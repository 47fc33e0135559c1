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
use crate::db::AnyConnection;

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
    /// Per registration: idx, event, rdate (yyyymmdd), year, month, registered
    /// (µs), number, status, unit, municipality, registration_type, channel, domain,
    /// victim_kind, police, suspect, grounds_n.
    pub incidents: DataFrame,
    /// idx, code, trend_code (retired grounds mapped to their successor).
    pub grounds: DataFrame,
    /// idx, code.
    pub manifestations: DataFrame,
    /// idx, code.
    pub articles: DataFrame,
    /// SHA-256 over the registrations read (number, version, status), in id order.
    pub fingerprint: String,
    /// What the u32 columns mean.
    pub dict: Dict,
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

/// Follows `replaced_by` to the current code (GELOOF → GODSDIENST).
fn successors(catalog: &Catalog) -> HashMap<String, String> {
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

pub fn load(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    unit: Option<&str>,
) -> anyhow::Result<Frames> {
    let successors = successors(catalog);
    let police_victim = "POLITIEMEDEWERKER";
    let mut hash = Sha256::new();
    let (mut idx, mut event, mut rdate, mut year, mut month, mut registered) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let (mut number, mut status, mut unit_c, mut municipality, mut rtype, mut channel) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let (mut domain, mut victim, mut police, mut suspect, mut grounds_n) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut dict = Dict::default();
    let (mut g_idx, mut g_code, mut g_trend) = (Vec::new(), Vec::new(), Vec::new());
    let (mut m_idx, mut m_code) = (Vec::new(), Vec::new());
    let (mut a_idx, mut a_code) = (Vec::new(), Vec::new());
    let mut push = |row: Row| {
        let (num, ver, reg, occ, st, ev, un, mu, rt, ch, gr, dom, man, vk, sk, art) = row;
        let i = idx.len();
        hash.update(num.as_bytes());
        hash.update(ver.to_le_bytes());
        hash.update(st.as_bytes());
        let ev_member = ev.is_some();
        let i = i as u32;
        let day = occ.unwrap_or_else(|| dates::amsterdam_date(reg.and_utc()));
        idx.push(i);
        event.push(ev.as_deref().map(|e| dict.code(e)));
        rdate.push(day.year() * 10_000 + day.month() as i32 * 100 + day.day() as i32);
        year.push(day.year());
        month.push(dict.code(&format!("{:02}", day.month())));
        registered.push(reg.and_utc().timestamp_micros());
        // Only members of an event need their number (to break ties).
        number.push(ev_member.then_some(num));
        status.push(dict.code(&st));
        unit_c.push(dict.code(&un));
        municipality.push(dict.code(mu.as_deref().unwrap_or(UNKNOWN)));
        rtype.push(dict.code(&rt));
        channel.push(dict.code(&ch));
        domain.push(dict.code(dom.as_deref().unwrap_or(UNKNOWN)));
        police.push(vk.as_deref() == Some(police_victim));
        victim.push(dict.code(vk.as_deref().unwrap_or(UNKNOWN)));
        suspect.push(sk == Some(1));
        let mut count = 0i32;
        for g in gr.split('|').filter(|g| !g.is_empty()) {
            count += 1;
            g_idx.push(i);
            g_trend.push(dict.code(successors.get(g).map_or(g, String::as_str)));
            g_code.push(dict.code(g));
        }
        grounds_n.push(count);
        for m in man.split('|').filter(|m| !m.is_empty()) {
            m_idx.push(i);
            m_code.push(dict.code(m));
        }
        for a in art.split('|').filter(|a| !a.is_empty()) {
            a_idx.push(i);
            a_code.push(dict.code(a));
        }
    };
    // Streamed row by row into the columns (the rows are never all in memory), on
    // the backend's own connection, which reads rows faster than MultiConnection.
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
        for row in q.load_iter::<Row, diesel::connection::DefaultLoadingMode>(c)? {
            push(row?);
        }
        anyhow::Ok(())
    })?;
    let incidents = df!(
        "idx" => idx,
        "event" => event,
        "rdate" => rdate,
        "year" => year,
        "month" => month,
        "registered" => registered,
        "number" => number,
        "status" => status,
        "unit" => unit_c,
        "municipality" => municipality,
        "registration_type" => rtype,
        "channel" => channel,
        "domain" => domain,
        "victim_kind" => victim,
        "police" => police,
        "suspect" => suspect,
        "grounds_n" => grounds_n,
    )?;
    Ok(Frames {
        incidents,
        grounds: df!("idx" => g_idx, "code" => g_code, "trend_code" => g_trend)?,
        manifestations: df!("idx" => m_idx, "code" => m_code)?,
        articles: df!("idx" => a_idx, "code" => a_code)?,
        fingerprint: hex::encode(hash.finalize()),
        dict,
    })
}
