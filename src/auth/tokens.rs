//! Bearer tokens: random, shown once, stored only as a SHA-256 hash.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Role, Scope};
use crate::codes::Catalog;
use crate::db::schema::{tokens, users};
use crate::db::AnyConnection;

/// Tokens live this long unless the administrator says otherwise.
pub const DEFAULT_VALIDITY_DAYS: i64 = 90;

/// The longest a token may live: one year. A longer-lived credential outlives the
/// reasons it was given for (and bounds the date arithmetic on a user's number).
pub const MAX_VALIDITY_DAYS: i64 = 366;

/// Longest user name, in characters.
pub const MAX_USER_NAME: usize = 100;

pub struct NewToken {
    /// The token itself; it is not stored and cannot be shown again.
    pub token: String,
    pub id: String,
}

/// Why a token or an account was not created or changed: a field of the request
/// (`user`, `role`, `scope`, `days`, as the request names it), or the database.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// A refusal of `field` saying `message`.
pub fn refuse(field: &'static str, message: impl Into<String>) -> Refusal {
    Refusal::Invalid {
        field,
        message: message.into(),
    }
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks a user name: 1 to [`MAX_USER_NAME`] characters of `A-Z a-z 0-9 . _ @ -`,
/// starting with a letter or digit. So a name is never `-` (the audit log's "nobody"),
/// never `cli:…` (the operator on the server), and never carries a control character
/// that could forge a line of the audit log.
pub fn check_user_name(user: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-');
    let starts_well = user
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if user.is_empty() || user.len() > MAX_USER_NAME || !starts_well || !user.chars().all(allowed) {
        return Err(format!(
            "{user:?} is not a user name: 1 to {MAX_USER_NAME} of the characters A-Z a-z 0-9 . _ @ -, starting with a letter or digit"
        ));
    }
    Ok(())
}

/// The existing user whose name differs from `user` only in case, if any: names are
/// one person each whatever their case (`Balie` and `balie` would share a throttling
/// count and read alike in the audit log), so such a name is refused.
pub fn same_name_in_other_case(
    conn: &mut AnyConnection,
    user: &str,
) -> QueryResult<Option<String>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    users::table
        .filter(
            sql::<Bool>("lower(name) = lower(")
                .bind::<Text, _>(user)
                .sql(")"),
        )
        .filter(users::name.ne(user))
        .select(users::name)
        .first(conn)
        .optional()
}

/// [`same_name_in_other_case`] as a refusal of the field `user`.
pub fn check_name_is_free(conn: &mut AnyConnection, user: &str) -> Result<(), Refusal> {
    match same_name_in_other_case(conn, user)? {
        None => Ok(()),
        Some(other) => Err(refuse(
            "user",
            format!("{user:?} differs only in case from the existing user {other:?}"),
        )),
    }
}

