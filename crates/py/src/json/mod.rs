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

use std::marker::PhantomData;
use std::os::raw::c_char;
use std::ptr::NonNull;

use pyo3::ffi;
use pyo3::prelude::*;

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

// Error messages, worded as jiter's (and serde_json's).
const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST_COMMA_OR_END: &str = "expected `,` or `]`";
const EXPECTED_OBJECT_COMMA_OR_END: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const NUMBER_OUT_OF_RANGE: &str = "number out of range";
const INVALID_UNICODE: &str = "invalid unicode code point";
const CONTROL_CHARACTER: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_MUST_BE_A_STRING: &str = "key must be a string";
const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING_CHARACTERS: &str = "trailing characters";
const UNEXPECTED_END_OF_HEX_ESCAPE: &str = "unexpected end of hex escape";
const RECURSION_LIMIT: &str = "recursion limit exceeded";

/// Why decoding stopped.
enum Fail {
    /// Invalid JSON: a message and the byte index it refers to.
    Syntax(&'static str, usize),
    /// A Python API call failed (in practice: out of memory, or an integer Python refuses).
    Python(PyErr),
}

type Result<T> = std::result::Result<T, Fail>;

fn syntax<T>(message: &'static str, index: usize) -> Result<T> {
    Err(Fail::Syntax(message, index))
}

/// Decode one JSON document into plain Python objects (`dict`, `list`, `str`, `int`, `float`,
/// `bool`, `None`), as `json.loads` would, except that `NaN`/`Infinity` and lone surrogate escapes
/// are errors (as in orjson). Errors read like "expected value at line 1 column 7".
pub fn decode<'py>(
    py: Python<'py>,
    bytes: &[u8],
) -> std::result::Result<Bound<'py, PyAny>, String> {
    let _gc = GcPause::new(py);
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
    let result = result.map(|value| {
        // SAFETY: `into_owned_ptr` hands over one strong reference to a live object.
        unsafe { Bound::from_owned_ptr(py, value.into_owned_ptr()) }
    });
    result.map_err(|fail| match fail {
        Fail::Syntax(message, index) => {
            format!("{message} at {}", position(bytes, index))
        }
        Fail::Python(e) => format!("{e} at {}", position(bytes, decoder.pos)),
    })
}

/// "line L column C" for byte `index`, counted as jiter (and so the previous decoder) did: a
/// newline at `index` already counts, and past the end the column is the last line's length.
fn position(data: &[u8], index: usize) -> String {
    let seen = data.get(..=index).unwrap_or(data);
    let line = 1 + seen.iter().filter(|&&b| b == b'\n').count();
    let line_start = seen.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = if index < data.len() {
        index + 1 - line_start
    } else {
        data.len().saturating_sub(line_start)
    };
    format!("line {line} column {column}")
}

/// Pauses the cyclic GC for its lifetime, restoring the previous state on drop (also on error
/// and on unwind).
struct GcPause {
    was_enabled: bool,
}

impl GcPause {
    fn new(_py: Python<'_>) -> Self {
        // SAFETY: the `Python` token proves the GIL is held; `PyGC_Disable` is in the stable ABI
        // since 3.10 and only flips the interpreter's flag, returning the previous state.
        let was_enabled = unsafe { ffi::PyGC_Disable() } != 0;
        GcPause { was_enabled }
    }
}

impl Drop for GcPause {
    fn drop(&mut self) {
        if self.was_enabled {
            // SAFETY: a `GcPause` only lives inside `decode`, which holds the GIL throughout.
            unsafe { ffi::PyGC_Enable() };
        }
    }
}

/// A reference to a Python object held while building: either owned (released on drop) or
/// borrowed from something that outlives the decoding (a cache entry, or a static singleton).
struct Ref<'py> {
    ptr: NonNull<ffi::PyObject>,
    owned: bool,
    _py: PhantomData<Python<'py>>,
}

impl<'py> Ref<'py> {
    /// Take ownership of a new reference returned by a Python API call; NULL means that call
    /// failed and set an exception.
    #[inline(always)]
    fn owned(py: Python<'py>, ptr: *mut ffi::PyObject) -> Result<Self> {
        match NonNull::new(ptr) {
            Some(ptr) => Ok(Ref {
                ptr,
                owned: true,
                _py: PhantomData,
            }),
            None => Err(python_error(py)),
        }
    }

    /// Borrow `ptr`, which must stay alive (and the GIL held) for as long as this `Ref` lives.
    fn borrowed(ptr: NonNull<ffi::PyObject>) -> Self {
        Ref {
            ptr,
            owned: false,
            _py: PhantomData,
        }
    }

    fn as_ptr(&self) -> *mut ffi::PyObject {
        self.ptr.as_ptr()
    }

    /// A strong reference for the caller to keep (or hand to a reference-stealing call).
    fn into_owned_ptr(self) -> *mut ffi::PyObject {
        let ptr = self.ptr.as_ptr();
        if !self.owned {
            // SAFETY: GIL held (a `Ref` never outlives `decode`); the object is alive.
            unsafe { ffi::Py_INCREF(ptr) };
        }
        std::mem::forget(self);
        ptr
    }
}

impl Drop for Ref<'_> {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: GIL held (a `Ref` never outlives `decode`); we own this reference.
            unsafe { ffi::Py_DECREF(self.ptr.as_ptr()) };
        }
    }
}

/// The exception a failed Python API call left.
#[cold]
#[inline(never)]
fn python_error(py: Python<'_>) -> Fail {
    Fail::Python(PyErr::fetch(py))
}

/// A borrowed reference to one of the static singletons `True`, `False`, `None`.
fn singleton<'py>(ptr: *mut ffi::PyObject) -> Ref<'py> {
    match NonNull::new(ptr) {
        Some(ptr) => Ref::borrowed(ptr),
        // `Py_True()` and friends return the address of a static object: never NULL.
        None => unreachable!("a Python singleton is NULL"),
    }
}

/// A new `str` from valid UTF-8.
fn new_str<'py>(py: Python<'py>, s: &[u8]) -> Result<Ref<'py>> {
    // SAFETY: GIL held; `s` is valid UTF-8 (checked by the caller) of exactly `len` bytes;
    // embedded NULs are fine with an explicit size. Returns a new reference or NULL.
    let ptr = unsafe {
        ffi::PyUnicode_FromStringAndSize(s.as_ptr().cast::<c_char>(), s.len() as ffi::Py_ssize_t)
    };
    Ref::owned(py, ptr)
}

/// Where the bytes of the string just read are.
#[derive(Clone, Copy)]
enum Span {
    /// `data[start..end]`: the string had no escapes.
    Input(usize, usize),
    /// The decoder's `tape`: the string had escapes.
    Tape,
}

