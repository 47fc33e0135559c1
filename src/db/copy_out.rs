//! `COPY (SELECT …) TO STDOUT` on PostgreSQL: the bulk read of the export and the
//! Poldis load. Rows arrive in PostgreSQL's text format and are decoded in place,
//! one reused buffer for every row.
//!
//! It runs on a connection of its own (the `postgres` crate), opened for the one
//! read and closed after it: diesel's `copy_to` copies whole tables only (no
//! `WHERE`, no `ORDER BY`) and leaves its connection in COPY state afterwards
//! (`../shared/notes/stack-check-2.md`, section 6), which would poison the pool.
//! The connection uses the same URL as the pool; like the pool's (pq-sys built
//! without OpenSSL) it speaks no TLS.

use std::io::BufRead;
use std::ops::Range;

use anyhow::{bail, Context};

/// A connection for one consistent bulk read: every statement sees the same
/// snapshot (`REPEATABLE READ`, read only) until it is dropped.
pub struct CopyOut {
    client: postgres::Client,
}

impl CopyOut {
    /// Connects to `url` and starts the read's transaction, with the settings the
    /// text format is decoded with: ISO dates (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.f]`,
    /// which [`super::direct::stored_timestamp`] reads) and standard strings (so
    /// [`literal`] needs no backslash escapes).
    pub fn connect(url: &str) -> anyhow::Result<CopyOut> {
        let mut client = postgres::Client::connect(url, postgres::NoTls)
            .with_context(|| format!("cannot connect to {}", super::redact(url)))?;
        client.batch_execute(
            "SET DateStyle = ISO; SET standard_conforming_strings = on; \
             SET client_encoding = 'UTF8'; \
             BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        )?;
        Ok(CopyOut { client })
    }

    /// The single number `sql` answers (a `count(*)`).
    pub fn number(&mut self, sql: &str) -> anyhow::Result<i64> {
        Ok(self.client.query_one(sql, &[])?.try_get(0)?)
    }

    /// Runs `COPY (select) TO STDOUT` and hands every row to `each`, in the order
    /// the query gives; answers how many rows there were. `select` is SQL text: COPY
    /// takes no parameters, so values go in as [`literal`]s.
    pub fn rows(
        &mut self,
        select: &str,
        mut each: impl FnMut(&CopiedRow<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<u64> {
        let mut reader = self
            .client
            .copy_out(format!("COPY ({select}) TO STDOUT").as_str())?;
        let (mut line, mut data, mut fields) = (Vec::new(), Vec::new(), Vec::new());
        let mut count = 0;
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            if line.pop() != Some(b'\n') {
                bail!("COPY ended inside a row");
            }
            decode(&line, &mut data, &mut fields);
            each(&CopiedRow {
                data: &data,
                fields: &fields,
            })?;
            count += 1;
        }
        Ok(count)
    }
}

/// One row of a [`CopyOut::rows`], its fields by position (0-based).
pub struct CopiedRow<'a> {
    data: &'a [u8],
    fields: &'a [Option<Range<usize>>],
}

impl<'a> CopiedRow<'a> {
    /// The field's bytes, `None` for SQL NULL (or a position past the last field).
    pub fn bytes(&self, i: usize) -> Option<&'a [u8]> {
        let data = self.data;
        self.fields.get(i)?.as_ref().map(|r| &data[r.clone()])
    }

    /// The field as text.
    pub fn text(&self, i: usize) -> anyhow::Result<Option<&'a str>> {
        self.bytes(i)
            .map(std::str::from_utf8)
            .transpose()
            .with_context(|| format!("column {i} is not UTF-8"))
    }

    /// The field as text; an error when it is NULL.
    pub fn required(&self, i: usize) -> anyhow::Result<&'a str> {
        self.text(i)?
            .with_context(|| format!("column {i} is NULL"))
    }

    /// The field as a whole number.
    pub fn integer(&self, i: usize) -> anyhow::Result<Option<i32>> {
        self.text(i)?
            .map(|t| t.parse().with_context(|| format!("column {i}: {t:?}")))
            .transpose()
    }
}

/// `value` as an SQL string literal (with `standard_conforming_strings` on, which
/// [`CopyOut::connect`] sets: quotes doubled, backslashes as they are). A NUL
/// character cannot be in PostgreSQL text and is refused.
pub fn literal(value: &str) -> anyhow::Result<String> {
    if value.contains('\0') {
        bail!("{value:?} holds a NUL character");
    }
    Ok(format!("'{}'", value.replace('\'', "''")))
}

