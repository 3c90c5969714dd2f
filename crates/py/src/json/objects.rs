//! The decoder's only contact with the C API, and so the workspace's only `unsafe` code: the
//! reference types the decoder builds with, and one safe function per Python call it makes.
//!
//! Every function here takes or holds proof that the GIL is held: a `Python<'py>` token, or a
//! [`Ref`]/[`Owned`] whose `'py` lifetime came from one (and which is `!Send`, through its
//! `NonNull`). Every call is in the stable ABI (abi3, Python ≥ 3.10). Calls that can fail return
//! NULL with an exception set; [`Ref::owned`] turns that into `Err`, so no NULL ever escapes this
//! file.
//!
//! A borrowed [`Ref`] is not tied by Rust lifetimes to the [`Owned`] it was borrowed from: that
//! would cost the hot paths a borrow of the caches across every nested value. The caches uphold
//! it instead: they never release an entry while a document is being decoded, a template (the
//! one entry they do replace) is only ever copied, never borrowed, and `decode` turns its result
//! into an owned reference before the caches are dropped.

use std::marker::PhantomData;
use std::os::raw::c_char;
use std::ptr::NonNull;

use pyo3::ffi;
use pyo3::prelude::*;

use super::errors::{python_error, Result};

/// Pauses the cyclic GC for its lifetime, restoring the previous state on drop (also on error
/// and on unwind).
pub(super) struct GcPause<'py> {
    was_enabled: bool,
    _py: PhantomData<Python<'py>>,
}

impl<'py> GcPause<'py> {
    pub(super) fn new(_py: Python<'py>) -> Self {
        // SAFETY: the `Python` token proves the GIL is held; `PyGC_Disable` is in the stable ABI
        // since 3.10 and only flips the interpreter's flag, returning the previous state.
        let was_enabled = unsafe { ffi::PyGC_Disable() } != 0;
        GcPause {
            was_enabled,
            _py: PhantomData,
        }
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if self.was_enabled {
            // SAFETY: GIL held: a `GcPause` lives no longer than the `Python<'py>` it was made
            // with, and is `!Send` (through `PhantomData<Python>`).
            unsafe { ffi::PyGC_Enable() };
        }
    }
}

/// A reference to a Python object held while building: either owned (released on drop) or
/// borrowed from an [`Owned`] that outlives it (a cache entry), or from a static singleton.
pub(super) struct Ref<'py> {
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

    /// This reference as an [`Owned`] one (taking a new strong reference if it was borrowed).
    pub(super) fn into_owned(self) -> Owned<'py> {
        let ptr = self.ptr;
        if !self.owned {
            // SAFETY: GIL held (the `'py` of this `Ref`); a borrowed `Ref` points to a live
            // object (see the module docs).
            unsafe { ffi::Py_INCREF(ptr.as_ptr()) };
        }
        std::mem::forget(self);
        Owned(ptr, PhantomData)
    }

    /// A strong reference for the caller to keep (or hand to a reference-stealing call).
    fn into_owned_ptr(self) -> *mut ffi::PyObject {
        let owned = self.into_owned();
        let ptr = owned.0.as_ptr();
        std::mem::forget(owned);
        ptr
    }

    /// A new strong reference to the same object, for a cache to keep.
    pub(super) fn keep(&self) -> Owned<'py> {
        // SAFETY: GIL held; the object is alive for as long as `self` is.
        unsafe { ffi::Py_INCREF(self.as_ptr()) };
        Owned(self.ptr, PhantomData)
    }

    /// The finished value, for Python to keep.
    pub(super) fn into_bound(self, py: Python<'py>) -> Bound<'py, PyAny> {
        // SAFETY: `into_owned_ptr` hands over one strong reference to a live object.
        unsafe { Bound::from_owned_ptr(py, self.into_owned_ptr()) }
    }
}

impl Drop for Ref<'_> {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: GIL held (the `'py` of this `Ref`); we own this reference.
            unsafe { ffi::Py_DECREF(self.ptr.as_ptr()) };
        }
    }
}

/// A strong reference a cache keeps, released on drop.
pub(super) struct Owned<'py>(NonNull<ffi::PyObject>, PhantomData<Python<'py>>);

impl<'py> Owned<'py> {
    /// Lend the object out without touching its reference count. The caller keeps `self` alive
    /// for as long as the `Ref` (see the module docs).
    #[inline(always)]
    pub(super) fn borrow(&self) -> Ref<'py> {
        Ref::borrowed(self.0)
    }
}

impl Drop for Owned<'_> {
    fn drop(&mut self) {
        // SAFETY: GIL held (the `'py` of this `Owned`); we own this reference.
        unsafe { ffi::Py_DECREF(self.0.as_ptr()) };
    }
}

/// A borrowed reference to one of the static singletons `True`, `False`, `None`.
fn singleton<'py>(ptr: *mut ffi::PyObject) -> Ref<'py> {
    match NonNull::new(ptr) {
        Some(ptr) => Ref::borrowed(ptr),
        // `Py_True()` and friends return the address of a static object: never NULL.
        None => unreachable!("a Python singleton is NULL"),
    }
}

