//! The screening queue of a unit: every undecided incident and every open candidate,
//! oldest first, with its age and whether it is overdue.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::dates;
use crate::db::schema::{candidates, incidents};
use crate::db::AnyConnection;
use crate::incidents::{model_codes, Status};

/// The pseudo-status of candidates in the queue.
pub const CANDIDATE: &str = "CANDIDATE";
const MAX_ITEMS: i64 = 5000;

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    /// `incident` or `candidate`.
    pub kind: &'static str,
    pub id: String,
    /// Incidents: the registration number; candidates: absent.
    pub registration_number: Option<String>,
    pub source_reference: Option<String>,
    /// RFC 3339, Europe/Amsterdam offset.
    pub registered_at: String,
    /// Whole days since the registration date (Europe/Amsterdam).
    pub age_days: i64,
    /// Older than the target and still undecided.
    pub overdue: bool,
    /// Incident status, or CANDIDATE.
    pub status: String,
    pub district: Option<String>,
    pub summary: Option<String>,
    pub grounds: Vec<String>,
    /// Candidates: the terms and codes that matched.
    pub matched: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Queue {
    pub unit: String,
    pub target_days: i64,
    /// Oldest first.
    pub items: Vec<QueueItem>,
}

pub struct QueueFilter {
    pub unit: String,
    pub status: Option<String>,
    pub district: Option<String>,
    pub target_days: i64,
    /// The date ages are counted to (today in Europe/Amsterdam).
    pub today: NaiveDate,
}

/// Whole days from the registration date to `today`, both in Amsterdam.
pub fn age_days(registered_at: NaiveDateTime, today: NaiveDate) -> i64 {
    (today - dates::amsterdam_date(registered_at.and_utc())).num_days()
}

pub fn queue(conn: &mut AnyConnection, f: &QueueFilter) -> QueryResult<Queue> {
    let mut items = Vec::new();
    if f.status.as_deref() != Some(CANDIDATE) {
        let statuses: Vec<&str> = match &f.status {
            Some(s) => vec![s.as_str()],
            None => Status::UNDECIDED.map(Status::as_str).to_vec(),
        };
        let mut q = incidents::table
            .filter(incidents::unit.eq(&f.unit))
            .filter(incidents::status.eq_any(statuses))
            .select((
                incidents::id,
                incidents::registration_number,
                incidents::source_reference,
                incidents::registered_at,
                incidents::status,
                incidents::district,
                incidents::summary,
                incidents::grounds,
            ))
            .order(incidents::registered_at)
            .limit(MAX_ITEMS)
            .into_boxed();
        if let Some(d) = &f.district {
            q = q.filter(incidents::district.eq(d.clone()));
        }
        type Row = (
            String,
            String,
            Option<String>,
            NaiveDateTime,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        for (id, number, source, at, status, district, summary, grounds) in q.load::<Row>(conn)? {
            let age = age_days(at, f.today);
            let undecided = Status::parse(&status).is_some_and(|s| !s.is_screened());
            items.push((
                at,
                QueueItem {
                    kind: "incident",
                    id,
                    registration_number: Some(number),
                    source_reference: source,
                    registered_at: dates::to_rfc3339(at),
                    age_days: age,
                    overdue: undecided && age > f.target_days,
                    status,
                    district,
                    summary,
                    grounds: model_codes(&grounds),
                    matched: Vec::new(),
                },
            ));
        }
    }
    if f.district.is_none() && f.status.as_deref().is_none_or(|s| s == CANDIDATE) {
        let open: Vec<(String, String, NaiveDateTime, String)> = candidates::table
            .filter(candidates::unit.eq(&f.unit))
            .filter(candidates::status.eq(crate::candidates::CandidateState::Open.as_str()))
            .select((
                candidates::id,
                candidates::source_reference,
                candidates::registered_at,
                candidates::matched,
            ))
            .order(candidates::registered_at)
            .limit(MAX_ITEMS)
            .load(conn)?;
        for (id, source, at, matched) in open {
            let age = age_days(at, f.today);
            items.push((
                at,
                QueueItem {
                    kind: "candidate",
                    id,
                    registration_number: None,
                    source_reference: Some(source),
                    registered_at: dates::to_rfc3339(at),
                    age_days: age,
                    overdue: age > f.target_days,
                    status: CANDIDATE.to_owned(),
                    district: None,
                    summary: None,
                    grounds: Vec::new(),
                    matched: model_codes(&matched),
                },
            ));
        }
    }
    items.sort_by_key(|(at, _)| *at);
    Ok(Queue {
        unit: f.unit.clone(),
        target_days: f.target_days,
        items: items.into_iter().map(|(_, item)| item).collect(),
    })
}
