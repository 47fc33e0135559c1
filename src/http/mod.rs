//! The HTTP side: the route table (which is also the OpenAPI document), shared state,
//! and starting and stopping the server.

pub mod body;
pub mod error;
pub mod headers;
mod health;
pub mod preconditions;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

use crate::codes::Catalog;
use crate::db::Db;

/// Largest exchange CSV accepted by `POST /api/v1/imports` (32 MiB, some 80,000 rows);
/// bigger files go through `dira import`. Larger bodies are refused with 413.
pub const MAX_IMPORT_BYTES: usize = 32 << 20;

/// Largest JSON body (1 MiB): a registration with the longest narrative (50,000
/// characters, each up to 6 bytes escaped) fits with room to spare.
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// Largest posted web form (640 KiB): the longest narrative, every byte
/// percent-encoded (3 bytes each), and the other fields.
pub const MAX_FORM_BYTES: usize = 640 << 10;

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub catalog: Arc<Catalog>,
    /// Days within which an incident should be screened.
    pub screening_target_days: i64,
}

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
struct ApiDoc;

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
struct GuardResponses;

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

/// The one route table: every route registered here is in the OpenAPI document.
fn routes<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Error = actix_web::Error,
        InitError = (),
    >,
{
    app.service(health::health).service(
        scope("/api/v1")
            .wrap(actix_web::middleware::from_fn(crate::auth::guard::guard))
            .service(crate::codes::http::list_codes)
            .service(crate::incidents::http::register)
            .service(crate::incidents::http::list)
            .service(crate::incidents::http::read)
            .service(crate::incidents::http::correct)
            .service(crate::screening::http::read_queue)
            .service(crate::screening::http::screen)
            .service(crate::screening::http::reopen_incident)
            .service(crate::screening::http::read_stats)
            .service(crate::poldis::http::poldis)
            .service(crate::poldis::http::publish)
            .service(crate::rdo::http::read_overview)
            .service(crate::rdo::http::put_prosecution)
            .service(crate::candidates::http::promote)
            .service(crate::candidates::http::dismiss)
            .service(crate::exchange::http::import_csv)
            .service(crate::audit::http::read)
            .service(crate::auth::http::list)
            .service(crate::auth::http::create)
            .service(crate::auth::http::revoke),
    )
}

/// The OpenAPI document, built from the route table.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) =
        routes(App::new().into_utoipa_app().openapi(ApiDoc::openapi())).split_for_parts();
    GuardResponses.modify(&mut api);
    api
}

/// A bound, ready-to-run server. Tests and `dira serve` start the app the same way.
pub struct Application {
    server: Server,
    port: u16,
}

