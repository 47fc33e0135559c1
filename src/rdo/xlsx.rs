//! The overview as an Excel workbook (Office Open XML, ECMA-376) for its readers at the
//! RDO: the cases, the counts and the forwarding shares, each on a sheet of its own.
//!
//! Dates are Excel dates, shares are numbers shown as percentages (so Dutch Excel
//! shows a decimal comma), counts are numbers, and text is written as text: no cell
//! is ever a formula, whatever it holds (`rust_xlsxwriter` stores strings as shared
//! strings, never as `<f>`). The CSVs stay for machines.

use rust_xlsxwriter::{ColNum, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::write::HEADER;
use super::Overview;

/// The media type of a workbook (RFC 6838 registration by Microsoft).
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Sheet names, as the readers see them.
pub const SHEETS: [&str; 3] = ["Zaken", "Aantallen", "Doorzending OM"];

/// The workbook of `overview`.
pub fn write_xlsx(overview: &Overview) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    cases(book.add_worksheet(), overview, &bold)?;
    counts(book.add_worksheet(), overview, &bold)?;
    forwarding(book.add_worksheet(), overview, &bold)?;
    book.save_to_buffer()
}

fn header(sheet: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (col, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, col as ColNum, *name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A row per registration, the columns of the CSV.
fn cases(sheet: &mut Worksheet, o: &Overview, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[0])?;
    header(sheet, &HEADER, bold)?;
    let date = Format::new().set_num_format("dd-mm-yyyy");
    let opt = |t: &Option<String>| t.clone().unwrap_or_default();
    for (i, r) in o.rows.iter().enumerate() {
        let row = i as RowNum + 1;
        let cells: [(ColNum, String); 16] = [
            (0, r.registration_number.clone()),
            (1, opt(&r.event_id)),
            (3, opt(&r.municipality)),
            (4, opt(&r.municipality_name)),
            (5, r.grounds.join("|")),
            (6, r.grounds_nl.join("; ")),
            (7, r.manifestations.join("|")),
            (8, r.manifestations_nl.join("; ")),
            (9, opt(&r.domain)),
            (10, opt(&r.domain_nl)),
            (11, r.registration_type.clone()),
            (12, opt(&r.registration_type_nl)),
            (13, r.articles.join("|")),
            (14, r.articles_nl.join("; ")),
            (16, opt(&r.prosecution_status)),
            (17, opt(&r.prosecution_status_nl)),
        ];
        for (col, value) in cells {
            text(sheet, row, col, value)?;
        }
        sheet.write_date_with_format(row, 2, r.reporting_date, &date)?;
        if let Some(known) = r.suspect_known {
            sheet.write_string(row, 15, if known { "ja" } else { "nee" })?;
        }
        if let Some(on) = r.forwarded_on {
            sheet.write_date_with_format(row, 18, on, &date)?;
        }
        text(sheet, row, 19, r.summary.clone().unwrap_or_default())?;
    }
    sheet.autofilter(0, 0, o.rows.len() as RowNum, HEADER.len() as ColNum - 1)?;
    sheet.set_column_width(19, 60)?;
    Ok(())
}

/// A text cell. One a spreadsheet would read as a formula once edited (`=…`, `+…`)
/// also gets Excel's quote prefix, so it stays text when a reader edits it.
fn text(sheet: &mut Worksheet, row: RowNum, col: ColNum, value: String) -> Result<(), XlsxError> {
    if crate::spreadsheet::is_formula(&value) {
        sheet.write_string_with_format(row, col, value, &Format::new().set_quote_prefix())?;
    } else {
        sheet.write_string(row, col, value)?;
    }
    Ok(())
}

/// Registrations per ground and per prosecution status, and those whose status has
/// not changed for more than 90 days.
fn counts(sheet: &mut Worksheet, o: &Overview, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[1])?;
    header(
        sheet,
        &["indeling", "code", "omschrijving", "registraties"],
        bold,
    )?;
    let mut row: RowNum = 1;
    for (kind, list) in [
        ("discriminatiegrond", &o.by_ground),
        ("stand bij het OM", &o.by_prosecution_status),
    ] {
        for c in list {
            sheet.write_string(row, 0, kind)?;
            sheet.write_string(row, 1, c.code.as_str())?;
            sheet.write_string(row, 2, c.label_nl.as_str())?;
            sheet.write_number(row, 3, c.registrations as f64)?;
            row += 1;
        }
    }
    sheet.write_string(row, 0, "stand bij het OM")?;
    sheet.write_string(row, 2, "ongewijzigd sinds meer dan 90 dagen")?;
    sheet.write_number(row, 3, o.prosecution_unchanged_over_90_days as f64)?;
    sheet.set_column_width(2, 40)?;
    Ok(())
}

/// Per ground: registrations, those forwarded to the OM, and the share as a percentage.
fn forwarding(sheet: &mut Worksheet, o: &Overview, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[2])?;
    let names = [
        "grond",
        "omschrijving",
        "registraties",
        "doorgezonden",
        "aandeel doorgezonden",
    ];
    header(sheet, &names, bold)?;
    let share = Format::new().set_num_format("0.0%");
    for (i, g) in o.forwarding_by_ground.iter().enumerate() {
        let row = i as RowNum + 1;
        sheet.write_string(row, 0, g.ground.as_str())?;
        sheet.write_string(row, 1, g.label_nl.as_str())?;
        sheet.write_number(row, 2, g.registrations as f64)?;
        sheet.write_number(row, 3, g.forwarded as f64)?;
        sheet.write_number_with_format(row, 4, g.share_forwarded, &share)?;
    }
    sheet.set_column_width(1, 40)?;
    Ok(())
}
