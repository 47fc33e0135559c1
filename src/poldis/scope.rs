//! What a Poldis report may be asked for: which reporting years, and whose incidents a
//! user's report counts (domain.md, "The annual Poldis report"). The API, the web page
//! and the command line all ask here.

use crate::auth::{Principal, Role};
use crate::error::AppError;

use super::REPORT_YEARS;

/// `year` when a report can be produced for it ([`REPORT_YEARS`], 2000 to 2100);
/// otherwise a validation error on the field `year`.
pub fn check_year(year: i32) -> Result<i32, AppError> {
    match REPORT_YEARS.contains(&year) {
        true => Ok(year),
        false => Err(AppError::field(
            "year",
            "must be a year between 2000 and 2100",
        )),
    }
}

/// Whose incidents a user's report counts: national staff every unit (`None`),
/// analysts their own unit.
pub fn report_unit(principal: &Principal) -> Option<String> {
    match principal.role {
        Role::National => None,
        _ => principal.scope.unit().map(str::to_owned),
    }
}
