//! The HTTP client of discovery, the JWKS and the token request: ureq, blocking,
//! following no redirects (a redirect could lead the server to an address the
//! provider did not name), 10 s timeout, at most 1 MiB per answer. Error answers
//! (4xx) are passed on, so that an OAuth 2.0 error (RFC 6749 §5.2) reads as one.

use std::io::{self, Read};
use std::time::Duration;

use openidconnect::{HttpRequest, HttpResponse, SyncHttpClient};

/// Longest answer read from the provider, in bytes.
const MAX_ANSWER_BYTES: u64 = 1 << 20;

/// openidconnect's HTTP client.
#[derive(Clone)]
pub struct Http(ureq::Agent);

impl Http {
    /// A client with no redirects and a 10 s timeout.
    pub fn new() -> Http {
        Http(
            ureq::AgentBuilder::new()
                .redirects(0)
                .timeout(Duration::from_secs(10))
                .build(),
        )
    }
}

impl Default for Http {
    fn default() -> Self {
        Http::new()
    }
}

impl SyncHttpClient for Http {
    type Error = io::Error;

    fn call(&self, request: HttpRequest) -> io::Result<HttpResponse> {
        let (parts, body) = request.into_parts();
        let mut call = self
            .0
            .request(parts.method.as_str(), &parts.uri.to_string());
        for (name, value) in &parts.headers {
            call = call.set(name.as_str(), value.to_str().map_err(io::Error::other)?);
        }
        let sent = if body.is_empty() {
            call.call()
        } else {
            call.send_bytes(&body)
        };
        let answer = match sent {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(io::Error::other(e)),
        };
        let mut out = openidconnect::http::Response::builder().status(answer.status());
        for name in answer.headers_names() {
            if let Some(v) = answer.header(&name) {
                out = out.header(name.as_str(), v);
            }
        }
        let mut buf = Vec::new();
        answer
            .into_reader()
            .take(MAX_ANSWER_BYTES)
            .read_to_end(&mut buf)?;
        out.body(buf).map_err(io::Error::other)
    }
}
