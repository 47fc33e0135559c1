//! The OpenAPI document: its header, the bearer scheme, and the answers the guard and
//! the body readers add to every operation. The operations themselves come from the
//! route table ([`super::routes`]).

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dira",
        description = "DIscriminatie Registratie en Analyse: uniform registration, screening and reporting of discrimination incidents by the Dutch police."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "incidents", description = "Registering and correcting incidents"),
        (name = "reference", description = "National code lists and municipalities"),
        (name = "screening", description = "Screening by the unit's discrimination contact"),
        (name = "rdo", description = "The RDO case overview and prosecution status"),
        (name = "reports", description = "The annual Poldis report"),
        (name = "exchange", description = "Bulk import in the national exchange CSV"),
        (name = "administration", description = "Tokens and the audit log (administrators)"),
        (name = "service", description = "Health"),
    )
)]
pub(super) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The answers the guard and the body readers give on every `/api/v1` operation, so
/// that the document lists every status an operation can answer: 401 (no valid
/// token) and 403 (role not allowed) everywhere, 413 and 415 where there is a body,
/// 422 where there are parameters or a body. An operation's own description of a
/// status is kept.
pub(super) struct GuardResponses;

impl Modify for GuardResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1") {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let body = operation.request_body.is_some();
                let params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let if_match = operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| p.name.eq_ignore_ascii_case("If-Match"));
                let mut add = [
                    ("401", "No valid token", true),
                    (
                        "403",
                        "The role may not do this, or the unit is outside the scope",
                        true,
                    ),
                    ("413", "The body is larger than this endpoint takes", body),
                    (
                        "415",
                        "The body is not of the media type this endpoint takes",
                        body,
                    ),
                    ("422", "Invalid parameters or body", body || params),
                    (
                        "412",
                        "If-Match names no current version of the incident",
                        if_match,
                    ),
                    ("428", "If-Match is missing", if_match),
                ];
                for (status, description, applies) in &mut add {
                    if *applies {
                        operation
                            .responses
                            .responses
                            .entry((*status).to_owned())
                            .or_insert_with(|| problem(description).into());
                    }
                }
            }
        }
    }
}

/// The OpenAPI document, built from the route table.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) =
        super::routes(App::new().into_utoipa_app().openapi(ApiDoc::openapi())).split_for_parts();
    GuardResponses.modify(&mut api);
    api
}
