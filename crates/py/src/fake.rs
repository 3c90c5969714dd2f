//! `_core.FakeServer`: the fake Simplicate (src/fake/) started from Python, on loopback.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use crate::decode::parse_json;
use crate::encode::encode_json;
use simplicate_fake::{FakeConfig, FakeServer, FaultHandle, FaultOptions};

#[pyclass(module = "simplicate._core", name = "FakeServer", frozen)]
pub struct PyFakeServer {
    server: Mutex<Option<FakeServer>>,
}

impl PyFakeServer {
    fn with<T>(&self, f: impl FnOnce(&FakeServer) -> PyResult<T>) -> PyResult<T> {
        let guard = self
            .server
            .lock()
            .map_err(|_| PyRuntimeError::new_err("fake server lock poisoned"))?;
        match guard.as_ref() {
            Some(server) => f(server),
            None => Err(PyRuntimeError::new_err("the fake server has been stopped")),
        }
    }
}

#[pymethods]
impl PyFakeServer {
    #[new]
    #[pyo3(signature = (
        *, api_key, api_secret, seed=0, records=None, host="127.0.0.1", port=0, rate_limit=None,
        rate_window=60.0, quirks=true
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        api_key: String,
        api_secret: String,
        seed: u64,
        records: Option<BTreeMap<String, usize>>,
        host: &str,
        port: u16,
        rate_limit: Option<u32>,
        rate_window: f64,
        quirks: bool,
    ) -> PyResult<Self> {
        let host = host
            .parse()
            .map_err(|_| PyTypeError::new_err(format!("host={host:?} is not an IP address")))?;
        if rate_limit == Some(0) {
            return Err(PyValueError::new_err(
                "rate_limit must be at least 1 request per minute, or None for no limit",
            ));
        }
        let rate_window = Duration::try_from_secs_f64(rate_window)
            .ok()
            .filter(|w| !w.is_zero())
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "rate_window must be a positive number of seconds, got {rate_window}"
                ))
            })?;
        let config = FakeConfig {
            api_key,
            api_secret,
            seed,
            host,
            port,
            sizes: records.unwrap_or_default(),
            rate_limit,
            rate_window,
            quirks,
        };
        let server = py.detach(|| FakeServer::start(config)).map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidInput {
                PyValueError::new_err(format!("records: {e}"))
            } else {
                PyOSError::new_err(format!("cannot start the fake server: {e}"))
            }
        })?;
        Ok(PyFakeServer {
            server: Mutex::new(Some(server)),
        })
    }

    #[getter]
    fn url(&self) -> PyResult<String> {
        self.with(|s| Ok(s.url()))
    }

    #[getter]
    fn port(&self) -> PyResult<u16> {
        self.with(|s| Ok(s.addr().port()))
    }

    /// All records of a collection (`"crm/organization"`), in store order.
    fn records<'py>(&self, py: Python<'py>, collection: &str) -> PyResult<Bound<'py, PyAny>> {
        let bytes = self.with(|s| {
            serde_json::to_vec(&s.store().list(collection))
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))
        })?;
        parse_json(py, &bytes).map_err(PyRuntimeError::new_err)
    }

    /// Insert a record directly (no HTTP); returns its id.
    fn add(&self, collection: &str, record: &Bound<'_, PyAny>) -> PyResult<String> {
        let bytes = encode_json(record, "record")?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let serde_json::Value::Object(map) = value else {
            return Err(PyTypeError::new_err("record must be a dict"));
        };
        self.with(|s| Ok(s.store().insert(collection, map)))
    }

    /// The requests served so far, oldest first: dicts with method, path, query, status, time.
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let entries = self.with(|s| Ok(s.log().snapshot()))?;
        let out = PyList::empty(py);
        for entry in entries {
            let item = PyDict::new(py);
            item.set_item("method", entry.method)?;
            item.set_item("path", entry.path)?;
            item.set_item("query", entry.query)?;
            item.set_item("status", entry.status)?;
            item.set_item("time", entry.time)?;
            item.set_item("fault", entry.fault.map(simplicate_fake::FaultKind::as_str))?;
            out.append(item)?;
        }
        Ok(out)
    }

    /// Forget the requests logged so far.
    fn clear_requests(&self) -> PyResult<()> {
        self.with(|s| {
            s.log().clear();
            Ok(())
        })
    }

    /// Back to the seeded data, with no fault rules and the whole rate-limit allowance.
    fn reset(&self) -> PyResult<()> {
        self.with(|s| {
            s.store().reset();
            s.clear_faults();
            s.reset_rate_limit();
            Ok(())
        })
    }

    /// Requests per minute the server admits, or `None`.
    #[getter]
    fn rate_limit(&self) -> PyResult<Option<u32>> {
        self.with(|s| Ok(s.rate_limit()))
    }

    /// Add a fault rule; the semantics and validation are in `simplicate-fake`'s `faults/`.
    #[pyo3(signature = (
        path_glob="*", *, method=None, times=Some(1), rate=None, delay=None, status=None,
        body=None, content_type=None, retry_after=None, drop_connection=false, truncate=false
    ),
    // Spelled out because pyo3 renders the `Some(1)` default as "...".
    text_signature = "($self, path_glob='*', *, method=None, times=1, rate=None, delay=None, \
        status=None, body=None, content_type=None, retry_after=None, drop_connection=False, \
        truncate=False)")]
    #[allow(clippy::too_many_arguments)]
    fn inject(
        &self,
        path_glob: &str,
        method: Option<String>,
        times: Option<u64>,
        rate: Option<f64>,
        delay: Option<f64>,
        status: Option<u16>,
        body: Option<&Bound<'_, PyAny>>,
        content_type: Option<String>,
        retry_after: Option<String>,
        drop_connection: bool,
        truncate: bool,
    ) -> PyResult<PyFakeFault> {
        let body = match body {
            None => None,
            Some(b) => Some(if let Ok(bytes) = b.cast::<PyBytes>() {
                bytes.as_bytes().to_vec()
            } else if let Ok(text) = b.cast::<PyString>() {
                text.to_str()?.as_bytes().to_vec()
            } else {
                return Err(PyTypeError::new_err(format!(
                    "body must be str or bytes, got {}",
                    b.get_type().name()?
                )));
            }),
        };
        let options = FaultOptions {
            path_glob: path_glob.to_owned(),
            method,
            times,
            rate,
            delay,
            status,
            body,
            content_type,
            retry_after,
            drop_connection,
            truncate,
        };
        self.with(|s| {
            s.inject(options)
                .map(|handle| PyFakeFault { handle })
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })
    }

    /// Withdraw every fault rule.
    fn clear_faults(&self) -> PyResult<()> {
        self.with(|s| {
            s.clear_faults();
            Ok(())
        })
    }

    /// The fault rules that can still apply, in the order they are checked.
    fn faults(&self) -> PyResult<Vec<PyFakeFault>> {
        self.with(|s| {
            Ok(s.active_faults()
                .into_iter()
                .map(|handle| PyFakeFault { handle })
                .collect())
        })
    }

    /// Shut the server down and wait for it; idempotent.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self
            .server
            .lock()
            .map_err(|_| PyRuntimeError::new_err("fake server lock poisoned"))?
            .take();
        if let Some(mut server) = taken {
            py.detach(move || server.stop());
        }
        Ok(())
    }

    #[getter]
    fn running(&self) -> PyResult<bool> {
        Ok(self
            .server
            .lock()
            .map_err(|_| PyRuntimeError::new_err("fake server lock poisoned"))?
            .is_some())
    }
}

/// One injected fault rule; stays readable after it expired or the server stopped.
#[pyclass(module = "simplicate._core", name = "FakeFault", frozen)]
pub struct PyFakeFault {
    handle: FaultHandle,
}

#[pymethods]
impl PyFakeFault {
    #[getter]
    fn hits(&self) -> u64 {
        self.handle.hits()
    }

    #[getter]
    fn remaining(&self) -> Option<u64> {
        self.handle.remaining()
    }

    #[getter]
    fn active(&self) -> bool {
        self.handle.active()
    }

    #[getter]
    fn path_glob(&self) -> &str {
        self.handle.path_glob()
    }

    #[getter]
    fn method(&self) -> Option<&str> {
        self.handle.method()
    }

    fn cancel(&self) {
        self.handle.cancel();
    }
}
