//! asyncio glue: `_core.AsyncTransport`, `_core.AsyncPager` and `_core.AsyncPageStream`, the
//! native half of `simplicate.AsyncClient`.
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
//! - Closing or dropping a stream aborts its prefetch.
//!
//! The page logic (request shape, page decoding, repeat filtering) mirrors `pager.rs`, whose
//! helpers are private to it.

use std::cell::OnceCell;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3_async_runtimes::generic::{self, ContextExt};
use pyo3_async_runtimes::TaskLocals;
use tokio::task::{AbortHandle, JoinError, JoinHandle};

use crate::arrow;
use crate::decode::decode_envelope;
use crate::errors::to_pyerr;
use crate::files::{DownloadJob, UploadJob};
use crate::outcome;
use crate::pager::{decode_counted, decode_page, fresh_records, Page, Pull};
use crate::progress::ProgressSink;
use crate::table::{Pulled, TablePull};
use crate::transport::{build_request, PyTransport};
use crate::wait::{join_failure, AbortOnDrop};
use simplicate_core::pull::{PagePlan, PullCursor, RecentIds};
use simplicate_core::runtime;
use simplicate_core::transport::{ApiRequest, Outcome, Transport};

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
struct InFlight;

impl InFlight {
    fn start() -> InFlight {
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
fn awaitable<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    runtime::get().map_err(|e| to_pyerr(py, e))?;
    generic::future_into_py::<Shared, F, T>(py, fut)
}

/// The running event loop, when there is a progress callback to hand to it.
fn loop_for<'py>(
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

    /// A lazy async pager over a list endpoint; `query` holds the filter/select/sort pairs.
    #[pyo3(signature = (path, query, *, page_size, limit=None, offset=0))]
    fn pager(
        &self,
        py: Python<'_>,
        path: &str,
        query: Vec<(String, String)>,
        page_size: usize,
        limit: Option<usize>,
        offset: usize,
    ) -> PyResult<PyAsyncPager> {
        Ok(PyAsyncPager {
            shared: Arc::new(PagerShared {
                pull: Arc::new(Pull::new(
                    py,
                    self.inner.clone(),
                    path.to_owned(),
                    query,
                    PagePlan {
                        page_size,
                        limit,
                        offset,
                    },
                )?),
                first_page: Mutex::new(None),
                count: Mutex::new(None),
            }),
        })
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

// ---------------------------------------------------------------------------------------------
// Pages (mirrors pager.rs)

/// Start fetching a page in the background on our runtime.
fn spawn_fetch(
    pull: &Pull,
    request: ApiRequest,
) -> simplicate_core::error::Result<JoinHandle<Outcome>> {
    let transport = pull.transport.clone();
    Ok(runtime::get()?.spawn(async move { transport.send(request).await }))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

struct PagerShared {
    pull: Arc<Pull>,
    first_page: Mutex<Option<Page>>,
    count: Mutex<Option<usize>>,
}

/// The answer to `count()`'s request: stores the count and keeps the page for the next stream.
struct Counted {
    shared: Arc<PagerShared>,
    outcome: Outcome,
}

impl<'py> IntoPyObject<'py> for Counted {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let response = outcome::finish(py, self.outcome)?;
        let (mut page, count) = decode_counted(py, &response)?;
        page.response = Some(response);
        *lock(&self.shared.count) = Some(count);
        if self.shared.pull.plan.limit != Some(0) {
            *lock(&self.shared.first_page) = Some(page);
        }
        Ok(count.into_pyobject(py)?.into_any())
    }
}

/// A finished table pull, handed over with the GIL (retries logged, errors raised).
struct Tabled(Pulled);

impl<'py> IntoPyObject<'py> for Tabled {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(Bound::new(py, arrow::stream(py, self.0)?)?.into_any())
    }
}

/// The answer to `first()`'s one-record request.
struct FirstRecord(Outcome);

impl<'py> IntoPyObject<'py> for FirstRecord {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let response = outcome::finish(py, self.0)?;
        let records = decode_page(py, &response)?.records.into_bound(py);
        if records.is_empty() {
            Ok(py.None().into_bound(py))
        } else {
            records.get_item(0)
        }
    }
}

