//! `_core.AsyncPager` and `_core.AsyncPageStream`: the asyncio twins of `sync.rs`, stepping
//! through the same [`Pass`] (see `mod.rs`); awaitables come from the runtime adapter in
//! `crate::aio`.
//!
//! - A page is awaited on the runtime; its answer is decoded and applied with the GIL on one of
//!   the runtime's blocking threads, so the event loop thread never waits for the network.
//! - A page of nothing but repeats is skipped inside the same await, as the sync stream skips
//!   it inside one `__next__`: an awaited page is never empty.
//! - A page that was applied but whose await was cancelled before it was handed over (an
//!   `asyncio.wait_for` timing out at that moment) is kept, and the next `__anext__` returns it.
//! - Cancelling the awaiting task drops the Rust future, which aborts the page's request;
//!   closing or dropping the stream aborts the prefetch and a page being awaited.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration};
use pyo3::prelude::*;
use pyo3::types::PyList;
use tokio::task::{AbortHandle, JoinError, JoinHandle};

use super::table::{Pulled, TablePull};
use super::{decode_counted, decode_page, lock, PagerState, Pass, Pull};
use crate::aio::{awaitable, loop_for, InFlight};
use crate::arrow;
use crate::errors::to_pyerr;
use crate::outcome;
use crate::progress::ProgressSink;
use crate::wait::{join_failure, AbortOnDrop};
use simplicate_core::error::Error;
use simplicate_core::pull::PageRequest;
use simplicate_core::transport::Outcome;

/// The answer to `count()`'s request: stores the count and keeps the page for the next pass.
struct Counted {
    state: Arc<PagerState>,
    outcome: Outcome,
}

impl<'py> IntoPyObject<'py> for Counted {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let response = outcome::finish(py, self.outcome)?;
        let (page, count) = decode_counted(py, response)?;
        self.state.counted(page, count);
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
        let first = decode_page(py, &response)?.first_record(py)?;
        Ok(first.unwrap_or_else(|| py.None().into_bound(py)))
    }
}

#[pyclass(module = "simplicate._core", name = "AsyncPager", frozen)]
pub struct PyAsyncPager {
    state: Arc<PagerState>,
}

impl PyAsyncPager {
    pub(crate) fn new(pull: Pull) -> Self {
        PyAsyncPager {
            state: Arc::new(PagerState::new(pull)),
        }
    }
}

