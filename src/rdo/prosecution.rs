//! Keeping an incident's prosecution status current.

use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::codes::Catalog;
use crate::dates;
use crate::db::AnyConnection;
use crate::http::error::{AppError, FieldError};
use crate::incidents::{store, Incident};

/// The one status that means the case did not go to the OM; every other status has
/// been forwarded and needs the date it was.
const NOT_FORWARDED: &str = "NIET_INGEZONDEN";

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProsecutionUpdate {
    /// Code of the `prosecution_status` list.
    pub prosecution_status: String,
    /// `YYYY-MM-DD`: when the case went to the OM; required for every status but
    /// NIET_INGEZONDEN, not before the registration date.
    pub forwarded_on: Option<String>,
}

pub fn update_prosecution(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    principal: &Principal,
    id: &str,
    update: &ProsecutionUpdate,
) -> Result<Incident, AppError> {
    let mut row = store::get(conn, id)?;
    if !principal.sees_unit(&row.unit) {
        return Err(AppError::NotFound);
    }
    let today = dates::amsterdam_date(Utc::now());
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
    let forwarded_on: Option<NaiveDate> = match update
        .forwarded_on
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => match dates::parse_date(text) {
            Ok(d) if d < registered_on => {
                errors.push(FieldError::new(
                    "forwarded_on",
                    format!("{d} is before the registration date {registered_on}"),
                ));
                None
            }
            Ok(d) if d > today => {
                errors.push(FieldError::new(
                    "forwarded_on",
                    format!("{d} lies in the future"),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(m) => {
                errors.push(FieldError::new("forwarded_on", m));
                None
            }
        },
    };
    let forwarded = update.prosecution_status != NOT_FORWARDED;
    if forwarded && forwarded_on.is_none() && update.forwarded_on.is_none() {
        errors.push(FieldError::new(
            "forwarded_on",
            format!(
                "is required: {} means the case went to the OM",
                update.prosecution_status
            ),
        ));
    }
    if !forwarded && forwarded_on.is_some() {
        errors.push(FieldError::new(
            "forwarded_on",
            format!("does not go with {NOT_FORWARDED}"),
        ));
    }
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
        store::save_change(conn, &mut row, &principal.user, "prosecution", changes)?;
    }
    store::view(conn, row, principal)
}
