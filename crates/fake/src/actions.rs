//! The endpoints that are not plain CRUD: record actions (`duplicate`, `planningBudget`), item
//! endpoints whose records live in another collection (`sales/converttoproject/{id}` shows a
//! sale), merges and merge comparisons, and ordering commands. Each answers in the shape the
//! spec's result models give, from the fake's own data, so a client sees consistent state.
//! Uploads, documents' files and timeline attachments are dispatched from here to `files/`.
//! `special` returns `None` for everything it does not own; `crud.rs` handles the rest.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value};

use super::crud::{id_data, not_found};
use super::envelope;
use super::files;
use super::ids;
use super::routes::Call;
use super::store::Store;
use simplicate_api::registry::{Method, Route};

pub fn special(call: &Call) -> Option<Response> {
    let resource = call.route.resource();
    let key = (resource.module, resource.name);
    let id = call.id.as_deref();
    if let Some(response) = file_endpoints(call, key, id) {
        return Some(response);
    }
    match (call.route, call.method) {
        (Route::Action(_, _, action), _) => {
            let id = id?;
            Some(match action.name {
                "duplicate" => duplicate(call, &resource.path(), resource.name, id),
                "planningBudget" => {
                    planning_budget(call.store, &resource.path(), resource.name, id)
                }
                other => envelope::error(
                    StatusCode::NOT_IMPLEMENTED,
                    format!("The fake does not implement the {other} action"),
                ),
            })
        }
        (Route::Item(..), Method::Get) => {
            let source = match key {
                ("sales", "converttoproject") => "sales/sales",
                ("hours", "employeeexpense") => "hours/employeeexpenses",
                _ => return None,
            };
            let id = id?;
            Some(match call.store.get_raw(source, id) {
                Some(bytes) => envelope::ok_raw(&bytes),
                None => not_found(resource.name, id),
            })
        }
        (Route::Item(..), Method::Put) if key == ("sales", "quoteemail") => {
            Some(append_quote_email(call, id?))
        }
        (Route::Collection(_), Method::Post) => match key {
            ("crm", "mergeorganization") => Some(merge(call, "crm/organization")),
            ("crm", "mergeperson") => Some(merge(call, "crm/person")),
            ("merger", "compareorganization") => Some(compare(call, "crm/organization")),
            ("merger", "compareperson") => Some(compare(call, "crm/person")),
            _ => None,
        },
        (Route::Collection(_), Method::Put) if key == ("hours", "timesheetrow/order") => {
            Some(envelope::ok(&Value::Null))
        }
        (Route::Collection(_), Method::Get) if key == ("hours", "timesheetrow/mostrecent") => {
            Some(most_recent_week(call.store))
        }
        _ => None,
    }
}

/// The chunked upload, documents backed by uploads, downloads and timeline attachments
/// (`files/`). `None` leaves the request to the rest of `special`, then to CRUD: a
/// `documents/document` POST or PUT without `upload_queue_id` is a plain one.
fn file_endpoints(call: &Call, key: (&str, &str), id: Option<&str>) -> Option<Response> {
    match (call.route, call.method, key) {
        (Route::Collection(_), Method::Post, ("upload", "chunked")) => {
            Some(files::start_upload(call))
        }
        (Route::Item(..), Method::Put, ("upload", "chunked")) => Some(files::put_chunk(call, id?)),
        (Route::Collection(_), Method::Post, ("documents", "document")) => {
            files::create_document(call)
        }
        (Route::Collection(_), Method::Put, ("documents", "document")) => {
            files::replace_document_file(call)
        }
        (Route::Item(..), Method::Delete, ("documents", "document")) => {
            Some(files::delete_document(call, id?))
        }
        (Route::Item(..), Method::Get, ("documents", "download")) => {
            Some(files::download(call, id?))
        }
        (Route::Collection(_), Method::Post, ("timeline", "attachment")) => {
            Some(files::attach(call))
        }
        (Route::Item(..), Method::Delete, ("timeline", "attachment")) => {
            Some(files::detach(call, id?))
        }
        _ => None,
    }
}

fn body(call: &Call) -> Map<String, Value> {
    call.body.clone().unwrap_or_default()
}

/// `POST .../{id}/duplicate`: a copy with a new id and fresh timestamps; fields in the body
/// override the copied ones.
fn duplicate(call: &Call, collection: &str, name: &str, id: &str) -> Response {
    let Some(Value::Object(mut record)) = call.store.get(collection, id) else {
        return not_found(name, id);
    };
    for (key, value) in body(call) {
        record.insert(key, value);
    }
    let new_id = call.store.create(collection, record);
    envelope::ok(&id_data(&new_id))
}

