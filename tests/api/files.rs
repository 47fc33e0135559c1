//! Issue 14: files as users really have them (CRLF and blank lines, byte order marks,
//! the semicolon dialect of Dutch Excel, typo years, text pasted from other programs).

use std::path::{Path, PathBuf};

use dira::auth::Role;
use serde_json::json;

use crate::cli::dira;
use crate::helpers::{post, say, Backend, TestApp, TestDb};

const HEADER: &str = "registration_number,registered_at,unit,registration_type,channel,narrative";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn import(db: &TestDb, path: &Path) -> (Option<i32>, String) {
    let out = dira(db, &["import", &path.display().to_string()]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Lines of `line N: FIELD` in the import's stderr.
fn reported(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.starts_with("line "))
        .map(|l| l.splitn(3, ':').take(2).collect::<Vec<_>>().join(":"))
        .collect()
}

/// Item 1: the reported line is the physical line where the record starts, whatever
/// the line endings, blank lines and quoted line breaks before it.
fn errors_name_the_line_the_record_starts_on(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        say("SKIPPED on PostgreSQL: files::errors_name_the_line_the_record_starts_on");
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let rows = [
        HEADER,
        "N1,2024-01-02T10:00:00+01:00,XX,AANGIFTE,BALIE,",
        "N2,2024-01-02T10:00:00+01:00,AMS,AANGIFTE,BALIE,\"twee{NL}regels\"",
        "N3,2024-01-02T10:00:00+01:00,YY,AANGIFTE,BALIE,",
        "",
        "N4,2024-01-02T10:00:00+01:00,ZZ,AANGIFTE,BALIE,",
    ];
    for (name, nl) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let text = rows.join(nl).replace("{NL}", nl);
        let path = write(dir.path(), &format!("{name}.csv"), text.as_bytes());
        let (code, stderr) = import(&db, &path);
        assert_eq!(code, Some(1), "{stderr}");
        assert_eq!(
            reported(&stderr),
            ["line 2: unit", "line 5: unit", "line 7: unit"],
            "{name}: {stderr}"
        );
    }
}

/// Item 6: the exchange CSV as Dutch Excel saves it (semicolons, byte order mark,
/// CRLF) is read like the comma file.
fn the_semicolon_dialect_of_dutch_excel_is_imported(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        say("SKIPPED on PostgreSQL: files::the_semicolon_dialect_of_dutch_excel_is_imported");
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let text = format!(
        "\u{feff}{}\r\nS1;2024-01-02T10:00:00+01:00;AMS;AANGIFTE;BALIE;\"met, komma; en puntkomma\"\r\nS2;2024-01-03T10:00:00+01:00;XX;AANGIFTE;BALIE;\r\n",
        HEADER.replace(',', ";")
    );
    let path = write(dir.path(), "excel.csv", text.as_bytes());
    let (code, stderr) = import(&db, &path);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(reported(&stderr), ["line 3: unit"], "{stderr}");
    let fixed = text.replace(";XX;", ";RTM;");
    let path = write(dir.path(), "excel2.csv", fixed.as_bytes());
    let (code, stderr) = import(&db, &path);
    assert_eq!(code, Some(0), "{stderr}");
    let out = dira(&db, &["export"]);
    let exported = String::from_utf8_lossy(&out.stdout);
    assert!(
        exported.contains("\"met, komma; en puntkomma\""),
        "{exported}"
    );
}

