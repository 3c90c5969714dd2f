//! Properties of the seed data as a whole: determinism, ids, references, formats, sizes.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::{Generator, Ids, C, COUNT, TABLES};
use simplicate_api::registry;

fn gen(seed: u64, sizes: &[(&str, usize)]) -> Generator {
    Generator::for_tests(seed, sizes, true)
}

/// Clean data: every field as the record model table types it.
fn clean(seed: u64, sizes: &[(&str, usize)]) -> Generator {
    Generator::for_tests(seed, sizes, false)
}

/// Small but not tiny: every reference kind occurs, sizes are coprime-ish so the index
/// arithmetic wraps in interesting ways.
const SMALL: &[(&str, usize)] = &[
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
const DEFAULTS: &[(&str, usize)] = &[("hours/hours", 4000)];

/// Every record of every collection.
fn all(g: &Generator) -> Vec<(&'static str, Vec<Value>)> {
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

#[test]
fn record_ids_are_cheap_ids_and_unique() {
    for g in [gen(3, SMALL), gen(4, DEFAULTS)] {
        for (c, records) in all(&g) {
            let mut seen = HashSet::new();
            for (i, r) in records.iter().enumerate() {
                let id = r["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{c}[{i}] has no id"));
                assert_eq!(id, g.id(c, i), "{c}[{i}]");
                assert!(seen.insert(id.to_owned()), "{c}: duplicate id {id}");
                let prefix = TABLES.iter().find(|t| t.collection == c).unwrap().id_prefix;
                let ok = match id.strip_prefix(prefix).and_then(|t| t.strip_prefix(':')) {
                    Some(hex) => {
                        (hex.len() == 16 || hex.len() == 32)
                            && hex
                                .bytes()
                                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                    }
                    // Project services created since 2024-11 carry UUID-v7 ids (listed again
                    // by costs/projectservices and hours/projectservices).
                    None => {
                        (c == "projects/service" || c.ends_with("/projectservices"))
                            && is_uuid_v7(id)
                    }
                };
                assert!(ok, "{c}[{i}]: {id}");
            }
        }
    }
    let g = gen(1, &[("hours/hours", 20_000)]);
    let ids: HashSet<String> = (0..20_000).map(|i| g.id("hours/hours", i)).collect();
    assert_eq!(ids.len(), 20_000);
}

fn is_uuid_v7(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && b[14] == b'7'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
        && s.bytes()
            .filter(|&c| c != b'-')
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

#[test]
fn some_project_services_have_uuid_ids() {
    let g = gen(0, &[]);
    let uuids = (0..200)
        .filter(|&i| is_uuid_v7(&g.id("projects/service", i)))
        .count();
    assert!((20..120).contains(&uuids), "{uuids}");
}

/// Ids of things that are not records of a collection (addresses, options, invoice lines) and
/// of hrm/employeestatus, which the spec lacks.
const NOT_COLLECTIONS: &[&str] = &[
    "address:",
    "customfieldoption:",
    "invoiceline:",
    "employeestatus:",
    // A debtor's invoice template: the API lists no templates (the fixture names one).
    "invoicetemplate:",
];

/// Walks `v`; every nested `{id, ...}` must be a record (and agree with it on shared scalar
/// fields), every `*_id` string must name a record.
fn check_refs(
    v: &Value,
    depth: usize,
    by_id: &HashMap<String, &Value>,
    path: &str,
    checked: &mut usize,
) {
    match v {
        Value::Object(m) => {
            if depth > 0 {
                if let Some(Value::String(id)) = m.get("id") {
                    if !NOT_COLLECTIONS.iter().any(|p| id.starts_with(p)) {
                        let target = by_id
                            .get(id)
                            .unwrap_or_else(|| panic!("{path}: nested id {id} is no record"));
                        *checked += 1;
                        for (k, x) in m {
                            let y = &target[k.as_str()];
                            if k != "id" && !y.is_null() && !x.is_object() && !x.is_array() {
                                assert_eq!(x, y, "{path}.{k}: copy of {id} disagrees");
                            }
                        }
                    }
                }
            }
            for (k, x) in m {
                if k.ends_with("_id") {
                    if let Value::String(id) = x {
                        if !NOT_COLLECTIONS.iter().any(|p| id.starts_with(p)) {
                            assert!(by_id.contains_key(id), "{path}.{k}: {id} is no record");
                            *checked += 1;
                        }
                    }
                }
                check_refs(x, depth + 1, by_id, &format!("{path}.{k}"), checked);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                check_refs(x, depth + 1, by_id, &format!("{path}[{i}]"), checked);
            }
        }
        _ => {}
    }
}

fn assert_references_resolve(g: &Generator) -> usize {
    let data = all(g);
    let by_id: HashMap<String, &Value> = data
        .iter()
        .flat_map(|(_, records)| records.iter())
        .map(|r| (r["id"].as_str().unwrap().to_owned(), r))
        .collect();
    let mut checked = 0;
    for (c, records) in &data {
        for (i, r) in records.iter().enumerate() {
            check_refs(r, 0, &by_id, &format!("{c}[{i}]"), &mut checked);
        }
    }
    checked
}

#[test]
fn references_resolve() {
    let checked = assert_references_resolve(&gen(5, SMALL));
    assert!(checked > 1000, "only {checked} references checked");
    assert_references_resolve(&gen(6, DEFAULTS));
    // Truncated lookups and empty main collections: references become null, never dangle.
    let sparse = [
        ("crm/organization", 0),
        ("hrm/employee", 0),
        ("projects/service", 0),
        ("crm/relationtype", 1),
        ("crm/country", 1),
        ("crm/gender", 0),
        ("customfields/group", 1),
        ("crm/organizationcustomfields", 1),
        ("hours/approvalstatus", 2),
        ("hours/hours", 30),
    ];
    assert_references_resolve(&gen(5, &sparse));
    let g = gen(5, &sparse);
    let h = g.record("hours/hours", 0);
    assert!(h["employee"].is_null() && h["projectservice"].is_null() && !h["project"].is_null());
    assert!(h["project"]["organization"].is_null());
    let nobody = gen(
        5,
        &[
            ("crm/person", 0),
            ("crm/organization", 0),
            ("crm/contactperson", 3),
        ],
    );
    assert_references_resolve(&nobody);
    assert!(nobody.record("hrm/employee", 0)["name"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));
}

#[test]
fn linked_contacts_are_the_contact_persons_pointing_back() {
    let g = gen(2, SMALL);
    for i in 0..13 {
        let org = g.record("crm/organization", i);
        for link in org["linked_persons_contacts"].as_array().unwrap() {
            let cp = (0..11)
                .map(|j| g.record("crm/contactperson", j))
                .find(|c| c["id"] == link["id"])
                .unwrap();
            assert_eq!(cp["organization"]["id"], org["id"]);
            assert_eq!(cp["person"]["full_name"], link["name"]);
        }
    }
    for p in 0..17 {
        let person = g.record("crm/person", p);
        for link in person["linked_as_contact_to_organization"]
            .as_array()
            .unwrap()
        {
            let cp = (0..11)
                .map(|j| g.record("crm/contactperson", j))
                .find(|c| c["id"] == link["id"])
                .unwrap();
            assert_eq!(cp["person_id"], person["id"]);
        }
    }
    // Every active contact person appears at its organization.
    for j in 0..11 {
        let cp = g.record("crm/contactperson", j);
        if cp["is_active"] == true {
            let org = (0..13)
                .map(|i| g.record("crm/organization", i))
                .find(|o| o["id"] == cp["organization"]["id"])
                .unwrap();
            assert!(org["linked_persons_contacts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["id"] == cp["id"]));
        }
    }
}

#[test]
fn hours_book_on_a_service_of_their_project() {
    let g = gen(9, SMALL);
    let services: HashMap<String, Value> = (0..12)
        .map(|i| g.record("projects/service", i))
        .map(|s| (s["id"].as_str().unwrap().to_owned(), s))
        .collect();
    for i in 0..60 {
        let h = g.record("hours/hours", i);
        let service = &services[h["projectservice"]["id"].as_str().unwrap()];
        assert_eq!(service["project_id"], h["project"]["id"]);
        let minutes = h["duration_in_minutes"].as_f64().unwrap();
        assert_eq!(h["hours"].as_f64().unwrap() * 60.0, minutes);
    }
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 19 && b[10] == b' ' && b[13] == b':' && b[16] == b':' && is_date(&s[..10]) && {
        let (h, m, sec) = (&s[11..13], &s[14..16], &s[17..19]);
        [h, m, sec]
            .iter()
            .all(|p| p.bytes().all(|c| c.is_ascii_digit()))
            && h < "24"
            && m < "60"
            && sec < "60"
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.bytes()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && ("01".."13").contains(&&s[5..7])
        && ("01".."32").contains(&&s[8..10])
}

const TIMESTAMP_KEYS: &[&str] = &[
    "created_at",
    "updated_at",
    "created",
    "modified",
    "status_updated_at",
];
const DATE_KEYS: &[&str] = &[
    "date",
    "start_date",
    "end_date",
    "expected_closing_date",
    "date_of_birth",
    "write_hours_start_date",
    "write_hours_end_date",
];

fn check_times(v: &Value, path: &str, count: &mut usize) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(c)), Some(Value::String(u))) =
                (m.get("created_at"), m.get("updated_at"))
            {
                assert!(c <= u, "{path}: created_at {c} after updated_at {u}");
            }
            for (k, x) in m {
                if let Value::String(s) = x {
                    if TIMESTAMP_KEYS.contains(&k.as_str()) {
                        assert!(is_timestamp(s), "{path}.{k}: {s}");
                        assert!(
                            ("2023-01-01".."2026-01-01").contains(&s.as_str()),
                            "{path}.{k}: {s}"
                        );
                        *count += 1;
                    } else if DATE_KEYS.contains(&k.as_str()) {
                        assert!(is_date(s) || is_timestamp(s), "{path}.{k}: {s}");
                        *count += 1;
                    }
                }
                check_times(x, &format!("{path}.{k}"), count);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| check_times(x, path, count)),
        _ => {}
    }
}

#[test]
fn timestamps_and_dates_are_well_formed() {
    // Clean data: with quirks, some are zero dates (`quirks_follow_their_table`).
    let g = clean(11, DEFAULTS);
    let mut count = 0;
    for (c, records) in all(&g) {
        for (i, r) in records.iter().enumerate() {
            check_times(r, &format!("{c}[{i}]"), &mut count);
        }
    }
    assert!(count > 5000, "{count}");
    for i in 0..1000 {
        let h = g.record("hours/hours", i);
        assert!(is_timestamp(h["start_date"].as_str().unwrap()));
        assert!(h["start_date"].as_str() < h["end_date"].as_str());
        assert!(h["end_date"].as_str() <= h["created_at"].as_str());
    }
}

fn is_decimal_string(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        let (whole, frac) = s.split_once('.').unwrap_or(("", ""));
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && frac.len() == 2
            && frac.bytes().all(|b| b.is_ascii_digit())
    })
}

