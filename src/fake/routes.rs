//! HTTP face of the fake: authentication, routing, parameter and body validation.
//!
//! One fallback handler does the routing by hand instead of axum's path router, because the
//! fake must answer like Simplicate, not like axum: authentication before everything (even
//! unknown paths), 400 rather than 404 for an unknown endpoint, 405 with `Allow` and our own
//! envelope for a wrong method, and ids with ':' or percent-escapes taken verbatim.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::Router;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, Method, StatusCode};
use serde_json::{json, Map, Value};

use super::envelope::{self, Metadata};
use super::store::Store;

const PREFIX: &str = "/api/v2/";

/// Simplicate never returns more than 100 records per page.
pub const MAX_LIMIT: usize = 100;

/// Bodies above this are refused (413) before being read: the fake lives in test processes.
const MAX_BODY: usize = 16 * 1024 * 1024;

const COLLECTION_METHODS: &str = "GET, POST";
const ITEM_METHODS: &str = "GET, PUT, DELETE";

/// What every request handler shares.
pub struct AppState {
    pub store: Arc<Store>,
    pub api_key: String,
    pub api_secret: String,
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// A recognised path: `module/resource` and, for item paths, the decoded id.
struct Route {
    collection: String,
    resource: String,
    id: Option<String>,
}

async fn handle(State(app): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if !authorised(&app, &parts.headers) {
        return envelope::error(
            StatusCode::UNAUTHORIZED,
            "Invalid or missing authentication headers",
        );
    }
    let path = parts.uri.path();
    let method = &parts.method;
    let Some(route) = parse_route(path) else {
        return envelope::error(
            StatusCode::BAD_REQUEST,
            format!("Unknown endpoint: {method} {path}"),
        );
    };
    let store = &app.store;
    match (route.id.as_deref(), method) {
        (None, &Method::GET) => list(store, &route, parts.uri.query().unwrap_or("")),
        (None, &Method::POST) => match read_object(&parts.headers, body).await {
            Ok(object) => {
                let id = store.create(&route.collection, object);
                envelope::ok(&json!({ "id": id }))
            }
            Err(response) => response,
        },
        (None, _) => envelope::method_not_allowed(method.as_str(), path, COLLECTION_METHODS),
        (Some(id), &Method::GET) => store
            .with_record(&route.collection, id, envelope::ok)
            .unwrap_or_else(|| not_found(&route, id)),
        // The body is validated before the lookup: a malformed request is wrong whether or not
        // the record exists.
        (Some(id), &Method::PUT) => match read_object(&parts.headers, body).await {
            Ok(patch) => {
                if store.update(&route.collection, id, patch) {
                    envelope::ok(&json!({ "id": id }))
                } else {
                    not_found(&route, id)
                }
            }
            Err(response) => response,
        },
        (Some(id), &Method::DELETE) => {
            if store.remove(&route.collection, id) {
                envelope::ok(&Value::Null)
            } else {
                not_found(&route, id)
            }
        }
        (Some(_), _) => envelope::method_not_allowed(method.as_str(), path, ITEM_METHODS),
    }
}

fn authorised(app: &AppState, headers: &HeaderMap) -> bool {
    let matches = |name: &str, expected: &str| {
        headers
            .get(name)
            .is_some_and(|value| value.as_bytes() == expected.as_bytes())
    };
    matches("authentication-key", &app.api_key) && matches("authentication-secret", &app.api_secret)
}

fn not_found(route: &Route, id: &str) -> Response {
    envelope::error(
        StatusCode::NOT_FOUND,
        format!("{} with id {id} not found", route.resource),
    )
}

fn list(store: &Store, route: &Route, query: &str) -> Response {
    let params = match ListParams::parse(query) {
        Ok(params) => params,
        Err(message) => return envelope::error(StatusCode::BAD_REQUEST, message),
    };
    store.with_records(&route.collection, |records| {
        let start = params.offset.min(records.len());
        let end = start.saturating_add(params.limit).min(records.len());
        let metadata = params.metadata.map(|wanted| Metadata {
            count: wanted.count.then_some(records.len()),
            limit: wanted.limit.then_some(params.limit),
            offset: wanted.offset.then_some(params.offset),
        });
        envelope::page(&records[start..end], metadata)
    })
}

// ---- paths -------------------------------------------------------------------------------------

/// `/api/v2/{module}/{resource}[/{id}]`, or `None` for anything else.
fn parse_route(path: &str) -> Option<Route> {
    let rest = path.strip_prefix(PREFIX)?;
    let segments: Vec<&str> = rest.split('/').collect();
    if !(2..=3).contains(&segments.len()) {
        return None;
    }
    let module = percent_decode(segments[0]).filter(|s| is_name(s))?;
    let resource = percent_decode(segments[1]).filter(|s| is_name(s))?;
    let id = match segments.get(2) {
        Some(raw) => Some(percent_decode(raw).filter(|s| is_id(s))?),
        None => None,
    };
    Some(Route {
        collection: format!("{module}/{resource}"),
        resource,
        id,
    })
}

/// Module and resource names: Simplicate's are lowercase words.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

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

// ---- query -------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MetadataWanted {
    count: bool,
    limit: bool,
    offset: bool,
}

