//! Query parameters: a dict (or a list of pairs) → `(key, value)` strings.
//!
//! Values are written as the API reads them: `bool` as 1/0, datetimes and dates the API's way,
//! numbers as text; a list or tuple repeats the key; `None` leaves the key out, so optional
//! arguments can be passed straight through. Anything else is a TypeError naming the key.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::pytypes::{format_temporal, is_decimal, type_name};

pub fn encode_params(params: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    if let Ok(dict) = params.cast::<PyDict>() {
        for (key, value) in dict.iter() {
            push(&mut out, key_text(&key)?, &value)?;
        }
    } else if params.is_instance_of::<PyList>() || params.is_instance_of::<PyTuple>() {
        for pair in params.try_iter()? {
            let pair = pair?;
            let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                pair.extract().map_err(|_| {
                    PyTypeError::new_err("params: a list of params must hold (key, value) pairs")
                })?;
            push(&mut out, key_text(&key)?, &value)?;
        }
    } else {
        return Err(PyTypeError::new_err(format!(
            "params must be a dict or a list of (key, value) pairs, got {}",
            type_name(params)
        )));
    }
    Ok(out)
}

fn key_text(key: &Bound<'_, PyAny>) -> PyResult<String> {
    let key = key.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("params: keys must be str, got {}", type_name(key)))
    })?;
    let key = key.to_cow()?.into_owned();
    if key.is_empty() {
        return Err(PyValueError::new_err("params: empty parameter name"));
    }
    Ok(key)
}

fn push(out: &mut Vec<(String, String)>, key: String, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        for item in value.try_iter()? {
            let item = item?;
            if let Some(text) = scalar(&key, &item)? {
                out.push((key.clone(), text));
            }
        }
    } else if let Some(text) = scalar(&key, value)? {
        out.push((key, text));
    }
    Ok(())
}

/// The text of one scalar value; `None` for Python `None` (the key is left out).
pub fn scalar(key: &str, value: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if value.is_none() {
        return Ok(None);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Some(if b.is_true() { "1" } else { "0" }.to_owned()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Some(s.to_cow()?.into_owned()));
    }
    if value.is_instance_of::<PyInt>() || is_decimal(value)? {
        return Ok(Some(value.str()?.to_cow()?.into_owned()));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        let f = f.value();
        if !f.is_finite() {
            return Err(PyValueError::new_err(format!(
                "params[{key:?}]: {f} is not a usable value"
            )));
        }
        return Ok(Some(value.str()?.to_cow()?.into_owned()));
    }
    if let Some(text) = format_temporal(value)? {
        return Ok(Some(text));
    }
    Err(PyTypeError::new_err(format!(
        "params[{key:?}]: unsupported value of type {} (use str, int, float, bool, datetime, \
         date, or a list of those)",
        type_name(value)
    )))
}

/// `params=` as the pairs a request would carry (for the pager's escape hatch).
#[pyfunction]
#[pyo3(name = "encode_params")]
pub fn encode_params_py(params: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    encode_params(params)
}
