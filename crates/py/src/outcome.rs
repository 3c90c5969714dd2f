//! Sending from Python: wait for the transport (GIL released, Ctrl-C honoured), log the retries
//! it took through Python's `logging` (logger `simplicate`, DEBUG), and turn a failure into the
//! matching exception.
//!
//! Retries are logged here, on the calling thread, after the fact, rather than from the I/O
//! threads as they happen: those threads never need the GIL, so a busy Python thread can never
//! stall the network, and nothing is logged from a thread the interpreter does not know.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::errors::to_pyerr;
use crate::wait::wait;
use simplicate_core::transport::{ApiRequest, ApiResponse, Outcome, RetryNote, Transport};

static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
const DEBUG: i32 = 10;

/// Send and wait; the answer, or the exception for the final failure.
pub fn send(
    py: Python<'_>,
    transport: Arc<Transport>,
    request: ApiRequest,
) -> PyResult<ApiResponse> {
    let outcome = wait(py, async move { Ok(transport.send(request).await) })?;
    finish(py, outcome)
}

pub fn finish(py: Python<'_>, outcome: Outcome) -> PyResult<ApiResponse> {
    if !outcome.retries.is_empty() {
        log_retries(py, &outcome.retries)?;
    }
    outcome.result.map_err(|e| to_pyerr(py, e))
}

/// Log retries at DEBUG on the `simplicate` logger (a no-op unless that level is enabled).
pub fn log_retries(py: Python<'_>, retries: &[RetryNote]) -> PyResult<()> {
    if retries.is_empty() {
        return Ok(());
    }
    let logger = LOGGER.get_or_try_init(py, || {
        py.import("logging")?
            .call_method1("getLogger", ("simplicate",))
            .map(Bound::unbind)
    })?;
    let logger = logger.bind(py);
    if !logger.call_method1("isEnabledFor", (DEBUG,))?.is_truthy()? {
        return Ok(());
    }
    for note in retries {
        logger.call_method1(
            "debug",
            (
                "retrying %s %s after %s (retry %d of %d, waited %.2fs)",
                &note.method,
                &note.url,
                &note.reason,
                note.retry,
                note.max_retries,
                note.delay.as_secs_f64(),
            ),
        )?;
    }
    Ok(())
}
