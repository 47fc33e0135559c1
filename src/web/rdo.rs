//! The analyst's page: the RDO case overview of a unit and period, with the CSV and
//! Excel downloads.

use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use chrono::Datelike;
use maud::html;
use serde::Deserialize;

use super::forms::{self, field_label};
use super::{layout, PageError};
use crate::auth::Principal;
use crate::error::AppError;
use crate::rdo::{overview, write_csv, Day, Overview, OverviewRequest};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Period {
    unit: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    excel: bool,
}

async fn load(
    state: &web::Data<AppState>,
    principal: &Principal,
    p: &Period,
) -> Result<Overview, AppError> {
    let day = |v: &Option<String>| Day::Text(v.clone().unwrap_or_default());
    let request = OverviewRequest {
        unit: forms::text(&p.unit).flatten(),
        from: day(&p.from),
        to: day(&p.to),
    };
    let (catalog, principal, today) = (
        state.catalog.clone(),
        principal.clone(),
        state.clock.today(),
    );
    state
        .db
        .run(move |db| overview(&mut *db.conn()?, &catalog, &principal, request, today))
        .await
}

fn query(o: &Overview) -> String {
    format!("unit={}&from={}&to={}", o.unit, o.from, o.to)
}

pub async fn page(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    period: web::Query<Period>,
) -> Result<HttpResponse, PageError> {
    let p = period.into_inner();
    let today = state.clock.today();
    let from = p
        .from
        .clone()
        .unwrap_or_else(|| format!("{}-01-01", today.year()));
    let to = p.to.clone().unwrap_or_else(|| today.to_string());
    let asked = p.from.is_some() || p.to.is_some();
    let national = principal.scope.unit().is_none();
    let result = match asked {
        true => Some(load(&state, &principal, &p).await),
        false => None,
    };
    let body = html! {
        h1 { "RDO-overzicht" }
        form method="get" action="/rdo" {
            div.grid {
                @if national {
                    div {
                        label for="unit" { (field_label("unit")) }
                        select id="unit" name="unit" required {
                            option value="" { "— kies —" }
                            @for (code, text) in forms::choices(&forms::Lists::of(&state), "unit") {
                                option value=(code) selected[p.unit.as_deref() == Some(code)] { (text) }
                            }
                        }
                    }
                }
                div {
                    label for="from" { (field_label("from")) " (meldingsdatum)" }
                    input type="date" id="from" name="from" value=(from) required;
                }
                div {
                    label for="to" { (field_label("to")) }
                    input type="date" id="to" name="to" value=(to) required;
                }
            }
            p { button type="submit" { "Toon overzicht" } }
        }
        @match &result {
            None => {}
            Some(Err(AppError::Validation(errors))) => { (layout::field_errors(errors)) }
            Some(Err(e)) => { p.errors role="alert" { (e.to_string()) } }
            Some(Ok(o)) => { (overview_markup(&state, o)) }
        }
    };
    let status = match &result {
        Some(Err(e)) => e.status_code(),
        _ => actix_web::http::StatusCode::OK,
    };
    Ok(layout::with_status(
        status,
        layout::page("RDO-overzicht", Some(&principal), &req, body),
    ))
}

/// The overview of a unit and period: counts, the cases, and the downloads.
fn overview_markup(state: &AppState, o: &Overview) -> maud::Markup {
    html! {
        h2 { "Eenheid " (forms::label(&state.catalog, "unit", &o.unit)) ", " (super::dutch::day(o.from)) " t/m " (super::dutch::day(o.to)) }
        p.downloads {
            a.button href=(format!("/rdo/overzicht.xlsx?{}", query(o))) download { "Download werkmap (Excel)" }
            a.button href=(format!("/rdo/overzicht.csv?{}", query(o))) download { "Download CSV" }
            a.button href=(format!("/rdo/overzicht.csv?{}&excel=true", query(o))) download { "Download CSV voor Excel" }
        }
        p { (o.rows.len()) " bevestigde registraties; stand bij het OM langer dan 90 dagen ongewijzigd: " (o.prosecution_unchanged_over_90_days) "." }
        div.grid {
            table {
                caption { "Per discriminatiegrond" }
                thead { tr { th { "Grond" } th.n { "Registraties" } } }
                tbody { @for c in &o.by_ground { tr { td { (c.label_nl) } td.n { (c.registrations) } } } }
            }
            table {
                caption { "Per stand bij het OM" }
                thead { tr { th { "Stand" } th.n { "Registraties" } } }
                tbody { @for c in &o.by_prosecution_status { tr { td { (c.label_nl) } td.n { (c.registrations) } } } }
            }
        }
        table #zaken {
            caption { "Zaken" }
            thead { tr {
                th { "Registratie" } th { "Meldingsdatum" } th { "Gemeente" } th { "Gronden" }
                th { "Verschijningsvormen" } th { "Stand OM" } th { "Samenvatting" }
            } }
            tbody {
                @for r in &o.rows {
                    tr {
                        td { (r.registration_number) }
                        td { (super::dutch::day(r.reporting_date)) }
                        td { (r.municipality_name.as_deref().unwrap_or("–")) }
                        td { (r.grounds_nl.join(", ")) }
                        td { (r.manifestations_nl.join(", ")) }
                        td { (r.prosecution_status_nl.as_deref().unwrap_or("–")) }
                        td { (r.summary.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    }
}

/// The overview as an Excel workbook: cases, counts and forwarding shares.
pub async fn workbook(
    state: web::Data<AppState>,
    principal: Principal,
    period: web::Query<Period>,
) -> Result<HttpResponse, PageError> {
    let p = period.into_inner();
    let o = load(&state, &principal, &p).await?;
    let body = crate::rdo::write_xlsx(&o).map_err(anyhow::Error::from)?;
    let name = format!("rdo-{}-{}-{}.xlsx", o.unit, o.from, o.to);
    Ok(crate::http::attachment(crate::rdo::XLSX, &name, body))
}

/// The overview as a CSV file (with `excel=true`: semicolons and a byte order mark).
pub async fn download(
    state: web::Data<AppState>,
    principal: Principal,
    period: web::Query<Period>,
) -> Result<HttpResponse, PageError> {
    let p = period.into_inner();
    let o = load(&state, &principal, &p).await?;
    let mut body = Vec::new();
    write_csv(&o, &mut body, p.excel)?;
    let name = format!(
        "rdo-{}-{}-{}{}.csv",
        o.unit,
        o.from,
        o.to,
        if p.excel { "-excel" } else { "" }
    );
    Ok(crate::http::attachment(
        "text/csv; charset=utf-8",
        &name,
        body,
    ))
}
