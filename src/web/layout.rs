//! The page around every page: header with the user's name, role and the navigation
//! of their role, sign-out, and the stylesheet.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use maud::{html, Markup, DOCTYPE};

use super::cookie;
use crate::auth::{Principal, Role};
use crate::error::FieldError;

const STYLESHEET: &str = include_str!("dira.css");

/// The pages' one stylesheet, the Poldis report's styles included: the
/// Content-Security-Policy allows no inline style.
pub async fn stylesheet() -> HttpResponse {
    static SHEET: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("{STYLESHEET}\n{}\n", crate::poldis::HTML_STYLE));
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "max-age=3600"))
        .body(SHEET.as_str())
}

pub fn ok(page: Markup) -> HttpResponse {
    with_status(actix_web::http::StatusCode::OK, page)
}

pub fn with_status(status: actix_web::http::StatusCode, page: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.into_string())
}

/// After a form: go to the page that shows the result (a reload does not post again).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Registrar => "registratie",
        Role::Screener => "discriminatiecoördinator",
        Role::Analyst => "analist",
        Role::National => "landelijk",
        Role::Admin => "beheer",
    }
}

/// The navigation of a role: its main task first.
fn navigation(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Registrar => &[("/registreren", "Registreren")],
        Role::Screener => &[
            ("/screening", "Screening"),
            ("/registreren", "Registreren"),
            ("/rdo", "RDO-overzicht"),
            ("/dashboard", "Dashboard"),
        ],
        Role::Analyst => &[
            ("/rdo", "RDO-overzicht"),
            ("/dashboard", "Dashboard"),
            ("/poldis", "Poldis"),
            ("/monitor", "Monitor"),
        ],
        Role::National => &[
            ("/poldis", "Poldis"),
            ("/dashboard", "Dashboard"),
            ("/monitor", "Monitor"),
            ("/rdo", "RDO-overzicht"),
        ],
        Role::Admin => &[],
    }
}

/// A page for a signed-in user, with the sign-out form (which needs the session's
/// CSRF token, hence the request).
pub fn page(title: &str, principal: Option<&Principal>, req: &HttpRequest, body: Markup) -> Markup {
    shell(title, principal, Some(&cookie::csrf_token(req)), body)
}

/// A page without the sign-out form (errors, the sign-in page).
pub fn bare_page(title: &str, principal: Option<&Principal>, body: Markup) -> Markup {
    shell(title, principal, None, body)
}

fn shell(title: &str, principal: Option<&Principal>, csrf: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="nl" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – dira" }
                link rel="stylesheet" href="/static/dira.css";
            }
            body {
                a.skip href="#inhoud" { "Naar de inhoud" }
                header {
                    span.brand { "dira" }
                    @if let Some(p) = principal {
                        nav aria-label="Hoofdmenu" {
                            ul {
                                @for (href, label) in navigation(p.role) {
                                    li { a href=(href) { (label) } }
                                }
                            }
                        }
                        span.who {
                            (p.user) " · " (role_name(p.role)) " · "
                            (p.scope.unit().unwrap_or("alle eenheden"))
                        }
                        @if let Some(csrf) = csrf {
                            form.signout method="post" action="/uitloggen" {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { "Uitloggen" }
                            }
                        }
                    }
                }
                main id="inhoud" tabindex="-1" { (body) }
            }
        }
    }
}

/// The problems of a form, at the top of the page and announced (`role="alert"`),
/// each naming its field with a link to it and, where there is a list, what is allowed
/// (WCAG 2.1 SC 3.3.1, 3.3.3).
pub fn field_errors(errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.errors role="alert" {
                p { "Niet gelukt. Verbeter het volgende:" }
                ul {
                    @for e in errors {
                        li {
                            a href=(format!("#{}", e.field)) { (super::forms::field_label(&e.field)) } ": " (e.message)
                            @if let Some(allowed) = &e.allowed {
                                @if !allowed.is_empty() && allowed.len() <= 20 {
                                    " (toegestaan: " (allowed.join(", ")) ")"
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The answer of a report page that cannot show what was asked (a unit or year it
/// cannot show): its heading, the problems with links to the fields, and its `form`
/// again, with the status of the refusal. Any other error is returned as it is.
pub fn asked_again(
    e: crate::error::AppError,
    title: &str,
    principal: &Principal,
    req: &HttpRequest,
    form: Markup,
) -> Result<HttpResponse, crate::error::AppError> {
    use crate::error::AppError;
    let status = actix_web::ResponseError::status_code(&e);
    let errors = match e {
        AppError::Validation(errors) | AppError::Forbidden(_, errors) if !errors.is_empty() => {
            errors
        }
        other => return Err(other),
    };
    let body = html! {
        h1 { (title) }
        (field_errors(&errors))
        (form)
    };
    Ok(with_status(status, page(title, Some(principal), req, body)))
}

/// A message that the previous action worked.
pub fn notice(text: &str) -> Markup {
    html! { p.notice role="status" { (text) } }
}
