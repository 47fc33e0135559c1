//! Unit leadership's page: the dashboard of a unit and year (`docs/dashboard.md`), its
//! charts drawn here as SVG (no scripts), each with its table as text alternative.

use std::fmt::Write;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Datelike;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::{dutch, layout, PageError};
use crate::auth::{Principal, Role};
use crate::dashboard::{Dashboard, Registrations, Screening};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Choice {
    unit: Option<String>,
    /// Text, so that a wrong year is answered on the page.
    year: Option<String>,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// Line colours (contrast ≥ 3:1 on white, WCAG 2.1 SC 1.4.11) and dash patterns, so
/// that the lines differ without colour too.
const LINES: [(&str, &str, &str); 3] = [
    ("Dit jaar", "#1f4e79", ""),
    ("Vorig jaar", "#5c5c5c", "6 4"),
    ("Doellijn", "#a33b00", "2 3"),
];

/// Registrations per month: this year, last year and the target as lines.
fn registrations_chart(r: &Registrations) -> String {
    let (w, h, left, bottom) = (640.0, 240.0, 40.0, 30.0);
    let max = r
        .months
        .iter()
        .flat_map(|m| {
            [
                m.this_year.unwrap_or(0) as f64,
                m.last_year as f64,
                m.target,
            ]
        })
        .fold(1.0_f64, f64::max);
    let x = |m: u32| left + (f64::from(m) - 0.5) * (w - left) / 12.0;
    let y = |v: f64| (h - bottom) - v / max * (h - bottom - 10.0);
    let mut svg = format!(
        r#"<svg role="img" aria-labelledby="registraties-titel" viewBox="0 0 {w} {}" width="100%"><title id="registraties-titel">Registraties per maand: dit jaar, vorig jaar en de doellijn; de cijfers staan in de tabel eronder</title>"#,
        h + 24.0
    );
    for (i, label) in MONTHS.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{label}</text>"#,
            x(i as u32 + 1),
            h - bottom + 16.0
        );
    }
    let series: [Vec<Option<f64>>; 3] = [
        r.months
            .iter()
            .map(|m| m.this_year.map(|n| n as f64))
            .collect(),
        r.months.iter().map(|m| Some(m.last_year as f64)).collect(),
        r.months.iter().map(|m| Some(m.target)).collect(),
    ];
    for ((label, colour, dash), values) in LINES.iter().zip(&series) {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i as u32 + 1), y(v))))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}" points="{}"><title>{label}</title></polyline>"#,
            points.join(" ")
        );
    }
    for (i, (label, colour, dash)) in LINES.iter().enumerate() {
        let lx = left + i as f64 * 150.0;
        let _ = write!(
            svg,
            r#"<line x1="{lx}" y1="{y0}" x2="{}" y2="{y0}" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/><text x="{}" y="{}" font-size="12">{label}</text>"#,
            lx + 28.0,
            lx + 34.0,
            h + 16.0 + 4.0,
            y0 = h + 16.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Median and 90th percentile of the lead time per month, as paired bars.
fn screening_chart(s: &Screening) -> String {
    let (w, h, left, bottom) = (640.0, 200.0, 40.0, 30.0);
    let max = s
        .months
        .iter()
        .flat_map(|m| [m.median_days, m.p90_days])
        .flatten()
        .fold(f64::from(s.target_days as i32), f64::max)
        .max(1.0);
    let slot = (w - left) / 12.0;
    let y = |v: f64| (h - bottom) - v / max * (h - bottom - 10.0);
    let mut svg = format!(
        r#"<svg role="img" aria-labelledby="doorlooptijd-titel" viewBox="0 0 {w} {}" width="100%"><title id="doorlooptijd-titel">Doorlooptijd per maand in dagen: mediaan en 90e percentiel, met de norm van {} dagen; de cijfers staan in de tabel eronder</title>"#,
        h + 20.0,
        s.target_days
    );
    for m in &s.months {
        let x0 = left + f64::from(m.month - 1) * slot;
        for (j, (v, colour)) in [(m.median_days, "#1f4e79"), (m.p90_days, "#a33b00")]
            .iter()
            .enumerate()
        {
            if let Some(v) = v {
                let x = x0 + 6.0 + j as f64 * (slot - 12.0) / 2.0;
                let _ = write!(
                    svg,
                    r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"#,
                    y(*v),
                    (slot - 12.0) / 2.0,
                    (h - bottom) - y(*v)
                );
            }
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{}</text>"#,
            x0 + slot / 2.0,
            h - bottom + 16.0,
            MONTHS[m.month as usize - 1]
        );
    }
    let norm = y(s.target_days as f64);
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{norm:.1}" x2="{w}" y2="{norm:.1}" stroke="#5c5c5c" stroke-dasharray="6 4"/><text x="{w}" y="{:.1}" font-size="11" text-anchor="end">norm {} dagen</text>"##,
        norm - 4.0,
        s.target_days
    );
    // The legend: the bars differ by position (left, right) as well as colour.
    let _ = write!(
        svg,
        r##"<rect x="{left}" y="{ly}" width="12" height="12" fill="#1f4e79"/><text x="{}" y="{}" font-size="12">mediaan (links)</text><rect x="{}" y="{ly}" width="12" height="12" fill="#a33b00"/><text x="{}" y="{}" font-size="12">90e percentiel (rechts)</text>"##,
        left + 16.0,
        h + 10.0,
        left + 150.0,
        left + 166.0,
        h + 10.0,
        ly = h
    );
    svg.push_str("</svg>");
    svg
}

/// A percentage with its sign: `+25%`, `-10%`, `0%`.
fn signed(percent: i32) -> String {
    match percent {
        p if p > 0 => format!("+{p}%"),
        p => format!("{p}%"),
    }
}

fn days(v: Option<f64>) -> String {
    v.map_or("–".to_owned(), |d| format!("{d:.1}").replace('.', ","))
}

fn reason_nl(reason: &str, size: Option<i64>) -> String {
    match reason {
        "violence" => "geweld".to_owned(),
        "police_victim" => "politiemedewerker slachtoffer".to_owned(),
        "wave" => format!("golf van {} meldingen", size.unwrap_or(0)),
        other => other.to_owned(),
    }
}

fn sections(d: &Dashboard) -> Markup {
    let r = &d.registrations;
    let s = &d.screening;
    html! {
        div.kpi {
            div { b { (r.this_year_to_date) } " registraties t/m " (MONTHS[(r.months_to_date.max(1) - 1) as usize]) }
            div { b { (r.last_year_to_date) } " vorig jaar, zelfde maanden" }
            div { b { (format!("{:.0}", r.target_to_date)) } " doel (" (signed(r.target_percent)) ")" }
            div { b { (s.backlog) } " nog te beoordelen" }
            div { b { (s.overdue) } " te laat (ouder dan " (s.target_days) " dagen)" }
        }
        h2 { "Registraties" }
        figure { (PreEscaped(registrations_chart(r))) }
        table {
            caption { "Registraties per maand, tegen vorig jaar en de doellijn (" (signed(r.target_percent)) ")" }
            thead { tr { th scope="col" { "Maand" } th.n scope="col" { "Dit jaar" } th.n scope="col" { "Vorig jaar" } th.n scope="col" { "Doellijn" } } }
            tbody {
                @for m in &r.months {
                    tr {
                        th scope="row" { (MONTHS[m.month as usize - 1]) }
                        td.n { (m.this_year.map_or("–".to_owned(), |n| n.to_string())) }
                        td.n { (m.last_year) }
                        td.n { (format!("{:.1}", m.target).replace('.', ",")) }
                    }
                }
            }
        }
        h2 { "Screening" }
        figure { (PreEscaped(screening_chart(s))) }
        table {
            caption { "Doorlooptijd van registratie tot beoordeling per maand (dagen)" }
            thead { tr { th scope="col" { "Maand" } th.n scope="col" { "Beoordeeld" } th.n scope="col" { "Mediaan" } th.n scope="col" { "90e percentiel" } } }
            tbody {
                @for m in &s.months {
                    tr {
                        th scope="row" { (MONTHS[m.month as usize - 1]) }
                        td.n { (m.screened) } td.n { (days(m.median_days)) } td.n { (days(m.p90_days)) }
                    }
                }
            }
        }
        @if !s.overdue_incidents.is_empty() {
            table {
                caption {
                    "Te laat: nog niet beoordeeld na " (s.target_days) " dagen (oudste eerst"
                    @if (s.overdue as usize) > s.overdue_incidents.len() { "; de eerste " (s.overdue_incidents.len()) " van " (s.overdue) }
                    ")"
                }
                thead { tr { th scope="col" { "Registratie" } th scope="col" { "Geregistreerd" } th.n scope="col" { "Dagen" } th scope="col" { "Status" } } }
                tbody {
                    @for i in &s.overdue_incidents {
                        tr {
                            th scope="row" { a href=(format!("/incidenten/{}", i.id)) { (i.registration_number) } }
                            td { (dutch::moment(&i.registered_at)) }
                            td.n { (i.age_days) }
                            td { (dutch::status(&i.status)) }
                        }
                    }
                }
            }
        }
        h2 { "Doorzending naar het OM" }
        table {
            caption { "Bevestigde incidenten per discriminatiegrond en hoeveel naar het OM gingen" }
            thead { tr { th scope="col" { "Grond" } th.n scope="col" { "Incidenten" } th.n scope="col" { "Doorgezonden" } th.n scope="col" { "Aandeel" } } }
            tbody {
                @for g in &d.forwarding {
                    tr {
                        th scope="row" { (g.label_nl) }
                        td.n { (g.registrations) } td.n { (g.forwarded) }
                        td.n { (format!("{:.1}%", g.share_forwarded * 100.0).replace('.', ",")) }
                    }
                }
            }
        }
        h2 { "Belangrijke incidenten" }
        @if d.important.is_empty() {
            p { "Geen incidenten met geweld, met een politiemedewerker als slachtoffer of uit een golf van meldingen." }
        } @else {
            table {
                caption { "Met geweld, met een politiemedewerker als slachtoffer of uit een golf van meldingen (nieuwste eerst, ten hoogste 50)" }
                thead { tr { th scope="col" { "Registratie" } th scope="col" { "Geregistreerd" } th scope="col" { "Waarom" } th scope="col" { "Status" } th scope="col" { "Korte omschrijving" } } }
                tbody {
                    @for i in &d.important {
                        tr {
                            th scope="row" { a href=(format!("/incidenten/{}", i.id)) { (i.registration_number) } }
                            td { (dutch::moment(&i.registered_at)) }
                            td { (i.reasons.iter().map(|r| reason_nl(r, i.event_registrations)).collect::<Vec<_>>().join(", ")) }
                            td { (dutch::status(&i.status)) }
                            td { (i.summary.as_deref().unwrap_or("–")) }
                        }
                    }
                }
            }
        }
    }
}

/// The choice of unit (national staff) and year.
fn choice_form(state: &AppState, principal: &Principal, unit: Option<&str>, year: i32) -> Markup {
    let this_year = state.clock.today().year();
    html! {
        form method="get" action="/dashboard" {
            div.grid {
                @if principal.role == Role::National {
                    div { (super::forms::unit_select(&state.catalog, unit)) }
                }
                div { (super::forms::year_select(this_year, year.min(this_year))) }
            }
            p { button type="submit" { "Toon dashboard" } }
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
    let today = state.clock.today();
    let year = super::forms::year_of(choice.year.as_deref(), today.year());
    let unit = match (&choice.unit, principal.role) {
        (None, Role::National) => state.catalog.list("unit").first().map(|c| c.code.clone()),
        (unit, _) => unit.clone(),
    };
    let asked = unit.clone();
    let result = match year {
        Ok(year) => {
            crate::dashboard::http::figures(&state, principal.clone(), &req, unit, Some(year)).await
        }
        Err(e) => Err(e),
    };
    let d = match result {
        Ok(d) => d,
        Err(e) => {
            let form = choice_form(&state, &principal, asked.as_deref(), today.year());
            return Ok(layout::asked_again(e, "Dashboard", &principal, &req, form)?);
        }
    };
    let body = html! {
        h1 { "Dashboard " (d.unit_label) " " (d.year) }
        (choice_form(&state, &principal, Some(&d.unit), d.year))
        p.hint { "Stand op " (dutch::day(d.today)) ". Dezelfde cijfers als JSON: " code { "GET /api/v1/dashboard?unit=" (d.unit) "&year=" (d.year) } "." }
        div.poldis.dashboard { (sections(&d)) }
    };
    Ok(layout::ok(layout::page(
        &format!("Dashboard {} {}", d.unit_label, d.year),
        Some(&principal),
        &req,
        body,
    )))
}
