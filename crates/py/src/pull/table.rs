//! The pull behind `to_arrow()`: one pass over the pages, built into a table by `tabular`, all
//! on the runtime (no GIL), for the sync pager (which waits on it) and the async one (which
//! awaits it).
//!
//! It steps through the same [`PullEngine`] as the page streams: the same requests from the same
//! [`Pull`], the count riding on the first request, the page `count()` kept, one page
//! prefetched, the same repeat filter, a page of nothing but repeats skipped. Each answer is
//! first scanned (envelope checked, ids and count read), which is all the engine needs to
//! decide and start the next request; the page is then flattened into the table while that
//! request is under way, and its bytes dropped. Dropping the pull (an interrupt, a cancelled
//! await) aborts the prefetch.

use std::sync::Arc;

use super::{PagerState, Pull};
use crate::progress::ProgressSink;
use crate::wait::{join_failure, AbortOnDrop};
use simplicate_core::error::{Error, Result};
use simplicate_core::pull::PullEngine;
use simplicate_core::tabular::{scan_page, Options, PageError, Table, TableBuilder};
use simplicate_core::transport::{ApiResponse, Outcome, RetryNote};

/// A finished pull: the table or the failure, and the retries it took (logged by the caller,
/// with the GIL).
pub(crate) struct Pulled {
    pub(crate) table: Result<Table>,
    pub(crate) retries: Vec<RetryNote>,
}

pub(crate) struct TablePull {
    pull: Arc<Pull>,
    engine: PullEngine,
    first: Option<ApiResponse>,
    options: Options,
    /// Told `(records so far, filtered count)` after each page.
    report: ProgressSink,
}

enum Next {
    /// The page `count()` fetched.
    Kept(ApiResponse),
    Fetching(AbortOnDrop<Outcome>),
}

impl TablePull {
    /// A pass starting from the pager's state: its kept first page and known count.
    pub(crate) fn new(state: &PagerState, options: Options, report: ProgressSink) -> TablePull {
        let (pull, engine, first) = state.start_pass();
        let first = first.and_then(|page| page.response);
        TablePull {
            pull,
            engine,
            first,
            options,
            report,
        }
    }

    pub(crate) async fn run(self) -> Pulled {
        let mut retries = Vec::new();
        let table = self.pages(&mut retries).await;
        Pulled { table, retries }
    }

    async fn pages(self, retries: &mut Vec<RetryNote>) -> Result<Table> {
        let TablePull {
            pull,
            mut engine,
            first,
            options,
            report,
        } = self;
        let mut done: u64 = 0;
        let mut builder = TableBuilder::new(options);
        let mut next = match first {
            Some(response) => Some(Next::Kept(response)),
            None => fetch_next(&pull, &mut engine)?,
        };
        while let Some(page) = next.take() {
            let response = match page {
                Next::Kept(response) => response,
                Next::Fetching(mut task) => {
                    let outcome = (&mut task.0).await.map_err(join_failure)?;
                    retries.extend(outcome.retries);
                    outcome.result?
                }
            };
            let scan = scan_page(&response.body).map_err(|e| decode_error(&response, e))?;
            let verdict = engine.apply(scan.ids, scan.count);
            if !engine.is_finished() {
                next = fetch_next(&pull, &mut engine)?;
            }
            if verdict.is_empty() {
                continue;
            }
            builder
                .push_page(&response.body, verdict.mask())
                .map_err(|e| decode_error(&response, e))?;
            done += verdict.fresh() as u64;
            let count = engine.count().map(|c| c as u64);
            report
                .report(done, count)
                .map_err(|e| Error::Internal(format!("the progress callback raised: {e}")))?;
        }
        // The one long CPU step: let the runtime move its other work off this thread.
        tokio::task::block_in_place(|| builder.finish())
            .map_err(|e| Error::Internal(format!("building the Arrow table: {e}")))
    }
}

/// Start the next page's request, if the pass is not over.
fn fetch_next(pull: &Pull, engine: &mut PullEngine) -> Result<Option<Next>> {
    let Some(page) = engine.next_request() else {
        return Ok(None);
    };
    Ok(Some(Next::Fetching(AbortOnDrop(pull.fetch(page)?))))
}

fn decode_error(response: &ApiResponse, error: PageError) -> Error {
    let reason = error.0;
    if reason.starts_with("invalid JSON") {
        response.decode_error(response.with_body_hint(&reason))
    } else {
        response.decode_error(reason)
    }
}
