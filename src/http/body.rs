//! Request bodies: a JSON object with `Content-Type: application/json` (RFC 8259,
//! RFC 9110 §8.3), within the limits of [`super::limits`].

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::AppError;

/// A JSON body that must be an object: an array is refused (422) rather than read
/// field by field in order, as serde would read it into a struct. Too large a body
/// ([`super::MAX_JSON_BYTES`]) is 413, another media type 415.
#[derive(Debug)]
pub struct JsonObject<T>(pub T);

impl<T> JsonObject<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = web::Payload::from_request(&req, payload).into_inner();
        Box::pin(async move {
            if !is_json(&req) {
                return Err(AppError::UnsupportedMediaType("application/json").into());
            }
            let body = bytes_limited(&req, payload?, super::MAX_JSON_BYTES).await?;
            // A byte order mark, as some Windows tools write one, is skipped (RFC 8259
            // §8.1 lets a parser ignore it), as in every text dira reads.
            let text = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&body);
            let value: Value = serde_json::from_slice(text)
                .map_err(|e| AppError::field("body", format!("is not JSON: {e}")))?;
            let Value::Object(map) = value else {
                return Err(AppError::field("body", "must be a JSON object").into());
            };
            read(map).map(JsonObject).map_err(Into::into)
        })
    }
}

/// `Content-Type: application/json`, or a `+json` type (RFC 6839).
fn is_json(req: &HttpRequest) -> bool {
    req.mime_type().ok().flatten().is_some_and(|m| {
        m.type_() == actix_web::mime::APPLICATION
            && (m.subtype() == actix_web::mime::JSON || m.suffix() == Some(actix_web::mime::JSON))
    })
}

fn read<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, AppError> {
    serde_json::from_value(Value::Object(map)).map_err(|e| AppError::field("body", e.to_string()))
}

/// Reads a whole body of at most `limit` bytes: 413 ([`AppError::PayloadTooLarge`])
/// as soon as `Content-Length` or the bytes received exceed it, without reading on.
pub async fn bytes_limited(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, AppError> {
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(AppError::PayloadTooLarge { limit });
    }
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(body)) => Ok(body),
        Ok(Err(e)) => Err(AppError::field("body", e.to_string())),
        Err(_) => Err(AppError::PayloadTooLarge { limit }),
    }
}
