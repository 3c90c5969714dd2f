//! The lazy pull behind `resource.list(...)`: its arguments (`args.rs`), `_core.Pager` / `_core.PageStream` (`sync.rs`),
//! `_core.AsyncPager` / `_core.AsyncPageStream` (`aio.rs`), and the table build behind
//! `to_arrow()` (`table.rs`).
//!
//! One state machine, [`PullEngine`] (`simplicate_core::pull`), decides every request, the
//! count, the repeats and the end of a pass; the files here only drive it. What they share
//! lives in this file: the query of a pull ([`Pull`]), the pager's state between passes
//! ([`PagerState`]: the page `count()` fetched, kept for the next pass, and the count), page
//! decoding, and [`Pass`], one pass over decoded pages that the sync and the async stream step
//! through in the same way (apply the page, start the next request, skip a page that held
//! only repeats). They differ only in how they wait: the sync stream on the calling thread
//! with the GIL released, the async one on the runtime.

pub(crate) mod aio;
pub(crate) mod args;
pub(crate) mod sync;
pub(crate) mod table;

use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use tokio::task::JoinHandle;

use crate::decode::decode_envelope;
use crate::errors::to_pyerr;
use simplicate_api::query::Query;
use simplicate_core::error::Result;
use simplicate_core::pull::{add_tiebreak, PagePlan, PageRequest, PullEngine, Verdict};
use simplicate_core::runtime;
use simplicate_core::transport::{ApiRequest, ApiResponse, Outcome, Transport};

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The query of a pull, shared by its pager and passes.
pub(crate) struct Pull {
    pub(crate) transport: Arc<Transport>,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) plan: PagePlan,
}

impl Pull {
    /// A pull of `query` (filters, select, sort; validated) and the caller's raw `params`
    /// (sent after it). The pager owns limit, offset and metadata; a sort gets `id` as its
    /// last key, as a model sort key (a `sort` in `params` is read into the model for that).
    pub(crate) fn new(
        py: Python<'_>,
        transport: Arc<Transport>,
        path: String,
        mut query: Query,
        mut params: Vec<(String, String)>,
        plan: PagePlan,
    ) -> PyResult<Pull> {
        let probe = ApiRequest::new(reqwest::Method::GET, path.clone());
        transport.url_for(&probe).map_err(|e| to_pyerr(py, e))?;
        for (key, value) in &mut params {
            match key.as_str() {
                "limit" | "offset" | "metadata" => {
                    return Err(PyValueError::new_err(format!(
                        "params[{key:?}]: the pager sets {key}; use list(limit=..., offset=..., \
                         page_size=...) and pager.count()"
                    )))
                }
                "sort" => tiebreak_raw(value),
                _ => {}
            }
        }
        params.retain(|(key, value)| key != "sort" || !value.is_empty());
        add_tiebreak(&mut query.sort);
        let mut pairs = query.to_pairs();
        pairs.extend(params);
        Ok(Pull {
            transport,
            path,
            query: pairs,
            plan,
        })
    }

    pub(crate) fn request(&self, page: PageRequest) -> ApiRequest {
        let mut query = self.query.clone();
        query.push(("limit".to_owned(), page.limit.to_string()));
        query.push(("offset".to_owned(), page.offset.to_string()));
        if page.with_count {
            query.push(("metadata".to_owned(), "count".to_owned()));
        }
        ApiRequest {
            query,
            ..ApiRequest::new(reqwest::Method::GET, self.path.clone())
        }
    }

    /// Start fetching a page on the runtime (a prefetch): it runs while Python works.
    pub(crate) fn fetch(&self, page: PageRequest) -> Result<JoinHandle<Outcome>> {
        let transport = self.transport.clone();
        let request = self.request(page);
        Ok(runtime::get()?.spawn(async move { transport.send(request).await }))
    }
}

/// A raw `params` sort, tiebroken through the model; one the model cannot read is sent as
/// written, for the server to judge.
fn tiebreak_raw(value: &mut String) {
    if let Ok(mut sort) = Query::from_pairs([("sort", value.as_str())]) {
        add_tiebreak(&mut sort.sort);
        *value = sort
            .to_pairs()
            .into_iter()
            .find(|(key, _)| key == "sort")
            .map(|(_, sort)| sort)
            .unwrap_or_default();
    }
}

/// One decoded page: its records and the collection's count when the answer carried one.
pub(crate) struct Page {
    pub(crate) records: Py<PyList>,
    pub(crate) count: Option<usize>,
    /// The answer it was decoded from, kept for the page `count()` fetched: a table pass
    /// builds from the bytes, not from the dicts.
    pub(crate) response: Option<ApiResponse>,
}

impl Page {
    /// The first record, or None.
    pub(crate) fn first_record<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let records = self.records.bind(py);
        if records.is_empty() {
            Ok(None)
        } else {
            records.get_item(0).map(Some)
        }
    }
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

/// The answer to `count()`'s request: it must carry the count it was asked for. The page is
/// kept (with its bytes) for the next pass.
pub(crate) fn decode_counted(py: Python<'_>, response: ApiResponse) -> PyResult<(Page, usize)> {
    let mut page = decode_page(py, &response)?;
    let count = page.count.ok_or_else(|| {
        to_pyerr(
            py,
            response.decode_error("metadata=count was asked for but the answer has no count"),
        )
    })?;
    page.response = Some(response);
    Ok((page, count))
}

