//! Where a long job's progress goes (`progress=` of transfers and table pulls): nowhere, a
//! callable called in place, or a callable scheduled on an asyncio event loop so that async
//! callers see it on the loop's thread. Jobs run without the GIL and take it only to report.

use pyo3::prelude::*;

pub(crate) enum ProgressSink {
    Silent,
    Call(Py<PyAny>),
    OnLoop {
        event_loop: Py<PyAny>,
        callback: Py<PyAny>,
    },
}

impl ProgressSink {
    /// `callback(done, total)` in place, or on `event_loop` when one is given.
    pub(crate) fn new(
        callback: Option<Bound<'_, PyAny>>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> Self {
        match (callback, event_loop) {
            (None, _) => ProgressSink::Silent,
            (Some(callback), None) => ProgressSink::Call(callback.unbind()),
            (Some(callback), Some(event_loop)) => ProgressSink::OnLoop {
                event_loop: event_loop.unbind(),
                callback: callback.unbind(),
            },
        }
    }

    pub(crate) fn report(&self, done: u64, total: Option<u64>) -> PyResult<()> {
        match self {
            ProgressSink::Silent => Ok(()),
            ProgressSink::Call(callback) => Python::attach(|py| {
                callback.call1(py, (done, total))?;
                Ok(())
            }),
            ProgressSink::OnLoop {
                event_loop,
                callback,
            } => Python::attach(|py| {
                event_loop.call_method1(py, "call_soon_threadsafe", (callback, done, total))?;
                Ok(())
            }),
        }
    }
}
