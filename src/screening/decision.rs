//! Applying a screening decision or a reopening to an incident, with its history.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::codes::Catalog;
use crate::db::AnyConnection;
use crate::error::{AppError, FieldError};
use crate::incidents::store;
use crate::incidents::{Draft, Incident, IncidentFields, Status};

/// A screening decision (`outcome` from the `screening_outcome` list).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// BEVESTIGD, AFGEWEZEN or NADERE_INFO.
    pub outcome: String,
    /// Code of the `rejection_reason` list; required with AFGEWEZEN.
    pub reason: Option<String>,
    /// Corrections of the classification, with BEVESTIGD only.
    pub grounds: Option<Vec<String>>,
    pub manifestations: Option<Vec<String>>,
    pub domain: Option<String>,
    pub articles: Option<Vec<String>>,
    pub victim_kind: Option<String>,
    /// What more information is needed; required with NADERE_INFO.
    pub note: Option<String>,
}

impl Decision {
    fn corrects(&self) -> bool {
        self.grounds.is_some()
            || self.manifestations.is_some()
            || self.domain.is_some()
            || self.articles.is_some()
            || self.victim_kind.is_some()
    }
}

/// The outcomes of the `screening_outcome` list and what each does (domain.md,
/// "Screening"); the codes themselves are in the reference fixtures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// BEVESTIGD: a discrimination incident; the classification must be complete.
    Confirm,
    /// AFGEWEZEN: not one; a rejection reason is required.
    Reject,
    /// NADERE_INFO: the registrar is asked for more; a note says what.
    AskForInformation,
}

impl Outcome {
    /// The outcome of a code of the `screening_outcome` list (already checked
    /// against the list); `None` for a code dira does not know how to apply.
    pub fn of_code(code: &str) -> Option<Outcome> {
        match code {
            "BEVESTIGD" => Some(Outcome::Confirm),
            "AFGEWEZEN" => Some(Outcome::Reject),
            "NADERE_INFO" => Some(Outcome::AskForInformation),
            _ => None,
        }
    }

    /// The status the incident gets.
    pub fn status(self) -> Status {
        match self {
            Outcome::Confirm => Status::Confirmed,
            Outcome::Reject => Status::Rejected,
            Outcome::AskForInformation => Status::NeedsInfo,
        }
    }
}

/// Loads an incident the screener may decide on, at the expected version.
fn load(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
    expected: &store::Precondition,
) -> Result<crate::incidents::IncidentRow, AppError> {
    let row = store::get_in_scope(conn, principal, id)?;
    expected.check(row.version)?;
    Ok(row)
}

