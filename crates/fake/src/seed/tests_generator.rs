//! The seed generator as a whole: its tables line up with the registry, sizes default and
//! override (bad ones refused), the data is a function of the seed, records have sensible
//! sizes. Also the helpers the first pass's tests share (`tests_refs.rs`, `tests_formats.rs`).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::{Generator, Ids, C, COUNT, TABLES};
use simplicate_api::registry;

pub(super) fn gen(seed: u64, sizes: &[(&str, usize)]) -> Generator {
    Generator::for_tests(seed, sizes, true)
}

/// Clean data: every field as the record model table types it.
pub(super) fn clean(seed: u64, sizes: &[(&str, usize)]) -> Generator {
    Generator::for_tests(seed, sizes, false)
}

/// Small but not tiny: every reference kind occurs, sizes are coprime-ish so the index
/// arithmetic wraps in interesting ways.
pub(super) const SMALL: &[(&str, usize)] = &[
    ("crm/organization", 13),
    ("crm/person", 17),
    ("crm/contactperson", 11),
    ("hrm/employee", 5),
    ("projects/project", 7),
    ("projects/service", 12),
    ("hours/hours", 60),
    ("invoices/invoice", 9),
    ("sales/sales", 8),
    ("documents/document", 10),
];

/// The default sizes with a tenth of the hours, for tests that build every record: nothing
/// refers to an hours record, and every one is built alike, so 4,000 of them show what 40,000
/// would, in a tenth of the time.
pub(super) const DEFAULTS: &[(&str, usize)] = &[("hours/hours", 4000)];

/// Every record of every collection.
pub(super) fn all(g: &Generator) -> Vec<(&'static str, Vec<Value>)> {
    g.collections()
        .into_iter()
        .map(|(c, n)| (c, (0..n).map(|i| g.record(c, i)).collect()))
        .collect()
}

#[test]
fn tables_line_up_with_the_enum_and_the_registry() {
    assert_eq!(TABLES.len(), COUNT);
    for (i, t) in TABLES.iter().enumerate() {
        assert_eq!(t.c as usize, i, "{}", t.collection);
        let r = registry::find_path(t.collection)
            .unwrap_or_else(|| panic!("{} not in registry", t.collection));
        assert_eq!(r.id_prefix, t.id_prefix, "{}", t.collection);
        assert!(
            r.collection.contains(registry::Method::Get),
            "{}",
            t.collection
        );
    }
    // Lookups are told apart by `lookup` (blocks of collections are appended, each block's
    // lookups first), and only lookups have seed-independent ids.
    for t in TABLES {
        assert_eq!(t.lookup, matches!(t.ids, Ids::Lookup), "{}", t.collection);
        if let Some(by) = t.sized_by {
            assert!(!t.lookup, "{}", t.collection);
            assert!(
                TABLES
                    .iter()
                    .any(|s| s.collection == by && s.sized_by.is_none()),
                "{} sized by {by}",
                t.collection
            );
        }
    }
    let first_main = TABLES.iter().position(|t| !t.lookup).unwrap();
    let hrm = C::ContractType as usize;
    assert!(TABLES[first_main..hrm].iter().all(|t| !t.lookup));
}

