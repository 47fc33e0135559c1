//! The RDO case overview and prosecution tracking (issue 6).

use dira::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{get, send, TestApp};

const HEADER: &str = "registration_number,registered_at,occurred_from,unit,registration_type,channel,grounds,manifestations,domain,victim_kind,status,rejection_reason,screened_at,prosecution_status,forwarded_on,event_id,summary,narrative";

// One row of the data set table: a tuple would read worse.
#[allow(clippy::too_many_arguments)]
fn row(
    number: &str,
    registered: &str,
    occurred: &str,
    unit: &str,
    grounds: &str,
    status: &str,
    prosecution: &str,
    forwarded: &str,
    event: &str,
) -> String {
    let reason = if status == "REJECTED" {
        "DUBBELE_REGISTRATIE"
    } else {
        ""
    };
    format!("{number},{registered},{occurred},{unit},AANGIFTE,BALIE,{grounds},BELEDIGING,OPENBARE_RUIMTE,PERSOON,{status},{reason},,{prosecution},{forwarded},{event},\"Samenvatting {number}, zonder namen\",geheim verhaal {number}")
}

fn data_set(app: &TestApp) {
    let rows = [
        row(
            "A1",
            "2024-01-02T10:00:00+01:00",
            "2024-01-01",
            "AMS",
            "HERKOMST",
            "CONFIRMED",
            "INGEZONDEN",
            "2024-01-10",
            "",
        ),
        // Registered 2023-12-31T23:30Z = 2024-01-01 00:30 in Amsterdam: inside.
        row(
            "A2",
            "2023-12-31T23:30:00Z",
            "",
            "AMS",
            "HERKOMST",
            "CONFIRMED",
            "INGEZONDEN",
            "2024-01-05",
            "",
        ),
        // 2023-12-31T22:59Z = 23:59 in Amsterdam on the 31st: outside.
        row(
            "A3",
            "2023-12-31T22:59:00Z",
            "",
            "AMS",
            "HERKOMST",
            "CONFIRMED",
            "",
            "",
            "",
        ),
        row(
            "A4",
            "2024-04-02T10:00:00+02:00",
            "2024-03-31",
            "AMS",
            "SEKSUELE_GERICHTHEID|HERKOMST",
            "CONFIRMED",
            "",
            "",
            "EVT-1",
        ),
        row(
            "A5",
            "2024-04-03T10:00:00+02:00",
            "2024-03-31",
            "AMS",
            "SEKSUELE_GERICHTHEID",
            "CONFIRMED",
            "",
            "",
            "EVT-1",
        ),
        row(
            "A6",
            "2024-04-03T10:00:00+02:00",
            "2024-04-01",
            "AMS",
            "HERKOMST",
            "CONFIRMED",
            "",
            "",
            "",
        ),
        row(
            "A7",
            "2024-02-01T10:00:00+01:00",
            "2024-02-01",
            "AMS",
            "HERKOMST",
            "REGISTERED",
            "",
            "",
            "",
        ),
        row(
            "A8",
            "2024-02-01T10:00:00+01:00",
            "2024-02-01",
            "AMS",
            "HERKOMST",
            "REJECTED",
            "",
            "",
            "",
        ),
        row(
            "R1",
            "2024-02-01T10:00:00+01:00",
            "2024-02-01",
            "RTM",
            "HERKOMST",
            "CONFIRMED",
            "",
            "",
            "",
        ),
    ];
    let admin = app.token("beheer", Role::Admin, "*");
    let csv = std::iter::once(HEADER.to_owned())
        .chain(rows)
        .collect::<Vec<_>>()
        .join("\n");
    let r = ureq::post(&app.url("/api/v1/imports"))
        .set("Authorization", &format!("Bearer {admin}"))
        .send_string(&csv);
    match r {
        Ok(r) => assert_eq!(r.status(), 201),
        Err(ureq::Error::Status(code, r)) => panic!("import: {code} {:?}", r.into_string()),
        Err(e) => panic!("import: {e}"),
    }
}

fn csv_rows(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("csv").iter().map(str::to_owned).collect())
        .collect()
}

