//! Simplicate's response envelope, `{"data": ..., "errors": ..., "debug": null}`, as HTTP responses.
//!
//! Every answer of the fake, success or error, goes through here so the shape cannot drift
//! between handlers. Bodies are serialised straight to bytes from borrowed data: a page of
//! records is written from a slice of the store, never copied into an intermediate `Value`.

use axum::body::Body;
use axum::response::Response;
use http::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use http::StatusCode;
use serde::Serialize;
use serde_json::Value;

/// The optional `metadata` block of a list answer; only the requested keys are present, in the
/// order of the spec's `MetaData` model. What each holds is decided in `crud::list`.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_limit: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nocleanup: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

// `metadata` leads the object: a client that reads the total count from the first page can find
// it before the records.
#[derive(Serialize)]
struct Envelope<'a, D: Serialize + ?Sized> {
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Metadata>,
    data: &'a D,
    errors: Option<&'a [String]>,
    debug: (),
}

/// Last resort if serialisation itself fails (it cannot for JSON values with string keys, but a
/// request must never panic on it).
const SERIALISE_FAILED: &[u8] =
    br#"{"data":null,"errors":["Internal error: could not serialise the response"],"debug":null}"#;

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn render<D: Serialize + ?Sized>(
    status: StatusCode,
    data: &D,
    errors: Option<&[String]>,
    metadata: Option<Metadata>,
) -> Response {
    let envelope = Envelope {
        metadata,
        data,
        errors,
        debug: (),
    };
    match serde_json::to_vec(&envelope) {
        Ok(bytes) => json_response(status, bytes),
        Err(_) => json_response(StatusCode::INTERNAL_SERVER_ERROR, SERIALISE_FAILED.to_vec()),
    }
}

/// 200 with `data`.
pub fn ok<D: Serialize + ?Sized>(data: &D) -> Response {
    render(StatusCode::OK, data, None, None)
}

/// 200 with a page of records and, when asked for, metadata.
pub fn page(records: &[Value], metadata: Option<Metadata>) -> Response {
    render(StatusCode::OK, records, None, metadata)
}

/// 200 with `data` given as ready JSON bytes (a stored record).
pub fn ok_raw(data: &[u8]) -> Response {
    let mut body = Vec::with_capacity(data.len() + 40);
    body.extend_from_slice(br#"{"data":"#);
    body.extend_from_slice(data);
    body.extend_from_slice(br#","errors":null,"debug":null}"#);
    json_response(StatusCode::OK, body)
}

/// 200 with a page of stored records (their JSON bytes, joined without re-serialising) and,
/// when asked for, metadata.
pub fn page_raw<'a>(
    records: impl Iterator<Item = &'a [u8]>,
    metadata: Option<Metadata>,
) -> Response {
    let mut body = Vec::with_capacity(64 * 1024);
    body.push(b'{');
    if let Some(metadata) = metadata {
        body.extend_from_slice(br#""metadata":"#);
        if serde_json::to_writer(&mut body, &metadata).is_err() {
            return json_response(StatusCode::INTERNAL_SERVER_ERROR, SERIALISE_FAILED.to_vec());
        }
        body.push(b',');
    }
    body.extend_from_slice(br#""data":["#);
    for (i, record) in records.enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(record);
    }
    body.extend_from_slice(br#"],"errors":null,"debug":null}"#);
    json_response(StatusCode::OK, body)
}

/// An error answer: `data` null, `errors` the messages.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    render(status, &Value::Null, Some(&[message.into()]), None)
}

/// The bytes of an error envelope, for answers assembled elsewhere (injected faults).
pub fn error_body(message: impl Into<String>) -> Vec<u8> {
    let errors = [message.into()];
    let envelope = Envelope {
        metadata: None,
        data: &Value::Null,
        errors: Some(&errors),
        debug: (),
    };
    serde_json::to_vec(&envelope).unwrap_or_else(|_| SERIALISE_FAILED.to_vec())
}

/// 405 with the `Allow` header listing what the path does accept.
pub fn method_not_allowed(method: &str, path: &str, allowed: &str) -> Response {
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method {method} not allowed on {path}; allowed: {allowed}"),
    );
    response.headers_mut().insert(
        ALLOW,
        HeaderValue::from_str(allowed).unwrap_or(HeaderValue::from_static("")),
    );
    response
}
