//! Files: the chunked upload state machine, completed uploads, the bytes behind documents, and
//! the endpoints that use them. The flow is the documentation's "Uploading, Linking, and Using
//! Files" and "Obtaining the PDF of an invoice":
//!
//! 1. `POST upload/chunked {"file_name", "file_size"}` → `{"chunked_upload_id": "chunkedupload:…"}`.
//! 2. `PUT upload/chunked/{id} {"chunk": "<base64>"}`, repeatedly. Each chunk is standard base64
//!    (with padding) of at most [`MAX_CHUNK_CHARS`] characters ("500 kB base64 encoded"),
//!    decoded on its own and appended. The answer counts the chunks (`pointer`) and the bytes
//!    (`file_size_current` of `file_size_expected`); when the bytes reach the announced size the
//!    state is `done`, the answer carries `upload_queue_id` and `download_url`, and the file
//!    moves to the completed uploads. A chunk that would pass the announced size is refused
//!    whole (nothing appended); after `done` no chunk is accepted.
//! 3. `POST documents/document {"upload_queue_id", "title", "document_type_id", "linked_to"}`
//!    turns a completed upload into a document; its bytes are kept under the document's id.
//!    Each upload backs at most one document.
//! 4. `GET documents/download/{id}` serves a document's bytes (`application/pdf` for `.pdf`
//!    names, `application/octet-stream` otherwise, as the documentation says). Documents without
//!    uploaded bytes (the seed data's, and invoice documents) get deterministic generated
//!    content: a small PDF naming the document for `.pdf` names, a few hundred bytes otherwise.
//! 5. `POST timeline/attachment {"message_id", "document_id"}` links a document to a timeline
//!    message.
//!
//! Where the documentation is silent, the fake's choices (and so our client's assumptions about
//! the real API):
//! - **An empty chunk is a probe.** `PUT … {"chunk": ""}` appends nothing and answers the
//!   upload's current state (the done state, with its `upload_queue_id`, once done). A client
//!   whose PUT got no answer (timeout, dropped connection) sends one to learn
//!   `file_size_current`, and so resumes without appending a chunk twice. The real API
//!   documents no way to ask; we assume it answers an empty chunk like this.
//! - `pointer` counts the non-empty chunks accepted so far (the documentation shows 1 after the
//!   first chunk, whether or not it finished the file).
//! - `file_size` may also be a string of decimal digits (the spec's `PostChunked` model types it
//!   as a string; the documentation sends a number). The spec's `PutChunked.checksum` is
//!   undocumented and ignored.
//! - `download_url` is `/download?name=<file_name>`, the name percent-encoded (a no-op for the
//!   documentation's `simplicate-logo.png`).
//! - A document's `content_type` field holds what its download is served as.
//!
//! Memory: an upload's buffer is allocated once, at its announced size (up to
//! [`RESERVE_LIMIT`]; beyond that it grows as chunks arrive), and becomes a [`Bytes`] without a
//! copy when the upload completes; the completed upload, the document and every download share
//! that one buffer. A 200 MB file costs 200 MB.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use http::StatusCode;
use serde_json::{json, Map, Value};

use super::crud::{id_data, not_found};
use super::envelope;
use super::ids::{self, fnv1a, SplitMix64};
use super::routes::Call;
use super::store::Store;

/// The longest chunk accepted, in base64 characters: "each chunk must not exceed 500 kB (base64
/// encoded)". 500,000 characters carry exactly 375,000 bytes.
pub const MAX_CHUNK_CHARS: usize = 500_000;

/// Uploads announcing at most this many bytes get their whole buffer at the first chunk; larger
/// ones grow with the chunks (an announced size is only a promise).
pub const RESERVE_LIMIT: u64 = 1 << 30;

/// Mixed into the seed for the stream minting upload ids, apart from the store's own stream.
const FILES_STREAM: u64 = 0xf11e_5c4a_77ed_0b1d;

/// Where documents live: `documents/document` is where uploads become documents; invoice
/// documents are seeded; the module collections take plain creates. Downloads and timeline
/// attachments find a document in any of them.
pub const DOCUMENT_COLLECTIONS: &[&str] = &[
    "documents/document",
    "invoices/document",
    "crm/document",
    "projects/document",
    "sales/document",
    "hrm/document",
];

