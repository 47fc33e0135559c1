//! Loads the reference data shipped in `fixtures/` into the database when missing.

use anyhow::Context;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::schema::{codes, municipalities};
use crate::db::AnyConnection;

const CODES_CSV: &str = include_str!("../../fixtures/codes.csv");
const MUNICIPALITIES_CSV: &str = include_str!("../../fixtures/municipalities.csv");
/// The code lists of the other sources of the regional monitor and the international
/// reporting: the anti-discrimination bureaus' (`adv_*`) and ODIHR's (`odihr_*`).
const MONITOR_CODES_CSV: &str = include_str!("../../fixtures/monitor-codes.csv");

/// Whether `list` is a list of another source than the police ([`MONITOR_CODES_CSV`]):
/// never part of a police registration, nor of the Poldis report's code-list version.
pub fn is_other_source(list: &str) -> bool {
    list.starts_with("adv_") || list.starts_with("odihr_")
}

#[derive(Deserialize, Insertable)]
#[diesel(table_name = codes)]
struct CodeRow {
    list: String,
    code: String,
    label_nl: String,
    label_en: String,
    valid_from: chrono::NaiveDate,
    valid_to: Option<chrono::NaiveDate>,
    replaced_by: Option<String>,
}

#[derive(Deserialize, Insertable)]
#[diesel(table_name = municipalities)]
struct MunicipalityRow {
    code: String,
    name: String,
    unit: String,
}

/// Inserts every fixture row whose key is not in the database yet; rows an
/// administrator changed are left as they are.
pub fn load_fixtures(conn: &mut AnyConnection) -> anyhow::Result<()> {
    conn.transaction(|conn| {
        let (codes_missing, municipalities_missing) = missing_rows(conn)?;
        if !codes_missing.is_empty() {
            crate::per_backend!(conn, |c| diesel::insert_into(codes::table)
                .values(&codes_missing)
                .execute(c))?;
        }
        if !municipalities_missing.is_empty() {
            crate::per_backend!(conn, |c| diesel::insert_into(municipalities::table)
                .values(&municipalities_missing)
                .execute(c))?;
        }
        crate::mapping::load_fixture(conn)?;
        Ok(())
    })
}

/// The codes and municipalities of the fixtures the database lacks.
fn missing_rows(conn: &mut AnyConnection) -> anyhow::Result<(Vec<CodeRow>, Vec<MunicipalityRow>)> {
    let known: Vec<(String, String)> =
        codes::table.select((codes::list, codes::code)).load(conn)?;
    let mut fixture = read_csv::<CodeRow>(CODES_CSV)?;
    fixture.extend(read_csv::<CodeRow>(MONITOR_CODES_CSV)?);
    let codes_missing: Vec<CodeRow> = fixture
        .into_iter()
        .filter(|r| !known.iter().any(|(l, c)| *l == r.list && *c == r.code))
        .collect();
    let known: Vec<String> = municipalities::table
        .select(municipalities::code)
        .load(conn)?;
    let municipalities_missing: Vec<MunicipalityRow> =
        read_csv::<MunicipalityRow>(MUNICIPALITIES_CSV)?
            .into_iter()
            .filter(|r| !known.contains(&r.code))
            .collect();
    Ok((codes_missing, municipalities_missing))
}

/// How many codes and municipalities of the fixtures (`fixtures/`) the database lacks:
/// `(0, 0)` when its reference data is complete (`dira check`).
pub fn missing_fixtures(conn: &mut AnyConnection) -> anyhow::Result<(usize, usize)> {
    let (codes, municipalities) = missing_rows(conn)?;
    Ok((codes.len(), municipalities.len()))
}

fn read_csv<T: for<'de> Deserialize<'de>>(text: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .context("the reference data in fixtures/ is malformed")
}
