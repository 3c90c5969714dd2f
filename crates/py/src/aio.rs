//! asyncio glue: the runtime adapter every awaitable goes through, and `_core.AsyncTransport`,
//! the native half of `simplicate.AsyncClient` (its pager lives with the sync one, in
//! `pull/aio.rs`; its file transfers in `files.rs`).
//!
//! Awaitables come from pyo3-async-runtimes' generic `future_into_py`, driven by [`Shared`]: a
//! runtime adapter that spawns on the crate's own process-wide runtime (`runtime::get()`, rebuilt
//! after `fork`), so there is one runtime, one connection pool and one pacer per client, whether
//! a call is sync or async. (pyo3-async-runtimes' own tokio module would start a second runtime,
//! and `init_with_runtime` wants a `&'static Runtime`, which a runtime rebuilt after fork is not.)
//!
//! - I/O runs on the runtime without the GIL; the answer is decoded (and retries logged) with
//!   the GIL on one of the runtime's blocking threads as the result is handed to the event loop,
//!   so the event loop thread never waits for the network.
//! - Cancelling the awaiting task (`asyncio.wait_for` timing out) drops the Rust future, which
//!   drops the in-flight request; a page awaited from a prefetch task aborts that task.

use std::cell::OnceCell;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3_async_runtimes::generic::{self, ContextExt};
use pyo3_async_runtimes::TaskLocals;
use tokio::task::{JoinError, JoinHandle};

use crate::decode::decode_envelope;
use crate::errors::to_pyerr;
use crate::files::{DownloadJob, UploadJob};
use crate::outcome;
use crate::pull::aio::PyAsyncPager;
use crate::pull::args::PullArgs;
use crate::transport::{build_request, PyTransport};
use simplicate_core::runtime;
use simplicate_core::transport::{Outcome, Transport};

// ---------------------------------------------------------------------------------------------
// The runtime adapter

/// pyo3-async-runtimes' view of our runtime.
struct Shared;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

fn our_runtime() -> Arc<tokio::runtime::Runtime> {
    // Every caller checked `runtime::get()` first (see `awaitable`), so this cannot fail here
    // short of the OS refusing threads between the two calls.
    runtime::get().unwrap_or_else(|e| panic!("{e}"))
}

/// Tasks of awaitables not yet finished. Each may still take the GIL to hand its result to
/// the event loop, and a runtime thread taking or releasing the GIL while the interpreter
/// finalizes crashes it, so `drain` (run at exit) waits for them.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Counts one task in `IN_FLIGHT` until dropped: when the task ends, or is aborted.
pub(crate) struct InFlight;

impl InFlight {
    pub(crate) fn start() -> InFlight {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

impl generic::Runtime for Shared {
    type JoinError = JoinError;
    type JoinHandle = JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let counted = InFlight::start();
        our_runtime().spawn(async move {
            fut.await;
            drop(counted);
        })
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        let counted = InFlight::start();
        our_runtime().spawn_blocking(move || {
            f();
            drop(counted);
        })
    }
}

/// Wait (GIL released, at most `timeout_s`) until no awaitable's task can still touch Python;
/// registered with `atexit` by the package, so the interpreter never finalizes under a runtime
/// thread that holds the GIL. Returns how many were still running when it gave up (0: none).
#[pyfunction]
#[pyo3(signature = (timeout_s=2.0))]
pub fn drain_runtime(py: Python<'_>, timeout_s: f64) -> usize {
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_secs_f64(timeout_s.max(0.0));
    py.detach(|| loop {
        let left = IN_FLIGHT.load(Ordering::SeqCst);
        if left == 0 || std::time::Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    })
}

impl ContextExt for Shared {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|c| c.get().cloned())
            .unwrap_or_default()
    }
}

/// An asyncio awaitable for `fut`, run on our runtime; `T` is turned into Python (with the GIL)
/// when the result is handed over.
pub(crate) fn awaitable<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    runtime::get().map_err(|e| to_pyerr(py, e))?;
    generic::future_into_py::<Shared, F, T>(py, fut)
}

/// The running event loop, when there is a progress callback to hand to it.
pub(crate) fn loop_for<'py>(
    py: Python<'py>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    progress
        .map(|_| pyo3_async_runtimes::get_running_loop(py))
        .transpose()
}

