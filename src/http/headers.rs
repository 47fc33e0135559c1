//! Headers every answer carries, and the refusal of cross-site form posts.
//!
//! - `Content-Security-Policy` (W3C CSP Level 3): the pages load nothing but their own
//!   stylesheet, run no script, submit forms only to dira and may not be framed
//!   (`frame-ancestors 'none'`, with `X-Frame-Options: DENY` for older browsers). The
//!   API documentation at `/docs` runs its own scripts and nothing else.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`.
//! - `Cache-Control: no-store` on every answer that did not set its own: API answers
//!   and pages carry police data, which no browser or proxy may keep (RFC 9111 §5.2.2.5).
//! - [`is_cross_site_form_post`]: a page request that changes something from another
//!   site, which the web guard and the sign-in form refuse (and audit) with 403.
//!   The API, which takes bearer tokens and no cookies, is not affected.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::HttpRequest;

const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self' 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The middleware around the whole app.
pub async fn secure(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let docs = req.path().starts_with("/docs") || req.path().starts_with("/api-docs");
    let mut response = next.call(req).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    let policy = if docs { DOCS_POLICY } else { PAGE_POLICY };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// Whether a page request changes something (any method but GET, HEAD, OPTIONS) and a
/// browser says it comes from another site: by `Sec-Fetch-Site` (W3C Fetch Metadata)
/// where the browser sends it, else by `Origin` (RFC 6454) against the `Host` header
/// (not `X-Forwarded-Host`, which a client can set). Requests without either
/// (non-browser clients) are left to the page's CSRF check.
pub fn is_cross_site_form_post(req: &HttpRequest) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.path().starts_with("/api/")
    {
        return false;
    }
    let text = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or("\u{0}").to_owned())
    };
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        // `none`: typed or bookmarked by the user; `same-origin`: dira's own form.
        return !matches!(site.as_str(), "same-origin" | "none");
    }
    match text(header::ORIGIN) {
        None => false,
        Some(origin) => {
            let host = text(header::HOST).unwrap_or_default();
            let own = origin
                .split_once("://")
                .is_some_and(|(scheme, rest)| matches!(scheme, "http" | "https") && rest == host);
            !own
        }
    }
}

/// The client's IP address: the connection's peer, or, when the peer is the trusted
/// reverse proxy, the last entry of its `X-Forwarded-For` (the one that proxy added;
/// earlier entries are the client's to forge). An IPv4-mapped IPv6 address is given as
/// IPv4; an entry with a port (`203.0.113.7:5555`, `[2001:db8::1]:443`) without it; an
/// entry that is no address at all as written (its letters, digits and `. : _ -`, at
/// most 64), so that clients behind the proxy are still told apart. `-` when unknown.
pub fn client_address(req: &HttpRequest, trusted_proxy: Option<std::net::IpAddr>) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip().to_canonical()) else {
        return "-".into();
    };
    if Some(peer) != trusted_proxy.map(|p| p.to_canonical()) {
        return peer.to_string();
    }
    // Bytes, not text: one odd byte a client put in the header must not discard the
    // entry the proxy added after it.
    let joined: Vec<String> = req
        .headers()
        .get_all("x-forwarded-for")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    let last = joined
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|v| !v.is_empty());
    match last {
        None => peer.to_string(),
        Some(entry) => forwarded_address(entry),
    }
}

/// One `X-Forwarded-For` entry as an address (see [`client_address`]).
fn forwarded_address(entry: &str) -> String {
    use std::net::{IpAddr, SocketAddr};
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip()))
        .map(|ip| ip.to_canonical().to_string())
        .unwrap_or_else(|_| {
            // Kept to the characters of an address or a proxy's client id, so that it
            // cannot pose as other fields where it is written.
            let kept = |c: &char| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '_' | '-');
            let raw: String = entry.chars().filter(kept).take(64).collect();
            if raw.is_empty() {
                "unknown".to_owned()
            } else {
                raw
            }
        })
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;
    use actix_web::test::TestRequest;

    use super::client_address;

    fn from_proxy(forwarded: &[u8]) -> String {
        let value = HeaderValue::from_bytes(forwarded).expect("header value");
        let req = TestRequest::default()
            .peer_addr("10.1.1.1:40000".parse().expect("addr"))
            .insert_header(("x-forwarded-for", value))
            .to_http_request();
        client_address(&req, "10.1.1.1".parse().ok())
    }

    #[test]
    fn the_proxys_own_entry_is_the_client() {
        assert_eq!(from_proxy(b"6.6.6.6, 203.0.113.50"), "203.0.113.50");
        assert_eq!(from_proxy(b"::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(from_proxy(b"203.0.113.7:5555"), "203.0.113.7");
        assert_eq!(from_proxy(b"[2001:db8::1]:443"), "2001:db8::1");
        // A byte a client slipped in does not discard what the proxy added.
        assert_eq!(from_proxy(b"9.9.9.\xe9, 203.0.113.50"), "203.0.113.50");
        assert_eq!(from_proxy(b"x reason=granted"), "xreasongranted");
        assert_eq!(from_proxy(b"="), "unknown");
    }

    #[test]
    fn others_do_not_choose_their_address() {
        let req = TestRequest::default()
            .peer_addr("192.0.2.9:40000".parse().expect("addr"))
            .insert_header(("x-forwarded-for", "203.0.113.50"))
            .to_http_request();
        assert_eq!(client_address(&req, "10.1.1.1".parse().ok()), "192.0.2.9");
        assert_eq!(client_address(&req, None), "192.0.2.9");
    }
}
