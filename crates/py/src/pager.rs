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

use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use tokio::task::JoinHandle;

use crate::arrow::{self, PyArrowStream};
use crate::decode::decode_envelope;
use crate::errors::to_pyerr;
use crate::outcome;
use crate::progress::ProgressSink;
use crate::table::TablePull;
use crate::wait::{spawn, wait_task};
use simplicate_core::error::Result;
use simplicate_core::pull::{with_tiebreak, PagePlan, PullCursor, RecentIds, MAX_PAGE_SIZE};
use simplicate_core::transport::{ApiRequest, ApiResponse, Outcome, Transport};

/// The query of a pull, shared by its pager and streams (sync here, async in `aio.rs`).
pub(crate) struct Pull {
    pub(crate) transport: Arc<Transport>,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) plan: PagePlan,
}

impl Pull {
    /// Check the caller's query (the pager owns limit, offset and metadata) and add the `id`
    /// tiebreak to a sort.
    pub(crate) fn new(
        py: Python<'_>,
        transport: Arc<Transport>,
        path: String,
        mut query: Vec<(String, String)>,
        plan: PagePlan,
    ) -> PyResult<Pull> {
        if !(1..=MAX_PAGE_SIZE).contains(&plan.page_size) {
            return Err(PyValueError::new_err(format!(
                "page_size must be between 1 and {MAX_PAGE_SIZE}, got {}",
                plan.page_size
            )));
        }
        let probe = ApiRequest::new(reqwest::Method::GET, path.clone());
        transport.url_for(&probe).map_err(|e| to_pyerr(py, e))?;
        for (key, value) in query.iter_mut() {
            match key.as_str() {
                "limit" | "offset" | "metadata" => {
                    return Err(PyValueError::new_err(format!(
                        "params[{key:?}]: the pager sets {key}; use list(limit=..., offset=..., \
                         page_size=...) and pager.count()"
                    )))
                }
                "sort" => *value = with_tiebreak(value),
                _ => {}
            }
        }
        query.retain(|(key, value)| key != "sort" || !value.is_empty());
        Ok(Pull {
            transport,
            path,
            query,
            plan,
        })
    }

    /// Rows the first page asks for.
    pub(crate) fn first_size(&self) -> usize {
        self.plan
            .page_size
            .min(self.plan.limit.unwrap_or(usize::MAX))
            .max(1)
    }

    pub(crate) fn request(&self, offset: usize, limit: usize, with_count: bool) -> ApiRequest {
        let mut query = self.query.clone();
        query.push(("limit".to_owned(), limit.to_string()));
        query.push(("offset".to_owned(), offset.to_string()));
        if with_count {
            query.push(("metadata".to_owned(), "count".to_owned()));
        }
        ApiRequest {
            query,
            ..ApiRequest::new(reqwest::Method::GET, self.path.clone())
        }
    }

    fn fetch(&self, py: Python<'_>, request: ApiRequest) -> PyResult<JoinHandle<Result<Outcome>>> {
        outcome::start(py, self.transport.clone(), request)
    }
}

/// One decoded page: its records and, on the first page, the collection's count.
pub(crate) struct Page {
    pub(crate) records: Py<PyList>,
    pub(crate) count: Option<usize>,
    /// The answer it was decoded from, kept for a page that waits for the next pass (the one
    /// `count()` fetched): a table pull builds from the bytes, not from the dicts.
    pub(crate) response: Option<ApiResponse>,
}

pub(crate) fn decode_page(py: Python<'_>, response: &ApiResponse) -> PyResult<Page> {
    let envelope = decode_envelope(py, response).map_err(|e| to_pyerr(py, e))?;
    let not_a_list = |what: &str| {
        to_pyerr(
            py,
            response.decode_error(format!(
                "a list endpoint answered {what} where a list of records belongs"
            )),
        )
    };
    let data = envelope
        .get_item("data")?
        .ok_or_else(|| not_a_list("no data"))?;
    let records = data
        .cast_into::<PyList>()
        .map_err(|_| not_a_list("something other than a list"))?;
    let count = match envelope.get_item("metadata")? {
        Some(metadata) => match metadata.cast::<PyDict>() {
            Ok(metadata) => match metadata.get_item("count")? {
                Some(count) => count.extract::<usize>().ok(),
                None => None,
            },
            Err(_) => None,
        },
        None => None,
    };
    Ok(Page {
        records: records.unbind(),
        count,
        response: None,
    })
}

