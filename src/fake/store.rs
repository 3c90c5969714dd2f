//! The fake's memory: records per collection, shared by the HTTP handlers and the host process.
//!
//! Records stay `serde_json::Value`s (the fake must hold whatever a client sends, not only the
//! fields we model) in insertion order, with an id → position index so lookups are O(1) and a
//! page can be serialised straight from a borrowed slice, without copying the collection.
//! One `RwLock` over everything keeps it simple; list pages only take the read side.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::{Map, Value};

use super::ids::{self, SplitMix64};
use super::seed;

/// Mixed into the seed for the stream that mints ids of created records, so that stream never
/// overlaps the seed-data streams.
const ID_STREAM: u64 = 0x1d5_57a3_a11c_e5ed;

/// Thread-safe record store of a fake server.
#[derive(Debug)]
pub struct Store {
    seed: u64,
    inner: RwLock<Inner>,
}

#[derive(Debug)]
struct Inner {
    collections: HashMap<String, Collection>,
    ids: SplitMix64,
}

#[derive(Debug, Default)]
struct Collection {
    records: Vec<Value>,
    index: HashMap<String, usize>,
}

impl Collection {
    /// Adds `record` (which carries a string `id`), or replaces the record with that id in place.
    fn upsert(&mut self, id: String, record: Map<String, Value>) {
        let record = Value::Object(record);
        match self.index.get(&id) {
            Some(&pos) => self.records[pos] = record,
            None => {
                self.index.insert(id, self.records.len());
                self.records.push(record);
            }
        }
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut Map<String, Value>> {
        let pos = *self.index.get(id)?;
        self.records.get_mut(pos)?.as_object_mut()
    }

    fn get(&self, id: &str) -> Option<&Value> {
        self.records.get(*self.index.get(id)?)
    }

    /// O(n) in the records after the removed one: deletes are rare next to reads, and keeping
    /// the Vec dense keeps offset paging a plain slice.
    fn remove(&mut self, id: &str) -> bool {
        let Some(pos) = self.index.remove(id) else {
            return false;
        };
        self.records.remove(pos);
        for record in &self.records[pos..] {
            if let Some(other) = record_id(record) {
                if let Some(p) = self.index.get_mut(other) {
                    *p -= 1;
                }
            }
        }
        true
    }
}

fn record_id(record: &Value) -> Option<&str> {
    record.get("id")?.as_str()
}

/// The resource part of "module/resource": Simplicate prefixes ids with it.
fn resource_of(collection: &str) -> &str {
    collection.rsplit('/').next().unwrap_or(collection)
}

impl Inner {
    fn seeded(seed: u64) -> Self {
        let mut collections = HashMap::new();
        for (name, records) in seed::generate(seed) {
            let mut coll = Collection::default();
            for record in records {
                let id = record_id_of_map(&record).unwrap_or_default().to_owned();
                coll.upsert(id, record);
            }
            collections.insert(name.to_owned(), coll);
        }
        Inner {
            collections,
            ids: SplitMix64::new(seed ^ ID_STREAM),
        }
    }