// ---------------------------------------------------------------------------------------------
// AsyncTransport

/// A finished send, turned into the envelope dict (or its exception) with the GIL.
struct Envelope(Outcome);

impl<'py> IntoPyObject<'py> for Envelope {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let response = outcome::finish(py, self.0)?;
        decode_envelope(py, &response)
            .map(Bound::into_any)
            .map_err(|e| to_pyerr(py, e))
    }
}

#[pyclass(module = "simplicate._core", name = "AsyncTransport", frozen)]
pub struct PyAsyncTransport {
    inner: Arc<Transport>,
}

#[pymethods]
impl PyAsyncTransport {
    /// Shares `transport`'s connection pool, pacer and closed state.
    #[new]
    fn new(transport: &Bound<'_, PyTransport>) -> Self {
        PyAsyncTransport {
            inner: transport.get().inner.clone(),
        }
    }

    /// Send one request; returns an awaitable of the decoded envelope dict.
    #[pyo3(signature = (method, path, *, params=None, json=None, max_retries=None))]
    fn request<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        path: &str,
        params: Option<&Bound<'py, PyAny>>,
        json: Option<&Bound<'py, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = build_request(py, &self.inner, method, path, params, json, max_retries)?;
        let transport = self.inner.clone();
        awaitable(
            py,
            async move { Ok(Envelope(transport.send(request).await)) },
        )
    }

    /// A lazy async pager over the list endpoint `path`: the arguments of
    /// `AsyncClient._list`, checked here as for `Transport.pager`.
    #[pyo3(signature = (path, *, filter=None, select=None, sort=None, limit=None, offset, page_size, params=None))]
    #[allow(clippy::too_many_arguments)] // one keyword per argument of `list()`
    fn pager(
        &self,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        filter: Option<&Bound<'_, PyAny>>,
        select: Option<&Bound<'_, PyAny>>,
        sort: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
        offset: &Bound<'_, PyAny>,
        page_size: &Bound<'_, PyAny>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyAsyncPager> {
        let args = PullArgs {
            path,
            filter,
            select,
            sort,
            limit,
            offset,
            page_size,
            params,
        };
        Ok(PyAsyncPager::new(args.into_pull(py, self.inner.clone())?))
    }

    /// Upload a file in chunks (as `_core.upload`); an awaitable of the `upload_queue_id`.
    /// `progress` is called on the event loop's thread.
    #[pyo3(signature = (*, file_name, file_size, path=None, data=None, reader=None, progress=None))]
    #[allow(clippy::too_many_arguments)] // one keyword per source kind, validated in Python
    fn upload<'py>(
        &self,
        py: Python<'py>,
        file_name: String,
        file_size: u64,
        path: Option<PathBuf>,
        data: Option<PyBackedBytes>,
        reader: Option<Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let event_loop = loop_for(py, progress.as_ref())?;
        let job = UploadJob::new(
            self.inner.clone(),
            file_name,
            file_size,
            path,
            data,
            reader,
            progress,
            event_loop,
        )?;
        awaitable(py, async move {
            job.run()
                .await
                .map_err(|e| Python::attach(|py| e.into_pyerr(py)))
        })
    }

    /// Stream `GET path` (as `_core.download`); an awaitable of
    /// `(bytes or None, content type, size, file name)`.
    #[pyo3(signature = (path, *, dest_path=None, writer=None, progress=None))]
    fn download<'py>(
        &self,
        py: Python<'py>,
        path: &str,
        dest_path: Option<PathBuf>,
        writer: Option<Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let event_loop = loop_for(py, progress.as_ref())?;
        let job = DownloadJob::new(
            py,
            self.inner.clone(),
            path,
            dest_path,
            writer,
            progress,
            event_loop,
        )?;
        awaitable(py, async move {
            job.run()
                .await
                .map_err(|e| Python::attach(|py| e.into_pyerr(py)))
        })
    }

    fn close(&self) {
        self.inner.close();
    }

    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    fn __repr__(&self) -> String {
        format!(
            "<AsyncTransport base_url={:?}>",
            self.inner.base_url().as_str()
        )
    }
}
