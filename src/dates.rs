//! Dates and times as the police use them: stored in UTC, read and shown in
//! Europe/Amsterdam, where the registration date of an incident is decided.

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc,
};
use chrono_tz::Europe::Amsterdam;

/// Parses an RFC 3339 timestamp; one without an offset is Europe/Amsterdam local time.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        // The year as written counts too: 1899-12-31T23:30:00-01:00 is in 1899.
        if !YEARS.contains(&t.year()) {
            return Err(outside_years(text));
        }
        return in_range(t.with_timezone(&Utc), text);
    }
    let local = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .ok_or_else(|| {
        format!("{text:?} is not a timestamp: use RFC 3339, e.g. 2024-03-01T14:30:00+01:00")
    })?;
    if !YEARS.contains(&local.year()) {
        return Err(outside_years(text));
    }
    match Amsterdam.from_local_datetime(&local) {
        LocalResult::Single(t) => in_range(t.with_timezone(&Utc), text),
        // The hour repeated when summer time ends: take the first (summer time) one.
        LocalResult::Ambiguous(first, _) => in_range(first.with_timezone(&Utc), text),
        LocalResult::None => Err(format!(
            "{text:?} does not exist in Europe/Amsterdam (skipped when summer time starts)"
        )),
    }
}

/// `at`, unless its year, in UTC or in Amsterdam (where it is shown), is outside
/// [`YEARS`].
fn in_range(at: DateTime<Utc>, text: &str) -> Result<DateTime<Utc>, String> {
    let shown = at.with_timezone(&Amsterdam).year();
    if YEARS.contains(&at.year()) && YEARS.contains(&shown) {
        Ok(at)
    } else {
        Err(outside_years(text))
    }
}

/// The error of a timestamp outside [`YEARS`].
fn outside_years(text: &str) -> String {
    format!(
        "{text:?} lies outside the years {} to {}",
        YEARS.start(),
        YEARS.end()
    )
}

/// Parses a calendar date `YYYY-MM-DD` (exactly: four-digit year, two-digit month and
/// day) within [`YEARS`].
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let trimmed = text.trim();
    // Read digit by digit, without chrono's format interpreter (bulk imports parse
    // millions of dates).
    let b = trimmed.as_bytes();
    let number = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let fast = match b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        true => match (number(0..4), number(5..7), number(8..10)) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        },
        false => None,
    };
    // Only the shape of ISO 8601's calendar date: four digits for the year, two for
    // month and day (not `2024-3-1`, `+2024-03-01` or `24-03-01`).
    fast.ok_or_else(|| format!("{text:?} is not a date: use YYYY-MM-DD, e.g. 2024-03-01"))
        .and_then(|d| match YEARS.contains(&d.year()) {
            true => Ok(d),
            false => Err(format!(
                "{text:?} lies outside the years {} to {}: a year has four digits (2024, not 24)",
                YEARS.start(),
                YEARS.end()
            )),
        })
}

/// The years a date or time may lie in. Four digits, as ISO 8601 writes years without
/// an agreement between the parties (ISO 8601-1 §4.3.3, RFC 3339 §5.6), so no date
/// arithmetic meets chrono's limits; and from 1900, because an earlier date in a
/// police registration is a typo (`0024-06-01` for 2024-06-01) that would drop the
/// incident from its year's report.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// The date in Amsterdam at a UTC instant: the registration date of an incident.
pub fn amsterdam_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Amsterdam).date_naive()
}

/// The first UTC instant of a date in Amsterdam (start of an inclusive date filter).
pub fn amsterdam_midnight(date: NaiveDate) -> NaiveDateTime {
    let local = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match Amsterdam.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.naive_utc(),
        LocalResult::None => local,
    }
}

/// RFC 3339 with the Amsterdam offset, the way exports and the API show times.
pub fn to_rfc3339(at: NaiveDateTime) -> String {
    let fixed: DateTime<FixedOffset> = Utc
        .from_utc_datetime(&at)
        .with_timezone(&Amsterdam)
        .fixed_offset();
    fixed.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// Serde: a UTC `NaiveDateTime` as RFC 3339 with the Amsterdam offset ([`to_rfc3339`]).
pub fn serialize_rfc3339<S: serde::Serializer>(
    at: &NaiveDateTime,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_rfc3339(*at))
}

/// Serde: [`serialize_rfc3339`] of an optional timestamp (`null` when absent).
pub fn serialize_rfc3339_opt<S: serde::Serializer>(
    at: &Option<NaiveDateTime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => s.serialize_str(&to_rfc3339(*at)),
        None => s.serialize_none(),
    }
}

/// The Amsterdam offset by UTC hour, remembered: bulk paths convert millions of
/// timestamps, and the offset only ever changes on the hour.
#[derive(Default)]
pub struct AmsterdamOffsets(rustc_hash::FxHashMap<(NaiveDate, u32), FixedOffset>);

impl AmsterdamOffsets {
    pub fn offset(&mut self, at: NaiveDateTime) -> FixedOffset {
        use chrono::{Offset, Timelike};
        *self
            .0
            .entry((at.date(), at.hour()))
            .or_insert_with(|| Amsterdam.offset_from_utc_datetime(&at).fix())
    }