#[test]
fn defaults_and_overrides() {
    let g = gen(0, &[]);
    let sizes: HashMap<&str, usize> = g.collections().into_iter().collect();
    // A mid-size Dutch agency: 40 employees, three years of hours.
    let expected = [
        ("crm/organization", 500),
        ("crm/person", 800),
        ("crm/contactperson", 400),
        ("hrm/employee", 40),
        ("projects/project", 300),
        ("projects/service", 750),
        ("hours/hours", 40_000),
        ("invoices/invoice", 1500),
        ("invoices/document", 1500),
        ("sales/sales", 300),
        ("documents/document", 200),
        ("hrm/leave", 750),
        ("hrm/absence", 300),
        ("hrm/document", 120),
        ("crm/gender", 3),
        ("hrm/contracttype", 4),
    ];
    for (c, n) in expected {
        assert_eq!(sizes[c], n, "{c}");
    }
    let g = gen(
        0,
        &[
            ("crm/organization", 500),
            ("hours/hours", 0),
            ("crm/gender", 2),
        ],
    );
    let sizes: HashMap<&str, usize> = g.collections().into_iter().collect();
    assert_eq!(
        (
            sizes["crm/organization"],
            sizes["hours/hours"],
            sizes["crm/gender"]
        ),
        (500, 0, 2)
    );
    assert_eq!(g.collections()[0].0, "crm/relationtype");
    // Derived from the employees: 1–2 contracts each, a timetable per contract, a balance per
    // year employed.
    let (employees, contracts) = (sizes["hrm/employee"], sizes["hrm/contract"]);
    assert!(
        (employees..=2 * employees).contains(&contracts),
        "{contracts}"
    );
    assert_eq!(sizes["hrm/timetable"], contracts);
    assert!((employees..=3 * employees).contains(&sizes["hrm/leavebalance"]));
    let more = gen(0, &[("hrm/employee", 60)]);
    let sizes: HashMap<&str, usize> = more.collections().into_iter().collect();
    assert!(sizes["hrm/contract"] > contracts);
}

#[test]
fn bad_sizes_are_refused_with_the_collection_named() {
    let err = |c: &str, n: usize| {
        Generator::new(0, &BTreeMap::from([(c.to_owned(), n)]), true).unwrap_err()
    };
    let e = err("crm/nonsense", 1);
    assert!(e.contains("crm/nonsense") && e.contains("unknown"), "{e}");
    let e = err("projects/projectemployee", 5);
    assert!(
        e.contains("projects/projectemployee") && e.contains("cannot be seeded"),
        "{e}"
    );
    let e = err("crm/gender", 4);
    assert!(e.contains("crm/gender") && e.contains('3'), "{e}");
    for derived in ["hrm/contract", "hrm/timetable", "hrm/leavebalance"] {
        let e = err(derived, 5);
        assert!(e.contains(derived) && e.contains("hrm/employee"), "{e}");
    }
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = all(&gen(7, SMALL));
    assert_eq!(a, all(&gen(7, SMALL)));
    let b = all(&gen(8, SMALL));
    for ((c, x), (_, y)) in a.iter().zip(&b) {
        if TABLES.iter().any(|t| t.collection == *c && !t.lookup) {
            assert_ne!(x, y, "{c} does not depend on the seed");
        }
    }
    // Order does not matter: a record made alone equals the one made in sequence.
    let g = gen(7, SMALL);
    assert_eq!(
        g.record("hours/hours", 42),
        a.iter().find(|(c, _)| *c == "hours/hours").unwrap().1[42]
    );
}

fn average_size(g: &Generator, collection: &str, n: usize) -> (usize, usize) {
    let sizes: Vec<usize> = (0..n)
        .map(|i| serde_json::to_vec(&g.record(collection, i)).unwrap().len())
        .collect();
    (
        sizes.iter().sum::<usize>() / n,
        sizes.into_iter().max().unwrap(),
    )
}

#[test]
fn record_sizes() {
    for seed in [0, 1, 2] {
        let g = gen(seed, &[]);
        let (org, _) = average_size(&g, "crm/organization", 250);
        assert!(
            (2000..=3000).contains(&org),
            "organization average {org} bytes"
        );
        let (hours, max) = average_size(&g, "hours/hours", 1000);
        assert!(hours <= 900, "hours average {hours} bytes");
        assert!(max <= 1000, "hours max {max} bytes");
    }
}

#[test]
fn unknown_collections_and_indices() {
    let g = gen(0, &[]);
    assert!(g.record("crm/nonsense", 0).is_null());
    assert_eq!(g.id("crm/nonsense", 0), "");
    assert!(g.record("crm/gender", 3).is_null());
    // Lookup ids do not depend on the seed; main ids do.
    assert_eq!(
        gen(1, &[]).id("crm/gender", 1),
        gen(2, &[]).id("crm/gender", 1)
    );
    assert_ne!(
        gen(1, &[]).id("crm/organization", 1),
        gen(2, &[]).id("crm/organization", 1)
    );
}