impl Application {
    /// Binds `listener` and builds the server around `db`.
    pub fn build(
        db: Db,
        listener: TcpListener,
        workers: Option<usize>,
    ) -> anyhow::Result<Application> {
        let catalog = Arc::new(Catalog::load(&mut *db.conn()?)?);
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            db,
            catalog,
            screening_target_days: crate::screening::target_days(),
        });
        let mut server = HttpServer::new(move || {
            let (app, api) = routes(
                App::new()
                    .into_utoipa_app()
                    .openapi(ApiDoc::openapi())
                    .app_data(state.clone())
                    .app_data(web::QueryConfig::default().error_handler(error::query_error))
                    .app_data(web::PathConfig::default().error_handler(error::path_error))
                    .app_data(web::PayloadConfig::default().limit(MAX_FORM_BYTES))
                    .app_data(web::FormConfig::default().limit(MAX_FORM_BYTES)),
            )
            .split_for_parts();
            let mut api = api;
            // After the routes are in: the guard's answers go on every operation.
            GuardResponses.modify(&mut api);
            app.wrap(TracingLogger::default())
                .wrap(actix_web::middleware::from_fn(headers::secure))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", api))
                // Any other method on /health: 405, not the web pages' sign-in.
                .service(web::resource("/health").to(health::method_not_allowed))
                // Last: the web pages' guarded scope takes every path not matched above.
                .configure(crate::web::routes)
        })
        .listen(listener)?
        .shutdown_timeout(10);
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Application {
            server: server.run(),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM (or a stop through the handle), finishing requests
    /// in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The versions `If-Match` admits ([`preconditions`], RFC 9110 §13.1.1); 428 when the
/// header is absent, 422 when it is not `*` or a list of entity tags.
pub fn if_match(
    req: &actix_web::HttpRequest,
) -> Result<crate::incidents::store::Precondition, error::AppError> {
    let mut values = req
        .headers()
        .get_all(actix_web::http::header::IF_MATCH)
        .peekable();
    if values.peek().is_none() {
        return Err(error::AppError::PreconditionRequired);
    }
    preconditions::parse(values.map(|v| v.as_bytes())).map_err(|_| {
        error::AppError::field(
            "If-Match",
            "must be * or a list of entity tags, e.g. \"3\" (the incident's version)",
        )
    })
}

/// The unit a request names (checked against the unit list and the user's scope),
/// or the user's own when it names none (`None` for national scope).
pub fn unit_in_scope(
    state: &AppState,
    principal: &crate::auth::Principal,
    unit: Option<String>,
) -> Result<Option<String>, error::AppError> {
    use error::{AppError, FieldError};
    let units = state.catalog.list("unit");
    match unit {
        Some(u) if !units.iter().any(|c| c.code == u) => {
            Err(AppError::Validation(vec![FieldError::new(
                "unit",
                format!("unknown unit {u:?}"),
            )
            .allowed(units.iter().map(|c| c.code.clone()).collect())]))
        }
        Some(u) if !principal.sees_unit(&u) => Err(AppError::Forbidden(
            format!("you see unit {} only", principal.scope),
            vec![FieldError::new("unit", "is outside your scope")
                .allowed(vec![principal.scope.to_string()])],
        )),
        Some(u) => Ok(Some(u)),
        None => Ok(principal.scope.unit().map(str::to_owned)),
    }
}

/// A period of whole days in Europe/Amsterdam, as the UTC instants [start, end);
/// malformed dates are added to `errors` under their query names.
pub fn period(
    from: Option<&str>,
    to: Option<&str>,
    errors: &mut Vec<error::FieldError>,
) -> (Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>) {
    let mut day = |field: &str, v: Option<&str>| {
        v.and_then(|v| {
            crate::dates::parse_date(v)
                .map_err(|m| errors.push(error::FieldError::new(field, m)))
                .ok()
        })
    };
    let (first, last) = (day("from", from), day("to", to));
    if let (Some(first), Some(last)) = (first, last) {
        if last < first {
            errors.push(error::FieldError::new(
                "to",
                format!("{last} is before from {first}"),
            ));
        }
    }
    let start = first.map(crate::dates::amsterdam_midnight);
    let end = last
        .and_then(|d| d.succ_opt())
        .map(crate::dates::amsterdam_midnight);
    (start, end)
}

/// A file to download: 200 with `media` as its type and `Content-Disposition:
/// attachment` naming it `name` (RFC 6266; names are built by dira, ASCII only).
pub fn attachment(media: &str, name: &str, body: Vec<u8>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(media)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// Whether the request's `Accept` header names `media` (e.g. `text/csv`) with a
/// weight above 0 (RFC 9110 §12.5.1; `text/csv;q=0` declines it).
pub fn accepts(req: &actix_web::HttpRequest, media: &str) -> bool {
    weight(req, media).is_some_and(|q| q > 0.0)
}

/// Of `offered` media types, the one the request's `Accept` names with the highest
/// weight above 0 (the first on a tie); `None` when it names none of them.
pub fn preferred<'m>(req: &actix_web::HttpRequest, offered: &[&'m str]) -> Option<&'m str> {
    offered
        .iter()
        .filter_map(|m| weight(req, m).filter(|&q| q > 0.0).map(|q| (*m, q)))
        .fold(None, |best: Option<(&str, f32)>, (m, q)| match best {
            Some((_, b)) if b >= q => best,
            _ => Some((m, q)),
        })
        .map(|(m, _)| m)
}

/// The weight (`q`, RFC 9110 §12.4.2) `Accept` gives `media` by name, if it names it.
fn weight(req: &actix_web::HttpRequest, media: &str) -> Option<f32> {
    let value = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())?;
    value.split(',').find_map(|range| {
        let mut parts = range.split(';').map(str::trim);
        let named = parts.next().is_some_and(|t| t.eq_ignore_ascii_case(media));
        let weight = parts
            .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
            .map_or(Some(1.0), |q| q.parse::<f32>().ok());
        named.then_some(weight.unwrap_or(0.0))
    })
}
