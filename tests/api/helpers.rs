//! Starting the app on a fresh database, tokens, and a small JSON client.

use std::io::Write;
use std::net::TcpListener;
use std::sync::Once;
use std::thread::JoinHandle;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use dira::auth::Role;
use dira::auth::SignInSettings;
use dira::codes::Catalog;
use dira::db::Db;
use dira::server::{Application, Settings};
use serde_json::Value;

pub const PG_ENV: &str = "DIRA_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Prints past the test harness' output capture, so a skip is seen.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// A fresh database of the backend: a temporary SQLite file, or a new PostgreSQL
/// schema. `None` (and a loud note) when PostgreSQL is not configured.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    pub fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("dira.db").display());
                Some(TestDb {
                    url,
                    _dir: Some(dir),
                    pg_schema: None,
                })
            }
            Backend::Postgres => {
                let Ok(base) = std::env::var(PG_ENV) else {
                    static BANNER: Once = Once::new();
                    BANNER.call_once(|| {
                        say("\n*** PostgreSQL tests SKIPPED: DIRA_TEST_POSTGRES_URL is not set (see README) ***\n")
                    });
                    return None;
                };
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = diesel::PgConnection::establish(&base)
                    .expect("connect to DIRA_TEST_POSTGRES_URL");
                conn.batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .expect("create schema");
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
                Some(TestDb {
                    url,
                    _dir: None,
                    pg_schema: Some((base, schema)),
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_schema {
            if let Ok(mut conn) = diesel::PgConnection::establish(base) {
                let _ = conn.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
            }
        }
    }
}

/// The app served on 127.0.0.1 with an ephemeral port.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    /// The app's clock: the system's, or a fixed one the test moves.
    pub clock: dira::clock::Clock,
    handle: actix_web::dev::ServerHandle,
    thread: Option<JoinHandle<()>>,
    pub test_db: TestDb,
}

impl TestApp {
    pub fn spawn(backend: Backend) -> Option<TestApp> {
        let settings = Settings {
            workers: Some(1),
            clock: dira::clock::Clock::system(),
            sign_in: SignInSettings::default(),
        };
        Some(TestApp::start(TestDb::new(backend)?, settings))
    }

    /// The app with its own settings (a fixed clock, a trusted proxy, a provider).
    pub fn spawn_with(backend: Backend, settings: Settings) -> Option<TestApp> {
        Some(TestApp::start(TestDb::new(backend)?, settings))
    }

    /// A second app on the database of `other` (another replica).
    pub fn beside(other: &TestApp, settings: Settings) -> TestApp {
        let test_db = TestDb {
            url: other.test_db.url.clone(),
            _dir: None,
            pg_schema: None,
        };
        TestApp::start(test_db, settings)
    }

    fn start(test_db: TestDb, settings: Settings) -> TestApp {
        let db = Db::open(&test_db.url).expect("open test database");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let clock = settings.clock.clone();
        let app = Application::build(db.clone(), listener, settings).expect("build app");
        let base = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new()
                .block_on(app.run_until_stopped())
                .expect("server ran");
        });
        TestApp {
            base,
            db,
            clock,
            handle,
            thread: Some(thread),
            test_db,
        }
    }

    /// A local account for a new user (or a token user without a password) with this
    /// role and scope; answers its password.
    pub fn account(&self, user: &str, role: Role, scope: &str) -> String {
        let password = format!("{user}-correct-horse-battery");
        let mut conn = self.db.conn().expect("connection");
        let catalog = Catalog::load(&mut conn).expect("catalog");
        let hash = dira::auth::accounts::hash_password(&password).expect("hash");
        dira::auth::accounts::create(
            &mut conn,
            &catalog,
            user,
            role,
            scope,
            &hash,
            self.clock.now(),
        )
        .expect("account");
        password
    }

    /// A token for a new user with this role and scope.
    pub fn token(&self, user: &str, role: Role, scope: &str) -> String {
        let mut conn = self.db.conn().expect("connection");
        let catalog = Catalog::load(&mut conn).expect("catalog");
        let now = self.clock.now();
        dira::auth::create_token(&mut conn, &catalog, user, role, scope, 1, now)
            .expect("token")
            .token
    }

    /// Runs the candidate scan (default terms, no codes) over a general-incidents CSV.
    pub fn scan_candidates(&self, csv: &str) {
        let mut conn = self.db.conn().expect("connection");
        let catalog = Catalog::load(&mut conn).expect("catalog");
        dira::candidates::scan(
            &mut conn,
            &catalog,
            csv.as_bytes(),
            dira::candidates::DEFAULT_TERMS,
            "",
            dira::clock::Clock::system().now(),
        )
        .expect("scan");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        actix_web::rt::System::new().block_on(stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An answer: status, headers of interest and the JSON body (Null when not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
    pub etag: Option<String>,
    pub header: std::collections::HashMap<String, String>,
}

impl Resp {
    /// The `errors[].field` names of a problem answer.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The error about `field`.
    pub fn error(&self, field: &str) -> Value {
        self.body["errors"]
            .as_array()
            .and_then(|a| a.iter().find(|e| e["field"] == field).cloned())
            .unwrap_or(Value::Null)
    }
}

pub fn send(
    method: &str,
    url: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Resp {
    let mut req = ureq::request(method, url);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let result = match body {
        Some(b) => req.send_json(b.clone()),
        None => req.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = response.status();
    let content_type = response
        .header("content-type")
        .unwrap_or_default()
        .to_owned();
    let etag = response.header("etag").map(str::to_owned);
    let header = response
        .headers_names()
        .into_iter()
        .filter_map(|n| {
            response
                .header(&n)
                .map(|v| (n.to_lowercase(), v.to_owned()))
        })
        .collect();
    let text = response.into_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Resp {
        status,
        body,
        content_type,
        etag,
        header,
    }
}

/// POSTs `csv` as `text/csv` with a bearer token (an import); the status and the JSON
/// answer.
pub fn post_csv(url: &str, token: &str, csv: &str) -> (u16, Value) {
    let response = ureq::post(url)
        .set("Authorization", &format!("Bearer {token}"))
        .set("Content-Type", "text/csv")
        .send_string(csv);
    let r = match response {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("POST {url}: {e}"),
    };
    (r.status(), r.into_json::<Value>().unwrap_or_default())
}

pub fn get(app: &TestApp, path: &str, token: &str) -> Resp {
    send("GET", &app.url(path), Some(token), &[], None)
}

pub fn post(app: &TestApp, path: &str, token: &str, body: &Value) -> Resp {
    send("POST", &app.url(path), Some(token), &[], Some(body))
}

/// Defines each listed `fn(&TestApp)` as a test on SQLite and one on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).expect("sqlite app");
                super::$name(&app);
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                match $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres) {
                    Some(app) => super::$name(&app),
                    None => $crate::helpers::say(concat!("SKIPPED on PostgreSQL: ", module_path!(), "::", stringify!($name))),
                }
            })*
        }
    };
}

/// Defines each listed `fn(Backend)` (a test of the `dira` binary on a database of its
/// own) as a test on SQLite and one on PostgreSQL.
#[macro_export]
macro_rules! cli_on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod cli_sqlite {
            $(#[test] fn $name() { super::$name($crate::helpers::Backend::Sqlite) })*
        }
        mod cli_postgres {
            $(#[test] fn $name() { super::$name($crate::helpers::Backend::Postgres) })*
        }
    };
}
