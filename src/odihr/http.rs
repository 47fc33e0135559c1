//! `GET /api/v1/reports/odihr/{year}`: the hate crime report to ODIHR.

use actix_web::{get, web, HttpMessage, HttpRequest, HttpResponse};

use crate::auth::guard::AuditNote;

use super::{produce, OdihrReport};
use crate::error::AppError;
use crate::http::error::Problem;
use crate::state::AppState;

/// The hate crime report to the OSCE (ODIHR): bias motivation by type of crime, all
/// units (national staff).
///
/// JSON; `Accept: text/csv` gives the long form `table,bias,crime_type,incidents`,
/// `Accept: text/html` the page.
#[utoipa::path(
    tag = "reports",
    params(("year" = i32, Path, description = "Reporting year")),
    responses(
        (status = 200, description = "The report (JSON; CSV or HTML by Accept)", content(
            (OdihrReport = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
        )),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not national staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/reports/odihr/{year}")]
pub async fn odihr(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let year = crate::poldis::check_year(year.into_inner())?;
    let catalog = state.catalog.clone();
    let report = state
        .db
        .run(move |db| produce(db, &catalog, year).map_err(AppError::Internal))
        .await?;
    req.extensions_mut().insert(AuditNote(format!(
        "year={year} mapping={} fingerprint={}",
        report.mapping_version, report.fingerprint
    )));
    match crate::http::preferred(&req, &["text/csv", "text/html"]) {
        Some("text/csv") => {
            let mut body = Vec::new();
            report.write_csv(&mut body).map_err(anyhow::Error::from)?;
            Ok(crate::http::attachment(
                "text/csv; charset=utf-8",
                &format!("odihr-{year}.csv"),
                body,
            ))
        }
        Some(_) => Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(report.render_html())),
        None => Ok(HttpResponse::Ok().json(report)),
    }
}
