//! Sessions of the web pages, stored server-side so that every `dira serve` on the
//! same database shares them (OWASP Session Management Cheat Sheet): a random id of
//! 256 bits in the browser's cookie, only its SHA-256 in the database, a new id at
//! every sign-in (no fixation), an idle timeout and an absolute lifetime, and an end
//! that the server records (sign-out, expiry, a disabled account).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;

use super::tokens::hash_token;
use super::{Principal, Scope};
use crate::db::schema::sessions;
use crate::db::AnyConnection;

/// How long a session lasts: `idle` after its last request, and at most `lifetime`
/// after sign-in whatever its use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Default 30 minutes (`DIRA_SESSION_IDLE_MINUTES`).
    pub idle: Duration,
    /// Default 10 hours, one shift (`DIRA_SESSION_LIFETIME_HOURS`).
    pub lifetime: Duration,
    /// Whether sessions started with a local account's password stay valid (`false`
    /// when local accounts are switched off: `DIRA_LOCAL_ACCOUNTS=off`).
    pub password_sessions: bool,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::minutes(30),
            lifetime: Duration::hours(10),
            password_sessions: true,
        }
    }
}

/// How a person signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A local account: user name and password.
    Password,
    /// The organisation's identity provider (OpenID Connect).
    Oidc,
}

impl Method {
    /// As stored in `sessions.method` and the audit log: `password` or `oidc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Password => "password",
            Method::Oidc => "oidc",
        }
    }
}

/// What a successful sign-in established: who, with which role and scope, how, and
/// (OpenID Connect) the provider's subject and ID token.
#[derive(Debug, Clone)]
pub struct Grant {
    pub principal: Principal,
    pub method: Method,
    /// The provider's `sub`; the user name for a local account.
    pub subject: String,
    /// The ID token as received, for the provider's sign-out (`id_token_hint`).
    pub id_token: Option<String>,
}

impl Grant {
    /// The audit detail of the sign-in: method, subject, role and scope granted.
    pub fn audit_detail(&self) -> String {
        format!(
            "method={} subject={} role={} scope={}",
            self.method.as_str(),
            crate::text::quoted(&self.subject),
            self.principal.role,
            self.principal.scope
        )
    }
}

/// A session just started: the id for the cookie (64 hex digits, shown once) and its
/// absolute end (UTC).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub expires_at: NaiveDateTime,
}

/// Starts a session for `grant` at `now` (UTC).
pub fn start(
    conn: &mut AnyConnection,
    grant: &Grant,
    policy: SessionPolicy,
    now: NaiveDateTime,
) -> QueryResult<NewSession> {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let id = hex::encode(secret);
    let expires_at = now + policy.lifetime;
    // Sessions past their lifetime are ended whatever happened; a day later they are
    // dropped (the audit log keeps the sign-in and its end).
    diesel::delete(sessions::table.filter(sessions::expires_at.lt(now - Duration::days(1))))
        .execute(conn)?;
    let p = &grant.principal;
    diesel::insert_into(sessions::table)
        .values((
            sessions::id_hash.eq(hash_token(&id)),
            sessions::user_name.eq(&p.user),
            sessions::role.eq(p.role.as_str()),
            sessions::scope.eq(p.scope.to_string()),
            sessions::method.eq(grant.method.as_str()),
            sessions::subject.eq(&grant.subject),
            sessions::id_token.eq(grant.id_token.as_deref()),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(NewSession { id, expires_at })
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    SignedOut,
    /// No request for longer than [`SessionPolicy::idle`].
    Idle,
    /// Older than [`SessionPolicy::lifetime`].
    Lifetime,
    /// The account was disabled.
    Disabled,
    /// The local account's password was changed.
    PasswordChanged,
    /// Local accounts were switched off.
    LocalAccountsOff,
}

impl EndReason {
    /// As stored in `sessions.end_reason` and the audit log: `signed_out`, `idle`,
    /// `lifetime`, `disabled`, `password_changed` or `local_accounts_off`.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::SignedOut => "signed_out",
            EndReason::Idle => "idle",
            EndReason::Lifetime => "lifetime",
            EndReason::Disabled => "disabled",
            EndReason::PasswordChanged => "password_changed",
            EndReason::LocalAccountsOff => "local_accounts_off",
        }
    }
}

/// What a session id stands for at a moment.
#[derive(Debug, Clone)]
pub enum Found {
    /// An open session: its user, the hash to record its use under, and its last
    /// recorded request.
    Open {
        principal: Principal,
        id_hash: String,
        last_seen: NaiveDateTime,
    },
    /// A session that has just run out and is not yet recorded as ended.
    Expired {
        principal: Principal,
        id_hash: String,
        reason: EndReason,
    },
    /// Unknown, or ended before.
    None,
}

