//! `_core.Transport`: the native half of `simplicate.Client`. It converts arguments, sends through
//! the Rust transport with the GIL released, and decodes the answer into Python objects.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::decode::decode_envelope;
use crate::encode::encode_json;
use crate::errors::to_pyerr;
use crate::outcome;
use crate::params::encode_params;
use crate::pull::args::PullArgs;
use crate::pull::sync::PyPager;
use crate::wait::wait;
use simplicate_core::config::resolve_base_url;
use simplicate_core::error::Error;
use simplicate_core::retry::{RetryPolicy, DEFAULT_BASE, DEFAULT_CAP, DEFAULT_MAX_RETRIES};
use simplicate_core::transport::{ApiRequest, Transport, TransportConfig};

#[pyclass(module = "simplicate._core", name = "Transport", frozen)]
pub struct PyTransport {
    pub(crate) inner: Arc<Transport>,
}

fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    if !value.is_finite() || value <= 0.0 {
        return Err(PyValueError::new_err(format!(
            "{name} must be a positive number of seconds, got {value}"
        )));
    }
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{name}={value} is out of range")))
}

/// One request from Python arguments, checked before anything is sent (shared with the async
/// transport).
pub(crate) fn build_request(
    py: Python<'_>,
    transport: &Transport,
    method: &str,
    path: &str,
    params: Option<&Bound<'_, PyAny>>,
    json: Option<&Bound<'_, PyAny>>,
    max_retries: Option<u32>,
) -> PyResult<ApiRequest> {
    let method = method_of(method)?;
    let query = match params {
        Some(p) if !p.is_none() => encode_params(p)?,
        _ => Vec::new(),
    };
    let body = match json {
        Some(j) if !j.is_none() => Some(encode_json(j, "json")?),
        _ => None,
    };
    let request = ApiRequest {
        query,
        body,
        max_retries,
        ..ApiRequest::new(method, path)
    };
    // Path problems surface here, before anything is sent.
    transport.url_for(&request).map_err(|e| to_pyerr(py, e))?;
    if transport.is_closed() {
        return Err(to_pyerr(py, Error::Closed));
    }
    Ok(request)
}

fn method_of(method: &str) -> PyResult<reqwest::Method> {
    match method.to_ascii_uppercase().as_str() {
        "GET" => Ok(reqwest::Method::GET),
        "POST" => Ok(reqwest::Method::POST),
        "PUT" => Ok(reqwest::Method::PUT),
        "DELETE" => Ok(reqwest::Method::DELETE),
        _ => Err(PyValueError::new_err(format!(
            "method={method:?} is not one the Simplicate API uses; expected GET, POST, PUT or DELETE"
        ))),
    }
}

