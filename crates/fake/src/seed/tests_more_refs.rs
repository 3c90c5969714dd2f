//! References in the second pass (`more.rs`): ids are unique (views share their sources'),
//! and every reference names a record of the right collection.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::tests_more::{gen, ours, SMALL};
use super::Generator;

#[test]
fn ids_are_unique_and_views_share_their_sources_ids() {
    let g = gen(3, &[]);
    for collection in ours() {
        let all = g.records(collection);
        let ids: HashSet<&str> = all.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), all.len(), "{collection}: duplicate ids");
    }
    // The same records at a second path.
    assert_eq!(
        g.records("hours/employeeexpenses"),
        g.records("costs/expense")
    );
    let services = g.records("projects/service");
    for view in ["costs/projectservices", "hours/projectservices"] {
        let listed = g.records(view);
        assert_eq!(listed.len(), services.len());
        for (short, full) in listed.iter().zip(&services) {
            for key in [
                "id",
                "name",
                "default_service_id",
                "use_in_resource_planner",
            ] {
                assert_eq!(short[key], full[key], "{view}.{key}");
            }
            assert_eq!(short["revenue_group_id"], full["revenue_group"]["id"]);
        }
    }
    // Module views of lookups are the general entries, under the same ids.
    let types: HashMap<String, Value> = g
        .records("documents/documenttype")
        .into_iter()
        .map(|t| (t["id"].as_str().unwrap().to_owned(), t))
        .collect();
    for (view, flag) in [
        ("crm/documenttype", "is_for_crm"),
        ("projects/documenttype", "is_for_project"),
        ("sales/documenttype", "is_for_sale"),
        ("invoices/documenttype", "is_for_invoice"),
    ] {
        let listed = g.records(view);
        assert_eq!(
            listed.len(),
            types.values().filter(|t| t[flag] == true).count(),
            "{view}"
        );
        for t in listed {
            assert_eq!(types[t["id"].as_str().unwrap()], t, "{view}");
        }
    }
    let groups = g.records("customfields/group");
    for (view, model) in [
        ("crm/organizationcustomfieldgroups", "organization"),
        ("crm/personcustomfieldgroups", "person"),
        ("projects/projectcustomfieldgroups", "project"),
        ("sales/salescustomfieldgroups", "sales"),
    ] {
        let expected: Vec<Value> = groups
            .iter()
            .filter(|g| g["type"] == model)
            .cloned()
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(g.records(view), expected, "{view}");
    }
    // Cost types and purchase types: one table, two collections with their own ids.
    let costs = g.records("costs/coststype");
    let purchases = g.records("projects/purchasetype");
    for (a, b) in costs.iter().zip(&purchases) {
        assert_eq!(a["label"], b["label"]);
        assert!(a["id"].as_str().unwrap().starts_with("coststype:"));
        assert!(b["id"].as_str().unwrap().starts_with("purchasetype:"));
    }
}

/// Where the ids a field names live: `*_id` fields by name, nested copies by the field
/// holding them. An id in more than one listed collection is fine (module views share ids).
const ID_FIELDS: &[(&str, &[&str])] = &[
    ("assignment_id", &["projects/assignment"]),
    ("contact_id", &["crm/contactperson"]),
    ("default_service_id", &["services/defaultservice"]),
    ("employee_id", &["hrm/employee"]),
    ("invoice_id", &["invoices/invoice"]),
    ("itemtype_id", &["hours/hourstype", "costs/coststype"]),
    ("my_organization_profile_id", &["crm/myorganizationprofile"]),
    ("organization_id", &["crm/organization"]),
    ("person_id", &["crm/person"]),
    ("project_id", &["projects/project"]),
    ("project_service_id", &["projects/service"]),
    ("related_hours_id", &["hours/hours"]),
    ("revenue_group_id", &["sales/revenuegroup"]),
    ("sales_id", &["sales/sales"]),
    ("service_id", &["projects/service"]),
];

const NESTED: &[(&str, &[&str])] = &[
    ("approvalstatus", &["hours/approvalstatus"]),
    ("costtype", &["costs/coststype", "projects/purchasetype"]),
    ("created_by", &["hrm/employee"]),
    ("custom_field_group", &["customfields/group"]),
    ("custom_fields", &["crm/personcustomfields"]),
    ("default_costtype", &["costs/coststype"]),
    (
        "document_type",
        &[
            "crm/documenttype",
            "projects/documenttype",
            "sales/documenttype",
            "documents/documenttype",
        ],
    ),
    ("employee", &["hrm/employee"]),
    ("employees", &["hrm/employee"]),
    ("hourstype", &["hours/hourstype"]),
    ("interests", &["crm/interests"]),
    ("invoice", &["invoices/invoice"]),
    ("itemtype", &["hours/hourstype", "costs/coststype"]),
    (
        "linked_to",
        &[
            "crm/organization",
            "crm/person",
            "projects/project",
            "sales/sales",
        ],
    ),
    ("message_type", &["timeline/messagetype"]),
    ("organization", &["crm/organization"]),
    ("payment_term", &["invoices/paymentterm"]),
    ("person", &["crm/person"]),
    ("project", &["projects/project"]),
    ("project_service", &["projects/service"]),
    ("projects", &["projects/project"]),
    ("projectservice", &["projects/service"]),
    ("quotestatus", &["sales/quotestatus"]),
    ("quotetemplate", &["sales/quotetemplate"]),
    ("related_hours", &["hours/hours"]),
    ("relation_type", &["crm/relationtype"]),
    ("revenue_group", &["sales/revenuegroup"]),
    (
        "status",
        &["projects/assignmentstatus", "invoices/invoicestatus"],
    ),
    ("templates", &["invoices/remindertemplate"]),
    ("type", &["hours/hourstype"]),
    ("vat_class", &["invoices/vatclass"]),
    ("vatclass", &["invoices/vatclass"]),
];

