//! The fake's memory: records per collection, shared by the HTTP handlers and the host process.
//!
//! Each record is kept as its compact JSON bytes, not as a `serde_json::Value`: a parsed hours
//! record costs several kilobytes of small allocations, its bytes well under one, and one million
//! hours records must fit in 2 GiB. Bytes also make the common case fastest: an unfiltered page
//! is the stored bytes joined with commas. Records are parsed only when a query has to look
//! inside them (filters, sort, select) or when one is updated.
//!
//! Collections are `IndexMap`s (id → bytes) so insertion order, O(1) lookup by id and O(1)
//! access by position (offset paging) come from one structure. One `RwLock` over everything
//! keeps it simple; list pages only take the read side.
//!
//! Seeded collections are generated lazily: a new (or reset) store holds none of them, and a
//! collection is generated on its first use — any read, write or count of it — under the write
//! lock, after checking again that nobody generated it meanwhile. A default account is tens of
//! thousands of records (three years of hours), and many test suites start a fresh fake per test
//! or reset a shared one before every test: each test pays for the collections it touches.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::files::Files;
use super::ids::{self, SplitMix64};
use super::seed::Generator;

/// Mixed into the seed for the stream that mints ids of created records, so that stream never
/// overlaps the seed-data streams.
const ID_STREAM: u64 = 0x1d5_57a3_a11c_e5ed;

/// Thread-safe record store of a fake server.
#[derive(Debug)]
pub struct Store {
    seed: u64,
    /// The real API's quirks are served (see `FakeConfig::quirks`).
    quirks: bool,
    /// Makes the seed records (its sizes were checked when the store was made).
    generator: Generator,
    inner: RwLock<Inner>,
    /// Uploads and the bytes behind documents (`files/`), under a lock of their own.
    files: Files,
}

#[derive(Debug)]
struct Inner {
    collections: HashMap<String, Collection>,
    /// Seeded collections not generated yet, and how many records each will have.
    pending: HashMap<&'static str, usize>,
    ids: SplitMix64,
}

/// The records of one collection, in insertion order.
#[derive(Debug, Default)]
pub(crate) struct Collection {
    records: IndexMap<String, Box<[u8]>>,
    /// Records reduced to the fields a filtered query reads (`projected`), by field set; cleared
    /// whenever the collection changes.
    projections: Mutex<Projections>,
}

/// Field set (names joined by NUL) → every record reduced to those fields.
type Projections = HashMap<String, Arc<Vec<Value>>>;

/// Collections up to this size keep projections: enough for any test or benchmark account,
/// while a million-record collection stays streamed (its bytes are the memory budget).
const PROJECTED_MAX_RECORDS: usize = 200_000;
/// Field sets kept per collection before the cache starts over.
const PROJECTED_MAX_SETS: usize = 16;

impl Collection {
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// The JSON bytes of the record at `position`.
    pub(crate) fn raw_at(&self, position: usize) -> Option<&[u8]> {
        self.records.get_index(position).map(|(_, bytes)| &**bytes)
    }

    pub(crate) fn raw(&self, id: &str) -> Option<&[u8]> {
        self.records.get(id).map(|bytes| &**bytes)
    }

    /// Every record's bytes, in order.
    pub(crate) fn iter_raw(&self) -> impl Iterator<Item = &[u8]> {
        self.records.values().map(|bytes| &**bytes)
    }

