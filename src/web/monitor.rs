//! Analysts' and national staff's page: the regional monitor of a unit and year, with
//! its charts, the publication switch and the downloads (the workbook for the
//! regional editors).

use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use chrono::Datelike;
use maud::html;
use serde::Deserialize;

use super::{layout, PageError};
use crate::auth::guard::AuditNote;
use crate::auth::{Principal, Role};
use crate::error::{AppError, FieldError};
use crate::monitor::{html_heading, html_sections, produce, render_html, write_xlsx, Monitor};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Choice {
    unit: Option<String>,
    /// Text, so that a wrong year is answered on the page (not as a bare 400).
    year: Option<String>,
    /// A ticked box sends `on`.
    publication: Option<String>,
    format: Option<String>,
}

impl Choice {
    /// The year asked for; by default the last whole year before `today`.
    fn year(&self, today: chrono::NaiveDate) -> Result<i32, AppError> {
        super::forms::year_of(self.year.as_deref(), today.year() - 1)
    }

    fn publication(&self) -> bool {
        super::forms::publication_of(self.publication.as_deref())
    }

    /// The unit: an analyst's own; national staff's choice, by default the first.
    fn unit(&self, state: &AppState, principal: &Principal) -> Result<String, AppError> {
        let asked = match (&self.unit, principal.role) {
            (None, Role::National) => state.catalog.list("unit").first().map(|c| c.code.clone()),
            (unit, _) => unit.clone(),
        };
        crate::monitor::http::monitor_unit(state, principal, asked)
    }
}

async fn monitor(
    state: &web::Data<AppState>,
    principal: &Principal,
    choice: &Choice,
) -> Result<Monitor, AppError> {
    let year = crate::poldis::check_year(choice.year(state.clock.today())?)?;
    let unit = choice.unit(state, principal)?;
    let (publication, catalog) = (choice.publication(), state.catalog.clone());
    state
        .db
        .run(move |db| produce(db, &catalog, &unit, year, publication).map_err(AppError::Internal))
        .await
}

/// The monitor shown or downloaded, in the request's audit entry.
fn note(req: &HttpRequest, m: &Monitor) {
    req.extensions_mut().insert(AuditNote(format!(
        "unit={} year={} publication={} fingerprint={}",
        m.unit, m.year, m.publication, m.fingerprint
    )));
}

/// The choice of unit (national staff), year and publication mode.
fn choice_form(
    state: &AppState,
    principal: &Principal,
    unit: Option<&str>,
    year: i32,
    publication: bool,
) -> maud::Markup {
    let this_year = state.clock.today().year();
    html! {
        form method="get" action="/monitor" {
            div.grid {
                @if principal.role == Role::National {
                    div { (super::forms::unit_select(&state.catalog, unit)) }
                }
                div { (super::forms::year_select(this_year, year.min(this_year))) }
                div {
                    label.choice {
                        input type="checkbox" name="publication" checked[publication];
                        "Publicatieversie (politieaantallen 1 tot 4 als <5, ter bescherming weggelaten cellen als x)"
                    }
                }
            }
            p { button type="submit" { "Toon monitor" } }
        }
    }
}

pub async fn page(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    choice: web::Query<Choice>,
) -> Result<HttpResponse, PageError> {
    let choice = choice.into_inner();
    let this_year = state.clock.today().year();
    let m = match monitor(&state, &principal, &choice).await {
        Ok(m) => m,
        Err(e) => {
            let year = this_year - 1;
            let form = choice_form(&state, &principal, choice.unit.as_deref(), year, false);
            return Ok(layout::asked_again(e, "Monitor", &principal, &req, form)?);
        }
    };
    note(&req, &m);
    let query = format!(
        "unit={}&year={}{}",
        m.unit,
        m.year,
        if m.publication { "&publication=on" } else { "" }
    );
    let body = html! {
        (html_heading(&m))
        (choice_form(&state, &principal, Some(&m.unit), m.year, m.publication))
        p.downloads {
            a.button href=(format!("/monitor/download?{query}&format=xlsx")) download { "Download Excel" }
            a.button href=(format!("/monitor/download?{query}&format=csv")) download { "Download CSV" }
            a.button href=(format!("/monitor/download?{query}&format=json")) download { "Download JSON" }
            a.button href=(format!("/monitor/download?{query}&format=html")) download { "Download HTML-rapport" }
        }
        div.poldis.monitor { (html_sections(&m)) }
    };
    Ok(layout::ok(layout::page(
        &format!("Monitor {} {}", m.unit, m.year),
        Some(&principal),
        &req,
        body,
    )))
}

pub async fn download(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    choice: web::Query<Choice>,
) -> Result<HttpResponse, PageError> {
    let choice = choice.into_inner();
    let m = monitor(&state, &principal, &choice).await?;
    note(&req, &m);
    let stem = format!(
        "monitor-{}-{}{}",
        m.unit,
        m.year,
        if m.publication { "-publicatie" } else { "" }
    );
    let (content_type, extension, body) = match choice.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => (
            crate::rdo::XLSX,
            "xlsx",
            write_xlsx(&m).map_err(anyhow::Error::from)?,
        ),
        "csv" => {
            let mut body = Vec::new();
            m.write_csv(&mut body).map_err(anyhow::Error::from)?;
            ("text/csv; charset=utf-8", "csv", body)
        }
        "json" => (
            "application/json",
            "json",
            serde_json::to_vec_pretty(&m).map_err(anyhow::Error::from)?,
        ),
        "html" => (
            "text/html; charset=utf-8",
            "html",
            render_html(&m).into_bytes(),
        ),
        other => {
            return Err(AppError::Validation(vec![FieldError::new(
                "format",
                format!("{other:?} is not a format"),
            )
            .allowed(vec![
                "xlsx".into(),
                "csv".into(),
                "json".into(),
                "html".into(),
            ])])
            .into())
        }
    };
    Ok(crate::http::attachment(
        content_type,
        &format!("{stem}.{extension}"),
        body,
    ))
}