/// Item 5: a year that is not four digits, or before 1900, is refused where dates
/// enter, naming the field and the range.
fn typo_years_are_refused(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        say("SKIPPED on PostgreSQL: files::typo_years_are_refused");
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let text = "registration_number,registered_at,occurred_from,unit,registration_type,channel\n\
        T1,2024-06-02T10:00:00+02:00,0024-06-01,AMS,AANGIFTE,BALIE\n\
        T2,1899-12-31T10:00:00+01:00,,AMS,AANGIFTE,BALIE\n";
    let path = write(dir.path(), "typo.csv", text.as_bytes());
    let (code, stderr) = import(&db, &path);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("line 2: occurred_from:") && stderr.contains("1900 to 9999"),
        "{stderr}"
    );
    assert!(stderr.contains("line 3: registered_at:"), "{stderr}");
    for args in [
        &[
            "rdo",
            "overview",
            "--unit",
            "AMS",
            "--from",
            "0024-01-01",
            "--to",
            "2024-12-31",
        ][..],
        &["audit", "--from", "24-01-01"][..],
        &["audit", "--from", "2024-1-1"][..],
        &["audit", "--from", "+2024-01-01"][..],
        &["report", "poldis", "--year", "24"][..],
    ] {
        let out = dira(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

fn typo_years_are_refused_over_http(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    for (field, value) in [
        ("occurred_from", "0024-06-01"),
        ("occurred_to", "1850-01-01"),
        ("registered_at", "0024-06-01T10:00:00Z"),
    ] {
        let mut body = json!({"registration_type": "AANGIFTE", "channel": "BALIE"});
        body[field] = json!(value);
        let r = post(app, "/api/v1/incidents", &registrar, &body);
        assert_eq!(r.status, 422, "{field}: {:?}", r.body);
        assert_eq!(r.error_fields(), vec![field]);
        assert!(
            r.error(field)["message"]
                .as_str()
                .is_some_and(|m| m.contains("1900")),
            "{:?}",
            r.body
        );
    }
}

/// Item 2: a byte order mark at the start of a JSON body is skipped like in every
/// other text dira reads.
fn a_json_body_with_a_byte_order_mark_is_read(app: &TestApp) {
    let registrar = app.token("balie", Role::Registrar, "AMS");
    let body = format!(
        "\u{feff}{}",
        json!({"registration_type": "AANGIFTE", "channel": "BALIE"})
    );
    let r = ureq::post(&app.url("/api/v1/incidents"))
        .set("Authorization", &format!("Bearer {registrar}"))
        .set("Content-Type", "application/json")
        .send_string(&body);
    assert_eq!(
        r.map(|r| r.status()).unwrap_or_else(|e| match e {
            ureq::Error::Status(code, _) => code,
            other => panic!("{other}"),
        }),
        201
    );
}

/// Items 2 and 3: term and code lists saved with a byte order mark, a general
/// incidents file with one, and narratives whose words are separated by other white
/// space or invisible characters.
#[test]
fn the_scan_reads_lists_and_files_as_windows_saves_them() {
    let db = TestDb::new(Backend::Sqlite).expect("sqlite");
    let dir = tempfile::tempdir().expect("dir");
    let terms = write(
        dir.path(),
        "terms.txt",
        "\u{feff}sieg heil\r\n\u{200b}\r\nhakenkruis*\r\n".as_bytes(),
    );
    let codes = write(
        dir.path(),
        "codes.txt",
        "\u{feff}F210\r\nE 310\r\n".as_bytes(),
    );
    let general =
        "\u{feff}source_reference,registered_at,unit,municipality,incident_code,narrative\r\n\
        G1,2026-10-28T21:14:00+01:00,AMS,GM0363,B100,riep sieg  heil\r\n\
        G2,2026-10-28T21:14:00+01:00,AMS,GM0363,B100,\"riep sieg\r\nheil\"\r\n\
        G3,2026-10-28T21:14:00+01:00,AMS,GM0363,B100,riep Sieg\u{a0}Heil\r\n\
        G4,2026-10-28T21:14:00+01:00,AMS,GM0363,B100,riep sieg\u{200b} heil\r\n\
        G5,2026-10-28T21:14:00+01:00,AMS,GM0363,F210,geen term\r\n\
        G6,2026-10-28T21:14:00+01:00,XX,GM0363,B100,sieg heil\r\n";
    let file = write(dir.path(), "general.csv", general.as_bytes());
    let out = dira(
        &db,
        &[
            "candidates",
            "scan",
            &file.display().to_string(),
            "--terms",
            &terms.display().to_string(),
            "--codes",
            &codes.display().to_string(),
        ],
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for g in ["G1", "G2", "G3", "G4"] {
        assert!(
            stdout.contains(&format!("{g},AMS,sieg heil")),
            "{g}: {stdout}"
        );
    }
    assert!(stdout.contains("G5,AMS,F210"), "{stdout}");
    assert!(stderr.contains("line 2: term"), "{stderr}");
    assert!(stderr.contains("line 2: code \"E 310\""), "{stderr}");
    assert!(stderr.contains("line 8: unit: unknown unit"), "{stderr}");
}

/// Item 9: with no service running, an import never says the file is shared.
#[test]
fn back_to_back_imports_never_warn_of_a_shared_file() {
    let db = TestDb::new(Backend::Sqlite).expect("sqlite");
    let dir = tempfile::tempdir().expect("dir");
    for i in 0..20 {
        let text = format!("{HEADER}\nB{i},2024-01-02T10:00:00+01:00,AMS,AANGIFTE,BALIE,\n");
        let path = write(dir.path(), &format!("b{i}.csv"), text.as_bytes());
        let (code, stderr) = import(&db, &path);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(!stderr.contains("open elsewhere"), "import {i}: {stderr}");
    }
}

/// A file that is not UTF-8 (Windows-1252, as older Excel saves "CSV") is refused
/// once, saying so, not with an error per row.
#[test]
fn a_file_that_is_not_utf8_is_refused_once_saying_so() {
    let db = TestDb::new(Backend::Sqlite).expect("sqlite");
    let dir = tempfile::tempdir().expect("dir");
    let mut bytes =
        format!("{HEADER}\nW1,2024-01-02T10:00:00+01:00,AMS,AANGIFTE,BALIE,caf").into_bytes();
    bytes.extend_from_slice(&[0xe9, b'\n']);
    bytes.extend_from_slice(b"W2,2024-01-02T10:00:00+01:00,AMS,AANGIFTE,BALIE,\xe9\n");
    let path = write(dir.path(), "cp1252.csv", &bytes);
    let (code, stderr) = import(&db, &path);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("line 2: the file is not UTF-8"), "{stderr}");
    assert_eq!(stderr.matches("not UTF-8").count(), 1, "{stderr}");
}

crate::cli_on_both_backends!(
    errors_name_the_line_the_record_starts_on,
    the_semicolon_dialect_of_dutch_excel_is_imported,
    typo_years_are_refused,
    an_export_in_many_parts_reproduces_the_imported_file
);

crate::on_both_backends!(
    typo_years_are_refused_over_http,
    a_json_body_with_a_byte_order_mark_is_read
);

/// Item 8: an export cut into many parts (20,000 rows each on SQLite) writes them in
/// order: an export of an import is the imported file, byte for byte. On PostgreSQL
/// the same through `COPY` both ways, in many chunks of the import.
fn an_export_in_many_parts_reproduces_the_imported_file(backend: Backend) {
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("rows.csv");
    let generated = dira(
        &db,
        &[
            "synthetic",
            "--count",
            "45000",
            "--out",
            &file.display().to_string(),
        ],
    );
    assert_eq!(generated.status.code(), Some(0));
    let (code, stderr) = import(&db, &file);
    assert_eq!(code, Some(0), "{stderr}");
    let exported = dir.path().join("export.csv");
    let out = dira(&db, &["export", "--out", &exported.display().to_string()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (a, b) = (
        std::fs::read(&file).expect("rows"),
        std::fs::read(&exported).expect("export"),
    );
    assert!(
        a == b,
        "the export differs from the imported file ({} and {} bytes)",
        a.len(),
        b.len()
    );
}
