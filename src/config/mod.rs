//! Every environment variable dira reads, in one place: its name as a constant, its
//! meaning, unit, default and allowed values in [`VARIABLES`], and the function that
//! reads it. Nothing else in `src/` reads the environment.
//!
//! The README's "Configuration" section lists the same variables (a test below keeps
//! the two together), beside the ones only the tests and scripts read
//! (`DIRA_TEST_POSTGRES_URL`, `UPDATE_OPENAPI`, `DIRA_BIN`, …), which are not here.
//!
//! A value that is not valid UTF-8 counts as unset everywhere.

/// `DIRA_DATABASE_URL`: the database when `--database` is not given:
/// `sqlite://PATH` (embedded) or `postgres://…` / `postgresql://…`; default
/// [`crate::db::DEFAULT_URL`] (`dira demo`: [`crate::demo::DEFAULT_URL`]). Read by
/// clap (`cli`), so that `--help` shows it.
pub const DATABASE_URL: &str = "DIRA_DATABASE_URL";

/// `DIRA_LOG`: which log lines go to stderr, as `tracing` filter directives
/// (`warn`, `debug`, `dira=debug,actix_web=warn`); unset or not parseable: `info`.
pub const LOG: &str = "DIRA_LOG";

/// `DIRA_SQLITE_SYNCHRONOUS`: SQLite's `synchronous` pragma. `FULL` (in any case)
/// fsyncs every commit, so that it survives a power loss and not just a crash of the
/// process; anything else or unset: `NORMAL`. Ignored on PostgreSQL.
pub const SQLITE_SYNCHRONOUS: &str = "DIRA_SQLITE_SYNCHRONOUS";

/// `DIRA_SCREENING_TARGET_DAYS`: the screening lead-time target in whole days, a
/// positive integer: an incident older than this and not yet decided is overdue.
/// Default 14 (also for a value that is not a positive integer). Read when the
/// server starts.
pub const SCREENING_TARGET_DAYS: &str = "DIRA_SCREENING_TARGET_DAYS";

/// `USER`: the login name of whoever runs a command on the server, recorded as
/// `cli:NAME` in the audit log and the history; unset: `operator`.
pub const USER: &str = "USER";

/// `DIRA_SESSION_IDLE_MINUTES`: a web session ends after this many minutes without a
/// request; a whole number from 1 to 100,000, default 30 (OWASP Session Management Cheat Sheet:
/// 15 to 30 minutes for a high-value application).
pub const SESSION_IDLE_MINUTES: &str = "DIRA_SESSION_IDLE_MINUTES";

/// `DIRA_SESSION_LIFETIME_HOURS`: a web session ends this many hours after sign-in,
/// whatever its use; a whole number from 1 to 100,000, default 10 (one shift).
pub const SESSION_LIFETIME_HOURS: &str = "DIRA_SESSION_LIFETIME_HOURS";

/// `DIRA_LOCAL_ACCOUNTS`: `off` switches sign-in with a local account (user name and
/// password) off, leaving the identity provider; `on` or unset: on; anything else is
/// an error.
pub const LOCAL_ACCOUNTS: &str = "DIRA_LOCAL_ACCOUNTS";

/// `DIRA_TRUSTED_PROXY`: the IP address of the one reverse proxy or load balancer whose
/// `X-Forwarded-For` names the client (its last entry), for throttling sign-ins per
/// address; unset: the peer address of the connection.
pub const TRUSTED_PROXY: &str = "DIRA_TRUSTED_PROXY";

