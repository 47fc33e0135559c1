//! The regional monitor and the ODIHR report (issue 19) on a data set counted by hand
//! here: unit RTM (Dordrecht GM0505, Rotterdam GM0599, Schiedam GM0606), police
//! incidents of 2024 and 2025, and ADV figures of two municipalities with categories
//! that have no police counterpart.

use std::collections::BTreeMap;

use dira::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{get, post_csv, TestApp};

const HEADER: &str = "registration_number,registered_at,occurred_from,unit,municipality,registration_type,channel,grounds,manifestations,domain,articles,victim_kind,suspect_known,status,rejection_reason,event_id";

#[rustfmt::skip]
const POLICE: &[&str] = &[
    "M1,2025-03-11T10:00:00+01:00,2025-03-10,RTM,GM0599,AANGIFTE,BALIE,HERKOMST,BELEDIGING,OPENBARE_RUIMTE,SR137C,PERSOON,true,CONFIRMED,,",
    "M2,2025-04-11T10:00:00+02:00,2025-04-10,RTM,GM0599,AANGIFTE,BALIE,HERKOMST|ANTISEMITISME,GEWELD,HORECA,COMMUUN,PERSOON,true,CONFIRMED,,",
    "M3,2025-05-11T10:00:00+02:00,2025-05-10,RTM,GM0505,AANGIFTE,BALIE,SEKSUELE_GERICHTHEID,BEDREIGING,WOONOMGEVING,COMMUUN,PERSOON,true,CONFIRMED,,",
    "M4,2025-06-11T10:00:00+02:00,2025-06-10,RTM,GM0606,AANGIFTE,BALIE,GENDERIDENTITEIT,GEWELD|BEDREIGING,OPENBARE_RUIMTE,COMMUUN,PERSOON,true,CONFIRMED,,",
    "M5,2025-07-11T10:00:00+02:00,2025-07-10,RTM,,MELDING,INTERNET,HANDICAP,UITING,INTERNET,SR137D,GROEP,false,CONFIRMED,,",
    // Another unit: not in RTM's monitor, in the national ODIHR report.
    "M6,2025-03-12T10:00:00+01:00,2025-03-12,AMS,GM0363,AANGIFTE,BALIE,GESLACHT,VERNIELING,OPENBARE_RUIMTE,COMMUUN,PERSOON,false,CONFIRMED,,",
    // A hate crime with no ODIHR type of crime (insult only).
    "M8,2025-03-13T10:00:00+01:00,2025-03-13,AMS,GM0363,AANGIFTE,BALIE,HERKOMST,BELEDIGING,OPENBARE_RUIMTE,COMMUUN,PERSOON,false,CONFIRMED,,",
    // Not counted: rejected.
    "M7,2025-03-14T10:00:00+01:00,2025-03-14,RTM,GM0599,MELDING,BALIE,HERKOMST,BELEDIGING,WERK,,PERSOON,false,REJECTED,DUBBELE_REGISTRATIE,",
    "N1,2024-03-11T10:00:00+01:00,2024-03-10,RTM,GM0599,MELDING,BALIE,HERKOMST,BELEDIGING,WERK,SR137C,PERSOON,false,CONFIRMED,,",
    "N2,2024-04-11T10:00:00+02:00,2024-04-10,RTM,GM0505,MELDING,BALIE,HERKOMST,BELEDIGING,WERK,GEEN,PERSOON,false,CONFIRMED,,",
];

const ADV: &str = "year,municipality,category,code,reports
2025,GM0599,total,,10
2025,GM0599,ground,HERKOMST,6
2025,GM0599,ground,ARBEIDSDUUR,2
2025,GM0599,ground,ANTISEMITISME,1
2025,GM0599,domain,ARBEIDSMARKT,4
2025,GM0599,domain,HUISVESTING,3
2025,GM0599,manner,ONGELIJKE_BEHANDELING,5
2025,GM0599,manner,VIJANDIGE_BEJEGENING,3
2025,GM0505,total,,4
2025,GM0505,ground,HERKOMST,1
2025,GM0505,ground,SEKSUELE_GERICHTHEID,3
2025,GM0505,domain,WOONOMGEVING,4
2025,GM0505,manner,TREITEREN,2
2024,GM0599,total,,7
2024,GM0599,ground,HERKOMST,7
";

