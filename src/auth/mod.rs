//! Who is asking: users with a role and a scope, bearer tokens (stored only as a hash),
//! and the [`Principal`] every `/api/v1` handler receives.

pub mod guard;
pub mod http;
pub mod policy;
mod principal;
mod tokens;

pub use principal::{Principal, Role, Scope};
pub use tokens::{
    check_user_name, create_token, hash_token, list_tokens, revoke_token, NewToken, TokenInfo,
    TokenRefusal, DEFAULT_VALIDITY_DAYS as DEFAULT_TOKEN_DAYS, MAX_VALIDITY_DAYS,
};