#[pyclass(module = "simplicate._core", name = "AsyncPager", frozen)]
pub struct PyAsyncPager {
    shared: Arc<PagerShared>,
}

#[pymethods]
impl PyAsyncPager {
    /// Awaitable: the size of the whole filtered collection (fetches and keeps the first page).
    fn count<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(count) = *lock(&self.shared.count) {
            return awaitable(py, async move { Ok(count) });
        }
        let pull = &self.shared.pull;
        let request = pull.request(pull.plan.offset, pull.first_size(), true);
        let shared = self.shared.clone();
        awaitable(py, async move {
            let outcome = shared.pull.transport.send(request).await;
            Ok(Counted { shared, outcome })
        })
    }

    /// Awaitable: the first record, or None.
    fn first<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pull = &self.shared.pull;
        if pull.plan.limit == Some(0) {
            return awaitable(py, async { Ok(None::<Py<PyAny>>) });
        }
        if let Some(page) = lock(&self.shared.first_page).as_ref() {
            let records = page.records.bind(py);
            let first = if records.is_empty() {
                None
            } else {
                Some(records.get_item(0)?.unbind())
            };
            return awaitable(py, async move { Ok(first) });
        }
        let request = pull.request(pull.plan.offset, 1, false);
        let transport = pull.transport.clone();
        awaitable(
            py,
            async move { Ok(FirstRecord(transport.send(request).await)) },
        )
    }

    /// A new pass over the pages.
    fn stream(&self) -> PyAsyncPageStream {
        let pull = self.shared.pull.clone();
        let first = lock(&self.shared.first_page).take();
        let mut progress = PullCursor::new(pull.plan);
        if let Some(count) = *lock(&self.shared.count) {
            progress.set_count(count);
        }
        let seen = RecentIds::new(2 * pull.plan.page_size);
        PyAsyncPageStream {
            pull,
            state: Arc::new(Mutex::new(StreamState {
                progress,
                first,
                prefetch: None,
                awaiting: None,
                seen,
                closed: false,
            })),
            busy: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Awaitable: one pass over the pages into an `ArrowStream`, fetched and built on the
    /// runtime (see `table.rs`). Bad options (and `schema="model"` on a path without a
    /// record type) raise `ValueError` here, before any request.
    /// `progress(records so far, filtered count)` is called on the event loop after each page.
    #[pyo3(signature = (*, lists = "list", timestamps = true, cast_numbers = false, schema = "inferred", progress = None))]
    fn arrow<'py>(
        &self,
        py: Python<'py>,
        lists: &str,
        timestamps: bool,
        cast_numbers: bool,
        schema: &str,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = arrow::options(lists, timestamps, cast_numbers, schema, &self.shared.pull)?;
        let event_loop = loop_for(py, progress.as_ref())?;
        let report = ProgressSink::new(progress, event_loop);
        let first = lock(&self.shared.first_page).take();
        let count = *lock(&self.shared.count);
        let job = TablePull::new(self.shared.pull.clone(), first, count, options, report);
        awaitable(py, async move { Ok(Tabled(job.run().await)) })
    }

    #[getter]
    fn path(&self) -> String {
        self.shared.pull.path.clone()
    }

    #[getter]
    fn params(&self) -> Vec<(String, String)> {
        self.shared.pull.query.clone()
    }
}

struct StreamState {
    progress: PullCursor,
    first: Option<Page>,
    /// The next page's request, already under way: (rows requested, task).
    prefetch: Option<(usize, JoinHandle<Outcome>)>,
    /// The task a pending `__anext__` awaits, so `close()` can abort it too.
    awaiting: Option<AbortHandle>,
    seen: RecentIds,
    /// `close()` was called: no more requests.
    closed: bool,
}

