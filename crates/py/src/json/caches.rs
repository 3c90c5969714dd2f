//! The per-document caches that make API pages cheap: keys interned once with the key
//! sequence (*shape*) and template dict of the objects stored under each, and short string
//! values shared by their bytes. Both own their Python strings ([`Owned`]) and lend them out
//! ([`Ref`]) for as long as the document is being decoded.

use pyo3::prelude::*;

use super::errors::Result;
use super::objects::{new_str, Owned, Ref};
use super::{KEY_MAX_ENTRIES, KEY_MAX_LEN, MAX_SHAPE_IDS, NONE, VALUE_MAX_ENTRIES, VALUE_MAX_LEN};

/// One cached key: its `str`, its bytes, and the predictions made from it.
struct KeyEntry<'py> {
    obj: Owned<'py>,
    start: usize,
    len: usize,
    hash: u64,
    /// The bytes need no escaping, so they can be compared with the raw input.
    plain: bool,
    /// The key that followed this one in its object last time.
    next: u32,
    /// What the objects stored under this key looked like.
    child: Child<'py>,
}

/// Predictions for the objects stored under one key (or at the top level).
struct Child<'py> {
    /// The first key of the last such object.
    first: u32,
    /// The key ids of the last such object (unless the budget for shapes is spent).
    shape: Option<ShapeRef>,
    /// The last such object, if it had `TEMPLATE_MIN_KEYS` keys or more.
    template: Option<Owned<'py>>,
}

impl Child<'_> {
    fn new() -> Self {
        Child {
            first: NONE,
            shape: None,
            template: None,
        }
    }
}

/// A key sequence: `shape_ids[start..start + len]` in the key cache.
#[derive(Clone, Copy)]
pub(super) struct ShapeRef {
    start: u32,
    pub(super) len: u32,
}

/// Per-document table of keys: entries by id, an open-addressed index by bytes, and predictions.
pub(super) struct KeyCache<'py> {
    entries: Vec<KeyEntry<'py>>,
    /// Ids + 1 (0 = empty); a power of two, at most half full.
    index: Vec<u32>,
    arena: Vec<u8>,
    /// Predictions for top-level objects (and those in top-level arrays).
    root: Child<'py>,
    /// The key ids of the shapes, back to back.
    shape_ids: Vec<u32>,
}

impl<'py> KeyCache<'py> {
    pub(super) fn new() -> Self {
        KeyCache {
            entries: Vec::new(),
            index: Vec::new(),
            arena: Vec::new(),
            root: Child::new(),
            shape_ids: Vec::new(),
        }
    }

    fn child(&self, parent: u32) -> &Child<'py> {
        match self.entries.get(parent as usize) {
            Some(e) => &e.child,
            None => &self.root,
        }
    }

    /// What the last object stored under `parent` looked like: its first key, and its shape.
    #[inline]
    pub(super) fn prediction(&self, parent: u32) -> (u32, Option<ShapeRef>) {
        let child = self.child(parent);
        (child.first, child.shape)
    }

    /// The template for objects stored under `parent`, if there is one.
    #[inline]
    pub(super) fn template(&self, parent: u32) -> Option<&Owned<'py>> {
        self.child(parent).template.as_ref()
    }

    /// Record `id` as the first key of the objects stored under `parent`.
    pub(super) fn set_first(&mut self, parent: u32, id: u32) {
        self.child_mut(parent).first = id;
    }

    fn child_mut(&mut self, parent: u32) -> &mut Child<'py> {
        match self.entries.get_mut(parent as usize) {
            Some(e) => &mut e.child,
            None => &mut self.root,
        }
    }

    /// The id of key number `i` of shape `sh` (NONE past its end).
    #[inline]
    pub(super) fn shape_id(&self, sh: ShapeRef, i: u32) -> u32 {
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
    pub(super) fn set_shape(&mut self, parent: u32, ids: &[u32], template: Option<&Ref<'py>>) {
        let cacheable = !ids.contains(&NONE) && self.shape_ids.len() + ids.len() <= MAX_SHAPE_IDS;
        let shape = cacheable.then(|| {
            let start = self.shape_ids.len() as u32;
            self.shape_ids.extend_from_slice(ids);
            ShapeRef {
                start,
                len: ids.len() as u32,
            }
        });
        let template = template.filter(|_| cacheable).map(Ref::keep);
        let child = self.child_mut(parent);
        child.shape = shape;
        // Releases the previous template: never borrowed, only copied (see `objects`).
        child.template = template;
    }

    /// The `str` of key `id`, borrowed.
    pub(super) fn obj(&self, id: u32) -> Option<Ref<'py>> {
        self.entries.get(id as usize).map(|e| e.obj.borrow())
    }

    pub(super) fn next_of(&self, id: u32) -> u32 {
        self.entries.get(id as usize).map_or(NONE, |e| e.next)
    }

    pub(super) fn set_next(&mut self, id: u32, next: u32) {
        if let Some(e) = self.entries.get_mut(id as usize) {
            e.next = next;
        }
    }

    /// If the input at `at` is the predicted key followed by its closing quote, the index of
    /// that quote and the key.
    #[inline(always)]
    pub(super) fn predicted(&self, data: &[u8], at: usize, id: u32) -> Option<(usize, Ref<'py>)> {
        let e = self.entries.get(id as usize)?;
        let end = at + e.len;
        if e.plain
            && data.get(end) == Some(&b'"')
            && same_bytes(
                data.get(at..end)?,
                self.arena.get(e.start..end - at + e.start)?,
            )
        {
            Some((end, e.obj.borrow()))
        } else {
            None
        }
    }

    /// The cached key for `bytes` (valid UTF-8), creating it if new; uncached keys get id NONE.
    pub(super) fn get(&mut self, py: Python<'py>, bytes: &[u8]) -> Result<(u32, Ref<'py>)> {
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
                    return Ok((id, e.obj.borrow()));
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
        // The entry takes over the new reference; the caller borrows it.
        let plain = bytes.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
        let obj = key.into_owned();
        let borrowed = obj.borrow();
        self.entries.push(KeyEntry {
            obj,
            start,
            len: bytes.len(),
            hash,
            plain,
            next: NONE,
            child: Child::new(),
        });
        self.index[i] = id + 1;
        Ok((id, borrowed))
    }
}

