//! Request bodies: Python objects → JSON bytes, written directly.
//!
//! Accepts what JSON can say (dict with str keys, list/tuple, str, int, float, bool, None) plus
//! `datetime`/`date` (written the API's way) and `Decimal` (written as a JSON number, so money
//! keeps its digits). Anything else is a TypeError that names where it sits in the body
//! (`json['visiting_address']['country']`), raised before a request exists.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::pytypes::{format_temporal, is_decimal, type_name};

/// Deeper than this is surely a cycle (a list containing itself); the API nests a few levels.
const MAX_DEPTH: usize = 100;

pub fn encode_json(value: &Bound<'_, PyAny>, root: &str) -> PyResult<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    let mut path = Path {
        root,
        segments: Vec::new(),
    };
    write_value(value, &mut out, &mut path, 0)?;
    Ok(out)
}

/// Where the encoder is inside the body. Segments are pushed and popped as it walks, and only
/// rendered (with Python's own `repr` of keys) when there is an error to report.
struct Path<'a, 'py> {
    root: &'a str,
    segments: Vec<Segment<'py>>,
}

enum Segment<'py> {
    Key(Bound<'py, PyString>),
    Index(usize),
}

impl std::fmt::Display for Path<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.root)?;
        for segment in &self.segments {
            match segment {
                Segment::Key(key) => match key.repr() {
                    Ok(repr) => write!(f, "[{repr}]")?,
                    Err(_) => f.write_str("[?]")?,
                },
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    // serde_json's string writer escapes exactly as JSON requires; writing to a Vec cannot fail.
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

fn write_value<'py>(
    value: &Bound<'py, PyAny>,
    out: &mut Vec<u8>,
    path: &mut Path<'_, 'py>,
    depth: usize,
) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "{path}: nested more than {MAX_DEPTH} levels deep (a container that contains itself?)"
        )));
    }
    if value.is_none() {
        out.extend_from_slice(b"null");
    } else if let Ok(b) = value.cast::<PyBool>() {
        out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
    } else if let Ok(s) = value.cast::<PyString>() {
        write_str(out, &s.to_cow()?);
    } else if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            out.extend_from_slice(i.to_string().as_bytes());
        } else {
            // Beyond 64 bits: Python's own decimal digits are valid JSON.
            out.extend_from_slice(value.str()?.to_cow()?.as_bytes());
        }
    } else if let Ok(f) = value.cast::<PyFloat>() {
        let f = f.value();
        if !f.is_finite() {
            return Err(PyValueError::new_err(format!(
                "{path}: {f} is not allowed in JSON (only finite numbers)"
            )));
        }
        serde_json::to_writer(&mut *out, &f).expect("writing to a Vec cannot fail");
    } else if let Ok(dict) = value.cast::<PyDict>() {
        out.push(b'{');
        for (i, (key, item)) in dict.iter().enumerate() {
            let key = key.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{path}: keys must be str, got {} key {}",
                    type_name(&key),
                    key.repr().map(|r| r.to_string()).unwrap_or_default()
                ))
            })?;
            if i > 0 {
                out.push(b',');
            }
            write_str(out, &key.to_cow()?);
            out.push(b':');
            path.segments.push(Segment::Key(key.clone()));
            write_value(&item, out, path, depth + 1)?;
            path.segments.pop();
        }
        out.push(b'}');
    } else if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        out.push(b'[');
        for (i, item) in value.try_iter()?.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            path.segments.push(Segment::Index(i));
            write_value(&item?, out, path, depth + 1)?;
            path.segments.pop();
        }
        out.push(b']');
    } else if let Some(text) = format_temporal(value)? {
        write_str(out, &text);
    } else if is_decimal(value)? {
        let text = value.str()?.to_cow()?.into_owned();
        if !text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            return Err(PyValueError::new_err(format!(
                "{path}: Decimal {text} is not allowed in JSON (only finite numbers)"
            )));
        }
        out.extend_from_slice(text.as_bytes());
    } else {
        return Err(PyTypeError::new_err(format!(
            "{path}: object of type {} is not JSON serializable (use dict, list, str, int, \
             float, bool, None, datetime, date or Decimal)",
            type_name(value)
        )));
    }
    Ok(())
}