/// A pager between passes: its query, the page `count()` fetched (waiting for the next pass)
/// and the count. Shared by the sync and the async pager.
pub(crate) struct PagerState {
    pub(crate) pull: Arc<Pull>,
    first_page: Mutex<Option<Page>>,
    count: Mutex<Option<usize>>,
}

impl PagerState {
    pub(crate) fn new(pull: Pull) -> PagerState {
        PagerState {
            pull: Arc::new(pull),
            first_page: Mutex::new(None),
            count: Mutex::new(None),
        }
    }

    pub(crate) fn count(&self) -> Option<usize> {
        *lock(&self.count)
    }

    /// Store what `count()` learnt.
    pub(crate) fn counted(&self, page: Page, count: usize) {
        *lock(&self.count) = Some(count);
        // A zero limit delivers nothing, so there is no page to keep for it.
        if self.pull.plan.limit != Some(0) {
            *lock(&self.first_page) = Some(page);
        }
    }

    /// The kept page's first record: `Some(None)` when the kept page is empty, `None` when no
    /// page is kept (`first()` then asks for one record).
    pub(crate) fn kept_first_record(&self, py: Python<'_>) -> PyResult<Option<Option<Py<PyAny>>>> {
        match lock(&self.first_page).as_ref() {
            Some(page) => Ok(Some(page.first_record(py)?.map(Bound::unbind))),
            None => Ok(None),
        }
    }

    /// A new pass (a stream or a table build): the pull, an engine that knows the count, and
    /// the page `count()` kept (taken: one pass uses it), which the engine has adopted.
    pub(crate) fn start_pass(&self) -> (Arc<Pull>, PullEngine, Option<Page>) {
        let first = lock(&self.first_page).take();
        let mut engine = PullEngine::new(self.pull.plan, self.count());
        if first.is_some() {
            engine.adopt_counted_page(&self.pull.plan);
        }
        (self.pull.clone(), engine, first)
    }
}

/// One pass over decoded pages (the sync and the async stream): the engine, the page
/// `count()` kept, and the next page's request under way.
pub(crate) struct Pass {
    pull: Arc<Pull>,
    engine: PullEngine,
    first: Option<Page>,
    prefetch: Option<JoinHandle<Outcome>>,
    /// `close()` was called: no more requests.
    closed: bool,
}

impl Pass {
    pub(crate) fn new(state: &PagerState) -> Pass {
        let (pull, engine, first) = state.start_pass();
        Pass {
            pull,
            engine,
            first,
            prefetch: None,
            closed: false,
        }
    }

    /// The kept page, if it is still to be applied.
    pub(crate) fn take_kept(&mut self) -> Option<Page> {
        self.first.take()
    }

    /// The next page's request, started now if it is not under way; `None` when the pass is
    /// over (or closed).
    pub(crate) fn take_fetch(&mut self, py: Python<'_>) -> PyResult<Option<JoinHandle<Outcome>>> {
        if self.prefetch.is_none() {
            self.start_next(py)?;
        }
        Ok(self.prefetch.take())
    }

    fn start_next(&mut self, py: Python<'_>) -> PyResult<()> {
        if self.closed {
            return Ok(());
        }
        if let Some(page) = self.engine.next_request() {
            self.prefetch = Some(self.pull.fetch(page).map_err(|e| to_pyerr(py, e))?);
        }
        Ok(())
    }

    /// Apply a page and start the next request. `Some(records new to the caller)`, or `None`
    /// when the page held only repeats: the caller goes on to the next page (or ends, when
    /// [`Pass::is_finished`]).
    pub(crate) fn apply<'py>(
        &mut self,
        py: Python<'py>,
        page: Page,
    ) -> PyResult<Option<Bound<'py, PyList>>> {
        let rows = page.records.into_bound(py);
        let verdict = self.engine.apply(ids(py, &rows)?, page.count);
        if !self.engine.is_finished() {
            self.start_next(py)?;
        }
        if verdict.is_empty() {
            return Ok(None);
        }
        fresh(py, rows, &verdict).map(Some)
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.engine.is_finished() || self.closed
    }

    /// Stop the pass: abort the request under way. Idempotent.
    pub(crate) fn close(&mut self) {
        if let Some(task) = self.prefetch.take() {
            task.abort();
        }
        self.first = None;
        self.closed = true;
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        if let Some(task) = self.prefetch.take() {
            task.abort();
        }
    }
}

/// Each record's string `id` (`None` for a record without one: never a repeat).
fn ids(py: Python<'_>, rows: &Bound<'_, PyList>) -> PyResult<Vec<Option<String>>> {
    let id_key = PyString::intern(py, "id");
    let mut out = Vec::with_capacity(rows.len());
    for record in rows.iter() {
        let id = match record.cast::<PyDict>() {
            Ok(dict) => match dict.get_item(&id_key)? {
                Some(id) => id
                    .cast::<PyString>()
                    .ok()
                    .map(|s| s.to_cow().map(std::borrow::Cow::into_owned))
                    .transpose()?,
                None => None,
            },
            Err(_) => None,
        };
        out.push(id);
    }
    Ok(out)
}

/// The page minus its repeats: the list itself when every row is new (the usual case).
fn fresh<'py>(
    py: Python<'py>,
    rows: Bound<'py, PyList>,
    verdict: &Verdict,
) -> PyResult<Bound<'py, PyList>> {
    let Some(mask) = verdict.mask() else {
        return Ok(rows);
    };
    let kept = PyList::empty(py);
    for (record, keep) in rows.iter().zip(mask) {
        if *keep {
            kept.append(record)?;
        }
    }
    Ok(kept)
}
