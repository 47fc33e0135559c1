//! The columns of the exchange CSV and a file's header mapped onto them.

use csv::StringRecord;

/// The columns in contract order; exports write them in this order.
pub const COLUMNS: [&str; 25] = [
    "registration_number",
    "source_reference",
    "registered_at",
    "occurred_from",
    "occurred_to",
    "unit",
    "district",
    "basic_team",
    "municipality",
    "registration_type",
    "channel",
    "grounds",
    "manifestations",
    "domain",
    "articles",
    "victim_kind",
    "suspect_known",
    "summary",
    "narrative",
    "status",
    "rejection_reason",
    "screened_at",
    "prosecution_status",
    "forwarded_on",
    "event_id",
];

/// Columns a file must have.
const REQUIRED: [Col; 5] = [
    Col::RegistrationNumber,
    Col::RegisteredAt,
    Col::Unit,
    Col::RegistrationType,
    Col::Channel,
];

/// A column, by its position in [`COLUMNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    RegistrationNumber,
    SourceReference,
    RegisteredAt,
    OccurredFrom,
    OccurredTo,
    Unit,
    District,
    BasicTeam,
    Municipality,
    RegistrationType,
    Channel,
    Grounds,
    Manifestations,
    Domain,
    Articles,
    VictimKind,
    SuspectKnown,
    Summary,
    Narrative,
    Status,
    RejectionReason,
    ScreenedAt,
    ProsecutionStatus,
    ForwardedOn,
    EventId,
}

impl Col {
    pub fn name(self) -> &'static str {
        COLUMNS[self as usize]
    }
}

/// Where each column is in a file (files may order columns freely and leave out
/// optional ones).
#[derive(Debug)]
pub struct Header {
    position: [Option<usize>; COLUMNS.len()],
    width: usize,
}

impl Header {
    /// Maps a header row; unknown, repeated or missing required columns are refused.
    pub fn parse(record: &StringRecord) -> Result<Header, String> {
        let names: Vec<&str> = record
            .iter()
            .map(|n| n.trim().trim_start_matches('\u{feff}'))
            .collect();
        if names.iter().all(|n| n.is_empty()) {
            return Err("the file has no header row".into());
        }
        let mut position = [None; COLUMNS.len()];
        for (i, name) in names.iter().enumerate() {
            let Some(col) = COLUMNS.iter().position(|c| c == name) else {
                return Err(format!(
                    "unknown column {name:?}; the columns are: {}",
                    COLUMNS.join(", ")
                ));
            };
            if position[col].replace(i).is_some() {
                return Err(format!("column {name:?} appears twice"));
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .filter(|c| position[**c as usize].is_none())
            .map(|c| c.name())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "required column(s) missing: {}",
                missing.join(", ")
            ));
        }
        Ok(Header {
            position,
            width: names.len(),
        })
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// The trimmed value of `col` in `record`; `None` when absent or empty.
    pub fn get<'r>(&self, record: &'r StringRecord, col: Col) -> Option<&'r str> {
        self.position[col as usize]
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn col_names_follow_the_contract_order() {
        assert_eq!(Col::RegistrationNumber.name(), "registration_number");
        assert_eq!(Col::Narrative.name(), "narrative");
        assert_eq!(Col::EventId.name(), "event_id");
    }

    #[test]
    fn headers_are_checked() {
        let h = |cols: &[&str]| Header::parse(&StringRecord::from(cols.to_vec()));
        assert!(h(&[
            "registration_number",
            "registered_at",
            "unit",
            "registration_type",
            "channel"
        ])
        .is_ok());
        assert!(h(&[
            "registration_number",
            "registered_at",
            "unit",
            "registration_type",
            "channel",
            "naam"
        ])
        .is_err_and(|e| e.contains("naam")));
        assert!(h(&["registration_number", "unit"]).is_err_and(|e| e.contains("registered_at")));
        assert!(h(&[""]).is_err_and(|e| e.contains("no header")));
    }
}
