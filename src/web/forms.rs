//! What the pages' forms share: Dutch names of fields, choices from the national code
//! lists, and turning posted text into the API's request types.

use chrono::NaiveDate;
use maud::{html, Markup};

use crate::codes::Catalog;
use crate::error::AppError;
use crate::state::AppState;

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

/// The code lists as a form offers them: the codes valid on a day (today in
/// Europe/Amsterdam, by the server's clock). Reads as the [`Catalog`] otherwise.
pub struct Lists<'c> {
    catalog: &'c Catalog,
    today: NaiveDate,
}

impl<'c> Lists<'c> {
    /// The lists as of today by the server's clock.
    pub fn of(state: &'c AppState) -> Lists<'c> {
        Lists {
            catalog: &state.catalog,
            today: state.clock.today(),
        }
    }
}

impl std::ops::Deref for Lists<'_> {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        self.catalog
    }
}

/// The codes of a list valid today, with their Dutch labels.
pub fn choices<'c>(lists: &Lists<'c>, list: &str) -> Vec<(&'c str, &'c str)> {
    let today = lists.today;
    lists
        .catalog
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
pub fn select(catalog: &Lists, list: &str, name: &str, chosen: Option<&str>) -> Markup {
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
pub fn checkboxes(catalog: &Lists, list: &str, name: &str, chosen: &[String]) -> Markup {
    html! {
        fieldset id=(name) tabindex="-1" {
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

/// The "Jaar" select of the report pages: this year and the six before, newest first,
/// and `selected` (chosen) when it is another year.
pub fn year_select(this_year: i32, selected: i32) -> Markup {
    let mut years: Vec<i32> = (this_year - 6..=this_year).rev().collect();
    if !years.contains(&selected) {
        years.push(selected);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    html! {
        label for="year" { "Jaar" }
        select id="year" name="year" {
            @for y in years {
                option value=(y) selected[y == selected] { (y) }
            }
        }
    }
}

/// The year in a report page's address: absent or empty, `default`; text that is not a
/// year, refused naming the field `year`.
pub fn year_of(text: Option<&str>, default: i32) -> Result<i32, AppError> {
    match text.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| AppError::field("year", format!("{text:?} is geen jaar; kies een jaar"))),
    }
}

/// Whether a report page's `publication` asks for publication mode: a ticked box
/// (`on`) or a link's `true`, `1`, `yes`, `ja`, in any case.
pub fn publication_of(text: Option<&str>) -> bool {
    text.is_some_and(|v| {
        ["on", "true", "1", "yes", "ja"]
            .iter()
            .any(|t| v.eq_ignore_ascii_case(t))
    })
}

/// The "Eenheid" select of the report pages for national staff, `selected` chosen.
pub fn unit_select(catalog: &Catalog, selected: Option<&str>) -> Markup {
    html! {
        label for="unit" { "Eenheid" }
        select id="unit" name="unit" {
            @for u in catalog.list("unit") {
                option value=(u.code) selected[Some(u.code.as_str()) == selected] { (u.label_nl) }
            }
        }
    }
}
