//! What the pages show in Dutch: statuses and history actions by their Dutch names,
//! moments and days as a Dutch reader writes them (`7 jan. 2022, 04:05`, Europe/
//! Amsterdam), with the exact value kept in a `<time datetime>` element for machines
//! and assistive technology (HTML Living Standard, "The time element").

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
use chrono_tz::Europe::Amsterdam;
use maud::{html, Markup};

/// The Dutch name of an incident's or a candidate's status (`REGISTERED` →
/// `Geregistreerd`); an unknown one as it is.
pub fn status(code: &str) -> &str {
    match code {
        "INCOMPLETE" => "Onvolledig",
        "REGISTERED" => "Geregistreerd",
        "NEEDS_INFO" => "Aanvullende informatie gevraagd",
        "CONFIRMED" => "Bevestigd",
        "REJECTED" => "Afgewezen",
        "OPEN" => "Open",
        "PROMOTED" => "Overgenomen",
        "DISMISSED" => "Afgewezen",
        "CANDIDATE" => "Kandidaat",
        other => other,
    }
}

/// The Dutch name of a history entry's action (`registered` → `Geregistreerd`).
pub fn history_action(action: &str) -> &str {
    match action {
        "registered" => "Geregistreerd",
        "imported" => "Geïmporteerd",
        "corrected" | "updated" => "Gecorrigeerd",
        "screened" => "Beoordeeld",
        "reopened" => "Heropend",
        "prosecution" => "Stand bij het OM",
        other => other,
    }
}

const MONTHS: [&str; 12] = [
    "jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.",
];

/// `7 jan. 2022`.
pub fn day_text(day: NaiveDate) -> String {
    format!(
        "{} {} {}",
        day.day(),
        MONTHS[day.month0() as usize],
        day.year()
    )
}

/// `7 jan. 2022, 04:05` for an instant, in Europe/Amsterdam.
pub fn moment_text(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Amsterdam);
    format!(
        "{}, {:02}:{:02}",
        day_text(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// An instant given as RFC 3339 (as answers carry it) in a `<time>` element; text that
/// is not one as it is.
pub fn moment(rfc3339: &str) -> Markup {
    match crate::dates::parse_timestamp(rfc3339) {
        Ok(at) => html! { time datetime=(rfc3339) { (moment_text(at)) } },
        Err(_) => html! { (rfc3339) },
    }
}

/// An instant in UTC in a `<time>` element.
pub fn moment_utc(at: NaiveDateTime) -> Markup {
    moment(&crate::dates::to_rfc3339(at))
}

/// A day in a `<time>` element.
pub fn day(day: NaiveDate) -> Markup {
    html! { time datetime=(day.to_string()) { (day_text(day)) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_written_as_a_dutch_reader_expects() {
        let at = crate::dates::parse_timestamp("2022-01-07T04:05:51.944+01:00").expect("time");
        assert_eq!(moment_text(at), "7 jan. 2022, 04:05");
        let summer = crate::dates::parse_timestamp("2024-05-31T22:30:00Z").expect("time");
        assert_eq!(
            moment_text(summer),
            "1 jun. 2024, 00:30",
            "in Europe/Amsterdam"
        );
        let shown = moment("2022-01-07T04:05:51.944+01:00").into_string();
        assert_eq!(
            shown,
            r#"<time datetime="2022-01-07T04:05:51.944+01:00">7 jan. 2022, 04:05</time>"#
        );
        assert_eq!(
            day_text(NaiveDate::from_ymd_opt(2025, 5, 3).expect("day")),
            "3 mei 2025"
        );
        assert_eq!(status("NEEDS_INFO"), "Aanvullende informatie gevraagd");
        assert_eq!(history_action("screened"), "Beoordeeld");
    }
}
