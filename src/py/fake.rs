//! `_core.FakeServer`: the fake Simplicate (src/fake/) started from Python, on loopback.

use std::collections::BTreeMap;
use std::sync::Mutex;

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::fake::{FakeConfig, FakeServer};
use crate::py::decode::parse_json;
use crate::py::encode::encode_json;

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
    #[pyo3(signature = (*, api_key, api_secret, seed=0, records=None, host="127.0.0.1", port=0))]
    fn new(
        py: Python<'_>,
        api_key: String,
        api_secret: String,
        seed: u64,
        records: Option<BTreeMap<String, usize>>,
        host: &str,
        port: u16,
    ) -> PyResult<Self> {
        let host = host
            .parse()
            .map_err(|_| PyTypeError::new_err(format!("host={host:?} is not an IP address")))?;
        let config = FakeConfig {
            api_key,
            api_secret,
            seed,
            host,
            port,
            sizes: records.unwrap_or_default(),
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

    /// Back to the seeded data.
    fn reset(&self) -> PyResult<()> {
        self.with(|s| {
            s.store().reset();
            Ok(())
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
