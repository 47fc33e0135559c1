//! The pages' authorisation matrix (issue 16): every page of
//! [`dira::auth::policy::WEB_RULES`] as each role sees it through a signed-in session,
//! the sign-in pages open to everyone, and every guarded page sending a browser without
//! a session to the sign-in page.

use std::collections::BTreeSet;

use dira::auth::Role;

use crate::helpers::TestApp;
use crate::web::{request, sign_in};

/// The pages anyone may open: signing in and out (`/uitloggen` checks its own form:
/// without a session there is no CSRF token to match).
const PUBLIC: &[(&str, &str, u16)] = &[
    ("GET", "/inloggen", 200),
    ("POST", "/uitloggen", 403),
    // No identity provider configured in this app.
    ("GET", "/inloggen/oidc", 404),
    ("GET", "/inloggen/oidc/terug", 404),
];

/// Expected status per page (registrar, screener, analyst, national, admin), with a
/// path for its pattern (ids of nothing: a role that passes gets 404). POST pages get a
/// valid CSRF token and no other fields.
#[rustfmt::skip]
const MATRIX: &[(&str, &str, &str, [u16; 5])] = &[
    ("GET", "/", "/", [303, 303, 303, 303, 200]),
    ("GET", "/registreren", "/registreren", [200, 200, 403, 403, 403]),
    ("POST", "/registreren", "/registreren", [422, 422, 403, 403, 403]),
    ("GET", "/screening", "/screening", [403, 200, 403, 403, 403]),
    ("GET", "/incidenten/{id}", "/incidenten/geen", [404, 404, 404, 404, 403]),
    // 422: the decision is checked before the incident is looked up; the role passed.
    ("POST", "/incidenten/{id}/beoordeling", "/incidenten/geen/beoordeling", [403, 422, 403, 403, 403]),
    ("POST", "/incidenten/{id}/vervolging", "/incidenten/geen/vervolging", [403, 404, 404, 403, 403]),
    ("GET", "/kandidaten/{id}", "/kandidaten/geen", [403, 404, 403, 403, 403]),
    ("POST", "/kandidaten/{id}/overnemen", "/kandidaten/geen/overnemen", [403, 404, 403, 403, 403]),
    ("POST", "/kandidaten/{id}/afwijzen", "/kandidaten/geen/afwijzen", [403, 404, 403, 403, 403]),
    ("GET", "/rdo", "/rdo", [403, 200, 200, 200, 403]),
    ("GET", "/rdo/overzicht.csv", "/rdo/overzicht.csv?from=2026-01-01&to=2026-01-31", [403, 200, 200, 422, 403]),
    ("GET", "/rdo/overzicht.xlsx", "/rdo/overzicht.xlsx?from=2026-01-01&to=2026-01-31", [403, 200, 200, 422, 403]),
    ("GET", "/poldis", "/poldis", [403, 403, 200, 200, 403]),
    ("GET", "/poldis/download", "/poldis/download?year=2025&format=csv", [403, 403, 200, 200, 403]),
    ("GET", "/monitor", "/monitor", [403, 403, 200, 200, 403]),
    ("GET", "/dashboard", "/dashboard", [403, 200, 200, 200, 403]),
    ("GET", "/monitor/download", "/monitor/download?year=2025&format=csv", [403, 403, 200, 200, 403]),
];

#[test]
fn the_page_matrix_covers_every_page() {
    let ruled: BTreeSet<String> = dira::auth::policy::WEB_RULES
        .iter()
        .map(|r| format!("{} {}", r.method, r.pattern))
        .collect();
    let covered: BTreeSet<String> = MATRIX.iter().map(|(m, p, ..)| format!("{m} {p}")).collect();
    assert_eq!(ruled, covered, "every page needs a row in the page matrix");
}

fn csrf(body: &str) -> String {
    body.find("name=\"csrf\" value=\"")
        .map(|at| body[at + 19..at + 19 + 64].to_owned())
        .unwrap_or_default()
}

fn every_page_answers_every_role_as_the_matrix_says(app: &TestApp) {
    for (method, path, want) in PUBLIC {
        assert_eq!(
            request(app, method, path, None, &[("csrf", "x")]).status,
            *want,
            "{path}"
        );
    }
    let mut wrong = Vec::new();
    for (role, column) in Role::ALL.iter().zip(0..) {
        let scope = if matches!(role, Role::National | Role::Admin) {
            "*"
        } else {
            "AMS"
        };
        let session = sign_in(app, &format!("user-{role}"), *role, scope);
        // The CSRF token from the first page this role may open.
        let open = MATRIX
            .iter()
            .find(|(m, _, _, expected)| *m == "GET" && expected[column] == 200)
            .map(|(_, _, path, _)| *path)
            .expect("a page for every role");
        let token = csrf(&request(app, "GET", open, Some(&session), &[]).body);
        assert_eq!(token.len(), 64, "{role}: a CSRF token on {open}");
        for (method, pattern, path, expected) in MATRIX {
            let anonymous = request(app, method, path, None, &[("csrf", "x")]);
            if (anonymous.status, anonymous.location.as_deref()) != (303, Some("/inloggen")) {
                wrong.push(format!(
                    "{method} {path} without a session: {}",
                    anonymous.status
                ));
            }
            let form: &[(&str, &str)] = if *method == "POST" {
                &[("csrf", token.as_str())]
            } else {
                &[]
            };
            let got = request(app, method, path, Some(&session), form).status;
            if got != expected[column] {
                wrong.push(format!(
                    "{method} {pattern} as {role}: {got}, expected {}",
                    expected[column]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

crate::on_both_backends!(every_page_answers_every_role_as_the_matrix_says);
