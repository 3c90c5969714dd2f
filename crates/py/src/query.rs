//! `_core.build_query` / `_core.parse_query`: the Python face of the one query model
//! ([`simplicate_api::query`]). `build_query(filter=, select=, sort=)` turns Python values into a
//! [`Query`], validates it, and returns [`Query::to_pairs`]; `parse_query(pairs)` runs
//! [`Query::from_pairs`] (what the fake server does) and returns the result as plain Python, so
//! tests can prove that what the client builds is what the server reads.
//!
//! # `filter=`: a dict that mirrors the API's `q[...]`
//!
//! Each key is a field (dotted paths address nested and custom fields: `"organization.name"`,
//! `"custom_fields.external_link"`); the key `"or"` is the OR group. The value decides the shape:
//!
//! | value                                 | condition               | sent as                   |
//! |---------------------------------------|-------------------------|---------------------------|
//! | `str`                                 | equals (as is)          | `q[f]=Don*` (wildcards)   |
//! | `None`                                | is NULL                 | `q[f]=null`               |
//! | `bool`                                | equals                  | `q[f]=1` / `q[f]=0`       |
//! | `int`, `float`, `Decimal`             | equals                  | `q[f]=12.5` (`str()`)     |
//! | `datetime` / `date`                   | equals                  | `2025-01-04 09:00:00` / `2025-01-04` |
//! | non-empty `list`/`tuple` of the above | any of (OR)             | `q[f][]=a&q[f][]=b`       |
//! | `dict` of operators                   | one filter per operator | `q[f][ge]=..&q[f][le]=..` |
//!
//! Operators are `ge gt le lt` (one scalar each, not `None`) and `in nin` (a non-empty
//! list/tuple of scalars, joined with commas, or a comma-separated `str` read exactly as the
//! server reads it — split on commas, items trimmed, empty items dropped — and re-joined, so
//! `"FixedFee, Subscription"` is sent as `FixedFee,Subscription`). `"*"` and wildcards
//! pass through untouched, so `{"f": "*"}` is "not NULL" and `{"f": {"nin": "*"}}` is "NULL or
//! missing" (the documented custom-field use case). The literal text `"null"` means NULL, as on
//! the server. `"or"` holds a dict of the same shapes, sent as `q[or][...]`; it cannot nest.
//!
//! # Decisions
//! - **Errors come before any request and name the key path**, written with Python's `repr` of
//!   the keys: `filter['or']['email']: ...`, `filter['created_at']['ge']: ...`,
//!   `filter['name'][2]: ...`, `select[1]: ...`. A value of the wrong *type* (set, bytes, an
//!   arbitrary object, a dict or list where one scalar is needed, `None` for a comparison, a
//!   non-`str` key) is a `TypeError`; a value of the right type that cannot be sent (an unknown
//!   operator, an empty field name, a field with `[`/`]` or an empty dotted part, a nested `or`,
//!   an empty list or operator dict, NaN/infinity, a comma inside an `in` item) is a
//!   `ValueError`. The key is checked before its value.
//! - **Empty collections are refused, not dropped.** `{"f": []}`, `{"f": {}}` and an empty
//!   `in`/`nin` list would each send nothing (or, for `in`, match nothing) — a silent
//!   widening or narrowing of the result, so the caller decides. An empty `"or"` group adds no
//!   condition and is accepted.
//! - **The model decides what can be sent.** Every filter is checked with [`Query::validate`]
//!   as it is built, so the error names its key path together with the model's reason; what
//!   passes is guaranteed to round-trip (`Query::from_pairs(q.to_pairs()) == q`).
//! - **Numbers** are written from an exact `int`/`float` (so an `IntEnum`'s or a subclass's
//!   `__str__` is not consulted); `bool` is checked before `int`. `Decimal` uses `str()`.
//! - **`select=`/`sort=`** take a comma-separated `str` (split, trimmed, empty items dropped, as
//!   the server does) or a sequence of `str` (items used as given; an empty item is a
//!   `ValueError`). A trailing `.` in `select` keeps its meaning (all children); a leading `-`
//!   in `sort` means descending.
//! - **Order**: [`Query::to_pairs`]: AND filters in the dict's order (operators in their dict's
//!   order), then the OR group, then `select`, then `sort`. No `limit`, `offset` or `metadata`:
//!   the pager owns those.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyMappingMethods,
    PySequence, PyString, PyTuple,
};

