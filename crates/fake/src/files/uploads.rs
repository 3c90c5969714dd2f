//! The store of files: uploads in progress (the chunked upload state machine), completed
//! uploads waiting to back a document, and the bytes of documents.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use serde_json::{Map, Value};

use super::download::percent_encode;
use crate::ids::{self, SplitMix64};

/// Uploads announcing at most this many bytes get their whole buffer at the first chunk; larger
/// ones grow with the chunks (an announced size is only a promise).
pub const RESERVE_LIMIT: u64 = 1 << 30;

/// Mixed into the seed for the stream minting upload ids, apart from the store's own stream.
const FILES_STREAM: u64 = 0xf11e_5c4a_77ed_0b1d;

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
    pub(super) fn to_json(&self) -> Value {
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
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
