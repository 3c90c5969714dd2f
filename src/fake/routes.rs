//! HTTP face of the fake: authentication, routing through the endpoint registry, the request
//! log, and body validation.
//!
//! One fallback handler routes by hand instead of axum's path router, because the fake must
//! answer like Simplicate, not like axum: authentication before everything (even unknown
//! paths), 400 rather than 404 for an unknown endpoint, 405 with `Allow` and our own envelope for
//! a method the endpoint does not take, and ids with ':' or percent-escapes taken verbatim.
//! What each endpoint does lives in `crud.rs` (collections and records) and `actions.rs`
//! (everything that is not plain CRUD).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::Router;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use super::envelope;
use super::log::{unix_now, LoggedRequest, RequestLog};
use super::store::Store;
use super::{actions, crud};
use crate::registry::{self, Method, Route};

const PREFIX: &str = "/api/v2/";

/// Bodies above this are refused (413) before being read: the fake lives in test processes.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// What every request handler shares.
pub struct AppState {
    pub store: Arc<Store>,
    pub log: Arc<RequestLog>,
    pub api_key: String,
    pub api_secret: String,
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// Every request passes here: answered by `respond`, then logged with the status it got.
async fn handle(State(app): State<Arc<AppState>>, request: Request) -> Response {
    let time = unix_now();
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let response = respond(&app, request).await;
    app.log.record(LoggedRequest {
        method,
        path,
        query,
        status: response.status().as_u16(),
        time,
    });
    response
}

/// One request, decoded: what the endpoint handlers get.
pub struct Call<'a> {
    pub store: &'a Store,
    pub route: Route<'a>,
    /// The decoded id of item and action routes.
    pub id: Option<String>,
    pub method: Method,
    pub query: &'a str,
    /// The JSON object body of POST and PUT requests.
    pub body: Option<Map<String, Value>>,
}

async fn respond(app: &AppState, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if !authorised(app, &parts.headers) {
        return envelope::error(
            StatusCode::UNAUTHORIZED,
            "Invalid or missing authentication headers",
        );
    }
    let path = parts.uri.path();
    let unknown = || {
        envelope::error(
            StatusCode::BAD_REQUEST,
            format!("Unknown endpoint: {} {path}", parts.method),
        )
    };
    let Some(route) = path.strip_prefix(PREFIX).and_then(registry::route) else {
        return unknown();
    };
    let allowed = route.methods();
    let method = match Method::parse(parts.method.as_str()) {
        Some(method) if allowed.contains(method) => method,
        _ => {
            return envelope::method_not_allowed(parts.method.as_str(), path, &allowed.to_string())
        }
    };
    let id = match route.id() {
        Some(raw) => match percent_decode(raw).filter(|id| is_id(id)) {
            Some(id) => Some(id),
            None => return unknown(),
        },
        None => None,
    };
    let body = if matches!(method, Method::Post | Method::Put) {
        match read_object(&parts.headers, body).await {
            Ok(object) => Some(object),
            Err(response) => return response,
        }
    } else {
        None
    };
    let call = Call {
        store: &app.store,
        route,
        id,
        method,
        query: parts.uri.query().unwrap_or(""),
        body,
    };
    actions::special(&call).unwrap_or_else(|| crud::handle(&call))
}

fn authorised(app: &AppState, headers: &HeaderMap) -> bool {
    let matches = |name: &str, expected: &str| {
        headers
            .get(name)
            .is_some_and(|value| value.as_bytes() == expected.as_bytes())
    };
    matches("authentication-key", &app.api_key) && matches("authentication-secret", &app.api_secret)
}

// ---- paths -------------------------------------------------------------------------------------

/// Ids are opaque ("organization:abc", UUIDs, ...); only emptiness and control characters are
/// refused.
fn is_id(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(char::is_control)
}

/// Decodes `%XX` escapes of one path segment; `None` for a broken escape or invalid UTF-8.
/// `+` stays a plus: it only means space in query strings.
fn percent_decode(segment: &str) -> Option<String> {
    if !segment.contains('%') {
        return Some(segment.to_owned());
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

// ---- bodies ------------------------------------------------------------------------------------

/// The JSON object a POST or PUT must carry, or the error answer explaining why not.
async fn read_object(headers: &HeaderMap, body: Body) -> Result<Map<String, Value>, Response> {
    if !is_json_content_type(headers) {
        return Err(envelope::error(
            StatusCode::BAD_REQUEST,
            "Content-Type must be application/json",
        ));
    }
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY as u64) {
        return Err(too_large());
    }
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        // Without a declared length the only error a live client can see is the size limit
        // (a broken connection has nobody left to read the answer).
        Err(_) if declared.is_none() => return Err(too_large()),
        Err(e) => {
            return Err(envelope::error(
                StatusCode::BAD_REQUEST,
                format!("Could not read the request body: {e}"),
            ))
        }
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(envelope::error(
            StatusCode::BAD_REQUEST,
            "Request body must be a JSON object",
        )),
        Err(e) => Err(envelope::error(
            StatusCode::BAD_REQUEST,
            format!("Malformed JSON in request body: {e}"),
        )),
    }
}

fn too_large() -> Response {
    envelope::error(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("Request body larger than {MAX_BODY} bytes"),
    )
}

/// `application/json`, any case, optionally followed by parameters such as `; charset=utf-8`.
fn is_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("organization%3Aab-1").as_deref(),
            Some("organization:ab-1")
        );
        assert_eq!(percent_decode("a+b").as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%ff"), None);
        assert!(!is_id("a\nb"));
        assert!(!is_id(""));
    }
}