use crate::pytypes::{format_temporal, is_decimal, type_name};
use simplicate_api::query::{Condition, Filter, Op, Query, QueryError, SortKey};

const OR_GROUP: &str = "or";
const SCALARS: &str = "str, int, float, Decimal, bool, None, datetime or date";

/// The `q[...]`, `select` and `sort` pairs for a list call, built with the query model.
#[pyfunction]
#[pyo3(signature = (filter=None, select=None, sort=None))]
pub fn build_query(
    filter: Option<&Bound<'_, PyAny>>,
    select: Option<&Bound<'_, PyAny>>,
    sort: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<(String, String)>> {
    Ok(query_from(filter, select, sort)?.to_pairs())
}

/// `filter=`, `select=` and `sort=` as the query model, validated (what `build_query` sends,
/// and what a pager starts from).
pub(crate) fn query_from(
    filter: Option<&Bound<'_, PyAny>>,
    select: Option<&Bound<'_, PyAny>>,
    sort: Option<&Bound<'_, PyAny>>,
) -> PyResult<Query> {
    let mut query = Query::default();
    if let Some(filter) = filter {
        add_filters(&mut query, filter)?;
    }
    if let Some(select) = select {
        query.select = string_list(select, "select")?;
    }
    if let Some(sort) = sort {
        query.sort = sort_keys(sort)?;
    }
    // Filters were checked one by one (to name their key path); this also covers select and
    // sort, whose errors already start with `select: ` / `sort: `.
    query
        .validate()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(query)
}

/// What the fake server reads from these pairs, as plain Python (a debugging aid).
#[pyfunction]
pub fn parse_query<'py>(
    py: Python<'py>,
    pairs: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let owned = pair_list(pairs)?;
    let query = Query::from_pairs(owned.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    query_to_dict(py, &query)
}

// ---- filter → Query ------------------------------------------------------------------------

fn add_filters(query: &mut Query, filter: &Bound<'_, PyAny>) -> PyResult<()> {
    let entries = mapping_entries(filter, "filter", "a dict of field → condition")?;
    for (key, value) in entries {
        let field = key_text(&key, "filter")?;
        let path = format!("filter[{}]", key_repr(&key));
        if field == OR_GROUP {
            add_or_group(query, &value, &path)?;
        } else {
            add_field(&mut query.filters, false, field, &value, &path)?;
        }
    }
    Ok(())
}

fn add_or_group(query: &mut Query, group: &Bound<'_, PyAny>, path: &str) -> PyResult<()> {
    let entries = mapping_entries(group, path, "the OR group: a dict of field → condition")?;
    for (key, value) in entries {
        let field = key_text(&key, path)?;
        let path = format!("{path}[{}]", key_repr(&key));
        if field == OR_GROUP {
            return Err(PyValueError::new_err(format!(
                "{path}: OR groups cannot nest (q[or][or] is not a query the API knows)"
            )));
        }
        add_field(&mut query.or_filters, true, field, &value, &path)?;
    }
    Ok(())
}

/// One field's value → one or more filters appended to `group`.
fn add_field(
    group: &mut Vec<Filter>,
    or: bool,
    field: String,
    value: &Bound<'_, PyAny>,
    path: &str,
) -> PyResult<()> {
    check(
        or,
        Filter::new(field.clone(), Condition::Equals(String::new())),
        path,
    )?;
    let mut push = |condition: Condition, path: &str| -> PyResult<()> {
        let filter = Filter::new(field.clone(), condition);
        check(or, filter.clone(), path)?;
        group.push(filter);
        Ok(())
    };
    if let Some(text) = scalar(value, path)? {
        return push(Condition::Equals(text), path);
    }
    if is_list(value) {
        let values = scalar_items(value, path, "a list of values")?;
        if values.is_empty() {
            return Err(PyValueError::new_err(format!(
                "{path}: an empty list matches nothing; drop the key, or skip the request"
            )));
        }
        return push(Condition::AnyOf(values), path);
    }
    if is_mapping(value) {
        let entries = mapping_entries(value, path, "a dict of operators")?;
        if entries.is_empty() {
            return Err(PyValueError::new_err(format!(
                "{path}: an empty dict of operators sets no condition; drop the key, or use \
                 some of ge, gt, le, lt, in, nin"
            )));
        }
        for (op, operand) in entries {
            let word = key_text(&op, path)?;
            let path = format!("{path}[{}]", key_repr(&op));
            push(operator(&word, &operand, &path)?, &path)?;
        }
        return Ok(());
    }
    Err(PyTypeError::new_err(format!(
        "{path}: unsupported value of type {} (use {SCALARS}, a list of those, or a dict of \
         operators)",
        type_name(value)
    )))
}

fn operator(word: &str, operand: &Bound<'_, PyAny>, path: &str) -> PyResult<Condition> {
    let op = match word {
        "ge" => Op::Ge,
        "gt" => Op::Gt,
        "le" => Op::Le,
        "lt" => Op::Lt,
        "in" => return Ok(Condition::In(list_operand(operand, path)?)),
        "nin" => return Ok(Condition::NotIn(list_operand(operand, path)?)),
        _ => {
            return Err(PyValueError::new_err(format!(
                "{path}: unknown operator {word:?} (expected ge, gt, le, lt, in, nin)"
            )))
        }
    };
    if operand.is_none() {
        return Err(PyTypeError::new_err(format!(
            "{path}: None cannot be compared; match NULL with {{field: None}} instead"
        )));
    }
    match scalar(operand, path)? {
        Some(text) => Ok(Condition::Compare(op, text)),
        None => Err(PyTypeError::new_err(format!(
            "{path}: expected one value (str, int, float, Decimal, bool, datetime or date), \
             got {}",
            type_name(operand)
        ))),
    }
}

/// `in` / `nin`: a list of scalars, or a comma-separated string read as the server reads it.
fn list_operand(operand: &Bound<'_, PyAny>, path: &str) -> PyResult<Vec<String>> {
    let items = if let Ok(text) = operand.cast::<PyString>() {
        split_list(&str_text(text, path)?)
    } else if is_list(operand) {
        scalar_items(operand, path, "an in/nin list")?
    } else {
        return Err(PyTypeError::new_err(format!(
            "{path}: expected a list of values or a comma-separated str, got {}",
            type_name(operand)
        )));
    };
    if items.is_empty() {
        return Err(PyValueError::new_err(format!(
            "{path}: an empty list sets no usable condition; drop the operator, or skip the \
             request"
        )));
    }
    Ok(items)
}

/// Each item of a list/tuple as a scalar's text.
fn scalar_items(list: &Bound<'_, PyAny>, path: &str, what: &str) -> PyResult<Vec<String>> {
    let mut out = Vec::new();
    for (i, item) in list.try_iter()?.enumerate() {
        let item = item?;
        let item_path = format!("{path}[{i}]");
        match scalar(&item, &item_path)? {
            Some(text) => out.push(text),
            None => {
                return Err(PyTypeError::new_err(format!(
                    "{item_path}: unsupported value of type {} in {what} (use {SCALARS})",
                    type_name(&item)
                )))
            }
        }
    }
    Ok(out)
}

/// The text of a scalar as the API reads it; `Ok(None)` when `value` is not a scalar.
fn scalar(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Option<String>> {
    if value.is_none() {
        return Ok(Some("null".to_owned()));
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Some(if b.is_true() { "1" } else { "0" }.to_owned()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return str_text(s, path).map(Some);
    }
    let py = value.py();
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Some(i.to_string()));
        }
        // An exact int, so a subclass's __str__ is not consulted.
        let exact = py.get_type::<PyInt>().call1((value,))?;
        return Ok(Some(exact.str()?.to_cow()?.into_owned()));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        let f = f.value();
        if !f.is_finite() {
            return Err(PyValueError::new_err(format!(
                "{path}: {f} is not a usable filter value (only finite numbers)"
            )));
        }
        return Ok(Some(PyFloat::new(py, f).str()?.to_cow()?.into_owned()));
    }
    if is_decimal(value)? {
        if !value.call_method0("is_finite")?.is_truthy()? {
            return Err(PyValueError::new_err(format!(
                "{path}: Decimal {} is not a usable filter value (only finite numbers)",
                value.str()?.to_cow()?
            )));
        }
        return Ok(Some(value.str()?.to_cow()?.into_owned()));
    }
    format_temporal(value)
}

