//! From the identity provider's group claim to a dira role and scope. Two patterns
//! with the placeholders `{role}` and `{unit}`: one for the roles that work in a unit
//! (default `dira-{role}-{unit}`, e.g. `dira-registrar-AMS`), one for the national
//! roles (default `dira-{role}`, e.g. `dira-national`). A person has one role and scope
//! in dira: the groups must give exactly one (providers do not promise an order, so
//! none is preferred); groups of other applications are ignored.

use super::super::{Principal, Role, Scope};
use crate::codes::Catalog;

/// The two patterns (`DIRA_OIDC_UNIT_GROUP`, `DIRA_OIDC_NATIONAL_GROUP`).
#[derive(Debug, Clone)]
pub struct GroupPatterns {
    pub unit: String,
    pub national: String,
}

impl Default for GroupPatterns {
    fn default() -> Self {
        GroupPatterns {
            unit: "dira-{role}-{unit}".into(),
            national: "dira-{role}".into(),
        }
    }
}

impl GroupPatterns {
    /// Every distinct role and scope the groups give: each group that matches a pattern
    /// with a role that fits the scope ([`Principal::role_fits_scope`]) and a unit that
    /// exists.
    pub fn roles_of(&self, catalog: &Catalog, groups: &[String]) -> Vec<(Role, Scope)> {
        let mut found: Vec<(Role, Scope)> = Vec::new();
        for mapped in groups.iter().filter_map(|g| self.match_one(catalog, g)) {
            if !found.contains(&mapped) {
                found.push(mapped);
            }
        }
        found
    }

    fn match_one(&self, catalog: &Catalog, group: &str) -> Option<(Role, Scope)> {
        for role in Role::ALL {
            let national = self.national.replace("{role}", role.as_str());
            if group == national && Principal::role_fits_scope(role, &Scope::National) {
                return Some((role, Scope::National));
            }
            let unit_pattern = self.unit.replace("{role}", role.as_str());
            let Some((before, after)) = unit_pattern.split_once("{unit}") else {
                continue;
            };
            let unit = group
                .strip_prefix(before)
                .and_then(|rest| rest.strip_suffix(after));
            if let Some(unit) = unit {
                let scope = Scope::Unit(unit.to_owned());
                if Principal::role_fits_scope(role, &scope) && catalog.check_unit(unit).is_ok() {
                    return Some((role, scope));
                }
            }
        }
        None
    }
}
