//! `_core.upload` and `_core.download` (sync), and the futures behind `AsyncTransport.upload` and
//! `AsyncTransport.download`: files in and out, streamed in constant memory.
//!
//! The loops themselves are pure Rust (`simplicate-core`'s `files/upload.rs` and `files/download.rs`); this file
//! supplies their Python side: the source or destination (a path and bytes are handled without
//! the GIL; a caller's file object is read or written with it), the progress callback, and the
//! retry log.
//!
//! - Sync: the loop runs on the calling thread with the GIL released (`wait::drive`), taking it
//!   back only for the caller's objects, so Ctrl-C works and other threads run.
//! - Async: the loop runs on the runtime; the caller's file object is used from a runtime
//!   thread (with the GIL), and progress is handed to the event loop with
//!   `call_soon_threadsafe`, so a callback always runs on the loop's thread.

use std::fs::File;
use std::future::{ready, Future};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyBytes;

use crate::errors::to_pyerr;
use crate::outcome;
use crate::progress::ProgressSink;
use crate::transport::PyTransport;
use crate::wait::drive;
use simplicate_core::error::Error;
use simplicate_core::files::download::{self as download_loop, DownloadSink, Downloaded};
use simplicate_core::files::download_target::PartialFile;
use simplicate_core::files::upload::{self as upload_loop, UploadHost};
use simplicate_core::transport::{ApiRequest, RetryNote, Transport};

/// A transfer's failure: from the API, or raised by the caller's Python objects.
pub(crate) enum Failure {
    Api(Error),
    Py(PyErr),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Api(error)
    }
}

impl From<PyErr> for Failure {
    fn from(error: PyErr) -> Self {
        Failure::Py(error)
    }
}

impl Failure {
    pub(crate) fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Api(error) => to_pyerr(py, error),
            Failure::Py(error) => error,
        }
    }
}

fn log_retries(notes: &[RetryNote]) -> Result<(), Failure> {
    if notes.is_empty() {
        return Ok(());
    }
    Python::attach(|py| outcome::log_retries(py, notes)).map_err(Failure::Py)
}

// ---------------------------------------------------------------------------------------------
// Upload

/// Where upload bytes come from.
enum Source {
    File(File),
    Memory(PyBackedBytes, usize),
    Reader(Py<PyAny>),
}

impl Source {
    fn new(
        path: Option<PathBuf>,
        data: Option<PyBackedBytes>,
        reader: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Source> {
        match (path, data, reader) {
            (Some(path), None, None) => Ok(Source::File(File::open(&path).map_err(|e| {
                PyOSError::new_err(format!("cannot read {}: {e}", path.display()))
            })?)),
            (None, Some(data), None) => Ok(Source::Memory(data, 0)),
            (None, None, Some(reader)) => Ok(Source::Reader(reader.unbind())),
            _ => Err(PyValueError::new_err(
                "give exactly one of path, data, reader",
            )),
        }
    }

    /// The next `len` bytes (fewer only at the end).
    fn read(&mut self, len: usize) -> Result<Vec<u8>, Failure> {
        match self {
            Source::File(file) => {
                let mut buf = vec![0u8; len];
                let mut got = 0;
                while got < len {
                    match file.read(&mut buf[got..]) {
                        Ok(0) => break,
                        Ok(n) => got += n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            return Err(PyOSError::new_err(format!("reading the file: {e}")).into())
                        }
                    }
                }
                buf.truncate(got);
                Ok(buf)
            }
            Source::Memory(data, offset) => {
                let end = (*offset + len).min(data.len());
                let slice = data[*offset..end].to_vec();
                *offset = end;
                Ok(slice)
            }
            Source::Reader(reader) => Python::attach(|py| {
                let reader = reader.bind(py);
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
            }),
        }
    }
}

struct PyUpload {
    source: Source,
    progress: ProgressSink,
}

impl UploadHost for PyUpload {
    type Error = Failure;

    fn read(&mut self, len: usize) -> impl Future<Output = Result<Vec<u8>, Failure>> + Send {
        ready(self.source.read(len))
    }

    fn progress(&mut self, done: u64, total: u64) -> Result<(), Failure> {
        Ok(self.progress.report(done, Some(total))?)
    }

    fn retried(&mut self, notes: &[RetryNote]) -> Result<(), Failure> {
        log_retries(notes)
    }
}

/// The upload of one source, ready to run (sync or async).
pub(crate) struct UploadJob {
    transport: Arc<Transport>,
    host: PyUpload,
    file_name: String,
    file_size: u64,
}

impl UploadJob {
    #[allow(clippy::too_many_arguments)] // one keyword per source kind
    pub(crate) fn new(
        transport: Arc<Transport>,
        file_name: String,
        file_size: u64,
        path: Option<PathBuf>,
        data: Option<PyBackedBytes>,
        reader: Option<Bound<'_, PyAny>>,
        progress: Option<Bound<'_, PyAny>>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<UploadJob> {
        // An empty source is refused by the upload loop itself, before any request.
        Ok(UploadJob {
            transport,
            host: PyUpload {
                source: Source::new(path, data, reader)?,
                progress: ProgressSink::new(progress, event_loop),
            },
            file_name,
            file_size,
        })
    }