/// The first page of a `count()`: it must carry the count it was asked for.
pub(crate) fn decode_counted(py: Python<'_>, response: &ApiResponse) -> PyResult<(Page, usize)> {
    let page = decode_page(py, response)?;
    let count = page.count.ok_or_else(|| {
        to_pyerr(
            py,
            response.decode_error("metadata=count was asked for but the answer has no count"),
        )
    })?;
    Ok((page, count))
}

#[pyclass(module = "simplicate._core", name = "Pager", frozen)]
pub struct PyPager {
    pull: Arc<Pull>,
    /// The first page, fetched by `count()`, waiting for the next stream.
    first_page: Mutex<Option<Page>>,
    count: Mutex<Option<usize>>,
}

impl PyPager {
    pub fn new(
        py: Python<'_>,
        transport: Arc<Transport>,
        path: String,
        query: Vec<(String, String)>,
        plan: PagePlan,
    ) -> PyResult<Self> {
        Ok(PyPager {
            pull: Arc::new(Pull::new(py, transport, path, query, plan)?),
            first_page: Mutex::new(None),
            count: Mutex::new(None),
        })
    }
}

#[pymethods]
impl PyPager {
    /// The size of the whole filtered collection (`metadata=count`), ignoring limit and
    /// offset. Fetches the first page to learn it; that page is kept for the next iteration.
    fn count(&self, py: Python<'_>) -> PyResult<usize> {
        if let Some(count) = *self.count.lock().unwrap_or_else(|p| p.into_inner()) {
            return Ok(count);
        }
        let plan = self.pull.plan;
        let size = self.pull.first_size();
        let request = self.pull.request(plan.offset, size, true);
        let response = outcome::send(py, self.pull.transport.clone(), request)?;
        let (mut page, count) = decode_counted(py, &response)?;
        page.response = Some(response);
        *self.count.lock().unwrap_or_else(|p| p.into_inner()) = Some(count);
        // A zero limit delivers nothing, so there is no page to keep for it.
        if plan.limit != Some(0) {
            *self.first_page.lock().unwrap_or_else(|p| p.into_inner()) = Some(page);
        }
        Ok(count)
    }

    /// The first record, or None. Uses the kept first page if `count()` fetched one, else asks
    /// for a single record.
    fn first<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        if self.pull.plan.limit == Some(0) {
            return Ok(None);
        }
        if let Some(page) = self
            .first_page
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            let records = page.records.bind(py);
            return Ok(if records.is_empty() {
                None
            } else {
                Some(records.get_item(0)?)
            });
        }
        let request = self.pull.request(self.pull.plan.offset, 1, false);
        let response = outcome::send(py, self.pull.transport.clone(), request)?;
        let page = decode_page(py, &response)?;
        let records = page.records.into_bound(py);
        Ok(if records.is_empty() {
            None
        } else {
            Some(records.get_item(0)?)
        })
    }

    /// A new pass over the pages.
    fn stream(&self) -> PyPageStream {
        let first = self
            .first_page
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let mut progress = PullCursor::new(self.pull.plan);
        if let Some(count) = *self.count.lock().unwrap_or_else(|p| p.into_inner()) {
            progress.set_count(count);
        }
        PyPageStream {
            pull: self.pull.clone(),
            state: Mutex::new(StreamState {
                progress,
                first,
                prefetch: None,
                seen: RecentIds::new(2 * self.pull.plan.page_size),
            }),
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
        let options = arrow::options(lists, timestamps, cast_numbers, schema, &self.pull)?;
        let first = self
            .first_page
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let count = *self.count.lock().unwrap_or_else(|p| p.into_inner());
        let report = ProgressSink::new(progress, None);
        let job = TablePull::new(self.pull.clone(), first, count, options, report);
        let pulled = wait_task(py, spawn(py, async move { Ok(job.run().await) })?)?;
        arrow::stream(py, pulled)
    }

    #[getter]
    fn path(&self) -> String {
        self.pull.path.clone()
    }

    /// The query parameters every page request carries (before limit/offset/metadata).
    #[getter]
    fn params(&self) -> Vec<(String, String)> {
        self.pull.query.clone()
    }
}

