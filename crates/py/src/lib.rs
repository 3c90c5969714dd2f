//! The Python extension `simplicate._core`: pyo3 glue over the client core
//! (`simplicate-core`) and the fake server (`simplicate-fake`): argument conversion, GIL
//! release, error mapping, decoding to Python objects. No API logic lives here; `_core` below
//! only registers the classes and functions.
//!
//! The only crate that knows pyo3, and the only one with `unsafe` code: the JSON decoder's
//! `json/objects.rs`, which builds Python objects through the C API, allowed there alone (see
//! `json/mod.rs`).

#![deny(unsafe_code)]

mod aio;
mod arrow;
mod decode;
mod encode;
mod errors;
mod fake;
mod files;
mod json;
mod outcome;
mod params;
mod progress;
mod pull;
mod pytypes;
mod query;
mod registry;
#[cfg(test)]
mod test_python;
mod transport;
mod wait;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The numbers the core owns, read by `simplicate/_constants.py` so each is stated once.
    m.add("MAX_PAGE_SIZE", simplicate_core::pull::MAX_PAGE_SIZE)?;
    m.add(
        "DEFAULT_MAX_RETRIES",
        simplicate_core::retry::DEFAULT_MAX_RETRIES,
    )?;
    m.add(
        "DEFAULT_RETRY_BACKOFF",
        simplicate_core::retry::DEFAULT_BASE.as_secs_f64(),
    )?;
    m.add(
        "DEFAULT_RETRY_BACKOFF_MAX",
        simplicate_core::retry::DEFAULT_CAP.as_secs_f64(),
    )?;
    m.add(
        "UPLOAD_CHUNK_BYTES",
        simplicate_core::files::upload_wire::CHUNK_RAW,
    )?;
    m.add_class::<transport::PyTransport>()?;
    m.add_class::<fake::PyFakeServer>()?;
    m.add_class::<fake::PyFakeFault>()?;
    m.add_class::<pull::sync::PyPager>()?;
    m.add_class::<pull::sync::PyPageStream>()?;
    m.add_class::<arrow::PyArrowStream>()?;
    m.add_class::<aio::PyAsyncTransport>()?;
    m.add_class::<pull::aio::PyAsyncPager>()?;
    m.add_class::<pull::aio::PyAsyncPageStream>()?;
    m.add_function(wrap_pyfunction!(registry::registry, m)?)?;
    m.add_function(wrap_pyfunction!(registry::is_item_get, m)?)?;
    m.add_function(wrap_pyfunction!(query::build_query, m)?)?;
    m.add_function(wrap_pyfunction!(query::parse_query, m)?)?;
    m.add_function(wrap_pyfunction!(transport::resolve_base_url_py, m)?)?;
    m.add_function(wrap_pyfunction!(transport::_panic_in_task, m)?)?;
    m.add_function(wrap_pyfunction!(transport::_transport_from_state, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::table_from_envelope, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::model_columns, m)?)?;
    m.add_function(wrap_pyfunction!(params::encode_params_py, m)?)?;
    m.add_function(wrap_pyfunction!(aio::drain_runtime, m)?)?;
    m.add_function(wrap_pyfunction!(files::upload, m)?)?;
    m.add_function(wrap_pyfunction!(files::download, m)?)?;
    m.add_function(wrap_pyfunction!(decode::decode_json_py, m)?)?;
    Ok(())
}