fn the_overview_has_exactly_the_confirmed_rows_of_the_period(app: &TestApp) {
    data_set(app);
    let analyst = app.token("drio", Role::Analyst, "AMS");
    let r = get(
        app,
        "/api/v1/rdo/overview?from=2024-01-01&to=2024-03-31",
        &analyst,
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let numbers: Vec<&str> = r.body["rows"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["registration_number"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(numbers, ["A1", "A2", "A4", "A5"]);
    let rows = r.body["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        rows[1]["reporting_date"], "2024-01-01",
        "no occurrence date: the Amsterdam registration date"
    );
    assert_eq!(rows[2]["event_id"], "EVT-1");
    assert_eq!(
        rows[3]["event_id"], "EVT-1",
        "event members each have their own row"
    );
    assert_eq!(
        rows[0]["grounds_nl"],
        json!(["Herkomst (ras, huidskleur, etnische of nationale afkomst)"])
    );
    assert_eq!(
        rows[0]["prosecution_status_nl"],
        "Ingezonden naar het OM, beslissing volgt"
    );
    assert!(
        !r.body.to_string().contains("geheim"),
        "never the narrative"
    );

    assert_eq!(
        r.body["by_ground"],
        json!([
            {"code": "HERKOMST", "label_nl": "Herkomst (ras, huidskleur, etnische of nationale afkomst)", "registrations": 3},
            {"code": "SEKSUELE_GERICHTHEID", "label_nl": "Seksuele gerichtheid", "registrations": 2},
        ])
    );
    let forwarding = r.body["forwarding_by_ground"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        forwarding[0]["ground"], "SEKSUELE_GERICHTHEID",
        "the ground that rarely reaches the OM comes first"
    );
    assert_eq!(forwarding[0]["share_forwarded"], 0.0);
    assert_eq!(forwarding[1]["ground"], "HERKOMST");
    assert_eq!(forwarding[1]["forwarded"], 2);
    assert_eq!(forwarding[1]["share_forwarded"], 0.667);
    let statuses: Vec<(String, u64)> = r.body["by_prosecution_status"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap_or_default().to_owned(),
                c["registrations"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [("INGEZONDEN".to_owned(), 2), ("ONBEKEND".to_owned(), 2)]
    );
    assert_eq!(r.body["prosecution_unchanged_over_90_days"], 4);

    let other = get(
        app,
        "/api/v1/rdo/overview?unit=RTM&from=2024-01-01&to=2024-03-31",
        &analyst,
    );
    assert_eq!(other.status, 403);
    let national = app.token("landelijk", Role::National, "*");
    let rtm = get(
        app,
        "/api/v1/rdo/overview?unit=RTM&from=2024-01-01&to=2024-03-31",
        &national,
    );
    assert_eq!(rtm.body["rows"].as_array().map(Vec::len), Some(1));
    let bad = get(
        app,
        "/api/v1/rdo/overview?from=2024-13-01&to=2024-03-31",
        &analyst,
    );
    assert_eq!(bad.error_fields(), vec!["from"]);
}

fn both_csv_dialects_parse_back(app: &TestApp) {
    data_set(app);
    let analyst = app.token("drio", Role::Analyst, "AMS");
    let fetch = |query: &str| -> Vec<u8> {
        let r = ureq::get(&app.url(&format!(
            "/api/v1/rdo/overview?from=2024-01-01&to=2024-03-31{query}"
        )))
        .set("Authorization", &format!("Bearer {analyst}"))
        .set("Accept", "text/csv")
        .call()
        .expect("csv");
        assert!(r.content_type().starts_with("text/csv"));
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut r.into_reader(), &mut body).expect("body");
        body
    };
    let plain = String::from_utf8(fetch("")).expect("utf-8");
    let rows = csv_rows(&plain, b',');
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0][0], "registratienummer");
    assert_eq!(rows[1][0], "A1");
    assert_eq!(
        rows[1][19], "Samenvatting A1, zonder namen",
        "a comma inside a quoted field"
    );
    assert!(!plain.contains("geheim"));

    let excel = fetch("&excel=true");
    assert_eq!(&excel[..3], &[0xEF, 0xBB, 0xBF], "UTF-8 byte order mark");
    let excel = String::from_utf8(excel[3..].to_vec()).expect("utf-8");
    let excel_rows = csv_rows(&excel, b';');
    assert_eq!(excel_rows, rows, "the same table in both dialects");
}

fn prosecution_updates_are_validated_and_kept_in_the_history(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let screener = app.token("cpd", Role::Screener, "AMS");
    let created = crate::helpers::post(
        app,
        "/api/v1/incidents",
        &registrar,
        &json!({"registration_type": "AANGIFTE", "channel": "BALIE", "registered_at": "2024-06-01T10:00:00+02:00"}),
    );
    let url = app.url(&format!(
        "/api/v1/incidents/{}/prosecution",
        created.body["id"].as_str().unwrap_or_default()
    ));
    let put = |body: Value| send("PUT", &url, Some(&screener), &[], Some(&body));

    let unknown = put(json!({"prosecution_status": "GESEPONEERD"}));
    assert_eq!(unknown.status, 422);
    assert!(unknown.error("prosecution_status")["allowed"]
        .as_array()
        .is_some_and(|a| a.contains(&json!("SEPOT"))));
    assert_eq!(
        put(json!({"prosecution_status": "INGEZONDEN"})).error_fields(),
        vec!["forwarded_on"]
    );
    assert_eq!(
        put(json!({"prosecution_status": "INGEZONDEN", "forwarded_on": "2024-05-31"}))
            .error_fields(),
        vec!["forwarded_on"]
    );
    assert_eq!(
        put(json!({"prosecution_status": "INGEZONDEN", "forwarded_on": "31-06-2024"}))
            .error_fields(),
        vec!["forwarded_on"]
    );
    assert_eq!(
        put(json!({"prosecution_status": "NIET_INGEZONDEN", "forwarded_on": "2024-06-02"}))
            .error_fields(),
        vec!["forwarded_on"]
    );

    let ok = put(json!({"prosecution_status": "INGEZONDEN", "forwarded_on": "2024-06-01"}));
    assert_eq!(ok.status, 200, "{:?}", ok.body);
    assert_eq!(ok.body["prosecution_status"], "INGEZONDEN");
    assert_eq!(ok.body["forwarded_on"], "2024-06-01");
    let last = ok.body["history"]
        .as_array()
        .and_then(|h| h.last().cloned())
        .unwrap_or_default();
    assert_eq!(last["action"], "prosecution");
    assert_eq!(
        last["changes"]["prosecution_status"],
        json!({"old": null, "new": "INGEZONDEN"})
    );
    let sepot = put(json!({"prosecution_status": "SEPOT", "forwarded_on": "2024-06-01"}));
    assert_eq!(sepot.body["version"], 3);
}

/// The workbook for the RDO holds the same rows and figures as the JSON overview:
/// dates as dates, shares as percentages, text as text (never a formula).
fn the_workbook_holds_the_rows_and_figures_of_the_overview(app: &TestApp) {
    use calamine::{DataType, Reader};
    data_set(app);
    let analyst = app.token("drio", Role::Analyst, "AMS");
    let path = "/api/v1/rdo/overview?from=2024-01-01&to=2024-03-31";
    let json = get(app, path, &analyst).body;
    let response = ureq::get(&app.url(path))
        .set("Authorization", &format!("Bearer {analyst}"))
        .set("Accept", dira::rdo::XLSX)
        .call()
        .expect("workbook");
    assert_eq!(response.content_type(), dira::rdo::XLSX);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).expect("read");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    assert_eq!(
        book.sheet_names(),
        dira::rdo::XLSX_SHEETS.map(str::to_owned).to_vec()
    );

    let cases = book.worksheet_range("Zaken").expect("cases");
    let rows: Vec<_> = cases.rows().skip(1).collect();
    let expected = json["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), expected.len());
    for (row, want) in rows.iter().zip(expected) {
        assert_eq!(row[0].get_string(), want["registration_number"].as_str());
        let date = row[2].as_date().map(|d| d.to_string());
        assert_eq!(
            date.as_deref(),
            want["reporting_date"].as_str(),
            "a typed date"
        );
        assert_eq!(row[19].get_string(), want["summary"].as_str());
    }
    let formulas = book.worksheet_formula("Zaken").expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula"
    );

    let counts = book.worksheet_range("Aantallen").expect("counts");
    for want in json["by_ground"].as_array().expect("by_ground") {
        let found = counts.rows().find(|r| {
            r[0].get_string() == Some("discriminatiegrond")
                && r[1].get_string() == want["code"].as_str()
        });
        let n = found.and_then(|r| r[3].get_float());
        assert_eq!(n, want["registrations"].as_f64(), "{want}");
    }
    let shares = book.worksheet_range("Doorzending OM").expect("shares");
    let listed: Vec<_> = shares.rows().skip(1).collect();
    let wanted = json["forwarding_by_ground"].as_array().expect("forwarding");
    assert_eq!(listed.len(), wanted.len());
    for (row, want) in listed.iter().zip(wanted) {
        assert_eq!(row[0].get_string(), want["ground"].as_str());
        assert_eq!(
            row[4].get_float(),
            want["share_forwarded"].as_f64(),
            "a number"
        );
    }
    // The weights of Accept decide between the workbook and the CSV.
    let csv = ureq::get(&app.url(path))
        .set("Authorization", &format!("Bearer {analyst}"))
        .set("Accept", &format!("{};q=0.5, text/csv", dira::rdo::XLSX))
        .call()
        .expect("csv");
    assert!(csv.content_type().starts_with("text/csv"));
    let styles = book.worksheet_style("Doorzending OM").expect("styles");
    let format = styles
        .get((1, 4))
        .and_then(|s| s.number_format.as_ref())
        .map(|f| f.format_code.clone());
    assert_eq!(format.as_deref(), Some("0.0%"), "shown as a percentage");
}

crate::on_both_backends!(
    the_workbook_holds_the_rows_and_figures_of_the_overview,
    the_overview_has_exactly_the_confirmed_rows_of_the_period,
    both_csv_dialects_parse_back,
    prosecution_updates_are_validated_and_kept_in_the_history,
);
