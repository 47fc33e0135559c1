//! The RDO overview and prosecution updates over HTTP.

use actix_web::http::header;
use actix_web::{get, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    overview, update_prosecution, write_csv, write_xlsx, Day, Overview, OverviewRequest,
    ProsecutionUpdate, XLSX,
};
use crate::auth::Principal;
use crate::error::AppError;
use crate::http::error::Problem;
use crate::incidents::Incident;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// Unit code (default: your own; national staff must name one).
    unit: Option<String>,
    /// First reporting date, `YYYY-MM-DD`.
    from: String,
    /// Last reporting date, inclusive.
    to: String,
    /// With `Accept: text/csv`: semicolons and a byte order mark for Dutch Excel.
    #[serde(default)]
    excel: bool,
}

/// The RDO case overview of a unit and a period (by reporting date): every CONFIRMED
/// registration with counts by ground and prosecution status and the share of each
/// ground forwarded to the OM. Never the narrative. `Accept: text/csv` gives the cases
/// as CSV; `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`
/// the workbook for the RDO (cases, counts, forwarding shares).
#[utoipa::path(
    tag = "rdo",
    params(OverviewQuery),
    responses(
        (status = 200, description = "The overview (JSON; CSV or the Excel workbook by Accept)", content(
            (Overview = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 403, description = "Role or unit not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid unit or dates", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/rdo/overview")]
pub async fn read_overview(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    query: web::Query<OverviewQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let request = OverviewRequest {
        unit: q.unit,
        from: Day::Text(q.from),
        to: Day::Text(q.to),
    };
    let (catalog, today) = (state.catalog.clone(), state.clock.today());
    let result = state
        .db
        .run(move |db| overview(&mut *db.conn()?, &catalog, &principal, request, today))
        .await?;
    let format = crate::http::preferred(&req, &[XLSX, "text/csv"]);
    if format == Some(XLSX) {
        let body = write_xlsx(&result).map_err(anyhow::Error::from)?;
        let name = format!("rdo-{}-{}-{}.xlsx", result.unit, result.from, result.to);
        return Ok(crate::http::attachment(XLSX, &name, body));
    }
    if format == Some("text/csv") {
        let mut body = Vec::new();
        write_csv(&result, &mut body, q.excel)?;
        let name = format!("rdo-{}-{}-{}.csv", result.unit, result.from, result.to);
        return Ok(crate::http::attachment(
            "text/csv; charset=utf-8",
            &name,
            body,
        ));
    }
    Ok(HttpResponse::Ok().json(result))
}

/// Set an incident's prosecution status (and the date it went to the OM).
#[utoipa::path(
    tag = "rdo",
    params(("id" = String, Path, description = "Incident id")),
    request_body = ProsecutionUpdate,
    responses(
        (status = 200, description = "The incident", body = Incident),
        (status = 403, description = "Role not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in your scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid status or date", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/incidents/{id}/prosecution")]
pub async fn put_prosecution(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: crate::http::body::JsonObject<ProsecutionUpdate>,
) -> Result<HttpResponse, AppError> {
    let (id, update, catalog) = (id.into_inner(), body.into_inner(), state.catalog.clone());
    let now = state.clock.now();
    let view = state
        .db
        .write_async(move |conn| update_prosecution(conn, &catalog, &principal, &id, &update, now))
        .await?;
    crate::http::restricted::note_incident(&req, &state, &view);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view))
}
