//! The OpenAPI document: generated from the code, committed, served, browsable.
//! Regenerate the committed file with `UPDATE_OPENAPI=1 cargo test openapi`.

use crate::helpers::{send, Backend, TestApp};

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

fn generated() -> String {
    dira::server::openapi()
        .to_pretty_json()
        .expect("OpenAPI as JSON")
        + "\n"
}

#[test]
fn generated_openapi_json_is_up_to_date() {
    let generated = generated();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).expect("write openapi/openapi.json");
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test openapi` and commit it"
    );
}

#[test]
fn the_served_document_is_the_committed_one_and_docs_work_offline() {
    let app = TestApp::spawn(Backend::Sqlite).expect("app");
    let served = send("GET", &app.url("/api-docs/openapi.json"), None, &[], None);
    assert_eq!(served.status, 200);
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(COMMITTED).unwrap_or_default())
            .unwrap_or_default();
    assert_eq!(served.body, committed);
    for path in [
        "/api/v1/incidents",
        "/api/v1/incidents/{id}",
        "/api/v1/codes",
        "/health",
    ] {
        assert!(
            served.body["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }

    let page = send("GET", &app.url("/docs/"), None, &[], None);
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap_or_default();
    assert!(html.contains("swagger-ui"), "the Swagger UI page");
    assert!(
        !html.contains("https://"),
        "no CDN: every asset comes from the binary"
    );
    let bundle = send(
        "GET",
        &app.url("/docs/swagger-ui-bundle.js"),
        None,
        &[],
        None,
    );
    assert_eq!(bundle.status, 200);
}