    /// [`amsterdam_date`], remembered.
    pub fn date(&mut self, at: NaiveDateTime) -> NaiveDate {
        (at + self.offset(at)).date()
    }

    /// [`to_rfc3339`], remembered, and written digit by digit: chrono's and std's
    /// formatters interpret a format for every value, which shows at millions of
    /// timestamps.
    pub fn rfc3339(&mut self, at: NaiveDateTime) -> String {
        use chrono::{Datelike, Timelike};
        let offset = self.offset(at);
        let local = at + offset;
        let mut out = String::with_capacity(32);
        push_digits(&mut out, local.year() as u32, 4);
        for (separator, value) in [
            ('-', local.month()),
            ('-', local.day()),
            ('T', local.hour()),
            (':', local.minute()),
            (':', local.second()),
        ] {
            out.push(separator);
            push_digits(&mut out, value, 2);
        }
        push_fraction(&mut out, local.nanosecond());
        let seconds = offset.local_minus_utc();
        out.push(if seconds < 0 { '-' } else { '+' });
        push_digits(&mut out, seconds.unsigned_abs() / 3600, 2);
        out.push(':');
        push_digits(&mut out, seconds.unsigned_abs() / 60 % 60, 2);
        out
    }
}

/// The fraction of a second as chrono writes it (AutoSi, `%.f`): none, or milli-,
/// micro- or nanoseconds, with the dot.
pub fn push_fraction(out: &mut String, nanos: u32) {
    match nanos % 1_000_000_000 {
        0 => {}
        n if n % 1_000_000 == 0 => {
            out.push('.');
            push_digits(out, n / 1_000_000, 3);
        }
        n if n % 1_000 == 0 => {
            out.push('.');
            push_digits(out, n / 1_000, 6);
        }
        n => {
            out.push('.');
            push_digits(out, n, 9);
        }
    }
}

/// `n` as exactly `width` decimal digits.
pub fn push_digits(out: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
    }
}

/// `text` as a date `YYYY-MM-DD` ([`parse_date`]); when it is not one, the error is
/// added to `errors` under `field` and the answer is `None`.
pub fn parse_field(
    field: &str,
    text: &str,
    errors: &mut Vec<crate::error::FieldError>,
) -> Option<NaiveDate> {
    parse_date(text)
        .map_err(|m| errors.push(crate::error::FieldError::new(field, m)))
        .ok()
}

/// A period of whole days in Europe/Amsterdam, as the UTC instants [start, end);
/// malformed dates are added to `errors` under their query names.
pub fn period(
    from: Option<&str>,
    to: Option<&str>,
    errors: &mut Vec<crate::error::FieldError>,
) -> (Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>) {
    let first = from.and_then(|v| parse_field("from", v, errors));
    let last = to.and_then(|v| parse_field("to", v, errors));
    if let (Some(first), Some(last)) = (first, last) {
        if last < first {
            errors.push(crate::error::FieldError::new(
                "to",
                format!("{last} is before from {first}"),
            ));
        }
    }
    let start = first.map(amsterdam_midnight);
    let end = last.and_then(|d| d.succ_opt()).map(amsterdam_midnight);
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_with_offset_z_and_local_time_are_accepted() {
        let with_offset = parse_timestamp("2024-07-01T12:00:00+02:00");
        let zulu = parse_timestamp("2024-07-01T10:00:00Z");
        let local = parse_timestamp("2024-07-01T12:00:00");
        assert_eq!(with_offset, zulu);
        assert_eq!(local, zulu);
        assert!(parse_timestamp("1 juli").is_err());
    }

    #[test]
    fn the_registration_date_is_the_amsterdam_date() {
        let late = parse_timestamp("2024-12-31T23:30:00Z").ok();
        assert_eq!(
            late.map(amsterdam_date),
            NaiveDate::from_ymd_opt(2025, 1, 1)
        );
    }

    #[test]
    fn times_are_shown_with_the_amsterdam_offset() {
        let t = parse_timestamp("2024-01-15T09:00:00Z").map(|t| t.naive_utc());
        assert_eq!(
            t.map(to_rfc3339).ok().as_deref(),
            Some("2024-01-15T10:00:00+01:00")
        );
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("01-02-2024").is_err());
        assert!(parse_date("2024-02-29").is_ok());
    }

    #[test]
    fn remembered_offsets_agree_with_the_time_zone_around_summer_time() {
        let mut offsets = AmsterdamOffsets::default();
        let start = NaiveDate::from_ymd_opt(2024, 3, 30)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date");
        for minutes in (0..60 * 24 * 220).step_by(37) {
            let at = start
                + chrono::Duration::minutes(minutes)
                + chrono::Duration::microseconds([0, 500_000, 123_456, 7][minutes as usize % 4]);
            assert_eq!(offsets.rfc3339(at), to_rfc3339(at), "{at}");
            assert_eq!(offsets.date(at), amsterdam_date(at.and_utc()), "{at}");
        }
    }
}
