//! Blocking on the core's futures from Python: the GIL is released while waiting, and the wait
//! wakes every 50 ms to run Python's signal handlers, so Ctrl-C interrupts a call promptly.
//! Interrupting aborts the task, which drops (and so cancels) the in-flight request.
//! A panic inside the task comes back as `Error::Internal`, never as a dead interpreter.

use std::future::Future;
use std::time::Duration;

use pyo3::prelude::*;
use tokio::task::JoinHandle;

use crate::errors::to_pyerr;
use simplicate_core::error::Error;
use simplicate_core::runtime;

const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Run `future` on the shared runtime and wait for it without holding the GIL.
pub fn wait<F, T>(py: Python<'_>, future: F) -> PyResult<T>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    let task = spawn(py, future)?;
    wait_task(py, task)
}

/// Run `future` on the calling thread, inside the shared runtime, with the GIL released; the
/// future takes the GIL back itself (`Python::attach`) when it needs the caller's objects, so
/// those are used on the caller's own thread. Ctrl-C drops the future, cancelling its request.
pub fn drive<F, T, E>(py: Python<'_>, future: F) -> Result<T, E>
where
    F: Future<Output = Result<T, E>> + Send,
    T: Send,
    E: From<PyErr> + Send,
{
    let runtime = runtime::get().map_err(|e| E::from(to_pyerr(py, e)))?;
    py.detach(|| {
        runtime.block_on(async {
            let mut future = std::pin::pin!(future);
            loop {
                tokio::select! {
                    result = &mut future => return result,
                    () = tokio::time::sleep(SIGNAL_POLL) => {
                        #[allow(clippy::redundant_closure_for_method_calls)] // the path does not type-check: `Python<'py>` is higher-ranked
                        Python::attach(|py| py.check_signals()).map_err(E::from)?;
                    }
                }
            }
        })
    })
}

/// Start `future` on the shared runtime without waiting (a prefetch); `wait_task` collects it.
/// Dropping the handle does not stop the task: call `abort` for that.
pub fn spawn<F, T>(py: Python<'_>, future: F) -> PyResult<JoinHandle<Result<T, Error>>>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    let runtime = runtime::get().map_err(|e| to_pyerr(py, e))?;
    Ok(runtime.spawn(future))
}

/// Wait for a spawned task, GIL released, polling for signals; an interrupt aborts the task.
pub fn wait_task<T>(py: Python<'_>, task: JoinHandle<Result<T, Error>>) -> PyResult<T>
where
    T: Send + 'static,
{
    wait_join(py, task)?.map_err(|e| to_pyerr(py, e))
}

/// [`wait_task`] for a task whose output is not a `Result` (a page fetch's `Outcome`).
pub fn wait_join<T>(py: Python<'_>, mut task: JoinHandle<T>) -> PyResult<T>
where
    T: Send + 'static,
{
    let runtime = runtime::get().map_err(|e| to_pyerr(py, e))?;
    loop {
        let step = py.detach(|| {
            runtime.block_on(async { tokio::time::timeout(SIGNAL_POLL, &mut task).await })
        });
        match step {
            Ok(Ok(output)) => return Ok(output),
            Ok(Err(join_error)) => return Err(to_pyerr(py, join_failure(join_error))),
            Err(_elapsed) => {
                if let Err(interrupt) = py.check_signals() {
                    task.abort();
                    return Err(interrupt);
                }
            }
        }
    }
}

/// A task that ended without a result: a panic (as `Error::Internal`) or a cancellation.
pub(crate) fn join_failure(error: tokio::task::JoinError) -> Error {
    if error.is_panic() {
        let payload = error.into_panic();
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Error::Internal(format!("a background task panicked: {text}"))
    } else {
        Error::Internal("the request task was cancelled".to_owned())
    }
}

/// A spawned task that is aborted when its handle is dropped: a prefetch owned by a future that
/// may be cancelled (an awaiting task, an interrupted pull).
pub(crate) struct AbortOnDrop<T>(pub(crate) JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
