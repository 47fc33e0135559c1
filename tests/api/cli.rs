//! The `dira` binary as an operator uses it.

use std::process::{Command, Stdio};

use crate::helpers::{send, Backend, TestDb};

pub const BIN: &str = env!("CARGO_BIN_EXE_dira");

pub fn dira(db: &TestDb, args: &[&str]) -> std::process::Output {
    dira_with(db, args, &[])
}

/// [`dira`] with further environment variables.
pub fn dira_with(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("DIRA_DATABASE_URL", &db.url)
        .env("DIRA_LOG", "warn")
        .envs(env.iter().copied())
        .output()
        .expect("run dira")
}

/// A bearer token made with `dira token create` (which must succeed).
pub fn token(db: &TestDb, user: &str, role: &str, scope: &str) -> String {
    let out = dira(
        db,
        &[
            "token", "create", "--user", user, "--role", role, "--scope", scope,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `dira serve` on a free port; returns the child and the base URL once it answers.
pub fn serve(db: &TestDb) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let child = Command::new(BIN)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DIRA_DATABASE_URL", &db.url)
        .env("DIRA_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start dira serve");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while ureq::get(&format!("{base}/health")).call().is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "dira serve did not come up"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (child, base)
}

#[test]
fn token_create_prints_only_the_token_and_it_authenticates() {
    let db = TestDb::new(Backend::Sqlite).expect("db");
    let out = dira(
        &db,
        &[
            "token",
            "create",
            "--user",
            "balie-ams",
            "--role",
            "registrar",
            "--scope",
            "AMS",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = stdout.trim();
    assert_eq!(stdout.lines().count(), 1);
    assert!(token.starts_with("dira_") && token.len() > 40);

    let (mut child, base) = serve(&db);
    let ok = send(
        "GET",
        &format!("{base}/api/v1/incidents"),
        Some(token),
        &[],
        None,
    );
    assert_eq!(ok.status, 200);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn token_create_refuses_bad_arguments_with_exit_2() {
    let db = TestDb::new(Backend::Sqlite).expect("db");
    let bad_role = dira(
        &db,
        &[
            "token", "create", "--user", "x", "--role", "chef", "--scope", "AMS",
        ],
    );
    assert_eq!(bad_role.status.code(), Some(2));
    let bad_scope = dira(
        &db,
        &[
            "token",
            "create",
            "--user",
            "x",
            "--role",
            "registrar",
            "--scope",
            "XX",
        ],
    );
    assert_eq!(bad_scope.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad_scope.stderr).contains("AMS"),
        "names the allowed units"
    );
    let national_registrar = dira(
        &db,
        &[
            "token",
            "create",
            "--user",
            "x",
            "--role",
            "registrar",
            "--scope",
            "*",
        ],
    );
    assert_eq!(national_registrar.status.code(), Some(2));
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let db = TestDb::new(Backend::Sqlite).expect("db");
    let (mut child, _) = serve(&db);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn an_unsupported_database_url_is_a_clear_error() {
    let out = Command::new(BIN)
        .args(["--database", "mysql://x", "serve"])
        .output()
        .expect("run dira");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite://PATH or postgres://"));
}

#[test]
fn tokens_are_listed_and_revoked_and_the_audit_log_is_read_on_the_command_line() {
    let db = TestDb::new(Backend::Sqlite).expect("db");
    let out = dira(
        &db,
        &[
            "token", "create", "--user", "analist", "--role", "analyst", "--scope", "NH",
        ],
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let listed = String::from_utf8_lossy(&dira(&db, &["token", "list"]).stdout).into_owned();
    let line = listed
        .lines()
        .find(|l| l.contains("\tanalist\t"))
        .unwrap_or_default()
        .to_owned();
    assert!(line.contains("\tanalyst\tNH\t"), "{listed}");
    assert!(
        !listed.contains(&token),
        "the token itself is never shown again"
    );
    let id = line.split('\t').next().unwrap_or_default();
    assert!(dira(&db, &["token", "revoke", id]).status.success());
    assert!(
        String::from_utf8_lossy(&dira(&db, &["token", "list"]).stdout)
            .lines()
            .any(|l| l.starts_with(id) && l.split('\t').nth(6) != Some("-"))
    );
    assert_eq!(
        dira(&db, &["token", "revoke", "nope"]).status.code(),
        Some(2)
    );

    let (mut child, base) = serve(&db);
    assert_eq!(
        send(
            "GET",
            &format!("{base}/api/v1/incidents"),
            Some(&token),
            &[],
            None
        )
        .status,
        401
    );
    let _ = child.kill();
    let _ = child.wait();
    let audit = String::from_utf8_lossy(&dira(&db, &["audit"]).stdout).into_owned();
    assert!(
        audit
            .lines()
            .any(|l| l.contains("\tincident.list\t") && l.ends_with("\t401\t")),
        "{audit}"
    );
}

#[test]
fn the_rdo_overview_on_the_command_line_in_both_formats() {
    let db = TestDb::new(Backend::Sqlite).expect("db");
    // A copy of ../shared/examples/incidents-sample.csv (synthetic), kept in the
    // repository so the test runs in any clone.
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/incidents-sample.csv"
    );
    assert!(dira(&db, &["import", sample]).status.success());
    let args = [
        "rdo",
        "overview",
        "--unit",
        "AMS",
        "--from",
        "2020-01-01",
        "--to",
        "2024-12-31",
    ];
    let excel = dira(&db, &[&args[..], &["--excel"]].concat());
    assert!(
        excel.status.success(),
        "{}",
        String::from_utf8_lossy(&excel.stderr)
    );
    assert_eq!(&excel.stdout[..3], &[0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8_lossy(&excel.stdout[3..]).into_owned();
    assert!(text.starts_with("registratienummer;event_id;datum;"));
    let json = dira(&db, &[&args[..], &["--format", "json"]].concat());
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let rows = value["rows"].as_array().map(Vec::len).unwrap_or(0);
    assert!(
        rows > 0 && text.lines().count() > rows,
        "every row, one CSV line or more each"
    );
    assert!(
        !String::from_utf8_lossy(&json.stdout).contains("Melder verklaart"),
        "never the narrative"
    );
    assert_eq!(
        dira(
            &db,
            &[
                "rdo",
                "overview",
                "--unit",
                "XX",
                "--from",
                "2020-01-01",
                "--to",
                "2024-12-31"
            ]
        )
        .status
        .code(),
        Some(2)
    );
}

/// `dira` with `input` on stdin.
fn dira_with_input(db: &TestDb, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .env("DIRA_DATABASE_URL", &db.url)
        .env("DIRA_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dira");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("dira ran")
}

#[test]
fn local_accounts_and_token_lifetimes_on_the_command_line() {
    let db = TestDb::new(Backend::Sqlite).expect("db");
    let create = [
        "user",
        "create",
        "--user",
        "balie-ams",
        "--role",
        "registrar",
        "--scope",
        "AMS",
    ];
    let short = dira_with_input(&db, &create, "kort\n");
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("12 to 1024 characters"));
    let made = dira_with_input(&db, &create, "een-lang-genoeg-wachtwoord\n");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let again = dira_with_input(&db, &create, "een-ander-lang-wachtwoord\n");
    assert_eq!(
        again.status.code(),
        Some(2),
        "a password exists already: passwd"
    );
    let changed = dira_with_input(
        &db,
        &["user", "passwd", "--user", "balie-ams"],
        "een-ander-lang-wachtwoord\n",
    );
    assert!(changed.status.success());
    assert!(dira(&db, &["user", "disable", "--user", "balie-ams"])
        .status
        .success());
    assert!(dira(&db, &["user", "enable", "--user", "balie-ams"])
        .status
        .success());
    assert_eq!(
        dira(&db, &["user", "disable", "--user", "nobody"])
            .status
            .code(),
        Some(2)
    );

    let out = dira(
        &db,
        &[
            "token",
            "create",
            "--user",
            "koppeling",
            "--role",
            "screener",
            "--scope",
            "AMS",
            "--expires",
            "2d",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    for bad in ["400d", "0d", "90", "3m"] {
        let refused = dira(
            &db,
            &[
                "token",
                "create",
                "--user",
                "k2",
                "--role",
                "screener",
                "--scope",
                "AMS",
                "--expires",
                bad,
            ],
        );
        assert_eq!(refused.status.code(), Some(2), "{bad}");
    }
    let row = |db: &TestDb| {
        String::from_utf8_lossy(&dira(db, &["token", "list"]).stdout)
            .lines()
            .find(|l| l.contains("\tkoppeling\t"))
            .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
            .expect("the token's row")
    };
    let listed = row(&db);
    let parse =
        |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").expect("time");
    let lifetime = parse(&listed[5]) - parse(&listed[4]);
    assert_eq!(lifetime, chrono::Duration::days(2));
    assert_eq!(listed[7], "-", "never used");
    let (mut child, base) = serve(&db);
    let used = send(
        "GET",
        &format!("{base}/api/v1/screening/queue"),
        Some(&token),
        &[],
        None,
    );
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(used.status, 200);
    assert_ne!(row(&db)[7], "-", "last use shown");
    let audit = String::from_utf8_lossy(&dira(&db, &["audit"]).stdout).into_owned();
    for action in [
        "\tuser.create\t",
        "\tuser.passwd\t",
        "\tuser.disable\t",
        "\tuser.enable\t",
    ] {
        assert!(audit.contains(action), "{action} in {audit}");
    }
}
