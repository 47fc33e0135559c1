//! An incident's page: the incident with its history, and for the discrimination
//! contact the screening decision (with reclassification) and the prosecution status.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::forms::{self, checkboxes, field_label, select};
use super::{cookie, layout, PageError};
use crate::auth::guard::audit_restricted;
use crate::auth::{Principal, Role};
use crate::error::{AppError, FieldError};
use crate::http::restricted::is_past;
use crate::incidents::{store, Incident, Status};
use crate::rdo::{update_prosecution, ProsecutionUpdate};
use crate::retention::access::{AccessReason, MAX_REASON_CHARS};
use crate::screening::{decide as apply_decision, Decision, Outcome};
use crate::state::AppState;

fn codes_text(state: &AppState, list: &str, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| forms::label(&state.catalog, list, c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn incident_markup(state: &AppState, i: &Incident) -> Markup {
    let one = |list: &str, v: &Option<String>| {
        v.as_deref().map_or("–".to_owned(), |c| {
            forms::label(&state.catalog, list, c).to_owned()
        })
    };
    html! {
        dl.fields {
            dt { "Status" } dd #status { (super::dutch::status(i.status.as_str())) }
            @if let Some(at) = &i.personal_data_removed_at {
                dt { "Bewaartermijn" } dd #verwijderd { "Gegevens verwijderd op " (super::dutch::moment(at)) }
            }
            @if !i.missing.is_empty() {
                dt { "Ontbreekt" } dd { (i.missing.iter().map(|f| field_label(f)).collect::<Vec<_>>().join(", ")) }
            }
            dt { "Eenheid" } dd { (forms::label(&state.catalog, "unit", &i.unit)) }
            dt { "Geregistreerd" } dd { (super::dutch::moment(&i.registered_at)) }
            dt { (field_label("registration_type")) } dd { (forms::label(&state.catalog, "registration_type", &i.registration_type)) }
            dt { (field_label("channel")) } dd { (forms::label(&state.catalog, "channel", &i.channel)) }
            dt { (field_label("grounds")) } dd #gronden { (codes_text(state, "ground", &i.grounds)) }
            dt { (field_label("manifestations")) } dd { (codes_text(state, "manifestation", &i.manifestations)) }
            dt { (field_label("articles")) } dd { (codes_text(state, "article", &i.articles)) }
            dt { (field_label("domain")) } dd { (one("domain", &i.domain)) }
            dt { (field_label("victim_kind")) } dd { (one("victim_kind", &i.victim_kind)) }
            dt { (field_label("municipality")) } dd { (i.municipality.as_deref().and_then(|m| state.catalog.municipality(m)).map_or("–", |m| m.name.as_str())) }
            dt { (field_label("summary")) } dd { (i.summary.as_deref().unwrap_or("–")) }
            @if let Some(n) = &i.narrative { dt { (field_label("narrative")) } dd { (n) } }
            @if let Some(r) = &i.rejection_reason { dt { (field_label("rejection_reason")) } dd { (forms::label(&state.catalog, "rejection_reason", r)) } }
            dt { (field_label("prosecution_status")) } dd #vervolging { (one("prosecution_status", &i.prosecution_status)) }
            @if let Some(d) = i.forwarded_on { dt { (field_label("forwarded_on")) } dd { (super::dutch::day(d)) } }
        }
        h2 { "Geschiedenis" }
        table {
            thead { tr { th.n { "Versie" } th { "Moment" } th { "Door" } th { "Actie" } th { "Wijzigingen" } } }
            tbody {
                @for h in i.history.as_deref().unwrap_or(&[]) {
                    tr {
                        td.n { (h.version) } td { (super::dutch::moment(&h.at)) } td { (h.user) }
                        td { (super::dutch::history_action(&h.action)) }
                        td { (changes_text(state, &h.changes)) }
                    }
                }
            }
        }
    }
}

/// The code list a coded field of the history draws from.
fn list_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "grounds" => "ground",
        "manifestations" => "manifestation",
        "articles" => "article",
        "domain" => "domain",
        "victim_kind" => "victim_kind",
        "registration_type" => "registration_type",
        "channel" => "channel",
        "prosecution_status" => "prosecution_status",
        "rejection_reason" => "rejection_reason",
        "outcome" => "screening_outcome",
        "unit" => "unit",
        _ => return None,
    })
}

