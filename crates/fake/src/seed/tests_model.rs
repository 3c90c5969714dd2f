//! The seed data against the record model table: clean records exactly as the table types them,
//! quirky records with the real API's deviations, and those only where `quirks.rs` lists them.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::lookups as l;
use super::quirks::{self, Quirk, QUIRKS};
use super::Generator;
use simplicate_api::model::{model, Kind, Leniency};

/// Records checked per collection: all of the small ones, the first ones of the big (the
/// builders make every record alike, so these stand for the rest).
const PER_COLLECTION: usize = 1500;

fn generator(quirks: bool) -> Generator {
    Generator::for_tests(21, &[], quirks)
}

fn record_kind(collection: &str) -> Kind {
    model()
        .record_kind(collection)
        .unwrap_or_else(|| panic!("{collection} has no record type in the table"))
}

/// `invoice_lines[2].amount` → `invoice_lines.amount`.
fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut skipping = false;
    for c in path.chars() {
        match c {
            '[' => skipping = true,
            ']' => skipping = false,
            c if !skipping => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn records_follow_the_model_table() {
    for (quirks, leniency) in [(false, Leniency::Clean), (true, Leniency::Real)] {
        let g = generator(quirks);
        let mut checked = 0;
        for (collection, n) in g.collections() {
            let kind = record_kind(collection);
            for i in 0..n.min(PER_COLLECTION) {
                let record = g.record(collection, i);
                let problems = model().check(&kind, &record, leniency);
                assert!(
                    problems.is_empty(),
                    "{collection}[{i}] (quirks: {quirks}): {problems:#?}"
                );
                checked += 1;
            }
        }
        assert!(checked > 3000, "{checked}");
    }
}

#[test]
fn quirky_records_deviate_only_where_the_quirks_table_says() {
    let g = generator(true);
    for (collection, n) in g.collections() {
        let allowed: HashSet<String> = QUIRKS
            .iter()
            .filter(|row| row.collection == collection)
            .flat_map(quirks::field_paths)
            .map(|path| path.join("."))
            .collect();
        let kind = record_kind(collection);
        for i in 0..n.min(PER_COLLECTION) {
            for problem in model().check(&kind, &g.record(collection, i), Leniency::Clean) {
                let path = without_indices(&problem.path);
                assert!(
                    allowed.contains(&path),
                    "{collection}[{i}].{}: {} (no quirk listed there)",
                    problem.path,
                    problem.message
                );
            }
        }
    }
}

/// Every value at `path` below `v`, looking through lists at every step; `None` where a field
/// is missing.
fn values_at<'v>(v: &'v Value, path: &[&str], out: &mut Vec<Option<&'v Value>>) {
    match (v, path.split_first()) {
        (Value::Array(items), _) => items.iter().for_each(|x| values_at(x, path, out)),
        (_, None) => out.push(Some(v)),
        (Value::Object(m), Some((first, rest))) => match m.get(*first) {
            Some(x) => values_at(x, rest, out),
            None if rest.is_empty() => out.push(None),
            None => {}
        },
        _ => {}
    }
}

/// Whether a proper prefix of `path` is a field of kind `?` (or a list of them).
fn open_prefix(record: &simplicate_api::model::RecordType, path: &[&str]) -> bool {
    (1..path.len()).any(|n| {
        let mut kind = model().kind_at(record, &path[..n]);
        while let Some(Kind::List(inner)) = kind {
            kind = Some(inner);
        }
        kind == Some(&Kind::Any)
    })
}

fn fits(quirk: Quirk, kind: &Kind) -> bool {
    match quirk {
        Quirk::Decimals(_) => matches!(kind, Kind::Num | Kind::Int),
        Quirk::BoolText => *kind == Kind::Bool,
        Quirk::ZeroDate | Quirk::Epoch => *kind == Kind::Date,
        Quirk::ZeroDateTime => *kind == Kind::DateTime,
        Quirk::LabelKey(_) | Quirk::NoValueKey => *kind == Kind::Str,
    }
}

#[test]
fn every_quirk_names_a_typed_field_of_a_seeded_collection_and_hits_records() {
    let (clean, quirky) = (generator(false), generator(true));
    let sizes: BTreeMap<&str, usize> = clean.collections().into_iter().collect();
    // Each collection's records, clean and quirky, built once for all its rows.
    let mut built: BTreeMap<&str, Vec<(Value, Value)>> = BTreeMap::new();
    for row in QUIRKS {
        assert!(!row.source.is_empty(), "{} {}", row.collection, row.path);
        assert!((1..=100).contains(&row.share), "{}", row.path);
        let n = *sizes
            .get(row.collection)
            .unwrap_or_else(|| panic!("{} is not seeded", row.collection));
        let record = model().record(row.collection).unwrap();
        for path in quirks::field_paths(row) {
            // Inside a field the table leaves open (`?`, a filter's `values`), any shape goes:
            // the row then keeps a copy in step with what it copies.
            if open_prefix(record, &path) {
                continue;
            }
            let kind = model().kind_at(record, &path).unwrap_or_else(|| {
                panic!("{}: the table has no {}", row.collection, path.join("."))
            });
            assert!(
                fits(row.quirk, kind),
                "{} {}: {:?} on a field of kind {kind:?}",
                row.collection,
                path.join("."),
                row.quirk
            );
            if row.quirk == Quirk::NoValueKey {
                assert_eq!(path.last(), Some(&"value"));
            }
            // Each field is rewritten somewhere, in about `share` of the records it could be.
            let (mut could, mut did) = (0, 0);
            let records = built.entry(row.collection).or_insert_with(|| {
                (0..n.min(PER_COLLECTION))
                    .map(|i| {
                        (
                            clean.record(row.collection, i),
                            quirky.record(row.collection, i),
                        )
                    })
                    .collect()
            });
            for (i, (a, b)) in records.iter().enumerate() {
                let (mut before, mut after) = (Vec::new(), Vec::new());
                values_at(a, &path, &mut before);
                values_at(b, &path, &mut after);
                assert_eq!(before.len(), after.len(), "{}[{i}]", row.collection);
                for (x, y) in before.iter().zip(&after) {
                    let eligible = match row.quirk {
                        Quirk::Decimals(_) => x.is_some_and(Value::is_number),
                        Quirk::BoolText => x.is_some_and(Value::is_boolean),
                        Quirk::LabelKey(pairs) => x
                            .and_then(Value::as_str)
                            .is_some_and(|s| pairs.iter().any(|(clean, _)| *clean == s)),
                        _ => x.is_some_and(Value::is_null),
                    };
                    could += usize::from(eligible);
                    did += usize::from(x != y);
                    assert!(eligible || x == y, "{}[{i}]: {x:?} → {y:?}", row.collection);
                }
            }
            let what = format!("{} {}", row.collection, path.join("."));
            assert!(did > 0, "{what}: no record has it");
            let share = did * 100 / could;
            assert!(
                share.abs_diff(row.share as usize) <= 12,
                "{what}: {did} of {could}, not {}%",
                row.share
            );
        }
    }
}

#[test]
fn label_keys_cover_their_lookups() {
    let key_of = |pairs: &[(&str, &str)], label: &str| pairs.iter().any(|(c, _)| *c == label);
    for (name, ..) in l::COUNTRIES {
        assert!(key_of(quirks::COUNTRY_KEYS, name), "{name}");
    }
    for label in l::SALES_STATUSES {
        assert!(key_of(quirks::SALES_STATUS_KEYS, label), "{label}");
    }
    for (label, _) in l::PROJECT_STATUSES {
        assert!(key_of(quirks::PROJECT_STATUS_KEYS, label), "{label}");
    }
    let own = l::RELATION_TYPES[l::OWN_COMPANY].0;
    assert_eq!(
        quirks::RELATION_TYPE_KEYS,
        [(own, "Relationtype_own_company")]
    );
}

#[test]
fn the_fixtures_quirks_are_reproduced() {
    let g = generator(true);
    let first = |collection: &str, test: &dyn Fn(&Value) -> bool| {
        let n = g
            .collections()
            .into_iter()
            .find(|(c, _)| *c == collection)
            .unwrap()
            .1;
        (0..n).map(|i| g.record(collection, i)).find(|r| test(r))
    };
    let own = first("crm/organization", &|r| {
        r["relation_type"]["label"] == "Relationtype_own_company"
    })
    .expect("an own company");
    assert_eq!(own["allow_autocollect"], "0");
    assert_eq!(
        own["visiting_address"]["country"],
        "Country_The Netherlands"
    );
    assert!(own["custom_fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f.get("value").is_none()));
    let sale = first("sales/sales", &|r| {
        r["status_updated_at"] == "0000-00-00 00:00:00"
    })
    .expect("a sale whose status never changed");
    assert_eq!(sale["status"]["label"], "OpportunityStatus_open");
    assert!(first("projects/project", &|r| r["project_status"]["label"]
        == "tab_pactive")
    .is_some());
    assert!(first("crm/person", &|r| r["date_of_birth"] == "0000-00-00").is_some());
    // Lookups as listed.
    let country = g.record("crm/country", 0);
    assert_eq!(country["name"], "Country_The Netherlands");
    assert_eq!(
        g.record("sales/salesstatus", 0)["label"],
        "OpportunityStatus_open"
    );
}
