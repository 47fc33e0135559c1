//! Bearer tokens: random, shown once, stored only as a SHA-256 hash.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Role, Scope};
use crate::codes::Catalog;
use crate::db::schema::{tokens, users};
use crate::db::AnyConnection;

/// Tokens live this long unless the administrator says otherwise.
pub const DEFAULT_VALIDITY_DAYS: i64 = 90;

pub struct NewToken {
    /// The token itself; it is not stored and cannot be shown again.
    pub token: String,
    pub id: String,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates the user if new (or checks that an existing one has this role and scope)
/// and a new token for them.
pub fn create_token(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    user: &str,
    role: Role,
    scope: &str,
    validity_days: i64,
) -> anyhow::Result<NewToken> {
    let user = user.trim();
    anyhow::ensure!(
        !user.is_empty() && user.len() <= 100,
        "--user must be a name of 1 to 100 characters"
    );
    let scope = Scope::parse(scope.trim());
    match (&scope, role) {
        (Scope::National, Role::National | Role::Admin) => {}
        (Scope::National, _) => {
            anyhow::bail!("--scope '*' is for the national and admin roles; a {role} needs a unit")
        }
        (Scope::Unit(unit), _) => {
            let units: Vec<String> = catalog
                .list("unit")
                .iter()
                .map(|c| c.code.clone())
                .collect();
            anyhow::ensure!(
                units.contains(unit),
                "--scope {unit:?} is not a unit; allowed: *, {}",
                units.join(", ")
            );
        }
    }
    anyhow::ensure!(validity_days > 0, "--days must be at least 1");
    let now = Utc::now().naive_utc();
    conn.transaction(|conn| {
        let existing: Option<(String, String)> = users::table
            .find(user)
            .select((users::role, users::scope))
            .first(conn)
            .optional()?;
        match existing {
            Some((r, s)) if r != role.as_str() || s != scope.to_string() => {
                anyhow::bail!("user {user:?} exists with role {r} and scope {s}")
            }
            Some(_) => {}
            None => {
                diesel::insert_into(users::table)
                    .values((
                        users::name.eq(user),
                        users::role.eq(role.as_str()),
                        users::scope.eq(scope.to_string()),
                        users::created_at.eq(now),
                    ))
                    .execute(conn)?;
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
                tokens::expires_at.eq(Some(now + Duration::days(validity_days))),
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
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
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
        ))
        .order((tokens::created_at.desc(), tokens::id))
        .load(conn)
}

/// Revokes a token; it is refused from the next request on. `false` when there is no
/// such token. Revoking twice keeps the first revocation time.
pub fn revoke_token(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    let exists: bool =
        diesel::select(diesel::dsl::exists(tokens::table.find(id))).get_result(conn)?;
    if exists {
        diesel::update(tokens::table.find(id).filter(tokens::revoked_at.is_null()))
            .set(tokens::revoked_at.eq(Some(Utc::now().naive_utc())))
            .execute(conn)?;
    }
    Ok(exists)
}