    /// Upload; the `upload_queue_id`.
    pub(crate) async fn run(mut self) -> Result<String, Failure> {
        let max_recoveries = self.transport.config().retry.max_retries;
        upload_loop::upload(
            &self.transport,
            &mut self.host,
            &self.file_name,
            self.file_size,
            max_recoveries,
        )
        .await
    }
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
    let job = UploadJob::new(
        transport.inner.clone(),
        file_name,
        file_size,
        path,
        data,
        reader,
        progress,
        None,
    )?;
    drive(py, job.run()).map_err(|e| e.into_pyerr(py))
}

// ---------------------------------------------------------------------------------------------
// Download

/// Where a download goes.
enum Sink {
    Memory(Vec<u8>),
    Path(PartialFile),
    Writer(Py<PyAny>),
}

struct PyDownload {
    sink: Sink,
    progress: ProgressSink,
}

impl DownloadSink for PyDownload {
    type Error = Failure;

    fn write(&mut self, batch: &[u8]) -> Result<(), Failure> {
        match &mut self.sink {
            Sink::Memory(buf) => buf.extend_from_slice(batch),
            Sink::Path(file) => file
                .write(batch)
                .map_err(|e| PyOSError::new_err(format!("writing the download: {e}")))?,
            Sink::Writer(writer) => {
                Python::attach(|py| writer.call_method1(py, "write", (PyBytes::new(py, batch),)))
                    .map(drop)?;
            }
        }
        Ok(())
    }

    fn restart(&mut self) -> Result<bool, Failure> {
        match &mut self.sink {
            Sink::Memory(buf) => buf.clear(),
            Sink::Path(file) => file
                .restart()
                .map_err(|e| PyOSError::new_err(format!("restarting the download: {e}")))?,
            Sink::Writer(_) => return Ok(false),
        }
        Ok(true)
    }

    fn progress(&mut self, done: u64, total: Option<u64>) -> Result<(), Failure> {
        Ok(self.progress.report(done, total)?)
    }

    fn retried(&mut self, notes: &[RetryNote]) -> Result<(), Failure> {
        log_retries(notes)
    }
}

/// A finished download: the bytes (when kept in memory), and what the server said.
pub(crate) struct Fetched(Option<Vec<u8>>, Downloaded);

impl<'py> IntoPyObject<'py> for Fetched {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    /// `(bytes or None, content type, size, file name the server suggested)`.
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let Fetched(bytes, head) = self;
        let bytes = bytes.map(|b| PyBytes::new(py, &b));
        (bytes, head.content_type, head.size, head.file_name)
            .into_pyobject(py)
            .map(Bound::into_any)
    }
}

/// The download of one document, ready to run (sync or async).
pub(crate) struct DownloadJob {
    transport: Arc<Transport>,
    request: ApiRequest,
    host: PyDownload,
}

impl DownloadJob {
    pub(crate) fn new(
        py: Python<'_>,
        transport: Arc<Transport>,
        path: &str,
        dest_path: Option<PathBuf>,
        writer: Option<Bound<'_, PyAny>>,
        progress: Option<Bound<'_, PyAny>>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<DownloadJob> {
        let mut request = ApiRequest::new(reqwest::Method::GET, path);
        request.accept_any = true;
        transport.url_for(&request).map_err(|e| to_pyerr(py, e))?;
        let sink = match (dest_path, writer) {
            (Some(dest), None) => Sink::Path(PartialFile::create(&dest).map_err(|e| {
                PyOSError::new_err(format!("cannot write to {}: {e}", dest.display()))
            })?),
            (None, Some(writer)) => Sink::Writer(writer.unbind()),
            (None, None) => Sink::Memory(Vec::new()),
            _ => {
                return Err(PyValueError::new_err(
                    "give at most one of dest_path, writer",
                ))
            }
        };
        Ok(DownloadJob {
            transport,
            request,
            host: PyDownload {
                sink,
                progress: ProgressSink::new(progress, event_loop),
            },
        })
    }

    /// Download; a path destination is renamed into place only when complete.
    pub(crate) async fn run(mut self) -> Result<Fetched, Failure> {
        let max_restarts = self.transport.config().retry.max_retries;
        let head =
            download_loop::download(&self.transport, &self.request, &mut self.host, max_restarts)
                .await?;
        let bytes = match self.host.sink {
            Sink::Memory(buf) => Some(buf),
            Sink::Path(file) => {
                file.commit()
                    .map_err(|e| PyOSError::new_err(format!("finishing the download: {e}")))?;
                None
            }
            Sink::Writer(_) => None,
        };
        Ok(Fetched(bytes, head))
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
) -> PyResult<Bound<'py, PyAny>> {
    let job = DownloadJob::new(
        py,
        transport.inner.clone(),
        path,
        dest_path,
        writer,
        progress,
        None,
    )?;
    drive(py, job.run())
        .map_err(|e| e.into_pyerr(py))?
        .into_pyobject(py)
}
