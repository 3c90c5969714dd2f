//! `_core.Pager` and `_core.PageStream`: the lazy pull behind `resource.list(...)`.
//!
//! A `Pager` is the query (path, parameters, page plan). It can answer `count()` and `first()`
//! and start any number of `PageStream`s, each one pass over the pages. The first page fetched
//! for `count()` is kept and handed to the next stream, so counting first costs no extra
//! request. A stream yields one page (a list of dicts) per `__next__`:
//!
//! - it asks for the next page only when Python wants it, then starts fetching the page after
//!   it in the background (at most one ahead) while Python works through the current one;
//! - decoding happens on the calling thread with the GIL, straight from the response bytes;
//!   every network wait releases the GIL and polls for Ctrl-C;
//! - dropping or closing the stream (a `break` out of the loop) aborts the prefetch;
//! - consumed pages are not kept: memory stays flat however many records pass through.
//!
//! `arrow()` is the other kind of pass: every page into one Arrow table, fetched and built on the
//! runtime without the GIL (`table.rs`, `simplicate_core::tabular`).
//!
//! The async twins are in `aio.rs`; what both share (and the state machine they step through)
//! is described in `mod.rs`.

use std::sync::{Arc, Mutex, TryLockError};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use super::table::TablePull;
use super::{decode_counted, decode_page, PagerState, Pass, Pull};
use crate::arrow::{self, PyArrowStream};
use crate::outcome;
use crate::progress::ProgressSink;
use crate::wait::{spawn, wait_join, wait_task};
use simplicate_core::pull::PageRequest;

#[pyclass(module = "simplicate._core", name = "Pager", frozen)]
pub struct PyPager {
    state: Arc<PagerState>,
}

impl PyPager {
    pub(crate) fn new(pull: Pull) -> Self {
        PyPager {
            state: Arc::new(PagerState::new(pull)),
        }
    }
}

#[pymethods]
impl PyPager {
    /// The size of the whole filtered collection (`metadata=count`), ignoring limit and
    /// offset. Fetches the first page to learn it; that page is kept for the next iteration.
    fn count(&self, py: Python<'_>) -> PyResult<usize> {
        if let Some(count) = self.state.count() {
            return Ok(count);
        }
        let pull = &self.state.pull;
        let request = pull.request(PageRequest::counting(&pull.plan));
        let response = outcome::send(py, pull.transport.clone(), request)?;
        let (page, count) = decode_counted(py, response)?;
        self.state.counted(page, count);
        Ok(count)
    }

    /// The first record, or None. Uses the kept first page if `count()` fetched one, else asks
    /// for a single record.
    fn first(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let pull = &self.state.pull;
        if pull.plan.limit == Some(0) {
            return Ok(None);
        }
        if let Some(first) = self.state.kept_first_record(py)? {
            return Ok(first);
        }
        let request = pull.request(PageRequest::first_record(&pull.plan));
        let response = outcome::send(py, pull.transport.clone(), request)?;
        let page = decode_page(py, &response)?;
        Ok(page.first_record(py)?.map(Bound::unbind))
    }

    /// A new pass over the pages.
    fn stream(&self) -> PyPageStream {
        PyPageStream {
            pass: Mutex::new(Pass::new(&self.state)),
        }
    }

    /// One pass over the pages into an Arrow table (see `tabular`), fetched and built off the
    /// GIL with the stream's plan, prefetch, pacing, retries and repeat filter; Ctrl-C stops it.
    /// Bad options raise `ValueError` before any request, as does `schema="model"` on a path
    /// without a record type. `progress(records so far, filtered count)` is called after each
    /// page.
    #[pyo3(signature = (*, lists = "list", timestamps = true, cast_numbers = false, schema = "inferred", progress = None))]
    fn arrow(
        &self,
        py: Python<'_>,
        lists: &str,
        timestamps: bool,
        cast_numbers: bool,
        schema: &str,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<PyArrowStream> {
        let options = arrow::options(lists, timestamps, cast_numbers, schema, &self.state.pull)?;
        let report = ProgressSink::new(progress, None);
        let job = TablePull::new(&self.state, options, report);
        let pulled = wait_task(py, spawn(py, async move { Ok(job.run().await) })?)?;
        arrow::stream(py, pulled)
    }

    #[getter]
    fn path(&self) -> String {
        self.state.pull.path.clone()
    }

    /// The query parameters every page request carries (before limit/offset/metadata).
    #[getter]
    fn params(&self) -> Vec<(String, String)> {
        self.state.pull.query.clone()
    }
}

#[pyclass(module = "simplicate._core", name = "PageStream", frozen)]
pub struct PyPageStream {
    pass: Mutex<Pass>,
}

#[pymethods]
impl PyPageStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The next page's new records; a page of nothing but repeats is skipped.
    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        // A thread inside `__next__` waits for its page with the GIL released but the pass
        // locked; a second thread blocking on the lock while holding the GIL would keep the
        // first from ever taking the GIL back. So a stream refuses a second iterator at once,
        // as a Python generator does ("generator already executing").
        let mut pass = match self.pass.try_lock() {
            Ok(pass) => pass,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err(PyRuntimeError::new_err(
                    "this page stream is already being iterated in another thread; \
                     start a pass per thread (pager.pages() or iter(pager))",
                ))
            }
        };
        loop {
            let page = match pass.take_kept() {
                Some(page) => page,
                None => {
                    let Some(task) = pass.take_fetch(py)? else {
                        return Ok(None);
                    };
                    let response = outcome::finish(py, wait_join(py, task)?)?;
                    decode_page(py, &response)?
                }
            };
            if let Some(fresh) = pass.apply(py, page)? {
                return Ok(Some(fresh));
            }
            if pass.is_finished() {
                return Ok(None);
            }
        }
    }

    /// Stop the pass: abort a prefetch under way. Idempotent; dropping the stream does the same.
    fn close(&self, py: Python<'_>) {
        // Another thread may be inside `__next__`, waiting for a page with the pass locked:
        // wait for it without the GIL (it needs the GIL to finish), then close.
        loop {
            match self.pass.try_lock() {
                Ok(mut pass) => return pass.close(),
                Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner().close(),
                Err(TryLockError::WouldBlock) => {
                    py.detach(|| std::thread::sleep(std::time::Duration::from_millis(1)));
                }
            }
        }
    }
}