fn data_set(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    let csv = std::iter::once(HEADER)
        .chain(POLICE.iter().copied())
        .collect::<Vec<_>>()
        .join("\n");
    let (status, body) = post_csv(&app.url("/api/v1/imports"), &admin, &csv);
    assert_eq!(status, 201, "{body}");
    let (status, body) = post_csv(&app.url("/api/v1/adv/imports"), &admin, ADV);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["lines"], 15);
    assert_eq!(body["municipalities_replaced"], 3);
}

/// `table` of `monitor` as `{key or key/subkey: [values]}`.
fn rows(monitor: &Value, name: &str) -> BTreeMap<String, Vec<Value>> {
    let table = monitor["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no table {name}"));
    table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let key = match r["subkey"].as_str() {
                Some(s) => format!("{}/{s}", r["key"].as_str().unwrap_or_default()),
                None => r["key"].as_str().unwrap_or_default().to_owned(),
            };
            (key, r["values"].as_array().expect("values").clone())
        })
        .collect()
}

/// police, adv, police share, adv share.
fn four(p: Value, a: Value, ps: Value, as_: Value) -> Vec<Value> {
    vec![p, a, ps, as_]
}

fn every_cell_of_the_monitor_matches_the_hand_count(app: &TestApp) {
    data_set(app);
    let analyst = app.token("drio-rtm", Role::Analyst, "RTM");
    let reply = get(app, "/api/v1/reports/monitor/2025", &analyst);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let m = reply.body;
    assert_eq!(m["unit"], "RTM");
    assert_eq!(
        (m["municipalities"].clone(), m["adv_municipalities"].clone()),
        (json!(3), json!(2))
    );
    assert_eq!(m["mapping_version"], "2026-1");
    let summary = rows(&m, "summary");
    assert_eq!(summary["police_incidents"], [json!(5)]);
    assert_eq!(summary["police_registrations"], [json!(5)]);
    assert_eq!(summary["adv_reports"], [json!(14)]);

    let grounds = rows(&m, "by_ground");
    let null = Value::Null;
    assert_eq!(
        grounds["HERKOMST"],
        four(json!(2), json!(7), json!(0.222), json!(0.778))
    );
    assert_eq!(
        grounds["ANTISEMITISME"],
        four(json!(1), json!(1), json!(0.5), json!(0.5))
    );
    assert_eq!(
        grounds["SEKSUELE_GERICHTHEID"],
        four(json!(1), json!(3), json!(0.25), json!(0.75))
    );
    assert_eq!(
        grounds["GENDERIDENTITEIT"],
        four(json!(1), json!(0), json!(1.0), json!(0.0))
    );
    assert_eq!(
        grounds["HANDICAP"],
        four(json!(1), json!(0), json!(1.0), json!(0.0))
    );
    assert_eq!(
        grounds["LEEFTIJD"],
        four(json!(0), json!(0), null.clone(), null.clone())
    );
    // ADV grounds without a police counterpart stand apart, and are not forced in.
    assert_eq!(
        grounds["adv:ARBEIDSDUUR"],
        four(null.clone(), json!(2), null.clone(), null.clone())
    );
    assert_eq!(
        grounds["adv:AARD_ARBEIDSCONTRACT"],
        four(null.clone(), json!(0), null.clone(), null.clone())
    );
    assert!(!grounds.contains_key("GELOOF"), "retired before 2025");
    let police_total: u64 = grounds.values().filter_map(|v| v[0].as_u64()).sum();
    assert_eq!(
        police_total, 6,
        "an incident with two grounds counts under each"
    );

    let domains = rows(&m, "by_domain");
    assert_eq!(
        domains["WERK"],
        four(json!(0), json!(4), json!(0.0), json!(1.0))
    );
    assert_eq!(
        domains["OPENBARE_RUIMTE"],
        four(json!(2), json!(0), json!(1.0), json!(0.0))
    );
    assert_eq!(
        domains["WOONOMGEVING"],
        four(json!(1), json!(4), json!(0.2), json!(0.8))
    );
    assert_eq!(
        domains["HORECA"],
        four(json!(1), json!(0), json!(1.0), json!(0.0))
    );
    assert_eq!(
        domains["INTERNET"],
        four(json!(1), json!(0), json!(1.0), json!(0.0))
    );
    assert_eq!(
        domains["PUBLIEKE_DIENSTEN"],
        four(json!(0), json!(0), null.clone(), null.clone())
    );
    assert_eq!(
        domains["adv:HUISVESTING"],
        four(null.clone(), json!(3), null.clone(), null.clone())
    );
    assert_eq!(
        domains["adv:PRIVESFEER"],
        four(null.clone(), json!(0), null.clone(), null.clone())
    );

    let forms = rows(&m, "by_manifestation");
    assert_eq!(
        forms["BELEDIGING"],
        four(json!(1), json!(3), json!(0.25), json!(0.75))
    );
    assert_eq!(
        forms["GEWELD"],
        four(json!(2), json!(0), json!(1.0), json!(0.0))
    );
    assert_eq!(
        forms["BEDREIGING"],
        four(json!(2), json!(0), json!(1.0), json!(0.0))
    );
    assert_eq!(
        forms["UITING"],
        four(json!(1), json!(0), json!(1.0), json!(0.0))
    );
    assert_eq!(
        forms["ONGELIJKE_BEHANDELING"],
        four(json!(0), json!(5), json!(0.0), json!(1.0))
    );
    // No ADV manner maps to damage: no ADV figure, not a zero.
    assert_eq!(
        forms["VERNIELING"],
        four(json!(0), null.clone(), null.clone(), null.clone())
    );
    assert_eq!(
        forms["adv:TREITEREN"],
        four(null.clone(), json!(2), null.clone(), null.clone())
    );

    let trend = rows(&m, "trend");
    assert_eq!(trend["2021"], [json!(0), null.clone()]);
    assert_eq!(trend["2023"], [json!(0), null.clone()]);
    assert_eq!(trend["2024"], [json!(2), json!(7)]);
    assert_eq!(trend["2025"], [json!(5), json!(14)]);
    assert_eq!(trend.len(), 5);

    let municipalities = rows(&m, "by_municipality");
    assert_eq!(
        municipalities["GM0505"],
        four(json!(1), json!(4), json!(0.2), json!(0.8))
    );
    assert_eq!(
        municipalities["GM0599"],
        four(json!(2), json!(10), json!(0.167), json!(0.833))
    );
    assert_eq!(
        municipalities["GM0606"],
        four(json!(1), null.clone(), null.clone(), null.clone())
    );
    assert_eq!(
        municipalities["ONBEKEND"],
        four(json!(1), null.clone(), null.clone(), null.clone())
    );
    assert_eq!(municipalities.len(), 4);

    let appendix = rows(&m, "ground_by_municipality");
    let expected: BTreeMap<String, Vec<Value>> = [
        (
            "GM0505/HERKOMST",
            four(json!(0), json!(1), json!(0.0), json!(1.0)),
        ),
        (
            "GM0505/SEKSUELE_GERICHTHEID",
            four(json!(1), json!(3), json!(0.25), json!(0.75)),
        ),
        (
            "GM0599/HERKOMST",
            four(json!(2), json!(6), json!(0.25), json!(0.75)),
        ),
        (
            "GM0599/ANTISEMITISME",
            four(json!(1), json!(1), json!(0.5), json!(0.5)),
        ),
        (
            "GM0606/GENDERIDENTITEIT",
            four(json!(1), null.clone(), null.clone(), null.clone()),
        ),
        (
            "ONBEKEND/HANDICAP",
            four(json!(1), null.clone(), null.clone(), null.clone()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(appendix, expected);

    // The long form holds the same figures.
    let csv = ureq::get(&app.url("/api/v1/reports/monitor/2025"))
        .set("Authorization", &format!("Bearer {analyst}"))
        .set("Accept", "text/csv")
        .call()
        .expect("csv")
        .into_string()
        .expect("text");
    assert!(csv.starts_with("table,key,subkey,column,value\n"), "{csv}");
    assert!(csv.contains("\nby_ground,HERKOMST,,adv,7\n"), "{csv}");
    assert!(
        csv.contains("\nground_by_municipality,GM0599,HERKOMST,police_share,0.250\n"),
        "{csv}"
    );
    assert!(
        !csv.contains("adv:ARBEIDSDUUR,,police,"),
        "an absent figure has no line"
    );

    // National staff name the unit; an analyst of another unit may not.
    let national = app.token("landelijk", Role::National, "*");
    assert_eq!(
        get(app, "/api/v1/reports/monitor/2025", &national).status,
        422
    );
    let other = app.token("drio-ams", Role::Analyst, "AMS");
    assert_eq!(
        get(app, "/api/v1/reports/monitor/2025?unit=RTM", &other).status,
        403
    );
    let by_national = get(app, "/api/v1/reports/monitor/2025?unit=RTM", &national);
    assert_eq!(by_national.body["tables"], m["tables"]);
}

/// The workbook the regional editors work in holds the same figures, one sheet per
/// table, and no formula.
fn the_workbook_holds_the_figures_of_the_monitor(app: &TestApp) {
    use calamine::{DataType, Reader};
    data_set(app);
    let analyst = app.token("drio-rtm", Role::Analyst, "RTM");
    let json = get(app, "/api/v1/reports/monitor/2025", &analyst).body;
    let response = ureq::get(&app.url("/api/v1/reports/monitor/2025"))
        .set("Authorization", &format!("Bearer {analyst}"))
        .set("Accept", dira::rdo::XLSX)
        .call()
        .expect("workbook");
    assert_eq!(response.content_type(), dira::rdo::XLSX);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).expect("read");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    let sheets: Vec<String> = dira::monitor::XLSX_SHEETS
        .iter()
        .map(|(_, s)| s.to_string())
        .collect();
    assert_eq!(book.sheet_names(), sheets);
    for (table, sheet) in dira::monitor::XLSX_SHEETS {
        let range = book.worksheet_range(sheet).expect("sheet");
        let two_keys = table == "ground_by_municipality";
        let first = if two_keys { 4 } else { 2 };
        let want = rows(&json, table);
        let got: BTreeMap<String, Vec<Value>> = range
            .rows()
            .skip(1)
            .filter(|r| r.len() > first && r[0].get_string().is_some_and(|s| !s.contains(' ')))
            .map(|r| {
                let key = match two_keys {
                    true => format!(
                        "{}/{}",
                        r[0].get_string().unwrap_or_default(),
                        r[2].get_string().unwrap_or_default()
                    ),
                    false => r[0].get_string().unwrap_or_default().to_owned(),
                };
                let values = r[first..]
                    .iter()
                    .map(|c| match (c.get_float(), c.get_string()) {
                        (Some(f), _) => json!(f),
                        (None, Some(s)) => json!(s),
                        _ => Value::Null,
                    })
                    .collect();
                (key, values)
            })
            .collect();
        assert_eq!(got.len(), want.len(), "{sheet}");
        for (key, values) in &want {
            let found = &got[key];
            for (i, v) in values.iter().enumerate() {
                let cell = found.get(i).cloned().unwrap_or(Value::Null);
                match (v.as_f64(), cell.as_f64()) {
                    (Some(a), Some(b)) => {
                        assert!((a - b).abs() < 1e-9, "{sheet} {key} {i}: {v} vs {cell}")
                    }
                    _ => assert_eq!(&cell, v, "{sheet} {key} {i}"),
                }
            }
        }
        let formulas = book.worksheet_formula(sheet).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula in {sheet}"
        );
    }
}

/// Publication mode protects the police figures as the Poldis report does: no count
/// of 1 to 4 in the appendix, withheld cells that cannot be worked out, the summary
/// exact; the ADV figures as the bureaus deliver them.
fn publication_mode_suppresses_as_poldis_does(app: &TestApp) {
    data_set(app);
    let analyst = app.token("drio-rtm", Role::Analyst, "RTM");
    let m = get(
        app,
        "/api/v1/reports/monitor/2025?publication=true",
        &analyst,
    )
    .body;
    assert_eq!(m["publication"], true);
    assert!(m["legend"].as_array().is_some_and(|l| l.len() == 2));
    assert_eq!(rows(&m, "summary")["police_incidents"], [json!(5)]);
    for table in ["by_municipality", "ground_by_municipality"] {
        for (key, values) in rows(&m, table) {
            if key.starts_with("adv:") {
                continue;
            }
            let police = &values[0];
            assert!(
                police.as_u64().is_none_or(|n| n == 0 || n >= 5),
                "{table} {key}: {police} is a small count"
            );
            if police.is_string() {
                // A share would give the police figure away beside the ADV one.
                assert!(
                    values[2].is_string() || values[2].is_null(),
                    "{table} {key}: {values:?}"
                );
            }
        }
    }
    // No withheld police figure can be worked out from a total and the figures
    // beside it: not from a ground's total, a municipality's total, or the summary.
    let appendix = rows(&m, "ground_by_municipality");
    let withheld = |v: &Value| v.is_string();
    let lone = |cells: Vec<&Vec<Value>>| cells.iter().filter(|v| withheld(&v[0])).count() == 1;
    for (g, values) in rows(&m, "by_ground") {
        let cells: Vec<&Vec<Value>> = appendix
            .iter()
            .filter(|(k, _)| k.ends_with(&format!("/{g}")))
            .map(|(_, v)| v)
            .collect();
        assert!(
            !(values[0].is_u64() && lone(cells)),
            "by_ground {g} gives a cell away"
        );
    }
    let municipalities = rows(&m, "by_municipality");
    for (code, values) in &municipalities {
        let cells: Vec<&Vec<Value>> = appendix
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{code}/")))
            .map(|(_, v)| v)
            .collect();
        assert!(
            !(values[0].is_u64() && lone(cells)),
            "by_municipality {code} gives a cell away"
        );
    }
    assert!(
        !lone(municipalities.values().collect()),
        "the summary gives a municipality away"
    );
    assert_eq!(appendix["GM0599/HERKOMST"][0], "<5");
    assert_eq!(
        appendix["GM0599/HERKOMST"][1], 6,
        "the ADV figure as delivered"
    );
    assert_eq!(appendix["GM0599/HERKOMST"][2], "x");
}

/// The page of the monitor, with its charts and downloads.
fn the_monitor_page_shows_the_figures_with_charts(app: &TestApp) {
    data_set(app);
    let cookie = crate::web::sign_in(app, "drio-rtm", Role::Analyst, "RTM");
    let page = crate::web::request(app, "GET", "/monitor?year=2025", Some(&cookie), &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Discriminatiecijfers in 2025"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<svg role=\"img\""));
    assert!(
        page.body.contains("Arbeidsduur"),
        "ADV ground without counterpart listed"
    );
    let download = crate::web::request(
        app,
        "GET",
        "/monitor/download?unit=RTM&year=2025&format=xlsx",
        Some(&cookie),
        &[],
    );
    assert_eq!(download.status, 200);
    // A link's publication=1 is publication mode too; a year that is not one is
    // answered on a page.
    let published = crate::web::request(
        app,
        "GET",
        "/monitor?year=2025&publication=1",
        Some(&cookie),
        &[],
    );
    assert!(
        published
            .body
            .contains("Publicatieversie: kleine aantallen"),
        "{}",
        published.body
    );
    let wrong = crate::web::request(app, "GET", "/monitor?year=abc", Some(&cookie), &[]);
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.body.contains("<html")
            && wrong.body.contains("geen jaar")
            && wrong.body.contains("Toon monitor"),
        "{}",
        wrong.body
    );
}