struct Decoder<'j, 'py> {
    py: Python<'py>,
    data: &'j [u8],
    pos: usize,
    depth: u32,
    /// Decoded bytes of the last string that had escapes.
    tape: Vec<u8>,
    keys: KeyCache,
    values: ValueCache,
    /// Items of the arrays being decoded, innermost last.
    stack: Vec<Ref<'py>>,
    /// Key ids of the objects being decoded that do not follow their shape, innermost last.
    ids: Vec<u32>,
}

impl<'py> Decoder<'_, 'py> {
    fn document(&mut self) -> Result<Ref<'py>> {
        let value = self.value(NONE)?;
        match self.skip_whitespace() {
            None => Ok(value),
            Some(_) => syntax(TRAILING_CHARACTERS, self.pos),
        }
    }

    /// Skip whitespace and return the next byte, if any.
    #[inline]
    fn skip_whitespace(&mut self) -> Option<u8> {
        while let Some(&b) = self.data.get(self.pos) {
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                _ => return Some(b),
            }
        }
        None
    }

    /// Parse the value at the next non-whitespace byte. `parent` is the key this value is stored
    /// under (for arrays: the key of the array), for the key predictions of nested objects.
    fn value(&mut self, parent: u32) -> Result<Ref<'py>> {
        let Some(b) = self.skip_whitespace() else {
            return syntax(EOF_VALUE, self.pos);
        };
        match b {
            b'"' => self.string_value(),
            b'{' => self.nested(parent, Self::object),
            b'[' => self.nested(parent, Self::array),
            b't' => self.literal(b"true", ffi::Py_True),
            b'f' => self.literal(b"false", ffi::Py_False),
            b'n' => self.literal(b"null", ffi::Py_None),
            b'-' | b'0'..=b'9' => self.number(),
            _ => syntax(EXPECTED_VALUE, self.pos),
        }
    }

    fn literal(
        &mut self,
        word: &'static [u8],
        object: unsafe fn() -> *mut ffi::PyObject,
    ) -> Result<Ref<'py>> {
        let end = self.pos + word.len();
        if self.data.get(self.pos..end) != Some(word) {
            return match self.data.get(self.pos..) {
                Some(rest) if word.starts_with(rest) => syntax(EOF_VALUE, self.data.len()),
                _ => syntax(EXPECTED_IDENT, self.pos),
            };
        }
        self.pos = end;
        // SAFETY: `Py_True`/`Py_False`/`Py_None` return the address of a static singleton.
        Ok(singleton(unsafe { object() }))
    }

    /// Run `f` one nesting level deeper, failing past `MAX_DEPTH`.
    #[inline]
    fn nested(
        &mut self,
        parent: u32,
        f: fn(&mut Self, u32) -> Result<Ref<'py>>,
    ) -> Result<Ref<'py>> {
        if self.depth >= MAX_DEPTH {
            return syntax(RECURSION_LIMIT, self.pos);
        }
        self.depth += 1;
        let r = f(self, parent);
        self.depth -= 1;
        r
    }

    /// Parse an object. Objects stored under the same key (say, the records of `"data"`) usually
    /// have the same keys in the same order, so the key cache remembers the last such object's
    /// key sequence (its *shape*): while an object follows it, each key is predicted exactly, and
    /// an object with six keys or more starts as a copy of the last dict of that shape
    /// (`PyDict_Copy` clones its hash table in one go) whose values are then replaced, instead of
    /// growing and rehashing key by key. An object that turns out to differ leaves the shape (a
    /// copy is rebuilt by insertion) and becomes the new shape.
    fn object(&mut self, parent: u32) -> Result<Ref<'py>> {
        let py = self.py;
        self.pos += 1; // `{`
        match self.skip_whitespace() {
            Some(b'}') => {
                self.pos += 1;
                // SAFETY: GIL held; returns a new reference or NULL with an exception set.
                return Ref::owned(py, unsafe { ffi::PyDict_New() });
            }
            Some(b'"') => {}
            Some(_) => return syntax(KEY_MUST_BE_A_STRING, self.pos),
            None => return syntax(EOF_OBJECT, self.pos),
        }
        let child = self.keys.child(parent);
        // While `Some`, every key so far matched the shape: their ids are not on `ids`.
        let mut shape = child.shape;
        let ids_mark = self.ids.len();
        let mut predicted = match shape {
            Some(sh) => self.keys.shape_id(sh, 0),
            None => child.first,
        };
        let mut dict: Option<Ref<'py>> = None;
        // Whether `dict` is a copy of the template.
        let mut copied = false;
        let mut prev = NONE;
        let mut n: u32 = 0;
        loop {
            // At the opening quote of a key.
            let (id, key) = match self.keys.predicted(self.data, self.pos + 1, predicted) {
                Some((end, key)) => {
                    self.pos = end + 1;
                    (predicted, key)
                }
                None => {
                    let span = self.read_string()?;
                    let bytes = match span {
                        Span::Input(start, end) => &self.data[start..end],
                        Span::Tape => &self.tape[..],
                    };
                    let (id, key) = self.keys.get(py, bytes)?;
                    if n == 0 {
                        self.keys.child_mut(parent).first = id;
                    } else {
                        self.keys.set_next(prev, id);
                    }
                    (id, key)
                }
            };
            match self.skip_whitespace() {
                Some(b':') => self.pos += 1,
                Some(_) => return syntax(EXPECTED_COLON, self.pos),
                None => return syntax(EOF_OBJECT, self.pos),
            }
            if let Some(sh) = shape {
                if self.keys.shape_id(sh, n) != id {
                    shape = None;
                    if let Some(d) = dict.take() {
                        dict = Some(self.leave_shape(d, copied, sh, n)?);
                    }
                    copied = false;
                }
            }
            let target = match &dict {
                Some(d) => d.as_ptr(),
                None => {
                    let template = shape.and(child.template);
                    copied = template.is_some();
                    let new = match template {
                        // SAFETY: GIL held; the template is a live dict kept by the key cache.
                        // Returns a new reference or NULL with an exception set.
                        Some(t) => unsafe { ffi::PyDict_Copy(t.as_ptr()) },
                        // SAFETY: GIL held; returns a new reference or NULL with an exception.
                        None => unsafe { ffi::PyDict_New() },
                    };
                    dict.insert(Ref::owned(py, new)?).as_ptr()
                }
            };
            if shape.is_none() {
                self.ids.push(id);
            }
            let value = self.value(id)?;
            // SAFETY: GIL held; all pointers are live objects; `PyDict_SetItem` takes its own
            // references to the key and the value.
            if unsafe { ffi::PyDict_SetItem(target, key.as_ptr(), value.as_ptr()) } != 0 {
                return Err(python_error(py));
            }
            drop(key);
            n += 1;
            prev = id;
            predicted = match shape {
                Some(sh) if n < sh.len => self.keys.shape_id(sh, n),
                _ => self.keys.next_of(id),
            };
            match self.skip_whitespace() {
                Some(b',') => {
                    self.pos += 1;
                    match self.skip_whitespace() {
                        Some(b'"') => {}
                        Some(b'}') => return syntax(TRAILING_COMMA, self.pos),
                        Some(_) => return syntax(KEY_MUST_BE_A_STRING, self.pos),
                        None => return syntax(EOF_VALUE, self.pos),
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => return syntax(EXPECTED_OBJECT_COMMA_OR_END, self.pos),
                None => return syntax(EOF_OBJECT, self.pos),
            }
        }
        let mut dict = match dict {
            Some(d) => d,
            // SAFETY: GIL held; returns a new reference or NULL with an exception set.
            None => Ref::owned(py, unsafe { ffi::PyDict_New() })?,
        };
        if let Some(sh) = shape {
            if sh.len == n {
                return Ok(dict);
            }
            // A prefix of the shape: a copy has keys too many.
            dict = self.leave_shape(dict, copied, sh, n)?;
        }
        let template = n as usize >= TEMPLATE_MIN_KEYS;
        self.keys
            .set_shape(parent, &self.ids[ids_mark..], template.then_some(&dict));
        self.ids.truncate(ids_mark);
        Ok(dict)
    }

    /// Stop following shape `sh` after its first `n` keys: push their ids onto `ids`, and if
    /// `dict` is a copy of the template, rebuild it by insertion from those keys.
    #[cold]
    fn leave_shape(
        &mut self,
        dict: Ref<'py>,
        copied: bool,
        sh: ShapeRef,
        n: u32,
    ) -> Result<Ref<'py>> {
        let py = self.py;
        for i in 0..n {
            self.ids.push(self.keys.shape_id(sh, i));
        }
        if !copied {
            return Ok(dict);
        }
        // SAFETY: GIL held; returns a new reference or NULL with an exception set.
        let fresh = Ref::owned(py, unsafe { ffi::PyDict_New() })?;
        for i in 0..n {
            let Some(key) = self.keys.obj(self.keys.shape_id(sh, i)) else {
                continue;
            };
            // SAFETY: GIL held; `dict` is a live dict and `key` a live str (its hash already
            // cached, so the lookup cannot fail). Returns a borrowed reference or NULL.
            let value = unsafe { ffi::PyDict_GetItem(dict.as_ptr(), key.as_ptr()) };
            if value.is_null() {
                continue;
            }
            // SAFETY: GIL held; all pointers are live objects; `PyDict_SetItem` takes its own
            // references.
            if unsafe { ffi::PyDict_SetItem(fresh.as_ptr(), key.as_ptr(), value) } != 0 {
                return Err(python_error(py));
            }
        }
        Ok(fresh)
    }

    fn array(&mut self, parent: u32) -> Result<Ref<'py>> {
        let py = self.py;
        self.pos += 1; // `[`
        let mark = self.stack.len();
        match self.skip_whitespace() {
            Some(b']') => self.pos += 1,
            Some(_) => loop {
                let item = self.value(parent)?;
                self.stack.push(item);
                match self.skip_whitespace() {
                    Some(b',') => {
                        self.pos += 1;
                        if self.skip_whitespace() == Some(b']') {
                            return syntax(TRAILING_COMMA, self.pos);
                        }
                    }
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => return syntax(EXPECTED_LIST_COMMA_OR_END, self.pos),
                    None => return syntax(EOF_LIST, self.pos),
                }
            },
            None => return syntax(EOF_LIST, self.pos),
        }
        let len = self.stack.len() - mark;
        // SAFETY: GIL held; returns a new reference (all items NULL) or NULL with an exception.
        let list = Ref::owned(py, unsafe { ffi::PyList_New(len as ffi::Py_ssize_t) })?;
        for (i, item) in self.stack.drain(mark..).enumerate() {
            // SAFETY: GIL held; `i < len` so the index is in range and its slot still NULL;
            // `PyList_SetItem` steals the strong reference `into_owned_ptr` hands over.
            unsafe {
                ffi::PyList_SetItem(list.as_ptr(), i as ffi::Py_ssize_t, item.into_owned_ptr())
            };
        }
        Ok(list)
    }

    fn string_value(&mut self) -> Result<Ref<'py>> {
        let span = self.read_string()?;
        let bytes = match span {
            Span::Input(start, end) => &self.data[start..end],
            Span::Tape => &self.tape[..],
        };
        if bytes.is_empty() || bytes.len() > VALUE_MAX_LEN {
            return new_str(self.py, bytes);
        }
        self.values.get(self.py, bytes)
    }

    /// Read the string whose opening quote is at `pos`; leave `pos` after its closing quote.
    /// The bytes are valid UTF-8.
    #[inline(always)]
    fn read_string(&mut self) -> Result<Span> {
        let start = self.pos + 1;
        let (stop, non_ascii) = find_stop(self.data, start);
        match self.data.get(stop) {
            Some(b'"') => {
                let bytes = &self.data[start..stop];
                if non_ascii {
                    if let Err(e) = std::str::from_utf8(bytes) {
                        return syntax(INVALID_UNICODE, start + e.valid_up_to());
                    }
                }
                self.pos = stop + 1;
                Ok(Span::Input(start, stop))
            }
            Some(b'\\') => self.read_escaped_string(start, stop, non_ascii),
            Some(_) => syntax(CONTROL_CHARACTER, stop),
            None => syntax(EOF_STRING, self.data.len()),
        }
    }

    /// The slow path of `read_string`: decode into `tape` from the first backslash at `at`.
    #[cold]
    fn read_escaped_string(
        &mut self,
        start: usize,
        mut at: usize,
        mut non_ascii: bool,
    ) -> Result<Span> {
        let data = self.data;
        self.tape.clear();
        let mut chunk = start;
        loop {
            // `data[at]` is a backslash.
            self.tape.extend_from_slice(&data[chunk..at]);
            let Some(&escape) = data.get(at + 1) else {
                return syntax(EOF_STRING, data.len());
            };
            at += 2;
            match escape {
                b'"' | b'\\' | b'/' => self.tape.push(escape),
                b'b' => self.tape.push(b'\x08'),
                b'f' => self.tape.push(b'\x0c'),
                b'n' => self.tape.push(b'\n'),
                b'r' => self.tape.push(b'\r'),
                b't' => self.tape.push(b'\t'),
                b'u' => {
                    let (c, end) = unicode_escape(data, at)?;
                    at = end;
                    let mut buf = [0u8; 4];
                    self.tape
                        .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => return syntax(INVALID_ESCAPE, at - 1),
            }
            chunk = at;
            let (stop, more_non_ascii) = find_stop(data, at);
            non_ascii |= more_non_ascii;
            match data.get(stop) {
                Some(b'"') => {
                    self.tape.extend_from_slice(&data[chunk..stop]);
                    // Escapes only produce whole characters, so validating the concatenation
                    // is validating the raw runs between them.
                    if non_ascii {
                        if let Err(e) = std::str::from_utf8(&self.tape) {
                            let bad = e.valid_up_to();
                            return syntax(INVALID_UNICODE, start + bad.min(stop - start));
                        }
                    }
                    self.pos = stop + 1;
                    return Ok(Span::Tape);
                }
                Some(b'\\') => at = stop,
                Some(_) => return syntax(CONTROL_CHARACTER, stop),
                None => return syntax(EOF_STRING, data.len()),
            }
        }
    }

    fn number(&mut self) -> Result<Ref<'py>> {
        let py = self.py;
        let data = self.data;
        let start = self.pos;
        let mut i = start;
        let negative = data.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        // Integer part: `0` or a non-zero digit followed by digits.
        let digits_start = i;
        let mut magnitude: u64 = 0;
        let mut overflow = false;
        match data.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&d) = data.get(i) {
                    if !d.is_ascii_digit() {
                        break;
                    }
                    match magnitude
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(u64::from(d - b'0')))
                    {
                        Some(m) => magnitude = m,
                        None => overflow = true,
                    }
                    i += 1;
                }
            }
            Some(_) => return syntax(INVALID_NUMBER, i),
            None => return syntax(EOF_VALUE, i),
        }
        let digits_end = i;
        let mut is_float = false;
        if data.get(i) == Some(&b'.') {
            is_float = true;
            i += 1;
            let frac_start = i;
            while data.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == frac_start {
                return match data.get(i) {
                    None => syntax(EOF_VALUE, i),
                    Some(_) => syntax(INVALID_NUMBER, i),
                };
            }
        }
        if matches!(data.get(i), Some(b'e' | b'E')) {
            is_float = true;
            i += 1;
            if matches!(data.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let exp_start = i;
            while data.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == exp_start {
                return match data.get(i) {
                    None => syntax(EOF_VALUE, i),
                    Some(_) => syntax(INVALID_NUMBER, i),
                };
            }
        }
        // A leading zero must not be followed by more digits ("01").
        if data.get(digits_start) == Some(&b'0')
            && data.get(digits_start + 1).is_some_and(u8::is_ascii_digit)
        {
            return syntax(INVALID_NUMBER, digits_start + 1);
        }
        self.pos = i;
        let text = &data[start..i];
        let ptr = if is_float {
            // The text is ASCII JSON number syntax, which Rust's (correctly rounded) float parser
            // accepts; out-of-range magnitudes become ±inf or ±0.0, as with `json.loads`.
            let value = std::str::from_utf8(text)
                .ok()
                .and_then(|t| t.parse::<f64>().ok());
            let Some(value) = value else {
                return syntax(INVALID_NUMBER, start);
            };
            // SAFETY: GIL held; returns a new reference or NULL with an exception set.
            unsafe { ffi::PyFloat_FromDouble(value) }
        } else if let Some(value) = signed(magnitude, negative).filter(|_| !overflow) {
            // SAFETY: as above.
            unsafe { ffi::PyLong_FromLongLong(value) }
        } else {
            if digits_end - digits_start > MAX_INT_DIGITS {
                return syntax(NUMBER_OUT_OF_RANGE, digits_start);
            }
            let mut text = text.to_vec();
            text.push(0);
            // SAFETY: GIL held; `text` is NUL-terminated ASCII digits with an optional minus
            // sign, alive for the call; a NULL end pointer is allowed. Returns a new reference
            // or NULL with an exception set.
            unsafe {
                ffi::PyLong_FromString(text.as_ptr().cast::<c_char>(), std::ptr::null_mut(), 10)
            }
        };
        Ref::owned(py, ptr)
    }
}