const PDF: &str = "application/pdf";
const OCTET_STREAM: &str = "application/octet-stream";

// ---- the store of files ------------------------------------------------------------------------

/// A file's name and bytes (cheap to clone: the bytes are shared).
#[derive(Clone)]
pub struct StoredFile {
    pub file_name: String,
    pub bytes: Bytes,
}

impl fmt::Debug for StoredFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredFile")
            .field("file_name", &self.file_name)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Where an upload stands: what a PUT answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadState {
    /// Non-empty chunks accepted so far.
    pub pointer: u64,
    pub current: u64,
    pub expected: u64,
    /// Set once the upload is done.
    pub upload_queue_id: Option<String>,
    pub file_name: String,
}

impl UploadState {
    pub fn done(&self) -> bool {
        self.upload_queue_id.is_some()
    }

    /// The `data` of a PUT answer, fields in the documentation's order.
    fn to_json(&self) -> Value {
        let mut data = Map::new();
        data.insert("pointer".to_owned(), Value::from(self.pointer));
        let state = if self.done() { "done" } else { "in_progress" };
        data.insert("state".to_owned(), Value::from(state));
        if let Some(id) = &self.upload_queue_id {
            data.insert("upload_queue_id".to_owned(), Value::from(id.as_str()));
        }
        data.insert("file_size_current".to_owned(), Value::from(self.current));
        data.insert("file_size_expected".to_owned(), Value::from(self.expected));
        if self.done() {
            let url = format!("/download?name={}", percent_encode(&self.file_name));
            data.insert("download_url".to_owned(), Value::from(url));
        }
        Value::Object(data)
    }
}

/// Why a chunk was not appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendError {
    NotFound,
    Done,
    /// The chunk would take the file past its announced size.
    TooLong {
        current: u64,
        chunk: u64,
        expected: u64,
    },
    /// The fake could not allocate the memory.
    NoMemory(u64),
}

/// Why an upload cannot back a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimError {
    /// No completed upload has this id.
    Unknown,
    /// It backs a document already (its id).
    Used(String),
}

struct Upload {
    file_name: String,
    expected: u64,
    current: u64,
    pointer: u64,
    /// The bytes so far; moved to the completed uploads when done.
    data: Vec<u8>,
    upload_queue_id: Option<String>,
}

impl Upload {
    fn progress(&self) -> UploadState {
        UploadState {
            pointer: self.pointer,
            current: self.current,
            expected: self.expected,
            upload_queue_id: self.upload_queue_id.clone(),
            file_name: self.file_name.clone(),
        }
    }
}

struct Completed {
    file_name: String,
    /// `None` once it backs a document (which holds the bytes from then on).
    bytes: Option<Bytes>,
    document_id: Option<String>,
}

struct Inner {
    /// By chunked_upload_id; done uploads stay (without their bytes) to answer probes.
    uploads: HashMap<String, Upload>,
    /// By upload_queue_id.
    completed: HashMap<String, Completed>,
    /// By document id.
    documents: HashMap<String, StoredFile>,
    ids: SplitMix64,
}

impl Inner {
    fn new(seed: u64) -> Inner {
        Inner {
            uploads: HashMap::new(),
            completed: HashMap::new(),
            documents: HashMap::new(),
            ids: SplitMix64::new(seed ^ FILES_STREAM),
        }
    }
}

/// The files of one fake server: uploads by chunked_upload_id, completed uploads by
/// upload_queue_id, document bytes by document id. One mutex; decoding happens outside it.
pub struct Files {
    seed: u64,
    inner: Mutex<Inner>,
}

impl fmt::Debug for Files {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("Files")
            .field("uploads", &inner.uploads.len())
            .field("completed", &inner.completed.len())
            .field("documents", &inner.documents.len())
            .finish()
    }
}

impl Files {
    pub fn new(seed: u64) -> Files {
        Files {
            seed,
            inner: Mutex::new(Inner::new(seed)),
        }
    }