/// `DIRA_OIDC_ISSUER`: the identity provider's issuer URL, exactly as its discovery
/// document states it; set, it switches sign-in through the provider on (and then
/// `DIRA_OIDC_CLIENT_ID`, `DIRA_OIDC_CLIENT_SECRET` and `DIRA_OIDC_REDIRECT_URL` are
/// required).
pub const OIDC_ISSUER: &str = "DIRA_OIDC_ISSUER";
/// `DIRA_OIDC_CLIENT_ID`: dira's client id at the provider.
pub const OIDC_CLIENT_ID: &str = "DIRA_OIDC_CLIENT_ID";
/// `DIRA_OIDC_CLIENT_SECRET`: dira's client secret at the provider.
pub const OIDC_CLIENT_SECRET: &str = "DIRA_OIDC_CLIENT_SECRET";
/// `DIRA_OIDC_REDIRECT_URL`: dira's public address of `/inloggen/oidc/terug`, as
/// registered with the provider.
pub const OIDC_REDIRECT_URL: &str = "DIRA_OIDC_REDIRECT_URL";
/// `DIRA_OIDC_SCOPES`: the scopes asked for besides `openid`, separated by spaces;
/// default `profile groups`.
pub const OIDC_SCOPES: &str = "DIRA_OIDC_SCOPES";
/// `DIRA_OIDC_USER_CLAIM`: the ID token claim that gives the user name; default
/// `preferred_username` (then `sub` when absent).
pub const OIDC_USER_CLAIM: &str = "DIRA_OIDC_USER_CLAIM";
/// `DIRA_OIDC_GROUPS_CLAIM`: the ID token claim that lists the person's groups;
/// default `groups`.
pub const OIDC_GROUPS_CLAIM: &str = "DIRA_OIDC_GROUPS_CLAIM";
/// `DIRA_OIDC_UNIT_GROUP`: the group name that gives a unit role, with `{role}` and
/// `{unit}`; default `dira-{role}-{unit}`.
pub const OIDC_UNIT_GROUP: &str = "DIRA_OIDC_UNIT_GROUP";
/// `DIRA_OIDC_NATIONAL_GROUP`: the group name that gives a national role (national,
/// admin), with `{role}`; default `dira-{role}`.
pub const OIDC_NATIONAL_GROUP: &str = "DIRA_OIDC_NATIONAL_GROUP";

/// `DIRA_RETENTION_REMOVE_YEARS`: personal and free-text data of an incident is
/// removed once more than this many whole years have passed since its registration
/// (`docs/retention.md`).
pub const RETENTION_REMOVE_YEARS: &str = "DIRA_RETENTION_REMOVE_YEARS";
/// `DIRA_RETENTION_RESTRICT_YEARS`: registrars no longer find incidents registered
/// more than this many whole years ago (`docs/retention.md`).
pub const RETENTION_RESTRICT_YEARS: &str = "DIRA_RETENTION_RESTRICT_YEARS";
/// `DIRA_REGISTRATION_TARGET`: each unit's registration target in percent on the
/// same months of the previous year (the dashboard's target line).
pub const REGISTRATION_TARGET: &str = "DIRA_REGISTRATION_TARGET";
/// `DIRA_AUDIT_KEEP_YEARS`: audit log entries older than this many years are deleted by
/// the retention run (`docs/retention.md`).
pub const AUDIT_KEEP_YEARS: &str = "DIRA_AUDIT_KEEP_YEARS";
/// `DIRA_RETENTION_KEEP_WHILE`: prosecution statuses, comma-separated, during which an
/// incident is kept past the removal term.
pub const RETENTION_KEEP_WHILE: &str = "DIRA_RETENTION_KEEP_WHILE";

/// One environment variable as the README lists it.
#[derive(Debug, Clone, Copy)]
pub struct Variable {
    /// The variable's name, e.g. `DIRA_LOG`.
    pub name: &'static str,
    /// What it sets, with its unit.
    pub meaning: &'static str,
    /// The value when it is unset (or invalid).
    pub default: &'static str,
    /// The values it takes.
    pub allowed: &'static str,
}