struct StreamState {
    progress: PullCursor,
    first: Option<Page>,
    /// The next page's request, already under way: (rows requested, task).
    prefetch: Option<(usize, JoinHandle<Result<Outcome>>)>,
    seen: RecentIds,
}

#[pyclass(module = "simplicate._core", name = "PageStream", frozen)]
pub struct PyPageStream {
    pull: Arc<Pull>,
    state: Mutex<StreamState>,
}

impl PyPageStream {
    fn start_prefetch(&self, py: Python<'_>, state: &mut StreamState) -> PyResult<()> {
        if let Some((offset, size)) = state.progress.next_request() {
            let with_count = state.progress.count().is_none();
            let task = self
                .pull
                .fetch(py, self.pull.request(offset, size, with_count))?;
            state.prefetch = Some((size, task));
        }
        Ok(())
    }
}

#[pymethods]
impl PyPageStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let (requested, page) = if let Some(page) = state.first.take() {
                let size = self
                    .pull
                    .plan
                    .page_size
                    .min(self.pull.plan.limit.unwrap_or(usize::MAX));
                (size.max(1), page)
            } else {
                if state.prefetch.is_none() {
                    self.start_prefetch(py, &mut state)?;
                }
                let Some((requested, task)) = state.prefetch.take() else {
                    return Ok(None);
                };
                let response = outcome::finish(py, wait_task(py, task)?)?;
                (requested, decode_page(py, &response)?)
            };
            let rows = page.records.bind(py);
            let fresh = fresh_records(py, &mut state.seen, rows)?;
            state
                .progress
                .record(requested, rows.len(), fresh.len(), page.count);
            if !state.progress.is_finished() {
                self.start_prefetch(py, &mut state)?;
            }
            if !fresh.is_empty() {
                return Ok(Some(fresh));
            }
            if state.progress.is_finished() {
                return Ok(None);
            }
        }
    }

    /// Stop the pass: abort a prefetch under way. Idempotent; dropping the stream does the same.
    fn close(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, task)) = state.prefetch.take() {
            task.abort();
        }
        state.first = None;
    }
}

/// The page minus records delivered recently (repeats caused by creates during the pull).
pub(crate) fn fresh_records<'py>(
    py: Python<'py>,
    seen: &mut RecentIds,
    rows: &Bound<'py, PyList>,
) -> PyResult<Bound<'py, PyList>> {
    let id_key = PyString::intern(py, "id");
    let mut fresh: Option<Bound<'py, PyList>> = None;
    for (i, record) in rows.iter().enumerate() {
        let id = match record.cast::<PyDict>() {
            Ok(dict) => match dict.get_item(&id_key)? {
                Some(id) => id
                    .cast::<PyString>()
                    .ok()
                    .map(|s| s.to_cow().map(|c| c.into_owned()))
                    .transpose()?,
                None => None,
            },
            Err(_) => None,
        };
        let repeat = id.as_deref().is_some_and(|id| seen.is_repeat(id));
        if let Some(id) = &id {
            seen.remember(id);
        }
        match (&mut fresh, repeat) {
            // First repeat: copy the records before it into a new list.
            (None, true) => {
                let list = PyList::empty(py);
                for earlier in rows.iter().take(i) {
                    list.append(earlier)?;
                }
                fresh = Some(list);
            }
            (Some(list), false) => list.append(record)?,
            _ => {}
        }
    }
    Ok(fresh.unwrap_or_else(|| rows.clone()))
}

impl Drop for PyPageStream {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some((_, task)) = state.prefetch.take() {
            task.abort();
        }
    }
}
