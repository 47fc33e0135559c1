//! The desk officer's page: register a report (also an incomplete one) and see one's
//! recent registrations.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::forms::{self, checkboxes, field_label, select};
use super::{cookie, layout, PageError};
use crate::auth::Principal;
use crate::error::{AppError, FieldError};
use crate::incidents::{register, store, IncidentFields, IncidentRow, Registered};
use crate::state::AppState;

/// The registration form as posted (every field text; boxes repeat their name).
#[derive(Debug, Default, Deserialize)]
pub struct RegistrationForm {
    #[serde(default)]
    pub(super) csrf: String,
    pub(super) occurred_from: Option<String>,
    pub(super) occurred_to: Option<String>,
    pub(super) municipality: Option<String>,
    pub(super) district: Option<String>,
    pub(super) basic_team: Option<String>,
    pub(super) registration_type: Option<String>,
    pub(super) channel: Option<String>,
    #[serde(default)]
    pub(super) grounds: Vec<String>,
    #[serde(default)]
    pub(super) manifestations: Vec<String>,
    pub(super) domain: Option<String>,
    #[serde(default)]
    pub(super) articles: Vec<String>,
    pub(super) victim_kind: Option<String>,
    pub(super) suspect_known: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) narrative: Option<String>,
    pub(super) source_reference: Option<String>,
}

impl RegistrationForm {
    pub(super) fn fields(&self) -> Result<IncidentFields, AppError> {
        let suspect_known = match self.suspect_known.as_deref().unwrap_or_default() {
            "" => None,
            "ja" => Some(Some(true)),
            "nee" => Some(Some(false)),
            other => {
                return Err(AppError::Validation(vec![FieldError::new(
                    "suspect_known",
                    format!("{other:?} is geen keuze"),
                )
                .allowed(vec!["ja".into(), "nee".into()])]))
            }
        };
        Ok(IncidentFields {
            source_reference: forms::text(&self.source_reference),
            occurred_from: forms::text(&self.occurred_from),
            occurred_to: forms::text(&self.occurred_to),
            district: forms::text(&self.district),
            basic_team: forms::text(&self.basic_team),
            municipality: forms::text(&self.municipality),
            registration_type: forms::text(&self.registration_type),
            channel: forms::text(&self.channel),
            grounds: forms::codes(&self.grounds),
            manifestations: forms::codes(&self.manifestations),
            domain: forms::text(&self.domain),
            articles: forms::codes(&self.articles),
            victim_kind: forms::text(&self.victim_kind),
            suspect_known,
            summary: forms::text(&self.summary),
            narrative: forms::text(&self.narrative),
            ..IncidentFields::default()
        })
    }
}

fn form_markup(
    state: &AppState,
    principal: &Principal,
    req: &HttpRequest,
    f: &RegistrationForm,
) -> Markup {
    let catalog = &forms::Lists::of(state);
    let municipalities: Vec<_> = catalog
        .municipalities()
        .filter(|m| principal.sees_unit(&m.unit))
        .collect();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        form method="post" action="/registreren" novalidate {
            input type="hidden" name="csrf" value=(cookie::csrf_token(req));
            p.hint { "Alleen soort registratie en kanaal zijn verplicht. Een melding zonder classificatie wordt opgeslagen als onvolledig. Geen namen of adressen in de vaste velden." }
            fieldset {
                legend { "Melding" }
                div.grid {
                    div { (select(catalog, "registration_type", "registration_type", f.registration_type.as_deref())) }
                    div { (select(catalog, "channel", "channel", f.channel.as_deref())) }
                    div {
                        label for="occurred_from" { (field_label("occurred_from")) }
                        input type="date" id="occurred_from" name="occurred_from" value=(value(&f.occurred_from));
                    }
                    div {
                        label for="occurred_to" { (field_label("occurred_to")) }
                        input type="date" id="occurred_to" name="occurred_to" value=(value(&f.occurred_to));
                    }
                    div {
                        label for="municipality" { (field_label("municipality")) }
                        select id="municipality" name="municipality" {
                            option value="" { "— kies —" }
                            @for m in &municipalities {
                                option value=(m.code) selected[f.municipality.as_deref() == Some(m.code.as_str())] { (m.name) }
                            }
                        }
                    }
                    div {
                        label for="district" { (field_label("district")) }
                        input type="text" id="district" name="district" value=(value(&f.district));
                    }
                    div {
                        label for="basic_team" { (field_label("basic_team")) }
                        input type="text" id="basic_team" name="basic_team" value=(value(&f.basic_team));
                    }
                    div {
                        label for="source_reference" { (field_label("source_reference")) }
                        input type="text" id="source_reference" name="source_reference" value=(value(&f.source_reference));
                    }
                }
            }
            (checkboxes(catalog, "ground", "grounds", &f.grounds))
            (checkboxes(catalog, "manifestation", "manifestations", &f.manifestations))
            (checkboxes(catalog, "article", "articles", &f.articles))
            fieldset {
                legend { "Omstandigheden" }
                div.grid {
                    div { (select(catalog, "domain", "domain", f.domain.as_deref())) }
                    div { (select(catalog, "victim_kind", "victim_kind", f.victim_kind.as_deref())) }
                    div {
                        label for="suspect_known" { (field_label("suspect_known")) }
                        select id="suspect_known" name="suspect_known" {
                            option value="" { "onbekend" }
                            option value="ja" selected[f.suspect_known.as_deref() == Some("ja")] { "ja" }
                            option value="nee" selected[f.suspect_known.as_deref() == Some("nee")] { "nee" }
                        }
                    }
                }
                label for="summary" { (field_label("summary")) }
                p.hint id="summary-hint" { "Zonder namen of adressen; verschijnt in het RDO-overzicht." }
                textarea id="summary" name="summary" aria-describedby="summary-hint" { (value(&f.summary)) }
                label for="narrative" { (field_label("narrative")) }
                p.hint id="narrative-hint" { "Het volledige relaas blijft binnen de eenheid." }
                textarea id="narrative" name="narrative" aria-describedby="narrative-hint" { (value(&f.narrative)) }
            }
            p { button type="submit" { "Registreren" } }
        }
    }
}