/// Check one filter against the model, naming the key path and the model's reason.
fn check(or: bool, filter: Filter, path: &str) -> PyResult<()> {
    let query = if or {
        Query {
            or_filters: vec![filter],
            ..Query::default()
        }
    } else {
        Query {
            filters: vec![filter],
            ..Query::default()
        }
    };
    query.validate().map_err(|e| model_error(path, &e))
}

/// `filter['s']['in']: list item "a,b" cannot be sent: ... (q[s][in])`.
fn model_error(path: &str, error: &QueryError) -> PyErr {
    let param = error.parameter();
    let message = error.to_string();
    let reason = message
        .strip_prefix(param)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(&message);
    PyValueError::new_err(format!("{path}: {reason} ({param})"))
}

// ---- select / sort ---------------------------------------------------------------------------

/// A comma-separated str (split as the server splits) or a sequence of non-empty str.
fn string_list(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<String>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(split_list(&str_text(text, name)?));
    }
    let not_a_list = || {
        PyTypeError::new_err(format!(
            "{name} must be a comma-separated str or a list of str, got {}",
            type_name(value)
        ))
    };
    if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>() {
        return Err(not_a_list());
    }
    if !is_list(value) && value.cast::<PySequence>().is_err() {
        return Err(not_a_list());
    }
    let mut out = Vec::new();
    for (i, item) in value.try_iter()?.enumerate() {
        let item = item?;
        let path = format!("{name}[{i}]");
        let text = match item.cast::<PyString>() {
            Ok(text) => str_text(text, &path)?,
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "{path}: expected a field name (str), got {}",
                    type_name(&item)
                )))
            }
        };
        if text.is_empty() {
            return Err(PyValueError::new_err(format!("{path}: empty field name")));
        }
        out.push(text);
    }
    Ok(out)
}