#[test]
fn amounts_are_strings_where_simplicate_sends_strings() {
    // With quirks (the default); clean data has numbers (`amounts_are_numbers_when_clean`).
    let g = gen(12, SMALL);
    for i in 0..9 {
        let inv = g.record("invoices/invoice", i);
        for k in [
            "total_excluding_vat",
            "total_vat",
            "total_including_vat",
            "total_outstanding",
        ] {
            assert!(is_decimal_string(&inv[k]), "invoice {k}: {}", inv[k]);
        }
        let cents = |v: &Value| -> u64 { v.as_str().unwrap().replace('.', "").parse().unwrap() };
        assert_eq!(
            cents(&inv["total_excluding_vat"]) + cents(&inv["total_vat"]),
            cents(&inv["total_including_vat"])
        );
        assert!(inv["status"]["name"].is_string() && inv["status"]["id"].is_string());
        for line in inv["invoice_lines"].as_array().unwrap() {
            assert!(is_decimal_string(&line["price"]) && is_decimal_string(&line["amount"]));
        }
    }
    for i in 0..12 {
        let s = g.record("projects/service", i);
        assert!(is_decimal_string(&s["budget"]) && is_decimal_string(&s["price"]));
        assert!(
            ["FixedFee", "Subscription", "Hours"].contains(&s["invoice_method"].as_str().unwrap())
        );
    }
    for i in 0..7 {
        let p = g.record("projects/project", i);
        assert!(is_decimal_string(&p["budget"]["total"]["value_budget"]));
        assert!(is_decimal_string(&p["budget"]["hours"]["amount_budget"]));
    }
    let e = g.record("hrm/employee", 0);
    assert!(
        is_decimal_string(&e["hourly_sales_tariff"]) && is_decimal_string(&e["hourly_cost_tariff"])
    );
    let h = g.record("hours/hours", 0);
    assert!(is_decimal_string(&h["tariff"]) && h["hours"].is_f64());
    // The fixture sends these as numbers.
    let s = g.record("sales/sales", 0);
    assert!(s["expected_revenue"].is_u64() && s["chance_to_score"].is_u64());
    assert!(g.record("invoices/paymentterm", 0)["days"].is_u64());
    assert_eq!(g.record("invoices/vatclass", 0)["percentage"], "21.00");
}

