//! Stored text: which characters it may hold, and showing text safely on a terminal or
//! in a line-oriented file.
//!
//! Text a user types may hold letters of any script, punctuation, and (in the
//! narrative) line breaks and tabs. It may not hold control characters (Unicode
//! category Cc: NUL, escape, carriage return, …) or the bidirectional embedding,
//! override and isolate characters (U+202A–U+202E, U+2066–U+2069): they hide or
//! reorder what a reader sees ("Trojan Source", CVE-2021-42574) and forge lines in
//! logs; nor the line and paragraph separators U+2028 and U+2029 (in the narrative
//! and summary they become line breaks). The marks U+200E, U+200F and U+061C stay allowed: Arabic and Hebrew text
//! needs them and they reorder nothing beyond a single character.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` may not be stored; `multiline` allows line feed and tab (the
/// narrative and other long text).
pub fn is_refused(c: char, multiline: bool) -> bool {
    match c {
        '\n' | '\t' => !multiline,
        c if c.is_control() => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        // Line and paragraph separators: line breaks to some readers, not to others.
        '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

/// `Err` naming the first refused character (as `U+XXXX`) and its position (1-based,
/// in characters), for a field error.
pub fn check(value: &str, multiline: bool) -> Result<(), String> {
    match value
        .chars()
        .enumerate()
        .find(|&(_, c)| is_refused(c, multiline))
    {
        None => Ok(()),
        Some((i, c)) => Err(format!(
            "holds the control character U+{:04X} at position {}; {}",
            u32::from(c),
            i + 1,
            if multiline {
                "only line breaks and tabs are allowed"
            } else {
                "this field takes one line of text without control characters"
            }
        )),
    }
}

/// Longest free-text note or reason (a screening note, why an incident is reopened,
/// why a candidate is dismissed), in characters.
pub const MAX_NOTE: usize = 2_000;

/// A note or reason as it is stored: line breaks unified ([`unify_line_breaks`]), at
/// most [`MAX_NOTE`] characters, line breaks and tabs allowed, no other control
/// characters.
pub fn note(value: &str) -> Result<String, String> {
    let value = unify_line_breaks(value.to_owned());
    if value.chars().count() > MAX_NOTE {
        return Err(format!("is longer than {MAX_NOTE} characters"));
    }
    check(&value, true)?;
    Ok(value)
}

/// Line breaks as a browser or Windows sends them (`\r\n`, a lone `\r`), or as text
/// from word processors and other systems holds them (U+2028, U+2029, the next line
/// U+0085, vertical tab, form feed), as `\n`.
pub fn unify_line_breaks(value: String) -> String {
    const BREAKS: [char; 6] = ['\r', '\u{2028}', '\u{2029}', '\u{85}', '\u{b}', '\u{c}'];
    if value.contains(BREAKS) {
        value.replace("\r\n", "\n").replace(BREAKS, "\n")
    } else {
        value
    }
}

/// `value` with backslash, control and bidirectional control characters escaped
/// (`\\`, `\t`, `\n`, `\r`, `\u{1b}`), so that one value is always one field of one
/// line in tab-separated output, whatever it holds.
pub fn escape_controls(value: &str) -> Cow<'_, str> {
    if !value.chars().any(|c| c == '\\' || is_refused(c, false)) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_refused(c, false) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Longest free text quoted into an audit detail, in characters.
pub const MAX_QUOTED_CHARS: usize = 200;

/// `value` as one quoted field of an audit detail: at most [`MAX_QUOTED_CHARS`]
/// characters (`…` where cut), in double quotes with quotes, backslashes and control
/// characters escaped, so that text from outside (a provider's answer, a claim) can
/// never read as more `key=value` fields.
pub fn quoted(value: &str) -> String {
    let mut cut: String = value.chars().take(MAX_QUOTED_CHARS).collect();
    if cut.len() < value.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// Whether two secrets (tokens, CSRF values, OAuth `state`) are equal, compared in
/// full whatever the first difference, so that the time taken gives no hint.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn control_characters_are_refused_and_named() {
        assert!(check("Schelden op straat", false).is_ok());
        assert!(check("regel 1\nregel 2\tmet tab", true).is_ok());
        assert!(check("مرحبا\u{200F} ok", false).is_ok());
        for bad in [
            "a\0b",
            "a\u{1b}[31mb",
            "a\nb",
            "a\rb",
            "abc\u{202E}fed",
            "x\u{2066}y",
            "\u{85}",
        ] {
            assert!(check(bad, false).is_err(), "{bad:?} passed");
        }
        assert!(check("a\rb", true).is_err());
        assert!(check("a\u{202E}b", true)
            .unwrap_err()
            .contains("U+202E at position 2"));
    }

    #[test]
    fn escaped_text_stays_on_one_line() {
        assert_eq!(escape_controls("plain"), "plain");
        assert_eq!(
            escape_controls("x\t1\nfake\tentry\\\u{1b}\u{202E}"),
            "x\\t1\\nfake\\tentry\\\\\\u{1b}\\u{202e}"
        );
        assert_eq!(unify_line_breaks("a\r\nb\rc".into()), "a\nb\nc");
    }
}
