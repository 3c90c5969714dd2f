//! `_core.upload` and `_core.download`: files in and out, streamed in constant memory.
//!
//! Both loops run on the calling thread and wait for each network step with the GIL released
//! (so Ctrl-C works and other Python threads run); the body of a download and the slices of an
//! upload pass through one at a time. Sources and destinations that are Python objects (a
//! binary file object) are read or written with the GIL, everything else without.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyBytes;

use crate::download::{file_name_from_disposition, PartialFile};
use crate::error::Error;
use crate::py::errors::to_pyerr;
use crate::py::outcome;
use crate::py::transport::PyTransport;
use crate::py::wait::wait;
use crate::transport::{ApiRequest, ApiResponse, Outcome, Streaming, Transport};
use crate::upload::{chunk_body, open_body, parse_opened, parse_state, UploadState, CHUNK_RAW};

/// Where upload bytes come from.
enum Source<'py> {
    File(File),
    Memory(PyBackedBytes, usize),
    Reader(Bound<'py, PyAny>),
}

impl Source<'_> {
    /// The next `len` bytes (fewer only at the end).
    fn read(&mut self, py: Python<'_>, len: usize) -> PyResult<Vec<u8>> {
        match self {
            Source::File(file) => py.detach(|| {
                let mut buf = vec![0u8; len];
                let mut got = 0;
                while got < len {
                    match file.read(&mut buf[got..]) {
                        Ok(0) => break,
                        Ok(n) => got += n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(PyOSError::new_err(format!("reading the file: {e}"))),
                    }
                }
                buf.truncate(got);
                Ok(buf)
            }),
            Source::Memory(data, offset) => {
                let end = (*offset + len).min(data.len());
                let slice = data[*offset..end].to_vec();
                *offset = end;
                Ok(slice)
            }
            Source::Reader(reader) => {
                let mut buf = Vec::with_capacity(len);
                while buf.len() < len {
                    let piece = reader.call_method1("read", (len - buf.len(),))?;
                    let piece = piece.cast::<PyBytes>().map_err(|_| {
                        PyTypeError::new_err(
                            "source.read() must return bytes: open the file in binary mode ('rb')",
                        )
                    })?;
                    if piece.as_bytes().is_empty() {
                        break;
                    }
                    buf.extend_from_slice(piece.as_bytes());
                }
                Ok(buf)
            }
        }
    }
}

fn send_raw(py: Python<'_>, transport: &Arc<Transport>, request: ApiRequest) -> PyResult<Outcome> {
    let transport = transport.clone();
    let outcome = wait(py, async move { Ok(transport.send(request).await) })?;
    Ok(outcome)
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

/// Bytes gathered from the network before handing them to the sink.
const BATCH: usize = 1 << 20;

/// What `download` hands back: the bytes (when not written elsewhere), the content type, the
/// size, and the file name the server suggested.
type Downloaded<'py> = (
    Option<Bound<'py, PyBytes>>,
    Option<String>,
    u64,
    Option<String>,
);

fn decode_failure(response: &ApiResponse, reason: String) -> Error {
    Error::Decode {
        method: response.method.clone(),
        url: response.url.clone(),
        status: response.status,
        reason,
    }
}

fn report(progress: Option<&Bound<'_, PyAny>>, done: u64, total: Option<u64>) -> PyResult<()> {
    if let Some(callback) = progress {
        callback.call1((done, total))?;
    }
    Ok(())
}

