//! An incident's user-set fields in checked types, and the rules of domain.md
//! "Every report is taken": incomplete is fine (status INCOMPLETE), a value that breaks
//! the uniform registration is refused with the field and the allowed values.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::fields::IncidentFields;
use super::model::{join_codes, split_codes, IncidentRow};
use crate::dates;
use crate::error::FieldError;

/// Longest short text (source reference, district, basic team, event id), in characters.
pub const MAX_TEXT: usize = 200;
/// Longest summary, in characters.
pub const MAX_SUMMARY: usize = 500;
/// Longest narrative, in characters.
pub const MAX_NARRATIVE: usize = 50_000;

/// The classification fields whose absence makes an incident INCOMPLETE.
pub const CLASSIFICATION: [&str; 4] = ["grounds", "manifestations", "domain", "victim_kind"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    pub registration_number: Option<String>,
    pub source_reference: Option<String>,
    #[serde(serialize_with = "rfc3339")]
    pub registered_at: NaiveDateTime,
    pub occurred_from: Option<NaiveDate>,
    pub occurred_to: Option<NaiveDate>,
    pub unit: String,
    pub district: Option<String>,
    pub basic_team: Option<String>,
    pub municipality: Option<String>,
    pub registration_type: String,
    pub channel: String,
    pub grounds: Vec<String>,
    pub manifestations: Vec<String>,
    pub domain: Option<String>,
    pub articles: Vec<String>,
    pub victim_kind: Option<String>,
    pub suspect_known: Option<bool>,
    pub summary: Option<String>,
    pub narrative: Option<String>,
    pub event_id: Option<String>,
}

fn rfc3339<S: serde::Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&dates::to_rfc3339(*at))
}

trait Micros {
    fn with_nanosecond_micros(self) -> Self;
}

impl Micros for NaiveDateTime {
    fn with_nanosecond_micros(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(self.nanosecond() / 1000 * 1000)
            .unwrap_or(self)
    }
}

impl Draft {
    /// An empty registration in `unit`, registered `at` (UTC).
    pub fn new(unit: String, at: NaiveDateTime) -> Draft {
        Draft {
            registration_number: None,
            source_reference: None,
            registered_at: at,
            occurred_from: None,
            occurred_to: None,
            unit,
            district: None,
            basic_team: None,
            municipality: None,
            registration_type: String::new(),
            channel: String::new(),
            grounds: Vec::new(),
            manifestations: Vec::new(),
            domain: None,
            articles: Vec::new(),
            victim_kind: None,
            suspect_known: None,
            summary: None,
            narrative: None,
            event_id: None,
        }
    }

    pub fn from_row(row: &IncidentRow) -> Draft {
        Draft {
            registration_number: Some(row.registration_number.clone()),
            source_reference: row.source_reference.clone(),
            registered_at: row.registered_at,
            occurred_from: row.occurred_from,
            occurred_to: row.occurred_to,
            unit: row.unit.clone(),
            district: row.district.clone(),
            basic_team: row.basic_team.clone(),
            municipality: row.municipality.clone(),
            registration_type: row.registration_type.clone(),
            channel: row.channel.clone(),
            grounds: split_codes(&row.grounds),
            manifestations: split_codes(&row.manifestations),
            domain: row.domain.clone(),
            articles: split_codes(&row.articles),
            victim_kind: row.victim_kind.clone(),
            suspect_known: row.suspect_known.map(|v| v != 0),
            summary: row.summary.clone(),
            narrative: row.narrative.clone(),
            event_id: row.event_id.clone(),
        }
    }

    /// Writes the draft's fields into a row (identity, status and version untouched).
    pub fn write_into(&self, row: &mut IncidentRow) {
        if let Some(number) = &self.registration_number {
            row.registration_number = number.clone();
        }
        row.source_reference = self.source_reference.clone();
        row.registered_at = self.registered_at;
        row.occurred_from = self.occurred_from;
        row.occurred_to = self.occurred_to;
        row.unit = self.unit.clone();
        row.district = self.district.clone();
        row.basic_team = self.basic_team.clone();
        row.municipality = self.municipality.clone();
        row.registration_type = self.registration_type.clone();
        row.channel = self.channel.clone();
        row.grounds = join_codes(&self.grounds);
        row.manifestations = join_codes(&self.manifestations);
        row.domain = self.domain.clone();
        row.articles = join_codes(&self.articles);
        row.victim_kind = self.victim_kind.clone();
        row.suspect_known = self.suspect_known.map(i32::from);
        row.summary = self.summary.clone();
        row.narrative = self.narrative.clone();
        row.event_id = self.event_id.clone();
    }