#[pymethods]
impl PyAsyncPager {
    /// Awaitable: the size of the whole filtered collection (fetches and keeps the first page).
    fn count<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(count) = self.state.count() {
            return awaitable(py, async move { Ok(count) });
        }
        let pull = &self.state.pull;
        let request = pull.request(PageRequest::counting(&pull.plan));
        let state = self.state.clone();
        awaitable(py, async move {
            let outcome = state.pull.transport.send(request).await;
            Ok(Counted { state, outcome })
        })
    }

    /// Awaitable: the first record, or None.
    fn first<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pull = &self.state.pull;
        if pull.plan.limit == Some(0) {
            return awaitable(py, async { Ok(None::<Py<PyAny>>) });
        }
        if let Some(first) = self.state.kept_first_record(py)? {
            return awaitable(py, async move { Ok(first) });
        }
        let request = pull.request(PageRequest::first_record(&pull.plan));
        let transport = pull.transport.clone();
        awaitable(
            py,
            async move { Ok(FirstRecord(transport.send(request).await)) },
        )
    }

    /// A new pass over the pages.
    fn stream(&self) -> PyAsyncPageStream {
        PyAsyncPageStream {
            state: Arc::new(Mutex::new(StreamState {
                pass: Pass::new(&self.state),
                awaiting: None,
                ready: None,
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
        let options = arrow::options(lists, timestamps, cast_numbers, schema, &self.state.pull)?;
        let event_loop = loop_for(py, progress.as_ref())?;
        let report = ProgressSink::new(progress, event_loop);
        let job = TablePull::new(&self.state, options, report);
        awaitable(py, async move { Ok(Tabled(job.run().await)) })
    }

    #[getter]
    fn path(&self) -> String {
        self.state.pull.path.clone()
    }

    #[getter]
    fn params(&self) -> Vec<(String, String)> {
        self.state.pull.query.clone()
    }
}

struct StreamState {
    pass: Pass,
    /// The request a pending `__anext__` awaits, so `close()` can abort it too.
    awaiting: Option<AbortHandle>,
    /// New records applied but not yet handed to Python.
    ready: Option<Py<PyList>>,
}

/// Clears the stream's "an `__anext__` is pending" flag when the step ends, however it ends.
struct Busy(Arc<AtomicBool>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// What an applied answer leaves the awaiting `__anext__` to do.
enum Step {
    /// New records are in `ready`.
    Ready,
    /// The page held only repeats; this is the next page's request.
    Next(JoinHandle<Outcome>),
    End,
}

/// Hands `ready` to Python; if the await was cancelled first, it is not dropped and stays
/// for the next `__anext__`.
enum Handover {
    Ready {
        state: Arc<Mutex<StreamState>>,
        _busy: Busy,
    },
    /// The request's task panicked or was aborted; raised with the GIL.
    Failed(Error),
}

impl<'py> IntoPyObject<'py> for Handover {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Handover::Ready { state, .. } => match lock(&state).ready.take() {
                Some(records) => Ok(records.into_bound(py).into_any()),
                // `close()` came in between.
                None => Err(PyStopAsyncIteration::new_err(())),
            },
            Handover::Failed(error) => Err(to_pyerr(py, error)),
        }
    }
}

/// Decode and apply one answer, with the GIL.
fn take_answer(py: Python<'_>, state: &Mutex<StreamState>, outcome: Outcome) -> PyResult<Step> {
    let mut state = lock(state);
    state.awaiting = None;
    let response = outcome::finish(py, outcome)?;
    let page = decode_page(py, &response)?;
    if let Some(fresh) = state.pass.apply(py, page)? {
        state.ready = Some(fresh.unbind());
        return Ok(Step::Ready);
    }
    if state.pass.is_finished() {
        return Ok(Step::End);
    }
    match state.pass.take_fetch(py)? {
        Some(task) => {
            state.awaiting = Some(task.abort_handle());
            Ok(Step::Next(task))
        }
        None => Ok(Step::End),
    }
}

/// Await pages until one has new records (or the pass ends).
async fn next_page(
    state: Arc<Mutex<StreamState>>,
    mut task: JoinHandle<Outcome>,
    busy: Busy,
) -> PyResult<Handover> {
    loop {
        let mut fetch = AbortOnDrop(task);
        let joined: Result<Outcome, JoinError> = (&mut fetch.0).await;
        let outcome = match joined {
            Ok(outcome) => outcome,
            Err(e) => return Ok(Handover::Failed(join_failure(e))),
        };
        let shared = state.clone();
        // Counted like the adapter's own blocking tasks: it takes the GIL (see `drain_runtime`).
        let counted = InFlight::start();
        let applied = tokio::task::spawn_blocking(move || {
            let step = Python::attach(|py| take_answer(py, &shared, outcome));
            drop(counted);
            step
        })
        .await;
        match applied {
            Ok(Ok(Step::Ready)) => return Ok(Handover::Ready { state, _busy: busy }),
            Ok(Ok(Step::Next(next))) => task = next,
            Ok(Ok(Step::End)) => return Err(PyStopAsyncIteration::new_err(())),
            Ok(Err(error)) => return Err(error),
            Err(e) => return Ok(Handover::Failed(join_failure(e))),
        }
    }
}

#[pyclass(module = "simplicate._core", name = "AsyncPageStream", frozen)]
pub struct PyAsyncPageStream {
    state: Arc<Mutex<StreamState>>,
    busy: Arc<AtomicBool>,
}

#[pymethods]
impl PyAsyncPageStream {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// Awaitable of the next page's new records (never empty: a page of nothing but repeats
    /// is skipped); raises StopAsyncIteration at the end.
    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if self.busy.swap(true, Ordering::SeqCst) {
            return Err(PyRuntimeError::new_err(
                "this page stream is already awaiting a page; await one __anext__ at a time",
            ));
        }
        let busy = Busy(self.busy.clone());
        let mut state = lock(&self.state);
        if state.ready.is_none() {
            if let Some(page) = state.pass.take_kept() {
                if let Some(fresh) = state.pass.apply(py, page)? {
                    state.ready = Some(fresh.unbind());
                }
            }
        }
        if state.ready.is_some() {
            drop(state);
            let handover = Handover::Ready {
                state: self.state.clone(),
                _busy: busy,
            };
            return awaitable(py, async move { Ok(handover) });
        }
        let Some(task) = state.pass.take_fetch(py)? else {
            return Err(PyStopAsyncIteration::new_err(()));
        };
        state.awaiting = Some(task.abort_handle());
        drop(state);
        awaitable(py, next_page(self.state.clone(), task, busy))
    }

    /// Stop the pass: abort the prefetch (and a page being awaited). Idempotent; dropping the
    /// stream does the same.
    fn close(&self) {
        let mut state = lock(&self.state);
        state.pass.close();
        if let Some(task) = state.awaiting.take() {
            task.abort();
        }
        state.ready = None;
    }
}
