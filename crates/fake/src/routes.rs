//! HTTP face of the fake: authentication, routing through the endpoint registry, the request
//! log, and reading bodies (what a body must hold is `validate.rs`'s business, asked here for
//! every write before any handler runs, so no write path can store an unchecked body).
//!
//! One fallback handler routes by hand instead of axum's path router, because the fake must
//! answer like Simplicate, not like axum: authentication before everything (even unknown
//! paths), 400 rather than 404 for an unknown endpoint, 405 with `Allow` and our own envelope for
//! a method the endpoint does not take, and ids with ':' or percent-escapes taken verbatim.
//! What each endpoint does lives in `crud.rs` (collections and records) and `actions.rs`
//! (everything that is not plain CRUD).
//!
//! Order of the checks, each able to end the exchange: authentication (401), the server's rate
//! limit (429, `ratelimit.rs`), injected faults (`faults/`), then routing.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use axum::Router;
use http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use super::envelope;
use super::faults::{Action, Canned, FaultKind, Faults};
use super::log::{unix_now, LoggedRequest, RequestLog};
use super::ratelimit::{retry_after_secs, RateLimiter};
use super::store::Store;
use super::{actions, crud, validate};
use simplicate_api::registry::{self, Method, Route};

const PREFIX: &str = "/api/v2/";

/// Bodies above this are refused (413) before being read: the fake lives in test processes.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// What every request handler shares.
pub struct AppState {
    pub store: Arc<Store>,
    pub log: Arc<RequestLog>,
    pub faults: Arc<Faults>,
    pub limiter: Option<Arc<RateLimiter>>,
    pub api_key: String,
    pub api_secret: String,
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// Every request passes here. It runs in a task of its own, because hyper drops the handler
/// future when the client hangs up: a request that reached the server is carried out and
/// logged even so, as on a real server (a client that timed out during an injected delay can
/// be shown that its POST landed). A panic becomes a 500 instead of a silently cut connection.
async fn handle(State(app): State<Arc<AppState>>, request: Request) -> Response {
    match tokio::spawn(answer_and_log(app, request)).await {
        Ok(response) => response,
        Err(_) => envelope::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error: the fake failed to handle this request",
        ),
    }
}

/// Answered by `respond`, then logged with the status it got (and the fault, if one was
/// applied). A dropped connection is logged with the status its head announced, when the head
/// is ready and before the body is cut.
async fn answer_and_log(app: Arc<AppState>, request: Request) -> Response {
    let time = unix_now();
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let (response, fault) = respond(&app, request).await;
    app.log.record(LoggedRequest {
        method,
        path,
        query,
        status: response.status().as_u16(),
        time,
        fault,
    });
    response
}

/// Authentication, the rate limit and injected faults, in that order, then `route`.
async fn respond(app: &AppState, request: Request) -> (Response, Option<FaultKind>) {
    // Unauthenticated requests are never limited nor faulted: a test of bad credentials must
    // see its 401 whatever else is going on.
    if !authorised(app, request.headers()) {
        let response = envelope::error(
            StatusCode::UNAUTHORIZED,
            "Invalid or missing authentication headers",
        );
        return (response, None);
    }
    if let Some(limiter) = &app.limiter {
        if let Err(wait) = limiter.admit() {
            return (too_many_requests(limiter, wait), Some(FaultKind::RateLimit));
        }
    }
    let Some(applied) = app
        .faults
        .pick(request.method().as_str(), request.uri().path())
    else {
        return (route(app, request).await, None);
    };
    let kind = applied.kind();
    let request = match applied.delay {
        Some(delay) => {
            // The server has the whole request, then stalls: the body is read before the
            // pause, so a client giving up meanwhile still leaves a complete request behind.
            let request = buffer_body(request).await;
            tokio::time::sleep(delay).await;
            request
        }
        None => request,
    };
    let response = match applied.action {
        Action::Pass => route(app, request).await,
        Action::Respond(canned) => {
            // Read (and drop) the request body first, as a server that got as far as deciding
            // on an answer would: a client still sending must not see its upload cut off.
            let _ = axum::body::to_bytes(request.into_body(), MAX_BODY).await;
            canned_response(canned)
        }
        Action::DropConnection => drop_mid_body(route(app, request).await).await,
        Action::Truncate => truncate(route(app, request).await).await,
    };
    (response, Some(kind))
}

