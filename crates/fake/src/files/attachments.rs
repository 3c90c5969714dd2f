//! Timeline attachments: `POST timeline/attachment` lists a document in a message's
//! `attachments`; `DELETE` takes it out again.

use axum::response::Response;
use http::StatusCode;
use serde_json::{json, Map, Value};

use super::{bad_request, body_of, find_document, required_string, string_field};
use crate::crud::{id_data, not_found};
use crate::envelope;
use crate::ids;
use crate::routes::Call;

const ATTACHMENTS: &str = "timeline/attachment";
const MESSAGES: &str = "timeline/message";

/// `POST timeline/attachment {"message_id", "document_id"}`: the document becomes an
/// attachment of the message (listed in the message's `attachments`, the spec's `GetMessage`).
pub fn attach(call: &Call) -> Response {
    let body = body_of(call);
    let (message_id, document_id) = match (
        required_string(body, "message_id"),
        required_string(body, "document_id"),
    ) {
        (Ok(m), Ok(d)) => (m, d),
        (Err(message), _) | (_, Err(message)) => return bad_request(message),
    };
    let Some(Value::Object(message)) = call.store.get(MESSAGES, message_id) else {
        return envelope::error(
            StatusCode::NOT_FOUND,
            format!("message_id: message with id {message_id} not found"),
        );
    };
    let Some(document) = find_document(call.store, document_id) else {
        return envelope::error(
            StatusCode::NOT_FOUND,
            format!("document_id: document with id {document_id} not found"),
        );
    };
    let title = string_field(&document, "title").unwrap_or(document_id);
    let attachment_type = json!({
        "id": ids::lookup_id("attachmenttype", "document"),
        "label": "Document",
    });
    let link = format!("/api/v2/documents/download/{document_id}");
    let mut record = Map::new();
    record.insert("message_id".to_owned(), Value::from(message_id));
    record.insert("document_id".to_owned(), Value::from(document_id));
    record.insert("title".to_owned(), Value::from(title));
    record.insert("attachment_type".to_owned(), attachment_type.clone());
    record.insert("download_link".to_owned(), Value::from(link.as_str()));
    let id = call.store.create(ATTACHMENTS, record);
    let mut attachments = match message.get("attachments") {
        Some(Value::Array(list)) => list.clone(),
        _ => Vec::new(),
    };
    attachments.push(json!({
        "id": id,
        "attachment_type": attachment_type,
        "title": title,
        "document_id": document_id,
        "download_link": link,
    }));
    let mut patch = Map::new();
    patch.insert("attachments".to_owned(), Value::Array(attachments));
    call.store.update(MESSAGES, message_id, patch);
    envelope::ok(&id_data(&id))
}

/// `DELETE timeline/attachment/{id}`: the attachment, and its entry in its message.
pub fn detach(call: &Call, id: &str) -> Response {
    let Some(Value::Object(attachment)) = call.store.get(ATTACHMENTS, id) else {
        return not_found("attachment", id);
    };
    if !call.store.remove(ATTACHMENTS, id) {
        return not_found("attachment", id);
    }
    let message_id = string_field(&attachment, "message_id").unwrap_or_default();
    if let Some(Value::Object(message)) = call.store.get(MESSAGES, message_id) {
        if let Some(Value::Array(list)) = message.get("attachments") {
            let kept: Vec<Value> = list
                .iter()
                .filter(|a| a.get("id").and_then(Value::as_str) != Some(id))
                .cloned()
                .collect();
            if kept.len() != list.len() {
                let mut patch = Map::new();
                patch.insert("attachments".to_owned(), Value::Array(kept));
                call.store.update(MESSAGES, message_id, patch);
            }
        }
    }
    envelope::ok(&Value::Null)
}