/// Per-document cache of short string values: an open-addressed table keyed by the bytes,
/// compared in Rust (never through the Python object). A slot holds the length and two words
/// that determine a string of up to 16 bytes exactly (see [`words`]), so a lookup compares
/// a few integers and touches nothing else.
pub(super) struct ValueCache<'py> {
    len: usize,
    /// Initial table size.
    initial: usize,
    /// Power-of-two table, at most half full; grows from `initial`.
    slots: Vec<ValueSlot<'py>>,
}

const _: () = assert!(
    VALUE_MAX_LEN <= 16,
    "`words` identifies strings of up to 16 bytes"
);

struct ValueSlot<'py> {
    /// `None` for an empty slot.
    obj: Option<Owned<'py>>,
    /// Byte length in the low 32 bits, hash in the high 32 bits.
    meta: u64,
    a: u64,
    b: u64,
}

impl ValueSlot<'_> {
    fn empty() -> Self {
        ValueSlot {
            obj: None,
            meta: 0,
            a: 0,
            b: 0,
        }
    }
}

/// `size` empty slots.
fn empty_slots<'py>(size: usize) -> Vec<ValueSlot<'py>> {
    std::iter::repeat_with(ValueSlot::empty)
        .take(size)
        .collect()
}

impl<'py> ValueCache<'py> {
    /// A cache for a document of `size` bytes: it starts with room for about one distinct value
    /// per 256 bytes (growing is slower than starting big, but clearing a big table is a waste
    /// for a small document).
    pub(super) fn new(size: usize) -> Self {
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
    pub(super) fn get(&mut self, py: Python<'py>, bytes: &[u8]) -> Result<Ref<'py>> {
        if self.slots.is_empty() {
            self.slots = empty_slots(self.initial);
        }
        let (a, b) = words(bytes);
        let h = hash_bytes(bytes);
        let hash = h >> 32 ^ (h & 0xffff_ffff);
        let meta = hash << 32 | bytes.len() as u64;
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = &self.slots[i];
            let Some(obj) = &slot.obj else {
                break;
            };
            if slot.meta == meta && slot.a == a && slot.b == b {
                return Ok(obj.borrow());
            }
            i = (i + 1) & mask;
        }
        let value = new_str(py, bytes)?;
        if self.len >= VALUE_MAX_ENTRIES {
            return Ok(value);
        }
        self.len += 1;
        // The slot takes over the new reference; the caller borrows it.
        let obj = value.into_owned();
        let borrowed = obj.borrow();
        self.slots[i] = ValueSlot {
            obj: Some(obj),
            meta,
            a,
            b,
        };
        if self.len * 2 > self.slots.len() {
            self.grow();
        }
        Ok(borrowed)
    }

    #[cold]
    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, empty_slots(size));
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| s.obj.is_some()) {
            let mut i = (slot.meta >> 32) as usize & mask;
            while self.slots.get(i).is_some_and(|s| s.obj.is_some()) {
                i = (i + 1) & mask;
            }
            if let Some(empty) = self.slots.get_mut(i) {
                *empty = slot;
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
