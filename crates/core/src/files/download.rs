//! The download loop, shared by the sync and the async client: stream a GET's body into the
//! caller's [`DownloadSink`] in batches, and start over when the body breaks off (a GET can be
//! repeated) as long as the sink can start over.
//!
//! The body's small network reads are gathered into batches of [`BATCH`] bytes, so a sink that
//! is a Python object (a file object, a progress callback) is called once per megabyte, not once
//! per read.

use crate::error::Error;
use crate::files::download_target::file_name_from_disposition;
use crate::transport::{ApiRequest, RetryNote, Transport};

/// Bytes gathered from the network before handing them to the sink.
pub const BATCH: usize = 1 << 20;

/// Where a download goes, and the caller's side of it.
pub trait DownloadSink: Send {
    /// The caller's error type; API failures convert into it.
    type Error: From<Error> + Send;

    fn write(&mut self, batch: &[u8]) -> Result<(), Self::Error>;

    /// Discard what was written, for a retry; `false` when this sink cannot.
    fn restart(&mut self) -> Result<bool, Self::Error>;

    /// `done` bytes arrived of `total` (when the server said).
    fn progress(&mut self, done: u64, total: Option<u64>) -> Result<(), Self::Error>;

    /// The transport retried opening the download (after the fact, for logging).
    fn retried(&mut self, notes: &[RetryNote]) -> Result<(), Self::Error>;
}

/// What the server said about a finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub size: u64,
    pub content_type: Option<String>,
    /// From Content-Disposition, reduced to a bare file name.
    pub file_name: Option<String>,
}

/// Stream `request`'s body into `sink`; on success every byte is in the sink (the caller then
/// commits it: renames a temporary file, hands over the bytes).
pub async fn download<S: DownloadSink>(
    transport: &Transport,
    request: &ApiRequest,
    sink: &mut S,
    max_restarts: u32,
) -> Result<Downloaded, S::Error> {
    let mut restarts = 0;
    loop {
        let (opened, retries) = transport.open(request).await;
        sink.retried(&retries)?;
        let mut stream = opened?;
        let head = stream.head.clone();
        let mut size: u64 = 0;
        sink.progress(0, head.content_length)?;
        let mut batch: Vec<u8> = Vec::new();
        let failure = loop {
            let piece = stream.chunk().await;
            let ended = !matches!(piece, Ok(Some(_)));
            if let Ok(Some(bytes)) = &piece {
                batch.extend_from_slice(bytes);
            }
            if !batch.is_empty() && (ended || batch.len() >= BATCH) {
                sink.write(&batch)?;
                size += batch.len() as u64;
                batch.clear();
                sink.progress(size, head.content_length)?;
            }
            match piece {
                Ok(Some(_)) => {}
                Ok(None) => break None,
                Err(error) => break Some(error),
            }
        };
        let incomplete = head.content_length.is_some_and(|expected| expected != size);
        let error = match (failure, incomplete) {
            (None, false) => {
                return Ok(Downloaded {
                    size,
                    file_name: head
                        .content_disposition
                        .as_deref()
                        .and_then(file_name_from_disposition),
                    content_type: head.content_type,
                })
            }
            (Some(error), _) => error,
            (None, true) => Error::Connection {
                method: head.method.clone(),
                url: head.url.clone(),
                reason: format!(
                    "the body ended after {size} of {} bytes",
                    head.content_length.unwrap_or_default()
                ),
                before_sending: false,
            },
        };
        if restarts >= max_restarts || !sink.restart()? {
            return Err(error.into());
        }
        restarts += 1;
    }
}