/// Every variable dira reads, in the order of the README's table.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: DATABASE_URL,
        meaning: "the database, when `--database` is not given",
        default: "`sqlite://dira.db` (`dira demo`: `sqlite://dira-demo.db`)",
        allowed: "`sqlite://PATH`, `postgres://…`, `postgresql://…`",
    },
    Variable {
        name: LOG,
        meaning: "which log lines go to stderr",
        default: "`info` (also when not parseable)",
        allowed: "`tracing` filter directives: `warn`, `debug`, `dira=debug,actix_web=warn`",
    },
    Variable {
        name: SQLITE_SYNCHRONOUS,
        meaning: "SQLite's `synchronous` pragma: `FULL` fsyncs every commit (survives power loss, not just a crash of the process; `docs/performance.md`); ignored on PostgreSQL",
        default: "`NORMAL`",
        allowed: "`FULL` (any case); anything else means `NORMAL`",
    },
    Variable {
        name: SCREENING_TARGET_DAYS,
        meaning: "screening lead-time target in days: an incident older than this and not yet decided is overdue; read when the server starts",
        default: "`14` (also when not a positive integer)",
        allowed: "a positive whole number of days",
    },
    Variable {
        name: SESSION_IDLE_MINUTES,
        meaning: "a web session ends after this many minutes without a request",
        default: "`30`",
        allowed: "a whole number of minutes, 1 to 100000; anything else stops `dira serve` with an error",
    },
    Variable {
        name: SESSION_LIFETIME_HOURS,
        meaning: "a web session ends this many hours after sign-in, whatever its use",
        default: "`10` (one shift)",
        allowed: "a whole number of hours, 1 to 100000; anything else stops `dira serve` with an error",
    },
    Variable {
        name: LOCAL_ACCOUNTS,
        meaning: "sign-in with a local account (`dira user`) on the web pages",
        default: "`on`",
        allowed: "`on` or `off` (any case); anything else stops `dira serve` with an error",
    },
    Variable {
        name: TRUSTED_PROXY,
        meaning: "the reverse proxy whose `X-Forwarded-For` (last entry) names the client, for throttling sign-ins per address",
        default: "none: the connection's peer address",
        allowed: "an IP address",
    },
    Variable {
        name: OIDC_ISSUER,
        meaning: "the identity provider's issuer; set, it switches single sign-on on (the next three are then required)",
        default: "none: no single sign-on",
        allowed: "the issuer URL exactly as the provider's discovery document states it",
    },
    Variable {
        name: OIDC_CLIENT_ID,
        meaning: "dira's client id at the identity provider",
        default: "none",
        allowed: "any",
    },
    Variable {
        name: OIDC_CLIENT_SECRET,
        meaning: "dira's client secret at the identity provider",
        default: "none",
        allowed: "any",
    },
    Variable {
        name: OIDC_REDIRECT_URL,
        meaning: "dira's public address of `/inloggen/oidc/terug`, as registered with the provider",
        default: "none",
        allowed: "an absolute URL ending in `/inloggen/oidc/terug`",
    },
    Variable {
        name: OIDC_SCOPES,
        meaning: "scopes asked for besides `openid`",
        default: "`profile groups`",
        allowed: "scope names separated by spaces",
    },
    Variable {
        name: OIDC_USER_CLAIM,
        meaning: "the ID token claim that gives the user name",
        default: "`preferred_username` (`sub` when absent)",
        allowed: "a claim name (`sub`, `preferred_username`, `email`, …)",
    },
    Variable {
        name: OIDC_GROUPS_CLAIM,
        meaning: "the ID token claim that lists the person's groups",
        default: "`groups`",
        allowed: "a claim name",
    },
    Variable {
        name: OIDC_UNIT_GROUP,
        meaning: "the group that gives a role in a unit (registrar, screener, analyst)",
        default: "`dira-{role}-{unit}`",
        allowed: "a pattern with `{role}` and `{unit}`",
    },
    Variable {
        name: OIDC_NATIONAL_GROUP,
        meaning: "the group that gives a national role (national, admin)",
        default: "`dira-{role}`",
        allowed: "a pattern with `{role}`",
    },
    Variable {
        name: RETENTION_RESTRICT_YEARS,
        meaning: "registrars no longer find incidents registered more than this many years ago, in lists, by id or to correct; screeners, analysts and national staff still do (Wet politiegegevens art. 8; `docs/retention.md`)",
        default: "`1`",
        allowed: "a whole number of years, 1 to 100; anything else stops `dira serve` with an error",
    },
    Variable {
        name: RETENTION_REMOVE_YEARS,
        meaning: "`dira retention run` removes the personal and free-text data of incidents registered more than this many years ago (Wet politiegegevens art. 8; `docs/retention.md`)",
        default: "`5`",
        allowed: "a whole number of years, 1 to 100; anything else stops the command with an error",
    },
    Variable {
        name: RETENTION_KEEP_WHILE,
        meaning: "prosecution statuses during which an incident is kept past the removal term",
        default: "`INGEZONDEN,DAGVAARDING` (decision or trial pending)",
        allowed: "codes of the `prosecution_status` list, comma-separated, or `NONE` (keeps none); anything else (also empty) stops the command with an error",
    },
    Variable {
        name: REGISTRATION_TARGET,
        meaning: "the dashboard's target line: registrations in percent above the same months of the previous year, for all units and per unit",
        default: "`25` (the national approach's +25%)",
        allowed: "`25` or `25,AMS=30,RTM=20`: whole percentages from -100 to 1000, units of the code list; anything else stops `dira serve` with an error",
    },
    Variable {
        name: AUDIT_KEEP_YEARS,
        meaning: "the retention run deletes audit log entries older than this many years; the incident removal never touches the audit log (`docs/retention.md`)",
        default: "`5`",
        allowed: "a whole number of years, 1 to 100; anything else stops the command with an error",
    },
    Variable {
        name: USER,
        meaning: "who runs a command on the server, recorded as `cli:NAME` in the audit log and the history",
        default: "`operator`",
        allowed: "any",
    },
];

