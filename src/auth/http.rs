//! Token administration over HTTP: list, create, revoke.

use actix_web::{delete, get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    create_token, list_tokens, revoke_token, Principal, Refusal, Role, TokenInfo,
    DEFAULT_TOKEN_DAYS,
};
use crate::error::{AppError, FieldError};
use crate::http::error::Problem;
use crate::state::AppState;

/// Every token (never the token itself), newest first.
#[utoipa::path(
    tag = "administration",
    responses(
        (status = 200, description = "Tokens", body = Vec<TokenInfo>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/tokens")]
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let tokens = state
        .db
        .run(|db| Ok::<_, AppError>(list_tokens(&mut *db.conn()?)?))
        .await?;
    Ok(HttpResponse::Ok().json(tokens))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    /// Created when new; an existing user must keep their role and scope.
    pub user: String,
    /// registrar, screener, analyst, national or admin
    pub role: String,
    /// A unit code, or `*` for national and admin.
    pub scope: String,
    /// Days until the token expires: 1 to 366 (default 90).
    #[schema(minimum = 1, maximum = 366)]
    pub days: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: String,
    /// Shown once; only its hash is stored.
    pub token: String,
}

/// Create a user (when new) and a token for them.
#[utoipa::path(
    tag = "administration",
    request_body = NewTokenRequest,
    responses(
        (status = 201, description = "The token, shown this once", body = CreatedToken),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad role, scope or user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/tokens")]
pub async fn create(
    state: web::Data<AppState>,
    body: crate::http::body::JsonObject<NewTokenRequest>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let role: Role = body.role.parse().map_err(|m: String| {
        AppError::Validation(vec![FieldError::new("role", m)
            .allowed(Role::ALL.iter().map(|r| r.as_str().to_owned()).collect())])
    })?;
    let (catalog, now) = (state.catalog.clone(), state.clock.now());
    let created = state
        .db
        .write_async(move |conn| {
            // Refusals (bad scope, a user with another role) are the caller's
            // mistake: 422, not a failed transaction.
            Ok::<_, AppError>(
                create_token(
                    conn,
                    &catalog,
                    &body.user,
                    role,
                    &body.scope,
                    body.days.unwrap_or(DEFAULT_TOKEN_DAYS),
                    now,
                )
                .map_err(refusal),
            )
        })
        .await??;
    Ok(HttpResponse::Created().json(CreatedToken {
        id: created.id,
        token: created.token,
    }))
}

/// A refused token request: 422 naming the field.
fn refusal(e: Refusal) -> AppError {
    match e {
        Refusal::Invalid { field, message } => {
            AppError::Validation(vec![FieldError::new(field, message)])
        }
        Refusal::Database(e) => e.into(),
    }
}

/// Revoke a token: refused from the next request on.
#[utoipa::path(
    tag = "administration",
    params(("id" = String, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/tokens/{id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let found = state
        .db
        .write_async(move |conn| Ok::<_, AppError>(revoke_token(conn, &id, now)?))
        .await?;
    if found {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(AppError::NotFound)
    }
}

/// The guard ([`super::guard`]) has authenticated the request and left the principal
/// in it; outside `/api/v1` there is none.
impl actix_web::FromRequest for Principal {
    type Error = AppError;
    type Future = std::future::Ready<Result<Principal, AppError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            actix_web::HttpMessage::extensions(req)
                .get::<Principal>()
                .cloned()
                .ok_or_else(|| {
                    AppError::Unauthorized("an Authorization: Bearer token is required".into())
                }),
        )
    }
}