#[derive(Debug, PartialEq, Eq)]
struct ListParams {
    limit: usize,
    offset: usize,
    metadata: Option<MetadataWanted>,
}

impl ListParams {
    /// `limit`, `offset` and `metadata`; other parameters (filters, sort, select) are not
    /// evaluated yet. A repeated parameter takes its last value, as PHP does.
    fn parse(query: &str) -> Result<ListParams, String> {
        let mut params = ListParams {
            limit: MAX_LIMIT,
            offset: 0,
            metadata: None,
        };
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "limit" => params.limit = parse_count("limit", &value)?.min(MAX_LIMIT),
                "offset" => params.offset = parse_count("offset", &value)?,
                "metadata" => params.metadata = parse_metadata(&value)?,
                _ => {}
            }
        }
        Ok(params)
    }
}

/// A non-negative decimal integer; huge values saturate (an offset past the end is simply an
/// empty page, a huge limit is capped anyway).
fn parse_count(name: &str, value: &str) -> Result<usize, String> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "Invalid value for parameter '{name}': expected a non-negative integer, got '{value}'"
        ));
    }
    Ok(value.parse::<usize>().unwrap_or(usize::MAX))
}

fn parse_metadata(value: &str) -> Result<Option<MetadataWanted>, String> {
    let mut wanted = MetadataWanted {
        count: false,
        limit: false,
        offset: false,
    };
    for word in value.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match word {
            "count" => wanted.count = true,
            "limit" => wanted.limit = true,
            "offset" => wanted.offset = true,
            other => {
                return Err(format!(
                    "Invalid value for parameter 'metadata': unknown field '{other}' \
                     (accepted: count, limit, offset)"
                ))
            }
        }
    }
    let any = wanted.count || wanted.limit || wanted.offset;
    Ok(any.then_some(wanted))
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
    fn routes() {
        let r = parse_route("/api/v2/crm/organization").unwrap();
        assert_eq!((r.collection.as_str(), r.id), ("crm/organization", None));
        let r = parse_route("/api/v2/crm/organization/organization%3Aab-1").unwrap();
        assert_eq!(r.id.as_deref(), Some("organization:ab-1"));
        assert_eq!(r.resource, "organization");
        for bad in [
            "/api/v2/crm",
            "/api/v2/crm/",
            "/api/v2/crm/organization/",
            "/api/v2/a/b/c/d",
            "/api/v2/CRM/organization",
            "/api/v2/crm/org-anization",
            "/api/v2/crm/organization/%zz",
            "/api/v2/crm/organization/%0a",
            "/api/v1/crm/organization",
            "/api/v2crm/organization",
        ] {
            assert!(parse_route(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn list_params() {
        let p = ListParams::parse("limit=500&offset=3&metadata=count,offset").unwrap();
        assert_eq!(p.limit, 100);
        assert_eq!(p.offset, 3);
        let m = p.metadata.unwrap();
        assert!(m.count && m.offset && !m.limit);
        assert!(ListParams::parse("limit=-1").is_err());
        assert!(ListParams::parse("limit=").is_err());
        assert!(ListParams::parse("offset=1.5").is_err());
        assert!(ListParams::parse("metadata=count,total").is_err());
        assert_eq!(ListParams::parse("metadata=").unwrap().metadata, None);
        assert_eq!(
            ListParams::parse("offset=99999999999999999999999")
                .unwrap()
                .offset,
            usize::MAX
        );
    }
}
