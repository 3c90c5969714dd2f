//! A list call's arguments, as both transports' `pager(...)` take them: each checked once, in
//! the order the caller wrote them, naming the argument, before any request; then turned into
//! a [`Pull`] in one crossing.

use std::sync::Arc;

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};

use super::Pull;
use crate::params::encode_params;
use crate::pytypes::type_name;
use crate::query::query_from;
use simplicate_core::pull::{PagePlan, MAX_PAGE_SIZE};
use simplicate_core::transport::Transport;

/// The arguments of `Client._list` (but `progress`, a Python-side concern).
pub(crate) struct PullArgs<'a, 'py> {
    pub(crate) path: &'a Bound<'py, PyAny>,
    pub(crate) filter: Option<&'a Bound<'py, PyAny>>,
    pub(crate) select: Option<&'a Bound<'py, PyAny>>,
    pub(crate) sort: Option<&'a Bound<'py, PyAny>>,
    pub(crate) limit: Option<&'a Bound<'py, PyAny>>,
    pub(crate) offset: &'a Bound<'py, PyAny>,
    pub(crate) page_size: &'a Bound<'py, PyAny>,
    pub(crate) params: Option<&'a Bound<'py, PyAny>>,
}

impl PullArgs<'_, '_> {
    pub(crate) fn into_pull(self, py: Python<'_>, transport: Arc<Transport>) -> PyResult<Pull> {
        let path = match self.path.cast::<PyString>() {
            Ok(path) => path.to_cow()?.into_owned(),
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "path must be a str, got {}",
                    type_name(self.path)
                )))
            }
        };
        let limit = self.limit.map(|l| count("limit", l)).transpose()?;
        let offset = count("offset", self.offset)?;
        let page_size = page_size(self.page_size)?;
        let query = query_from(self.filter, self.select, self.sort)?;
        let params = match self.params {
            Some(params) => encode_params(params)?,
            None => Vec::new(),
        };
        let plan = PagePlan {
            page_size,
            limit,
            offset,
        };
        Pull::new(py, transport, path, query, params, plan)
    }
}

/// A non-negative int (not a bool).
fn count(name: &str, value: &Bound<'_, PyAny>) -> PyResult<usize> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, got {}",
            type_name(value)
        )));
    }
    if value.lt(0)? {
        return Err(PyValueError::new_err(format!(
            "{name} must not be negative, got {}",
            value.str()?
        )));
    }
    value.extract()
}

fn page_size(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    let size = match count("page_size", value) {
        // An int too large for usize is just out of range.
        Err(e) if e.is_instance_of::<PyOverflowError>(value.py()) => usize::MAX,
        other => other?,
    };
    if (1..=MAX_PAGE_SIZE).contains(&size) {
        return Ok(size);
    }
    Err(PyValueError::new_err(format!(
        "page_size must be between 1 and {MAX_PAGE_SIZE}, got {}",
        value.str()?
    )))
}