/// The default of [`SCREENING_TARGET_DAYS`].
const DEFAULT_SCREENING_TARGET_DAYS: i64 = 14;

fn read(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The log filter from [`LOG`]; `info` when unset or not parseable.
pub fn log_filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_env(LOG)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}

/// SQLite's `synchronous` setting from [`SQLITE_SYNCHRONOUS`]: `"FULL"` or `"NORMAL"`.
pub fn sqlite_synchronous() -> &'static str {
    synchronous_from(read(SQLITE_SYNCHRONOUS).as_deref())
}

fn synchronous_from(value: Option<&str>) -> &'static str {
    value
        .filter(|v| v.eq_ignore_ascii_case("FULL"))
        .map_or("NORMAL", |_| "FULL")
}

/// The screening lead-time target in days from [`SCREENING_TARGET_DAYS`], ≥ 1.
pub fn screening_target_days() -> i64 {
    target_days_from(read(SCREENING_TARGET_DAYS).as_deref())
}

fn target_days_from(value: Option<&str>) -> i64 {
    value
        .and_then(|v| v.parse().ok())
        .filter(|d: &i64| *d > 0)
        .unwrap_or(DEFAULT_SCREENING_TARGET_DAYS)
}

/// The removal term in years from [`RETENTION_REMOVE_YEARS`]: 5 when unset, an error
/// naming the variable for anything but a whole number of 1 to 100.
pub fn retention_remove_years() -> anyhow::Result<u32> {
    years(RETENTION_REMOVE_YEARS, 5)
}

/// The restriction term in years from [`RETENTION_RESTRICT_YEARS`]: 1 when unset, an
/// error naming the variable for anything but a whole number of 1 to 100.
pub fn retention_restrict_years() -> anyhow::Result<u32> {
    years(RETENTION_RESTRICT_YEARS, 1)
}

/// The registration targets of [`REGISTRATION_TARGET`]: +25% for every unit when
/// unset; an error naming the variable for anything it cannot read.
pub fn registration_targets(
    catalog: &crate::codes::Catalog,
) -> anyhow::Result<crate::dashboard::Targets> {
    match read(REGISTRATION_TARGET) {
        None => Ok(crate::dashboard::Targets::default()),
        Some(v) => crate::dashboard::Targets::parse(&v, catalog)
            .map_err(|e| anyhow::anyhow!("{REGISTRATION_TARGET}={v:?}: {e}")),
    }
}

