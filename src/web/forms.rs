//! What the pages' forms share: Dutch names of fields, choices from the national code
//! lists, and turning posted text into the API's request types.

use chrono::{NaiveDate, Utc};
use maud::{html, Markup};

use crate::codes::Catalog;
use crate::http::error::AppError;

/// The Dutch name of a field, as the forms label it.
pub fn field_label(field: &str) -> &str {
    match field {
        "registration_number" => "Registratienummer",
        "source_reference" => "Bronverwijzing",
        "registered_at" => "Registratiemoment",
        "occurred_from" => "Pleegdatum vanaf",
        "occurred_to" => "Pleegdatum tot en met",
        "unit" => "Eenheid",
        "district" => "District",
        "basic_team" => "Basisteam",
        "municipality" => "Gemeente",
        "registration_type" => "Soort registratie",
        "channel" => "Kanaal",
        "grounds" => "Discriminatiegronden",
        "manifestations" => "Verschijningsvormen",
        "domain" => "Maatschappelijk terrein",
        "articles" => "Wetsartikelen",
        "victim_kind" => "Soort slachtoffer",
        "suspect_known" => "Verdachte bekend",
        "summary" => "Korte omschrijving",
        "narrative" => "Relaas",
        "event_id" => "Gebeurtenis",
        "status" => "Status",
        "outcome" => "Beoordeling",
        "reason" | "rejection_reason" => "Reden van afwijzing",
        "note" => "Gevraagde informatie",
        "prosecution_status" => "Stand bij het OM",
        "forwarded_on" => "Doorgezonden naar het OM op",
        "from" => "Vanaf",
        "to" => "Tot en met",
        "year" => "Jaar",
        other => other,
    }
}

pub fn today() -> NaiveDate {
    crate::dates::amsterdam_date(Utc::now())
}

/// The codes of a list valid today, with their Dutch labels.
pub fn choices<'c>(catalog: &'c Catalog, list: &str) -> Vec<(&'c str, &'c str)> {
    let today = today();
    catalog
        .list(list)
        .iter()
        .filter(|c| c.valid_on(today))
        .map(|c| (c.code.as_str(), c.label_nl.as_str()))
        .collect()
}

/// The Dutch label of a code (the code itself when the list does not know it).
pub fn label<'a>(catalog: &'a Catalog, list: &str, code: &'a str) -> &'a str {
    catalog.label_nl(list, code).unwrap_or(code)
}

/// A labelled choice of one code (or none).
pub fn select(catalog: &Catalog, list: &str, name: &str, chosen: Option<&str>) -> Markup {
    html! {
        label for=(name) { (field_label(name)) }
        select id=(name) name=(name) {
            option value="" { "— kies —" }
            @for (code, text) in choices(catalog, list) {
                option value=(code) selected[chosen == Some(code)] { (text) }
            }
        }
    }
}

/// A labelled group of checkboxes for a multi-valued field.
pub fn checkboxes(catalog: &Catalog, list: &str, name: &str, chosen: &[String]) -> Markup {
    html! {
        fieldset {
            legend { (field_label(name)) }
            @for (code, text) in choices(catalog, list) {
                label.choice {
                    input type="checkbox" name=(name) value=(code)
                        checked[chosen.iter().any(|c| c == code)];
                    (text)
                }
            }
        }
    }
}

/// Empty text is an absent field.
pub fn text(value: &Option<String>) -> Option<Option<String>> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| Some(v.to_owned()))
}

/// No box ticked is an absent field.
pub fn codes(values: &[String]) -> Option<Option<Vec<String>>> {
    (!values.is_empty()).then(|| Some(values.to_vec()))
}

/// A posted form (`application/x-www-form-urlencoded`; a ticked box repeats its name).
pub fn posted<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    serde_html_form::from_bytes(body)
        .map_err(|e| AppError::field("form", format!("cannot be read: {e}")))
}