#[pymethods]
impl PyTransport {
    #[new]
    #[allow(clippy::too_many_arguments)] // keyword-only constructor arguments, one per option
    #[pyo3(signature = (
        base_url, *, api_key, api_secret, timeout, connect_timeout, user_agent, ca_bundle=None,
        rate_limit=None, rate_burst=1, max_retries=DEFAULT_MAX_RETRIES,
        retry_backoff=DEFAULT_BASE.as_secs_f64(), retry_backoff_max=DEFAULT_CAP.as_secs_f64()
    ))]
    fn new(
        py: Python<'_>,
        base_url: &str,
        api_key: String,
        api_secret: String,
        timeout: f64,
        connect_timeout: f64,
        user_agent: String,
        ca_bundle: Option<PathBuf>,
        rate_limit: Option<f64>,
        rate_burst: u32,
        max_retries: u32,
        retry_backoff: f64,
        retry_backoff_max: f64,
    ) -> PyResult<Self> {
        let config = TransportConfig {
            base_url: resolve_base_url(None, Some(base_url)).map_err(|e| to_pyerr(py, e))?,
            api_key,
            api_secret,
            timeout: seconds("timeout", timeout)?,
            connect_timeout: seconds("connect_timeout", connect_timeout)?,
            ca_bundle,
            user_agent,
            rate_limit,
            rate_burst,
            retry: RetryPolicy {
                max_retries,
                base: seconds("retry_backoff", retry_backoff)?,
                cap: seconds("retry_backoff_max", retry_backoff_max)?,
            },
        };
        let inner = Transport::new(config).map_err(|e| to_pyerr(py, e))?;
        Ok(PyTransport {
            inner: Arc::new(inner),
        })
    }

    /// Send one request; returns the decoded envelope dict.
    #[pyo3(signature = (method, path, *, params=None, json=None, max_retries=None))]
    fn request<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        path: &str,
        params: Option<&Bound<'py, PyAny>>,
        json: Option<&Bound<'py, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let request = build_request(py, &self.inner, method, path, params, json, max_retries)?;
        let response = outcome::send(py, self.inner.clone(), request)?;
        decode_envelope(py, &response).map_err(|e| to_pyerr(py, e))
    }

    /// A lazy pager over the list endpoint `path`: the arguments of `Client._list` (see
    /// `pull/args.rs`), checked here, before any request.
    #[pyo3(signature = (path, *, filter=None, select=None, sort=None, limit=None, offset, page_size, params=None))]
    #[allow(clippy::too_many_arguments)] // one keyword per argument of `list()`
    fn pager(
        &self,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        filter: Option<&Bound<'_, PyAny>>,
        select: Option<&Bound<'_, PyAny>>,
        sort: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
        offset: &Bound<'_, PyAny>,
        page_size: &Bound<'_, PyAny>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPager> {
        let args = PullArgs {
            path,
            filter,
            select,
            sort,
            limit,
            offset,
            page_size,
            params,
        };
        Ok(PyPager::new(args.into_pull(py, self.inner.clone())?))
    }

    fn close(&self) {
        self.inner.close();
    }

    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Requests per minute the client paces itself to (None: unpaced).
    #[getter]
    fn rate_limit(&self) -> Option<f64> {
        self.inner.config().rate_limit
    }

    #[getter]
    fn max_retries(&self) -> u32 {
        self.inner.config().retry.max_retries
    }

    #[getter]
    fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    fn __repr__(&self) -> String {
        format!("<Transport base_url={:?}>", self.inner.base_url().as_str())
    }

    /// Pickling, for a client sent to a worker process: the configuration travels, the API
    /// secret with it; the connections, the runtime and the pacer are made anew where it
    /// lands. A closed transport is refused rather than brought back open.
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        if self.inner.is_closed() {
            return Err(PyTypeError::new_err("cannot pickle a closed client"));
        }
        let c = self.inner.config();
        let state = (
            c.base_url.as_str(),
            c.api_key.as_str(),
            c.api_secret.as_str(),
            c.timeout.as_secs_f64(),
            c.connect_timeout.as_secs_f64(),
            c.user_agent.as_str(),
            c.ca_bundle.as_deref(),
            c.rate_limit,
            c.rate_burst,
            c.retry.max_retries,
            c.retry.base.as_secs_f64(),
            c.retry.cap.as_secs_f64(),
        )
            .into_pyobject(py)?;
        let restore = py
            .import("simplicate._core")?
            .getattr("_transport_from_state")?;
        Ok((restore, state))
    }
}

/// The other half of `Transport.__reduce__`: a transport from its pickled configuration.
#[pyfunction]
#[allow(clippy::too_many_arguments)] // the configuration's fields, in `__reduce__`'s order
pub fn _transport_from_state(
    py: Python<'_>,
    base_url: &str,
    api_key: String,
    api_secret: String,
    timeout: f64,
    connect_timeout: f64,
    user_agent: String,
    ca_bundle: Option<PathBuf>,
    rate_limit: Option<f64>,
    rate_burst: u32,
    max_retries: u32,
    retry_backoff: f64,
    retry_backoff_max: f64,
) -> PyResult<PyTransport> {
    PyTransport::new(
        py,
        base_url,
        api_key,
        api_secret,
        timeout,
        connect_timeout,
        user_agent,
        ca_bundle,
        rate_limit,
        rate_burst,
        max_retries,
        retry_backoff,
        retry_backoff_max,
    )
}

/// Resolve `domain=` / `base_url=` into the API root URL (validated; see `config.rs`).
#[pyfunction]
#[pyo3(name = "resolve_base_url", signature = (domain=None, base_url=None))]
pub fn resolve_base_url_py(
    py: Python<'_>,
    domain: Option<&str>,
    base_url: Option<&str>,
) -> PyResult<String> {
    resolve_base_url(domain, base_url)
        .map(|u| u.to_string())
        .map_err(|e| to_pyerr(py, e))
}

/// Test hook: panic inside a runtime task and report what Python sees.
#[pyfunction]
pub fn _panic_in_task(py: Python<'_>) -> PyResult<()> {
    wait(py, async {
        // A panic, not an assertion: making one is this hook's whole job.
        #[allow(clippy::manual_assert)]
        if std::hint::black_box(true) {
            panic!("deliberate panic for tests");
        }
        Ok::<(), Error>(())
    })
}
