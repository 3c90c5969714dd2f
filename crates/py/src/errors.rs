//! The single conversion from the core's `Error` to the Python exception tree defined in
//! `simplicate/_exceptions.py`, so the tree has one home. Its classes are resolved once, on the
//! first error, into a table indexed by [`ErrorClass`]; later errors only index it.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

use crate::decode::parse_json;
use simplicate_core::error::{Error, ErrorClass, StatusError};

const EXCEPTIONS_MODULE: &str = "simplicate._exceptions";

/// The classes of [`EXCEPTIONS_MODULE`], in [`ErrorClass::ALL`] order.
static CLASSES: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();

pub fn to_pyerr(py: Python<'_>, error: Error) -> PyErr {
    match build(py, error) {
        Ok(err) => err,
        // Only if the Python package itself is broken (module missing): still say something.
        Err(fallback) => fallback,
    }
}

fn class(py: Python<'_>, class: ErrorClass) -> PyResult<&Bound<'_, PyAny>> {
    let classes = CLASSES.get_or_try_init(py, || {
        let module = py.import(EXCEPTIONS_MODULE)?;
        ErrorClass::ALL
            .iter()
            .map(|class| Ok(module.getattr(class.name())?.unbind()))
            .collect::<PyResult<Vec<_>>>()
    })?;
    Ok(classes[class.index()].bind(py))
}

fn raise(
    py: Python<'_>,
    class_: ErrorClass,
    message: String,
    kwargs: &Bound<'_, PyDict>,
) -> PyResult<PyErr> {
    let instance = class(py, class_)?.call((message,), Some(kwargs))?;
    Ok(PyErr::from_value(instance))
}

fn build(py: Python<'_>, error: Error) -> PyResult<PyErr> {
    let message = error.to_string();
    let kwargs = PyDict::new(py);
    match error {
        Error::Config(_) => raise(py, ErrorClass::Configuration, message, &kwargs),
        Error::InvalidArgument(_) => Ok(PyValueError::new_err(message)),
        Error::Closed => Ok(PyRuntimeError::new_err(message)),
        Error::Internal(_) => raise(py, ErrorClass::Simplicate, message, &kwargs),
        Error::Connection { method, url, .. } => {
            kwargs.set_item("method", method)?;
            kwargs.set_item("url", url)?;
            raise(py, ErrorClass::Connection, message, &kwargs)
        }
        Error::Timeout { method, url, .. } => {
            kwargs.set_item("method", method)?;
            kwargs.set_item("url", url)?;
            raise(py, ErrorClass::Timeout, message, &kwargs)
        }
        Error::Redirect {
            method,
            url,
            status,
            location,
        } => {
            kwargs.set_item("method", method)?;
            kwargs.set_item("url", url)?;
            kwargs.set_item("status_code", status)?;
            kwargs.set_item("errors", Vec::<String>::new())?;
            kwargs.set_item("body", location)?;
            raise(py, ErrorClass::Status, message, &kwargs)
        }
        Error::Decode {
            method,
            url,
            status,
            ..
        } => {
            kwargs.set_item("method", method)?;
            kwargs.set_item("url", url)?;
            kwargs.set_item("status_code", status)?;
            raise(py, ErrorClass::Decode, message, &kwargs)
        }
        Error::Status(status) => {
            let class_ = ErrorClass::for_status(status.status);
            kwargs.set_item("method", &status.method)?;
            kwargs.set_item("url", &status.url)?;
            kwargs.set_item("status_code", status.status)?;
            kwargs.set_item("errors", &status.errors)?;
            kwargs.set_item("error_details", error_details(py, &status)?)?;
            kwargs.set_item("body", status_body(py, &status))?;
            raise(py, class_, message, &kwargs)
        }
    }
}

/// The envelope's `errors` items as Python objects, decoded like the body (so a dict here equals
/// the one inside `body`).
fn error_details<'py>(py: Python<'py>, status: &StatusError) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for item in &status.details {
        // Writing a `serde_json::Value` and decoding what serde_json wrote cannot fail; should
        // it, the item's JSON text still beats losing the whole exception.
        match serde_json::to_vec(item)
            .ok()
            .and_then(|bytes| parse_json(py, &bytes).ok())
        {
            Some(value) => out.append(value)?,
            None => out.append(item.to_string())?,
        }
    }
    Ok(out)
}

/// The body as parsed JSON when it is JSON, else as text.
fn status_body<'py>(py: Python<'py>, status: &StatusError) -> Bound<'py, PyAny> {
    if status.is_json() {
        if let Ok(value) = parse_json(py, &status.body) {
            return value;
        }
    }
    String::from_utf8_lossy(&status.body)
        .into_owned()
        .into_pyobject(py)
        .expect("str conversion is infallible")
        .into_any()
}