/// `sort=`: each item a field, descending when it starts with `-`.
fn sort_keys(value: &Bound<'_, PyAny>) -> PyResult<Vec<SortKey>> {
    string_list(value, "sort")?
        .into_iter()
        .map(|item| match item.strip_prefix('-') {
            Some("") => Err(PyValueError::new_err(
                "sort: \"-\" has no field name after the '-'",
            )),
            Some(field) => Ok(SortKey::desc(field)),
            None => Ok(SortKey::asc(item)),
        })
        .collect()
}

/// The server's reading of a comma list: split on commas, items trimmed, empty items dropped.
fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

// ---- parse_query -------------------------------------------------------------------------------

fn pair_list(pairs: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let not_pairs = || {
        PyTypeError::new_err(format!(
            "pairs must be a list of (key, value) pairs of str, got {}",
            type_name(pairs)
        ))
    };
    if pairs.is_instance_of::<PyString>()
        || pairs.is_instance_of::<PyBytes>()
        || pairs.is_instance_of::<PyByteArray>()
        || is_mapping(pairs)
    {
        return Err(not_pairs());
    }
    let items = pairs.try_iter().map_err(|_| not_pairs())?;
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        let item = item?;
        let path = format!("pairs[{i}]");
        let bad = || {
            PyTypeError::new_err(format!(
                "{path}: expected a (key, value) pair of str, got {}",
                type_name(&item)
            ))
        };
        if !is_list(&item) {
            return Err(bad());
        }
        let parts: Vec<Bound<'_, PyAny>> = item.try_iter()?.collect::<PyResult<_>>()?;
        let [key, value] = parts.as_slice() else {
            return Err(bad());
        };
        match (key.cast::<PyString>(), value.cast::<PyString>()) {
            (Ok(key), Ok(value)) => out.push((str_text(key, &path)?, str_text(value, &path)?)),
            _ => return Err(bad()),
        }
    }
    Ok(out)
}

