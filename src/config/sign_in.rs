//! The sign-in settings of `dira serve` (issue 16): session lifetimes, local accounts,
//! the trusted proxy and the identity provider, read from the variables of
//! [`super::VARIABLES`]; what is not understood stops the server with an error naming
//! the variable.

use super::{
    read, LOCAL_ACCOUNTS, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_GROUPS_CLAIM, OIDC_ISSUER,
    OIDC_NATIONAL_GROUP, OIDC_REDIRECT_URL, OIDC_SCOPES, OIDC_UNIT_GROUP, OIDC_USER_CLAIM,
    SESSION_IDLE_MINUTES, SESSION_LIFETIME_HOURS, TRUSTED_PROXY,
};

/// A whole number of 1 to 100,000 from `name`, or `default` when unset; an error
/// naming the variable for anything else.
fn positive(name: &str, default: i64) -> anyhow::Result<i64> {
    positive_from(name, read(name).as_deref(), default)
}

fn positive_from(name: &str, value: Option<&str>, default: i64) -> anyhow::Result<i64> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .ok()
            .filter(|d: &i64| (1..=100_000).contains(d))
            .ok_or_else(|| anyhow::anyhow!("{name}: {v:?} is not a whole number from 1 to 100000")),
    }
}

/// `on` or `off` (any case) from `name`, `true` when unset; an error naming the
/// variable for anything else.
fn on_off(name: &str, value: Option<&str>) -> anyhow::Result<bool> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("on") => Ok(true),
        Some("off") => Ok(false),
        Some(v) => anyhow::bail!("{name}: {v:?} is neither on nor off"),
    }
}

/// An absolute http or https URL with a host, from `name`.
fn http_url(name: &str, value: &str) -> anyhow::Result<openidconnect::url::Url> {
    let url = openidconnect::url::Url::parse(value).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.trim().is_empty())
    });
    url.ok_or_else(|| {
        anyhow::anyhow!("{name}: {value:?} is not an absolute http:// or https:// URL")
    })
}

/// The sign-in settings of `dira serve` from [`SESSION_IDLE_MINUTES`],
/// [`SESSION_LIFETIME_HOURS`], [`LOCAL_ACCOUNTS`], [`TRUSTED_PROXY`] and the
/// `DIRA_OIDC_*` variables, with `clock` for the provider's token checks. Errors name
/// the variable: a provider half configured, a proxy that is not an IP address.
pub fn sign_in_settings(clock: crate::clock::Clock) -> anyhow::Result<crate::auth::SignInSettings> {
    let local_accounts = on_off(LOCAL_ACCOUNTS, read(LOCAL_ACCOUNTS).as_deref())?;
    let sessions = crate::auth::SessionPolicy {
        idle: chrono::Duration::minutes(positive(SESSION_IDLE_MINUTES, 30)?),
        lifetime: chrono::Duration::hours(positive(SESSION_LIFETIME_HOURS, 10)?),
        password_sessions: local_accounts,
    };
    let trusted_proxy = match read(TRUSTED_PROXY).filter(|v| !v.trim().is_empty()) {
        None => None,
        Some(v) => Some(
            v.trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("{TRUSTED_PROXY}: {v:?} is not an IP address"))?,
        ),
    };
    let oidc =
        oidc_settings()?.map(|s| std::sync::Arc::new(crate::auth::oidc::Provider::new(s, clock)));
    Ok(crate::auth::SignInSettings {
        sessions,
        local_accounts,
        oidc,
        trusted_proxy,
    })
}

fn oidc_settings() -> anyhow::Result<Option<crate::auth::oidc::OidcSettings>> {
    let Some(issuer) = read(OIDC_ISSUER).filter(|v| !v.trim().is_empty()) else {
        let stray = [OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URL]
            .into_iter()
            .find(|name| read(name).is_some_and(|v| !v.trim().is_empty()));
        if let Some(name) = stray {
            anyhow::bail!(
                "{name} is set but {OIDC_ISSUER} is not: single sign-on needs the issuer"
            );
        }
        return Ok(None);
    };
    let required = |name: &str| {
        read(name)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| anyhow::anyhow!("{name} is required when {OIDC_ISSUER} is set"))
    };
    let or = |name: &str, default: &str| {
        read(name)
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    let issuer = issuer.trim().to_owned();
    http_url(OIDC_ISSUER, &issuer)?;
    let redirect_url = required(OIDC_REDIRECT_URL)?;
    let parsed = http_url(OIDC_REDIRECT_URL, &redirect_url)?;
    if !parsed.path().ends_with("/inloggen/oidc/terug")
        || parsed.query().is_some()
        || parsed.fragment().is_some()
        || !redirect_url.ends_with("/inloggen/oidc/terug")
    {
        anyhow::bail!(
            "{OIDC_REDIRECT_URL}: {redirect_url:?} must be dira's address of /inloggen/oidc/terug"
        );
    }
    let groups = crate::auth::oidc::GroupPatterns {
        unit: or(OIDC_UNIT_GROUP, "dira-{role}-{unit}"),
        national: or(OIDC_NATIONAL_GROUP, "dira-{role}"),
    };
    if !groups.unit.contains("{role}") || !groups.unit.contains("{unit}") {
        anyhow::bail!(
            "{OIDC_UNIT_GROUP}: {:?} needs {{role}} and {{unit}}",
            groups.unit
        );
    }
    if !groups.national.contains("{role}") {
        anyhow::bail!(
            "{OIDC_NATIONAL_GROUP}: {:?} needs {{role}}",
            groups.national
        );
    }
    Ok(Some(crate::auth::oidc::OidcSettings {
        issuer,
        client_id: required(OIDC_CLIENT_ID)?,
        client_secret: required(OIDC_CLIENT_SECRET)?,
        redirect_url,
        scopes: or(OIDC_SCOPES, "profile groups")
            .split_whitespace()
            .filter(|s| *s != "openid")
            .map(str::to_owned)
            .collect(),
        user_claim: or(OIDC_USER_CLAIM, "preferred_username"),
        groups_claim: or(OIDC_GROUPS_CLAIM, "groups"),
        groups,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_settings_refuse_what_they_do_not_understand() {
        assert_eq!(positive_from("X", None, 30).ok(), Some(30));
        assert_eq!(positive_from("X", Some(" 45 "), 30).ok(), Some(45));
        for bad in ["0", "-1", "half an hour", "100001"] {
            let e = positive_from("X", Some(bad), 30)
                .expect_err(bad)
                .to_string();
            assert!(e.starts_with("X: "), "{e}");
        }
        assert_eq!(on_off("L", None).ok(), Some(true));
        assert_eq!(on_off("L", Some("OFF")).ok(), Some(false));
        assert!(on_off("L", Some("of")).is_err());
        assert!(http_url("I", "https://login.politie.nl/realms/x").is_ok());
        for bad in [
            "ftp://x",
            "relative/inloggen/oidc/terug",
            "https://",
            "login.example",
        ] {
            assert!(http_url("I", bad).is_err(), "{bad}");
        }
    }
}
