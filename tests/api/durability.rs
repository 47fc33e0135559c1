//! An acknowledged registration survives the process being killed (SIGKILL) mid-load.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use dira::auth::Role;
use dira::db::schema::incidents;
use serde_json::json;

use crate::cli::{serve, token};
use crate::helpers::{say, Backend, TestDb};

const CLIENTS: usize = 16;
/// Kill the server once this many registrations have been acknowledged.
const KILL_AFTER: usize = 1500;

fn every_acknowledged_registration_survives_sigkill(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        say("SKIPPED on PostgreSQL: durability::every_acknowledged_registration_survives_sigkill");
        return;
    };
    let token = token(&db, "balie", Role::Registrar.as_str(), "AMS");
    let (mut server, base) = serve(&db);

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (acknowledged, count, token, url) =
                (acknowledged.clone(), count.clone(), token.clone(), format!("{base}/api/v1/incidents"));
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().timeout(std::time::Duration::from_secs(10)).build();
                let body = json!({"registration_type": "AANGIFTE", "channel": "BALIE", "grounds": ["HERKOMST"]});
                // Each client stops at its first failed request: the server is gone.
                while let Ok(r) = agent.post(&url).set("Authorization", &format!("Bearer {token}")).send_json(body.clone()) {
                    assert_eq!(r.status(), 201);
                    let v: serde_json::Value = r.into_json().expect("json");
                    acknowledged.lock().expect("lock").push(v["id"].as_str().unwrap_or_default().to_owned());
                    count.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    while count.load(Ordering::SeqCst) < KILL_AFTER {
        std::thread::yield_now();
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    for c in clients {
        c.join().expect("client");
    }

    let acknowledged = acknowledged.lock().expect("lock").clone();
    // Restarting brings the database back (WAL recovery) through the same code path.
    let (mut restarted, _) = serve(&db);
    let stored: HashSet<String> = {
        let db = dira::db::Db::open(&db.url).expect("reopen");
        let mut conn = db.conn().expect("conn");
        incidents::table
            .select(incidents::id)
            .load::<String>(&mut conn)
            .expect("ids")
            .into_iter()
            .collect()
    };
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .collect();
    say(&format!(
        "durability ({backend:?}): {} registrations acknowledged with 201 before SIGKILL, {} stored after restart, {} lost",
        acknowledged.len(),
        stored.len(),
        lost.len()
    ));
    let _ = restarted.kill();
    let _ = restarted.wait();
    assert!(acknowledged.len() >= KILL_AFTER);
    assert!(lost.is_empty(), "lost acknowledged registrations: {lost:?}");
}

#[test]
fn sqlite_every_acknowledged_registration_survives_sigkill() {
    every_acknowledged_registration_survives_sigkill(Backend::Sqlite);
}

#[test]
fn postgres_every_acknowledged_registration_survives_sigkill() {
    every_acknowledged_registration_survives_sigkill(Backend::Postgres);
}