pub(super) fn true_(_py: Python<'_>) -> Ref<'_> {
    // SAFETY: GIL held; returns the address of the static `True`, which is never freed.
    singleton(unsafe { ffi::Py_True() })
}

pub(super) fn false_(_py: Python<'_>) -> Ref<'_> {
    // SAFETY: as for `true_`.
    singleton(unsafe { ffi::Py_False() })
}

pub(super) fn none(_py: Python<'_>) -> Ref<'_> {
    // SAFETY: as for `true_`.
    singleton(unsafe { ffi::Py_None() })
}

/// A new `str` from UTF-8 (Python checks it again: invalid bytes are an error, never UB).
#[inline]
pub(super) fn new_str<'py>(py: Python<'py>, s: &[u8]) -> Result<Ref<'py>> {
    // SAFETY: GIL held; `s` is alive for the call and exactly `len` bytes long (a slice's length
    // always fits `Py_ssize_t`); embedded NULs are fine with an explicit size. Returns a new
    // reference or NULL with an exception set.
    let ptr = unsafe {
        ffi::PyUnicode_FromStringAndSize(s.as_ptr().cast::<c_char>(), s.len() as ffi::Py_ssize_t)
    };
    Ref::owned(py, ptr)
}

#[inline]
pub(super) fn new_float(py: Python<'_>, value: f64) -> Result<Ref<'_>> {
    // SAFETY: GIL held; returns a new reference or NULL with an exception set.
    Ref::owned(py, unsafe { ffi::PyFloat_FromDouble(value) })
}

#[inline]
pub(super) fn new_int(py: Python<'_>, value: i64) -> Result<Ref<'_>> {
    // SAFETY: GIL held; returns a new reference or NULL with an exception set.
    Ref::owned(py, unsafe { ffi::PyLong_FromLongLong(value) })
}

/// An `int` from its decimal text (an optional minus sign and digits).
#[cold]
pub(super) fn new_big_int<'py>(py: Python<'py>, text: &[u8]) -> Result<Ref<'py>> {
    let mut text = text.to_vec();
    text.push(0);
    // SAFETY: GIL held; `text` is NUL-terminated and alive for the call (Python reads up to the
    // NUL and rejects anything that is not an integer); a NULL end pointer is allowed. Returns
    // a new reference or NULL with an exception set.
    let ptr =
        unsafe { ffi::PyLong_FromString(text.as_ptr().cast::<c_char>(), std::ptr::null_mut(), 10) };
    Ref::owned(py, ptr)
}

#[inline]
pub(super) fn new_dict(py: Python<'_>) -> Result<Ref<'_>> {
    // SAFETY: GIL held; returns a new reference or NULL with an exception set.
    Ref::owned(py, unsafe { ffi::PyDict_New() })
}

/// A copy of `template` (a dict): one copy of its hash table, instead of inserting key by key.
#[inline]
pub(super) fn dict_copy<'py>(py: Python<'py>, template: &Owned<'py>) -> Result<Ref<'py>> {
    // SAFETY: GIL held; the template is a live dict (only dicts are kept as templates).
    // Returns a new reference or NULL with an exception set.
    Ref::owned(py, unsafe { ffi::PyDict_Copy(template.0.as_ptr()) })
}

/// `dict[key] = value`.
#[inline(always)]
pub(super) fn dict_set<'py>(
    py: Python<'py>,
    dict: &Ref<'py>,
    key: &Ref<'py>,
    value: &Ref<'py>,
) -> Result<()> {
    // SAFETY: GIL held; all three are live objects and `dict` is a dict the decoder made;
    // `PyDict_SetItem` takes its own references to the key and the value.
    if unsafe { ffi::PyDict_SetItem(dict.as_ptr(), key.as_ptr(), value.as_ptr()) } != 0 {
        return Err(python_error(py));
    }
    Ok(())
}

/// `to[key] = from[key]` if `from` has `key`.
pub(super) fn dict_move_item<'py>(
    py: Python<'py>,
    from: &Ref<'py>,
    to: &Ref<'py>,
    key: &Ref<'py>,
) -> Result<()> {
    // SAFETY: GIL held; `from` is a live dict and `key` a live str (its hash already cached, so
    // the lookup cannot fail). Returns a borrowed reference, or NULL if absent.
    let value = unsafe { ffi::PyDict_GetItem(from.as_ptr(), key.as_ptr()) };
    if value.is_null() {
        return Ok(());
    }
    // SAFETY: GIL held; all pointers are live objects (`value` is kept alive by `from`);
    // `PyDict_SetItem` takes its own references.
    if unsafe { ffi::PyDict_SetItem(to.as_ptr(), key.as_ptr(), value) } != 0 {
        return Err(python_error(py));
    }
    Ok(())
}

/// A list of exactly the drained items, moved in without reference count traffic.
#[inline]
pub(super) fn new_list<'py>(
    py: Python<'py>,
    items: std::vec::Drain<'_, Ref<'py>>,
) -> Result<Ref<'py>> {
    // A `vec::Drain` knows its length exactly, so every slot below gets filled.
    let len = items.len();
    // SAFETY: GIL held; returns a new reference (all items NULL) or NULL with an exception.
    let list = Ref::owned(py, unsafe { ffi::PyList_New(len as ffi::Py_ssize_t) })?;
    for (i, item) in items.enumerate() {
        // SAFETY: GIL held; `i < len` so the index is in range and its slot still NULL;
        // `PyList_SetItem` steals the strong reference `into_owned_ptr` hands over.
        unsafe { ffi::PyList_SetItem(list.as_ptr(), i as ffi::Py_ssize_t, item.into_owned_ptr()) };
    }
    Ok(list)
}