type Row = (
    String,
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// Looks up the session `id` at `now` (UTC). Reads only; the guard records the use
/// or the expiry with the request's audit entry.
pub fn find(
    conn: &mut AnyConnection,
    id: &str,
    policy: SessionPolicy,
    now: NaiveDateTime,
) -> anyhow::Result<Found> {
    let id_hash = hash_token(id);
    let row: Option<Row> = crate::per_backend!(conn, |c| sessions::table
        .find(&id_hash)
        .select((
            sessions::user_name,
            sessions::role,
            sessions::scope,
            sessions::method,
            sessions::last_seen_at,
            sessions::expires_at,
            sessions::ended_at,
        ))
        .first(c)
        .optional())?;
    let Some((user, role, scope, method, last_seen, expires_at, ended_at)) = row else {
        return Ok(Found::None);
    };
    if ended_at.is_some() {
        return Ok(Found::None);
    }
    let principal = Principal {
        user,
        role: role.parse().map_err(anyhow::Error::msg)?,
        scope: Scope::parse(&scope),
    };
    let reason = expiry(&method, last_seen, expires_at, policy, now);
    Ok(match reason {
        None => Found::Open {
            principal,
            id_hash,
            last_seen,
        },
        Some(reason) => Found::Expired {
            principal,
            id_hash,
            reason,
        },
    })
}

/// Why a session of `method` last seen at `last_seen` and ending at `expires_at` is
/// over at `now` under `policy`, if it is.
fn expiry(
    method: &str,
    last_seen: NaiveDateTime,
    expires_at: NaiveDateTime,
    policy: SessionPolicy,
    now: NaiveDateTime,
) -> Option<EndReason> {
    if method == Method::Password.as_str() && !policy.password_sessions {
        Some(EndReason::LocalAccountsOff)
    } else if now >= expires_at {
        Some(EndReason::Lifetime)
    } else if now - last_seen >= policy.idle {
        Some(EndReason::Idle)
    } else {
        None
    }
}

/// Records a request of the session at `now` (UTC): the idle timeout counts from here.
pub fn touch(conn: &mut AnyConnection, id_hash: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        sessions::table
            .find(id_hash)
            .filter(sessions::ended_at.is_null()),
    )
    .set(sessions::last_seen_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Ends the session with hash `id_hash` at `now` (UTC) for `reason`; `false` when it
/// had already ended (so that its end is recorded once). A session that ran out keeps
/// its ID token until it is deleted, so that signing out afterwards still reaches the
/// provider; one ended otherwise drops it.
pub fn end_by_hash(
    conn: &mut AnyConnection,
    id_hash: &str,
    reason: EndReason,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let open = sessions::table
        .find(id_hash)
        .filter(sessions::ended_at.is_null());
    let n = diesel::update(open)
        .set((
            sessions::ended_at.eq(Some(now)),
            sessions::end_reason.eq(Some(reason.as_str())),
        ))
        .execute(conn)?;
    if !matches!(reason, EndReason::Idle | EndReason::Lifetime) {
        diesel::update(sessions::table.find(id_hash))
            .set(sessions::id_token.eq(None::<String>))
            .execute(conn)?;
    }
    Ok(n == 1)
}

/// A session signed out of: whose it was, how it was started, the ID token for the
/// provider's sign-out (when it still has one), whether it was still open, and why it
/// had run out if it had just done so unnoticed.
#[derive(Debug, Clone)]
pub struct Ended {
    pub principal: Principal,
    pub method: Method,
    pub id_token: Option<String>,
    /// `false`: it had ended before (ran out, or signed out in another tab).
    pub was_open: bool,
    /// It had run out (idle, lifetime) without anyone noticing: now recorded.
    pub ran_out: Option<EndReason>,
}

type SignOutRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// Signs out of the session `id` (the cookie's value) at `now` (UTC), also one that has
/// run out under `policy` (recorded as such first); `None` for an unknown id.
pub fn sign_out(
    conn: &mut AnyConnection,
    id: &str,
    policy: SessionPolicy,
    now: NaiveDateTime,
) -> anyhow::Result<Option<Ended>> {
    let id_hash = hash_token(id);
    let row: Option<SignOutRow> = sessions::table
        .find(&id_hash)
        .select((
            sessions::user_name,
            sessions::role,
            sessions::scope,
            sessions::method,
            sessions::id_token,
            sessions::last_seen_at,
            sessions::expires_at,
            sessions::ended_at,
        ))
        .first(conn)
        .optional()?;
    let Some((user, role, scope, method, id_token, last_seen, expires_at, ended_at)) = row else {
        return Ok(None);
    };
    let ran_out = ended_at
        .is_none()
        .then(|| expiry(&method, last_seen, expires_at, policy, now))
        .flatten();
    if let Some(reason) = ran_out {
        end_by_hash(conn, &id_hash, reason, now)?;
    }
    let was_open = ended_at.is_none() && ran_out.is_none();
    end_by_hash(conn, &id_hash, EndReason::SignedOut, now)?;
    let principal = Principal {
        user,
        role: role.parse().map_err(anyhow::Error::msg)?,
        scope: Scope::parse(&scope),
    };
    let method = match method.as_str() {
        "oidc" => Method::Oidc,
        _ => Method::Password,
    };
    Ok(Some(Ended {
        principal,
        method,
        id_token,
        was_open,
        ran_out,
    }))
}

/// Ends every open session of `user` at `now` (UTC) for `reason`; how many.
pub fn end_all_of(
    conn: &mut AnyConnection,
    user: &str,
    reason: EndReason,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_name.eq(user))
            .filter(sessions::ended_at.is_null()),
    )
    .set((
        sessions::ended_at.eq(Some(now)),
        sessions::end_reason.eq(Some(reason.as_str())),
        sessions::id_token.eq(None::<String>),
    ))
    .execute(conn)
}
