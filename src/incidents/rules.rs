//! The rules of uniform registration (domain.md, "Every report is taken"): which
//! values break it. A draft that breaks none may be stored; one that misses only
//! classification is stored as INCOMPLETE.

use chrono::NaiveDateTime;

use super::draft::{Draft, MAX_NARRATIVE, MAX_SUMMARY, MAX_TEXT};
use crate::codes::Catalog;
use crate::error::FieldError;

impl Draft {
    /// Every rule of uniform registration, checked `now` (UTC); all violations, not
    /// just the first.
    pub fn validate(&self, catalog: &Catalog, now: NaiveDateTime, errors: &mut Vec<FieldError>) {
        self.check_codes(catalog, errors);
        self.check_dates(now, errors);
        self.check_texts(errors);
    }

    /// Every code on its list and valid on the registration date; the registration
    /// type and channel present; no code twice.
    fn check_codes(&self, catalog: &Catalog, errors: &mut Vec<FieldError>) {
        let on = self.registration_date();
        let code = |errors: &mut Vec<FieldError>, field: &str, list: &str, value: &str| {
            if let Err(e) = catalog.check(field, list, value, on) {
                errors.push(e);
            }
        };
        code(errors, "unit", "unit", &self.unit);
        for (field, list, value) in [
            (
                "registration_type",
                "registration_type",
                &self.registration_type,
            ),
            ("channel", "channel", &self.channel),
        ] {
            if value.is_empty() {
                errors.push(
                    FieldError::new(field, "is required: how the report came in")
                        .allowed(catalog.valid_codes(list, on)),
                );
            } else {
                code(errors, field, list, value);
            }
        }
        for (field, list, values) in [
            ("grounds", "ground", &self.grounds),
            ("manifestations", "manifestation", &self.manifestations),
            ("articles", "article", &self.articles),
        ] {
            for value in values {
                code(errors, field, list, value);
            }
            if values
                .iter()
                .enumerate()
                .any(|(i, v)| values[..i].contains(v))
            {
                errors.push(FieldError::new(field, "lists a code twice"));
            }
        }
        if let Some(v) = &self.domain {
            code(errors, "domain", "domain", v);
        }
        if let Some(v) = &self.victim_kind {
            code(errors, "victim_kind", "victim_kind", v);
        }
        if let Some(m) = &self.municipality {
            if let Err(e) = catalog.check_municipality("municipality", m) {
                errors.push(e);
            }
        }
    }

    /// The period of the incident in order, not after the registration date, and the
    /// registration not in the future (five minutes of clock skew allowed).
    fn check_dates(&self, now: NaiveDateTime, errors: &mut Vec<FieldError>) {
        let on = self.registration_date();
        if let (Some(from), Some(to)) = (self.occurred_from, self.occurred_to) {
            if to < from {
                errors.push(FieldError::new(
                    "occurred_to",
                    format!("{to} is before occurred_from {from}"),
                ));
            }
        }
        if let Some(from) = self.occurred_from {
            if from > on {
                errors.push(FieldError::new(
                    "occurred_from",
                    format!("{from} is after the registration date {on}"),
                ));
            }
        }
        if self.registered_at > now + chrono::Duration::minutes(5) {
            errors.push(FieldError::new("registered_at", "lies in the future"));
        }
    }

    /// Texts within their lengths and free of control characters; the registration
    /// number after its pattern.
    fn check_texts(&self, errors: &mut Vec<FieldError>) {
        for (field, value, max) in [
            ("registration_number", &self.registration_number, 64),
            ("source_reference", &self.source_reference, MAX_TEXT),
            ("district", &self.district, MAX_TEXT),
            ("basic_team", &self.basic_team, MAX_TEXT),
            ("event_id", &self.event_id, MAX_TEXT),
            ("summary", &self.summary, MAX_SUMMARY),
            ("narrative", &self.narrative, MAX_NARRATIVE),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                errors.push(FieldError::new(
                    field,
                    format!("is longer than {max} characters"),
                ));
            }
            // A registration number has a pattern of its own, checked below.
            let multiline = matches!(field, "summary" | "narrative");
            let checked = field != "registration_number";
            if let Some(Err(m)) = value
                .as_deref()
                .filter(|_| checked)
                .map(|v| crate::text::check(v, multiline))
            {
                errors.push(FieldError::new(field, m));
            }
        }
        if let Some(number) = &self.registration_number {
            if !is_registration_number(number) {
                errors.push(FieldError::new(
                    "registration_number",
                    format!("{number:?} {REGISTRATION_NUMBER_RULE}"),
                ));
            }
        }
    }
}

/// What a registration number is made of (domain.md: assigned as
/// `{UNIT}-{YYYY}-{NNNNNN}`; numbers of other systems come in by import).
pub const REGISTRATION_NUMBER_RULE: &str =
    "is not a registration number: 1 to 64 of the characters A-Z a-z 0-9 - _ . /, starting with a letter or digit (e.g. AMS-2026-000123)";

/// Whether `number` follows [`REGISTRATION_NUMBER_RULE`].
pub fn is_registration_number(number: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/');
    number.len() <= 64
        && number
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && number.chars().all(allowed)
}