/// The ODIHR report: bias motivation by type of crime, cell by cell.
fn the_odihr_report_matches_the_hand_count(app: &TestApp) {
    data_set(app);
    let national = app.token("landelijk", Role::National, "*");
    let reply = get(app, "/api/v1/reports/odihr/2025", &national);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let r = reply.body;
    let cells: BTreeMap<String, u64> = r["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .filter(|c| c["incidents"].as_u64() != Some(0))
        .map(|c| {
            (
                format!(
                    "{}/{}",
                    c["bias"].as_str().unwrap_or_default(),
                    c["crime_type"].as_str().unwrap_or_default()
                ),
                c["incidents"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let expected: BTreeMap<String, u64> = [
        ("RACISM_XENOPHOBIA/VIOLENT_ATTACK", 1),
        ("ANTISEMITISM/VIOLENT_ATTACK", 1),
        ("ANTI_LGBTI/THREATS", 2),
        ("ANTI_LGBTI/VIOLENT_ATTACK", 1),
        // Gender identity maps to LGBTI and to gender: M4 counts in both.
        ("GENDER/VIOLENT_ATTACK", 1),
        ("GENDER/THREATS", 1),
        ("GENDER/PROPERTY", 1),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_owned(), n))
    .collect();
    assert_eq!(cells, expected);
    let totals = |name: &str| -> BTreeMap<String, u64> {
        r[name]
            .as_array()
            .expect(name)
            .iter()
            .filter(|t| t["incidents"].as_u64() != Some(0))
            .map(|t| {
                (
                    t["code"].as_str().unwrap_or_default().to_owned(),
                    t["incidents"].as_u64().unwrap_or_default(),
                )
            })
            .collect()
    };
    assert_eq!(
        totals("by_bias"),
        [
            ("ANTISEMITISM", 1),
            ("ANTI_LGBTI", 2),
            ("GENDER", 2),
            ("RACISM_XENOPHOBIA", 1)
        ]
        .into_iter()
        .map(|(k, n)| (k.to_owned(), n))
        .collect()
    );
    assert_eq!(
        totals("by_crime_type"),
        [("PROPERTY", 1), ("THREATS", 2), ("VIOLENT_ATTACK", 2)]
            .into_iter()
            .map(|(k, n)| (k.to_owned(), n))
            .collect()
    );
    assert_eq!(r["total"], 4);
    assert_eq!(r["incidents"], 7);
    assert_eq!(
        r["outside_scope"], 2,
        "group insult and incitement are hate speech"
    );
    assert_eq!(
        r["without_category"], 1,
        "insult alone has no ODIHR type of crime"
    );
    let bias_sum: u64 = totals("by_bias").values().sum();
    assert!(bias_sum > 4, "the rows sum to more than the total");
    assert!(r["note_en"]
        .as_str()
        .is_some_and(|n| n.contains("more than the total")));
    // Analysts do not make the national submission.
    let analyst = app.token("drio-rtm", Role::Analyst, "RTM");
    assert_eq!(get(app, "/api/v1/reports/odihr/2025", &analyst).status, 403);
}

/// An administrator changes the ODIHR mapping as data: the report follows, and says
/// which version it used. A mapping that leaves a code out is refused whole.
fn the_odihr_mapping_is_data_administrators_change(app: &TestApp) {
    data_set(app);
    let admin = app.token("beheer", Role::Admin, "*");
    let current = ureq::get(&app.url("/api/v1/mappings/odihr"))
        .set("Authorization", &format!("Bearer {admin}"))
        .set("Accept", "text/csv")
        .call()
        .expect("mapping")
        .into_string()
        .expect("text");
    // Insult as a type of crime of its own kind ("other"), in a new version.
    let changed = current.replace("odihr,2026-1,", "odihr,2026-2,").replace(
        "odihr,2026-2,manifestation,BELEDIGING,odihr_crime,,",
        "odihr,2026-2,manifestation,BELEDIGING,odihr_crime,OTHER,",
    );
    assert_ne!(changed, current);
    let put = |body: &str| {
        let r = ureq::put(&app.url("/api/v1/mappings/odihr"))
            .set("Authorization", &format!("Bearer {admin}"))
            .set("Content-Type", "text/csv")
            .send_string(body);
        match r {
            Ok(r) => (r.status(), r.into_json::<Value>().unwrap_or_default()),
            Err(ureq::Error::Status(s, r)) => (s, r.into_json::<Value>().unwrap_or_default()),
            Err(e) => panic!("{e}"),
        }
    };
    let broken: String = changed
        .lines()
        .filter(|l| !l.contains(",ground,LEEFTIJD,"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        + "odihr,2026-2,ground,NIET_BESTAAND,odihr_bias,GENDER,\n";
    let (status, problem) = put(&broken);
    assert_eq!(status, 422, "{problem}");
    let messages: Vec<String> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| format!("{} {}", e["field"], e["message"]))
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("NIET_BESTAAND")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("LEEFTIJD") && m.contains("not mapped")),
        "{messages:?}"
    );
    let national = app.token("landelijk", Role::National, "*");
    let before = get(app, "/api/v1/reports/odihr/2025", &national).body;
    assert_eq!(before["mapping_version"], "2026-1", "nothing stored");

    // A version a spreadsheet would run as a formula is refused.
    let (status, _) = put(&changed.replace("odihr,2026-2,", "odihr,=1+1,"));
    assert_eq!(status, 422);
    let (status, mapping) = put(&changed);
    assert_eq!(status, 200, "{mapping}");
    assert_eq!(mapping["version"], "2026-2");
    let after = get(app, "/api/v1/reports/odihr/2025", &national).body;
    assert_eq!(after["mapping_version"], "2026-2");
    assert_eq!(after["without_category"], 0);
    assert_eq!(after["total"], 5);
    // Only administrators change it.
    let analyst = app.token("drio-rtm", Role::Analyst, "RTM");
    let r = crate::helpers::send(
        "PUT",
        &app.url("/api/v1/mappings/odihr"),
        Some(&analyst),
        &[],
        None,
    );
    assert_eq!(r.status, 403);
}

/// An invalid ADV file stores nothing and names every bad line.
fn an_invalid_adv_file_stores_nothing_and_names_every_bad_line(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    let file = "year,municipality,category,code,reports
2025,GM0599,total,,10
2025,GM9999,total,,3
2025,GM0599,ground,HERKOMSTT,1
2025,GM0599,ground,HERKOMST,-1
2025,GM0599,ground,ARBEIDSDUUR,11
2025,GM0599,total,,10
2025,GM0505,ground,HERKOMST,1
2025,GM0599,total,X,1
2125,GM0599,domain,ONDERWIJS,1
2025,GM0599,manner,GEWELD,2
";
    let (status, problem) = post_csv(&app.url("/api/v1/adv/imports"), &admin, file);
    assert_eq!(status, 422, "{problem}");
    let lines: Vec<(u64, String)> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or(0),
                e["field"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (3, "municipality".to_owned()),
            (4, "code".to_owned()),
            (5, "reports".to_owned()),
            (6, "reports".to_owned()),
            (7, "code".to_owned()),
            (8, "category".to_owned()),
            (9, "code".to_owned()),
            (10, "year".to_owned()),
        ]
    );
    let analyst = app.token("drio-rtm", Role::Analyst, "RTM");
    let m = get(app, "/api/v1/reports/monitor/2025", &analyst).body;
    assert_eq!(
        rows(&m, "summary")["adv_reports"],
        [Value::Null],
        "nothing stored"
    );
    // A wrong column on every line: the first 100 problems listed, the rest counted.
    let many: String = std::iter::once("year,municipality,category,code,reports\n".to_owned())
        .chain((0..150).map(|_| "2025,GM9999,total,,1\n".to_owned()))
        .collect();
    let (status, problem) = post_csv(&app.url("/api/v1/adv/imports"), &admin, &many);
    assert_eq!(status, 422);
    let errors = problem["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 101);
    assert!(errors[100]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("50 more problem(s)")));
    // What Excel leaves around a table is no problem: empty rows and columns.
    let excel = "year;municipality;category;code;reports;;\r\n2025;GM0505;total;;3;;\r\n;;;;;;\r\n;;;;;;\r\n";
    assert_eq!(
        post_csv(&app.url("/api/v1/adv/imports"), &admin, excel).0,
        201
    );
    // A corrected delivery replaces a municipality's figures, it does not add to them.
    let good = "year,municipality,category,code,reports\n2025,GM0599,total,,10\n2025,GM0599,ground,HERKOMST,6\n";
    assert_eq!(
        post_csv(&app.url("/api/v1/adv/imports"), &admin, good).0,
        201
    );
    let again = "year;municipality;category;code;reports\r\n2025;GM0599;total;;8\r\n";
    assert_eq!(
        post_csv(&app.url("/api/v1/adv/imports"), &admin, again).0,
        201,
        "Dutch Excel's semicolons"
    );
    let m = get(app, "/api/v1/reports/monitor/2025", &analyst).body;
    assert_eq!(
        rows(&m, "summary")["adv_reports"],
        [json!(11)],
        "GM0599's 8 and GM0505's 3"
    );
    assert_eq!(
        rows(&m, "by_ground")["HERKOMST"][1],
        Value::Null,
        "a total alone classifies nothing: no figure, not zero"
    );
}

/// An event with registrations in two units is one incident of its representative's
/// unit, in the monitor as in the national report.
fn an_event_across_units_counts_once_in_its_representatives_unit(app: &TestApp) {
    let admin = app.token("beheer", Role::Admin, "*");
    let rows_csv = [
        HEADER,
        "X1,2025-03-01T10:00:00+01:00,2025-03-01,AMS,GM0363,AANGIFTE,BALIE,HERKOMST,BELEDIGING,OPENBARE_RUIMTE,,PERSOON,false,CONFIRMED,,EVT-9",
        "X2,2025-03-02T10:00:00+01:00,2025-03-02,RTM,GM0599,AANGIFTE,BALIE,HERKOMST,BELEDIGING,OPENBARE_RUIMTE,,PERSOON,false,CONFIRMED,,EVT-9",
    ]
    .join("\n");
    assert_eq!(
        post_csv(&app.url("/api/v1/imports"), &admin, &rows_csv).0,
        201
    );
    let national = app.token("landelijk", Role::National, "*");
    let incidents = |unit: &str| {
        let m = get(
            app,
            &format!("/api/v1/reports/monitor/2025?unit={unit}"),
            &national,
        )
        .body;
        (
            rows(&m, "summary")["police_incidents"].clone(),
            rows(&m, "summary")["police_registrations"].clone(),
        )
    };
    assert_eq!(incidents("AMS"), (vec![json!(1)], vec![json!(1)]));
    assert_eq!(
        incidents("RTM"),
        (vec![json!(0)], vec![json!(1)]),
        "its registration, not an incident"
    );
}

crate::on_both_backends!(
    an_event_across_units_counts_once_in_its_representatives_unit,
    every_cell_of_the_monitor_matches_the_hand_count,
    the_workbook_holds_the_figures_of_the_monitor,
    publication_mode_suppresses_as_poldis_does,
    the_monitor_page_shows_the_figures_with_charts,
    the_odihr_report_matches_the_hand_count,
    the_odihr_mapping_is_data_administrators_change,
    an_invalid_adv_file_stores_nothing_and_names_every_bad_line,
);

/// The command line: the ADV file in (every bad line named, nothing stored), the
/// mapping out and in, the monitor and the ODIHR report in every format.
fn the_command_line_imports_and_reports(backend: crate::helpers::Backend) {
    use crate::cli::dira;
    let Some(test_db) = crate::helpers::TestDb::new(backend) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    let police = write(
        "politie.csv",
        &(std::iter::once(HEADER)
            .chain(POLICE.iter().copied())
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"),
    );
    assert!(dira(&test_db, &["import", &police]).status.success());
    let bad = write("fout.csv", "year,municipality,category,code,reports\n2025,GM0599,total,,x\n2025,GM0599,ground,HERKOMST,1\n");
    let out = dira(&test_db, &["adv", "import", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2: reports: \"x\" is not a whole number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 3: category: GM0599 has no total line"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was stored"), "{stderr}");
    let good = write("adv.csv", ADV);
    let out = dira(&test_db, &["adv", "import", &good]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let monitor = |format: &str, extra: &[&str]| {
        let mut args = vec![
            "report", "monitor", "--unit", "RTM", "--year", "2025", "--format", format,
        ];
        args.extend_from_slice(extra);
        dira(&test_db, &args)
    };
    let json = monitor("json", &[]);
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let m: Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(rows(&m, "summary")["adv_reports"], [json!(14)]);
    let csv = String::from_utf8_lossy(&monitor("csv", &[]).stdout).into_owned();
    assert!(csv.contains("summary,police_incidents,,value,5"), "{csv}");
    let html = String::from_utf8_lossy(&monitor("html", &[]).stdout).into_owned();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<svg"),
        "{html}"
    );
    let refused = monitor("xlsx", &[]);
    assert_eq!(refused.status.code(), Some(2), "a workbook needs --out");
    let book = dir.path().join("monitor.xlsx").display().to_string();
    assert!(monitor("xlsx", &["--out", &book]).status.success());
    assert!(std::fs::read(&book).expect("xlsx").starts_with(b"PK"));
    let unknown = dira(
        &test_db,
        &["report", "monitor", "--unit", "XX", "--year", "2025"],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--unit"));

    let odihr = dira(
        &test_db,
        &["report", "odihr", "--year", "2025", "--format", "json"],
    );
    let r: Value = serde_json::from_slice(&odihr.stdout).expect("json");
    assert_eq!(r["total"], 4);

    let shown = dira(&test_db, &["mapping", "show", "adv"]);
    let text = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(
        text.starts_with("scheme,version,source_list,source_code,target_list,target_code,note\n")
    );
    assert!(
        text.contains("adv,2026-1,adv_ground,ARBEIDSDUUR,ground,,"),
        "{text}"
    );
    let next = write("mapping.csv", &text.replace("adv,2026-1,", "adv,2026-2,"));
    let loaded = dira(&test_db, &["mapping", "load", &next]);
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let json = monitor("json", &[]);
    let m: Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(m["mapping_version"], "2026-2");
}

crate::cli_on_both_backends!(the_command_line_imports_and_reports);
