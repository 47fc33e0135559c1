//! The web interface: server-rendered pages in Dutch for desk officers, screeners,
//! analysts and national staff. The pages call the same domain code as the API and
//! pass the same guard ([`crate::auth::guard::pass`], through [`door::Pages`]): the same role policy
//! ([`crate::auth::policy::WEB_RULES`]) and one audit entry per request. Templates are
//! maud (checked at compile time); forms work without JavaScript and carry a CSRF
//! token; the stylesheet is served by the binary.

mod candidates;
mod cookie;
mod dashboard;
mod door;
mod dutch;
mod error;
mod forms;
mod incident;
mod layout;
mod monitor;
mod oidc;
mod poldis;
mod rdo;
mod registration;
mod screening;
pub mod session;
mod sign_out;

use actix_web::{web, HttpResponse};

pub use error::{refusal, PageError};

use crate::auth::{Principal, Role};

/// The pages. Registered after the API and the documentation: the guarded scope
/// takes every other path.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/dira.css", web::get().to(layout::stylesheet))
        .route("/inloggen", web::get().to(session::sign_in_form))
        .route("/inloggen", web::post().to(session::sign_in))
        .route("/inloggen/oidc", web::get().to(oidc::start))
        .route("/inloggen/oidc/terug", web::get().to(oidc::callback))
        .route("/uitloggen", web::post().to(sign_out::sign_out))
        .service(
            web::scope("")
                .wrap(actix_web::middleware::from_fn(door::guard))
                // An address the page cannot read is answered as a page, not as JSON.
                .app_data(web::QueryConfig::default().error_handler(|_, _| {
                    PageError(crate::error::AppError::field(
                        "adres",
                        "het adres bevat een parameter die niet klopt (twee keer dezelfde, of een waarde van de verkeerde soort)",
                    ))
                    .into()
                }))
                .route("/", web::get().to(home))
                .route("/registreren", web::get().to(registration::form))
                .route("/registreren", web::post().to(registration::submit))
                .route("/screening", web::get().to(screening::queue_page))
                .route("/incidenten/{id}", web::get().to(incident::page))
                .route(
                    "/incidenten/{id}/beoordeling",
                    web::post().to(incident::decide),
                )
                .route(
                    "/incidenten/{id}/vervolging",
                    web::post().to(incident::prosecution),
                )
                .route("/kandidaten/{id}", web::get().to(candidates::page))
                .route(
                    "/kandidaten/{id}/overnemen",
                    web::post().to(candidates::promote),
                )
                .route(
                    "/kandidaten/{id}/afwijzen",
                    web::post().to(candidates::dismiss),
                )
                .route("/rdo", web::get().to(rdo::page))
                .route("/rdo/overzicht.csv", web::get().to(rdo::download))
                .route("/rdo/overzicht.xlsx", web::get().to(rdo::workbook))
                .route("/poldis", web::get().to(poldis::page))
                .route("/poldis/download", web::get().to(poldis::download))
                .route("/monitor", web::get().to(monitor::page))
                .route("/dashboard", web::get().to(dashboard::page))
                .route("/monitor/download", web::get().to(monitor::download)),
        );
}

/// Each role starts on its main task.
async fn home(principal: Principal, req: actix_web::HttpRequest) -> HttpResponse {
    let start = match principal.role {
        Role::Registrar => "/registreren",
        Role::Screener => "/screening",
        Role::Analyst => "/rdo",
        Role::National => "/poldis",
        Role::Admin => {
            let body = maud::html! {
                h1 { "Beheer" }
                p { "Beheerders werken met de opdrachtregel (" code { "dira user" } ", " code { "dira token" } ", "
                    code { "dira import" } ", " code { "dira audit" } ") of de API; zie "
                    a href="/docs/" { "de API-documentatie" } "." }
            };
            return layout::ok(layout::page("Beheer", Some(&principal), &req, body));
        }
    };
    layout::see_other(start)
}
