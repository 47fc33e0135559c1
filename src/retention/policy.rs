//! The retention policy in force: its terms from the environment
//! (`DIRA_RETENTION_REMOVE_YEARS`, `DIRA_RETENTION_KEEP_WHILE`; `docs/retention.md`
//! gives the articles they come from).

use chrono::{Months, NaiveDateTime};

use crate::codes::Catalog;
use crate::config;
use crate::error::FieldError;

/// The terms of the Police Data Act as settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Personal and free-text data is removed this many years after the
    /// registration (Wpg art. 8: five years for the daily police task).
    pub remove_after_years: u32,
    /// Prosecution statuses (codes of the `prosecution_status` list) during which an
    /// incident is kept past the term: the case is still before the prosecution
    /// service or the court, which may still ask the police for it.
    pub keep_while: Vec<String>,
    /// Audit log entries are deleted this many years after they were made. No
    /// statutory term for dira's access log was found (Wpg art. 32a and Directive
    /// (EU) 2016/680 art. 25 require the log, not its term); the default of five
    /// years keeps every access checkable for at least as long as the data it
    /// touched is kept (`docs/retention.md`).
    pub audit_keep_years: u32,
}

impl Policy {
    /// The policy from the environment, its codes checked against `catalog`; an
    /// error names the variable and the allowed values.
    pub fn from_env(catalog: &Catalog) -> anyhow::Result<Policy> {
        let remove_after_years = config::retention_remove_years()?;
        let audit_keep_years = config::audit_keep_years()?;
        let restrict_years = config::retention_restrict_years()?;
        if audit_keep_years < remove_after_years {
            anyhow::bail!(
                "{}={audit_keep_years} is shorter than {}={remove_after_years}: the audit log must \
                 be kept at least as long as the data whose access it records",
                config::AUDIT_KEEP_YEARS,
                config::RETENTION_REMOVE_YEARS
            );
        }
        if restrict_years > remove_after_years {
            anyhow::bail!(
                "{}={restrict_years} is longer than {}={remove_after_years}: access is restricted \
                 before the data is removed, not after",
                config::RETENTION_RESTRICT_YEARS,
                config::RETENTION_REMOVE_YEARS
            );
        }
        let keep_while = config::retention_keep_while()?;
        for code in &keep_while {
            let known = catalog.list("prosecution_status");
            if !known.iter().any(|c| &c.code == code) {
                let allowed: Vec<String> = known.iter().map(|c| c.code.clone()).collect();
                let error = FieldError::new(
                    config::RETENTION_KEEP_WHILE,
                    format!("unknown prosecution status {code:?}"),
                )
                .allowed(allowed.clone());
                anyhow::bail!(
                    "{}: {}; allowed: {}",
                    error.field,
                    error.message,
                    allowed.join(", ")
                );
            }
        }
        Ok(Policy {
            remove_after_years,
            keep_while,
            audit_keep_years,
        })
    }

    /// Incidents registered before this moment (UTC) are past the removal term at
    /// `now`: the same calendar moment `remove_after_years` earlier.
    pub fn removed_before(&self, now: NaiveDateTime) -> anyhow::Result<NaiveDateTime> {
        now.checked_sub_months(Months::new(self.remove_after_years * 12))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{} years before {now} is out of range",
                    self.remove_after_years
                )
            })
    }

    /// Audit log entries made before this moment (UTC) are past their term at `now`.
    pub fn audit_kept_since(&self, now: NaiveDateTime) -> anyhow::Result<NaiveDateTime> {
        now.checked_sub_months(Months::new(self.audit_keep_years * 12))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{} years before {now} is out of range",
                    self.audit_keep_years
                )
            })
    }

    /// The policy in words, for the audit log.
    pub fn describe(&self) -> String {
        format!(
            "remove after {} years, kept while prosecution status is {}, audit log kept {} years",
            self.remove_after_years,
            match self.keep_while.is_empty() {
                true => "(none)".to_owned(),
                false => self.keep_while.join("|"),
            },
            self.audit_keep_years
        )
    }
}
