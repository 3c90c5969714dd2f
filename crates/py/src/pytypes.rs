//! Python types the encoders must recognise (datetime, date, Decimal), looked up once, and the
//! way the API writes dates: `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DD`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A datetime or date formatted the API's way, or `None` for any other object.
pub fn format_temporal(value: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    let py = value.py();
    // datetime is a subclass of date, so it is checked first.
    if value.is_instance(DATETIME.import(py, "datetime", "datetime")?)? {
        return value
            .call_method1("strftime", ("%Y-%m-%d %H:%M:%S",))?
            .extract()
            .map(Some);
    }
    if value.is_instance(DATE.import(py, "datetime", "date")?)? {
        return value
            .call_method1("strftime", ("%Y-%m-%d",))?
            .extract()
            .map(Some);
    }
    Ok(None)
}

pub fn is_decimal(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    value.is_instance(DECIMAL.import(value.py(), "decimal", "Decimal")?)
}

/// `type(value).__name__`, for error messages.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}
