//! The HTTP toolkit the handlers share: body readers and limits, the mapping of
//! errors to problem+json, security headers, preconditions and content negotiation.
//! The route table and the server are in `crate::server`; handlers live beside their
//! domain (`incidents/http.rs`, …).

pub mod body;
pub mod error;
pub mod headers;
pub mod health;
pub mod preconditions;
pub mod restricted;

/// Largest exchange CSV accepted by `POST /api/v1/imports` (32 MiB, some 80,000 rows);
/// bigger files go through `dira import`. Larger bodies are refused with 413.
pub const MAX_IMPORT_BYTES: usize = 32 << 20;

/// Largest JSON body (1 MiB): a registration with the longest narrative (50,000
/// characters, each up to 6 bytes escaped) fits with room to spare.
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// Largest posted web form (640 KiB): the longest narrative, every byte
/// percent-encoded (3 bytes each), and the other fields.
pub const MAX_FORM_BYTES: usize = 640 << 10;

/// A file to download: 200 with `media` as its type and `Content-Disposition:
/// attachment` naming it `name` (RFC 6266; names are built by dira, ASCII only).
pub fn attachment(media: &str, name: &str, body: Vec<u8>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(media)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// Whether the request's `Accept` header names `media` (e.g. `text/csv`) with a
/// weight above 0 (RFC 9110 §12.5.1; `text/csv;q=0` declines it).
pub fn accepts(req: &actix_web::HttpRequest, media: &str) -> bool {
    weight(req, media).is_some_and(|q| q > 0.0)
}

/// Of `offered` media types, the one the request's `Accept` names with the highest
/// weight above 0 (the first on a tie); `None` when it names none of them.
pub fn preferred<'m>(req: &actix_web::HttpRequest, offered: &[&'m str]) -> Option<&'m str> {
    offered
        .iter()
        .filter_map(|m| weight(req, m).filter(|&q| q > 0.0).map(|q| (*m, q)))
        .fold(None, |best: Option<(&str, f32)>, (m, q)| match best {
            Some((_, b)) if b >= q => best,
            _ => Some((m, q)),
        })
        .map(|(m, _)| m)
}

/// The weight (`q`, RFC 9110 §12.4.2) `Accept` gives `media` by name, if it names it.
fn weight(req: &actix_web::HttpRequest, media: &str) -> Option<f32> {
    let value = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())?;
    value.split(',').find_map(|range| {
        let mut parts = range.split(';').map(str::trim);
        let named = parts.next().is_some_and(|t| t.eq_ignore_ascii_case(media));
        let weight = parts
            .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
            .map_or(Some(1.0), |q| q.parse::<f32>().ok());
        named.then_some(weight.unwrap_or(0.0))
    })
}