/// The request with its body read into memory. One byte over the limit is kept, so an oversized
/// body still gets its 413 from `read_object`; a body that cannot be read becomes empty (its
/// client is gone, or it sent more than that).
async fn buffer_body(request: Request) -> Request {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY + 1)
        .await
        .unwrap_or_default();
    Request::from_parts(parts, Body::from(bytes))
}

/// 429 from the server's own limit: the error envelope and `Retry-After` in whole seconds.
fn too_many_requests(limiter: &RateLimiter, wait: Duration) -> Response {
    let window = limiter.window();
    let per = if window == super::ratelimit::MINUTE {
        "minute".to_owned()
    } else {
        format!("{} s", window.as_secs_f64())
    };
    let mut response = envelope::error(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "Too Many Requests: rate limit of {} requests per {per} exceeded",
            limiter.limit()
        ),
    );
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs(wait)));
    response
}

fn canned_response(canned: Canned) -> Response {
    let mut response = Response::new(Body::from(canned.body));
    *response.status_mut() = canned.status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, canned.content_type);
    if let Some(retry_after) = canned.retry_after {
        headers.insert(RETRY_AFTER, retry_after);
    }
    response
}

/// The whole body of one of our own answers (they are all in memory, so this cannot fail in
/// practice; an error yields an empty body rather than a panic).
async fn body_bytes(body: Body) -> Bytes {
    axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default()
}

/// The real answer with its body cut roughly in half, as a complete, well-framed response: the
/// client gets a 200 (or whatever the answer was) whose body is not valid JSON.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let full = body_bytes(body).await;
    // The body's own length becomes the Content-Length; a stale header would contradict it.
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(full.slice(..full.len() / 2)))
}

/// How long the first half of a dropped answer sits in the socket before the connection is
/// cut: hyper flushes what it has written when the body stream is pending, not when it fails,
/// so without the pause the client could get nothing at all instead of a partial answer.
const DROP_PAUSE: Duration = Duration::from_millis(20);

/// The real answer's head, announcing the full Content-Length, then the first half of its body,
/// then an error from the body stream, on which hyper closes the connection. The client sees a
/// premature end of the body (fewer bytes than announced), never a clean, complete answer.
async fn drop_mid_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let full = body_bytes(body).await;
    // At least one byte is announced, so even an empty answer is visibly cut short.
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(full.len().max(1)));
    // The stream: the first half, then (after the pause) the error, then nothing.
    let first = Some(full.slice(..full.len() / 2));
    let stream = futures_util::stream::unfold(Some(first), |state| async move {
        if let Some(half) = state? {
            Some((Ok(half), Some(None)))
        } else {
            tokio::time::sleep(DROP_PAUSE).await;
            let cut = std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "connection dropped by an injected fault",
            );
            Some((Err(cut), None))
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
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

/// The normal answer to an authenticated request.
async fn route(app: &AppState, request: Request) -> Response {
    let (parts, body) = request.into_parts();
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
    if let Some(refused) = refused_business_method(route, parts.method.as_str()) {
        return refused;
    }
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
    if let Some(refused) = validate::refusal(&call) {
        return refused;
    }
    actions::special(&call).unwrap_or_else(|| crud::handle(&call))
}

/// Methods a path does not take, refused the way the real API refuses a business rule (400 and
/// the error envelope) instead of with the generic 405: `DELETE invoices/payment/{id}`.
/// Payments cannot be deleted through the API (the spec gives them GET, POST and PUT only). It
/// is a known, deliberate limitation of an existing resource, not a path the API lacks, so a
/// client gets the business-level answer Simplicate gives for its limitations, which a client
/// can show its user, rather than a routing error.
fn refused_business_method(route: Route<'_>, method: &str) -> Option<Response> {
    let resource = route.resource();
    let payment_item = matches!(route, Route::Item(..))
        && (resource.module, resource.name) == ("invoices", "payment");
    (payment_item && method.eq_ignore_ascii_case("DELETE"))
        .then(|| envelope::error(StatusCode::BAD_REQUEST, "Payments cannot be deleted"))
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
