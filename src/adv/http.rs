//! `POST /api/v1/adv/imports`: the anti-discrimination bureaus' figures file as the
//! request body, same rules as `dira adv import`.

use actix_web::{post, web, HttpMessage, HttpRequest, HttpResponse};

use super::{parse, store, Imported};
use crate::auth::guard::AuditNote;
use crate::auth::Principal;
use crate::error::AppError;
use crate::http::error::Problem;
use crate::state::AppState;

/// Import the ADV figures (administrators).
///
/// All or nothing: the file is checked whole, and one bad line stores nothing; every
/// bad line is listed as `line N: FIELD: message`. The figures of each municipality
/// and year in the file replace those stored before (a corrected delivery); others
/// stay.
#[utoipa::path(
    tag = "reports",
    request_body(content = String, content_type = "text/csv", description = "ADV figures file (docs/monitor.md)"),
    responses(
        (status = 201, description = "Stored", body = Imported),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 32 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid lines (nothing stored; every one listed)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/adv/imports")]
pub async fn import_adv(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body =
        crate::http::body::bytes_limited(&req, payload, crate::http::MAX_IMPORT_BYTES).await?;
    let this_year = chrono::Datelike::year(&state.clock.today());
    let figures = parse(&body[..], &state.catalog, this_year).map_err(|errors| {
        req.extensions_mut()
            .insert(AuditNote(format!("refused problems={}", errors.len())));
        AppError::InvalidFile(
            format!("{} problem(s); nothing was stored", errors.len()),
            errors,
        )
    })?;
    let (user, at) = (principal.user.clone(), state.clock.now());
    let imported: Imported = state
        .db
        .write_async(move |conn| Ok::<_, AppError>(store(conn, &figures, &user, at)?))
        .await?;
    req.extensions_mut().insert(AuditNote(format!(
        "lines={} municipalities_replaced={}",
        imported.lines, imported.municipalities_replaced
    )));
    Ok(HttpResponse::Created().json(imported))
}
