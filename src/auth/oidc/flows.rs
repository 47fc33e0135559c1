//! Sign-ins under way, in the database (so that the provider's redirect back may reach
//! any `dira serve`): keyed by the SHA-256 of the id in the browser's flow cookie, used
//! once, valid for [`FLOW_MINUTES`].

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::hash_token;
use crate::db::schema::sign_in_flows as f;
use crate::db::AnyConnection;

/// How long a person may take at the provider's sign-in page, in minutes.
pub const FLOW_MINUTES: i64 = 10;

/// What the provider's answer must match.
#[derive(Debug, Clone)]
pub struct PendingFlow {
    /// The `state` parameter (RFC 6749 §10.12).
    pub state: String,
    /// The `nonce` the ID token must carry (OpenID Connect Core §3.1.2.1).
    pub nonce: String,
    /// The PKCE code verifier (RFC 7636).
    pub pkce_verifier: String,
}

/// Stores `flow` under the cookie id `id` at `now` (UTC), and drops flows that ran out.
pub fn store(
    conn: &mut AnyConnection,
    id: &str,
    flow: &PendingFlow,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(f::table.filter(f::created_at.lt(now - Duration::minutes(FLOW_MINUTES))))
        .execute(conn)?;
    diesel::insert_into(f::table)
        .values((
            f::id_hash.eq(hash_token(id)),
            f::state.eq(&flow.state),
            f::nonce.eq(&flow.nonce),
            f::pkce_verifier.eq(&flow.pkce_verifier),
            f::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes (reads and deletes) the flow of cookie id `id` if it is younger than
/// [`FLOW_MINUTES`] at `now` (UTC).
pub fn take(
    conn: &mut AnyConnection,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<PendingFlow>> {
    let key = hash_token(id);
    let row: Option<(String, String, String, NaiveDateTime)> = f::table
        .find(&key)
        .select((f::state, f::nonce, f::pkce_verifier, f::created_at))
        .first(conn)
        .optional()?;
    diesel::delete(f::table.find(&key)).execute(conn)?;
    Ok(row
        .filter(|(.., at)| now - *at <= Duration::minutes(FLOW_MINUTES))
        .map(|(state, nonce, pkce_verifier, _)| PendingFlow {
            state,
            nonce,
            pkce_verifier,
        }))
}
