//! Who is asking: users with a role and a scope, bearer tokens (stored only as a hash),
//! and the [`Principal`] every `/api/v1` handler receives.

mod principal;
mod tokens;

pub use principal::{Principal, Role, Scope};
pub use tokens::{create_token, hash_token, NewToken, DEFAULT_VALIDITY_DAYS as DEFAULT_TOKEN_DAYS};
