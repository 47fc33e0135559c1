//! The HTTP side: the route table (which is also the OpenAPI document), shared state,
//! and starting and stopping the server.

pub mod error;
mod health;

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

/// Largest exchange CSV accepted over HTTP; bigger files go through `dira import`.
const MAX_IMPORT_BYTES: usize = 256 << 20;

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
    let (_, api) =
        routes(App::new().into_utoipa_app().openapi(ApiDoc::openapi())).split_for_parts();
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
                    .app_data(
                        web::JsonConfig::default()
                            .limit(1 << 20)
                            .error_handler(error::json_error),
                    )
                    .app_data(web::QueryConfig::default().error_handler(error::query_error))
                    .app_data(web::PayloadConfig::default().limit(MAX_IMPORT_BYTES)),
            )
            .split_for_parts();
            app.wrap(TracingLogger::default())
                .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", api))
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

/// The version in `If-Match`: `3`, `"3"` or `W/"3"`; 428 when absent.
pub fn if_match(req: &actix_web::HttpRequest) -> Result<i32, error::AppError> {
    let value = req
        .headers()
        .get(actix_web::http::header::IF_MATCH)
        .ok_or(error::AppError::PreconditionRequired)?;
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            error::AppError::field("If-Match", "must be the incident's version, e.g. \"3\"")
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
    let start = day("from", from).map(crate::dates::amsterdam_midnight);
    let end = day("to", to)
        .and_then(|d| d.succ_opt())
        .map(crate::dates::amsterdam_midnight);
    (start, end)
}

/// Whether the request's `Accept` header asks for `media` (e.g. `text/csv`).
pub fn accepts(req: &actix_web::HttpRequest, media: &str) -> bool {
    req.headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(media))
}
