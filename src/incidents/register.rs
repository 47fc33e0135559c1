//! Registering an incident (domain.md, "Every report is taken"): the one way in for the
//! API, the web pages and candidates taken over.

use sha2::{Digest, Sha256};

use super::draft::Draft;
use super::fields::IncidentFields;
use super::model::{HistoryEntry, Incident, IncidentRow};
use super::store::{self, IdempotencyKey};
use crate::auth::Principal;
use crate::clock::Clock;
use crate::codes::Catalog;
use crate::db::Db;
use crate::error::AppError;

/// What a registration produced.
pub enum Registered {
    /// A new incident: its row and first history entry (and its JSON answer when it
    /// carried an Idempotency-Key, stored with it).
    New {
        row: Box<IncidentRow>,
        entry: HistoryEntry,
        principal: Principal,
        rendered: Option<String>,
    },
    /// A retry with a known Idempotency-Key: the first answer.
    Replayed(String),
}

impl Registered {
    /// The incident as JSON (the stored first answer of a replay), with its id and
    /// version.
    pub fn into_json(self) -> Result<(String, String, i64), AppError> {
        match self {
            Registered::New {
                row,
                entry,
                principal,
                rendered,
            } => {
                let (id, version) = (row.id.clone(), i64::from(row.version));
                let json = match rendered {
                    Some(json) => json,
                    None => registered_json(*row, &principal, entry)?,
                };
                Ok((json, id, version))
            }
            Registered::Replayed(first) => {
                let v: serde_json::Value = serde_json::from_str(&first).unwrap_or_default();
                let id = v["id"].as_str().unwrap_or_default().to_owned();
                let version = v["version"].as_i64().unwrap_or_default();
                Ok((first, id, version))
            }
        }
    }
}

/// An `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header) as a client sent
/// it, fingerprinted with the fields it came with: 1 to 200 characters.
pub fn idempotency_key(key: &str, fields: &IncidentFields) -> Result<IdempotencyKey, AppError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 200 {
        return Err(AppError::field(
            "Idempotency-Key",
            "must be 1 to 200 visible ASCII characters",
        ));
    }
    let body = serde_json::to_vec(fields).map_err(anyhow::Error::from)?;
    Ok(IdempotencyKey {
        key: key.to_owned(),
        request_hash: hex::encode(Sha256::digest(body)),
    })
}

/// Validates and stores a registration by `principal`. Every report is taken
/// (INCOMPLETE when classification is missing); invalid values are refused with every
/// problem named (422); a known unit outside the principal's scope is refused (403).
/// With `key`, a retry returns the first answer instead of a second incident.
pub async fn register(
    db: &Db,
    catalog: &Catalog,
    clock: &Clock,
    principal: Principal,
    fields: IncidentFields,
    key: Option<IdempotencyKey>,
) -> Result<Registered, AppError> {
    let now = clock.now();
    let mut draft = Draft::new(principal.scope.unit().unwrap_or_default().to_owned(), now);
    let mut errors = Vec::new();
    draft.apply(fields, true, &mut errors);
    // An unknown unit is a validation error (422); a known unit outside the user's
    // scope is refused (403).
    if catalog.check_unit(&draft.unit).is_ok() {
        principal.check_scope(&draft.unit, "register for")?;
    }
    draft.validate(catalog, now, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    db.write_async(move |conn| {
        let user = principal.user.clone();
        if let Some(key) = &key {
            if let Some(first) = store::replay(conn, &user, key)? {
                return Ok(Registered::Replayed(first));
            }
        }
        let (row, entry) = store::register(conn, &user, &draft, now)?;
        // With a key the answer is stored with the registration; without one it is
        // rendered after the commit, off the single writer's thread.
        let rendered = match &key {
            Some(key) => {
                let json = registered_json(row.clone(), &principal, entry.clone())?;
                store::remember(conn, &user, key, &row.id, &json, now)?;
                Some(json)
            }
            None => None,
        };
        Ok::<_, AppError>(Registered::New {
            row: Box::new(row),
            entry,
            principal: principal.clone(),
            rendered,
        })
    })
    .await
}

fn registered_json(
    row: IncidentRow,
    principal: &Principal,
    entry: HistoryEntry,
) -> Result<String, AppError> {
    let view = Incident::view(row, principal, Some(vec![entry]));
    Ok(serde_json::to_string(&view).map_err(anyhow::Error::from)?)
}
