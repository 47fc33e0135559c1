//! Keeping an incident's prosecution status current.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::codes::Catalog;
use crate::dates;
use crate::db::AnyConnection;
use crate::error::{AppError, FieldError};
use crate::incidents::{store, Incident};

/// The one status that means the case did not go to the OM; every other status has
/// been forwarded and needs the date it was.
pub const NOT_FORWARDED: &str = "NIET_INGEZONDEN";

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProsecutionUpdate {
    /// Code of the `prosecution_status` list.
    pub prosecution_status: String,
    /// `YYYY-MM-DD`: when the case went to the OM; required for every status but
    /// NIET_INGEZONDEN, not before the registration date.
    pub forwarded_on: Option<String>,
}

/// The date a case went to the OM, from `text` as given (`YYYY-MM-DD`; blank is none),
/// checked by the rules of domain.md "RDO": not before the registration date, not
/// after `today` (Europe/Amsterdam). With the `status` a user sets now (a prosecution
/// update), also required for every status but [`NOT_FORWARDED`] and refused with
/// that one. An imported row passes no status: it records what another system holds,
/// where the date may be unknown (contract.md: `forwarded_on` is optional). Problems
/// are added to `errors` under `forwarded_on`. The one place these rules live.
pub fn check_forwarded_on(
    status: Option<&str>,
    text: Option<&str>,
    registered_on: NaiveDate,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    let given = text.map(str::trim).filter(|s| !s.is_empty());
    let date = given.and_then(|text| dates::parse_field("forwarded_on", text, errors));
    let refuse = |errors: &mut Vec<FieldError>, message: String| {
        errors.push(FieldError::new("forwarded_on", message));
        None
    };
    let date = match date {
        Some(d) if d < registered_on => refuse(
            errors,
            format!("{d} is before the registration date {registered_on}"),
        ),
        Some(d) if d > today => refuse(errors, format!("{d} lies in the future")),
        other => other,
    };
    match status {
        Some(NOT_FORWARDED) if date.is_some() => {
            refuse(errors, format!("does not go with {NOT_FORWARDED}"))
        }
        // A date given but unreadable is reported once, not also as missing.
        Some(status) if status != NOT_FORWARDED && given.is_none() => refuse(
            errors,
            format!("is required: {status} means the case went to the OM"),
        ),
        _ => date,
    }
}

/// Sets the prosecution status of incident `id` (and the date it went to the OM) for
/// `principal` at `now` (UTC): 404 outside their scope, 422 for a status not on the
/// list or a date against [`check_forwarded_on`].
pub fn update_prosecution(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    principal: &Principal,
    id: &str,
    update: &ProsecutionUpdate,
    now: NaiveDateTime,
) -> Result<Incident, AppError> {
    let mut row = store::get_in_scope(conn, principal, id)?;
    let today = dates::amsterdam_date(now.and_utc());
    let registered_on = dates::amsterdam_date(row.registered_at.and_utc());
    let mut errors = Vec::new();
    if let Err(e) = catalog.check(
        "prosecution_status",
        "prosecution_status",
        &update.prosecution_status,
        today,
    ) {
        errors.push(e);
    }
    let forwarded_on = check_forwarded_on(
        Some(&update.prosecution_status),
        update.forwarded_on.as_deref(),
        registered_on,
        today,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut changes = serde_json::Map::new();
    if row.prosecution_status.as_deref() != Some(&update.prosecution_status) {
        changes.insert(
            "prosecution_status".into(),
            serde_json::json!({"old": row.prosecution_status, "new": update.prosecution_status}),
        );
    }
    if row.forwarded_on != forwarded_on {
        changes.insert(
            "forwarded_on".into(),
            serde_json::json!({"old": row.forwarded_on, "new": forwarded_on}),
        );
    }
    if !changes.is_empty() {
        row.prosecution_status = Some(update.prosecution_status.clone());
        row.forwarded_on = forwarded_on;
        row.prosecution_updated_on = Some(today);
        store::save_change(conn, &mut row, &principal.user, "prosecution", changes, now)?;
    }
    store::view(conn, row, principal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: Option<&str>, text: Option<&str>) -> (Option<NaiveDate>, Vec<String>) {
        let day = |s: &str| s.parse::<NaiveDate>().expect("date");
        let mut errors = Vec::new();
        let date = check_forwarded_on(
            status,
            text,
            day("2024-03-01"),
            day("2024-06-30"),
            &mut errors,
        );
        (date, errors.into_iter().map(|e| e.message).collect())
    }

    #[test]
    fn a_forwarding_date_lies_between_registration_and_today() {
        let on = |s: &str| Some(s.parse::<NaiveDate>().expect("date"));
        assert_eq!(
            check(Some("INGEZONDEN"), Some("2024-03-01")),
            (on("2024-03-01"), vec![])
        );
        assert_eq!(
            check(None, Some(" 2024-06-30 ")),
            (on("2024-06-30"), vec![])
        );
        let (date, errors) = check(Some("INGEZONDEN"), Some("2024-02-29"));
        assert_eq!(date, None);
        assert_eq!(
            errors,
            ["2024-02-29 is before the registration date 2024-03-01"]
        );
        let (date, errors) = check(None, Some("2024-07-01"));
        assert_eq!(
            (date, errors),
            (None, vec!["2024-07-01 lies in the future".into()])
        );
    }

    #[test]
    fn only_a_forwarded_status_has_a_date_and_it_needs_one() {
        let (_, errors) = check(Some("INGEZONDEN"), None);
        assert_eq!(
            errors,
            ["is required: INGEZONDEN means the case went to the OM"]
        );
        let (_, errors) = check(Some(NOT_FORWARDED), Some("2024-04-01"));
        assert_eq!(errors, [format!("does not go with {NOT_FORWARDED}")]);
        assert_eq!(check(Some(NOT_FORWARDED), None), (None, vec![]));
        // A date given but unreadable is reported once, not also as missing.
        let (_, errors) = check(Some("INGEZONDEN"), Some("1-4-2024"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        // Blank is no date.
        let (_, errors) = check(Some("INGEZONDEN"), Some("  "));
        assert_eq!(
            errors,
            ["is required: INGEZONDEN means the case went to the OM"]
        );
        // Without a status (an imported row) the date may be missing or set.
        assert_eq!(check(None, None), (None, vec![]));
    }
}
