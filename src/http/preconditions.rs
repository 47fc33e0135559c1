//! `If-Match` (RFC 9110 §13.1.1): which versions of an incident a change may apply to.
//!
//! The field is `*` or a list of entity tags (§8.8.3): `"3"` (strong) or `W/"3"`
//! (weak), the opaque part of visible ASCII other than `"` (a comma included) or
//! obs-text. dira's entity tag of an incident is its version in decimal (`ETag: "3"`).
//! `If-Match` uses the strong comparison: a weak tag never matches, and neither does
//! a tag that is not exactly a version as dira writes it (`"03"`, `"stale-1"`): 412
//! once the incident is found. A bare number (`3`) is read as `"3"` for clients written
//! before this rule. Empty list elements are ignored (§5.6.1).

use crate::error::AppError;
use crate::incidents::store::Precondition;

/// The versions `If-Match` admits ([`parse`], RFC 9110 §13.1.1); 428 when the
/// header is absent, 422 when it is not `*` or a list of entity tags.
pub fn if_match(
    req: &actix_web::HttpRequest,
) -> Result<crate::incidents::store::Precondition, AppError> {
    let mut values = req
        .headers()
        .get_all(actix_web::http::header::IF_MATCH)
        .peekable();
    if values.peek().is_none() {
        return Err(AppError::PreconditionRequired);
    }
    parse(values.map(|v| v.as_bytes())).map_err(|_| {
        AppError::field(
            "If-Match",
            "must be * or a list of entity tags, e.g. \"3\" (the incident's version)",
        )
    })
}

/// A field value that is not `*` or a list of entity tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// One element of the list.
#[derive(Debug, PartialEq, Eq)]
enum Tag<'a> {
    Any,
    Strong(&'a [u8]),
    Weak,
    Bare(&'a [u8]),
}

/// The precondition an `If-Match` field value states; `Err` when it is not `*` or a
/// list of entity tags. Several field lines are one list (RFC 9110 §5.3).
pub fn parse<'a>(values: impl Iterator<Item = &'a [u8]>) -> Result<Precondition, Malformed> {
    let mut tags = Vec::new();
    for value in values {
        tags.extend(list(value)?);
    }
    if tags.contains(&Tag::Any) {
        return match tags.len() {
            1 => Ok(Precondition::Any),
            _ => Err(Malformed),
        };
    }
    let versions = tags
        .into_iter()
        .filter_map(|tag| match tag {
            Tag::Strong(opaque) | Tag::Bare(opaque) => version(opaque),
            Tag::Any | Tag::Weak => None,
        })
        .collect();
    Ok(Precondition::Versions(versions))
}

/// The version an opaque tag names, when it is one exactly as dira writes it.
fn version(opaque: &[u8]) -> Option<i32> {
    let text = std::str::from_utf8(opaque).ok()?;
    let n: i32 = text.parse().ok()?;
    (n.to_string() == text).then_some(n)
}

fn list(b: &[u8]) -> Result<Vec<Tag<'_>>, Malformed> {
    let ows = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t') {
            *i += 1;
        }
    };
    let mut tags = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b',') {
            i += 1;
        }
        if i == b.len() {
            return Ok(tags);
        }
        let weak = b[i..].starts_with(b"W/");
        if weak {
            i += 2;
        }
        if b.get(i) == Some(&b'"') {
            let start = i + 1;
            let end = start
                + b[start..]
                    .iter()
                    .position(|&c| c == b'"')
                    .ok_or(Malformed)?;
            let opaque = &b[start..end];
            if !opaque
                .iter()
                .all(|&c| c == 0x21 || (0x23..=0x7e).contains(&c) || c >= 0x80)
            {
                return Err(Malformed);
            }
            tags.push(if weak { Tag::Weak } else { Tag::Strong(opaque) });
            i = end + 1;
        } else if weak {
            return Err(Malformed);
        } else if b[i] == b'*' {
            tags.push(Tag::Any);
            i += 1;
        } else {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return Err(Malformed);
            }
            tags.push(Tag::Bare(&b[start..i]));
        }
        ows(&mut i);
        if i < b.len() && b[i] != b',' {
            return Err(Malformed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(value: &str) -> Result<Precondition, Malformed> {
        parse(std::iter::once(value.as_bytes()))
    }

    #[test]
    fn lists_of_entity_tags_are_read_as_rfc_9110_writes_them() {
        let versions = |v: &[i32]| Ok(Precondition::Versions(v.to_vec()));
        assert_eq!(of("*"), Ok(Precondition::Any));
        assert_eq!(of("\"3\""), versions(&[3]));
        assert_eq!(of("\"1\", \"2\""), versions(&[1, 2]));
        assert_eq!(of("\"1\","), versions(&[1]));
        assert_eq!(of(", ,\"1\""), versions(&[1]));
        assert_eq!(of("3"), versions(&[3]));
        // Tags that are no version as dira writes one: never match.
        for never in [
            "W/\"3\"",
            "\"03\"",
            "\"stale-1\"",
            "\"1,2\"",
            "\"é\"",
            "003",
            "\"\"",
        ] {
            assert_eq!(of(never), versions(&[]), "{never}");
        }
        for malformed in [
            "not a tag",
            "\"1\" \"1\"",
            "\"1",
            "W/3",
            "*, \"1\"",
            "\"a b\"",
        ] {
            assert_eq!(of(malformed), Err(Malformed), "{malformed}");
        }
    }
}