#[test]
fn amounts_are_numbers_when_clean() {
    let (g, quirky) = (clean(12, SMALL), gen(12, SMALL));
    let cents = |v: &Value| -> i64 { (v.as_f64().unwrap() * 100.0).round() as i64 };
    for i in 0..9 {
        let inv = g.record("invoices/invoice", i);
        let q = quirky.record("invoices/invoice", i);
        for k in [
            "total_excluding_vat",
            "total_vat",
            "total_including_vat",
            "total_outstanding",
        ] {
            assert!(inv[k].is_f64(), "invoice {k}: {}", inv[k]);
            // The same amount, only spelled differently.
            assert_eq!(format!("{:.2}", inv[k].as_f64().unwrap()), q[k], "{k}");
        }
        assert_eq!(
            cents(&inv["total_excluding_vat"]) + cents(&inv["total_vat"]),
            cents(&inv["total_including_vat"])
        );
        let mut lines = 0;
        for line in inv["invoice_lines"].as_array().unwrap() {
            assert!(line["price"].is_f64() && line["amount"].is_f64());
            lines += cents(&line["amount"]) * cents(&line["price"]) / 100;
        }
        assert_eq!(lines, cents(&inv["total_excluding_vat"]));
    }
    for i in 0..12 {
        let s = g.record("projects/service", i);
        assert!(s["budget"].is_f64() && s["price"].is_f64() && s["amount"] == 1.0);
    }
    let p = g.record("projects/project", 0);
    assert!(p["budget"]["total"]["value_budget"].is_f64());
    let e = g.record("hrm/employee", 0);
    assert!(e["hourly_sales_tariff"].is_f64() && e["hourly_cost_tariff"].is_f64());
    assert!(g.record("hours/hours", 0)["tariff"].is_f64());
    assert_eq!(g.record("invoices/vatclass", 0)["percentage"], 21.0);
    assert!(g.record("crm/organization", 0)["allow_autocollect"].is_boolean());
}

