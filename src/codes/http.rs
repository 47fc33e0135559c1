//! `GET /api/v1/codes`: the code lists and the municipality reference.

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Code, Municipality};
use crate::auth::Principal;
use crate::error::AppError;
use crate::http::error::Problem;
use crate::state::AppState;

/// All code lists, each with every code (also retired ones, with their validity),
/// and the municipality reference.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeLists {
    /// List name (`ground`, `manifestation`, …) to its codes.
    pub lists: BTreeMap<String, Vec<Code>>,
    pub municipalities: Vec<Municipality>,
}

/// The national code lists with labels and validity, and the municipalities.
#[utoipa::path(
    tag = "reference",
    responses(
        (status = 200, description = "Code lists", body = CodeLists),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/codes")]
pub async fn list_codes(
    state: web::Data<AppState>,
    _principal: Principal,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(CodeLists {
        lists: state.catalog.lists().clone(),
        municipalities: state.catalog.municipalities().cloned().collect(),
    }))
}
