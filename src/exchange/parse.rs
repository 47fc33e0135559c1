//! One exchange CSV row to a validated incident row: the registration rules of
//! [`Draft`] plus what only imports carry (status, screening, prosecution).

use chrono::NaiveDateTime;
use csv::StringRecord;

use super::columns::{Col, Header};
use crate::codes::Catalog;
use crate::dates;
use crate::error::FieldError;
use crate::incidents::{Draft, IncidentFields, IncidentRow, Status};

/// Parses and validates one row; every problem of the row, not just the first.
pub fn parse_row(
    header: &Header,
    record: &StringRecord,
    catalog: &Catalog,
    user: &str,
    now: NaiveDateTime,
) -> Result<IncidentRow, Vec<FieldError>> {
    let get = |col: Col| header.get(record, col);
    let text = |col: Col| get(col).map(|v| Some(v.to_owned()));
    let codes = |col: Col| get(col).map(|v| Some(v.split('|').map(str::to_owned).collect()));
    let mut errors = Vec::new();
    if get(Col::RegistrationNumber).is_none() {
        errors.push(FieldError::new("registration_number", "is required"));
    }
    if get(Col::RegisteredAt).is_none() {
        errors.push(FieldError::new("registered_at", "is required"));
    }
    let suspect_known = match get(Col::SuspectKnown) {
        None => None,
        Some("true") => Some(Some(true)),
        Some("false") => Some(Some(false)),
        Some(other) => {
            errors.push(
                FieldError::new("suspect_known", format!("{other:?} is not a boolean"))
                    .allowed(vec!["true".into(), "false".into()]),
            );
            None
        }
    };
    let fields = IncidentFields {
        registration_number: text(Col::RegistrationNumber),
        source_reference: text(Col::SourceReference),
        registered_at: text(Col::RegisteredAt),
        occurred_from: text(Col::OccurredFrom),
        occurred_to: text(Col::OccurredTo),
        unit: text(Col::Unit),
        district: text(Col::District),
        basic_team: text(Col::BasicTeam),
        municipality: text(Col::Municipality),
        registration_type: text(Col::RegistrationType),
        channel: text(Col::Channel),
        grounds: codes(Col::Grounds),
        manifestations: codes(Col::Manifestations),
        domain: text(Col::Domain),
        articles: codes(Col::Articles),
        victim_kind: text(Col::VictimKind),
        suspect_known,
        summary: text(Col::Summary),
        narrative: text(Col::Narrative),
        event_id: text(Col::EventId),
    };
    let mut draft = Draft::new(String::new(), now);
    draft.apply(fields, true, &mut errors);
    draft.validate(catalog, now, &mut errors);
    let on = draft.registration_date();

    let status = status_of(get(Col::Status), &draft.missing(), &mut errors);
    let rejection_reason =
        rejection_of(catalog, get(Col::RejectionReason), status, on, &mut errors);
    let screened_at = get(Col::ScreenedAt).and_then(|v| match dates::parse_timestamp(v) {
        Ok(t) if t.naive_utc() < draft.registered_at => {
            errors.push(FieldError::new("screened_at", "is before registered_at"));
            None
        }
        Ok(t) => Some(t.naive_utc()),
        Err(m) => {
            errors.push(FieldError::new("screened_at", m));
            None
        }
    });
    let prosecution_status = get(Col::ProsecutionStatus).map(str::to_owned);
    if let Some(p) = &prosecution_status {
        if let Err(e) = catalog.check("prosecution_status", "prosecution_status", p, on) {
            errors.push(e);
        }
    }
    let forwarded_on = crate::rdo::check_forwarded_on(
        None,
        get(Col::ForwardedOn),
        on,
        dates::amsterdam_date(now.and_utc()),
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut row = IncidentRow::new(draft, status, user, now);
    row.rejection_reason = rejection_reason;
    row.screened_at = screened_at;
    row.prosecution_updated_on = forwarded_on;
    row.prosecution_status = prosecution_status;
    row.forwarded_on = forwarded_on;
    Ok(row)
}

/// The row's status: as given (checked against the life cycle and the fields it
/// needs), else REGISTERED when complete and INCOMPLETE when not.
fn status_of(
    given: Option<&str>,
    missing: &[&'static str],
    errors: &mut Vec<FieldError>,
) -> Status {
    let status = match given {
        None => Status::on_registration(missing.is_empty()),
        Some(s) => Status::parse(s).unwrap_or_else(|| {
            errors.push(
                FieldError::new("status", format!("unknown status {s:?}")).allowed(Status::names()),
            );
            Status::Incomplete
        }),
    };
    if status == Status::Confirmed {
        for field in missing {
            errors.push(FieldError::new(*field, "is required in a CONFIRMED row"));
        }
    }
    if status == Status::Registered && given.is_some() && !missing.is_empty() {
        for field in missing {
            errors.push(FieldError::new(
                *field,
                "is required in a REGISTERED row (or leave status empty)",
            ));
        }
    }
    status
}

/// The rejection reason: required in a REJECTED row, on its list, and only there.
fn rejection_of(
    catalog: &Catalog,
    given: Option<&str>,
    status: Status,
    on: chrono::NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let rejection_reason = given.map(str::to_owned);
    match (&rejection_reason, status) {
        (None, Status::Rejected) => errors.push(
            FieldError::new("rejection_reason", "is required in a REJECTED row")
                .allowed(catalog.valid_codes("rejection_reason", on)),
        ),
        (Some(r), Status::Rejected) => {
            if let Err(e) = catalog.check("rejection_reason", "rejection_reason", r, on) {
                errors.push(e);
            }
        }
        (Some(_), _) => errors.push(FieldError::new(
            "rejection_reason",
            "is only for a REJECTED row",
        )),
        (None, _) => {}
    }
    rejection_reason
}