fn query_to_dict<'py>(py: Python<'py>, query: &Query) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("filters", filters_to_list(py, &query.filters)?)?;
    out.set_item("or_filters", filters_to_list(py, &query.or_filters)?)?;
    out.set_item("select", &query.select)?;
    let sort: Vec<(&str, bool)> = query
        .sort
        .iter()
        .map(|k| (k.field.as_str(), k.descending))
        .collect();
    out.set_item("sort", sort)?;
    out.set_item("limit", query.limit)?;
    out.set_item("offset", query.offset)?;
    let metadata: Vec<&str> = query.metadata.iter().map(|k| k.as_str()).collect();
    out.set_item("metadata", metadata)?;
    Ok(out)
}

/// `[(field, kind, value)]`; `value` is a str, or a list of str for `any_of`, `in`, `nin`.
fn filters_to_list<'py>(py: Python<'py>, filters: &[Filter]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for filter in filters {
        let (kind, value): (&str, Bound<'py, PyAny>) = match &filter.condition {
            Condition::Equals(v) => ("equals", PyString::new(py, v).into_any()),
            Condition::AnyOf(vs) => ("any_of", PyList::new(py, vs)?.into_any()),
            Condition::Compare(op, v) => (op.as_str(), PyString::new(py, v).into_any()),
            Condition::In(vs) => ("in", PyList::new(py, vs)?.into_any()),
            Condition::NotIn(vs) => ("nin", PyList::new(py, vs)?.into_any()),
        };
        let field = PyString::new(py, &filter.field).into_any();
        out.append(PyTuple::new(
            py,
            [field, PyString::new(py, kind).into_any(), value],
        )?)?;
    }
    Ok(out)
}

// ---- small helpers -----------------------------------------------------------------------------

fn is_list(value: &Bound<'_, PyAny>) -> bool {
    value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>()
}

fn is_mapping(value: &Bound<'_, PyAny>) -> bool {
    value.cast::<PyMapping>().is_ok()
}

/// A snapshot of a mapping's items (a list, so a mutation during conversion cannot upset
/// iteration), or a TypeError saying what was expected at `path`.
fn mapping_entries<'py>(
    value: &Bound<'py, PyAny>,
    path: &str,
    expected: &str,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    let Ok(mapping) = value.cast::<PyMapping>() else {
        return Err(PyTypeError::new_err(format!(
            "{path} must be {expected}, got {}",
            type_name(value)
        )));
    };
    let mut out = Vec::new();
    for item in mapping.items()?.iter() {
        let pair = item.extract().map_err(|_| {
            PyTypeError::new_err(format!("{path}: items() must yield (key, value) pairs"))
        })?;
        out.push(pair);
    }
    Ok(out)
}

/// A dict key as a field name or operator: it must be a str.
fn key_text(key: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
    match key.cast::<PyString>() {
        Ok(text) => str_text(text, path),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{path}: keys must be str, got {} key {}",
            type_name(key),
            key_repr(key)
        ))),
    }
}

fn key_repr(key: &Bound<'_, PyAny>) -> String {
    key.repr()
        .and_then(|r| r.to_cow().map(std::borrow::Cow::into_owned))
        .unwrap_or_else(|_| "?".to_owned())
}

/// A str's UTF-8 text; a lone surrogate becomes a ValueError naming where it sits.
fn str_text(text: &Bound<'_, PyString>, path: &str) -> PyResult<String> {
    text.to_cow()
        .map(std::borrow::Cow::into_owned)
        .map_err(|e| {
            PyValueError::new_err(format!(
                "{path}: text that cannot be encoded as UTF-8 ({})",
                e.value(text.py())
            ))
        })
}
