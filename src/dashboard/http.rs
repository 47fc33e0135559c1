//! `GET /api/v1/dashboard`: the unit dashboard's figures.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::Datelike;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{dashboard, Dashboard, Request};
use crate::auth::Principal;
use crate::error::AppError;
use crate::http::error::Problem;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Unit code: required for national staff; others get their own unit.
    unit: Option<String>,
    /// The year (default: this year, Europe/Amsterdam).
    year: Option<i32>,
}

/// The figures of `q` for `principal`, as the API and the page show them; the old
/// incidents it lists are noted for the audit log.
pub async fn figures(
    state: &web::Data<AppState>,
    principal: Principal,
    req: &HttpRequest,
    unit: Option<String>,
    year: Option<i32>,
) -> Result<Dashboard, AppError> {
    let today = state.clock.today();
    let (catalog, targets, target_days) = (
        state.catalog.clone(),
        state.registration_targets.clone(),
        state.screening_target_days,
    );
    let figures = state
        .db
        .run(move |db| {
            let request = Request {
                principal: &principal,
                unit,
                year: year.unwrap_or(today.year()),
                today,
                target_days,
                targets: &targets,
            };
            dashboard(&mut *db.conn()?, &catalog, request)
        })
        .await?;
    let listed = figures
        .important
        .iter()
        .map(|i| (i.id.as_str(), i.registered_at.as_str()))
        .chain(
            figures
                .screening
                .overdue_incidents
                .iter()
                .map(|i| (i.id.as_str(), i.registered_at.as_str())),
        );
    crate::http::restricted::note(req, state, listed, None);
    Ok(figures)
}

/// The unit dashboard: registrations against last year and the target, screening
/// backlog and lead times, forwarding to the OM per ground, important incidents.
#[utoipa::path(
    tag = "reports",
    params(DashboardQuery),
    responses(
        (status = 200, description = "The figures", body = Dashboard),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role or unit not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid unit or year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/dashboard")]
pub async fn read_dashboard(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let figures = figures(&state, principal, &req, q.unit, q.year).await?;
    Ok(HttpResponse::Ok().json(figures))
}
