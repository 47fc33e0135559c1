//! The overview as CSV: RFC 4180 with commas, or for Dutch Excel semicolons and a
//! UTF-8 byte order mark. Both are spreadsheet outputs: every cell is neutralised
//! against formula injection ([`crate::spreadsheet`]).

use std::io::Write;

use super::Overview;

/// The columns of the overview's cases, in Dutch, as its readers know them.
pub const HEADER: [&str; 20] = [
    "registratienummer",
    "event_id",
    "datum",
    "gemeente",
    "gemeente_naam",
    "gronden",
    "gronden_omschrijving",
    "verschijningsvormen",
    "verschijningsvormen_omschrijving",
    "terrein",
    "terrein_omschrijving",
    "registratiesoort",
    "registratiesoort_omschrijving",
    "artikelen",
    "artikelen_omschrijving",
    "verdachte_bekend",
    "vervolgingsstatus",
    "vervolgingsstatus_omschrijving",
    "ingezonden_op",
    "samenvatting",
];

/// Writes one row per registration (codes joined by `|`, Dutch labels by `; `).
pub fn write_csv<W: Write>(overview: &Overview, mut out: W, excel: bool) -> anyhow::Result<()> {
    if excel {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut csv = csv::WriterBuilder::new()
        .delimiter(if excel { b';' } else { b',' })
        .from_writer(out);
    csv.write_record(HEADER)?;
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    for r in &overview.rows {
        // A spreadsheet output: no cell may be read as a formula (crate::spreadsheet).
        let cells = [
            r.registration_number.clone(),
            text(&r.event_id),
            r.reporting_date.to_string(),
            text(&r.municipality),
            text(&r.municipality_name),
            r.grounds.join("|"),
            r.grounds_nl.join("; "),
            r.manifestations.join("|"),
            r.manifestations_nl.join("; "),
            text(&r.domain),
            text(&r.domain_nl),
            r.registration_type.clone(),
            text(&r.registration_type_nl),
            r.articles.join("|"),
            r.articles_nl.join("; "),
            r.suspect_known
                .map(|b| if b { "ja" } else { "nee" })
                .unwrap_or_default()
                .to_owned(),
            text(&r.prosecution_status),
            text(&r.prosecution_status_nl),
            r.forwarded_on.map(|d| d.to_string()).unwrap_or_default(),
            text(&r.summary),
        ];
        csv.write_record(
            cells
                .iter()
                .map(|c| crate::spreadsheet::neutralise(c).into_owned()),
        )?;
    }
    csv.flush()?;
    Ok(())
}
