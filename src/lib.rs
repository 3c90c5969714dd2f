//! simplicate's Rust core. Pure-Rust modules (no pyo3 types) first; `py` is the thin glue, and
//! `_core` below only registers it.

pub mod chunked_upload;
pub mod config;
pub mod download;
pub mod error;
pub mod fake;
pub mod limiter;
pub mod model;
pub mod pager;
pub mod query;
pub mod registry;
pub mod retry;
pub mod runtime;
pub mod streamed_download;
pub mod tabular;
pub mod transport;
pub mod upload;
pub mod values;

mod py;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<py::transport::PyTransport>()?;
    m.add_class::<py::fake::PyFakeServer>()?;
    m.add_class::<py::fake::PyFakeFault>()?;
    m.add_class::<py::pager::PyPager>()?;
    m.add_class::<py::pager::PyPageStream>()?;
    m.add_class::<py::arrow::PyArrowStream>()?;
    m.add_class::<py::aio::PyAsyncTransport>()?;
    m.add_class::<py::aio::PyAsyncPager>()?;
    m.add_class::<py::aio::PyAsyncPageStream>()?;
    m.add_function(wrap_pyfunction!(py::registry::registry, m)?)?;
    m.add_function(wrap_pyfunction!(py::registry::is_item_get, m)?)?;
    m.add_function(wrap_pyfunction!(py::query::build_query, m)?)?;
    m.add_function(wrap_pyfunction!(py::query::parse_query, m)?)?;
    m.add_function(wrap_pyfunction!(py::transport::resolve_base_url_py, m)?)?;
    m.add_function(wrap_pyfunction!(py::transport::_panic_in_task, m)?)?;
    m.add_function(wrap_pyfunction!(py::params::encode_params_py, m)?)?;
    m.add_function(wrap_pyfunction!(py::aio::drain_runtime, m)?)?;
    m.add_function(wrap_pyfunction!(py::files::upload, m)?)?;
    m.add_function(wrap_pyfunction!(py::files::download, m)?)?;
    m.add_function(wrap_pyfunction!(py::decode::decode_json_py, m)?)?;
    Ok(())
}
