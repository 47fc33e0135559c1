//! `GET /api/v1/reports/monitor/{year}`: the regional monitor.

use actix_web::{get, web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{produce, write_xlsx, Monitor};
use crate::auth::guard::AuditNote;
use crate::auth::Principal;
use crate::error::AppError;
use crate::http::error::Problem;
use crate::state::AppState;

/// The media type of a workbook.
const XLSX: &str = crate::rdo::XLSX;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonitorQuery {
    /// Unit code: required for national staff; analysts get their own unit.
    unit: Option<String>,
    /// Publication mode: police counts 1 to 4 in the appendix are `<5`, cells withheld
    /// to protect them `x`, as in the Poldis report.
    #[serde(default)]
    publication: bool,
}

/// The unit a monitor is asked for by `principal`: checked against the code list
/// (422) and the scope (403); national staff must name one.
pub fn monitor_unit(
    state: &AppState,
    principal: &Principal,
    unit: Option<String>,
) -> Result<String, AppError> {
    principal
        .unit_to_see(&state.catalog, unit)?
        .ok_or_else(|| AppError::field("unit", "is required for users with national scope"))
}

/// The regional monitor of a unit: police incidents and ADV reports side by side.
///
/// JSON; `Accept: text/csv` gives the long form `table,key,subkey,column,value`,
/// `Accept: text/html` the page with charts, and the Excel media type the workbook
/// (one sheet per table).
#[utoipa::path(
    tag = "reports",
    params(("year" = i32, Path, description = "Reporting year"), MonitorQuery),
    responses(
        (status = 200, description = "The monitor (JSON; CSV, HTML or the workbook by Accept)", content(
            (Monitor = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role or unit not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid year or unit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/reports/monitor/{year}")]
pub async fn monitor(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    year: web::Path<i32>,
    query: web::Query<MonitorQuery>,
) -> Result<HttpResponse, AppError> {
    let year = crate::poldis::check_year(year.into_inner())?;
    let query = query.into_inner();
    let unit = monitor_unit(&state, &principal, query.unit)?;
    let (catalog, publication) = (state.catalog.clone(), query.publication);
    let monitor = state
        .db
        .run(move |db| produce(db, &catalog, &unit, year, publication).map_err(AppError::Internal))
        .await?;
    req.extensions_mut().insert(AuditNote(format!(
        "unit={} year={} publication={} fingerprint={}",
        monitor.unit, monitor.year, monitor.publication, monitor.fingerprint
    )));
    let name = format!("monitor-{}-{}", monitor.unit, monitor.year);
    match crate::http::preferred(&req, &[XLSX, "text/csv", "text/html"]) {
        Some(XLSX) => {
            let body = write_xlsx(&monitor).map_err(anyhow::Error::from)?;
            Ok(crate::http::attachment(XLSX, &format!("{name}.xlsx"), body))
        }
        Some("text/csv") => {
            let mut body = Vec::new();
            monitor.write_csv(&mut body).map_err(anyhow::Error::from)?;
            Ok(crate::http::attachment(
                "text/csv; charset=utf-8",
                &format!("{name}.csv"),
                body,
            ))
        }
        Some(_) => Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(super::render_html(&monitor))),
        None => Ok(HttpResponse::Ok().json(monitor)),
    }
}