    /// Every record reduced to the top-level `fields` (as `decode_fields`), in order, when the
    /// collection is small enough to keep them: one pass over the bytes serves every later
    /// query reading the same fields until the collection changes. `None` for larger ones,
    /// which callers stream with `decode_fields` instead.
    pub(crate) fn projected(&self, fields: &[&str]) -> Option<Arc<Vec<Value>>> {
        if self.records.len() > PROJECTED_MAX_RECORDS {
            return None;
        }
        let key = fields.join("\u{0}");
        let cache = || {
            self.projections
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        if let Some(hit) = cache().get(&key) {
            return Some(hit.clone());
        }
        // Built outside the lock: two first queries may both build; either result is right.
        let built: Arc<Vec<Value>> = Arc::new(
            self.iter_raw()
                .map(|bytes| decode_fields(bytes, fields))
                .collect(),
        );
        let mut map = cache();
        if map.len() >= PROJECTED_MAX_SETS {
            map.clear();
        }
        map.insert(key, built.clone());
        Some(built)
    }

    /// The records are about to change: projections no longer hold.
    fn changing(&mut self) -> &mut IndexMap<String, Box<[u8]>> {
        self.projections
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        &mut self.records
    }

    fn put(&mut self, id: String, record: &Map<String, Value>) {
        self.changing().insert(id, encode(record));
    }
}

fn encode(record: &Map<String, Value>) -> Box<[u8]> {
    // Serialising a map with string keys cannot fail.
    serde_json::to_vec(record)
        .unwrap_or_else(|_| b"{}".to_vec())
        .into_boxed_slice()
}

pub(crate) fn decode(bytes: &[u8]) -> Value {
    // Only this module writes the bytes, always from a valid JSON object.
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

/// The stored object with only the top-level `fields` parsed; every other value is
/// skipped without being built. Filtering and sorting read a few fields of every record of a
/// collection, so this is what a filtered list pays per record, not a full parse.
pub(crate) fn decode_fields(bytes: &[u8], fields: &[&str]) -> Value {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde::de::DeserializeSeed::deserialize(Only(fields), &mut deserializer)
        .map_or(Value::Null, Value::Object)
}

/// A seed that keeps the named fields of an object.
struct Only<'f>(&'f [&'f str]);

impl<'de> serde::de::DeserializeSeed<'de> for Only<'_> {
    type Value = serde_json::Map<String, Value>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Only<'_> {
    type Value = serde_json::Map<String, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kept = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(Wanted(self.0))? {
            match key {
                Some(key) => {
                    let value: Value = map.next_value()?;
                    kept.insert(key, value);
                }
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(kept)
    }
}

/// A key seed: the key, owned, when it is one of the wanted fields; `None` (and no allocation)
/// otherwise.
struct Wanted<'f>(&'f [&'f str]);

impl<'de> serde::de::DeserializeSeed<'de> for Wanted<'_> {
    type Value = Option<String>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for Wanted<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.contains(&key).then(|| key.to_owned()))
    }
}

/// What ids of `collection` start with: the registry's prefix ("projects/service" →
/// "service"), else the resource part of an unknown "module/resource".
fn id_prefix(collection: &str) -> &str {
    simplicate_api::registry::find_path(collection).map_or_else(
        || collection.rsplit('/').next().unwrap_or(collection),
        |r| r.id_prefix,
    )
}

/// The legacy timestamps older record types carry beside `created_at`/`updated_at` (the real
/// fixtures show them), each with the field it mirrors: `created` (= `created_at`), `modified`
/// and contracts' `last_updated` (= `updated_at`). Only those the model table gives
/// `collection`'s record type.
fn legacy_timestamps(collection: &str) -> Vec<(&'static str, &'static str)> {
    const LEGACY: [(&str, &str); 3] = [
        ("created", "created_at"),
        ("modified", "updated_at"),
        ("last_updated", "updated_at"),
    ];
    let Some(record) = simplicate_api::model::model().record(collection) else {
        return Vec::new();
    };
    LEGACY
        .into_iter()
        .filter(|(legacy, _)| record.field(legacy).is_some())
        .collect()
}

/// A POST body as stored: without the client's `id`, with the server's timestamps, the legacy
/// ones included (those the body lacks are added by `Inner::insert`).
fn server_owned(collection: &str, body: Map<String, Value>) -> Map<String, Value> {
    // Filtered rather than `remove`d: with preserve_order, `remove` swaps the last field
    // into the vacated slot and scrambles the client's field order.
    let mut body: Map<String, Value> = body.into_iter().filter(|(k, _)| k != "id").collect();
    let now = Value::String(ids::now_timestamp());
    body.insert("created_at".to_owned(), now.clone());
    body.insert("updated_at".to_owned(), now.clone());
    for (legacy, _) in legacy_timestamps(collection) {
        if body.contains_key(legacy) {
            body.insert(legacy.to_owned(), now.clone());
        }
    }
    body
}

/// `record[key] = value`, except where both are objects and `value` has no `id`: then `value`'s
/// keys are merged into the stored object, recursively. Why (the README's "Where the
/// documentation is silent"): a MySQL/PHP API keeps an address or a debtor as columns or a row
/// of its own and sets the columns it was sent, so `{"visiting_address": {"locality": "X"}}`
/// changes the locality and keeps the street. An object with an `id` names another record
/// (`relation_type`, `industry`): it is replaced whole, or the old record's label would stay
/// beside the new id. Lists are replaced whole: their elements have no key to merge by.
fn merge(record: &mut Map<String, Value>, key: String, value: Value) {
    match (record.get_mut(&key), value) {
        (Some(Value::Object(stored)), Value::Object(patch)) if !patch.contains_key("id") => {
            for (inner, value) in patch {
                merge(stored, inner, value);
            }
        }
        (_, value) => {
            record.insert(key, value);
        }
    }
}

fn record_id_of_map(record: &Map<String, Value>) -> Option<&str> {
    record
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
}

impl Inner {
    /// The seeded state: every seeded collection still to be generated.
    fn seeded(seed: u64, generator: &Generator) -> Self {
        Inner {
            collections: HashMap::new(),
            pending: generator.collections().into_iter().collect(),
            ids: SplitMix64::new(seed ^ ID_STREAM),
        }
    }

