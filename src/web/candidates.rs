//! A candidate on the screener's pages: the general incident with what matched, and
//! the two decisions, taking it over as a discrimination incident (with its
//! classification) or dismissing it with a reason. Both go through the same domain
//! functions as the API (`candidates::{promote_candidate, dismiss_candidate}`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::forms::{self, checkboxes, field_label, select};
use super::registration::RegistrationForm;
use super::{cookie, layout, PageError};
use crate::auth::Principal;
use crate::candidates::{dismiss_candidate, promote_candidate, read_candidate, Candidate};
use crate::error::AppError;
use crate::state::AppState;

pub async fn page(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let posted = RegistrationForm::default();
    let shown = Shown {
        top: html! {},
        status: StatusCode::OK,
        posted: &posted,
    };
    show(&state, principal, &req, id.into_inner(), shown).await
}

/// What goes on the page besides the candidate: a notice or problems on top, and
/// the values of a refused form.
struct Shown<'f> {
    top: Markup,
    status: StatusCode,
    posted: &'f RegistrationForm,
}

async fn show(
    state: &web::Data<AppState>,
    principal: Principal,
    req: &HttpRequest,
    id: String,
    shown: Shown<'_>,
) -> Result<HttpResponse, PageError> {
    let who = principal.clone();
    let candidate = state
        .db
        .run(move |db| read_candidate(&mut *db.conn()?, &who, &id))
        .await?;
    let body = html! {
        h1 { "Kandidaat " (candidate.source_reference) }
        (shown.top)
        (candidate_markup(state, &candidate))
        @if candidate.status == crate::candidates::CandidateState::Open.as_str() {
            (promote_form(state, req, &candidate, shown.posted))
            (dismiss_form(req, &candidate))
        }
    };
    Ok(layout::with_status(
        shown.status,
        layout::page("Kandidaat", Some(&principal), req, body),
    ))
}

fn candidate_markup(state: &AppState, c: &Candidate) -> Markup {
    let municipality = c
        .municipality
        .as_deref()
        .and_then(|m| state.catalog.municipality(m))
        .map_or("–", |m| m.name.as_str());
    html! {
        dl.fields {
            dt { "Status" } dd #status { (super::dutch::status(&c.status)) }
            dt { (field_label("unit")) } dd { (super::forms::label(&state.catalog, "unit", &c.unit)) }
            dt { "Geregistreerd" } dd { (super::dutch::moment_utc(c.registered_at)) }
            dt { (field_label("municipality")) } dd { (municipality) }
            dt { "Incidentcode" } dd { (c.incident_code) }
            dt { "Gevonden op" } dd { (c.matched.replace('|', ", ")) }
            dt { (field_label("narrative")) } dd { (c.narrative) }
            @if let Some(reason) = &c.reason { dt { (field_label("reason")) } dd { (reason) } }
            @if let Some(incident) = &c.incident_id {
                dt { "Incident" } dd { a href=(format!("/incidenten/{incident}")) { "naar de registratie" } }
            }
        }
    }
}

fn promote_form(
    state: &AppState,
    req: &HttpRequest,
    c: &Candidate,
    posted: &RegistrationForm,
) -> Markup {
    let catalog = &forms::Lists::of(state);
    html! {
        h2 { "Overnemen als discriminatie-incident" }
        p.hint { "Moment, eenheid, gemeente en relaas komen uit het algemene incident." }
        form method="post" action=(format!("/kandidaten/{}/overnemen", c.id)) {
            input type="hidden" name="csrf" value=(cookie::csrf_token(req));
            (select(catalog, "registration_type", "registration_type", posted.registration_type.as_deref()))
            (select(catalog, "channel", "channel", posted.channel.as_deref()))
            (checkboxes(catalog, "ground", "grounds", &posted.grounds))
            (checkboxes(catalog, "manifestation", "manifestations", &posted.manifestations))
            (checkboxes(catalog, "article", "articles", &posted.articles))
            (select(catalog, "domain", "domain", posted.domain.as_deref()))
            (select(catalog, "victim_kind", "victim_kind", posted.victim_kind.as_deref()))
            label for="summary" { (field_label("summary")) }
            input type="text" id="summary" name="summary" value=(posted.summary.as_deref().unwrap_or(""));
            p { button type="submit" { "Overnemen" } }
        }
    }
}

fn dismiss_form(req: &HttpRequest, c: &Candidate) -> Markup {
    html! {
        h2 { "Afwijzen" }
        form method="post" action=(format!("/kandidaten/{}/afwijzen", c.id)) {
            input type="hidden" name="csrf" value=(cookie::csrf_token(req));
            label for="reason" { "Waarom is dit geen discriminatie-incident?" }
            textarea id="reason" name="reason" required {}
            p { button type="submit" { "Afwijzen" } }
        }
    }
}

pub async fn promote(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let posted: RegistrationForm = forms::posted(&body)?;
    cookie::check_csrf(&req, &posted.csrf)?;
    let fields = posted.fields()?;
    let (catalog, who, target) = (state.catalog.clone(), principal.clone(), id.clone());
    let now = state.clock.now();
    let result = state
        .db
        .write_async(move |conn| promote_candidate(conn, &catalog, &who, &target, &fields, now))
        .await
        .map(|incident| {
            crate::auth::guard::audit_created(&req, &incident.id, &id);
            // The incident of a candidate registered more than a year ago is past the
            // first term: taking it over is the reason it is shown.
            let past = crate::http::restricted::is_past(&state, &incident.registered_at);
            let reason = if past {
                "&reden=Kandidaat+overgenomen"
            } else {
                ""
            };
            format!("/incidenten/{}?opgeslagen=overgenomen{reason}", incident.id)
        });
    after_decision(&state, principal, &req, id, result, &posted).await
}

/// After a decision: made, on to the page it names (a reload does not post again);
/// refused, the candidate again with the problems on top and the form as it was.
async fn after_decision(
    state: &web::Data<AppState>,
    principal: Principal,
    req: &HttpRequest,
    id: String,
    result: Result<String, AppError>,
    posted: &RegistrationForm,
) -> Result<HttpResponse, PageError> {
    match result {
        Ok(next) => Ok(layout::see_other(&next)),
        Err(AppError::Validation(errors)) => {
            let shown = Shown {
                top: layout::field_errors(&errors),
                status: StatusCode::UNPROCESSABLE_ENTITY,
                posted,
            };
            show(state, principal, req, id, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct DismissForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn dismiss(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<DismissForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let posted = form.into_inner();
    cookie::check_csrf(&req, &posted.csrf)?;
    let (who, target, reason) = (principal.clone(), id.clone(), posted.reason);
    let now = state.clock.now();
    let result = state
        .db
        .write_async(move |conn| dismiss_candidate(conn, &who, &target, &reason, now))
        .await
        .map(|()| "/screening?afgewezen=1".to_owned());
    let unchanged = RegistrationForm::default();
    after_decision(&state, principal, &req, id, result, &unchanged).await
}
