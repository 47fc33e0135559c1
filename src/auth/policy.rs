//! Who may call what: one rule per endpoint, checked for every `/api/v1` request by
//! the guard before any handler runs. An endpoint without a rule is refused to all
//! (deny by default), and the authorisation matrix test fails until it has one.
//!
//! Roles decide *which endpoints*; the unit scope decides *which incidents*, and is
//! applied where the incidents are read (an incident outside the scope is 404, lists
//! are filtered).

use super::Role::{self, *};

/// One endpoint: method, route pattern, the audit name of the action, and the roles
/// allowed to call it.
#[derive(Debug)]
pub struct Rule {
    pub method: &'static str,
    pub pattern: &'static str,
    pub action: &'static str,
    pub roles: &'static [Role],
}

const INCIDENT_READERS: &[Role] = &[Registrar, Screener, Analyst, National];
const INCIDENT_WRITERS: &[Role] = &[Registrar, Screener];

#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    Rule { method: "GET", pattern: "/api/v1/codes", action: "codes.read", roles: &Role::ALL },
    Rule { method: "GET", pattern: "/api/v1/incidents", action: "incident.list", roles: INCIDENT_READERS },
    Rule { method: "POST", pattern: "/api/v1/incidents", action: "incident.register", roles: INCIDENT_WRITERS },
    Rule { method: "GET", pattern: "/api/v1/incidents/{id}", action: "incident.read", roles: INCIDENT_READERS },
    Rule { method: "PATCH", pattern: "/api/v1/incidents/{id}", action: "incident.correct", roles: INCIDENT_WRITERS },
    Rule { method: "GET", pattern: "/api/v1/screening/queue", action: "screening.queue", roles: &[Screener] },
    Rule { method: "POST", pattern: "/api/v1/incidents/{id}/screening", action: "incident.screen", roles: &[Screener] },
    Rule { method: "POST", pattern: "/api/v1/incidents/{id}/reopen", action: "incident.reopen", roles: &[Screener] },
    Rule { method: "GET", pattern: "/api/v1/screening/stats", action: "screening.stats", roles: &[Screener, Analyst, National] },
    Rule { method: "POST", pattern: "/api/v1/candidates/{id}/promote", action: "candidate.promote", roles: &[Screener] },
    Rule { method: "POST", pattern: "/api/v1/candidates/{id}/dismiss", action: "candidate.dismiss", roles: &[Screener] },
    Rule { method: "GET", pattern: "/api/v1/rdo/overview", action: "rdo.overview", roles: &[Analyst, Screener, National] },
    Rule { method: "PUT", pattern: "/api/v1/incidents/{id}/prosecution", action: "incident.prosecution", roles: &[Screener, Analyst] },
    Rule { method: "GET", pattern: "/api/v1/reports/poldis/{year}", action: "report.poldis", roles: &[National, Analyst] },
    Rule { method: "POST", pattern: "/api/v1/reports/poldis/{year}/publish", action: "report.publish", roles: &[National] },
    Rule { method: "POST", pattern: "/api/v1/imports", action: "import", roles: &[Admin] },
    Rule { method: "POST", pattern: "/api/v1/adv/imports", action: "adv.import", roles: &[Admin] },
    Rule { method: "GET", pattern: "/api/v1/mappings/{scheme}", action: "mapping.read", roles: &[Analyst, National, Admin] },
    Rule { method: "PUT", pattern: "/api/v1/mappings/{scheme}", action: "mapping.replace", roles: &[Admin] },
    Rule { method: "GET", pattern: "/api/v1/reports/monitor/{year}", action: "report.monitor", roles: &[National, Analyst] },
    Rule { method: "GET", pattern: "/api/v1/reports/odihr/{year}", action: "report.odihr", roles: &[National] },
    Rule { method: "GET", pattern: "/api/v1/dashboard", action: "dashboard.read", roles: &[Screener, Analyst, National] },
    Rule { method: "GET", pattern: "/api/v1/audit", action: "audit.read", roles: &[Admin] },
    Rule { method: "GET", pattern: "/api/v1/tokens", action: "token.list", roles: &[Admin] },
    Rule { method: "POST", pattern: "/api/v1/tokens", action: "token.create", roles: &[Admin] },
    Rule { method: "DELETE", pattern: "/api/v1/tokens/{id}", action: "token.revoke", roles: &[Admin] },
];

/// The web pages answer to the same roles as the API calls they stand for, and are
/// audited under the same action names.
#[rustfmt::skip]
pub const WEB_RULES: &[Rule] = &[
    Rule { method: "GET", pattern: "/", action: "web.home", roles: &Role::ALL },
    Rule { method: "GET", pattern: "/registreren", action: "web.registration_form", roles: INCIDENT_WRITERS },
    Rule { method: "POST", pattern: "/registreren", action: "incident.register", roles: INCIDENT_WRITERS },
    Rule { method: "GET", pattern: "/screening", action: "screening.queue", roles: &[Screener] },
    Rule { method: "GET", pattern: "/incidenten/{id}", action: "incident.read", roles: INCIDENT_READERS },
    Rule { method: "POST", pattern: "/incidenten/{id}/beoordeling", action: "incident.screen", roles: &[Screener] },
    Rule { method: "POST", pattern: "/incidenten/{id}/vervolging", action: "incident.prosecution", roles: &[Screener, Analyst] },
    Rule { method: "GET", pattern: "/kandidaten/{id}", action: "candidate.read", roles: &[Screener] },
    Rule { method: "POST", pattern: "/kandidaten/{id}/overnemen", action: "candidate.promote", roles: &[Screener] },
    Rule { method: "POST", pattern: "/kandidaten/{id}/afwijzen", action: "candidate.dismiss", roles: &[Screener] },
    Rule { method: "GET", pattern: "/rdo", action: "rdo.overview", roles: &[Analyst, Screener, National] },
    Rule { method: "GET", pattern: "/rdo/overzicht.csv", action: "rdo.overview", roles: &[Analyst, Screener, National] },
    Rule { method: "GET", pattern: "/rdo/overzicht.xlsx", action: "rdo.overview", roles: &[Analyst, Screener, National] },
    Rule { method: "GET", pattern: "/poldis", action: "report.poldis", roles: &[National, Analyst] },
    Rule { method: "GET", pattern: "/poldis/download", action: "report.poldis", roles: &[National, Analyst] },
    Rule { method: "GET", pattern: "/monitor", action: "report.monitor", roles: &[National, Analyst] },
    Rule { method: "GET", pattern: "/dashboard", action: "dashboard.read", roles: &[Screener, Analyst, National] },
    Rule { method: "GET", pattern: "/monitor/download", action: "report.monitor", roles: &[National, Analyst] },
];

/// The rule of a web page, if it has one.
pub fn web_rule(method: &str, pattern: &str) -> Option<&'static Rule> {
    WEB_RULES
        .iter()
        .find(|r| r.method == method && r.pattern == pattern)
}

/// The rule of an endpoint, if it has one.
pub fn rule(method: &str, pattern: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.method == method && r.pattern == pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_endpoint_has_one_rule() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(
                !RULES[..i]
                    .iter()
                    .any(|o| o.method == r.method && o.pattern == r.pattern),
                "{} {} twice",
                r.method,
                r.pattern
            );
        }
        assert!(rule("DELETE", "/api/v1/incidents/{id}").is_none());
    }
}