/// How a new user signs in to the pages, besides any bearer tokens.
#[derive(Debug, Clone, Copy)]
pub enum SignsIn<'a> {
    /// Not at all: a system or script with tokens.
    TokensOnly,
    /// With a local account: the Argon2id hash of its password.
    Password(&'a str),
    /// Through the identity provider, as subject `sub`.
    Provider(&'a str),
}

/// Inserts the user `name` with `role` and `scope`, made `now` (UTC). The one place
/// users are made; the callers check the name first ([`check_user_name`],
/// [`check_name_is_free`]).
pub fn insert_user(
    conn: &mut AnyConnection,
    name: &str,
    role: Role,
    scope: &Scope,
    now: NaiveDateTime,
    signs_in: SignsIn,
) -> QueryResult<()> {
    let (hash, subject) = match signs_in {
        SignsIn::TokensOnly => (None, None),
        SignsIn::Password(hash) => (Some(hash), None),
        SignsIn::Provider(sub) => (None, Some(sub)),
    };
    diesel::insert_into(users::table)
        .values((
            users::name.eq(name),
            users::role.eq(role.as_str()),
            users::scope.eq(scope.to_string()),
            users::created_at.eq(now),
            users::password_hash.eq(hash),
            users::oidc_subject.eq(subject),
        ))
        .execute(conn)?;
    Ok(())
}

/// The role/scope combinations of domain.md ("The people and what they do"), as
/// [`super::Principal::role_fits_scope`] states them, and a unit that exists.
pub fn check_role_scope(catalog: &Catalog, role: Role, scope: &Scope) -> Result<(), String> {
    if !super::Principal::role_fits_scope(role, scope) {
        return Err(match role {
            Role::National | Role::Admin => {
                format!("the scope of a {role} user is '*': they work for every unit")
            }
            _ => format!("'*' is for the national and admin roles; a {role} works in one unit"),
        });
    }
    match scope {
        Scope::National => Ok(()),
        Scope::Unit(unit) => catalog.check_unit(unit).map_err(|e| {
            let units = e.allowed.unwrap_or_default();
            format!("{unit:?} is not a unit; allowed: *, {}", units.join(", "))
        }),
    }
}

/// Creates the user if new (or checks that an existing one has this role and scope)
/// and a new token for them, made `now` (UTC) and valid `validity_days` (1 to
/// [`MAX_VALIDITY_DAYS`]).
/// Refuses a bad user name ([`check_user_name`]), a role/scope combination the domain
/// does not define ([`check_role_scope`]) and a lifetime out of range.
pub fn create_token(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    user: &str,
    role: Role,
    scope: &str,
    validity_days: i64,
    now: NaiveDateTime,
) -> Result<NewToken, Refusal> {
    let user = user.trim();
    check_user_name(user).map_err(|m| refuse("user", m))?;
    let scope = Scope::parse(scope.trim());
    check_role_scope(catalog, role, &scope).map_err(|m| refuse("scope", m))?;
    if !(1..=MAX_VALIDITY_DAYS).contains(&validity_days) {
        return Err(refuse(
            "days",
            format!("must be 1 to {MAX_VALIDITY_DAYS} (days until the token expires)"),
        ));
    }
    let validity = Duration::days(validity_days);
    conn.transaction(|conn| {
        check_name_is_free(conn, user)?;
        let existing: Option<(String, String)> = users::table
            .find(user)
            .select((users::role, users::scope))
            .first(conn)
            .optional()?;
        match existing {
            Some((r, s)) if r != role.as_str() || s != scope.to_string() => {
                return Err(refuse(
                    "user",
                    format!("user {user:?} exists with role {r} and scope {s}"),
                ))
            }
            Some(_) => {}
            None => {
                insert_user(conn, user, role, &scope, now, SignsIn::TokensOnly)?;
            }
        }
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let token = format!("dira_{}", hex::encode(secret));
        let id = uuid::Uuid::new_v4().to_string();
        diesel::insert_into(tokens::table)
            .values((
                tokens::id.eq(&id),
                tokens::token_hash.eq(hash_token(&token)),
                tokens::user_name.eq(user),
                tokens::created_at.eq(now),
                tokens::expires_at.eq(Some(now + validity)),
            ))
            .execute(conn)?;
        Ok(NewToken { token, id })
    })
}

/// A token as administrators see it: never the token itself.
#[derive(Debug, Clone, Queryable, serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: String,
    pub user: String,
    pub role: String,
    pub scope: String,
    /// RFC 3339 with offset.
    #[serde(serialize_with = "crate::dates::serialize_rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::NaiveDateTime,
    /// RFC 3339 with offset; `null`: never.
    #[serde(serialize_with = "crate::dates::serialize_rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<chrono::NaiveDateTime>,
    /// RFC 3339 with offset; `null`: not revoked.
    #[serde(serialize_with = "crate::dates::serialize_rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<chrono::NaiveDateTime>,
    /// RFC 3339 with offset, to the request; `null`: never used.
    #[serde(serialize_with = "crate::dates::serialize_rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<chrono::NaiveDateTime>,
}

/// Every token, newest first.
pub fn list_tokens(conn: &mut AnyConnection) -> QueryResult<Vec<TokenInfo>> {
    tokens::table
        .inner_join(users::table.on(users::name.eq(tokens::user_name)))
        .select((
            tokens::id,
            users::name,
            users::role,
            users::scope,
            tokens::created_at,
            tokens::expires_at,
            tokens::revoked_at,
            tokens::last_used_at,
        ))
        .order((tokens::created_at.desc(), tokens::id))
        .load(conn)
}

/// Revokes a token; it is refused from the next request on. `false` when there is no
/// such token. Revoked `now` (UTC); revoking twice keeps the first revocation time.
pub fn revoke_token(conn: &mut AnyConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let exists: bool =
        diesel::select(diesel::dsl::exists(tokens::table.find(id))).get_result(conn)?;
    if exists {
        diesel::update(tokens::table.find(id).filter(tokens::revoked_at.is_null()))
            .set(tokens::revoked_at.eq(Some(now)))
            .execute(conn)?;
    }
    Ok(exists)
}
