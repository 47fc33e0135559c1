//! The stored incident, its history, and how both are shown to a user.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::db::schema::{incident_history, incidents};

/// The life cycle of domain.md: INCOMPLETE → REGISTERED → CONFIRMED / REJECTED, with
/// NEEDS_INFO when the screener asks for more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Incomplete,
    Registered,
    NeedsInfo,
    Confirmed,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Incomplete,
        Status::Registered,
        Status::NeedsInfo,
        Status::Confirmed,
        Status::Rejected,
    ];

    /// Decided by the screener (see [`Status::is_screened`]).
    pub const DECIDED: [Status; 2] = [Status::Confirmed, Status::Rejected];

    /// Waiting for the screener's decision.
    pub const UNDECIDED: [Status; 3] = [Status::Incomplete, Status::Registered, Status::NeedsInfo];

    /// The stored and shown name (`NEEDS_INFO`, …): the one mapping of statuses to text.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Incomplete => "INCOMPLETE",
            Status::Registered => "REGISTERED",
            Status::NeedsInfo => "NEEDS_INFO",
            Status::Confirmed => "CONFIRMED",
            Status::Rejected => "REJECTED",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn names() -> Vec<String> {
        Status::ALL.iter().map(|s| s.as_str().to_owned()).collect()
    }

    /// A new registration's status: REGISTERED when no classification field is
    /// missing, else INCOMPLETE (domain.md, "Every report is taken").
    pub fn on_registration(complete: bool) -> Status {
        match complete {
            true => Status::Registered,
            false => Status::Incomplete,
        }
    }

    /// The status after a correction: a decided incident keeps its decision; an
    /// undecided one is REGISTERED once complete, NEEDS_INFO stays until then, and
    /// anything else incomplete is INCOMPLETE.
    pub fn after_correction(self, complete: bool) -> Status {
        match self {
            Status::Confirmed | Status::Rejected => self,
            Status::Incomplete | Status::Registered | Status::NeedsInfo if complete => {
                Status::Registered
            }
            Status::NeedsInfo => Status::NeedsInfo,
            _ => Status::Incomplete,
        }
    }

    /// Screened incidents are decided; only a screener changes them.
    pub fn is_screened(self) -> bool {
        Status::DECIDED.contains(&self)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of `incidents`. Multi-valued codes are stored joined by `|`, as in the
/// exchange CSV; `suspect_known` as 0/1.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = incidents, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct IncidentRow {
    pub id: String,
    pub registration_number: String,
    pub source_reference: Option<String>,
    pub registered_at: NaiveDateTime,
    pub occurred_from: Option<NaiveDate>,
    pub occurred_to: Option<NaiveDate>,
    pub unit: String,
    pub district: Option<String>,
    pub basic_team: Option<String>,
    pub municipality: Option<String>,
    pub registration_type: String,
    pub channel: String,
    pub grounds: String,
    pub manifestations: String,
    pub domain: Option<String>,
    pub articles: String,
    pub victim_kind: Option<String>,
    pub suspect_known: Option<i32>,
    pub summary: Option<String>,
    pub narrative: Option<String>,
    pub status: String,
    pub rejection_reason: Option<String>,
    pub screened_at: Option<NaiveDateTime>,
    pub prosecution_status: Option<String>,
    pub forwarded_on: Option<NaiveDate>,
    pub prosecution_updated_on: Option<NaiveDate>,
    pub event_id: Option<String>,
    pub version: i32,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
}

impl IncidentRow {
    /// A new row holding `draft` (whose registration number must be set), at version 1.
    pub fn new(
        draft: super::Draft,
        status: Status,
        created_by: &str,
        at: NaiveDateTime,
    ) -> IncidentRow {
        IncidentRow {
            // Time-ordered (v7): new rows land at the end of the id index instead of on
            // a random page, so a commit writes far fewer pages.
            id: uuid::Uuid::now_v7().to_string(),
            registration_number: draft.registration_number.unwrap_or_default(),
            source_reference: draft.source_reference,
            registered_at: draft.registered_at,
            occurred_from: draft.occurred_from,
            occurred_to: draft.occurred_to,
            unit: draft.unit,
            district: draft.district,
            basic_team: draft.basic_team,
            municipality: draft.municipality,
            registration_type: draft.registration_type,
            channel: draft.channel,
            grounds: join_codes(&draft.grounds),
            manifestations: join_codes(&draft.manifestations),
            domain: draft.domain,
            articles: join_codes(&draft.articles),
            victim_kind: draft.victim_kind,
            suspect_known: draft.suspect_known.map(i32::from),
            summary: draft.summary,
            narrative: draft.narrative,
            status: status.as_str().to_owned(),
            rejection_reason: None,
            screened_at: None,
            prosecution_status: None,
            forwarded_on: None,
            prosecution_updated_on: None,
            event_id: draft.event_id,
            version: 1,
            created_by: created_by.to_owned(),
            updated_at: at,
        }
    }

    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Incomplete)
    }
}

