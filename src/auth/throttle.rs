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
//!   with many addresses gets there) lock the account for 15 minutes **for addresses it
//!   has not signed in from** in the last 90 days. The officer at their own desk keeps
//!   signing in; an attacker with many fresh addresses does not get further guesses.
//!
//! An IPv6 address counts by its /64 network (one host commonly has a whole /64). An
//! attempt counts as failed before the password is checked, so concurrent guesses
//! cannot slip past a limit; a correct password then forgives it and makes the address
//! known for the account. A locked attempt is not counted and its password is not
//! checked.

use std::net::IpAddr;

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
    lock: Duration::minutes(15),
};

/// How long an address stays known for an account after a sign-in from it, in days.
const KNOWN_DAYS: i64 = 90;

/// The address as counted: an IPv6 address by its /64 network, an IPv4-mapped one as
/// IPv4.
fn network(address: &str) -> String {
    match address.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => address.to_owned(),
    }
}

/// The keys one attempt counts under (the user name as typed, lower-cased, so that
/// `Balie` and `balie` share a count).
fn keys(user: &str, address: &str) -> [(String, Rule); 3] {
    let (user, address) = (user.to_lowercase(), network(address));
    [
        (format!("pair:{user}@{address}"), PAIR),
        (format!("address:{address}"), ADDRESS),
        (format!("account:{user}"), ACCOUNT),
    ]
}

/// The key that marks `address` as one `user` signed in from.
fn known_key(user: &str, address: &str) -> String {
    format!("known:{}@{}", user.to_lowercase(), network(address))
}

/// Until when an attempt for `user` from `address` is refused, if it is.
pub fn locked_until(
    conn: &mut AnyConnection,
    user: &str,
    address: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let known: bool = diesel::select(diesel::dsl::exists(
        f::table
            .find(known_key(user, address))
            .filter(f::first_at.gt(now - Duration::days(KNOWN_DAYS))),
    ))
    .get_result(conn)?;
    let [pair, address_key, account] = keys(user, address);
    let mut names = vec![pair.0, address_key.0];
    if !known {
        names.push(account.0);
    }
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
    // Counts older than a day that lock nothing any more, and known addresses older
    // than their term, are dropped.
    diesel::delete(
        f::table
            .filter(f::key.not_like("known:%"))
            .filter(f::first_at.lt(now - Duration::days(1)))
            .filter(f::locked_until.is_null().or(f::locked_until.lt(now))),
    )
    .execute(conn)?;
    diesel::delete(
        f::table
            .filter(f::key.like("known:%"))
            .filter(f::first_at.lt(now - Duration::days(KNOWN_DAYS))),
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
        put(conn, &key, failures, first_at, locked)?;
    }
    Ok(())
}

fn put(
    conn: &mut AnyConnection,
    key: &str,
    failures: i32,
    first_at: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::delete(f::table.find(key)).execute(conn)?;
    diesel::insert_into(f::table)
        .values((
            f::key.eq(key),
            f::failures.eq(failures),
            f::first_at.eq(first_at),
            f::locked_until.eq(locked_until),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgives the attempt counted by [`count_failure`] once the password proved correct
/// at `now` (UTC): the account's counts start again, the address's loses this one, and
/// the address becomes known for the account.
pub fn forgive(
    conn: &mut AnyConnection,
    user: &str,
    address: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let [(pair, _), (address_key, _), (account, _)] = keys(user, address);
    diesel::delete(f::table.filter(f::key.eq_any([pair, account]))).execute(conn)?;
    put(conn, &known_key(user, address), 0, now, None)?;
    let row: Option<i32> = f::table
        .find(&address_key)
        .select(f::failures)
        .first(conn)
        .optional()?;
    if let Some(n) = row {
        let n = (n - 1).max(0);
        let target = f::table.find(&address_key);
        if n < ADDRESS.limit {
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

/// Forgets every count, lock and known address of `user` (after an administrator set a
/// new password: whoever knew the old one has no standing any more).
pub fn reset_account(conn: &mut AnyConnection, user: &str) -> QueryResult<()> {
    let user = user.to_lowercase();
    // `_` is a LIKE wildcard and may be in a user name.
    let pattern = user
        .replace('\\', "\\\\")
        .replace('_', "\\_")
        .replace('%', "\\%");
    diesel::delete(
        f::table.filter(
            f::key
                .eq(format!("account:{user}"))
                .or(f::key.like(format!("pair:{pattern}@%")).escape('\\'))
                .or(f::key.like(format!("known:{pattern}@%")).escape('\\')),
        ),
    )
    .execute(conn)?;
    Ok(())
}