/// `values` of list filters hold entries of the lookups they filter on.
const FILTER_VALUES: &[&str] = &[
    "projects/projectstatus",
    "sales/salesstatus",
    "sales/salesprogress",
    "sales/salessource",
];

/// Walks `v` (a record of one of our collections): every `*_id` string names a record of the
/// collection its name says, every nested `{id}` one of the collection its field says, with the
/// same scalar fields. Returns how many references it checked.
fn check_typed_refs(
    v: &Value,
    field: &str,
    path: &str,
    ids: &HashMap<&str, HashMap<String, Value>>,
) -> usize {
    let target = |collections: &[&str], id: &str| -> Option<Value> {
        collections
            .iter()
            .find_map(|c| ids.get(c).and_then(|m| m.get(id)).cloned())
    };
    let mut checked = 0;
    match v {
        Value::Object(m) => {
            if let (false, Some(Value::String(id))) = (path.is_empty(), m.get("id")) {
                let expected = if field == "values" {
                    FILTER_VALUES
                } else {
                    NESTED
                        .iter()
                        .find(|(k, _)| *k == field)
                        .unwrap_or_else(|| panic!("{path}: no collection known for {field}"))
                        .1
                };
                let record = target(expected, id)
                    .unwrap_or_else(|| panic!("{path}: {id} is none of {expected:?}"));
                for (k, x) in m {
                    let y = &record[k.as_str()];
                    if !y.is_null() && !x.is_object() && !x.is_array() {
                        assert_eq!(x, y, "{path}.{k}: the copy of {id} disagrees");
                    }
                }
                checked += 1;
            }
            for (k, x) in m {
                if let (Some(Value::String(id)), true) = (Some(x), k.ends_with("_id")) {
                    let expected = ID_FIELDS
                        .iter()
                        .find(|(name, _)| name == k)
                        .unwrap_or_else(|| panic!("{path}.{k}: no collection known"))
                        .1;
                    assert!(
                        target(expected, id).is_some(),
                        "{path}.{k}: {id} is none of {expected:?}"
                    );
                    checked += 1;
                }
                checked += check_typed_refs(x, k, &format!("{path}.{k}"), ids);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                checked += check_typed_refs(x, field, &format!("{path}[{i}]"), ids);
            }
        }
        _ => {}
    }
    checked
}

fn assert_typed_references(g: &Generator) -> usize {
    let all: Vec<(&str, Vec<Value>)> = g
        .collections()
        .into_iter()
        .map(|(c, _)| (c, g.records(c)))
        .collect();
    let ids: HashMap<&str, HashMap<String, Value>> = all
        .iter()
        .map(|(c, rs)| {
            let by_id = rs
                .iter()
                .map(|r| (r["id"].as_str().unwrap().to_owned(), r.clone()))
                .collect();
            (*c, by_id)
        })
        .collect();
    let mut checked = 0;
    for (c, rs) in &all {
        let first_pass_fields: &[&str] = match *c {
            "crm/organization" => &["interests"],
            "crm/person" => &["interests", "custom_fields"],
            "projects/service" => &["default_service_id"],
            _ => &[],
        };
        for (i, r) in rs.iter().enumerate() {
            if ours().contains(c) {
                checked += check_typed_refs(r, "", "", &ids);
            } else {
                for f in first_pass_fields {
                    checked += check_typed_refs(&r[*f], f, &format!("{c}[{i}].{f}"), &ids);
                    if f.ends_with("_id") {
                        let id = r[*f].as_str();
                        assert!(
                            id.is_none_or(|id| ids["services/defaultservice"].contains_key(id)),
                            "{c}[{i}].{f}"
                        );
                    }
                }
            }
        }
    }
    checked
}

#[test]
fn references_name_records_of_the_right_collection() {
    let checked = assert_typed_references(&gen(5, SMALL));
    assert!(checked > 3000, "only {checked} references checked");
    let checked = assert_typed_references(&gen(6, &[]));
    assert!(checked > 10_000, "only {checked} references checked");
    // Empty and truncated collections: references become null or disappear, never dangle.
    let sparse = [
        ("crm/organization", 0),
        ("hrm/employee", 0),
        ("projects/service", 0),
        ("invoices/invoice", 0),
        ("invoices/payment", 3),
        ("sales/sales", 0),
        ("hours/hours", 0),
        ("hours/hourstype", 2),
        ("hours/approvalstatus", 1),
        ("invoices/vatclass", 0),
        ("invoices/invoicestatus", 2),
        ("invoices/remindertemplate", 1),
        ("services/defaultservice", 3),
        ("costs/coststype", 1),
        ("projects/purchasetype", 0),
        ("sales/quotetemplate", 0),
        ("crm/interests", 2),
        ("customfields/group", 2),
    ];
    assert_typed_references(&gen(5, &sparse));
}
