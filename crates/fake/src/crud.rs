//! The plain endpoints: list a collection (the whole query language), and get, create, update
//! and delete records. Which of these a path offers is the registry's business, checked before
//! any of this runs.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value};

use super::envelope::{self, Metadata};
use super::ids;
use super::routes::Call;
use super::store::{self, Store};
use simplicate_api::query::{MetadataKey, Query, MAX_LIMIT};
use simplicate_api::registry::{Method, Route};

/// Collections whose item GET the real API has been reported to answer with a one-element list
/// (`"data": [{record}]`) instead of the record: served that way while the store serves the
/// real API's quirks (`Store::quirks`), as the plain record otherwise.
const LISTED_ITEMS: &[&str] = &["crm/contactperson"];

pub fn handle(call: &Call) -> Response {
    let resource = call.route.resource();
    let collection = resource.path();
    match (call.route, call.method, call.id.as_deref()) {
        (Route::Collection(_), Method::Get, _) => list(call.store, &collection, call.query),
        (Route::Collection(_), Method::Post, _) => {
            let id = call.store.create(&collection, body(call));
            envelope::ok(&id_data(&id))
        }
        // `document GPU`: a PUT on the collection names its record in the body.
        (Route::Collection(_), Method::Put, _) => {
            let body = body(call);
            match body.get("id").and_then(Value::as_str).map(str::to_owned) {
                Some(id) => update(call.store, &collection, resource.name, &id, body),
                None => envelope::error(
                    StatusCode::BAD_REQUEST,
                    "The request body must name the record to update in \"id\"",
                ),
            }
        }
        (Route::Item(..), Method::Get, Some(id)) => match call.store.get_raw(&collection, id) {
            Some(bytes) if call.store.quirks() && LISTED_ITEMS.contains(&collection.as_str()) => {
                envelope::ok_raw(&[b"[", bytes.as_slice(), b"]"].concat())
            }
            Some(bytes) => envelope::ok_raw(&bytes),
            None => not_found(resource.name, id),
        },
        (Route::Item(..), Method::Put, Some(id)) => {
            update(call.store, &collection, resource.name, id, body(call))
        }
        // Two item POSTs in the spec: `customfields/option/{id}` "Creates an option" (for the
        // custom field `id`), `customfields/group/{id}` "Updates an group".
        (Route::Item(..), Method::Post, Some(id)) if resource.name == "option" => {
            let mut body = body(call);
            body.insert("customfield_id".to_owned(), Value::String(id.to_owned()));
            let new_id = call.store.create(&collection, body);
            envelope::ok(&id_data(&new_id))
        }
        (Route::Item(..), Method::Post, Some(id)) => {
            update(call.store, &collection, resource.name, id, body(call))
        }
        (Route::Item(..), Method::Delete, Some(id)) => {
            if call.store.remove(&collection, id) {
                envelope::ok(&Value::Null)
            } else {
                not_found(resource.name, id)
            }
        }
        _ => envelope::error(
            StatusCode::NOT_IMPLEMENTED,
            format!(
                "The fake does not implement {} on {collection}",
                call.method
            ),
        ),
    }
}

fn body(call: &Call) -> Map<String, Value> {
    call.body.clone().unwrap_or_default()
}

pub fn id_data(id: &str) -> Value {
    let mut data = Map::new();
    data.insert("id".to_owned(), Value::String(id.to_owned()));
    Value::Object(data)
}

pub fn not_found(resource: &str, id: &str) -> Response {
    envelope::error(
        StatusCode::NOT_FOUND,
        format!("{resource} with id {id} not found"),
    )
}

fn update(
    store: &Store,
    collection: &str,
    name: &str,
    id: &str,
    patch: Map<String, Value>,
) -> Response {
    if store.update(collection, id, patch) {
        envelope::ok(&id_data(id))
    } else {
        not_found(name, id)
    }
}

/// A list answer: the query language evaluated over the stored records. A plain page (no
/// filter, sort or select) is served from the stored bytes; otherwise records are parsed one at
/// a time and only the page's own records are kept.
///
/// `metadata=` words, the spec's `MetaData` model: `count` the matching records (ignoring
/// limit and offset, as documented), `total_count` the whole collection (ignoring the filters
/// too), `offset` and `limit` as served (the limit after the cap), `upper_limit` the cap itself
/// ([`MAX_LIMIT`]), `nocleanup` always `false` (the fake never leaves output uncleaned, whatever
/// the real flag means), `checksum` as [`checksum`] computes it.
pub fn list(store: &Store, collection: &str, query: &str) -> Response {
    let query = match Query::from_query_string(query) {
        Ok(query) => query,
        Err(e) => return envelope::error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let compiled = query.compile();
    let (offset, limit) = compiled.page();
    store.with_collection(collection, |records| {
        let metadata = |count: usize, page: &[&[u8]]| {
            (!query.metadata.is_empty()).then(|| Metadata {
                count: query.wants(MetadataKey::Count).then_some(count),
                total_count: query
                    .wants(MetadataKey::TotalCount)
                    .then_some(records.len()),
                offset: query.wants(MetadataKey::Offset).then_some(offset),
                limit: query.wants(MetadataKey::Limit).then_some(limit),
                upper_limit: query.wants(MetadataKey::UpperLimit).then_some(MAX_LIMIT),
                nocleanup: query.wants(MetadataKey::NoCleanup).then_some(false),
                checksum: query.wants(MetadataKey::Checksum).then(|| checksum(page)),
            })
        };
        if compiled.is_plain() {
            let start = offset.min(records.len());
            let end = start.saturating_add(limit).min(records.len());
            let page: Vec<&[u8]> = (start..end).filter_map(|i| records.raw_at(i)).collect();
            let metadata = metadata(records.len(), &page);
            return envelope::page_raw(page.into_iter(), metadata);
        }
        // Which records form the page depends on the fields filters and sort read alone.
        let fields = compiled.fields_read();
        let located = match records.projected(&fields) {
            Some(projected) => compiled.locate_page(projected.iter().enumerate()),
            None => compiled.locate_page(
                records
                    .iter_raw()
                    .map(|bytes| store::decode_fields(bytes, &fields))
                    .enumerate(),
            ),
        };
        let raw: Vec<&[u8]> = located
            .positions
            .iter()
            .filter_map(|&p| records.raw_at(p))
            .collect();
        let page: Vec<Value> = raw
            .iter()
            .map(|bytes| compiled.project(&store::decode(bytes)).into_owned())
            .collect();
        envelope::page(&page, metadata(located.count, &raw))
    })
}

/// `metadata=checksum`: what the spec names but nobody documents. Ours: 16 hex digits of
/// FNV-1a over the `id` and `updated_at` of the page's records, in page order, read from the
/// stored records whatever `select` keeps. The same page of unchanged data always has the same
/// checksum; a record that appears, disappears, moves or is updated changes it. So a client
/// can tell whether a page it fetched before is still what the server holds.
fn checksum(page: &[&[u8]]) -> String {
    let mut text = Vec::with_capacity(page.len() * 64);
    for bytes in page {
        let fields = store::decode_fields(bytes, &["id", "updated_at"]);
        for key in ["id", "updated_at"] {
            if let Some(value) = fields.get(key) {
                // A string's text, anything else its JSON (null, a number an id was planted as).
                match value {
                    Value::String(s) => text.extend_from_slice(s.as_bytes()),
                    other => text.extend_from_slice(other.to_string().as_bytes()),
                }
            }
            text.push(0);
        }
        text.push(b'\n');
    }
    format!("{:016x}", ids::fnv1a(&text))
}
