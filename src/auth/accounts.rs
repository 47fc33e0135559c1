//! Local accounts, for an installation without an identity provider (a small station,
//! the demo, a test machine): a user name and a password, stored only as an Argon2id
//! hash (RFC 9106) with the parameters of the OWASP Password Storage Cheat Sheet
//! (m = 19 MiB, t = 2, p = 1), checked with throttling ([`super::throttle`]).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::sessions::{self, EndReason};
use super::tokens::{
    check_name_is_free, check_role_scope, check_user_name, insert_user, refuse, Refusal, SignsIn,
};
use super::{throttle, Principal, Role, Scope};
use crate::codes::Catalog;
use crate::db::schema::users;
use crate::db::AnyConnection;

/// Shortest password, in characters (NIST SP 800-63B-4 §3.1.1.2 asks at least 15 for a
/// password that is the only factor; 12 with the throttling here, as OWASP's minimum
/// for administrators' choice, and the length the demo prints is 20).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password, in bytes: a longer one would only make hashing a denial of
/// service.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks a new password's length.
pub fn check_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "a password has {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_BYTES} characters; this one has {chars}"
        ));
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // Params::new fails only for values outside Argon2's bounds; these are inside.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of `password`, with a fresh
/// random salt. Takes about 15 ms and 19 MiB: call it off the async executor.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let hash = hasher()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing the password failed: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `stored` (its parameters are read from
/// it, so older hashes keep working when the parameters change).
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash that matches no password, checked for unknown users so that an unknown name
/// takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        hash_password("dira decoy password that nobody has").unwrap_or_default()
    });
    DECOY.as_str()
}

