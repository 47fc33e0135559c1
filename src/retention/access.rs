//! Access after the first term (Wpg art. 8: data of the daily police task is freely
//! usable for one year, after that only for specific purposes). Registrars no longer
//! reach such incidents ([`crate::state::AppState::restricted_before`]); screeners,
//! analysts and national staff do, and say why: the [`AccessReason`] they give goes
//! into the audit log with one entry per incident reached (`docs/retention.md`).

use chrono::NaiveDateTime;

use crate::error::FieldError;

/// The longest reason accepted, in characters.
pub const MAX_REASON_CHARS: usize = 300;

/// Why a user reaches incidents past the first term, as they gave it (the `reason`
/// query parameter, the reason field of the incident page): one line of free text,
/// 1 to [`MAX_REASON_CHARS`] characters, without control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessReason(String);

impl AccessReason {
    /// The reason in `value` (trimmed), `None` when none was given; an empty,
    /// over-long or multi-line value is refused naming the field `reason`.
    pub fn parse(value: Option<&str>) -> Result<Option<AccessReason>, FieldError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(FieldError::new(
                "reason",
                "is empty; give why you need the incidents or leave it out",
            ));
        }
        if value.chars().count() > MAX_REASON_CHARS {
            return Err(FieldError::new(
                "reason",
                format!("is longer than {MAX_REASON_CHARS} characters"),
            ));
        }
        if let Err(problem) = crate::text::check(value, false) {
            return Err(FieldError::new(
                "reason",
                format!("must be one line of text: {problem}"),
            ));
        }
        if !value.chars().any(char::is_alphanumeric) {
            return Err(FieldError::new("reason", "holds no letter or digit"));
        }
        Ok(Some(AccessReason(value.to_owned())))
    }

    /// The reason as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The reason as the audit log records it: `reason="…"` (quotes and backslashes
    /// escaped), or `reason not given`.
    pub fn audit_detail(reason: Option<&AccessReason>) -> String {
        match reason {
            Some(r) => format!("reason={:?}", r.0),
            None => "reason not given".to_owned(),
        }
    }
}

/// Whether an incident registered at `registered_at` (UTC) is past the first term
/// that ends at `first_term_ends` ([`crate::state::AppState::first_term_ends`]).
pub fn past_first_term(registered_at: NaiveDateTime, first_term_ends: NaiveDateTime) -> bool {
    registered_at < first_term_ends
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_one_trimmed_line_of_limited_length() {
        assert_eq!(AccessReason::parse(None).expect("none"), None);
        let given = AccessReason::parse(Some("  RDO 2026 \"zaak\" "))
            .expect("valid")
            .expect("given");
        assert_eq!(given.as_str(), "RDO 2026 \"zaak\"");
        assert_eq!(
            AccessReason::audit_detail(Some(&given)),
            r#"reason="RDO 2026 \"zaak\"""#
        );
        for bad in [
            "",
            "   ",
            "a\nb",
            "a\u{7}b",
            "a\u{2028}b",
            "a\u{202e}b",
            "\u{200b}",
            "\u{feff}",
            "\u{301}",
            "\u{fffd}",
            "--",
            &"x".repeat(MAX_REASON_CHARS + 1),
        ] {
            let error = AccessReason::parse(Some(bad)).expect_err("refused");
            assert_eq!(error.field, "reason", "{bad:?}");
        }
        assert!(AccessReason::parse(Some(&"é".repeat(MAX_REASON_CHARS))).is_ok());
    }
}
