//! JSON bytes → Python objects, under the stable ABI (abi3, Python ≥ 3.10).
//!
//! jiter's `PythonParse` (the previous decoder) loses its fast paths under abi3 (no
//! `PyUnicode_New` + `memcpy`, and its key cache verifies every hit through
//! `PyUnicode_AsUTF8AndSize`). This is a small single-pass parser that builds the Python objects
//! itself with stable-ABI calls only, tuned for API pages: a list of records that repeat the same
//! keys, in the same order, and many of the same short values.
//!
//! - **Keys** are interned per document in a [`KeyCache`]: one `str` per distinct key (its hash
//!   computed once, reused by every dict insertion). Each cached key remembers the key sequence
//!   (*shape*) of the last object stored under it, and which key followed it last time, so the
//!   next key is usually recognised by comparing the input bytes with that prediction, without
//!   scanning or hashing.
//! - **Dicts** of six keys or more that follow the shape of the previous object stored under the
//!   same key start as a `PyDict_Copy` of that object and have their values replaced: one table
//!   copy instead of growing and rehashing key by key.
//! - **Short string values** (≤ 16 bytes: `"NL"`, `"Klant"`, `"#27ae60"`) go through a
//!   [`ValueCache`] keyed by their bytes, so repeated values share one `str`.
//! - Cached strings and the `True`/`False`/`None` singletons are handed around as borrowed
//!   references ([`Ref`]): a dict insertion takes its own reference, so no incref/decref pair
//!   (a function call each under abi3) is spent on them.
//! - Array items are collected on one shared stack and moved into a list of the exact size.
//! - The cyclic GC is paused while one document is built (and restored after, also on error):
//!   decoded JSON holds no cycles, and otherwise the collector would run several times mid-document
//!   over thousands of fresh containers that are all still alive.
//!
//! Every owned intermediate object lives in a [`Ref`] that releases it on drop, so an error at any
//! point frees everything built so far. Syntax errors carry jiter's wording plus line and column.
//!
//! The files, by concern: `parser` (values, objects, arrays), `strings` (escapes, surrogates,
//! UTF-8), `numbers`, `caches` (keys, shapes, templates, short values), `errors` (messages and
//! positions), and `objects`: every call into the C API, the only `unsafe` code of the crate.
//! `tests/test_json_decoder.py` holds it to `json.loads` over 100,000 generated documents
//! (`scripts/fuzz_decoder.py` for longer runs).

// The hot helpers (string scanning, dict insertion, the caches' lookups) are inlined on
// purpose: the decode benchmark (`bench_pull.py --decode-only`) lost when the compiler chose.
#![allow(clippy::inline_always)]

mod caches;
mod errors;
mod numbers;
#[allow(unsafe_code)] // every call into the C API, each with its SAFETY argument
mod objects;
mod parser;
mod strings;
#[cfg(test)]
mod tests;

use pyo3::prelude::*;

use caches::{KeyCache, ValueCache};
use errors::Fail;
use objects::Ref;

/// Nesting deeper than this is an error, not a stack overflow (jiter's limit).
const MAX_DEPTH: u32 = 200;
/// Keys up to this many bytes are cached.
const KEY_MAX_LEN: usize = 64;
/// Distinct keys cached per document.
const KEY_MAX_ENTRIES: usize = 1024;
/// String values up to this many bytes are cached.
const VALUE_MAX_LEN: usize = 16;
/// Distinct short string values cached per document.
const VALUE_MAX_ENTRIES: usize = 1024;
/// Objects with at least this many keys are built from a template of the same shape (smaller
/// dicts never resize).
const TEMPLATE_MIN_KEYS: usize = 6;
/// Key ids kept for object shapes per document.
const MAX_SHAPE_IDS: usize = 1 << 16;
/// Integers with more digits than this are refused, as CPython ≥ 3.11 does by default (and
/// converting them would take quadratic time).
const MAX_INT_DIGITS: usize = 4300;

/// "No key": no prediction, an uncached key, or the document root.
const NONE: u32 = u32::MAX;

/// Decode one JSON document into plain Python objects (`dict`, `list`, `str`, `int`, `float`,
/// `bool`, `None`), as `json.loads` would, except that `NaN`/`Infinity` and lone surrogate escapes
/// are errors (as in orjson). Errors read like "expected value at line 1 column 7".
pub fn decode<'py>(
    py: Python<'py>,
    bytes: &[u8],
) -> std::result::Result<Bound<'py, PyAny>, String> {
    let _gc = objects::GcPause::new(py);
    let mut decoder = Decoder {
        py,
        data: bytes,
        pos: 0,
        depth: 0,
        tape: Vec::new(),
        keys: KeyCache::new(),
        values: ValueCache::new(bytes.len()),
        stack: Vec::new(),
        ids: Vec::new(),
    };
    let result = decoder.document();
    // The result may borrow from the caches: make it owned before they go.
    let result = result.map(|value| value.into_bound(py));
    result.map_err(|fail| match fail {
        Fail::Syntax(message, index) => {
            format!("{message} at {}", errors::position(bytes, index))
        }
        Fail::Python(e) => format!("{e} at {}", errors::position(bytes, decoder.pos)),
    })
}

/// The state of decoding one document; its methods are in `parser` and `strings`.
struct Decoder<'j, 'py> {
    py: Python<'py>,
    data: &'j [u8],
    pos: usize,
    depth: u32,
    /// Decoded bytes of the last string that had escapes.
    tape: Vec<u8>,
    keys: KeyCache<'py>,
    values: ValueCache<'py>,
    /// Items of the arrays being decoded, innermost last.
    stack: Vec<Ref<'py>>,
    /// Key ids of the objects being decoded that do not follow their shape, innermost last.
    ids: Vec<u32>,
}
