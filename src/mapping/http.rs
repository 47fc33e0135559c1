//! `GET` and `PUT /api/v1/mappings/{scheme}`: the mapping in force, and its
//! replacement by an administrator (the mapping file of [`super::parse`]).

use actix_web::{get, put, web, HttpMessage, HttpRequest, HttpResponse};

use super::{load, parse, replace, write_csv, Mapping, Scheme};
use crate::auth::guard::AuditNote;
use crate::auth::Principal;
use crate::error::{AppError, FieldError};
use crate::http::error::Problem;
use crate::state::AppState;

/// The largest mapping file taken, in bytes.
const MAX_MAPPING_BYTES: usize = 1024 * 1024;

fn scheme(text: &str) -> Result<Scheme, AppError> {
    Scheme::parse(text).ok_or_else(|| {
        AppError::Validation(vec![FieldError::new(
            "scheme",
            format!("unknown scheme {text:?}"),
        )
        .allowed(Scheme::names())])
    })
}

/// The mapping of a scheme in force.
///
/// `adv`: the anti-discrimination bureaus' categories to the police codes; `odihr`:
/// the police codes to ODIHR's categories. An empty target is "no counterpart".
/// `Accept: text/csv` gives the mapping file, as `PUT` takes it.
#[utoipa::path(
    tag = "reports",
    params(("scheme" = String, Path, description = "`adv` or `odihr`")),
    responses(
        (status = 200, description = "The mapping (JSON, or the mapping file by Accept)", content(
            (Mapping = "application/json"),
            (String = "text/csv"),
        )),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown scheme", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/mappings/{scheme}")]
pub async fn read_mapping(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let scheme = scheme(&path)?;
    let mapping = state
        .db
        .run(move |db| Ok::<_, AppError>(load(&mut *db.conn()?, scheme)?))
        .await?;
    if crate::http::preferred(&req, &["text/csv"]).is_some() {
        let mut body = Vec::new();
        write_csv(&mapping, &mut body).map_err(anyhow::Error::from)?;
        let name = format!("mapping-{}-{}.csv", mapping.scheme, mapping.version);
        return Ok(crate::http::attachment(
            "text/csv; charset=utf-8",
            &name,
            body,
        ));
    }
    Ok(HttpResponse::Ok().json(mapping))
}

/// Replace the mapping of a scheme (administrators).
///
/// The body is a mapping file holding that scheme only, with one version; it is
/// checked whole (every code of the source lists mapped, to codes or to nothing) and
/// stored whole, or nothing is stored and every problem is listed with its line.
#[utoipa::path(
    tag = "reports",
    params(("scheme" = String, Path, description = "`adv` or `odihr`")),
    request_body(content = String, content_type = "text/csv", description = "Mapping file (docs/monitor.md)"),
    responses(
        (status = 200, description = "The mapping now in force", body = Mapping),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid file (nothing stored)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/mappings/{scheme}")]
pub async fn replace_mapping(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let scheme = scheme(&path)?;
    let body = crate::http::body::bytes_limited(&req, payload, MAX_MAPPING_BYTES).await?;
    let replacements = parse(&body[..], &state.catalog).map_err(|errors| {
        AppError::InvalidFile(
            format!("{} problem(s); nothing was stored", errors.len()),
            errors,
        )
    })?;
    let other: Vec<&str> = replacements
        .iter()
        .filter(|r| r.scheme != scheme)
        .map(|r| r.scheme.as_str())
        .collect();
    if !other.is_empty() || replacements.is_empty() {
        return Err(AppError::field(
            "scheme",
            format!("the file must hold the {} scheme only", scheme.as_str()),
        ));
    }
    let version = replacements[0].version.clone();
    let (user, at) = (principal.user.clone(), state.clock.now());
    let mapping = state
        .db
        .write_async(move |conn| {
            replace(conn, &replacements, &user, at)?;
            Ok::<_, AppError>(load(conn, scheme)?)
        })
        .await?;
    req.extensions_mut().insert(AuditNote(format!(
        "scheme={} version={version}",
        scheme.as_str()
    )));
    Ok(HttpResponse::Ok().json(mapping))
}