/// `magnitude` with its sign, if it fits an `i64`.
fn signed(magnitude: u64, negative: bool) -> Option<i64> {
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Decode `\uXXXX` (with a following `\uXXXX` for a surrogate pair) whose hex digits start at
/// `at`; returns the character and the index after the escape.
fn unicode_escape(data: &[u8], at: usize) -> Result<(char, usize)> {
    let first = hex4(data, at)?;
    let mut end = at + 4;
    let code = match first {
        0xDC00..=0xDFFF => return syntax(LONE_SURROGATE, end - 1),
        0xD800..=0xDBFF => {
            match (data.get(end), data.get(end + 1)) {
                (Some(b'\\'), Some(b'u')) => {}
                (Some(b'\\'), None) | (None, _) => return syntax(EOF_STRING, data.len()),
                _ => return syntax(UNEXPECTED_END_OF_HEX_ESCAPE, end),
            }
            let second = hex4(data, end + 2)?;
            end += 6;
            if !(0xDC00..=0xDFFF).contains(&second) {
                return syntax(LONE_SURROGATE, end - 1);
            }
            0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        }
        _ => first,
    };
    match char::from_u32(code) {
        Some(c) => Ok((c, end)),
        None => syntax(INVALID_ESCAPE, end - 1),
    }
}

/// Four hex digits at `at`.
fn hex4(data: &[u8], at: usize) -> Result<u32> {
    let Some(digits) = data.get(at..at + 4) else {
        return syntax(EOF_STRING, data.len());
    };
    let mut n = 0u32;
    for (k, &d) in digits.iter().enumerate() {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return syntax(INVALID_ESCAPE, at + k),
        };
        n = n << 4 | u32::from(v);
    }
    Ok(n)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The index of the first `"`, `\` or control character at or after `i` (or `data.len()`), and
/// whether a non-ASCII byte comes before it. Eight bytes at a time (SWAR).
#[inline]
fn find_stop(data: &[u8], mut i: usize) -> (usize, bool) {
    let mut high = 0u64;
    while let Some(chunk) = data.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let w = u64::from_le_bytes(*chunk);
        // The lowest flagged byte of each test is exact (borrows only run upwards), so the
        // lowest bit of the union is the first stop byte.
        let stops =
            has_byte(w, b'"') | has_byte(w, b'\\') | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS);
        if stops != 0 {
            let below = (stops & stops.wrapping_neg()) - 1;
            high |= w & HIGHS & below;
            return (i + (stops.trailing_zeros() / 8) as usize, high != 0);
        }
        high |= w & HIGHS;
        i += 8;
    }
    let mut non_ascii = high != 0;
    while let Some(&b) = data.get(i) {
        match b {
            b'"' | b'\\' | 0..=0x1f => break,
            0x80.. => non_ascii = true,
            _ => {}
        }
        i += 1;
    }
    (i, non_ascii)
}

/// High bit set in each byte of `w` equal to `b` (exact for the lowest such byte).
#[inline]
fn has_byte(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// One cached key: its `str`, its bytes, and the predictions made from it.
struct KeyEntry {
    /// Owned reference.
    obj: NonNull<ffi::PyObject>,
    start: usize,
    len: usize,
    hash: u64,
    /// The bytes need no escaping, so they can be compared with the raw input.
    plain: bool,
    /// The key that followed this one in its object last time.
    next: u32,
    /// What the objects stored under this key looked like.
    child: Child,
}

/// Predictions for the objects stored under one key (or at the top level).
#[derive(Clone, Copy)]
struct Child {
    /// The first key of the last such object.
    first: u32,
    /// The key ids of the last such object (unless the budget for shapes is spent).
    shape: Option<ShapeRef>,
    /// Owned reference to the last such object, if it had `TEMPLATE_MIN_KEYS` keys or more.
    template: Option<NonNull<ffi::PyObject>>,
}

const NO_CHILD: Child = Child {
    first: NONE,
    shape: None,
    template: None,
};

/// A key sequence: `shape_ids[start..start + len]` in the key cache.
#[derive(Clone, Copy)]
struct ShapeRef {
    start: u32,
    len: u32,
}

/// Per-document table of keys: entries by id, an open-addressed index by bytes, and predictions.
struct KeyCache {
    entries: Vec<KeyEntry>,
    /// Ids + 1 (0 = empty); a power of two, at most half full.
    index: Vec<u32>,
    arena: Vec<u8>,
    /// Predictions for top-level objects (and those in top-level arrays).
    root: Child,
    /// The key ids of the shapes, back to back.
    shape_ids: Vec<u32>,
}

impl KeyCache {
    fn new() -> Self {
        KeyCache {
            entries: Vec::new(),
            index: Vec::new(),
            arena: Vec::new(),
            root: NO_CHILD,
            shape_ids: Vec::new(),
        }
    }

    fn child(&self, parent: u32) -> Child {
        match self.entries.get(parent as usize) {
            Some(e) => e.child,
            None => self.root,
        }
    }

    fn child_mut(&mut self, parent: u32) -> &mut Child {
        match self.entries.get_mut(parent as usize) {
            Some(e) => &mut e.child,
            None => &mut self.root,
        }
    }

    /// The id of key number `i` of shape `sh` (NONE past its end).
    #[inline]
    fn shape_id(&self, sh: ShapeRef, i: u32) -> u32 {
        if i < sh.len {
            self.shape_ids
                .get((sh.start + i) as usize)
                .copied()
                .unwrap_or(NONE)
        } else {
            NONE
        }
    }

    /// Record `ids` as the shape of objects stored under `parent`, and `template` as their
    /// template, unless the budget for shapes is spent or a key is not cached.
    fn set_shape(&mut self, parent: u32, ids: &[u32], template: Option<&Ref<'_>>) {
        let cacheable = !ids.contains(&NONE) && self.shape_ids.len() + ids.len() <= MAX_SHAPE_IDS;
        let shape = cacheable.then(|| {
            let start = self.shape_ids.len() as u32;
            self.shape_ids.extend_from_slice(ids);
            ShapeRef {
                start,
                len: ids.len() as u32,
            }
        });
        let template = template.filter(|_| cacheable).map(|dict| {
            // SAFETY: GIL held; the child keeps its own strong reference to the live dict.
            unsafe { ffi::Py_INCREF(dict.as_ptr()) };
            dict.ptr
        });
        let child = self.child_mut(parent);
        child.shape = shape;
        if let Some(old) = std::mem::replace(&mut child.template, template) {
            // SAFETY: GIL held; the child owned this reference.
            unsafe { ffi::Py_DECREF(old.as_ptr()) };
        }
    }

    /// The `str` of key `id`, borrowed.
    fn obj<'py>(&self, id: u32) -> Option<Ref<'py>> {
        self.entries.get(id as usize).map(|e| Ref::borrowed(e.obj))
    }

    fn next_of(&self, id: u32) -> u32 {
        self.entries.get(id as usize).map_or(NONE, |e| e.next)
    }

    fn set_next(&mut self, id: u32, next: u32) {
        if let Some(e) = self.entries.get_mut(id as usize) {
            e.next = next;
        }
    }

    /// If the input at `at` is the predicted key followed by its closing quote, the index of
    /// that quote and the key.
    #[inline(always)]
    fn predicted<'py>(&self, data: &[u8], at: usize, id: u32) -> Option<(usize, Ref<'py>)> {
        let e = self.entries.get(id as usize)?;
        let end = at + e.len;
        if e.plain
            && data.get(end) == Some(&b'"')
            && same_bytes(
                data.get(at..end)?,
                self.arena.get(e.start..end - at + e.start)?,
            )
        {
            Some((end, Ref::borrowed(e.obj)))
        } else {
            None
        }
    }

    /// The cached key for `bytes` (valid UTF-8), creating it if new; uncached keys get id NONE.
    fn get<'py>(&mut self, py: Python<'py>, bytes: &[u8]) -> Result<(u32, Ref<'py>)> {
        if bytes.len() > KEY_MAX_LEN {
            return Ok((NONE, new_str(py, bytes)?));
        }
        if self.index.is_empty() {
            self.index = vec![0; (KEY_MAX_ENTRIES * 2).next_power_of_two()];
        }
        let hash = hash_bytes(bytes);
        let mask = self.index.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = self.index[i];
            if slot == 0 {
                break;
            }
            let id = slot - 1;
            if let Some(e) = self.entries.get(id as usize) {
                if e.hash == hash
                    && e.len == bytes.len()
                    && self
                        .arena
                        .get(e.start..e.start + e.len)
                        .is_some_and(|b| same_bytes(b, bytes))
                {
                    return Ok((id, Ref::borrowed(e.obj)));
                }
            }
            i = (i + 1) & mask;
        }
        let key = new_str(py, bytes)?;
        if self.entries.len() >= KEY_MAX_ENTRIES {
            return Ok((NONE, key));
        }
        let id = self.entries.len() as u32;
        let start = self.arena.len();
        self.arena.extend_from_slice(bytes);
        let obj = key.ptr;
        // The entry takes over the new reference; the caller borrows it.
        std::mem::forget(key);
        self.entries.push(KeyEntry {
            obj,
            start,
            len: bytes.len(),
            hash,
            plain: bytes.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\'),
            next: NONE,
            child: NO_CHILD,
        });
        self.index[i] = id + 1;
        Ok((id, Ref::borrowed(obj)))
    }
}

impl Drop for KeyCache {
    fn drop(&mut self) {
        let templates = self.entries.iter().map(|e| e.child.template);
        for t in templates.chain([self.root.template]).flatten() {
            // SAFETY: a `KeyCache` only lives inside `decode`, which holds the GIL; each
            // template is an owned reference.
            unsafe { ffi::Py_DECREF(t.as_ptr()) };
        }
        for e in &self.entries {
            // SAFETY: as above; each entry owns one reference to its key.
            unsafe { ffi::Py_DECREF(e.obj.as_ptr()) };
        }
    }
}

/// Per-document cache of short string values: an open-addressed table keyed by the bytes,
/// compared in Rust (never through the Python object). A slot holds the length and two words
/// that determine a string of up to 16 bytes exactly (see [`words`]), so a lookup compares
/// a few integers and touches nothing else.
struct ValueCache {
    len: usize,
    /// Initial table size.
    initial: usize,
    /// Power-of-two table, at most half full; grows from `initial`.
    slots: Vec<ValueSlot>,
}

const _: () = assert!(
    VALUE_MAX_LEN <= 16,
    "`words` identifies strings of up to 16 bytes"
);

#[derive(Clone, Copy)]
struct ValueSlot {
    /// Owned reference, NULL for an empty slot.
    obj: *mut ffi::PyObject,
    /// Byte length in the low 32 bits, hash in the high 32 bits.
    meta: u64,
    a: u64,
    b: u64,
}

const EMPTY_VALUE: ValueSlot = ValueSlot {
    obj: std::ptr::null_mut(),
    meta: 0,
    a: 0,
    b: 0,
};

impl ValueCache {
    /// A cache for a document of `size` bytes: it starts with room for about one distinct value
    /// per 256 bytes (growing is slower than starting big, but clearing a big table is a waste
    /// for a small document).
    fn new(size: usize) -> Self {
        ValueCache {
            len: 0,
            initial: (size / 128)
                .next_power_of_two()
                .clamp(64, VALUE_MAX_ENTRIES * 2),
            slots: Vec::new(),
        }
    }

    /// The `str` for `bytes` (valid UTF-8, 1 to `VALUE_MAX_LEN` bytes), shared with earlier
    /// equal values.
    #[inline]
    fn get<'py>(&mut self, py: Python<'py>, bytes: &[u8]) -> Result<Ref<'py>> {
        if self.slots.is_empty() {
            self.slots = vec![EMPTY_VALUE; self.initial];
        }
        let (a, b) = words(bytes);
        let h = hash_bytes(bytes);
        let hash = h >> 32 ^ (h & 0xffff_ffff);
        let meta = hash << 32 | bytes.len() as u64;
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = &self.slots[i];
            let Some(obj) = NonNull::new(slot.obj) else {
                break;
            };
            if slot.meta == meta && slot.a == a && slot.b == b {
                return Ok(Ref::borrowed(obj));
            }
            i = (i + 1) & mask;
        }
        let value = new_str(py, bytes)?;
        if self.len >= VALUE_MAX_ENTRIES {
            return Ok(value);
        }
        self.len += 1;
        let obj = value.ptr;
        // The slot takes over the new reference; the caller borrows it.
        std::mem::forget(value);
        self.slots[i] = ValueSlot {
            obj: obj.as_ptr(),
            meta,
            a,
            b,
        };
        if self.len * 2 > self.slots.len() {
            self.grow();
        }
        Ok(Ref::borrowed(obj))
    }

    #[cold]
    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_VALUE; size]);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| !s.obj.is_null()) {
            let mut i = (slot.meta >> 32) as usize & mask;
            while self.slots.get(i).is_some_and(|s| !s.obj.is_null()) {
                i = (i + 1) & mask;
            }
            if let Some(empty) = self.slots.get_mut(i) {
                *empty = slot;
            }
        }
    }
}

impl Drop for ValueCache {
    fn drop(&mut self) {
        for slot in &self.slots {
            if !slot.obj.is_null() {
                // SAFETY: a `ValueCache` only lives inside `decode`, which holds the GIL; the
                // slot owns this reference.
                unsafe { ffi::Py_DECREF(slot.obj) };
            }
        }
    }
}

/// Two words that, together with the length, determine a string of up to 16 bytes: the first and
/// last 8 bytes (overlapping) from 8 bytes on, the first and last 4 from 4 bytes on, and the
/// first, middle and last byte below that.
#[inline]
fn words(bytes: &[u8]) -> (u64, u64) {
    let n = bytes.len();
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (u64::from_le_bytes(*head), u64::from_le_bytes(*tail))
    } else if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        (
            u64::from(u32::from_le_bytes(*head)),
            u64::from(u32::from_le_bytes(*tail)),
        )
    } else if n > 0 {
        let a = u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16;
        (a, 0)
    } else {
        (0, 0)
    }
}

/// `x == y` for two slices of the same length, without a `memcmp` call for short ones.
#[inline]
fn same_bytes(x: &[u8], y: &[u8]) -> bool {
    if x.len() != y.len() {
        return false;
    }
    if x.len() <= 16 {
        return words(x) == words(y);
    }
    let (mut xs, mut ys) = (x, y);
    while let (Some((p, xr)), Some((q, yr))) =
        (xs.split_first_chunk::<8>(), ys.split_first_chunk::<8>())
    {
        if p != q {
            return false;
        }
        xs = xr;
        ys = yr;
    }
    x.last_chunk::<8>() == y.last_chunk::<8>()
}

/// A hash of any byte string: [`words`] for the ends, plus every 8-byte chunk in between.
fn hash_bytes(bytes: &[u8]) -> u64 {
    let (a, b) = words(bytes);
    let mut h = fold_mul(
        a ^ 0x243f_6a88_85a3_08d3,
        b ^ 0x1319_8a2e_0370_7344 ^ bytes.len() as u64,
    );
    if bytes.len() > 16 {
        for chunk in bytes[8..bytes.len() - 8].chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            h = fold_mul(h ^ u64::from_le_bytes(buf), 0xa409_3822_299f_31d0);
        }
    }
    h
}

/// The folded 64×64→128-bit multiply of wyhash/ahash: a fast, well-mixing combiner.
#[inline]
fn fold_mul(x: u64, y: u64) -> u64 {
    let m = u128::from(x) * u128::from(y);
    (m as u64) ^ ((m >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::types::PyBytes;

    /// `json.loads(doc.decode("utf-8"))`, or `None` when it raises. (Given bytes, `json.loads`
    /// would guess UTF-16 or UTF-32 from NUL bytes.)
    fn reference<'py>(py: Python<'py>, doc: &[u8]) -> Option<Bound<'py, PyAny>> {
        let loads = py.import("json").unwrap().getattr("loads").unwrap();
        let text = PyBytes::new(py, doc)
            .call_method1("decode", ("utf-8",))
            .ok()?;
        loads.call1((text,)).ok()
    }

    fn repr(value: &Bound<'_, PyAny>) -> String {
        value.repr().unwrap().to_string()
    }

    /// Decode `doc` and check it equals `json.loads(doc)`, key order and float signs included.
    fn check_same(py: Python<'_>, doc: &[u8]) {
        let want = reference(py, doc)
            .unwrap_or_else(|| panic!("json.loads rejects {:?}", String::from_utf8_lossy(doc)));
        let got =
            decode(py, doc).unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(doc)));
        assert!(got.eq(&want).unwrap(), "{:?}", String::from_utf8_lossy(doc));
        assert_eq!(
            repr(&got),
            repr(&want),
            "{:?}",
            String::from_utf8_lossy(doc)
        );
    }

    /// A small deterministic PRNG (xorshift64*), so the fuzz tests need no crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn torture_set() -> Vec<Vec<u8>> {
        let mut docs: Vec<Vec<u8>> = [
            &b"{}"[..],
            b"[]",
            b" [ ] ",
            b"{\"a\":1,\"a\":2}",
            b"{\"a\":1,\"b\":2,\"a\":3}",
            br#""\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r""#,
            "\"héllo wörld ✓ 😀\"".as_bytes(),
            br#""\u0000""#,
            br#""a\u0000b""#,
            br#""\uD834\uDD1E""#,
            br#""\u20AC""#,
            "{\"\\u00e9\":1,\"é\":2}".as_bytes(),
            br#"{"k\"q":1,"k\\":2, "k\n": 3}"#,
            br#"["a\\b", "a\\b", "a\\\\b"]"#,
            b"-0",
            b"-0.0",
            b"0.0",
            b"0",
            b"1.5",
            b"1e308",
            b"1.7976931348623157e308",
            b"1e-320",
            b"5e-324",
            b"2.2250738585072014e-308",
            b"1e400",
            b"-1e400",
            b"1e-400",
            b"1E+2",
            b"1e-2",
            b"3.141592653589793",
            b"0.1",
            b"123456789.123456789e-5",
            b"9223372036854775807",
            b"9223372036854775808",
            b"-9223372036854775808",
            b"-9223372036854775809",
            b"18446744073709551615",
            b"18446744073709551616",
            b"123456789012345678901234567890",
            b"-123456789012345678901234567890",
            b"[1,-1,0.5,-0.5,1e5,1E-5,100000000000000000000000.5]",
            b" \t\n\r{ \t\n\r\"a\" \t\n\r: \t\n\r[ 1 , 2 , { } , [ ] , \"x\" , true , false , null ] \t\n\r} \t\n\r",
            b"{\"a\":{\"b\":{\"c\":[1,{\"d\":null}]}}}",
            b"[true,false,null]",
            "\"\u{1F600}\"".as_bytes(),
            b"\"\xf0\x9f\x98\x80 \xc3\xa9\"",
        ]
        .iter()
        .map(|d| d.to_vec())
        .collect();
        // Nesting right at the limit.
        let depth = MAX_DEPTH as usize;
        docs.push([vec![b'['; depth], vec![b']'; depth]].concat());
        // Long strings, ASCII and not, with and without escapes.
        docs.push(format!("\"{}\"", "x".repeat(1000)).into_bytes());
        docs.push(format!("\"{}\"", "é".repeat(500)).into_bytes());
        docs.push(format!("\"{}\\n{}\"", "é".repeat(50), "x".repeat(50)).into_bytes());
        // Every printable ASCII character.
        let printable: String = (0x20u8..0x7f)
            .filter(|&b| b != b'"' && b != b'\\')
            .map(char::from)
            .collect();
        docs.push(format!("\"{printable}\"").into_bytes());
        // Long keys (not cached) repeated, and many distinct keys and values (past the caches).
        let long = "k".repeat(100);
        docs.push(format!("[{{\"{long}\":1,\"{long}\":2}},{{\"{long}\":3}}]").into_bytes());
        let many: Vec<String> = (0..5000)
            .map(|i| format!("{{\"k{}\":\"v{}\"}}", i % 2000, i % 1500))
            .collect();
        docs.push(format!("[{}]", many.join(",")).into_bytes());
        let repeated: Vec<String> = (0..3000).map(|i| format!("\"v{}\"", i % 7)).collect();
        docs.push(format!("[{}]", repeated.join(",")).into_bytes());
        docs
    }

    #[test]
    fn matches_json_loads_on_the_torture_set() {
        crate::test_python::on_python_thread(|py| {
            for doc in torture_set() {
                check_same(py, &doc);
            }
        });
    }

    #[test]
    fn records_of_varying_shapes_match_json_loads() {
        // Objects that follow, leave, extend and shorten the shapes (and templates) of the ones
        // before them, with duplicate keys and keys that need escapes.
        crate::test_python::on_python_thread(|py| {
            let pool = [
                "id", "name", "a", "b", "c", "d", "e", "f", "g", "h", "k\\\"q", "é", "y\\n",
            ];
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            let object = |rng: &mut Rng, values: &str| {
                let n = rng.below(pool.len() + 1);
                let mut keys: Vec<&str> = (0..n).map(|_| pool[rng.below(pool.len())]).collect();
                if rng.below(3) == 0 {
                    keys.sort_unstable();
                    keys.dedup();
                }
                let fields: Vec<String> = keys
                    .iter()
                    .enumerate()
                    .map(|(i, k)| format!("\"{k}\":{}", if i % 3 == 0 { values } else { "1" }))
                    .collect();
                format!("{{{}}}", fields.join(","))
            };
            for _ in 0..300 {
                let inner = object(&mut rng, "\"NL\"");
                let base = object(&mut rng, &inner);
                let mut records = Vec::new();
                for _ in 0..rng.below(8) + 1 {
                    records.push(if rng.below(3) == 0 {
                        object(&mut rng, &inner)
                    } else {
                        base.clone()
                    });
                }
                let doc = format!("{{\"data\":[{}],\"more\":{base}}}", records.join(","));
                check_same(py, doc.as_bytes());
            }
        });
    }

    #[test]
    fn positions_count_as_jiter_did() {
        let cases: [(&[u8], usize, &str); 8] = [
            (b"", 0, "line 1 column 0"),
            (b"x", 0, "line 1 column 1"),
            (b"x", 5, "line 1 column 1"),
            (b"ab\ncd", 2, "line 2 column 0"),
            (b"ab\ncd", 3, "line 2 column 1"),
            (b"ab\ncd", 4, "line 2 column 2"),
            (b"ab\ncd\n", 9, "line 3 column 0"),
            (b"{\n  \"a\": tru\n}", 9, "line 2 column 8"),
        ];
        for (doc, index, want) in cases {
            assert_eq!(position(doc, index), want, "{doc:?} {index}");
        }
    }

    #[test]
    fn invalid_documents_are_errors_with_a_position() {
        crate::test_python::on_python_thread(|py| {
            let cases: &[(&[u8], &str)] = &[
                (b"", "EOF while parsing a value at line 1 column 0"),
                (b"[", "EOF while parsing a list at line 1 column 1"),
                (b"{", "EOF while parsing an object at line 1 column 1"),
                (b"[1,]", "trailing comma at line 1 column 4"),
                (b"{\"a\":1,}", "trailing comma at line 1 column 8"),
                (b"{\"a\"}", "expected `:` at line 1 column 5"),
                (b"{a:1}", "key must be a string at line 1 column 2"),
                (b"[1 2]", "expected `,` or `]` at line 1 column 4"),
                (b"{\"a\":1 \"b\":2}", "expected `,` or `}` at line 1 column 8"),
                (b"[1] x", "trailing characters at line 1 column 5"),
                (b"{\n  \"a\": tru\n}", "expected ident at line 2 column 8"),
                (b"NaN", "expected value at line 1 column 1"),
                (b"Infinity", "expected value at line 1 column 1"),
                (b"-Infinity", "invalid number at line 1 column 2"),
                (b"01", "invalid number at line 1 column 2"),
                (b"1.", "EOF while parsing a value at line 1 column 2"),
                (b"\"\\ud800\"", "unexpected end of hex escape at line 1 column 8"),
                (b"\"\\udc00\"", "lone leading surrogate in hex escape at line 1 column 7"),
                (b"\"\\ud800\\u0041\"", "lone leading surrogate in hex escape at line 1 column 13"),
                (b"\"\\x\"", "invalid escape at line 1 column 3"),
                (b"\"a\x01\"", "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 3"),
                (b"\"\xff\"", "invalid unicode code point at line 1 column 2"),
                (b"\"\xed\xa0\x80\"", "invalid unicode code point at line 1 column 2"),
                (b"{\"\xc3\x28\":1}", "invalid unicode code point at line 1 column 3"),
                (b"\"abc", "EOF while parsing a string at line 1 column 4"),
            ];
            for (doc, message) in cases {
                match decode(py, doc) {
                    Err(e) => assert_eq!(&e, message, "{:?}", String::from_utf8_lossy(doc)),
                    Ok(v) => panic!("{:?} decoded to {}", String::from_utf8_lossy(doc), repr(&v)),
                }
            }
            let deep = [vec![b'['; 300], vec![b']'; 300]].concat();
            assert!(decode(py, &deep)
                .unwrap_err()
                .starts_with("recursion limit exceeded"));
            let deep = vec![b'{'; 100_000];
            assert!(decode(py, &deep).is_err());
            let huge = vec![b'7'; MAX_INT_DIGITS + 1];
            assert!(decode(py, &huge)
                .unwrap_err()
                .starts_with("number out of range"));
            let big = vec![b'7'; MAX_INT_DIGITS];
            check_same(py, &big);
        });
    }

    #[test]
    fn mangled_documents_never_panic_and_agree_with_json_loads() {
        // Random byte edits of valid documents: whatever json.loads accepts, we decode to the same
        // value, and whatever it rejects, we reject; except the three things orjson rejects too:
        // NaN/Infinity and lone surrogate escapes.
        crate::test_python::on_python_thread(|py| {
            let bases = torture_set();
            let record = br##"{"data":[{"id":"organization:ed12","name":"Bakker & Hendriks B.V.","is_active":true,"n":-12.5e3,"relation_type":{"id":"relationtype:ae","label":"Prospect","color":"#3498db"},"teams":[],"cc":["a","b"],"x":null}],"metadata":{"count":1}}"##;
            let mut rng = Rng(42);
            let edits = b"{}[]\",:\\0123456789eE.-+ tfnu\x80\xff\x00";
            for round in 0..20_000 {
                let mut doc = if round % 2 == 0 {
                    record.to_vec()
                } else {
                    bases[rng.below(bases.len())].clone()
                };
                for _ in 0..rng.below(3) + 1 {
                    if doc.is_empty() {
                        break;
                    }
                    let at = rng.below(doc.len());
                    match rng.below(3) {
                        0 => doc[at] = rng.next() as u8,
                        1 => {
                            doc.remove(at);
                        }
                        _ => doc.insert(at, edits[rng.below(edits.len())]),
                    }
                }
                let got = decode(py, &doc);
                let want = reference(py, &doc);
                match (got, want) {
                    (Ok(got), Some(want)) => {
                        assert_eq!(
                            repr(&got),
                            repr(&want),
                            "{:?}",
                            String::from_utf8_lossy(&doc)
                        );
                    }
                    (Err(_), None) => {}
                    (Err(e), Some(_)) => {
                        let text = String::from_utf8_lossy(&doc).to_lowercase();
                        assert!(
                            text.contains("nan")
                                || text.contains("infinity")
                                || text.contains("\\ud"),
                            "{e}: {text:?}"
                        );
                    }
                    (Ok(got), None) => panic!(
                        "accepted {:?} as {}",
                        String::from_utf8_lossy(&doc),
                        repr(&got)
                    ),
                }
            }
        });
    }

    #[test]
    fn nothing_leaks_and_the_gc_state_is_restored() {
        crate::test_python::on_python_thread(|py| {
            let gc = py.import("gc").unwrap();
            let tracemalloc = py.import("tracemalloc").unwrap();
            let sys = py.import("sys").unwrap();
            let traced = || -> usize {
                gc.call_method0("collect").unwrap();
                let (current, _peak): (usize, usize) = tracemalloc
                    .call_method0("get_traced_memory")
                    .unwrap()
                    .extract()
                    .unwrap();
                current
            };
            let refcount = |obj: &Bound<'_, PyAny>| -> isize {
                sys.call_method1("getrefcount", (obj,))
                    .unwrap()
                    .extract()
                    .unwrap()
            };
            let good = torture_set();
            let mut bad: Vec<Vec<u8>> = good
                .iter()
                .filter(|d| d.len() > 2)
                .flat_map(|d| [d[..d.len() / 2].to_vec(), d[..d.len() - 1].to_vec()])
                .filter(|d| reference(py, d).is_none())
                .collect();
            bad.push(br#"[{"a":"NL","b":[true,null,"x"]},{"a":"NL","b":[1,2,"#.to_vec());
            bad.push(br#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7} x"#.to_vec());
            let run = |n: usize| {
                for _ in 0..n {
                    for doc in &good {
                        assert!(decode(py, doc).is_ok());
                    }
                    for doc in &bad {
                        assert!(decode(py, doc).is_err());
                    }
                }
            };
            let t = py.import("builtins").unwrap().getattr("True").unwrap();
            let none = py.None().into_bound(py);
            tracemalloc.call_method0("start").unwrap();
            run(3);
            // Other tests may allocate meanwhile: a leak grows the traced memory every time.
            let mut growth = Vec::new();
            for _ in 0..3 {
                let (before, true_before, none_before) = (traced(), refcount(&t), refcount(&none));
                run(20);
                let (after, true_after, none_after) = (traced(), refcount(&t), refcount(&none));
                growth.push((
                    after.saturating_sub(before),
                    true_after - true_before,
                    none_after - none_before,
                ));
            }
            tracemalloc.call_method0("stop").unwrap();
            // Each window decodes every document 20 times, so a reference our decoder leaks or
            // over-releases moves a count by 20 or more. A change of one or two comes from the
            // other tests: pyo3 applies the decrefs their threads deferred whenever this thread
            // enters Python, which on a busy machine happens inside every window.
            let small = |d: isize| d.abs() < 10;
            assert!(
                growth
                    .iter()
                    .any(|&(bytes, t, n)| bytes < 4096 && small(t) && small(n)),
                "(bytes, refs to True, refs to None) grew by {growth:?}"
            );

            // The collector is back on after a document, good or bad, and stays off if it was.
            let enabled = || gc.call_method0("isenabled").unwrap().is_truthy().unwrap();
            assert!(enabled());
            let _ = decode(py, b"[[1]]");
            let _ = decode(py, b"[[1]");
            assert!(enabled());
            gc.call_method0("disable").unwrap();
            let _ = decode(py, b"[[1]]");
            assert!(!enabled());
            gc.call_method0("enable").unwrap();
        });
    }
}
