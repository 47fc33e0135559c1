//! The server: the one route table (which is also the OpenAPI document), the shared
//! state it is built with, and starting and stopping it. `dira serve` and the tests
//! start the application the same way.

mod openapi;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

pub use openapi::openapi;
use openapi::{ApiDoc, GuardResponses};

use crate::clock::Clock;
use crate::codes::Catalog;
use crate::db::Db;
use crate::http::{error, headers, health, MAX_FORM_BYTES};
use crate::state::AppState;

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
    app.service(health::health).service(health::ready).service(
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
            .service(crate::adv::http::import_adv)
            .service(crate::mapping::http::read_mapping)
            .service(crate::mapping::http::replace_mapping)
            .service(crate::monitor::http::monitor)
            .service(crate::odihr::http::odihr)
            .service(crate::dashboard::http::read_dashboard)
            .service(crate::audit::http::read)
            .service(crate::auth::http::list)
            .service(crate::auth::http::create)
            .service(crate::auth::http::revoke),
    )
}

/// What a server runs with besides its database and address.
pub struct Settings {
    /// Worker threads (default: one per core).
    pub workers: Option<usize>,
    /// The time every operation uses (`Clock::system()` outside tests).
    pub clock: Clock,
    pub sign_in: crate::auth::SignInSettings,
}

impl Settings {
    /// The settings of `dira serve`: the system clock and the environment
    /// ([`crate::config::sign_in_settings`]).
    pub fn from_env(workers: Option<usize>) -> anyhow::Result<Settings> {
        let clock = Clock::system();
        Ok(Settings {
            workers,
            sign_in: crate::config::sign_in_settings(clock.clone())?,
            clock,
        })
    }
}

/// A bound, ready-to-run server. Tests and `dira serve` start the app the same way.
pub struct Application {
    server: Server,
    port: u16,
}

impl Application {
    /// Binds `listener` and builds the server around `db` with `settings`.
    pub fn build(db: Db, listener: TcpListener, settings: Settings) -> anyhow::Result<Application> {
        let Settings {
            workers,
            clock,
            sign_in,
        } = settings;
        let catalog = Arc::new(Catalog::load(&mut *db.conn()?)?);
        let registration_targets = crate::config::registration_targets(&catalog)?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            db,
            catalog,
            screening_target_days: crate::screening::target_days(),
            clock,
            sign_in,
            restrict_after_years: crate::config::retention_restrict_years()?,
            registration_targets,
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
                .service(web::resource("/health/ready").to(health::method_not_allowed))
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