    // Every change is a few map operations that cannot panic half-way, so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets every upload and file, and restarts the id stream.
    pub fn reset(&self) {
        *self.lock() = Inner::new(self.seed);
    }

    /// A new upload of `expected` bytes; its chunked_upload_id.
    pub fn start(&self, file_name: String, expected: u64) -> String {
        let mut inner = self.lock();
        let Inner { uploads, ids, .. } = &mut *inner;
        let id = mint(ids, "chunkedupload", |id| uploads.contains_key(id));
        uploads.insert(
            id.clone(),
            Upload {
                file_name,
                expected,
                current: 0,
                pointer: 0,
                data: Vec::new(),
                upload_queue_id: None,
            },
        );
        id
    }

    /// The upload's state, without changing it.
    pub fn progress(&self, id: &str) -> Option<UploadState> {
        self.lock().uploads.get(id).map(Upload::progress)
    }

    /// Appends one decoded chunk (an empty one changes nothing); when the file is complete it
    /// moves to the completed uploads under a new upload_queue_id.
    pub fn append(&self, id: &str, chunk: &[u8]) -> Result<UploadState, AppendError> {
        let mut inner = self.lock();
        let Inner {
            uploads,
            completed,
            ids,
            ..
        } = &mut *inner;
        let upload = uploads.get_mut(id).ok_or(AppendError::NotFound)?;
        if upload.upload_queue_id.is_some() {
            return Err(AppendError::Done);
        }
        if chunk.is_empty() {
            return Ok(upload.progress());
        }
        let len = chunk.len() as u64;
        let total = upload.current.saturating_add(len);
        if total > upload.expected {
            return Err(AppendError::TooLong {
                current: upload.current,
                chunk: len,
                expected: upload.expected,
            });
        }
        if upload.data.capacity() == 0 && upload.expected <= RESERVE_LIMIT {
            // One allocation for the whole file, so completing it needs no copy. Should the
            // system refuse, the buffer grows as usual below.
            if let Ok(n) = usize::try_from(upload.expected) {
                let _ = upload.data.try_reserve_exact(n);
            }
        }
        if upload.data.try_reserve(chunk.len()).is_err() {
            return Err(AppendError::NoMemory(total));
        }
        upload.data.extend_from_slice(chunk);
        upload.current = total;
        upload.pointer += 1;
        if total == upload.expected {
            let queue_id = mint(ids, "uploadqueue", |id| completed.contains_key(id));
            let data = std::mem::take(&mut upload.data);
            completed.insert(
                queue_id.clone(),
                Completed {
                    file_name: upload.file_name.clone(),
                    bytes: Some(Bytes::from(data)),
                    document_id: None,
                },
            );
            upload.upload_queue_id = Some(queue_id);
        }
        Ok(upload.progress())
    }

    /// Lets the completed upload `upload_queue_id` back a document: `attach` gets the file and
    /// returns the document's id (creating or updating its record), or `None` to give up (then
    /// the upload stays unused). The whole exchange holds the files lock, so one upload can never
    /// back two documents. Lock order: files, then the store; nothing takes them the other way.
    pub fn claim(
        &self,
        upload_queue_id: &str,
        attach: impl FnOnce(&StoredFile) -> Option<String>,
    ) -> Result<Option<String>, ClaimError> {
        let mut inner = self.lock();
        let Inner {
            completed,
            documents,
            ..
        } = &mut *inner;
        let entry = completed
            .get_mut(upload_queue_id)
            .ok_or(ClaimError::Unknown)?;
        let bytes = match (&entry.bytes, &entry.document_id) {
            (Some(bytes), None) => bytes.clone(),
            (_, Some(document)) => return Err(ClaimError::Used(document.clone())),
            (None, None) => return Err(ClaimError::Unknown),
        };
        let file = StoredFile {
            file_name: entry.file_name.clone(),
            bytes,
        };
        let Some(document_id) = attach(&file) else {
            return Ok(None);
        };
        entry.bytes = None;
        entry.document_id = Some(document_id.clone());
        documents.insert(document_id.clone(), file);
        Ok(Some(document_id))
    }

    /// The uploaded file behind a document, if it has one.
    pub fn document(&self, id: &str) -> Option<StoredFile> {
        self.lock().documents.get(id).cloned()
    }

