//! Who is asking: users with a role and a scope; bearer tokens for systems and scripts
//! (stored only as a hash); sessions of the web pages, started by a local account
//! ([`accounts`]) or the organisation's identity provider ([`oidc`]); and the
//! [`Principal`] every handler receives.

pub mod accounts;
mod credential;
pub mod guard;
pub mod http;
pub mod oidc;
pub mod policy;
mod principal;
pub mod sessions;
mod throttle;
pub(crate) mod tokens;

use std::net::IpAddr;
use std::sync::Arc;

pub use credential::{Authentication, CredentialUse};
pub use principal::{Principal, Role, Scope};
pub use sessions::SessionPolicy;
pub use tokens::{
    check_user_name, create_token, hash_token, list_tokens, revoke_token, NewToken, Refusal,
    TokenInfo, DEFAULT_VALIDITY_DAYS as DEFAULT_TOKEN_DAYS, MAX_VALIDITY_DAYS,
};

/// How people sign in to the web pages (see `docs/sign-in.md`).
#[derive(Clone)]
pub struct SignInSettings {
    pub sessions: SessionPolicy,
    /// Whether local accounts may sign in (`DIRA_LOCAL_ACCOUNTS`).
    pub local_accounts: bool,
    /// The organisation's identity provider, when configured (`DIRA_OIDC_*`).
    pub oidc: Option<Arc<oidc::Provider>>,
    /// The reverse proxy whose `X-Forwarded-For` is believed (`DIRA_TRUSTED_PROXY`).
    pub trusted_proxy: Option<IpAddr>,
}

impl Default for SignInSettings {
    /// Local accounts, no identity provider, the default session lifetimes.
    fn default() -> Self {
        SignInSettings {
            sessions: SessionPolicy::default(),
            local_accounts: true,
            oidc: None,
            trusted_proxy: None,
        }
    }
}