/// `GET .../{id}/planningBudget`: the record's budget next to the hours booked on it: seeded
/// entries name their project and service as objects (`project.id`), entries created over the
/// API as ids (`project_id`, the `PostHours` body).
fn planning_budget(store: &Store, collection: &str, name: &str, id: &str) -> Response {
    let Some(record) = store.get(collection, id) else {
        return not_found(name, id);
    };
    let link = if name == "project" {
        "project"
    } else {
        "projectservice"
    };
    let link_id = format!("{link}_id");
    let (mut hours, mut entries) = (0.0_f64, 0_usize);
    store.with_collection("hours/hours", |all| {
        for bytes in all.iter_raw() {
            let entry = super::store::decode(bytes);
            if entry[link]["id"].as_str() == Some(id) || entry[&link_id].as_str() == Some(id) {
                hours += entry["hours"].as_f64().unwrap_or(0.0);
                entries += 1;
            }
        }
    });
    let mut data = Map::new();
    data.insert("id".to_owned(), Value::String(id.to_owned()));
    data.insert("budget".to_owned(), record["budget"].clone());
    data.insert("hours_spent".to_owned(), Value::from(hours));
    data.insert("hours_entries".to_owned(), Value::from(entries));
    envelope::ok(&Value::Object(data))
}

/// `GET hours/timesheetrow/mostrecent`: one `{start_date, end_date}`, the week of the latest
/// timesheet row (null when there are none).
fn most_recent_week(store: &Store) -> Response {
    let latest = store.with_collection("hours/timesheetrow", |rows| {
        rows.iter_raw()
            .filter_map(
                |bytes| match super::store::decode_fields(bytes, &["start_date"]) {
                    Value::Object(mut m) => match m.remove("start_date") {
                        Some(Value::String(date)) => Some(date),
                        _ => None,
                    },
                    _ => None,
                },
            )
            .max()
    });
    envelope::ok(&latest.map_or(Value::Null, |date| super::seed::week_of(&date)))
}

/// `PUT sales/quoteemail/{id}`: append one address to the quote's `emails`.
fn append_quote_email(call: &Call, id: &str) -> Response {
    let Some(Value::Object(quote)) = call.store.get("sales/quote", id) else {
        return not_found("quote", id);
    };
    let Some(email) = body(call).get("email").cloned() else {
        return envelope::error(StatusCode::BAD_REQUEST, "The request body needs \"email\"");
    };
    let mut emails = match quote.get("emails") {
        Some(Value::Array(list)) => list.clone(),
        _ => Vec::new(),
    };
    emails.push(email);
    let mut patch = Map::new();
    patch.insert("emails".to_owned(), Value::Array(emails));
    call.store.update("sales/quote", id, patch);
    envelope::ok(&id_data(id))
}

/// The `source_id`/`target_id` pair of merge bodies, both existing and different; else the
/// status and message of the error answer.
fn pair(call: &Call, collection: &str) -> Result<(String, String), (StatusCode, String)> {
    let body = body(call);
    let field = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                (
                    StatusCode::BAD_REQUEST,
                    format!("The request body needs \"{name}\""),
                )
            })
    };
    let (source, target) = (field("source_id")?, field("target_id")?);
    for id in [&source, &target] {
        if call.store.get_raw(collection, id).is_none() {
            let name = collection.rsplit('/').next().unwrap_or(collection);
            return Err((
                StatusCode::NOT_FOUND,
                format!("{name} with id {id} not found"),
            ));
        }
    }
    if source == target {
        return Err((
            StatusCode::BAD_REQUEST,
            "source_id and target_id are the same record".to_owned(),
        ));
    }
    Ok((source, target))
}

/// `POST crm/merge*`: the source record is merged into the target and disappears.
fn merge(call: &Call, collection: &str) -> Response {
    let (source, target) = match pair(call, collection) {
        Ok(pair) => pair,
        Err((status, message)) => return envelope::error(status, message),
    };
    call.store.remove(collection, &source);
    call.store.update(collection, &target, Map::new());
    let mut data = Map::new();
    data.insert("success".to_owned(), Value::Bool(true));
    data.insert(
        "message".to_owned(),
        Value::String(format!("{source} merged into {target}")),
    );
    envelope::ok(&Value::Object(data))
}

/// `POST merger/compare*`: whether the two records can be merged, with a token.
fn compare(call: &Call, collection: &str) -> Response {
    let (source, target) = match pair(call, collection) {
        Ok(pair) => pair,
        Err((status, message)) => return envelope::error(status, message),
    };
    let swap_lock = body(call)
        .get("swap_lock")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let token = format!(
        "{:016x}",
        ids::fnv1a(format!("{source}|{target}").as_bytes())
    );
    let mut data = Map::new();
    data.insert("is_valid".to_owned(), Value::Bool(true));
    data.insert("token".to_owned(), Value::String(token));
    data.insert("message".to_owned(), Value::String(String::new()));
    data.insert("swap_lock".to_owned(), Value::Bool(swap_lock));
    data.insert("source_id".to_owned(), Value::String(source));
    data.insert("target_id".to_owned(), Value::String(target));
    envelope::ok(&Value::Object(data))
}