    /// Drops a document's bytes (the document was deleted).
    pub fn forget_document(&self, id: &str) {
        self.lock().documents.remove(id);
    }
}

/// "<prefix>:<32 hex>", not yet `taken`.
fn mint(ids: &mut SplitMix64, prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    loop {
        let id = ids::new_record_id(prefix, ids);
        if !taken(&id) {
            return id;
        }
    }
}

// ---- base64 ------------------------------------------------------------------------------------

/// Why a chunk is refused before it reaches an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkError {
    /// Longer than [`MAX_CHUNK_CHARS`]: its length in characters.
    TooLong(usize),
    /// Not standard padded base64: why.
    NotBase64(String),
}

impl fmt::Display for ChunkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChunkError::TooLong(n) => {
                write!(f, "chunk exceeds 500 kB (base64 encoded): {n} characters")
            }
            ChunkError::NotBase64(why) => write!(f, "chunk is not valid base64: {why}"),
        }
    }
}

/// A chunk's bytes: standard base64 (`A–Z a–z 0–9 + /`), padded with `=` to a multiple of four
/// characters, no whitespace, at most [`MAX_CHUNK_CHARS`] characters. Unused bits of the last
/// character are ignored, as PHP's `base64_decode` does.
pub fn decode_chunk(chunk: &str) -> Result<Vec<u8>, ChunkError> {
    if chunk.len() > MAX_CHUNK_CHARS {
        let chars = chunk.chars().count();
        if chars > MAX_CHUNK_CHARS {
            return Err(ChunkError::TooLong(chars));
        }
    }
    let input = chunk.as_bytes();
    if !input.len().is_multiple_of(4) {
        return Err(ChunkError::NotBase64(format!(
            "its length, {}, is not a multiple of 4",
            input.len()
        )));
    }
    let padding = input.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return Err(ChunkError::NotBase64(format!(
            "it ends in {padding} '=' (at most 2)"
        )));
    }
    let data = &input[..input.len() - padding];
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    for (i, &b) in data.iter().enumerate() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => {
                let shown = chunk[i..].chars().next().unwrap_or('?');
                return Err(ChunkError::NotBase64(format!(
                    "unexpected {shown:?} at position {i}"
                )));
            }
        };
        acc = acc << 6 | u32::from(v);
        if i % 4 == 3 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
        }
    }
    // The last, padded quad: 2 characters carry 1 byte, 3 carry 2.
    match data.len() % 4 {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    Ok(out)
}

// ---- generated content -------------------------------------------------------------------------

/// Whether a file is served as a PDF: its name ends in ".pdf", any case.
pub fn is_pdf(file_name: &str) -> bool {
    file_name.len() >= 4
        && file_name.is_char_boundary(file_name.len() - 4)
        && file_name[file_name.len() - 4..].eq_ignore_ascii_case(".pdf")
}

/// The Content-Type a file is downloaded with, per the documentation: PDF or octet-stream.
pub fn content_type(file_name: &str) -> &'static str {
    if is_pdf(file_name) {
        PDF
    } else {
        OCTET_STREAM
    }
}

/// What a document without uploaded bytes downloads as, a pure function of its file name,
/// title and id: a one-page PDF showing the title and id for `.pdf` names; otherwise a line
/// naming the document followed by 256–511 pseudo-random bytes.
pub fn generated_content(file_name: &str, title: &str, id: &str) -> Vec<u8> {
    if is_pdf(file_name) {
        return generated_pdf(title, id);
    }
    let mut out = format!("Simplicate fake document {id}: {title}\n").into_bytes();
    let mut rng = SplitMix64::new(fnv1a(id.as_bytes()) ^ fnv1a(file_name.as_bytes()));
    let total = (256 + rng.below(256) as usize).max(out.len());
    while out.len() < total {
        out.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    out.truncate(total);
    out
}

/// A small well-formed PDF 1.4 (catalog, one page, Helvetica, an info dictionary and a correct
/// cross-reference table) showing the title and id.
fn generated_pdf(title: &str, id: &str) -> Vec<u8> {
    let (title, id) = (pdf_string(title), pdf_string(id));
    let text = format!("BT /F1 14 Tf 72 770 Td ({title}) Tj 0 -20 Td ({id}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Title ({title}) /Subject ({id}) /Producer (simplicate fake) >>"),
    ];
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.extend_from_slice(table.as_bytes());
    out
}

