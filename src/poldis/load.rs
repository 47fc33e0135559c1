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
}

type Row = (
    String,
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
    let mut q = incidents::table
        .select((
            incidents::id,
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
    let (mut g_idx, mut g_code, mut g_trend) = (Vec::new(), Vec::new(), Vec::new());
    let (mut m_idx, mut m_code) = (Vec::new(), Vec::new());
    let (mut a_idx, mut a_code) = (Vec::new(), Vec::new());
    // Streamed row by row into the columns: the rows themselves are never all in memory.
    let rows = q.load_iter::<Row, diesel::connection::DefaultLoadingMode>(conn)?;
    for (i, row) in rows.enumerate() {
        let (_id, num, ver, reg, occ, st, ev, un, mu, rt, ch, gr, dom, man, vk, sk, art) = row?;
        hash.update(num.as_bytes());
        hash.update(ver.to_le_bytes());
        hash.update(st.as_bytes());
        let i = i as u32;
        let day = occ.unwrap_or_else(|| dates::amsterdam_date(reg.and_utc()));
        idx.push(i);
        event.push(ev);
        rdate.push(day.year() * 10_000 + day.month() as i32 * 100 + day.day() as i32);
        year.push(day.year());
        month.push(format!("{:02}", day.month()));
        registered.push(reg.and_utc().timestamp_micros());
        number.push(num);
        status.push(st);
        unit_c.push(un);
        municipality.push(mu.unwrap_or_else(|| UNKNOWN.to_owned()));
        rtype.push(rt);
        channel.push(ch);
        domain.push(dom.unwrap_or_else(|| UNKNOWN.to_owned()));
        police.push(vk.as_deref() == Some(police_victim));
        victim.push(vk.unwrap_or_else(|| UNKNOWN.to_owned()));
        suspect.push(sk == Some(1));
        let mut count = 0i32;
        for g in gr.split('|').filter(|g| !g.is_empty()) {
            count += 1;
            g_idx.push(i);
            g_trend.push(successors.get(g).cloned().unwrap_or_else(|| g.to_owned()));
            g_code.push(g.to_owned());
        }
        grounds_n.push(count);
        for m in man.split('|').filter(|m| !m.is_empty()) {
            m_idx.push(i);
            m_code.push(m.to_owned());
        }
        for a in art.split('|').filter(|a| !a.is_empty()) {
            a_idx.push(i);
            a_code.push(a.to_owned());
        }
    }
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
    })
}
