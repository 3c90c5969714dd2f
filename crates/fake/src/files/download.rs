//! `GET documents/download/{id}`: a document's bytes (uploaded, else generated) with the
//! headers a download carries.

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use serde_json::{Map, Value};

use super::content::{content_type, generated_content};
use super::{find_document, string_field};
use crate::crud::not_found;
use crate::routes::Call;

/// `GET documents/download/{id}`: the document's file.
pub fn download(call: &Call, id: &str) -> Response {
    let Some(record) = find_document(call.store, id) else {
        return not_found("document", id);
    };
    if let Some(file) = call.store.files().document(id) {
        let name = string_field(&record, "file_name").unwrap_or(&file.file_name);
        file_response(name, file.bytes)
    } else {
        let name = file_name_of(&record, id);
        let title = string_field(&record, "title").unwrap_or(id);
        let bytes = generated_content(&name, title, id);
        file_response(&name, Bytes::from(bytes))
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `attachment; filename="<name>"` (RFC 6266); a name that is not plain printable ASCII gets
/// `_` for the other characters there and its exact UTF-8 form in `filename*`.
pub fn content_disposition(file_name: &str) -> String {
    let mut plain = String::with_capacity(file_name.len());
    let mut exact = true;
    for c in file_name.chars() {
        match c {
            '"' | '\\' => {
                plain.push('\\');
                plain.push(c);
            }
            ' '..='~' => plain.push(c),
            _ => {
                plain.push('_');
                exact = false;
            }
        }
    }
    let mut value = format!("attachment; filename=\"{plain}\"");
    if !exact {
        value.push_str("; filename*=UTF-8''");
        for b in file_name.bytes() {
            // RFC 5987 attr-char
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                value.push(b as char);
            } else {
                value.push_str(&format!("%{b:02X}"));
            }
        }
    }
    value
}

/// 200 with a file's bytes (shared, not copied).
fn file_response(file_name: &str, bytes: Bytes) -> Response {
    let len = bytes.len();
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(content_type(file_name)),
    );
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(file_name))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    response
}

/// How a document's file is named: its `file_name`, else its title, else its id.
fn file_name_of(record: &Map<String, Value>, id: &str) -> String {
    string_field(record, "file_name")
        .or_else(|| string_field(record, "title"))
        .unwrap_or(id)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_and_urls() {
        assert_eq!(
            content_disposition("simplicate-logo.png"),
            "attachment; filename=\"simplicate-logo.png\""
        );
        assert_eq!(
            content_disposition("a \"b\".pdf"),
            "attachment; filename=\"a \\\"b\\\".pdf\""
        );
        assert_eq!(
            content_disposition("café\r\n.pdf"),
            "attachment; filename=\"caf___.pdf\"; filename*=UTF-8''caf%C3%A9%0D%0A.pdf"
        );
        assert!(HeaderValue::from_str(&content_disposition("x\u{0}y\u{7f}")).is_ok());
        assert_eq!(percent_encode("simplicate-logo.png"), "simplicate-logo.png");
        assert_eq!(percent_encode("a b&c.pdf"), "a%20b%26c.pdf");
    }
}