#[test]
fn custom_fields_carry_name_label_value() {
    // An unset value is left out with quirks (as in the fixture), `null` in clean data.
    for quirks in [true, false] {
        custom_fields_of(&Generator::for_tests(13, &[], quirks), quirks);
    }
}

fn custom_fields_of(g: &Generator, quirks: bool) {
    for (collection, n) in [
        ("crm/organization", 250),
        ("projects/project", 100),
        ("sales/sales", 100),
    ] {
        let mut parts: HashMap<String, usize> = HashMap::new();
        let mut google = 0;
        for i in 0..n {
            let r = g.record(collection, i);
            let fields = r["custom_fields"].as_array().unwrap();
            let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
            assert!(
                names.contains(&"external_link") && names.contains(&"part_of_country"),
                "{names:?}"
            );
            for f in fields {
                assert!(f["label"].is_string() && f["custom_field_group"]["name"].is_string());
                let value = f.get("value");
                if let Some(Value::String(v)) = value {
                    assert_eq!(f["display_value"].as_str(), Some(v.as_str()));
                }
                match f["name"].as_str().unwrap() {
                    "part_of_country" => {
                        let key = match value {
                            None => "absent".to_owned(),
                            Some(Value::Null) => "null".to_owned(),
                            Some(Value::String(v)) => v.clone(),
                            Some(other) => panic!("part_of_country {other}"),
                        };
                        *parts.entry(key).or_default() += 1;
                    }
                    "external_link"
                        if value
                            .and_then(Value::as_str)
                            .is_some_and(|v| v.starts_with("https://docs.google.com/")) =>
                    {
                        google += 1;
                    }
                    _ => {}
                }
            }
        }
        let unset = if quirks { "absent" } else { "null" };
        for k in ["North", "East", "South", "West", "Centre", unset] {
            assert!(
                parts.get(k).copied().unwrap_or(0) > 0,
                "{collection}: no part_of_country {k}: {parts:?}"
            );
        }
        assert_eq!(parts.len(), 6, "{parts:?}");
        assert!(google > n / 5, "{collection}: {google} Google Docs links");
    }
    // The definitions are served too, without values.
    let def = g.record("crm/organizationcustomfields", 1);
    assert_eq!(def["name"], "part_of_country");
    assert!(def.get("value").is_none() && def["options"].as_array().unwrap().len() == 5);
}