/// Text for a PDF literal string: `\`, `(` and `)` escaped, bytes outside printable ASCII as
/// octal escapes.
fn pdf_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'\\' | b'(' | b')' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

// ---- HTTP helpers ------------------------------------------------------------------------------

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
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

fn bad_request(message: impl Into<String>) -> Response {
    envelope::error(StatusCode::BAD_REQUEST, message)
}

fn needs(field: &str) -> String {
    format!("The request body needs \"{field}\"")
}

/// A non-empty string field of the body, or the message of the 400 naming it.
fn required_string<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, String> {
    match body.get(field) {
        None | Some(Value::Null) => Err(needs(field)),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(other) => Err(format!(
            "\"{field}\" must be a non-empty string, got {other}"
        )),
    }
}

fn empty_body() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

fn body_of<'a>(call: &'a Call) -> &'a Map<String, Value> {
    call.body.as_ref().unwrap_or_else(|| empty_body())
}

/// The record of document `id` in whichever document collection holds it.
pub fn find_document(store: &Store, id: &str) -> Option<Map<String, Value>> {
    DOCUMENT_COLLECTIONS
        .iter()
        .find_map(|collection| match store.get(collection, id) {
            Some(Value::Object(record)) => Some(record),
            _ => None,
        })
}

fn string_field<'a>(record: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    record
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// How a document's file is named: its `file_name`, else its title, else its id.
fn file_name_of(record: &Map<String, Value>, id: &str) -> String {
    string_field(record, "file_name")
        .or_else(|| string_field(record, "title"))
        .unwrap_or(id)
        .to_owned()
}

// ---- endpoints ---------------------------------------------------------------------------------

/// `POST upload/chunked {"file_name", "file_size"}`.
pub fn start_upload(call: &Call) -> Response {
    let body = body_of(call);
    let file_name = match required_string(body, "file_name") {
        Ok(name) => name.to_owned(),
        Err(message) => return bad_request(message),
    };
    let file_size = match body.get("file_size") {
        None | Some(Value::Null) => return bad_request(needs("file_size")),
        Some(value) => match parse_size(value) {
            Some(size) => size,
            None => {
                return bad_request(format!(
                    "\"file_size\" must be the file's size in bytes, a whole number of at least 1, got {value}"
                ))
            }
        },
    };
    let id = call.store.files().start(file_name, file_size);
    envelope::ok(&json!({ "chunked_upload_id": id }))
}

/// A JSON integer ≥ 1, or a string of decimal digits with that value.
fn parse_size(value: &Value) -> Option<u64> {
    let size = match value {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()?
        }
        _ => return None,
    };
    (size >= 1).then_some(size)
}

fn upload_not_found(id: &str) -> Response {
    not_found("chunked upload", id)
}

/// `PUT upload/chunked/{id} {"chunk": "<base64>"}`.
pub fn put_chunk(call: &Call, id: &str) -> Response {
    let files = call.store.files();
    let Some(before) = files.progress(id) else {
        return upload_not_found(id);
    };
    let chunk = match body_of(call).get("chunk") {
        None | Some(Value::Null) => return bad_request(needs("chunk")),
        Some(Value::String(chunk)) => chunk,
        Some(other) => {
            return bad_request(format!(
                "\"chunk\" must be a string of base64, got {}",
                json_kind(other)
            ))
        }
    };
    if chunk.is_empty() {
        return envelope::ok(&before.to_json());
    }
    if before.done() {
        return done_error();
    }
    let bytes = match decode_chunk(chunk) {
        Ok(bytes) => bytes,
        Err(e) => return bad_request(e.to_string()),
    };
    match files.append(id, &bytes) {
        Ok(progress) => envelope::ok(&progress.to_json()),
        Err(AppendError::NotFound) => upload_not_found(id),
        Err(AppendError::Done) => done_error(),
        Err(AppendError::TooLong {
            current,
            chunk,
            expected,
        }) => bad_request(format!(
            "chunk of {chunk} bytes would make the file {} bytes, more than its file_size of \
             {expected}; nothing was appended ({current} bytes so far)",
            current.saturating_add(chunk)
        )),
        Err(AppendError::NoMemory(total)) => envelope::error(
            StatusCode::INSUFFICIENT_STORAGE,
            format!("The fake could not allocate memory for a file of {total} bytes"),
        ),
    }
}

