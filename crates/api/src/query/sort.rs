//! `sort=name,-updated_at`. Why keys are extracted first: each record's sort values are looked up
//! and classified once (path walk, number and date parsing), not once per comparison; and the
//! values come from `matching::SortValue`, a total order, so the standard stable sort can never
//! see an inconsistent comparator.

use std::cmp::Ordering;

use serde_json::Value;

pub(super) use super::matching::SortValue;
use super::model::SortKey;
use super::path;

#[derive(Debug, Clone)]
pub(super) struct CompiledSortKey {
    path: Vec<String>,
    descending: bool,
}

impl CompiledSortKey {
    /// The record's top-level field this key reads.
    pub(super) fn top_field(&self) -> Option<&str> {
        self.path.first().map(String::as_str)
    }
}

pub(super) fn compile(keys: &[SortKey]) -> Vec<CompiledSortKey> {
    keys.iter()
        .map(|k| CompiledSortKey {
            path: path::split(&k.field),
            descending: k.descending,
        })
        .collect()
}

/// Stable sort in place; with no keys the order is left alone.
pub(super) fn sort_records(keys: &[CompiledSortKey], records: &mut [&Value]) {
    if keys.is_empty() || records.len() < 2 {
        return;
    }
    let mut keyed: Vec<(Vec<SortValue>, &Value)> = records
        .iter()
        .map(|record| (keys.iter().map(|k| k.value_of(record)).collect(), *record))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| compare(keys, a, b));
    for (slot, (_, record)) in records.iter_mut().zip(keyed) {
        *slot = record;
    }
}

/// The sort values of one record, for callers that keep keys instead of records.
pub(super) fn keys_of(keys: &[CompiledSortKey], record: &Value) -> Vec<SortValue> {
    keys.iter().map(|k| k.value_of(record)).collect()
}

pub(super) fn compare_keys(keys: &[CompiledSortKey], a: &[SortValue], b: &[SortValue]) -> Ordering {
    compare(keys, a, b)
}

fn compare(keys: &[CompiledSortKey], a: &[SortValue], b: &[SortValue]) -> Ordering {
    for ((key, a), b) in keys.iter().zip(a).zip(b) {
        let ordering = if key.descending { b.cmp(a) } else { a.cmp(b) };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

impl CompiledSortKey {
    /// The first value the path reaches that has something to order by; null when none does.
    fn value_of(&self, record: &Value) -> SortValue {
        let mut leaves = Vec::new();
        path::resolve(record, &self.path, &mut leaves);
        leaves
            .into_iter()
            .map(|leaf| SortValue::of(Some(leaf)))
            .find(|v| !matches!(v, SortValue::Null))
            .unwrap_or(SortValue::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sorted(sort: &[SortKey], records: &[Value]) -> Vec<i64> {
        let keys = compile(sort);
        let mut refs: Vec<&Value> = records.iter().collect();
        sort_records(&keys, &mut refs);
        refs.iter().filter_map(|r| r["id"].as_i64()).collect()
    }

    #[test]
    fn ascending_descending_and_nulls() {
        let rs = [
            json!({"id": 1, "name": "bob"}),
            json!({"id": 2, "name": null}),
            json!({"id": 3, "name": "Alice"}),
            json!({"id": 4}),
            json!({"id": 5, "name": "carol"}),
            json!({"id": 6, "name": ""}),
        ];
        assert_eq!(sorted(&[SortKey::asc("name")], &rs), [2, 4, 6, 3, 1, 5]);
        assert_eq!(sorted(&[SortKey::desc("name")], &rs), [5, 1, 3, 6, 2, 4]);
    }

    #[test]
    fn numbers_as_strings_sort_numerically() {
        let rs = [
            json!({"id": 1, "budget": "10"}),
            json!({"id": 2, "budget": "9.5"}),
            json!({"id": 3, "budget": 100}),
            json!({"id": 4, "budget": "-1"}),
        ];
        assert_eq!(sorted(&[SortKey::asc("budget")], &rs), [4, 2, 1, 3]);
        assert_eq!(sorted(&[SortKey::desc("budget")], &rs), [3, 1, 2, 4]);
    }

    #[test]
    fn dates_with_and_without_time() {
        let rs = [
            json!({"id": 1, "d": "2025-01-04 10:00:00"}),
            json!({"id": 2, "d": "2025-01-04"}),
            json!({"id": 3, "d": "2024-12-31 23:59:59"}),
        ];
        assert_eq!(sorted(&[SortKey::asc("d")], &rs), [3, 2, 1]);
    }

    #[test]
    fn stable_and_multi_key() {
        let rs = [
            json!({"id": 1, "a": "x", "b": 2}),
            json!({"id": 2, "a": "y", "b": 1}),
            json!({"id": 3, "a": "X", "b": 1}),
            json!({"id": 4, "a": "x", "b": 2}),
            json!({"id": 5, "a": "y", "b": 1}),
        ];
        assert_eq!(sorted(&[SortKey::asc("a")], &rs), [1, 3, 4, 2, 5]);
        assert_eq!(
            sorted(&[SortKey::asc("a"), SortKey::asc("b")], &rs),
            [3, 1, 4, 2, 5]
        );
        assert_eq!(
            sorted(&[SortKey::desc("b"), SortKey::desc("a")], &rs),
            [1, 4, 2, 5, 3]
        );
        assert_eq!(sorted(&[], &rs), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn dotted_paths_and_arrays() {
        let rs = [
            json!({"id": 1, "organization": {"name": "Zeta"}}),
            json!({"id": 2, "organization": {"name": "alpha"}}),
            json!({"id": 3, "teams": [{"name": null}, {"name": "b"}]}),
            json!({"id": 4, "teams": [{"name": "a"}, {"name": "z"}]}),
        ];
        assert_eq!(
            sorted(&[SortKey::asc("organization.name")], &rs),
            [3, 4, 2, 1]
        );
        assert_eq!(sorted(&[SortKey::asc("teams.name")], &rs), [1, 2, 4, 3]);
    }

    #[test]
    fn mixed_kinds_do_not_panic() {
        let rs: Vec<Value> = (0..200)
            .map(|i| match i % 7 {
                0 => json!({"id": i, "v": format!("{i}")}),
                1 => json!({"id": i, "v": format!("{i}a")}),
                2 => json!({"id": i, "v": f64::from(i) / 3.0}),
                3 => json!({"id": i, "v": null}),
                4 => json!({"id": i, "v": format!("2025-01-{:02}", i % 28 + 1)}),
                5 => json!({"id": i, "v": {"x": i}}),
                _ => json!({"id": i, "v": i % 2 == 0}),
            })
            .collect();
        assert_eq!(sorted(&[SortKey::asc("v")], &rs).len(), 200);
        assert_eq!(sorted(&[SortKey::desc("v")], &rs).len(), 200);
    }
}
