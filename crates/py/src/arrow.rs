//! `_core.ArrowStream`: a finished table handed to Python through the Arrow PyCapsule interface
//! (`__arrow_c_stream__`), which `pyarrow.table(...)` (pyarrow >= 14), polars and others read
//! without a copy. No pyo3 bridge crate: the C stream struct travels in a capsule.

use std::sync::Arc;

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::RecordBatchIterator;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::errors::to_pyerr;
use crate::outcome::log_retries;
use crate::pull::table::Pulled;
use crate::pull::Pull;
use simplicate_core::tabular::{ListMode, ModelSchema, Options, Table, TableBuilder};

/// The table options, checked (a bad value names its argument). `schema="model"` takes the
/// columns of `pull`'s record type, narrowed by its `select=`.
pub(crate) fn options(
    lists: &str,
    timestamps: bool,
    cast_numbers: bool,
    schema: &str,
    pull: &Pull,
) -> PyResult<Options> {
    let lists = ListMode::parse(lists).ok_or_else(|| {
        PyValueError::new_err(format!("lists must be \"list\" or \"json\", got {lists:?}"))
    })?;
    let model = match schema {
        "inferred" => None,
        "model" => Some(Arc::new(model_schema(pull)?)),
        _ => {
            return Err(PyValueError::new_err(format!(
                "schema must be \"inferred\" or \"model\", got {schema:?}"
            )))
        }
    };
    Ok(Options {
        lists,
        timestamps,
        cast_numbers,
        model,
    })
}

fn model_schema(pull: &Pull) -> PyResult<ModelSchema> {
    let collection = pull.path.trim_matches('/');
    // The last `select` is the one a server reading the query string would keep.
    let select = pull
        .query
        .iter()
        .rev()
        .find(|(key, _)| key == "select")
        .map(|(_, value)| value.as_str());
    ModelSchema::for_collection(collection, select).ok_or_else(|| {
        PyValueError::new_err(format!(
            "schema=\"model\" needs a record type, and the record model table has none for \
             {collection:?}; use schema=\"inferred\""
        ))
    })
}

/// A table from the records of one list envelope (`{"data": [...]}`), built as a pull's table
/// is (nested objects as dotted columns, conflicts as text): the `sync` command writes the
/// records `client.sync()` returned with the same columns `export` would give them. With
/// `model` (a collection path that has a record type), the columns and types are the record
/// model table's, `schema="model"`'s: the same on every run, whatever the records hold.
#[pyfunction]
#[pyo3(signature = (body, *, lists="list", model=None))]
pub fn table_from_envelope(
    py: Python<'_>,
    body: &[u8],
    lists: &str,
    model: Option<&str>,
) -> PyResult<PyArrowStream> {
    let lists = ListMode::parse(lists).ok_or_else(|| {
        PyValueError::new_err(format!("lists must be \"list\" or \"json\", got {lists:?}"))
    })?;
    let model = match model {
        Some(collection) => Some(Arc::new(
            ModelSchema::for_collection(collection.trim_matches('/'), None).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "model={collection:?}: the record model table has no record type for it"
                ))
            })?,
        )),
        None => None,
    };
    let options = Options {
        lists,
        model,
        ..Options::default()
    };
    let table = py
        .detach(|| {
            let mut builder = TableBuilder::new(options);
            builder
                .push_page(body, None)
                .map_err(|e| format!("not a list envelope: {e}"))?;
            builder.finish().map_err(|e| e.to_string())
        })
        .map_err(PyValueError::new_err)?;
    Ok(PyArrowStream { table })
}

/// The columns the record model table gives `collection`'s records (`schema="model"`'s, nested
/// fields dotted), or None for a collection without a record type.
#[pyfunction]
pub fn model_columns(collection: &str) -> Option<Vec<String>> {
    ModelSchema::for_collection(collection.trim_matches('/'), None)
        .map(|model| model.names().map(str::to_owned).collect())
}

/// Log the pull's retries, then its table or its exception.
pub(crate) fn stream(py: Python<'_>, pulled: Pulled) -> PyResult<PyArrowStream> {
    log_retries(py, &pulled.retries)?;
    let table = pulled.table.map_err(|e| to_pyerr(py, e))?;
    Ok(PyArrowStream { table })
}

#[pyclass(module = "simplicate._core", name = "ArrowStream", frozen)]
pub struct PyArrowStream {
    table: Table,
}

#[pymethods]
impl PyArrowStream {
    /// A capsule named `arrow_array_stream` holding a fresh C stream over the table's batches
    /// (each call a new one; the buffers are shared, not copied). `requested_schema` is not
    /// honoured: the table comes in its own schema, which consumers may cast.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let batches = self.table.batches.clone().into_iter().map(Ok);
        let reader = RecordBatchIterator::new(batches, self.table.schema.clone());
        // The capsule owns the struct; its destructor drops it, which releases the stream
        // unless a consumer took it (consumers move it out and mark it released).
        PyCapsule::new_with_value(
            py,
            FFI_ArrowArrayStream::new(Box::new(reader)),
            c"arrow_array_stream",
        )
    }

    #[getter]
    fn num_rows(&self) -> usize {
        self.table.num_rows()
    }

    #[getter]
    fn num_columns(&self) -> usize {
        self.table.schema.fields().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<ArrowStream {} rows x {} columns>",
            self.num_rows(),
            self.num_columns()
        )
    }
}
