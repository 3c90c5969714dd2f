//! Running a Rust test's Python work: see [`on_python_thread`].

/// Runs a Rust test's Python work on the one thread that initialized the interpreter, which
/// lives as long as the test process, and returns its result (a panic there panics the test).
///
/// Why: libtest runs each test on a fresh thread. Attaching many short-lived threads to an
/// interpreter while other tests run (the seed tests, say) crashed CPython 3.11 inside
/// `PyGILState_Ensure` → `PyThreadState_New`, about one run in two, under load only. An
/// embedding program attaches from a few long-lived threads; the tests now do the same.
pub(crate) fn on_python_thread<R, F>(f: F) -> R
where
    F: for<'py> FnOnce(pyo3::Python<'py>) -> R + Send + 'static,
    R: Send + 'static,
{
    use std::sync::mpsc::{channel, Sender};
    use std::sync::{Mutex, OnceLock};
    type Job = Box<dyn FnOnce(pyo3::Python<'_>) + Send>;
    static JOBS: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    let jobs = JOBS.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("python-tests".into())
            .spawn(move || {
                pyo3::Python::initialize();
                for job in rx {
                    pyo3::Python::attach(job);
                }
            })
            .expect("spawn the Python test thread");
        Mutex::new(tx)
    });
    let (done_tx, done_rx) = channel();
    let job: Job = Box::new(move |py| {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(py)));
        let _ = done_tx.send(result);
    });
    jobs.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .send(job)
        .expect("the Python test thread is running");
    match done_rx.recv().expect("the Python test thread answers") {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