/// One value of a history change as a Dutch reader reads it: codes by their labels,
/// statuses and yes/no in Dutch.
fn shown_value(state: &AppState, field: &str, v: &serde_json::Value) -> String {
    let code = |c: &str| -> String {
        match (field, list_of(field)) {
            ("status", _) => super::dutch::status(c).to_owned(),
            ("municipality", _) => state
                .catalog
                .municipality(c)
                .map_or_else(|| c.to_owned(), |m| m.name.clone()),
            (_, Some(list)) => forms::label(&state.catalog, list, c).to_owned(),
            _ => c.to_owned(),
        }
    };
    match v {
        serde_json::Value::Null => "–".to_owned(),
        serde_json::Value::Bool(true) => "ja".to_owned(),
        serde_json::Value::Bool(false) => "nee".to_owned(),
        serde_json::Value::String(s) => code(s),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), code))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// `{field: {old, new}}` as "Veld: oud → nieuw", codes by their Dutch labels.
fn changes_text(state: &AppState, changes: &serde_json::Value) -> String {
    let Some(map) = changes.as_object() else {
        return String::new();
    };
    let null = serde_json::Value::Null;
    map.iter()
        .map(|(field, change)| match change.get("hidden") {
            Some(_) => format!("{}: (niet zichtbaar buiten de eenheid)", field_label(field)),
            None => format!(
                "{}: {} → {}",
                field_label(field),
                shown_value(state, field, change.get("old").unwrap_or(&null)),
                shown_value(state, field, change.get("new").unwrap_or(&null))
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn decision_form(state: &AppState, req: &HttpRequest, i: &Incident, access: &Access) -> Markup {
    let catalog = &forms::Lists::of(state);
    html! {
        h2 { "Beoordelen" }
        form method="post" action=(format!("/incidenten/{}/beoordeling{}", i.id, access.query())) {
            input type="hidden" name="csrf" value=(cookie::csrf_token(req));
            input type="hidden" name="version" value=(i.version);
            fieldset id="outcome" tabindex="-1" {
                legend { (field_label("outcome")) }
                @for (code, text) in forms::choices(catalog, "screening_outcome") {
                    label.choice { input type="radio" name="outcome" value=(code) required; (text) }
                }
            }
            details {
                summary { "Classificatie aanpassen (alleen bij bevestigen)" }
                (checkboxes(catalog, "ground", "grounds", &i.grounds))
                (checkboxes(catalog, "manifestation", "manifestations", &i.manifestations))
                (checkboxes(catalog, "article", "articles", &i.articles))
                (select(catalog, "domain", "domain", i.domain.as_deref()))
                (select(catalog, "victim_kind", "victim_kind", i.victim_kind.as_deref()))
            }
            (select(catalog, "rejection_reason", "reason", None))
            label for="note" { (field_label("note")) }
            textarea id="note" name="note" {}
            p { button type="submit" { "Beoordeling opslaan" } }
        }
    }
}

fn prosecution_form(state: &AppState, req: &HttpRequest, i: &Incident, access: &Access) -> Markup {
    html! {
        h2 { "Stand bij het OM" }
        form method="post" action=(format!("/incidenten/{}/vervolging{}", i.id, access.query())) {
            input type="hidden" name="csrf" value=(cookie::csrf_token(req));
            (select(&forms::Lists::of(state), "prosecution_status", "prosecution_status", i.prosecution_status.as_deref()))
            label for="forwarded_on" { (field_label("forwarded_on")) }
            input type="date" id="forwarded_on" name="forwarded_on" value=(i.forwarded_on.map(|d| d.to_string()).unwrap_or_default());
            p { button type="submit" { "Stand opslaan" } }
        }
    }
}

/// Why the page is shown. An incident past the first term (Wpg art. 8) is shown only
/// for a reason the user gives (`?reden=`), audited with it; without one (or with an
/// invalid one) the page asks for it and shows nothing of the incident. The reason
/// travels with the page's forms and comes back after them.
pub struct Access(Result<Option<AccessReason>, FieldError>);

impl Access {
    /// The reason in `?reden=`, checked; a problem is named for the page's field.
    fn given(value: Option<&str>) -> Access {
        Access(
            AccessReason::parse(value)
                .map_err(|e| FieldError::new("reden", format!("De reden {}", dutch(&e.message)))),
        )
    }

    fn reason(&self) -> Option<&AccessReason> {
        self.0.as_ref().ok().and_then(Option::as_ref)
    }

    /// `?reden=…` to keep the reason across a form, or nothing.
    fn query(&self) -> String {
        self.reason().map_or_else(String::new, |r| {
            let encoded = serde_urlencoded::to_string([("reden", r.as_str())]).unwrap_or_default();
            format!("?{encoded}")
        })
    }
}

/// The problem with a reason in Dutch, for the page.
fn dutch(message: &str) -> &'static str {
    if message.starts_with("is empty") {
        "is leeg."
    } else if message.starts_with("is longer") {
        "is langer dan 300 tekens."
    } else if message.starts_with("holds no letter") {
        "bevat geen letter of cijfer."
    } else {
        "moet één regel tekst zijn, zonder stuur- of richtingstekens."
    }
}

/// The page asking why an incident past the first term is needed.
fn reason_form(id: &str, access: &Access) -> Markup {
    let problem = access.0.as_ref().err();
    html! {
        h1 { "Registratie ouder dan een jaar" }
        @if let Some(problem) = problem {
            div.errors role="alert" {
                p { a href="#reden" { (problem.message) } }
            }
        }
        p {
            "Deze registratie is meer dan een jaar geleden gedaan. Na het eerste jaar mogen "
            "politiegegevens alleen voor een bepaald doel worden ingezien (Wet politiegegevens, "
            "art. 8). Uw reden wordt met deze inzage in het auditlog vastgelegd."
        }
        form method="get" action=(format!("/incidenten/{id}")) {
            label for="reden" { "Reden van inzage" }
            @if let Some(problem) = problem {
                input type="text" id="reden" name="reden" required maxlength=(MAX_REASON_CHARS)
                    autocomplete="off" aria-invalid="true" aria-describedby="reden-fout";
                p #reden-fout { (problem.message) }
            } @else {
                input type="text" id="reden" name="reden" required maxlength=(MAX_REASON_CHARS) autocomplete="off";
            }
            p { button type="submit" { "Inzien" } }
        }
    }
}

async fn show(
    state: &web::Data<AppState>,
    principal: Principal,
    req: &HttpRequest,
    id: String,
    top: Markup,
    status: StatusCode,
    access: Access,
) -> Result<HttpResponse, PageError> {
    let who = principal.clone();
    let restricted = state.restricted_before(&who);
    let incident = state
        .db
        .run(move |db| store::read_visible(&mut *db.conn()?, &who, &id, restricted))
        .await?;
    if is_past(state, &incident.registered_at) {
        let Some(reason) = access.reason() else {
            // A failed form keeps its 422; a reason that is not one, too.
            let status = match access.0 {
                Err(_) => StatusCode::UNPROCESSABLE_ENTITY,
                Ok(_) => status,
            };
            let body = reason_form(&incident.id, &access);
            return Ok(layout::with_status(
                status,
                layout::page("Reden van inzage", Some(&principal), req, body),
            ));
        };
        audit_restricted(req, vec![incident.id.clone()], Some(reason));
    }
    let undecided = !incident.status.is_screened();
    let body = html! {
        h1 { "Registratie " (incident.registration_number) }
        (top)
        (incident_markup(state, &incident))
        @if principal.role == Role::Screener && undecided { (decision_form(state, req, &incident, &access)) }
        @if matches!(principal.role, Role::Screener | Role::Analyst) && incident.status == Status::Confirmed {
            (prosecution_form(state, req, &incident, &access))
        }
    };
    Ok(layout::with_status(
        status,
        layout::page("Registratie", Some(&principal), req, body),
    ))
}

#[derive(Deserialize)]
pub struct Shown {
    opgeslagen: Option<String>,
    /// Why an incident past the first term is read ([`Access`]).
    reden: Option<String>,
}

/// The reason carried by a form's address (`?reden=`), kept for the page after it.
#[derive(Deserialize)]
pub struct Carried {
    reden: Option<String>,
}

impl Carried {
    fn access(&self) -> Access {
        Access::given(self.reden.as_deref())
    }
}

pub async fn page(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    shown: web::Query<Shown>,
) -> Result<HttpResponse, PageError> {
    let top = match shown.opgeslagen.as_deref() {
        Some("beoordeling") => layout::notice("De beoordeling is opgeslagen."),
        Some("vervolging") => layout::notice("De stand bij het OM is opgeslagen."),
        Some("overgenomen") => {
            layout::notice("De kandidaat is overgenomen als discriminatie-incident.")
        }
        _ => html! {},
    };
    let access = Access::given(shown.reden.as_deref());
    show(
        &state,
        principal,
        &req,
        id.into_inner(),
        top,
        StatusCode::OK,
        access,
    )
    .await
}

/// The decision form as posted.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    version: i32,
    outcome: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    #[serde(default)]
    grounds: Vec<String>,
    #[serde(default)]
    manifestations: Vec<String>,
    #[serde(default)]
    articles: Vec<String>,
    domain: Option<String>,
    victim_kind: Option<String>,
}

/// Only what the screener changed counts as a reclassification.
fn changed<T: PartialEq>(new: T, old: T) -> Option<T> {
    (new != old).then_some(new)
}

pub async fn decide(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    carried: web::Query<Carried>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let posted: DecisionForm = forms::posted(&body)?;
    cookie::check_csrf(&req, &posted.csrf)?;
    let who = principal.clone();
    let restricted = state.restricted_before(&who);
    let current = {
        let id = id.clone();
        state
            .db
            .run(move |db| store::read_visible(&mut *db.conn()?, &who, &id, restricted))
            .await?
    };
    let outcome = posted.outcome.clone().unwrap_or_default();
    let confirming = Outcome::of_code(&outcome) == Some(Outcome::Confirm);
    let text = |v: &Option<String>| forms::text(v).flatten();
    let decision = Decision {
        outcome,
        reason: text(&posted.reason),
        note: text(&posted.note),
        grounds: confirming
            .then(|| changed(posted.grounds.clone(), current.grounds.clone()))
            .flatten(),
        manifestations: confirming
            .then(|| {
                changed(
                    posted.manifestations.clone(),
                    current.manifestations.clone(),
                )
            })
            .flatten(),
        articles: confirming
            .then(|| changed(posted.articles.clone(), current.articles.clone()))
            .flatten(),
        domain: confirming
            .then(|| changed(text(&posted.domain), current.domain.clone()))
            .flatten()
            .flatten(),
        victim_kind: confirming
            .then(|| changed(text(&posted.victim_kind), current.victim_kind.clone()))
            .flatten()
            .flatten(),
    };
    let (catalog, who, target, expected) = (
        state.catalog.clone(),
        principal.clone(),
        id.clone(),
        crate::incidents::store::Precondition::version(posted.version),
    );
    let now = state.clock.now();
    let result = state
        .db
        .write_async(move |conn| {
            apply_decision(conn, &catalog, &who, &target, &expected, &decision, now)
        })
        .await;
    let access = carried.access();
    after_form(&state, principal, &req, id, result, "beoordeling", access).await
}

/// After a form on the incident page: saved, back to the page with a notice (a
/// reload does not post again); invalid, the page again with the problems on top.
async fn after_form(
    state: &web::Data<AppState>,
    principal: Principal,
    req: &HttpRequest,
    id: String,
    result: Result<Incident, AppError>,
    saved: &str,
    access: Access,
) -> Result<HttpResponse, PageError> {
    match result {
        Ok(_) => {
            let reason = access.query().replacen('?', "&", 1);
            Ok(layout::see_other(&format!(
                "/incidenten/{id}?opgeslagen={saved}{reason}"
            )))
        }
        Err(AppError::Validation(errors)) => {
            let problems = layout::field_errors(&errors);
            show(
                state,
                principal,
                req,
                id,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
                access,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ProsecutionForm {
    #[serde(default)]
    csrf: String,
    prosecution_status: Option<String>,
    forwarded_on: Option<String>,
}

pub async fn prosecution(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    carried: web::Query<Carried>,
    form: web::Form<ProsecutionForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let posted = form.into_inner();
    cookie::check_csrf(&req, &posted.csrf)?;
    let Some(status) = forms::text(&posted.prosecution_status).flatten() else {
        let allowed = state
            .catalog
            .valid_codes("prosecution_status", state.clock.today());
        let missing = FieldError::new("prosecution_status", "kies een stand").allowed(allowed);
        let result = Err(AppError::Validation(vec![missing]));
        return after_form(
            &state,
            principal,
            &req,
            id,
            result,
            "vervolging",
            carried.access(),
        )
        .await;
    };
    let update = ProsecutionUpdate {
        prosecution_status: status,
        forwarded_on: forms::text(&posted.forwarded_on).flatten(),
    };
    let (catalog, who, target) = (state.catalog.clone(), principal.clone(), id.clone());
    let now = state.clock.now();
    let result = state
        .db
        .write_async(move |conn| update_prosecution(conn, &catalog, &who, &target, &update, now))
        .await;
    after_form(
        &state,
        principal,
        &req,
        id,
        result,
        "vervolging",
        carried.access(),
    )
    .await
}
