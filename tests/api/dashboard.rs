//! The unit dashboard (issue 20) over the API on a data set counted by hand here, with
//! the clock at 15 March 2026: registrations against 2025 and the target line (+25%),
//! screening lead times per month, the backlog with overdue incidents, forwarding per
//! ground, and the important incidents.

use chrono::TimeZone;
use dira::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{get, post_csv, TestApp};

const HEADER: &str = "registration_number,registered_at,unit,registration_type,channel,grounds,manifestations,domain,victim_kind,status,screened_at,prosecution_status,forwarded_on,event_id,summary";

/// A CONFIRMED incident registered at `at` (RFC 3339), screened at `screened`.
fn confirmed(number: &str, at: &str, screened: &str) -> String {
    format!(
        "{number},{at},AMS,MELDING,BALIE,HERKOMST,BELEDIGING,WERK,PERSOON,CONFIRMED,{screened},,,,"
    )
}

fn data_set() -> String {
    let mut rows = vec![HEADER.to_owned()];
    // 2025: January 2, February 4, March 2, June 3.
    for (i, day) in [
        "01-10", "01-20", "02-05", "02-06", "02-07", "02-08", "03-03", "03-04", "06-01", "06-02",
        "06-03",
    ]
    .iter()
    .enumerate()
    {
        rows.push(confirmed(
            &format!("A{i}"),
            &format!("2025-{day}T10:00:00+01:00"),
            &format!("2025-{day}T12:00:00+01:00"),
        ));
    }
    rows.extend([
        // January 2026: screened after 3 and 10 days; violence (and forwarded), a police officer as victim.
        "B1,2026-01-02T10:00:00+01:00,AMS,AANGIFTE,BALIE,HERKOMST,GEWELD,OPENBARE_RUIMTE,PERSOON,CONFIRMED,2026-01-05T10:00:00+01:00,INGEZONDEN,2026-01-20,,Geschopt na scheldpartij".to_owned(),
        "B2,2026-01-02T11:00:00+01:00,AMS,AANGIFTE,BALIE,HERKOMST,BELEDIGING,OPENBARE_RUIMTE,POLITIEMEDEWERKER,CONFIRMED,2026-01-12T11:00:00+01:00,,,,Agent uitgescholden".to_owned(),
        "B3,2026-01-20T10:00:00+01:00,AMS,MELDING,BALIE,HERKOMST,,,,INCOMPLETE,,,,,".to_owned(),
        // February: screened after 19 days; three of a wave of five (two in RTM).
        "B4,2026-02-01T10:00:00+01:00,AMS,AANGIFTE,BALIE,ANTISEMITISME,BELEDIGING,INTERNET,PERSOON,CONFIRMED,2026-02-20T10:00:00+01:00,,,,".to_owned(),
        "B5,2026-02-02T10:00:00+01:00,AMS,MELDING,INTERNET,HERKOMST,UITING,MEDIA,GROEP,REGISTERED,,,,EVT-W,Uitspraak op tv".to_owned(),
        "B6,2026-02-03T10:00:00+01:00,AMS,MELDING,INTERNET,HERKOMST,UITING,MEDIA,GROEP,REGISTERED,,,,EVT-W,Uitspraak op tv".to_owned(),
        "B7,2026-02-04T10:00:00+01:00,AMS,MELDING,INTERNET,HERKOMST,UITING,MEDIA,GROEP,REGISTERED,,,,EVT-W,Uitspraak op tv".to_owned(),
        "R1,2026-02-05T10:00:00+01:00,RTM,MELDING,INTERNET,HERKOMST,UITING,MEDIA,GROEP,REGISTERED,,,,EVT-W,".to_owned(),
        "R2,2026-02-06T10:00:00+01:00,RTM,MELDING,INTERNET,HERKOMST,UITING,MEDIA,GROEP,REGISTERED,,,,EVT-W,".to_owned(),
        // March: 5 days old on the 15th, not yet overdue.
        "B8,2026-03-10T10:00:00+01:00,AMS,MELDING,BALIE,HERKOMST,,,,INCOMPLETE,,,,,".to_owned(),
    ]);
    rows.join("\n")
}

fn app(backend: crate::helpers::Backend) -> Option<TestApp> {
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 3, 15, 12, 0, 0)
        .single()
        .expect("now");
    let settings = dira::server::Settings {
        workers: Some(1),
        clock: dira::clock::Clock::fixed(now),
        sign_in: dira::auth::SignInSettings::default(),
    };
    TestApp::spawn_with(backend, settings)
}

