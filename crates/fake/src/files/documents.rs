//! Documents backed by uploads: `POST documents/document` with an `upload_queue_id`, the
//! same on `PUT` (the file replaced), and `DELETE` (the record and its bytes).

use axum::response::Response;
use http::StatusCode;
use serde_json::{json, Map, Value};

use super::content::content_type;
use super::uploads::{ClaimError, StoredFile};
use super::{bad_request, body_of, needs, required_string};
use crate::crud::{id_data, not_found};
use crate::envelope;
use crate::routes::Call;
use crate::store::Store;

/// The document type a document names: the seeded (or planted) record's `{id, label}`, else
/// `{id}` as given (`validate.rs` has refused types that do not exist, so that is only a type
/// deleted between the check and the write).
fn document_type(store: &Store, id: &str) -> Value {
    match store.get("documents/documenttype", id) {
        Some(Value::Object(t)) => {
            let mut out = Map::new();
            out.insert("id".to_owned(), Value::from(id));
            if let Some(label) = t.get("label") {
                out.insert("label".to_owned(), label.clone());
            }
            Value::Object(out)
        }
        _ => json!({ "id": id }),
    }
}

/// `linked_to` as the documentation sends it, `{"person_id": "person:…"}`; a list of such
/// objects (the spec's model) is merged into one. At least one `*_id` string.
fn linked_to(body: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    let invalid = || {
        "\"linked_to\" must name what the document belongs to, e.g. \
         {\"person_id\": \"person:…\"}"
            .to_owned()
    };
    let mut merged = Map::new();
    match body.get("linked_to") {
        None | Some(Value::Null) => return Err(needs("linked_to")),
        Some(Value::Object(links)) => merged.extend(links.clone()),
        Some(Value::Array(items)) => {
            for item in items {
                match item {
                    Value::Object(links) => merged.extend(links.clone()),
                    _ => return Err(invalid()),
                }
            }
        }
        Some(_) => return Err(invalid()),
    }
    let names_something = merged
        .iter()
        .any(|(k, v)| k.ends_with("_id") && v.as_str().is_some_and(|s| !s.is_empty()));
    if names_something {
        Ok(merged)
    } else {
        Err(invalid())
    }
}

/// The file fields of a document record: what its download will be.
fn file_fields(record: &mut Map<String, Value>, file: &StoredFile) {
    record.insert("file_name".to_owned(), Value::from(file.file_name.as_str()));
    record.insert("file_size".to_owned(), Value::from(file.bytes.len()));
    record.insert(
        "content_type".to_owned(),
        Value::from(content_type(&file.file_name)),
    );
}

fn claim_error(upload_queue_id: &str, error: ClaimError) -> Response {
    match error {
        ClaimError::Unknown => bad_request(format!(
            "unknown upload_queue_id: {upload_queue_id} (not a completed upload)"
        )),
        ClaimError::Used(document) => bad_request(format!(
            "upload_queue_id {upload_queue_id} was already used for document {document}"
        )),
    }
}

/// `POST documents/document` with `upload_queue_id`: the completed upload becomes a document.
/// `None` when the body has no `upload_queue_id` (a plain create, for `crud.rs`).
pub fn create_document(call: &Call) -> Option<Response> {
    let body = body_of(call);
    let queue_id = match body.get("upload_queue_id") {
        None | Some(Value::Null) => return None,
        Some(Value::String(id)) if !id.is_empty() => id.as_str(),
        Some(other) => {
            return Some(bad_request(format!(
                "\"upload_queue_id\" must be the upload_queue_id of a completed upload, got {other}"
            )))
        }
    };
    let fields = (|| {
        let title = required_string(body, "title")?;
        let type_id = required_string(body, "document_type_id")?;
        let links = linked_to(body)?;
        let description = match body.get("description") {
            None | Some(Value::Null) => "",
            Some(Value::String(s)) => s.as_str(),
            Some(other) => return Err(format!("\"description\" must be a string, got {other}")),
        };
        Ok((title, type_id, links, description))
    })();
    let (title, type_id, links, description) = match fields {
        Ok(fields) => fields,
        Err(message) => return Some(bad_request(message)),
    };
    let store = call.store;
    let created = store.files().claim(queue_id, |file| {
        let mut record = Map::new();
        record.insert("title".to_owned(), Value::from(title));
        record.insert("description".to_owned(), Value::from(description));
        record.insert("document_type".to_owned(), document_type(store, type_id));
        record.insert("linked_to".to_owned(), Value::Object(links));
        record.insert("created_by".to_owned(), Value::Null);
        record.insert("download_url".to_owned(), Value::Null);
        file_fields(&mut record, file);
        let id = store.create_then("documents/document", record, |id, record| {
            // The web application's link, as the seeded documents carry it.
            let url = format!("https://acme.simplicate.nl/v1/storage/download?id={id}");
            record.insert("download_url".to_owned(), Value::from(url));
        });
        Some(id)
    });
    Some(match created {
        Ok(Some(id)) => envelope::ok(&id_data(&id)),
        // `attach` always creates.
        Ok(None) => envelope::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error: the document was not created",
        ),
        Err(e) => claim_error(queue_id, e),
    })
}

/// `PUT documents/document` with `upload_queue_id` (the spec's `PutDocument`): the document
/// `id` gets the upload's file in place of its own; other fields update as a plain PUT would.
/// `None` when the body has no `upload_queue_id`.
pub fn replace_document_file(call: &Call) -> Option<Response> {
    let body = body_of(call);
    let queue_id = match body.get("upload_queue_id") {
        None | Some(Value::Null) => return None,
        Some(Value::String(id)) if !id.is_empty() => id.as_str(),
        Some(other) => {
            return Some(bad_request(format!(
                "\"upload_queue_id\" must be the upload_queue_id of a completed upload, got {other}"
            )))
        }
    };
    let id = match required_string(body, "id") {
        Ok(id) => id,
        Err(message) => return Some(bad_request(message)),
    };
    let store = call.store;
    let replaced = store.files().claim(queue_id, |file| {
        let mut patch: Map<String, Value> = body
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "id" | "upload_queue_id" | "document_type_id"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(type_id) = body.get("document_type_id").and_then(Value::as_str) {
            patch.insert("document_type".to_owned(), document_type(store, type_id));
        }
        file_fields(&mut patch, file);
        store
            .update("documents/document", id, patch)
            .then(|| id.to_owned())
    });
    Some(match replaced {
        Ok(Some(id)) => envelope::ok(&id_data(&id)),
        Ok(None) => not_found("document", id),
        Err(e) => claim_error(queue_id, e),
    })
}

/// `DELETE documents/document/{id}`: the record and its bytes.
pub fn delete_document(call: &Call, id: &str) -> Response {
    if call.store.remove("documents/document", id) {
        call.store.files().forget_document(id);
        envelope::ok(&Value::Null)
    } else {
        not_found("document", id)
    }
}