/// Upload a file in chunks; returns the `upload_queue_id`. Exactly one of `path`, `data`,
/// `reader` is given; `file_size` is the number of bytes the source holds.
#[pyfunction]
#[pyo3(signature = (transport, *, file_name, file_size, path=None, data=None, reader=None, progress=None))]
#[allow(clippy::too_many_arguments)] // one keyword per source kind, validated by the Python layer
pub fn upload(
    py: Python<'_>,
    transport: &PyTransport,
    file_name: String,
    file_size: u64,
    path: Option<PathBuf>,
    data: Option<PyBackedBytes>,
    reader: Option<Bound<'_, PyAny>>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<String> {
    if file_size == 0 {
        return Err(PyValueError::new_err(
            "source is empty: there is nothing to upload",
        ));
    }
    let mut source = match (path, data, reader) {
        (Some(path), None, None) => Source::File(
            File::open(&path)
                .map_err(|e| PyOSError::new_err(format!("cannot read {}: {e}", path.display())))?,
        ),
        (None, Some(data), None) => Source::Memory(data, 0),
        (None, None, Some(reader)) => Source::Reader(reader),
        _ => {
            return Err(PyValueError::new_err(
                "give exactly one of path, data, reader",
            ))
        }
    };
    let transport = &transport.inner;
    let opened = outcome::finish(
        py,
        send_raw(
            py,
            transport,
            json_request(
                reqwest::Method::POST,
                "upload/chunked".into(),
                open_body(&file_name, file_size),
            ),
        )?,
    )?;
    let id = parse_opened(&opened.body).map_err(|e| to_pyerr(py, decode_failure(&opened, e)))?;
    let chunk_path = format!("upload/chunked/{id}");
    let max_recoveries = transport.config().retry.max_retries;
    let mut offset: u64 = 0;
    report(progress.as_ref(), 0, Some(file_size))?;
    loop {
        let raw = source.read(py, CHUNK_RAW)?;
        if raw.is_empty() {
            return Err(PyValueError::new_err(format!(
                "source ended after {offset} of {file_size} bytes: was it changed during the upload?"
            )));
        }
        let end = offset + raw.len() as u64;
        if end > file_size {
            return Err(PyValueError::new_err(format!(
                "source holds more than the {file_size} bytes announced: was it changed during the upload?"
            )));
        }
        let body = py.detach(|| chunk_body(&raw));
        let mut recoveries = 0;
        let state = loop {
            let mut request = json_request(reqwest::Method::PUT, chunk_path.clone(), body.clone());
            // Appending twice would corrupt the file: retried only when provably not applied.
            request.idempotent = Some(false);
            let sent = send_raw(py, transport, request)?;
            let failed = matches!(&sent.result, Err(error) if ambiguous(error) && recoveries < max_recoveries);
            if !failed {
                let response = outcome::finish(py, sent)?;
                break parse_state(&response.body)
                    .map_err(|e| to_pyerr(py, decode_failure(&response, e)))?;
            }
            recoveries += 1;
            outcome::log_retries(py, &sent.retries)?;
            let probe = probe(py, transport, &chunk_path)?;
            if probe.file_size_current == end {
                break probe; // it landed; only its answer was lost
            }
            if probe.file_size_current != offset {
                return Err(to_pyerr(
                    py,
                    Error::Internal(format!(
                        "upload {id}: the server holds {} bytes, expected {offset} or {end}",
                        probe.file_size_current
                    )),
                ));
            }
        };
        if state.file_size_current != end {
            return Err(to_pyerr(
                py,
                Error::Internal(format!(
                    "upload {id}: the server holds {} bytes after a chunk ending at {end}",
                    state.file_size_current
                )),
            ));
        }
        offset = end;
        report(progress.as_ref(), offset, Some(file_size))?;
        if state.done {
            return state.upload_queue_id.ok_or_else(|| {
                to_pyerr(
                    py,
                    Error::Internal("done without an upload_queue_id".into()),
                )
            });
        }
        if offset == file_size {
            return Err(to_pyerr(
                py,
                Error::Internal(format!(
                    "upload {id}: all {file_size} bytes sent but not done"
                )),
            ));
        }
    }
}

/// Where does the upload stand? An empty chunk appends nothing and answers the state.
fn probe(py: Python<'_>, transport: &Arc<Transport>, chunk_path: &str) -> PyResult<UploadState> {
    let request = json_request(
        reqwest::Method::PUT,
        chunk_path.to_owned(),
        br#"{"chunk":""}"#.to_vec(),
    );
    let response = outcome::finish(py, send_raw(py, transport, request)?)?;
    parse_state(&response.body).map_err(|e| to_pyerr(py, decode_failure(&response, e)))
}

/// Where a download goes.
enum Sink<'py> {
    Memory(Vec<u8>),
    Path(PartialFile),
    Writer(Bound<'py, PyAny>),
}