/// Applies a decision; the original classification and the decision stay in the history.
pub fn decide(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    principal: &Principal,
    id: &str,
    expected: &store::Precondition,
    decision: &Decision,
    now: NaiveDateTime,
) -> Result<Incident, AppError> {
    let mut row = load(conn, principal, id, expected)?;
    let status = row.status();
    if status.is_screened() {
        return Err(AppError::Conflict(
            format!("the incident is already {status}; reopen it first"),
            Vec::new(),
        ));
    }
    let today = crate::dates::amsterdam_date(now.and_utc());
    catalog
        .check("outcome", "screening_outcome", &decision.outcome, today)
        .map_err(|e| AppError::Validation(vec![e]))?;
    let outcome = Outcome::of_code(&decision.outcome).unwrap_or(Outcome::AskForInformation);
    let before = Draft::from_row(&row);
    let mut after = before.clone();
    let mut errors = Vec::new();
    let note = decision
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .and_then(|n| {
            crate::text::note(n)
                .map_err(|m| errors.push(FieldError::new("note", m)))
                .ok()
        });
    let new_status = outcome.status();
    let checks = Checks {
        catalog,
        now,
        today,
    };
    checks.outcome(outcome, decision, &mut after, note.is_none(), &mut errors);
    if decision.corrects() && new_status != Status::Confirmed {
        errors.push(FieldError::new(
            "outcome",
            "corrections of the classification come with BEVESTIGD only",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut changes = after.changes_since(Some(&before));
    let at = now;
    let reason = (new_status == Status::Rejected)
        .then(|| decision.reason.clone())
        .flatten();
    let screened_at = new_status.is_screened().then_some(at);
    changes.insert(
        "outcome".into(),
        serde_json::json!({"old": null, "new": decision.outcome}),
    );
    changes.insert(
        "status".into(),
        serde_json::json!({"old": status.as_str(), "new": new_status.as_str()}),
    );
    if reason != row.rejection_reason {
        changes.insert(
            "rejection_reason".into(),
            serde_json::json!({"old": row.rejection_reason, "new": reason}),
        );
    }
    if let Some(note) = note {
        changes.insert("note".into(), serde_json::json!({"old": null, "new": note}));
    }
    after.write_into(&mut row);
    row.status = new_status.as_str().to_owned();
    row.rejection_reason = reason;
    row.screened_at = screened_at;
    save(conn, principal, row, "screened", changes, at)
}

/// What a decision is checked against: the code lists, at `now` (UTC) and `today`
/// (Europe/Amsterdam).
struct Checks<'c> {
    catalog: &'c Catalog,
    now: NaiveDateTime,
    today: chrono::NaiveDate,
}

impl Checks<'_> {
    /// What each outcome requires: a complete (corrected) classification to confirm,
    /// a reason on the list to reject, a note to ask for more information.
    fn outcome(
        &self,
        outcome: Outcome,
        decision: &Decision,
        after: &mut Draft,
        no_note: bool,
        errors: &mut Vec<FieldError>,
    ) {
        match outcome {
            Outcome::Confirm => {
                let fields = IncidentFields {
                    grounds: decision.grounds.clone().map(Some),
                    manifestations: decision.manifestations.clone().map(Some),
                    domain: decision.domain.clone().map(Some),
                    articles: decision.articles.clone().map(Some),
                    victim_kind: decision.victim_kind.clone().map(Some),
                    ..IncidentFields::default()
                };
                after.apply(fields, false, errors);
                after.validate(self.catalog, self.now, errors);
                for field in after.missing() {
                    errors.push(FieldError::new(
                        field,
                        "is required to confirm the incident",
                    ));
                }
            }
            Outcome::Reject => match decision.reason.as_deref() {
                None | Some("") => errors.push(
                    FieldError::new("reason", "is required to reject an incident")
                        .allowed(self.catalog.valid_codes("rejection_reason", self.today)),
                ),
                Some(reason) => {
                    if let Err(e) =
                        self.catalog
                            .check("reason", "rejection_reason", reason, self.today)
                    {
                        errors.push(e);
                    }
                }
            },
            Outcome::AskForInformation => {
                if no_note && !errors.iter().any(|e| e.field == "note") {
                    errors.push(FieldError::new(
                        "note",
                        "is required: say what information is needed",
                    ));
                }
            }
        }
    }
}

/// Sends a CONFIRMED or REJECTED incident back to REGISTERED.
pub fn reopen(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
    expected: &store::Precondition,
    reason: &str,
    now: NaiveDateTime,
) -> Result<Incident, AppError> {
    let mut row = load(conn, principal, id, expected)?;
    let status = row.status();
    if !status.is_screened() {
        return Err(AppError::Conflict(
            format!("the incident is {status}: only a decided incident is reopened"),
            Vec::new(),
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "is required: say why the incident is reopened",
        ));
    }
    let reason = crate::text::note(reason).map_err(|m| AppError::field("reason", m))?;
    let mut changes = serde_json::Map::new();
    changes.insert(
        "status".into(),
        serde_json::json!({"old": status.as_str(), "new": Status::Registered.as_str()}),
    );
    changes.insert(
        "reason".into(),
        serde_json::json!({"old": null, "new": reason}),
    );
    if row.rejection_reason.is_some() {
        changes.insert(
            "rejection_reason".into(),
            serde_json::json!({"old": row.rejection_reason, "new": null}),
        );
    }
    row.status = Status::Registered.as_str().to_owned();
    row.rejection_reason = None;
    row.screened_at = None;
    save(conn, principal, row, "reopened", changes, now)
}

fn save(
    conn: &mut AnyConnection,
    principal: &Principal,
    mut row: crate::incidents::IncidentRow,
    action: &str,
    changes: serde_json::Map<String, serde_json::Value>,
    at: NaiveDateTime,
) -> Result<Incident, AppError> {
    store::save_change(conn, &mut row, &principal.user, action, changes, at)?;
    store::view(conn, row, principal)
}
