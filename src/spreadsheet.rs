//! Cells of CSV files meant to be opened in a spreadsheet program.
//!
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
//! Excel and LibreOffice as a formula, which can fetch addresses or run commands on the
//! reader's machine ("CSV injection"). Every text cell of a spreadsheet output is
//! therefore neutralised the way OWASP prescribes: prefixed with `'`, which the
//! spreadsheet shows as text and does not display
//! (<https://owasp.org/www-community/attacks/CSV_Injection>). The full-width forms of
//! those characters (`＝`, `＋`, `－`, `＠`), which some spreadsheet programs also
//! accept, and a line feed are treated the same, as is a trigger after leading spaces.
//!
//! Spreadsheet outputs: the RDO case overview as CSV (both dialects). Machine formats
//! kept exact (no prefix): the exchange CSV, the Poldis long form, the candidate scan's
//! output, and every JSON answer.

use std::borrow::Cow;

/// Whether a spreadsheet would read `cell` as a formula.
pub fn is_formula(cell: &str) -> bool {
    let first = cell.trim_start_matches(' ').chars().next();
    matches!(
        first,
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠')
    )
}

/// `cell` as text a spreadsheet shows and never evaluates: prefixed with `'` when it
/// would otherwise be read as a formula, unchanged otherwise.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_prefixed_and_other_text_is_kept() {
        for formula in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-1+2",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "  =1",
            "＝1",
        ] {
            assert_eq!(neutralise(formula), format!("'{formula}"));
        }
        for text in [
            "Schelden op straat",
            "2026-01-31",
            "AMS-2026-000001",
            "",
            "a=b",
        ] {
            assert_eq!(neutralise(text), text);
        }
    }
}