fn recent_markup(state: &AppState, rows: &[IncidentRow]) -> Markup {
    html! {
        h2 { "Mijn recente registraties" }
        @if rows.is_empty() {
            p { "Nog geen registraties." }
        } @else {
            table {
                thead { tr { th { "Nummer" } th { "Geregistreerd" } th { "Status" } th { "Gronden" } } }
                tbody {
                    @for r in rows {
                        tr {
                            td { a href=(format!("/incidenten/{}", r.id)) { (r.registration_number) } }
                            td { (super::dutch::moment_utc(r.registered_at)) }
                            td { (super::dutch::status(&r.status)) }
                            td { (r.grounds.split('|').filter(|g| !g.is_empty()).map(|g| forms::label(&state.catalog, "ground", g)).collect::<Vec<_>>().join(", ")) }
                        }
                    }
                }
            }
        }
    }
}

async fn render(
    state: &web::Data<AppState>,
    principal: &Principal,
    req: &HttpRequest,
    top: Markup,
    form: &RegistrationForm,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let user = principal.user.clone();
    let restricted = state.restricted_before(principal);
    let recent = state
        .db
        .run(move |db| {
            Ok::<_, AppError>(store::recent_by(&mut *db.conn()?, &user, 10, restricted)?)
        })
        .await?;
    let body = html! {
        h1 { "Discriminatie-incident registreren" }
        (top)
        (form_markup(state, principal, req, form))
        (recent_markup(state, &recent))
    };
    Ok(layout::with_status(
        status,
        layout::page("Registreren", Some(principal), req, body),
    ))
}

pub async fn form(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let empty = RegistrationForm::default();
    render(&state, &principal, &req, html! {}, &empty, StatusCode::OK).await
}

pub async fn submit(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let posted: RegistrationForm = forms::posted(&body)?;
    cookie::check_csrf(&req, &posted.csrf)?;
    let outcome = match posted.fields() {
        Ok(fields) => {
            let (db, catalog, clock) = (&state.db, &state.catalog, &state.clock);
            register(db, catalog, clock, principal.clone(), fields, None).await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(Registered::New { row, .. }) => {
            actix_web::HttpMessage::extensions_mut(&req)
                .insert(crate::auth::guard::AuditObject(row.id.clone()));
            let missing: Vec<&str> = crate::incidents::Draft::from_row(&row)
                .missing()
                .into_iter()
                .map(field_label)
                .collect();
            let top = html! {
                div.notice role="status" {
                    p { "Geregistreerd onder nummer " strong #registratienummer { (row.registration_number) } "." }
                    @if !missing.is_empty() {
                        p { "Onvolledig – nog aan te vullen: " (missing.join(", ")) "." }
                    }
                    p { a href=(format!("/incidenten/{}", row.id)) { "Bekijk de registratie" } }
                }
            };
            render(
                &state,
                &principal,
                &req,
                top,
                &RegistrationForm::default(),
                StatusCode::CREATED,
            )
            .await
        }
        Ok(Registered::Replayed(_)) => Ok(layout::see_other("/registreren")),
        Err(AppError::Validation(errors)) => {
            let top = layout::field_errors(&errors);
            render(
                &state,
                &principal,
                &req,
                top,
                &posted,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
