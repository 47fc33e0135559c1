//! Correcting an incident (domain.md, "Correcting"): who may change what, and the
//! status the change leads to. The one way in for the API and the web pages.

use super::draft::Draft;
use super::fields::IncidentFields;
use super::model::{Incident, Status};
use super::store::{self, Precondition};
use crate::auth::{Principal, Role};
use crate::codes::Catalog;
use crate::db::AnyConnection;
use crate::error::{AppError, FieldError};

/// Applies `fields` to the incident `row` for `principal` at `now` (UTC), inside the
/// caller's transaction; the caller loaded `row` with [`store::get_reachable`] (404
/// outside the principal's reach). Registrars correct their own registrations (403)
/// until they are screened (409); `expected` must admit the current version (412).
/// Invalid values, or a confirmed incident made incomplete, are refused (422). Absent
/// fields stay, `null` clears; every change is kept in the history.
pub fn correct(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    principal: &Principal,
    mut row: super::IncidentRow,
    fields: IncidentFields,
    expected: &Precondition,
    now: chrono::NaiveDateTime,
) -> Result<Incident, AppError> {
    let status = row.status();
    if principal.role == Role::Registrar {
        check_registrar(principal, &row.created_by, status)?;
    }
    expected.check(row.version)?;
    let before = Draft::from_row(&row);
    let mut after = before.clone();
    let mut errors = Vec::new();
    after.apply(fields, false, &mut errors);
    after.validate(catalog, now, &mut errors);
    let missing = after.missing();
    if status == Status::Confirmed {
        for field in &missing {
            errors.push(FieldError::new(
                *field,
                "a confirmed incident must stay complete",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let new_status = status.after_correction(missing.is_empty());
    let mut changes = after.changes_since(Some(&before));
    if new_status != status {
        changes.insert(
            "status".into(),
            serde_json::json!({"old": status.as_str(), "new": new_status.as_str()}),
        );
    }
    if !changes.is_empty() {
        after.write_into(&mut row);
        row.status = new_status.as_str().to_owned();
        store::save_change(conn, &mut row, &principal.user, "updated", changes, now)?;
    }
    store::view(conn, row, principal)
}

/// Registrars correct their own registrations only, and only until they are screened.
fn check_registrar(
    principal: &Principal,
    created_by: &str,
    status: Status,
) -> Result<(), AppError> {
    if created_by != principal.user {
        return Err(AppError::forbidden(
            "registrars correct their own registrations only",
        ));
    }
    if status.is_screened() {
        return Err(AppError::Conflict(
            format!("the incident is {status}: only the unit's screener changes it now"),
            Vec::new(),
        ));
    }
    Ok(())
}