/// The audit log's term in years from [`AUDIT_KEEP_YEARS`]: 5 when unset, an error
/// naming the variable for anything but a whole number of 1 to 100.
pub fn audit_keep_years() -> anyhow::Result<u32> {
    years(AUDIT_KEEP_YEARS, 5)
}

/// A whole number of years, 1 to 100, from `name`; `default` when unset.
fn years(name: &str, default: u32) -> anyhow::Result<u32> {
    match read(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .ok()
            .filter(|y| (1..=100).contains(y))
            .ok_or_else(|| anyhow::anyhow!("{name}={v:?}: a whole number of years, 1 to 100")),
    }
}

/// The prosecution statuses of [`RETENTION_KEEP_WHILE`]: `INGEZONDEN,DAGVAARDING` when
/// unset, none for `NONE` (checked against the code list by the retention policy). An
/// empty value is an error: it would silently keep nothing, and erasure cannot be
/// undone.
pub fn retention_keep_while() -> anyhow::Result<Vec<String>> {
    let value = read(RETENTION_KEEP_WHILE).unwrap_or_else(|| "INGEZONDEN,DAGVAARDING".into());
    if value.trim() == "NONE" {
        return Ok(Vec::new());
    }
    let codes: Vec<String> = value
        .split(',')
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty() {
        anyhow::bail!(
            "{RETENTION_KEEP_WHILE}={value:?}: prosecution status codes, comma-separated, \
             or NONE to keep no incident past the term"
        );
    }
    Ok(codes)
}

/// The operator's login name from [`USER`]; `operator` when unset.
pub fn operator_name() -> String {
    read(USER).unwrap_or_else(|| "operator".into())
}

mod sign_in;

pub use sign_in::sign_in_settings;

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = include_str!("../../README.md");

    /// The README's "Configuration" section, up to the next section of its level.
    fn configuration_section() -> &'static str {
        let start = README
            .find("\n## Configuration\n")
            .expect("README.md has a \"## Configuration\" section");
        let rest = &README[start + 1..];
        let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
        &rest[..end]
    }

    #[test]
    fn every_variable_is_listed_in_the_readme() {
        let section = configuration_section();
        for v in VARIABLES {
            assert!(
                section.contains(&format!("`{}`", v.name)),
                "{} is missing from README.md, section Configuration",
                v.name
            );
        }
    }

    /// The README's table row of a variable, as [`VARIABLES`] has it.
    fn row(v: &Variable) -> String {
        format!(
            "| `{}` | {} | {} | {} |",
            v.name, v.meaning, v.default, v.allowed
        )
    }

    #[test]
    fn the_readme_table_says_what_this_module_says() {
        let section = configuration_section();
        for v in VARIABLES {
            let row = row(v);
            assert!(
                section.lines().any(|line| line == row),
                "README.md, section Configuration, should have the row\n{row}"
            );
        }
    }

    #[test]
    fn the_database_defaults_are_the_ones_listed() {
        let database = VARIABLES.iter().find(|v| v.name == DATABASE_URL);
        let default = database.map(|v| v.default).unwrap_or_default();
        assert!(default.contains(&format!("`{}`", crate::db::DEFAULT_URL)));
        assert!(default.contains(&format!("`{}`", crate::demo::DEFAULT_URL)));
    }

    #[test]
    fn synchronous_is_full_only_when_asked() {
        assert_eq!(synchronous_from(None), "NORMAL");
        assert_eq!(synchronous_from(Some("full")), "FULL");
        assert_eq!(synchronous_from(Some("FULL")), "FULL");
        assert_eq!(synchronous_from(Some("OFF")), "NORMAL");
    }

    #[test]
    fn the_target_is_a_positive_number_of_days_else_14() {
        assert_eq!(target_days_from(None), 14);
        assert_eq!(target_days_from(Some("30")), 30);
        assert_eq!(target_days_from(Some("0")), 14);
        assert_eq!(target_days_from(Some("-3")), 14);
        assert_eq!(target_days_from(Some("two weeks")), 14);
    }
}
