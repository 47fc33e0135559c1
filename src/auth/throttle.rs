//! Throttling of password sign-ins (OWASP Authentication Cheat Sheet, "Protect
//! Against Automated Attacks"; NIST SP 800-63B §5.2.2 "Rate Limiting"). Failures are
//! counted under three keys, each with its own limit:
//!
//! - the account **from one address**: 5 failures in 15 minutes lock that account for
//!   that address only, for 15 minutes. Someone guessing a colleague's password from
//!   their own machine locks out only themselves.
//! - the **address**, whatever the accounts: 20 failures in 15 minutes lock the address
//!   for 15 minutes (password spraying across a unit's accounts).
//! - the **account**, from any address: 50 failures in 15 minutes (only an attacker
//!   with many addresses gets there) throttle the account to one attempt a minute:
//!   slowed down, never locked out for longer.
//!
//! An attempt counts as failed before the password is checked, so concurrent guesses
//! cannot slip past a limit; a correct password then forgives it. A locked attempt is
//! not counted and its password is not checked.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::sign_in_failures as f;
use crate::db::AnyConnection;

/// One counting rule.
#[derive(Debug, Clone, Copy)]
struct Rule {
    limit: i32,
    window: Duration,
    lock: Duration,
}

const PAIR: Rule = Rule {
    limit: 5,
    window: Duration::minutes(15),
    lock: Duration::minutes(15),
};
const ADDRESS: Rule = Rule {
    limit: 20,
    window: Duration::minutes(15),
    lock: Duration::minutes(15),
};
const ACCOUNT: Rule = Rule {
    limit: 50,
    window: Duration::minutes(15),
    lock: Duration::minutes(1),
};

/// The keys one attempt counts under (the user name as typed, lower-cased, so that
/// `Balie` and `balie` share a count).
fn keys(user: &str, address: &str) -> [(String, Rule); 3] {
    let user = user.to_lowercase();
    [
        (format!("pair:{user}@{address}"), PAIR),
        (format!("address:{address}"), ADDRESS),
        (format!("account:{user}"), ACCOUNT),
    ]
}

/// Until when an attempt for `user` from `address` is refused, if it is.
pub fn locked_until(
    conn: &mut AnyConnection,
    user: &str,
    address: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let names: Vec<String> = keys(user, address).into_iter().map(|(k, _)| k).collect();
    let until: Option<NaiveDateTime> = f::table
        .filter(f::key.eq_any(names))
        .filter(f::locked_until.gt(now))
        .select(diesel::dsl::max(f::locked_until))
        .first::<Option<NaiveDateTime>>(conn)?;
    Ok(until)
}

/// Counts an attempt as failed at `now` (UTC) under every key, locking a key that
/// reaches its limit.
pub fn count_failure(
    conn: &mut AnyConnection,
    user: &str,
    address: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Counts older than a day and no longer locking anything are dropped.
    diesel::delete(
        f::table
            .filter(f::first_at.lt(now - Duration::days(1)))
            .filter(f::locked_until.is_null().or(f::locked_until.lt(now))),
    )
    .execute(conn)?;
    for (key, rule) in keys(user, address) {
        let row: Option<(i32, NaiveDateTime)> = f::table
            .find(&key)
            .select((f::failures, f::first_at))
            .first(conn)
            .optional()?;
        let (failures, first_at) = match row {
            Some((n, first)) if now - first < rule.window => (n + 1, first),
            _ => (1, now),
        };
        let locked = (failures >= rule.limit).then(|| now + rule.lock);
        diesel::delete(f::table.find(&key)).execute(conn)?;
        diesel::insert_into(f::table)
            .values((
                f::key.eq(&key),
                f::failures.eq(failures),
                f::first_at.eq(first_at),
                f::locked_until.eq(locked),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Forgives the attempt counted by [`count_failure`] once the password proved
/// correct: the account's counts start again, the address's loses this one.
pub fn forgive(conn: &mut AnyConnection, user: &str, address: &str) -> QueryResult<()> {
    let [(pair, _), (address_key, _), (account, _)] = keys(user, address);
    diesel::delete(f::table.filter(f::key.eq_any([pair, account]))).execute(conn)?;
    let row: Option<i32> = f::table
        .find(&address_key)
        .select(f::failures)
        .first(conn)
        .optional()?;
    if let Some(n) = row {
        let n = (n - 1).max(0);
        let unlock = n < ADDRESS.limit;
        let target = f::table.find(&address_key);
        if unlock {
            diesel::update(target)
                .set((f::failures.eq(n), f::locked_until.eq(None::<NaiveDateTime>)))
                .execute(conn)?;
        } else {
            diesel::update(target)
                .set(f::failures.eq(n))
                .execute(conn)?;
        }
    }
    Ok(())
}