impl Sink<'_> {
    fn write(&mut self, py: Python<'_>, chunk: &[u8]) -> PyResult<()> {
        match self {
            Sink::Memory(buf) => buf.extend_from_slice(chunk),
            Sink::Path(file) => py
                .detach(|| file.write(chunk))
                .map_err(|e| PyOSError::new_err(format!("writing the download: {e}")))?,
            Sink::Writer(writer) => {
                writer.call_method1("write", (PyBytes::new(py, chunk),))?;
            }
        }
        Ok(())
    }

    /// Start over for a retry; false when this sink cannot (a caller's file object).
    fn restart(&mut self) -> PyResult<bool> {
        match self {
            Sink::Memory(buf) => buf.clear(),
            Sink::Path(file) => file
                .restart()
                .map_err(|e| PyOSError::new_err(format!("restarting the download: {e}")))?,
            Sink::Writer(_) => return Ok(false),
        }
        Ok(true)
    }
}

/// Stream `GET path` into memory (returned as bytes), into the file `dest_path` (written
/// under a temporary name and renamed when complete), or into `writer`'s `write`. Returns
/// (bytes or None, content type, size, file name the server suggested).
#[pyfunction]
#[pyo3(signature = (transport, path, *, dest_path=None, writer=None, progress=None))]
pub fn download<'py>(
    py: Python<'py>,
    transport: &PyTransport,
    path: &str,
    dest_path: Option<PathBuf>,
    writer: Option<Bound<'py, PyAny>>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Downloaded<'py>> {
    let transport = &transport.inner;
    let mut request = ApiRequest::new(reqwest::Method::GET, path);
    request.accept_any = true;
    transport.url_for(&request).map_err(|e| to_pyerr(py, e))?;
    let mut sink =
        match (dest_path, writer) {
            (Some(dest), None) => Sink::Path(PartialFile::create(&dest).map_err(|e| {
                PyOSError::new_err(format!("cannot write to {}: {e}", dest.display()))
            })?),
            (None, Some(writer)) => Sink::Writer(writer),
            (None, None) => Sink::Memory(Vec::new()),
            _ => {
                return Err(PyValueError::new_err(
                    "give at most one of dest_path, writer",
                ))
            }
        };
    let max_restarts = transport.config().retry.max_retries;
    let mut restarts = 0;
    loop {
        let shared = transport.clone();
        let opening = request.clone();
        let (opened, retries) = wait(py, async move { Ok(shared.open(&opening).await) })?;
        outcome::log_retries(py, &retries)?;
        let mut stream: Streaming = opened.map_err(|e| to_pyerr(py, e))?;
        let head = stream.head.clone();
        let mut size: u64 = 0;
        report(progress.as_ref(), 0, head.content_length)?;
        let failure = loop {
            // Gather the body's small pieces into one batch per wait: one GIL round trip per
            // megabyte, not per network read.
            let (back, batch) = wait(py, async move {
                let mut batch: Vec<u8> = Vec::new();
                let result = loop {
                    match stream.chunk().await {
                        Ok(Some(piece)) => {
                            batch.extend_from_slice(&piece);
                            if batch.len() >= BATCH {
                                break Ok(false);
                            }
                        }
                        Ok(None) => break Ok(true),
                        Err(error) => break Err(error),
                    }
                };
                Ok((stream, (batch, result)))
            })?;
            stream = back;
            let (bytes, result) = batch;
            if !bytes.is_empty() {
                sink.write(py, &bytes)?;
                size += bytes.len() as u64;
                report(progress.as_ref(), size, head.content_length)?;
            }
            match result {
                Ok(false) => {}
                Ok(true) => break None,
                Err(error) => break Some(error),
            }
        };
        let incomplete = head.content_length.is_some_and(|expected| expected != size);
        let error = match (failure, incomplete) {
            (None, false) => {
                let file_name = head
                    .content_disposition
                    .as_deref()
                    .and_then(file_name_from_disposition);
                let bytes = match sink {
                    Sink::Memory(buf) => Some(PyBytes::new(py, &buf)),
                    Sink::Path(file) => {
                        py.detach(|| file.commit()).map_err(|e| {
                            PyOSError::new_err(format!("finishing the download: {e}"))
                        })?;
                        None
                    }
                    Sink::Writer(_) => None,
                };
                return Ok((bytes, head.content_type, size, file_name));
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
        // A GET can be repeated; the body starts over.
        if restarts >= max_restarts || !sink.restart()? {
            return Err(to_pyerr(py, error));
        }
        restarts += 1;
    }
}