    /// Applies the fields a user sent. At registration (`new`) every field may be set;
    /// afterwards the registration number, time and unit are fixed. Malformed values
    /// are collected in `errors`.
    pub fn apply(&mut self, f: IncidentFields, new: bool, errors: &mut Vec<FieldError>) {
        let fixed = |name: &str, errors: &mut Vec<FieldError>| {
            errors.push(FieldError::new(
                name,
                "is set at registration and cannot be changed",
            ));
        };
        if let Some(v) = f.registration_number {
            if new {
                self.registration_number = text(v);
            } else {
                fixed("registration_number", errors);
            }
        }
        if let Some(v) = f.registered_at {
            if !new {
                fixed("registered_at", errors);
            } else if let Some(v) = text(v) {
                match dates::parse_timestamp(&v) {
                    Ok(t) => self.registered_at = t.naive_utc().with_nanosecond_micros(),
                    Err(m) => errors.push(FieldError::new("registered_at", m)),
                }
            }
        }
        if let Some(v) = f.unit {
            match (new, text(v)) {
                (true, Some(unit)) => self.unit = unit,
                (true, None) => {}
                (false, _) => fixed("unit", errors),
            }
        }
        if let Some(v) = f.occurred_from {
            self.occurred_from = date("occurred_from", v, errors);
        }
        if let Some(v) = f.occurred_to {
            self.occurred_to = date("occurred_to", v, errors);
        }
        set_text(&mut self.source_reference, f.source_reference);
        set_text(&mut self.district, f.district);
        set_text(&mut self.basic_team, f.basic_team);
        set_text(&mut self.municipality, f.municipality);
        if let Some(v) = f.registration_type {
            self.registration_type = text(v).unwrap_or_default();
        }
        if let Some(v) = f.channel {
            self.channel = text(v).unwrap_or_default();
        }
        set_codes(&mut self.grounds, f.grounds);
        set_codes(&mut self.manifestations, f.manifestations);
        set_codes(&mut self.articles, f.articles);
        set_text(&mut self.domain, f.domain);
        set_text(&mut self.victim_kind, f.victim_kind);
        if let Some(v) = f.suspect_known {
            self.suspect_known = v;
        }
        set_text(
            &mut self.summary,
            f.summary.map(|v| v.map(crate::text::unify_line_breaks)),
        );
        set_text(
            &mut self.narrative,
            f.narrative.map(|v| v.map(crate::text::unify_line_breaks)),
        );
        set_text(&mut self.event_id, f.event_id);
    }

    /// The classification fields still missing.
    pub fn missing(&self) -> Vec<&'static str> {
        let present = [
            !self.grounds.is_empty(),
            !self.manifestations.is_empty(),
            self.domain.is_some(),
            self.victim_kind.is_some(),
        ];
        CLASSIFICATION
            .into_iter()
            .zip(present)
            .filter(|(_, p)| !p)
            .map(|(name, _)| name)
            .collect()
    }

    /// The date codes are checked against: the registration date in Amsterdam.
    pub fn registration_date(&self) -> NaiveDate {
        dates::amsterdam_date(self.registered_at.and_utc())
    }

    /// The fields that differ from `before`, as `{field: {"old": …, "new": …}}`.
    pub fn changes_since(
        &self,
        before: Option<&Draft>,
    ) -> serde_json::Map<String, serde_json::Value> {
        let new = to_map(self);
        let old = before.map(to_map).unwrap_or_default();
        new.into_iter()
            .filter_map(|(k, v)| {
                let was = old.get(&k).cloned().unwrap_or(serde_json::Value::Null);
                (was != v).then(|| (k, serde_json::json!({"old": was, "new": v})))
            })
            .collect()
    }
}

fn to_map(d: &Draft) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(d) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    }
}

/// Trimmed text; empty counts as absent.
fn text(v: Option<String>) -> Option<String> {
    v.map(trimmed).filter(|s| !s.is_empty())
}

/// `s` without surrounding white space; the same string when it has none.
fn trimmed(s: String) -> String {
    match s.trim() {
        t if t.len() == s.len() => s,
        t => t.to_owned(),
    }
}

fn set_text(slot: &mut Option<String>, v: Option<Option<String>>) {
    if let Some(v) = v {
        *slot = text(v);
    }
}

fn set_codes(slot: &mut Vec<String>, v: Option<Option<Vec<String>>>) {
    if let Some(v) = v {
        *slot = v
            .unwrap_or_default()
            .into_iter()
            .map(trimmed)
            .filter(|c| !c.is_empty())
            .collect();
    }
}

fn date(field: &str, v: Option<String>, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let v = text(v)?;
    dates::parse_date(&v)
        .map_err(|m| errors.push(FieldError::new(field, m)))
        .ok()
}