fn the_dashboard_shows_the_hand_count(backend: crate::helpers::Backend) {
    let Some(app) = app(backend) else {
        return;
    };
    let admin = app.token("beheer", Role::Admin, "*");
    let (status, report) = post_csv(&app.url("/api/v1/imports"), &admin, &data_set());
    assert_eq!(status, 201, "{report}");
    let screener = app.token("adc-ams", Role::Screener, "AMS");
    let reply = get(&app, "/api/v1/dashboard", &screener);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let d = reply.body;
    assert_eq!(
        (d["unit"].clone(), d["year"].clone(), d["today"].clone()),
        (json!("AMS"), json!(2026), json!("2026-03-15"))
    );

    let r = &d["registrations"];
    assert_eq!(r["target_percent"], 25);
    let months: Vec<(Value, Value, Value)> = r["months"]
        .as_array()
        .expect("months")
        .iter()
        .map(|m| {
            (
                m["this_year"].clone(),
                m["last_year"].clone(),
                m["target"].clone(),
            )
        })
        .collect();
    assert_eq!(months[0], (json!(3), json!(2), json!(2.5)));
    assert_eq!(months[1], (json!(4), json!(4), json!(5.0)));
    assert_eq!(months[2], (json!(1), json!(2), json!(2.5)));
    assert_eq!(
        months[3],
        (Value::Null, json!(0), json!(0.0)),
        "April is still to come"
    );
    assert_eq!(months[5], (Value::Null, json!(3), json!(3.8)));
    assert_eq!(
        (
            r["months_to_date"].clone(),
            r["this_year_to_date"].clone(),
            r["last_year_to_date"].clone(),
            r["target_to_date"].clone()
        ),
        (json!(3), json!(8), json!(8), json!(10.0))
    );

    let s = &d["screening"];
    assert_eq!(
        (
            s["target_days"].clone(),
            s["backlog"].clone(),
            s["overdue"].clone()
        ),
        (json!(14), json!(5), json!(4))
    );
    let overdue: Vec<&str> = s["overdue_incidents"]
        .as_array()
        .expect("overdue")
        .iter()
        .map(|i| i["registration_number"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        overdue,
        ["B3", "B5", "B6", "B7"],
        "oldest first; B8 is 5 days old"
    );
    let months: Vec<(Value, Value, Value)> = s["months"]
        .as_array()
        .expect("months")
        .iter()
        .map(|m| {
            (
                m["screened"].clone(),
                m["median_days"].clone(),
                m["p90_days"].clone(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            (json!(2), json!(6.5), json!(10.0)),
            (json!(1), json!(19.0), json!(19.0)),
            (json!(0), Value::Null, Value::Null),
        ]
    );

    let forwarding: Vec<(String, u64, u64, f64)> = d["forwarding"]
        .as_array()
        .expect("forwarding")
        .iter()
        .filter(|g| g["registrations"].as_u64() != Some(0))
        .map(|g| {
            (
                g["ground"].as_str().unwrap_or_default().to_owned(),
                g["registrations"].as_u64().unwrap_or_default(),
                g["forwarded"].as_u64().unwrap_or_default(),
                g["share_forwarded"].as_f64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        forwarding,
        [
            ("ANTISEMITISME".to_owned(), 1, 0, 0.0),
            ("HERKOMST".to_owned(), 2, 1, 0.5)
        ]
    );

    let important: Vec<(String, Vec<String>, Value)> = d["important"]
        .as_array()
        .expect("important")
        .iter()
        .map(|i| {
            (
                i["registration_number"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                i["reasons"]
                    .as_array()
                    .expect("reasons")
                    .iter()
                    .map(|r| r.as_str().unwrap_or_default().to_owned())
                    .collect(),
                i["event_registrations"].clone(),
            )
        })
        .collect();
    let wave = || (vec!["wave".to_owned()], json!(5));
    assert_eq!(
        important,
        [
            ("B7".to_owned(), wave().0, wave().1),
            ("B6".to_owned(), wave().0, wave().1),
            ("B5".to_owned(), wave().0, wave().1),
            (
                "B2".to_owned(),
                vec!["police_victim".to_owned()],
                Value::Null
            ),
            ("B1".to_owned(), vec!["violence".to_owned()], Value::Null),
        ]
    );

    // A year still to come is refused.
    assert_eq!(
        get(&app, "/api/v1/dashboard?year=2027", &screener).status,
        422
    );
    // Last year's dashboard: every month counted, no month still to come.
    let past = get(&app, "/api/v1/dashboard?year=2025", &screener).body;
    assert_eq!(past["registrations"]["months_to_date"], 12);
    assert_eq!(past["registrations"]["this_year_to_date"], 11);
    // Scope as elsewhere: national staff name the unit, others see their own.
    let national = app.token("landelijk", Role::National, "*");
    assert_eq!(get(&app, "/api/v1/dashboard", &national).status, 422);
    assert_eq!(
        get(&app, "/api/v1/dashboard?unit=AMS", &national).body["registrations"],
        d["registrations"]
    );
    let analyst = app.token("drio-rtm", Role::Analyst, "RTM");
    assert_eq!(
        get(&app, "/api/v1/dashboard?unit=AMS", &analyst).status,
        403
    );
    let registrar = app.token("balie", Role::Registrar, "AMS");
    assert_eq!(get(&app, "/api/v1/dashboard", &registrar).status, 403);

    // The page shows the same figures, its charts with tables beside them.
    let cookie = crate::web::sign_in(&app, "adc-pagina", Role::Screener, "AMS");
    let page = crate::web::request(&app, "GET", "/dashboard", Some(&cookie), &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    for expected in [
        "Dashboard",
        "<svg role=\"img\"",
        "golf van 5 meldingen",
        "politiemedewerker slachtoffer",
        "geweld",
        ">B3</a>",
        "6,5",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    // A year that is not one, or still to come: the form again, with the problem.
    for (year, message) in [("abc", "geen jaar"), ("2027", "has not begun")] {
        let wrong = crate::web::request(
            &app,
            "GET",
            &format!("/dashboard?year={year}"),
            Some(&cookie),
            &[],
        );
        assert_eq!(wrong.status, 422, "{year}");
        assert!(
            wrong.body.contains("Toon dashboard") && wrong.body.contains(message),
            "{}",
            wrong.body
        );
        assert!(wrong.body.contains("href=\"#year\"") && wrong.body.contains("id=\"year\""));
    }
    let twice = crate::web::request(
        &app,
        "GET",
        "/dashboard?year=2026&year=2025",
        Some(&cookie),
        &[],
    );
    assert!(
        twice.body.contains("<html"),
        "an address it cannot read answered as a page"
    );
}

crate::cli_on_both_backends!(the_dashboard_shows_the_hand_count);