    /// Puts `record` into `collection`, minting an id and timestamps where they are missing.
    fn insert(&mut self, collection: &str, mut record: Map<String, Value>) -> String {
        let id = match record_id_of_map(&record) {
            Some(id) => id.to_owned(),
            None => {
                let coll = self.collections.get(collection);
                let mut id = ids::new_record_id(resource_of(collection), &mut self.ids);
                // 128 random bits never collide in practice; the loop makes it a guarantee.
                while coll.is_some_and(|c| c.index.contains_key(&id)) {
                    id = ids::new_record_id(resource_of(collection), &mut self.ids);
                }
                // Rebuilt so `id` leads the record, as in Simplicate's responses.
                let mut with_id = Map::with_capacity(record.len() + 3);
                with_id.insert("id".to_owned(), Value::String(id.clone()));
                with_id.extend(record.into_iter().filter(|(k, _)| k != "id"));
                record = with_id;
                id
            }
        };
        if !record.contains_key("created_at") || !record.contains_key("updated_at") {
            let now = Value::String(ids::now_timestamp());
            record.entry("created_at").or_insert_with(|| now.clone());
            record.entry("updated_at").or_insert(now);
        }
        self.collections
            .entry(collection.to_owned())
            .or_default()
            .upsert(id.clone(), record);
        id
    }
}

fn record_id_of_map(record: &Map<String, Value>) -> Option<&str> {
    record
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
}

impl Store {
    /// A store filled with the seed data of `seed`.
    pub fn new(seed: u64) -> Store {
        Store {
            seed,
            inner: RwLock::new(Inner::seeded(seed)),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    // A panic while holding the lock cannot leave a half-written record behind (every write is
    // a single Vec/HashMap operation), so poisoning is ignored rather than spread to every
    // later request.
    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a record as the host process sees fit: a non-empty string `id` is kept (and replaces
    /// an existing record with that id), otherwise one is minted as `<resource>:<32 hex>`;
    /// `created_at`/`updated_at` are set to now only where missing, so tests can plant old data.
    pub fn insert(&self, collection: &str, record: Map<String, Value>) -> String {
        self.write().insert(collection, record)
    }

    /// All records of `collection`, in insertion order (empty for an unknown collection).
    pub fn list(&self, collection: &str) -> Vec<Value> {
        self.read()
            .collections
            .get(collection)
            .map(|c| c.records.clone())
            .unwrap_or_default()
    }

    pub fn get(&self, collection: &str, id: &str) -> Option<Value> {
        self.read().collections.get(collection)?.get(id).cloned()
    }

    /// Number of records in `collection`.
    pub fn count(&self, collection: &str) -> usize {
        self.read()
            .collections
            .get(collection)
            .map_or(0, |c| c.records.len())
    }

    /// Back to the seeded state, including the stream of minted ids.
    pub fn reset(&self) {
        let fresh = Inner::seeded(self.seed);
        *self.write() = fresh;
    }

    /// Runs `f` over the records of `collection` under the read lock, so a page can be
    /// serialised from a borrowed slice.
    pub(crate) fn with_records<R>(&self, collection: &str, f: impl FnOnce(&[Value]) -> R) -> R {
        let inner = self.read();
        let records = inner
            .collections
            .get(collection)
            .map_or(&[][..], |c| c.records.as_slice());
        f(records)
    }

    pub(crate) fn with_record<R>(
        &self,
        collection: &str,
        id: &str,
        f: impl FnOnce(&Value) -> R,
    ) -> Option<R> {
        let inner = self.read();
        inner.collections.get(collection)?.get(id).map(f)
    }

    /// POST semantics: the server owns `id`, `created_at` and `updated_at`.
    pub(crate) fn create(&self, collection: &str, body: Map<String, Value>) -> String {
        // Filtered rather than `remove`d: with preserve_order, `remove` swaps the last field
        // into the vacated slot and scrambles the client's field order.
        let mut body: Map<String, Value> = body.into_iter().filter(|(k, _)| k != "id").collect();
        let now = Value::String(ids::now_timestamp());
        body.insert("created_at".to_owned(), now.clone());
        body.insert("updated_at".to_owned(), now);
        self.write().insert(collection, body)
    }

    /// PUT semantics: top-level keys replace stored ones; `id` and `created_at` stay, and
    /// `updated_at` becomes now. `false` when there is no such record.
    pub(crate) fn update(&self, collection: &str, id: &str, patch: Map<String, Value>) -> bool {
        let now = ids::now_timestamp();
        let mut inner = self.write();
        let Some(record) = inner
            .collections
            .get_mut(collection)
            .and_then(|c| c.get_mut(id))
        else {
            return false;
        };
        for (key, value) in patch {
            if !matches!(key.as_str(), "id" | "created_at" | "updated_at") {
                record.insert(key, value);
            }
        }
        record.insert("updated_at".to_owned(), Value::String(now));
        true
    }

    /// `false` when there is no such record.
    pub(crate) fn remove(&self, collection: &str, id: &str) -> bool {
        self.write()
            .collections
            .get_mut(collection)
            .is_some_and(|c| c.remove(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn remove_keeps_index_consistent() {
        let store = Store::new(0);
        let ids: Vec<String> = (0..5)
            .map(|i| store.insert("a/b", obj(json!({"n": i}))))
            .collect();
        assert!(store.remove("a/b", &ids[1]));
        assert!(!store.remove("a/b", &ids[1]));
        for (i, id) in ids.iter().enumerate().filter(|(i, _)| *i != 1) {
            assert_eq!(store.get("a/b", id).unwrap()["n"], json!(i));
        }
        assert_eq!(store.count("a/b"), 4);
    }

    #[test]
    fn insert_with_known_id_replaces_in_place() {
        let store = Store::new(0);
        store.insert("a/b", obj(json!({"id": "b:1", "v": 1})));
        store.insert("a/b", obj(json!({"id": "b:2", "v": 2})));
        store.insert("a/b", obj(json!({"id": "b:1", "v": 3})));
        let all = store.list("a/b");
        assert_eq!(all.len(), 2);
        assert_eq!(all[0]["v"], json!(3));
    }

    #[test]
    fn minted_id_leads_the_record() {
        let store = Store::new(0);
        let id = store.insert("crm/thing", obj(json!({"name": "x"})));
        assert!(id.starts_with("thing:"));
        let rec = store.get("crm/thing", &id).unwrap();
        let keys: Vec<&String> = rec.as_object().unwrap().keys().collect();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("id"));
    }
}
