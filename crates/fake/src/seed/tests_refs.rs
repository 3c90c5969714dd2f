//! Ids and references in the seed data: ids are cheap ids (some uuids) and unique, every
//! reference resolves, linked records point back at each other.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::tests_generator::{all, gen, DEFAULTS, SMALL};
use super::{Generator, TABLES};

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