    /// Puts `record` into `collection`, minting an id and timestamps where they are missing.
    fn insert(&mut self, collection: &str, mut record: Map<String, Value>) -> String {
        let id = if let Some(id) = record_id_of_map(&record) {
            id.to_owned()
        } else {
            let coll = self.collections.get(collection);
            let mut id = ids::new_record_id(id_prefix(collection), &mut self.ids);
            // 128 random bits never collide in practice; the loop makes it a guarantee.
            while coll.is_some_and(|c| c.records.contains_key(&id)) {
                id = ids::new_record_id(id_prefix(collection), &mut self.ids);
            }
            // Rebuilt so `id` leads the record, as in Simplicate's responses.
            let mut with_id = Map::with_capacity(record.len() + 3);
            with_id.insert("id".to_owned(), Value::String(id.clone()));
            with_id.extend(record.into_iter().filter(|(k, _)| k != "id"));
            record = with_id;
            id
        };
        if !record.contains_key("created_at") || !record.contains_key("updated_at") {
            let now = Value::String(ids::now_timestamp());
            record.entry("created_at").or_insert_with(|| now.clone());
            record.entry("updated_at").or_insert(now);
        }
        for (legacy, source) in legacy_timestamps(collection) {
            if !record.contains_key(legacy) {
                let value = record.get(source).cloned().unwrap_or(Value::Null);
                record.insert(legacy.to_owned(), value);
            }
        }
        self.collections
            .entry(collection.to_owned())
            .or_default()
            .put(id.clone(), &record);
        id
    }
}

/// Generates and encodes `count` records, split over the machine's cores: a million-record
/// collection is seeded in seconds rather than tens of seconds.
fn generate(generator: &Generator, name: &str, count: usize) -> Collection {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(count.div_ceil(10_000).max(1));
    let chunk = count.div_ceil(workers.max(1)).max(1);
    let encode_range = |start: usize, end: usize| -> Vec<(String, Box<[u8]>)> {
        (start..end)
            .map(|index| {
                let record = generator.record(name, index);
                let id = record
                    .get("id")
                    .and_then(Value::as_str)
                    .map_or_else(|| generator.id(name, index), str::to_owned);
                let bytes = serde_json::to_vec(&record)
                    .unwrap_or_else(|_| b"{}".to_vec())
                    .into_boxed_slice();
                (id, bytes)
            })
            .collect()
    };
    let parts: Vec<Vec<(String, Box<[u8]>)>> = if workers <= 1 {
        vec![encode_range(0, count)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    let (start, end) = ((w * chunk).min(count), ((w + 1) * chunk).min(count));
                    scope.spawn(move || encode_range(start, end))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    let mut records = IndexMap::with_capacity(count);
    for (id, bytes) in parts.into_iter().flatten() {
        records.insert(id, bytes);
    }
    Collection {
        records,
        projections: Mutex::default(),
    }
}

impl Store {
    /// A store with the seed data of `seed`, at the default sizes.
    pub fn new(seed: u64) -> Store {
        // The default sizes are always valid.
        Store::with_sizes(seed, BTreeMap::new(), true)
            .unwrap_or_else(|e| unreachable!("default sizes refused: {e}"))
    }

    /// A store seeded with `sizes` records per collection (`"hours/hours"` → 1_000_000); the
    /// others keep their default sizes. `quirks`: the seed data has the real API's quirks.
    /// Err names a collection the generator does not know. Nothing is generated yet: each
    /// collection is, on its first use.
    pub fn with_sizes(
        seed: u64,
        sizes: BTreeMap<String, usize>,
        quirks: bool,
    ) -> Result<Store, String> {
        let generator = Generator::new(seed, &sizes, quirks)?;
        Ok(Store {
            seed,
            inner: RwLock::new(Inner::seeded(seed, &generator)),
            generator,
            quirks,
            files: Files::new(seed),
        })
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Whether the real API's quirks are served.
    pub fn quirks(&self) -> bool {
        self.quirks
    }

    /// Uploads in progress, completed uploads and the bytes behind documents.
    pub(crate) fn files(&self) -> &Files {
        &self.files
    }

    // A panic while holding the lock cannot leave a half-written record behind (every write is
    // a single map operation), so poisoning is ignored rather than spread to every later request.
    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The read side, with `collection` generated if it is a seeded one not generated yet.
    fn ready(&self, collection: &str) -> RwLockReadGuard<'_, Inner> {
        loop {
            let inner = self.read();
            if !inner.pending.contains_key(collection) {
                return inner;
            }
            drop(inner);
            // A reset between this and the next read makes it pending again: then once more.
            drop(self.write_ready(collection));
        }
    }

    /// The write side, with `collection` generated if it is a seeded one not generated yet.
    fn write_ready(&self, collection: &str) -> RwLockWriteGuard<'_, Inner> {
        let mut inner = self.write();
        // Checked under the write lock: whoever got here first has generated it.
        if let Some((name, count)) = inner.pending.remove_entry(collection) {
            let records = generate(&self.generator, name, count);
            inner.collections.insert(name.to_owned(), records);
        }
        inner
    }

    /// Adds a record as the host process sees fit: a non-empty string `id` is kept (and replaces
    /// an existing record with that id), otherwise one is minted as `<resource>:<32 hex>`;
    /// `created_at`/`updated_at` are set to now only where missing, so tests can plant old data.
    pub fn insert(&self, collection: &str, record: Map<String, Value>) -> String {
        self.write_ready(collection).insert(collection, record)
    }

    /// All records of `collection`, in insertion order (empty for an unknown collection).
    pub fn list(&self, collection: &str) -> Vec<Value> {
        self.ready(collection)
            .collections
            .get(collection)
            .map(|c| c.iter_raw().map(decode).collect())
            .unwrap_or_default()
    }

    pub fn get(&self, collection: &str, id: &str) -> Option<Value> {
        self.ready(collection)
            .collections
            .get(collection)?
            .raw(id)
            .map(decode)
    }

    /// Number of records in `collection`.
    pub fn count(&self, collection: &str) -> usize {
        self.ready(collection)
            .collections
            .get(collection)
            .map_or(0, Collection::len)
    }

    /// Back to the seeded state, including the stream of minted ids: nothing generated yet.
    pub fn reset(&self) {
        let fresh = Inner::seeded(self.seed, &self.generator);
        // The old records are dropped after the lock is released.
        let old = std::mem::replace(&mut *self.write(), fresh);
        drop(old);
        self.files.reset();
    }

    /// Runs `f` over `collection` (empty if unknown) under the read lock, so a page can be
    /// written from borrowed bytes.
    pub(crate) fn with_collection<R>(
        &self,
        collection: &str,
        f: impl FnOnce(&Collection) -> R,
    ) -> R {
        let inner = self.ready(collection);
        match inner.collections.get(collection) {
            Some(c) => f(c),
            None => f(&Collection::default()),
        }
    }

    /// The JSON bytes of one record (copied out, so no lock is held while answering).
    pub(crate) fn get_raw(&self, collection: &str, id: &str) -> Option<Vec<u8>> {
        self.ready(collection)
            .collections
            .get(collection)?
            .raw(id)
            .map(<[u8]>::to_vec)
    }

    /// POST semantics: the server owns `id`, `created_at` and `updated_at`.
    pub(crate) fn create(&self, collection: &str, body: Map<String, Value>) -> String {
        self.write_ready(collection)
            .insert(collection, server_owned(collection, body))
    }

    /// `create`, with `finish` setting the fields that depend on the new id (links that name
    /// it), under the same write lock: nobody sees the record without them.
    pub(crate) fn create_then(
        &self,
        collection: &str,
        body: Map<String, Value>,
        finish: impl FnOnce(&str, &mut Map<String, Value>),
    ) -> String {
        let mut inner = self.write_ready(collection);
        let id = inner.insert(collection, server_owned(collection, body));
        if let Some(bytes) = inner
            .collections
            .get_mut(collection)
            .and_then(|c| c.changing().get_mut(&id))
        {
            if let Value::Object(mut record) = decode(bytes) {
                finish(&id, &mut record);
                *bytes = encode(&record);
            }
        }
        id
    }

    /// PUT semantics: the patch's keys replace stored ones, except that a nested object is
    /// merged into the stored object key by key (`merge`); `id`, `created_at` and `created`
    /// stay, and `updated_at` (with `modified` where the record type has it) becomes now.
    /// `false` when there is no such record.
    pub(crate) fn update(&self, collection: &str, id: &str, patch: Map<String, Value>) -> bool {
        let now = ids::now_timestamp();
        let legacy = legacy_timestamps(collection);
        let mut inner = self.write_ready(collection);
        let Some(coll) = inner.collections.get_mut(collection) else {
            return false;
        };
        let Some(bytes) = coll.changing().get_mut(id) else {
            return false;
        };
        let Value::Object(mut record) = decode(bytes) else {
            return false;
        };
        for (key, value) in patch {
            let server_owned = matches!(key.as_str(), "id" | "created_at" | "updated_at")
                || legacy.iter().any(|(l, _)| *l == key);
            if !server_owned {
                merge(&mut record, key, value);
            }
        }
        for (legacy, source) in legacy {
            if source == "updated_at" {
                record.insert(legacy.to_owned(), Value::String(now.clone()));
            }
        }
        record.insert("updated_at".to_owned(), Value::String(now));
        *bytes = encode(&record);
        true
    }

    /// `false` when there is no such record. Keeps the order of the others (O(n), like the
    /// real thing's deletes: rare next to reads).
    pub(crate) fn remove(&self, collection: &str, id: &str) -> bool {
        self.write_ready(collection)
            .collections
            .get_mut(collection)
            .is_some_and(|c| c.changing().shift_remove(id).is_some())
    }
}

#[cfg(test)]
mod tests;
