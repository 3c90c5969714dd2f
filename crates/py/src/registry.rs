//! `_core.registry()`: the endpoint registry (`simplicate_api::registry`) as plain Python data, so the
//! resource tree (`python/simplicate/_resources.py`) and its stub are built from the same table
//! as the fake server's routes.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use simplicate_api::registry::{route, Method, Methods, Resource, Route, RESOURCES};

/// One dict per resource, in table order: module, name, collection and item (lists of method
/// names, "GET" ... "DELETE"), id_prefix, actions (a list of {"name", "method"}), summary, and
/// one_record (its collection GET answers one record, not a list: the record model table).
#[pyfunction]
pub fn registry(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let out = PyList::empty(py);
    for resource in RESOURCES {
        out.append(resource_dict(py, resource)?)?;
    }
    Ok(out)
}

fn resource_dict<'py>(py: Python<'py>, resource: &Resource) -> PyResult<Bound<'py, PyDict>> {
    let method_names = |methods: Methods| methods.names().collect::<Vec<_>>();
    let actions = PyList::empty(py);
    for action in resource.actions {
        let entry = PyDict::new(py);
        entry.set_item("name", action.name)?;
        entry.set_item("method", action.method.as_str())?;
        actions.append(entry)?;
    }
    let dict = PyDict::new(py);
    dict.set_item("module", resource.module)?;
    dict.set_item("name", resource.name)?;
    dict.set_item("collection", method_names(resource.collection))?;
    dict.set_item("item", method_names(resource.item))?;
    dict.set_item("id_prefix", resource.id_prefix)?;
    dict.set_item("actions", actions)?;
    dict.set_item("summary", resource.summary)?;
    dict.set_item(
        "one_record",
        simplicate_api::model::model().answers_one(&resource.path()),
    )?;
    Ok(dict)
}

/// Whether GET `path` asks for one record: the registry's router (the one the fake routes by)
/// reads it as `{resource}/{id}` of a resource whose items take GET. Empty segments are dropped
/// first, as the transport drops them when it joins the path to the API root.
#[pyfunction]
pub fn is_item_get(path: &str) -> bool {
    let joined = path
        .trim()
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    matches!(route(&joined), Some(Route::Item(r, _)) if r.item.contains(Method::Get))
}
