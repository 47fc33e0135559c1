//! What every request handler and web page can reach: the database, the code lists,
//! the clock and the settings the server runs with.

use std::sync::Arc;

use crate::auth::SignInSettings;
use crate::clock::Clock;
use crate::codes::Catalog;
use crate::db::Db;

/// The server's shared state (one per process, shared by every worker).
pub struct AppState {
    pub db: Db,
    pub catalog: Arc<Catalog>,
    /// Days within which an incident should be screened (`DIRA_SCREENING_TARGET_DAYS`).
    pub screening_target_days: i64,
    /// The time every operation uses.
    pub clock: Clock,
    /// How people sign in to the web pages.
    pub sign_in: SignInSettings,
    /// Registrars no longer find incidents registered more than this many years ago
    /// (`DIRA_RETENTION_RESTRICT_YEARS`; `docs/retention.md`).
    pub restrict_after_years: u32,
    /// Each unit's registration target on the previous year (`DIRA_REGISTRATION_TARGET`).
    pub registration_targets: crate::dashboard::Targets,
}

impl AppState {
    /// The moment (UTC) before which incidents are past the first term of the Police
    /// Data Act (Wpg art. 8: one year by default, `DIRA_RETENTION_RESTRICT_YEARS`):
    /// the same calendar moment that many years ago.
    pub fn first_term_ends(&self) -> chrono::NaiveDateTime {
        let now = self.clock.now();
        now.checked_sub_months(chrono::Months::new(self.restrict_after_years * 12))
            .unwrap_or(chrono::NaiveDateTime::MIN)
    }

    /// Incidents registered before this moment (UTC) are out of `principal`'s reach:
    /// `Some` for registrars (the first term is over; [`Self::first_term_ends`]),
    /// `None` for everyone else, who give a reason instead
    /// ([`crate::retention::access`]).
    pub fn restricted_before(
        &self,
        principal: &crate::auth::Principal,
    ) -> Option<chrono::NaiveDateTime> {
        (principal.role == crate::auth::Role::Registrar).then(|| self.first_term_ends())
    }
}