pub fn split_codes(joined: &str) -> Vec<String> {
    joined
        .split('|')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn join_codes(codes: &[String]) -> String {
    codes.join("|")
}

/// One entry of an incident's history.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = incident_history)]
pub struct HistoryRow {
    pub id: i64,
    pub incident_id: String,
    pub version: i32,
    pub at: NaiveDateTime,
    pub user_name: String,
    pub action: String,
    pub changes: String,
}

/// A change to an incident: who, when, what, and each field's old and new value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// The version the change produced.
    pub version: i32,
    /// RFC 3339, Europe/Amsterdam offset.
    pub at: String,
    pub user: String,
    /// `registered`, `updated`, …
    pub action: String,
    /// `{field: {"old": …, "new": …}}`
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
}

impl From<HistoryRow> for HistoryEntry {
    fn from(row: HistoryRow) -> Self {
        HistoryEntry {
            version: row.version,
            at: crate::dates::to_rfc3339(row.at),
            user: row.user_name,
            action: row.action,
            changes: serde_json::from_str(&row.changes).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// An incident as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Incident {
    pub id: String,
    /// `{UNIT}-{YYYY}-{NNNNNN}` unless given at registration.
    pub registration_number: String,
    pub source_reference: Option<String>,
    /// RFC 3339, Europe/Amsterdam offset.
    pub registered_at: String,
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
    /// Only for users of the incident's own unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    pub status: Status,
    /// Classification fields still missing (status INCOMPLETE).
    pub missing: Vec<String>,
    pub rejection_reason: Option<String>,
    pub screened_at: Option<String>,
    pub prosecution_status: Option<String>,
    pub forwarded_on: Option<NaiveDate>,
    pub prosecution_updated_on: Option<NaiveDate>,
    pub event_id: Option<String>,
    /// Increments on every change; send it back in `If-Match` to change the incident.
    pub version: i32,
    /// Every change, oldest first (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
    /// When the retention policy removed the incident's personal and free-text data
    /// (RFC 3339, Europe/Amsterdam offset; `docs/retention.md`); absent while it has
    /// not (and in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_data_removed_at: Option<String>,
}

impl Incident {
    /// Shows `row` to `principal`: the narrative only within the unit.
    pub fn view(
        row: IncidentRow,
        principal: &Principal,
        history: Option<Vec<HistoryEntry>>,
    ) -> Incident {
        let draft = super::Draft::from_row(&row);
        let missing = draft.missing().into_iter().map(str::to_owned).collect();
        let status = row.status();
        let own_unit = principal.reads_narrative_of(&row.unit);
        let narrative = if own_unit { row.narrative } else { None };
        // The history holds old and new narratives too: outside the unit only the fact
        // that it changed is shown.
        let history = history.map(|mut entries| {
            if !own_unit {
                for entry in &mut entries {
                    if let Some(change) = entry.changes.get_mut("narrative") {
                        *change =
                            serde_json::json!({"hidden": "the narrative stays within the unit"});
                    }
                }
            }
            entries
        });
        Incident {
            status,
            id: row.id,
            registration_number: row.registration_number,
            source_reference: row.source_reference,
            registered_at: crate::dates::to_rfc3339(row.registered_at),
            occurred_from: row.occurred_from,
            occurred_to: row.occurred_to,
            unit: row.unit,
            district: row.district,
            basic_team: row.basic_team,
            municipality: row.municipality,
            registration_type: row.registration_type,
            channel: row.channel,
            grounds: split_codes(&row.grounds),
            manifestations: split_codes(&row.manifestations),
            domain: row.domain,
            articles: split_codes(&row.articles),
            victim_kind: row.victim_kind,
            suspect_known: row.suspect_known.map(|v| v != 0),
            summary: row.summary,
            narrative,
            missing,
            rejection_reason: row.rejection_reason,
            screened_at: row.screened_at.map(crate::dates::to_rfc3339),
            prosecution_status: row.prosecution_status,
            forwarded_on: row.forwarded_on,
            prosecution_updated_on: row.prosecution_updated_on,
            event_id: row.event_id,
            version: row.version,
            history,
            personal_data_removed_at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn a_correction_keeps_a_decision_and_completes_an_undecided_incident() {
        for decided in Status::DECIDED {
            assert_eq!(decided.after_correction(true), decided);
            assert_eq!(decided.after_correction(false), decided);
        }
        for undecided in Status::UNDECIDED {
            assert_eq!(undecided.after_correction(true), Status::Registered);
        }
        assert_eq!(Status::NeedsInfo.after_correction(false), Status::NeedsInfo);
        assert_eq!(
            Status::Registered.after_correction(false),
            Status::Incomplete
        );
        assert_eq!(Status::on_registration(false), Status::Incomplete);
        assert_eq!(Status::on_registration(true), Status::Registered);
    }

    #[test]
    fn every_status_reads_back_from_its_name() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
            assert_eq!(status.is_screened(), Status::DECIDED.contains(&status));
        }
    }
}