#[test]
fn organization_names_are_unique() {
    let g = gen(3, &[("crm/organization", 2500)]);
    let names: HashSet<String> = (0..2500)
        .map(|i| super::crm::org_core(&g, i).name)
        .collect();
    assert_eq!(names.len(), 2500);
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

#[test]
fn one_invoice_document_per_invoice() {
    assert_eq!(
        super::lookups::DOCUMENT_TYPES[super::lookups::FACTUUR].0,
        "Factuur"
    );
    for g in [
        gen(0, &[]),
        gen(3, SMALL),
        gen(3, &[("invoices/invoice", 0)]),
    ] {
        let sizes: HashMap<&str, usize> = g.collections().into_iter().collect();
        let n = sizes["invoices/invoice"];
        assert_eq!(sizes["invoices/document"], n);
        for i in 0..n {
            let invoice = g.record("invoices/invoice", i);
            let doc = g.record("invoices/document", i);
            assert_eq!(
                doc["linked_to"],
                serde_json::json!({"invoice_id": invoice["id"]})
            );
            let title = format!(
                "Factuur {}.pdf",
                invoice["invoice_number"].as_str().unwrap()
            );
            assert_eq!(
                (&doc["title"], &doc["file_name"]),
                (&Value::from(title.clone()), &Value::from(title.clone()))
            );
            assert_eq!(doc["document_type"]["label"], "Factuur");
            assert_eq!(doc["content_type"], "application/pdf");
            let id = doc["id"].as_str().unwrap();
            let content = crate::files::generated_content(&title, &title, id);
            assert_eq!(doc["file_size"], content.len());
            assert_eq!(doc["created_at"], invoice["created_at"]);
        }
    }
    // Documents of both collections share the "document:" prefix, never an id.
    let g = gen(0, &[]);
    let ids: HashSet<String> = ["documents/document", "invoices/document"]
        .iter()
        .flat_map(|c| (0..50).map(|i| g.id(c, i)))
        .collect();
    assert_eq!(ids.len(), 100);
    let e = Generator::new(
        0,
        &BTreeMap::from([("invoices/document".to_owned(), 3)]),
        true,
    )
    .unwrap_err();
    assert!(
        e.contains("invoices/document") && e.contains("invoices/invoice"),
        "{e}"
    );
}