/// Decodes one row of COPY's text format (without its newline) into `data`, and
/// the position of each field in it into `fields` (`None` for `\N`, SQL NULL).
/// Fields are separated by tabs; a backslash escapes (PostgreSQL's `COPY` text
/// format: `\b \f \n \r \t \v \\`, octal `\ooo`, hex `\xhh`, else the character
/// itself).
fn decode(line: &[u8], data: &mut Vec<u8>, fields: &mut Vec<Option<Range<usize>>>) {
    data.clear();
    fields.clear();
    let mut at = 0;
    loop {
        let rest = &line[at..];
        if rest.starts_with(b"\\N") && matches!(rest.get(2), None | Some(b'\t')) {
            fields.push(None);
            at += 2;
        } else {
            let start = data.len();
            at = decode_field(line, at, data);
            fields.push(Some(start..data.len()));
        }
        if at >= line.len() {
            break;
        }
        at += 1; // the tab
    }
}

/// Decodes the field starting at `at` into `data`; answers where it ends (at its
/// tab, or the end of the line).
fn decode_field(line: &[u8], mut at: usize, data: &mut Vec<u8>) -> usize {
    loop {
        let Some(n) = memchr::memchr2(b'\t', b'\\', &line[at..]) else {
            data.extend_from_slice(&line[at..]);
            return line.len();
        };
        data.extend_from_slice(&line[at..at + n]);
        at += n;
        if line[at] == b'\t' {
            return at;
        }
        at = unescape(line, at + 1, data);
    }
}

/// The character escaped by the backslash before `at`, pushed onto `data`; answers
/// where the escape ends.
fn unescape(line: &[u8], at: usize, data: &mut Vec<u8>) -> usize {
    let Some(&c) = line.get(at) else {
        return at;
    };
    let simple = match c {
        b'b' => Some(8),
        b'f' => Some(12),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(11),
        b'0'..=b'7' | b'x' => None,
        other => Some(other),
    };
    if let Some(byte) = simple {
        data.push(byte);
        return at + 1;
    }
    let (radix, start, most) = if c == b'x' { (16, at + 1, 2) } else { (8, at, 3) };
    let digits = line[start..]
        .iter()
        .take(most)
        .take_while(|b| (**b as char).is_digit(radix))
        .count();
    if digits == 0 {
        // `\x` without a hex digit is an `x`.
        data.push(c);
        return at + 1;
    }
    let text = std::str::from_utf8(&line[start..start + digits]).unwrap_or("0");
    data.push(u32::from_str_radix(text, radix).unwrap_or(0) as u8);
    start + digits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<Option<String>> {
        let (mut data, mut ranges) = (Vec::new(), Vec::new());
        decode(line.as_bytes(), &mut data, &mut ranges);
        ranges
            .into_iter()
            .map(|r| r.map(|r| String::from_utf8_lossy(&data[r]).into_owned()))
            .collect()
    }

    #[test]
    fn fields_are_split_at_tabs_and_null_is_none() {
        assert_eq!(
            fields("a\t\\N\t\tb"),
            vec![Some("a".into()), None, Some("".into()), Some("b".into())]
        );
        assert_eq!(fields(""), vec![Some("".into())]);
        assert_eq!(fields("\\N"), vec![None]);
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(
            fields("regel 1\\nregel 2\\ttab\\\\slash\\r\\b\\f\\v\tx"),
            vec![
                Some("regel 1\nregel 2\ttab\\slash\r\u{8}\u{c}\u{b}".into()),
                Some("x".into())
            ]
        );
        assert_eq!(fields("\\101\\x42\\7z\\q"), vec![Some("AB\u{7}zq".into())]);
        // `\N` inside a field is an N, not NULL.
        assert_eq!(fields("a\\N"), vec![Some("aN".into())]);
        assert_eq!(fields("\\Nb"), vec![Some("Nb".into())]);
    }

    #[test]
    fn literals_double_quotes_and_refuse_nul() {
        assert_eq!(literal("O'Brien \\").unwrap(), "'O''Brien \\'");
        assert!(literal("a\0b").is_err());
    }
}
