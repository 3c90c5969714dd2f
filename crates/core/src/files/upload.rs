//! The chunked-upload loop, shared by the sync and the async client: open, append one slice
//! at a time, and recover from a lost answer without ever appending a chunk twice (the wire
//! format and the reasoning behind the empty-chunk probe are in `upload_wire.rs`).
//!
//! What differs between the clients — where the bytes come from, how progress is reported, how
//! retries are logged, what an error becomes — is the caller's [`UploadHost`]; the loop itself
//! has no Python in it.

use std::future::Future;

use crate::error::Error;
use crate::files::upload_wire::{
    chunk_body, open_body, parse_opened, parse_state, UploadState, CHUNK_RAW,
};
use crate::transport::{ApiRequest, ApiResponse, RetryNote, Transport};

/// The caller's side of an upload.
pub trait UploadHost: Send {
    /// The caller's error type; API failures convert into it.
    type Error: From<Error> + Send;

    /// The next `len` bytes of the source (fewer only at its end, none past it).
    fn read(&mut self, len: usize) -> impl Future<Output = Result<Vec<u8>, Self::Error>> + Send;

    /// `done` of `total` bytes are on the server.
    fn progress(&mut self, done: u64, total: u64) -> Result<(), Self::Error>;

    /// The transport retried a request (after the fact, for logging).
    fn retried(&mut self, notes: &[RetryNote]) -> Result<(), Self::Error>;
}

/// Upload `file_size` bytes from `host` as `file_name`; returns the `upload_queue_id`.
/// `max_recoveries` bounds the probes after ambiguous chunk failures (per chunk).
pub async fn upload<H: UploadHost>(
    transport: &Transport,
    host: &mut H,
    file_name: &str,
    file_size: u64,
    max_recoveries: u32,
) -> Result<String, H::Error> {
    if file_size == 0 {
        return Err(
            Error::InvalidArgument("source is empty: there is nothing to upload".into()).into(),
        );
    }
    let opened = send(
        transport,
        host,
        json_request(
            reqwest::Method::POST,
            "upload/chunked".into(),
            open_body(file_name, file_size),
        ),
    )
    .await?;
    let id = parse_opened(&opened.body).map_err(|e| opened.decode_error(e))?;
    let chunk_path = format!("upload/chunked/{id}");
    let mut offset: u64 = 0;
    host.progress(0, file_size)?;
    loop {
        let raw = host.read(CHUNK_RAW).await?;
        if raw.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "source ended after {offset} of {file_size} bytes: was it changed during the upload?"
            ))
            .into());
        }
        let end = offset + raw.len() as u64;
        if end > file_size {
            return Err(Error::InvalidArgument(format!(
                "source holds more than the {file_size} bytes announced: was it changed during the upload?"
            ))
            .into());
        }
        let body = chunk_body(&raw);
        drop(raw);
        let state = append(
            transport,
            host,
            &chunk_path,
            body,
            offset,
            end,
            max_recoveries,
        )
        .await?;
        if state.file_size_current != end {
            return Err(Error::Internal(format!(
                "upload {id}: the server holds {} bytes after a chunk ending at {end}",
                state.file_size_current
            ))
            .into());
        }
        offset = end;
        host.progress(offset, file_size)?;
        if state.done {
            return state
                .upload_queue_id
                .ok_or_else(|| Error::Internal("done without an upload_queue_id".into()).into());
        }
        if offset == file_size {
            return Err(Error::Internal(format!(
                "upload {id}: all {file_size} bytes sent but not done"
            ))
            .into());
        }
    }
}

/// Append one chunk covering `offset..end`; the server's state afterwards.
async fn append<H: UploadHost>(
    transport: &Transport,
    host: &mut H,
    chunk_path: &str,
    body: Vec<u8>,
    offset: u64,
    end: u64,
    max_recoveries: u32,
) -> Result<UploadState, H::Error> {
    let mut recoveries = 0;
    loop {
        let mut request = json_request(reqwest::Method::PUT, chunk_path.to_owned(), body.clone());
        // Appending twice would corrupt the file: retried only when provably not applied.
        request.idempotent = Some(false);
        let sent = transport.send(request).await;
        host.retried(&sent.retries)?;
        let response = match sent.result {
            Ok(response) => response,
            Err(error) if ambiguous(&error) && recoveries < max_recoveries => {
                recoveries += 1;
                let probe = probe(transport, host, chunk_path).await?;
                if probe.file_size_current == end {
                    return Ok(probe); // it landed; only its answer was lost
                }
                if probe.file_size_current != offset {
                    return Err(Error::Internal(format!(
                        "{chunk_path}: the server holds {} bytes, expected {offset} or {end}",
                        probe.file_size_current
                    ))
                    .into());
                }
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        return parse_state(&response.body).map_err(|e| response.decode_error(e).into());
    }
}

/// Where does the upload stand? An empty chunk appends nothing and answers the state.
async fn probe<H: UploadHost>(
    transport: &Transport,
    host: &mut H,
    chunk_path: &str,
) -> Result<UploadState, H::Error> {
    let request = json_request(
        reqwest::Method::PUT,
        chunk_path.to_owned(),
        br#"{"chunk":""}"#.to_vec(),
    );
    let response = send(transport, host, request).await?;
    parse_state(&response.body).map_err(|e| response.decode_error(e).into())
}

async fn send<H: UploadHost>(
    transport: &Transport,
    host: &mut H,
    request: ApiRequest,
) -> Result<ApiResponse, H::Error> {
    let outcome = transport.send(request).await;
    host.retried(&outcome.retries)?;
    Ok(outcome.result?)
}

fn json_request(method: reqwest::Method, path: String, body: Vec<u8>) -> ApiRequest {
    ApiRequest {
        body: Some(body),
        ..ApiRequest::new(method, path)
    }
}

/// A failure after which the chunk may or may not have been appended.
fn ambiguous(error: &Error) -> bool {
    match error {
        Error::Status(status) => matches!(status.status, 500 | 502 | 503 | 504),
        Error::Timeout { before_sending, .. } | Error::Connection { before_sending, .. } => {
            !before_sending
        }
        _ => false,
    }
}
