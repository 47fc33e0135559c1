//! `GET /api/v1/codes`.

use dira::auth::Role;

use crate::helpers::{get, TestApp};

fn the_code_lists_come_with_labels_and_validity(app: &TestApp) {
    let token = app.token("analist", Role::Analyst, "NH");
    let r = get(app, "/api/v1/codes", &token);
    assert_eq!(r.status, 200);
    let grounds = r.body["lists"]["ground"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let geloof = grounds
        .iter()
        .find(|c| c["code"] == "GELOOF")
        .cloned()
        .unwrap_or_default();
    assert_eq!(geloof["valid_to"], "2023-12-31");
    assert_eq!(geloof["replaced_by"], "GODSDIENST");
    assert_eq!(geloof["label_nl"], "Geloof (godsdienst, tot 2024)");
    assert_eq!(r.body["lists"]["unit"].as_array().map(Vec::len), Some(11));
    let municipalities = r.body["municipalities"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(municipalities
        .iter()
        .any(|m| m["code"] == "GM0599" && m["unit"] == "RTM"));
}

crate::on_both_backends!(the_code_lists_come_with_labels_and_validity);
