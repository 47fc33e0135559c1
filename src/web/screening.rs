//! The discrimination contact's page: the unit's queue with lead-time figures.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;
use serde::Deserialize;

use super::{forms, layout, PageError};
use crate::auth::Principal;
use crate::error::AppError;
use crate::screening::{queue, stats, QueueFilter, StatsFilter};
use crate::state::AppState;
fn days(v: Option<f64>) -> String {
    v.map_or("–".to_owned(), |d| format!("{d:.1}").replace('.', ","))
}

#[derive(Deserialize)]
pub struct QueueShown {
    afgewezen: Option<String>,
}

pub async fn queue_page(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    shown: web::Query<QueueShown>,
) -> Result<HttpResponse, PageError> {
    let unit = principal
        .scope
        .unit()
        .ok_or_else(|| AppError::forbidden("de screening is per eenheid"))?
        .to_owned();
    let (target_days, today) = (state.screening_target_days, state.clock.today());
    let (queue, figures) = state
        .db
        .run(move |db| {
            let mut conn = db.conn()?;
            let filter = QueueFilter {
                unit: unit.clone(),
                status: None,
                district: None,
                target_days,
                today,
            };
            let q = queue(&mut conn, &filter)?;
            let filter = StatsFilter {
                unit: Some(unit),
                from: None,
                until: None,
                target_days,
                today,
            };
            Ok::<_, AppError>((q, stats(&mut conn, &filter)?))
        })
        .await?;
    let incidents = queue
        .items
        .iter()
        .filter(|i| i.kind == "incident")
        .map(|i| (i.id.as_str(), i.registered_at.as_str()));
    crate::http::restricted::note(&req, &state, incidents, None);
    let catalog = &forms::Lists::of(&state);
    let overdue = queue.items.iter().filter(|i| i.overdue).count();
    let body = html! {
        h1 { "Screening " (queue.unit) }
        @if shown.afgewezen.is_some() { (layout::notice("De kandidaat is afgewezen.")) }
        h2 { "Doorlooptijden" }
        @for u in &figures.units {
            dl.fields {
                dt { "Beoordeeld" } dd { (u.screened) }
                dt { "Mediaan (dagen)" } dd { (days(u.median_days)) }
                dt { "90e percentiel (dagen)" } dd { (days(u.p90_days)) }
                dt { "Binnen " (figures.target_days) " dagen" } dd { (u.within_target.map_or("–".to_owned(), |s| format!("{:.0}%", s * 100.0))) }
                dt { "Nu te laat" } dd { (u.overdue_now) }
            }
        }
        h2 { "Te beoordelen (" (queue.items.len()) ", waarvan " (overdue) " te laat)" }
        @if queue.items.is_empty() {
            p { "Niets te beoordelen." }
        } @else {
            table {
                caption.hint { "Oudste eerst. Te laat: ouder dan " (queue.target_days) " dagen en nog niet beoordeeld." }
                thead { tr {
                    th { "Registratie" } th { "Geregistreerd" } th.n { "Dagen" } th { "Status" }
                    th { "Gronden" } th { "Samenvatting" } th { "Gevonden op" }
                } }
                tbody {
                    @for item in &queue.items {
                        tr.overdue[item.overdue] {
                            td {
                                @if item.kind == "incident" {
                                    a href=(format!("/incidenten/{}", item.id)) { (item.registration_number.as_deref().unwrap_or(&item.id)) }
                                } @else {
                                    a href=(format!("/kandidaten/{}", item.id)) { "Kandidaat " (item.source_reference.as_deref().unwrap_or("")) }
                                }
                                @if item.overdue { " " span.badge { "te laat" } }
                            }
                            td { (super::dutch::moment(&item.registered_at)) }
                            td.n { (item.age_days) }
                            td { (super::dutch::status(&item.status)) }
                            td { (item.grounds.iter().map(|g| forms::label(catalog, "ground", g)).collect::<Vec<_>>().join(", ")) }
                            td { (item.summary.as_deref().unwrap_or("")) }
                            td { (item.matched.join(", ")) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::ok(layout::page(
        "Screening",
        Some(&principal),
        &req,
        body,
    )))
}