fn done_error() -> Response {
    bad_request("upload is done; no new chunks are accepted")
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

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

/// `GET documents/download/{id}`: the document's file.
pub fn download(call: &Call, id: &str) -> Response {
    let Some(record) = find_document(call.store, id) else {
        return not_found("document", id);
    };
    match call.store.files().document(id) {
        Some(file) => {
            let name = string_field(&record, "file_name").unwrap_or(&file.file_name);
            file_response(name, file.bytes)
        }
        None => {
            let name = file_name_of(&record, id);
            let title = string_field(&record, "title").unwrap_or(id);
            let bytes = generated_content(&name, title, id);
            file_response(&name, Bytes::from(bytes))
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(bytes: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for group in bytes.chunks(3) {
            let n =
                group.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - group.len()));
            for k in 0..4 {
                if k <= group.len() {
                    out.push(ABC[(n >> (18 - 6 * k) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn base64_round_trips_and_refuses_what_is_not_standard() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(decode_chunk(&encode(&bytes)).unwrap(), bytes, "{len}");
        }
        assert_eq!(decode_chunk("TWFu").unwrap(), b"Man");
        assert_eq!(decode_chunk("TWE=").unwrap(), b"Ma");
        assert_eq!(decode_chunk("TQ==").unwrap(), b"M");
        // Unused bits set: PHP accepts, so do we.
        assert_eq!(decode_chunk("TR==").unwrap(), b"M");
        for bad in [
            "TWF", "TWFuT", "TQ=", "T===", "====", "TW=u", "=TWF", "TWF-", "TW_u", "TWFu\n",
            " TWFu", "TWFu====", "TWé=",
        ] {
            let e = decode_chunk(bad).unwrap_err();
            assert!(matches!(e, ChunkError::NotBase64(_)), "{bad:?} gave {e:?}");
            assert!(
                e.to_string().starts_with("chunk is not valid base64"),
                "{e}"
            );
        }
        let longest = "A".repeat(MAX_CHUNK_CHARS);
        assert_eq!(decode_chunk(&longest).unwrap().len(), 375_000);
        let e = decode_chunk(&"A".repeat(MAX_CHUNK_CHARS + 1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "chunk exceeds 500 kB (base64 encoded): 500001 characters"
        );
        // Characters, not bytes: 500,000 two-byte characters are not too long, just not base64.
        let wide = "é".repeat(MAX_CHUNK_CHARS);
        assert!(matches!(decode_chunk(&wide), Err(ChunkError::NotBase64(_))));
    }

    #[test]
    fn state_machine() {
        let files = Files::new(0);
        let id = files.start("a.bin".into(), 5);
        assert!(id.starts_with("chunkedupload:") && id.len() == "chunkedupload:".len() + 32);
        let p = files.progress(&id).unwrap();
        assert_eq!(
            (p.pointer, p.current, p.expected, p.done()),
            (0, 0, 5, false)
        );
        assert_eq!(files.append(&id, b"").unwrap(), p);
        assert_eq!(files.append(&id, b"abc").unwrap().pointer, 1);
        assert_eq!(
            files.append(&id, b"def"),
            Err(AppendError::TooLong {
                current: 3,
                chunk: 3,
                expected: 5
            })
        );
        let done = files.append(&id, b"de").unwrap();
        assert_eq!((done.pointer, done.current), (2, 5));
        let queue = done.upload_queue_id.clone().unwrap();
        assert!(queue.starts_with("uploadqueue:"));
        assert_eq!(files.append(&id, b"x"), Err(AppendError::Done));
        assert_eq!(files.append(&id, b""), Err(AppendError::Done));
        assert_eq!(files.progress(&id).unwrap(), done);
        assert_eq!(
            files.append("chunkedupload:x", b"x"),
            Err(AppendError::NotFound)
        );

        // Giving up leaves the upload unused; using it binds it for good.
        assert_eq!(files.claim(&queue, |_| None), Ok(None));
        let got = files.claim(&queue, |file| {
            assert_eq!(
                (&file.file_name[..], &file.bytes[..]),
                ("a.bin", &b"abcde"[..])
            );
            Some("document:1".to_owned())
        });
        assert_eq!(got, Ok(Some("document:1".to_owned())));
        assert_eq!(
            files.claim(&queue, |_| Some("document:2".into())),
            Err(ClaimError::Used("document:1".into()))
        );
        assert_eq!(
            files.claim("uploadqueue:nope", |_| Some("d".into())),
            Err(ClaimError::Unknown)
        );
        assert_eq!(&files.document("document:1").unwrap().bytes[..], b"abcde");
        files.forget_document("document:1");
        assert!(files.document("document:1").is_none());
        files.reset();
        assert!(files.progress(&id).is_none());
        // The id stream restarts: same ids after a reset.
        assert_eq!(files.start("b".into(), 1), id);
    }

    /// 200 MB in 375,000-byte chunks: one allocation, no copy on completion, and the
    /// document's bytes are that very buffer.
    #[test]
    fn a_200_mb_upload_is_held_in_one_buffer() {
        const SIZE: usize = 200 * 1000 * 1000;
        let files = Files::new(1);
        let id = files.start("big.bin".into(), SIZE as u64);
        let chunk: Vec<u8> = (0..375_000u32).map(|i| (i % 251) as u8).collect();
        let mut sent = 0;
        let mut last = None;
        while sent < SIZE {
            let n = chunk.len().min(SIZE - sent);
            last = Some(files.append(&id, &chunk[..n]).unwrap());
            sent += n;
        }
        let last = last.unwrap();
        assert_eq!((last.current, last.pointer), (SIZE as u64, 534));
        let queue = last.upload_queue_id.unwrap();
        let mut first_byte = None;
        files
            .claim(&queue, |file| {
                first_byte = Some(file.bytes.as_ptr());
                Some("document:big".into())
            })
            .unwrap();
        let stored = files.document("document:big").unwrap();
        assert_eq!(stored.bytes.len(), SIZE);
        assert_eq!(Some(stored.bytes.as_ptr()), first_byte);
        assert_eq!(stored.bytes[SIZE - 1], ((SIZE - 1) % 375_000 % 251) as u8);
    }

    #[test]
    fn generated_content_is_deterministic_and_shaped() {
        let pdf = generated_content("Factuur 2024.PDF", "Factuur (2024)", "document:ab");
        assert_eq!(
            pdf,
            generated_content("Factuur 2024.PDF", "Factuur (2024)", "document:ab")
        );
        assert!(pdf.starts_with(b"%PDF-1.4\n") && pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("(Factuur \\(2024\\))") && text.contains("(document:ab)"));
        // The cross-reference table points at the objects (offsets in bytes: the second line
        // is a binary comment, so not lossy text).
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        let table = std::str::from_utf8(&pdf[xref..]).unwrap();
        assert!(table.starts_with("xref\n0 7\n"), "{table}");
        for (i, line) in table.lines().skip(3).take(6).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            let object = format!("{} 0 obj\n", i + 1);
            assert!(pdf[offset..].starts_with(object.as_bytes()), "{line}");
        }
        let other = generated_content("Notulen.docx", "Notulen", "document:ab");
        assert!((256..512).contains(&other.len()), "{}", other.len());
        assert!(other.starts_with(b"Simplicate fake document document:ab: Notulen\n"));
        assert_ne!(
            other,
            generated_content("Notulen.docx", "Notulen", "document:ac")
        );
        assert_eq!(content_type("a.pdf"), PDF);
        assert_eq!(content_type("a.pdf.png"), OCTET_STREAM);
        assert_eq!(content_type("pdf"), OCTET_STREAM);
        assert_eq!(content_type("é.pdf"), PDF);
        assert_eq!(content_type("aé"), OCTET_STREAM);
    }

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