/// Creates a local account with the password hash `hash` ([`hash_password`]) at `now`
/// (UTC). A user who exists without a password (a token user) gets one if the role
/// and scope agree; a user who has one already is refused (`dira user passwd`).
pub fn create(
    conn: &mut AnyConnection,
    catalog: &Catalog,
    user: &str,
    role: Role,
    scope: &str,
    hash: &str,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    check_user_name(user).map_err(|m| refuse("user", m))?;
    let scope = Scope::parse(scope.trim());
    check_role_scope(catalog, role, &scope).map_err(|m| refuse("scope", m))?;
    conn.transaction(|conn| {
        check_name_is_free(conn, user)?;
        let existing: Option<(String, String, Option<String>, Option<String>)> = users::table
            .find(user)
            .select((
                users::role,
                users::scope,
                users::password_hash,
                users::oidc_subject,
            ))
            .first(conn)
            .optional()?;
        match existing {
            Some((.., Some(_))) => {
                return Err(refuse(
                    "user",
                    format!("{user:?} signs in through the identity provider; it gets no password"),
                ))
            }
            None => {
                insert_user(conn, user, role, &scope, now, SignsIn::Password(hash))?;
            }
            Some((_, _, Some(_), None)) => {
                return Err(refuse(
                    "user",
                    format!("{user:?} has a password already; change it with `dira user passwd`"),
                ))
            }
            Some((r, s, None, None)) if r != role.as_str() || s != scope.to_string() => {
                return Err(refuse(
                    "user",
                    format!("user {user:?} exists with role {r} and scope {s}"),
                ))
            }
            Some(_) => {
                diesel::update(users::table.find(user))
                    .set(users::password_hash.eq(Some(hash)))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// Gives `user` a new password hash at `now` (UTC), ends their open sessions (a
/// password change ends what the old password started) and lifts the account's
/// throttling, known addresses included; `None` when there is no such local user (a
/// provider user gets no password), else how many sessions ended.
pub fn set_password(
    conn: &mut AnyConnection,
    user: &str,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<usize>> {
    conn.transaction(|conn| {
        let n = diesel::update(
            users::table
                .find(user)
                .filter(users::oidc_subject.is_null()),
        )
        .set(users::password_hash.eq(Some(hash)))
        .execute(conn)?;
        if n == 0 {
            return Ok(None);
        }
        throttle::reset_account(conn, user)?;
        sessions::end_all_of(conn, user, EndReason::PasswordChanged, now).map(Some)
    })
}

/// Disables `user` at `now` (UTC): no more sign-ins (password or identity provider),
/// their open sessions end and their tokens are refused. `None` when there is no such
/// user, else how many sessions ended.
pub fn disable(
    conn: &mut AnyConnection,
    user: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<usize>> {
    conn.transaction(|conn| {
        let exists: bool =
            diesel::select(diesel::dsl::exists(users::table.find(user))).get_result(conn)?;
        if !exists {
            return Ok(None);
        }
        diesel::update(users::table.find(user).filter(users::disabled_at.is_null()))
            .set(users::disabled_at.eq(Some(now)))
            .execute(conn)?;
        sessions::end_all_of(conn, user, EndReason::Disabled, now).map(Some)
    })
}

/// Enables a disabled `user` again; `false` when there is no such user.
pub fn enable(conn: &mut AnyConnection, user: &str) -> QueryResult<bool> {
    let n = diesel::update(users::table.find(user))
        .set(users::disabled_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
    Ok(n == 1)
}

/// The outcome of a password sign-in.
#[derive(Debug, Clone)]
pub enum Verdict {
    Granted(Principal),
    /// Unknown user, wrong password, no password, or a disabled account: one answer
    /// for all (the audit log keeps which, as `reason`).
    Refused {
        reason: &'static str,
    },
    /// Too many failures ([`throttle`]): refused until then, unchecked.
    Throttled {
        until: NaiveDateTime,
    },
}

/// What a sign-in needs from the database before the password is checked.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The stored account, if there is one that may sign in with a password.
    account: Option<(Principal, String)>,
    reason: &'static str,
}

/// A user as a password sign-in reads it: name, role, scope, password hash, disabled.
type AccountRow = (
    String,
    String,
    String,
    Option<String>,
    Option<NaiveDateTime>,
);

/// First step of a password sign-in (one write transaction): refuses a throttled
/// attempt, counts this one as failed ([`throttle::count_failure`]) and reads the
/// account.
pub fn begin(
    conn: &mut AnyConnection,
    user: &str,
    address: &str,
    now: NaiveDateTime,
) -> QueryResult<Result<Attempt, Verdict>> {
    if let Some(until) = throttle::locked_until(conn, user, address, now)? {
        return Ok(Err(Verdict::Throttled { until }));
    }
    throttle::count_failure(conn, user, address, now)?;
    let row: Option<AccountRow> = users::table
        .find(user)
        .select((
            users::name,
            users::role,
            users::scope,
            users::password_hash,
            users::disabled_at,
        ))
        .first(conn)
        .optional()?;
    let (account, reason) = match row {
        None => (None, "unknown_user"),
        Some((.., None, _)) => (None, "no_password"),
        Some((.., Some(_))) => (None, "disabled"),
        Some((name, role, scope, Some(hash), None)) => match role.parse::<Role>() {
            Ok(role) => (
                Some((
                    Principal {
                        user: name,
                        role,
                        scope: Scope::parse(&scope),
                    },
                    hash,
                )),
                "wrong_password",
            ),
            Err(_) => (None, "bad_role"),
        },
    };
    Ok(Ok(Attempt { account, reason }))
}

/// Second step, off the database: checks the password (about 15 ms; an unknown user
/// against a decoy, so that it takes as long).
pub fn check(attempt: Attempt, password: &str) -> Verdict {
    match attempt.account {
        Some((principal, hash)) if verify_password(password, &hash) => Verdict::Granted(principal),
        Some(_) => Verdict::Refused {
            reason: attempt.reason,
        },
        None => {
            verify_password(password, decoy_hash());
            Verdict::Refused {
                reason: attempt.reason,
            }
        }
    }
}

/// Third step, after a granted sign-in at `now` (UTC): forgives the attempt counted in
/// [`begin`] and makes the address known for the account ([`throttle`]).
pub fn succeeded(
    conn: &mut AnyConnection,
    user: &str,
    address: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    throttle::forgive(conn, user, address, now)
}
