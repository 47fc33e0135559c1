//! The people who sign in through the provider, as dira users: at every sign-in the
//! user row takes the role and scope of the claims, bound to the provider's subject
//! (`sub`), so that a user name is never shared by two people (OpenID Connect Core
//! §5.7: `preferred_username` is not unique) and `dira user disable` reaches them too.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::tokens::{insert_user, same_name_in_other_case, SignsIn};
use crate::auth::Principal;
use crate::db::schema::users;
use crate::db::AnyConnection;

/// Why a verified person may not have their user name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRefusal {
    /// The account was disabled (`dira user disable`).
    Disabled,
    /// A local account, a token user or another subject has this name.
    Taken,
}

impl NameRefusal {
    /// As the audit log gives it: `disabled` or `name_taken`.
    pub fn as_str(self) -> &'static str {
        match self {
            NameRefusal::Disabled => "disabled",
            NameRefusal::Taken => "name_taken",
        }
    }
}

/// Records `principal` as the user of provider subject `subject` at `now` (UTC): a new
/// user row, or the role and scope of this sign-in on the subject's own row.
pub fn record(
    conn: &mut AnyConnection,
    principal: &Principal,
    subject: &str,
    now: NaiveDateTime,
) -> QueryResult<Result<(), NameRefusal>> {
    let row: Option<(Option<String>, Option<NaiveDateTime>)> = users::table
        .find(&principal.user)
        .select((users::oidc_subject, users::disabled_at))
        .first(conn)
        .optional()?;
    let (role, scope) = (principal.role.as_str(), principal.scope.to_string());
    if same_name_in_other_case(conn, &principal.user)?.is_some() {
        return Ok(Err(NameRefusal::Taken));
    }
    match row {
        None => {
            insert_user(
                conn,
                &principal.user,
                principal.role,
                &principal.scope,
                now,
                SignsIn::Provider(subject),
            )?;
            Ok(Ok(()))
        }
        Some((_, Some(_))) => Ok(Err(NameRefusal::Disabled)),
        Some((Some(own), None)) if own == subject => {
            diesel::update(users::table.find(&principal.user))
                .set((users::role.eq(role), users::scope.eq(&scope)))
                .execute(conn)?;
            Ok(Ok(()))
        }
        Some(_) => Ok(Err(NameRefusal::Taken)),
    }
}
