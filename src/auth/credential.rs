//! What a request's credential stands for, and what the guard records about its use
//! in the same transaction as the request's audit entry: a token's last use, a
//! session's last request (its idle timeout counts from there; both to the minute, see
//! [`USE_RECORDED_EVERY`]), or a session that has just run out (ended, with an audit
//! entry `session.expire` of its own).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::sessions::{self, EndReason, Found, SessionPolicy};
use super::Principal;
use crate::audit;
use crate::db::schema::tokens;
use crate::db::AnyConnection;
use crate::error::AppError;

/// How often a credential's use is written down: a token's last use and a session's
/// last request are kept to the minute, so that most requests write nothing for them
/// (the idle timeout may therefore count from up to a minute before the last request).
pub const USE_RECORDED_EVERY: Duration = Duration::minutes(1);

/// Whether a use last recorded at `last` is to be recorded again at `now`.
fn stale(last: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    last.is_none_or(|last| now - last >= USE_RECORDED_EVERY)
}

/// The use of a credential, recorded after the request.
#[derive(Debug, Clone)]
pub enum CredentialUse {
    /// A bearer token, by its hash.
    Token { hash: String },
    /// An open session, by the hash of its id.
    Session { id_hash: String },
    /// A session found run out.
    SessionExpired {
        principal: Principal,
        id_hash: String,
        reason: EndReason,
    },
}

/// Who a credential stands for (or why it stands for no one), and its use to record.
#[derive(Debug)]
pub struct Authentication {
    pub principal: Result<Principal, AppError>,
    pub usage: Option<CredentialUse>,
}

impl Authentication {
    /// A bearer token (RFC 6750) valid at `now` (UTC).
    pub fn of_token(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> Authentication {
        match Principal::from_token(conn, token, now) {
            Err(e) => Authentication {
                principal: Err(e),
                usage: None,
            },
            Ok((principal, last_used)) => Authentication {
                principal: Ok(principal),
                usage: stale(last_used, now).then(|| CredentialUse::Token {
                    hash: super::hash_token(token),
                }),
            },
        }
    }

    /// A session id (the cookie's value) open at `now` (UTC) under `policy`.
    pub fn of_session(
        conn: &mut AnyConnection,
        id: &str,
        policy: SessionPolicy,
        now: NaiveDateTime,
    ) -> Authentication {
        let not_signed_in = |why: &str| Err(AppError::Unauthorized(why.to_owned()));
        match sessions::find(conn, id, policy, now) {
            Err(e) => Authentication {
                principal: Err(AppError::Internal(e)),
                usage: None,
            },
            Ok(Found::None) => Authentication {
                principal: not_signed_in("the session is unknown or has ended"),
                usage: None,
            },
            Ok(Found::Open {
                principal,
                id_hash,
                last_seen,
            }) => Authentication {
                principal: Ok(principal),
                usage: stale(Some(last_seen), now).then_some(CredentialUse::Session { id_hash }),
            },
            Ok(Found::Expired {
                principal,
                id_hash,
                reason,
            }) => Authentication {
                principal: not_signed_in("the session has expired"),
                usage: Some(CredentialUse::SessionExpired {
                    principal,
                    id_hash,
                    reason,
                }),
            },
        }
    }
}

impl CredentialUse {
    /// Records the use at `at` (UTC).
    pub fn record(&self, conn: &mut AnyConnection, at: NaiveDateTime) -> QueryResult<()> {
        match self {
            CredentialUse::Token { hash } => {
                diesel::update(tokens::table.filter(tokens::token_hash.eq(hash)))
                    .set(tokens::last_used_at.eq(Some(at)))
                    .execute(conn)?;
            }
            CredentialUse::Session { id_hash } => sessions::touch(conn, id_hash, at)?,
            CredentialUse::SessionExpired {
                principal,
                id_hash,
                reason,
            } => {
                if sessions::end_by_hash(conn, id_hash, *reason, at)? {
                    let entry =
                        audit::Entry::new(at, Some(principal), "session.expire", "", "ended")
                            .with_detail(format!("reason={}", reason.as_str()));
                    audit::record(conn, &entry)?;
                }
            }
        }
        Ok(())
    }
}
