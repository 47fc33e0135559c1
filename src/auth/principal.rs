//! Roles, scopes and the authenticated user of a request.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::tokens::hash_token;
use crate::codes::Catalog;
use crate::db::schema::{tokens, users};
use crate::error::{AppError, FieldError};

/// What a user does in the system (see domain.md, "The people and what they do").
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    Registrar,
    Screener,
    Analyst,
    National,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Registrar,
        Role::Screener,
        Role::Analyst,
        Role::National,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Registrar => "registrar",
            Role::Screener => "screener",
            Role::Analyst => "analyst",
            Role::National => "national",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("unknown role {s:?}: use registrar, screener, analyst, national or admin")
            })
    }
}

/// The incidents a user may see: one unit, or all (`*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Unit(String),
    National,
}

impl Scope {
    pub fn parse(s: &str) -> Scope {
        if s == "*" {
            Scope::National
        } else {
            Scope::Unit(s.to_owned())
        }
    }

    pub fn covers(&self, unit: &str) -> bool {
        match self {
            Scope::National => true,
            Scope::Unit(own) => own == unit,
        }
    }

    pub fn unit(&self) -> Option<&str> {
        match self {
            Scope::National => None,
            Scope::Unit(u) => Some(u),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::National => f.write_str("*"),
            Scope::Unit(u) => f.write_str(u),
        }
    }
}

/// The authenticated user of a request, from a valid, unexpired, unrevoked token.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: String,
    pub role: Role,
    pub scope: Scope,
}

impl Principal {
    /// The operator at the command line: the administrator of the installation, with
    /// national scope (domain.md, "The people and what they do").
    pub fn operator(user: impl Into<String>) -> Principal {
        Principal {
            user: user.into(),
            role: Role::Admin,
            scope: Scope::National,
        }
    }

    /// Whether the user may read the unit's incidents.
    pub fn sees_unit(&self, unit: &str) -> bool {
        self.scope.covers(unit)
    }

    /// 403 unless the user's scope covers `unit`; `doing` says what the user tried
    /// ("see", "register for"). Callers check first that the unit exists
    /// ([`Catalog::check_unit`]), so an unknown unit is a 422, not a 403.
    pub fn check_scope(&self, unit: &str, doing: &str) -> Result<(), AppError> {
        if self.sees_unit(unit) {
            return Ok(());
        }
        Err(AppError::Forbidden(
            format!("you {doing} unit {} only", self.scope),
            vec![FieldError::new("unit", "is outside your scope")
                .allowed(vec![self.scope.to_string()])],
        ))
    }

    /// The unit a request names, known ([`Catalog::check_unit`], 422) and within the
    /// user's scope (403); the user's own unit when it names none (`None` for
    /// national scope: every unit).
    pub fn unit_to_see(
        &self,
        catalog: &Catalog,
        unit: Option<String>,
    ) -> Result<Option<String>, AppError> {
        match unit {
            Some(u) => {
                catalog
                    .check_unit(&u)
                    .map_err(|e| AppError::Validation(vec![e]))?;
                self.check_scope(&u, "see")?;
                Ok(Some(u))
            }
            None => Ok(self.scope.unit().map(str::to_owned)),
        }
    }

    /// The narrative stays within the unit: only the unit's own registrars, screeners
    /// and analysts read it; national staff and administrators never do, whatever
    /// their scope (domain.md, "The people and what they do").
    pub fn reads_narrative_of(&self, unit: &str) -> bool {
        matches!(self.role, Role::Registrar | Role::Screener | Role::Analyst)
            && self.scope.unit() == Some(unit)
    }

    /// Whether `role` may have `scope` at all (domain.md, "The people and what they
    /// do"): registrars, screeners and analysts work in one unit; national staff and
    /// administrators (who manage the users, imports and audit log of every unit) have
    /// `*`. A unit-scoped administrator would hold rights over every unit all the same,
    /// so there is none.
    pub fn role_fits_scope(role: Role, scope: &Scope) -> bool {
        match role {
            Role::National | Role::Admin => *scope == Scope::National,
            Role::Registrar | Role::Screener | Role::Analyst => scope.unit().is_some(),
        }
    }

    /// Looks up the user behind a bearer token that is valid at `now` (UTC), with the
    /// token's last use.
    pub fn from_token(
        conn: &mut crate::db::AnyConnection,
        token: &str,
        now: NaiveDateTime,
    ) -> Result<(Principal, Option<NaiveDateTime>), AppError> {
        let query = tokens::table
            .inner_join(users::table.on(users::name.eq(tokens::user_name)))
            .filter(tokens::token_hash.eq(hash_token(token)))
            .filter(tokens::revoked_at.is_null())
            .filter(users::disabled_at.is_null())
            .filter(tokens::expires_at.is_null().or(tokens::expires_at.gt(now)))
            .select((users::name, users::role, users::scope, tokens::last_used_at));
        // Every request runs this: on the backend's own connection the prepared
        // statement is reused.
        let found: Option<(String, String, String, Option<NaiveDateTime>)> =
            crate::per_backend!(conn, |c| query.first(c).optional())?;
        let (user, role, scope, last_used) = found.ok_or_else(|| {
            AppError::Unauthorized(
                "the token is unknown, expired or revoked, or its user is disabled".into(),
            )
        })?;
        let role = role
            .parse()
            .map_err(|e: String| AppError::Internal(anyhow::anyhow!(e)))?;
        let scope = Scope::parse(&scope);
        // A user stored before the combinations were checked (a national user with a
        // unit, say) is refused rather than given rights the domain does not define.
        if !Principal::role_fits_scope(role, &scope) {
            return Err(AppError::Unauthorized(format!(
                "user {user} has role {role} with scope {scope}, which is not allowed; ask an administrator for a new token"
            )));
        }
        Ok((Principal { user, role, scope }, last_used))
    }
}