impl StreamState {
    fn start_prefetch(&mut self, py: Python<'_>, pull: &Pull) -> PyResult<()> {
        if self.closed {
            return Ok(());
        }
        if let Some((offset, size)) = self.progress.next_request() {
            let with_count = self.progress.count().is_none();
            let task = spawn_fetch(pull, pull.request(offset, size, with_count))
                .map_err(|e| to_pyerr(py, e))?;
            self.prefetch = Some((size, task));
        }
        Ok(())
    }
}

/// Clears the stream's "an `__anext__` is pending" flag when the step ends, however it ends.
struct Busy(Arc<AtomicBool>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

enum Fetched {
    Kept(Page),
    Joined(Result<Outcome, JoinError>),
}

/// One `__anext__`'s result, processed with the GIL: decode, drop repeats, advance, prefetch.
struct Step {
    pull: Arc<Pull>,
    state: Arc<Mutex<StreamState>>,
    requested: usize,
    fetched: Fetched,
    _busy: Busy,
}

impl<'py> IntoPyObject<'py> for Step {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let page = match self.fetched {
            Fetched::Kept(page) => page,
            Fetched::Joined(Ok(outcome)) => {
                let response = outcome::finish(py, outcome)?;
                decode_page(py, &response)?
            }
            Fetched::Joined(Err(e)) => return Err(to_pyerr(py, join_failure(e))),
        };
        let mut state = lock(&self.state);
        state.awaiting = None;
        let rows = page.records.bind(py);
        let fresh = fresh_records(py, &mut state.seen, rows)?;
        state
            .progress
            .record(self.requested, rows.len(), fresh.len(), page.count);
        if !state.progress.is_finished() {
            state.start_prefetch(py, &self.pull)?;
        }
        Ok(fresh.into_any())
    }
}

#[pyclass(module = "simplicate._core", name = "AsyncPageStream", frozen)]
pub struct PyAsyncPageStream {
    pull: Arc<Pull>,
    state: Arc<Mutex<StreamState>>,
    busy: Arc<AtomicBool>,
}

#[pymethods]
impl PyAsyncPageStream {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// Awaitable of the next page's new records (possibly an empty list when a page held only
    /// repeats); raises StopAsyncIteration at the end.
    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if self.busy.swap(true, Ordering::SeqCst) {
            return Err(PyRuntimeError::new_err(
                "this page stream is already awaiting a page; await one __anext__ at a time",
            ));
        }
        let busy = Busy(self.busy.clone());
        let mut state = lock(&self.state);
        if let Some(page) = state.first.take() {
            drop(state);
            let step = Step {
                pull: self.pull.clone(),
                state: self.state.clone(),
                requested: self.pull.first_size(),
                fetched: Fetched::Kept(page),
                _busy: busy,
            };
            return awaitable(py, async move { Ok(step) });
        }
        if state.prefetch.is_none() {
            state.start_prefetch(py, &self.pull)?;
        }
        let Some((requested, task)) = state.prefetch.take() else {
            return Err(PyStopAsyncIteration::new_err(()));
        };
        state.awaiting = Some(task.abort_handle());
        drop(state);
        let pull = self.pull.clone();
        let shared_state = self.state.clone();
        awaitable(py, async move {
            let mut task = AbortOnDrop(task);
            let joined = (&mut task.0).await;
            Ok(Step {
                pull,
                state: shared_state,
                requested,
                fetched: Fetched::Joined(joined),
                _busy: busy,
            })
        })
    }

    /// Stop the pass: abort the prefetch (and a page being awaited). Idempotent; dropping the
    /// stream does the same.
    fn close(&self) {
        let mut state = lock(&self.state);
        if let Some((_, task)) = state.prefetch.take() {
            task.abort();
        }
        if let Some(task) = state.awaiting.take() {
            task.abort();
        }
        state.first = None;
        state.closed = true;
    }
}

impl Drop for PyAsyncPageStream {
    fn drop(&mut self) {
        let mut state = lock(&self.state);
        if let Some((_, task)) = state.prefetch.take() {
            task.abort();
        }
    }
}
