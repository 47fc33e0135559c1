//! The monitor as an Excel workbook (Office Open XML, ECMA-376), which the regional
//! editors work in: one sheet per table. Counts are numbers, shares numbers shown as
//! percentages, `<5` and `x` text, an absent figure an empty cell; no cell is ever a
//! formula (`rust_xlsxwriter` writes strings as shared strings).

use rust_xlsxwriter::{ColNum, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::{Figure, Monitor, Table};

/// The sheet of each table, as the editors see it (at most 31 characters).
pub const SHEETS: [(&str, &str); 7] = [
    ("summary", "Samenvatting"),
    ("by_ground", "Gronden"),
    ("by_domain", "Terreinen"),
    ("by_manifestation", "Vormen en wijzen"),
    ("trend", "Trend"),
    ("by_municipality", "Per gemeente"),
    ("ground_by_municipality", "Gemeente en grond"),
];

/// The workbook of `monitor`.
pub fn write_xlsx(monitor: &Monitor) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    for t in &monitor.tables {
        let name = SHEETS
            .iter()
            .find(|(table, _)| *table == t.name)
            .map_or(t.name.as_str(), |(_, sheet)| sheet);
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        write_table(sheet, t, &bold, &percent)?;
    }
    book.save_to_buffer()
}

fn write_table(
    sheet: &mut Worksheet,
    t: &Table,
    bold: &Format,
    percent: &Format,
) -> Result<(), XlsxError> {
    let two_keys = t.name == "ground_by_municipality";
    let keys: &[&str] = match two_keys {
        true => &["Gemeente (code)", "Gemeente", "Grond (code)", "Grond"],
        false => &["Code", "Omschrijving"],
    };
    for (col, name) in keys
        .iter()
        .copied()
        .chain(t.columns.iter().map(|c| c.label_nl.as_str()))
        .enumerate()
    {
        sheet.write_string_with_format(0, col as ColNum, name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, r) in t.rows.iter().enumerate() {
        let row = i as RowNum + 1;
        let texts: Vec<&str> = match two_keys {
            true => vec![&r.key, &r.label_nl, &r.subkey, &r.sublabel_nl],
            false => vec![&r.key, &r.label_nl],
        };
        for (col, text) in texts.iter().enumerate() {
            sheet.write_string(row, col as ColNum, *text)?;
        }
        for (j, v) in r.values.iter().enumerate() {
            let col = (keys.len() + j) as ColNum;
            match v {
                Figure::Count(n) => {
                    sheet.write_number(row, col, *n as f64)?;
                }
                Figure::Share(s) => {
                    sheet.write_number_with_format(row, col, *s, percent)?;
                }
                Figure::Withheld(w) => {
                    sheet.write_string(row, col, w.mark())?;
                }
                Figure::Absent => {}
            }
        }
    }
    sheet.set_column_width(1, 40)?;
    if !t.note_nl.is_empty() {
        let row = t.rows.len() as RowNum + 2;
        sheet.write_string(row, 0, &t.note_nl)?;
    }
    Ok(())
}
