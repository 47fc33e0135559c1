//! `GET /api/v1/reports/poldis/{year}`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{check_year, produce, report_unit, Report};
use crate::auth::Principal;
use crate::error::AppError;
use crate::http::error::Problem;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Publication mode: counts 1 to 4 of `by_municipality` and the cross tables are `<5`,
    /// cells withheld to protect them `x` (see `legend`); the summary stays exact.
    #[serde(default)]
    publication: bool,
}

/// The annual Poldis report: national staff for all units, analysts for their own.
/// JSON with labels; `Accept: text/csv` gives the long form `table,key,subkey,incidents`,
/// `Accept: text/html` the page with charts.
#[utoipa::path(
    tag = "reports",
    params(("year" = i32, Path, description = "Reporting year"), ReportQuery),
    responses(
        (status = 200, description = "The report", body = Report),
        (status = 403, description = "Role not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/reports/poldis/{year}")]
pub async fn poldis(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    year: web::Path<i32>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let year = check_year(year.into_inner())?;
    let unit = report_unit(&principal);
    let publication = query.publication;
    let catalog = state.catalog.clone();
    // polars blocks on its own thread pool: never on the async executor.
    let report = state
        .db
        .run(move |db| {
            produce(db, &catalog, year, unit.as_deref(), publication).map_err(AppError::Internal)
        })
        .await?;
    if crate::http::accepts(&req, "text/html") {
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(super::render_html(&report)));
    }
    if crate::http::accepts(&req, "text/csv") {
        let mut body = Vec::new();
        report.write_csv(&mut body).map_err(anyhow::Error::from)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(body));
    }
    Ok(HttpResponse::Ok().json(report))
}

/// Publish the report: it is stored unchanged (once per year, scope and mode), and
/// producing it later lists what changed since.
#[utoipa::path(
    tag = "reports",
    params(("year" = i32, Path, description = "Reporting year"), ReportQuery),
    responses(
        (status = 201, description = "Published", body = Report),
        (status = 403, description = "Not national staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/reports/poldis/{year}/publish")]
pub async fn publish(
    state: web::Data<AppState>,
    principal: Principal,
    year: web::Path<i32>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let year = check_year(year.into_inner())?;
    let (publication, catalog) = (query.publication, state.catalog.clone());
    let now = state.clock.now();
    let report = state
        .db
        .run(move |db| {
            let report =
                produce(db, &catalog, year, None, publication).map_err(AppError::Internal)?;
            super::publish(&mut *db.conn()?, &report, &principal.user, now)?;
            Ok::<_, AppError>(report)
        })
        .await?;
    Ok(HttpResponse::Created().json(report))
}
