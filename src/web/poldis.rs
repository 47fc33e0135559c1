//! National staff's page: the Poldis report of a year with its charts, the
//! publication switch and the downloads.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Datelike;
use maud::{html, PreEscaped};
use serde::Deserialize;

use super::{layout, PageError};
use crate::auth::Principal;
use crate::error::AppError;
use crate::poldis::{html_sections, produce, render_html, Report};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Choice {
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
}

async fn report(
    state: &web::Data<AppState>,
    principal: &Principal,
    choice: &Choice,
) -> Result<Report, AppError> {
    let year = crate::poldis::check_year(choice.year(state.clock.today())?)?;
    let (unit, publication, catalog) = (
        crate::poldis::report_unit(principal),
        choice.publication(),
        state.catalog.clone(),
    );
    // polars blocks: on the blocking pool, never on the async executor.
    state
        .db
        .run(move |db| {
            produce(db, &catalog, year, unit.as_deref(), publication).map_err(AppError::Internal)
        })
        .await
}

/// The choice of year and publication mode.
fn choice_form(this_year: i32, year: i32, publication: bool) -> maud::Markup {
    html! {
        form method="get" action="/poldis" {
            div.grid {
                div { (super::forms::year_select(this_year, year.min(this_year))) }
                div {
                    label.choice {
                        input type="checkbox" name="publication" checked[publication];
                        "Publicatieversie (aantallen 1 tot 4 als <5, ter bescherming weggelaten cellen als x)"
                    }
                }
            }
            p { button type="submit" { "Toon rapport" } }
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
    let report = match report(&state, &principal, &choice).await {
        Ok(report) => report,
        Err(e) => {
            let form = choice_form(this_year, this_year - 1, false);
            return Ok(layout::asked_again(e, "Poldis", &principal, &req, form)?);
        }
    };
    let query = format!(
        "year={}{}",
        report.year,
        if report.publication {
            "&publication=on"
        } else {
            ""
        }
    );
    let body = html! {
        (choice_form(this_year, report.year, report.publication))
        p.downloads {
            a.button href=(format!("/poldis/download?{query}&format=csv")) download { "Download CSV" }
            a.button href=(format!("/poldis/download?{query}&format=json")) download { "Download JSON" }
            a.button href=(format!("/poldis/download?{query}&format=html")) download { "Download HTML-rapport" }
        }
        @if let Some(since) = &report.since_publication {
            p.notice { "Gepubliceerd; sindsdien gewijzigde cellen: " (since.changed.len()) "." }
        }
        div.poldis { (PreEscaped(html_sections(&report))) }
    };
    Ok(layout::ok(layout::page(
        &format!("Poldis {}", report.year),
        Some(&principal),
        &req,
        body,
    )))
}

pub async fn download(
    state: web::Data<AppState>,
    principal: Principal,
    choice: web::Query<Choice>,
) -> Result<HttpResponse, PageError> {
    let choice = choice.into_inner();
    let report = report(&state, &principal, &choice).await?;
    let stem = format!(
        "poldis-{}{}",
        report.year,
        if report.publication {
            "-publicatie"
        } else {
            ""
        }
    );
    let (content_type, extension, body) = match choice.format.as_deref().unwrap_or("csv") {
        "csv" => {
            let mut body = Vec::new();
            report.write_csv(&mut body).map_err(anyhow::Error::from)?;
            ("text/csv; charset=utf-8", "csv", body)
        }
        "json" => (
            "application/json",
            "json",
            serde_json::to_vec_pretty(&report).map_err(anyhow::Error::from)?,
        ),
        "html" => (
            "text/html; charset=utf-8",
            "html",
            render_html(&report).into_bytes(),
        ),
        other => {
            return Err(AppError::Validation(vec![crate::error::FieldError::new(
                "format",
                format!("{other:?} is not a format"),
            )
            .allowed(vec!["csv".into(), "json".into(), "html".into()])])
            .into())
        }
    };
    Ok(crate::http::attachment(
        content_type,
        &format!("{stem}.{extension}"),
        body,
    ))
}
