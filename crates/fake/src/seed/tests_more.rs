//! Properties of the second seeding pass (`more.rs`): every record follows the record table
//! with clean values, ids are unique, references name records of the right collection, the
//! collections that list others agree with them, payments add up, and the data is a pure
//! function of the seed.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::{more, Generator, TABLES};
use simplicate_api::model::{model, Kind, Leniency};

fn gen(seed: u64, sizes: &[(&str, usize)]) -> Generator {
    Generator::for_tests(seed, sizes, false)
}

/// Sizes that make index arithmetic wrap: fewer sales than services, more payments than
/// invoices, few employees.
const SMALL: &[(&str, usize)] = &[
    ("crm/organization", 13),
    ("crm/person", 17),
    ("crm/contactperson", 11),
    ("hrm/employee", 5),
    ("projects/project", 7),
    ("projects/service", 12),
    ("hours/hours", 60),
    ("invoices/invoice", 9),
    ("invoices/payment", 14),
    ("sales/sales", 8),
    ("sales/service", 19),
    ("sales/quote", 10),
    ("costs/expense", 30),
    ("projects/assignment", 20),
    ("timeline/message", 40),
];

/// The collections of the second pass.
fn ours() -> Vec<&'static str> {
    TABLES
        .iter()
        .filter(|t| more::owns(t.c))
        .map(|t| t.collection)
        .collect()
}

/// The model kind of what `collection` lists.
fn kind_of(collection: &str) -> Kind {
    model()
        .record_kind(collection)
        .unwrap_or_else(|| panic!("{collection}: no record type in the table"))
}

fn assert_clean(collection: &str, record: &Value, what: &str) {
    let problems = model().check(&kind_of(collection), record, Leniency::Clean);
    assert!(problems.is_empty(), "{what}: {problems:?}");
}

#[test]
fn every_record_follows_the_table_with_clean_values() {
    for g in [gen(0, &[]), gen(1, SMALL), gen(2, &[])] {
        for collection in ours() {
            let all = g.records(collection);
            assert!(!all.is_empty(), "{collection} is empty");
            for (i, r) in all.iter().enumerate() {
                assert!(r.is_object(), "{collection}[{i}]");
                assert_clean(collection, r, &format!("{collection}[{i}]"));
            }
        }
        // The most recent timesheet week is one DateTimeRange.
        let week = super::week_of("2025-12-24");
        assert_clean("hours/timesheetrow/mostrecent", &week, "mostrecent");
        assert_eq!(
            week,
            serde_json::json!({"start_date": "2025-12-22 00:00:00", "end_date": "2025-12-28 23:59:59"})
        );
        // The fields this pass adds to first-pass records are clean too.
        for (collection, fields) in [
            ("crm/organization", &["interests"][..]),
            ("crm/person", &["interests", "custom_fields"][..]),
            ("projects/service", &["default_service_id"][..]),
        ] {
            for (i, r) in g.records(collection).iter().enumerate() {
                let problems = model().check(&kind_of(collection), r, Leniency::Clean);
                let ours: Vec<_> = problems
                    .iter()
                    .filter(|p| fields.iter().any(|f| p.path.starts_with(f)))
                    .collect();
                assert!(ours.is_empty(), "{collection}[{i}]: {ours:?}");
            }
        }
    }
}

#[test]
fn every_collection_the_registry_lists_is_seeded_but_storage() {
    let g = gen(0, &[]);
    let seeded: HashSet<&str> = g.collections().into_iter().map(|(c, _)| c).collect();
    let missing: Vec<String> = simplicate_api::registry::RESOURCES
        .iter()
        .filter(|r| r.collection.contains(simplicate_api::registry::Method::Get))
        .map(|r| r.path())
        .filter(|p| !seeded.contains(p.as_str()))
        // Files, not records; the HRM module is seeded by the first pass's HRM block; the
        // most recent timesheet week is answered from the rows (actions.rs).
        .filter(|p| !p.starts_with("storage/") && !p.starts_with("hrm/"))
        .filter(|p| p != "hours/timesheetrow/mostrecent")
        .collect();
    assert!(missing.is_empty(), "not seeded: {missing:?}");
}

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

/// Invoice id → (total including VAT, outstanding, status name) in cents.
fn invoices(g: &Generator) -> HashMap<String, (u64, u64, Value)> {
    g.records("invoices/invoice")
        .into_iter()
        .map(|inv| {
            (
                inv["id"].as_str().unwrap().to_owned(),
                (
                    more::cents_of(&inv["total_including_vat"]),
                    more::cents_of(&inv["total_outstanding"]),
                    inv["status"]["name"].clone(),
                ),
            )
        })
        .collect()
}

#[test]
fn payments_add_up_to_what_was_paid_of_each_invoice() {
    let (mut full, mut part, mut open) = (0, 0, 0);
    for g in [
        gen(0, &[]),
        gen(1, SMALL),
        gen(2, &[("invoices/invoice", 50)]),
    ] {
        let invoices = invoices(&g);
        let mut paid: HashMap<String, u64> = HashMap::new();
        for p in g.records("invoices/payment") {
            let id = p["invoice_id"].as_str().unwrap().to_owned();
            *paid.entry(id).or_default() += more::cents_of(&p["amount"]);
            assert!(p["date"].as_str().unwrap() <= "2025-12-31");
        }
        for (id, (incl, outstanding, status)) in &invoices {
            let got = paid.get(id).copied().unwrap_or(0);
            assert_eq!(got, incl - outstanding, "{id}: payments {got}");
            match (paid.contains_key(id), *outstanding) {
                (true, 0) => {
                    full += 1;
                    assert_eq!(status, "Paid", "{id}");
                }
                (true, _) => {
                    part += 1;
                    assert!(status == "Sent" || status == "Overdue", "{id}: {status}");
                    assert!(outstanding < incl);
                }
                (false, _) => {
                    open += 1;
                    assert_eq!(outstanding, incl, "{id}");
                    assert_ne!(status, "Paid", "{id}");
                }
            }
        }
    }
    assert!(full > 100 && part > 10 && open > 50, "{full} {part} {open}");
    // Payments grow with the invoices unless sized, and may outnumber them.
    let sizes = |g: &Generator| -> HashMap<&str, usize> { g.collections().into_iter().collect() };
    assert_eq!(sizes(&gen(0, &[]))["invoices/payment"], 975);
    assert_eq!(
        sizes(&gen(0, &[("invoices/invoice", 1000)]))["invoices/payment"],
        650
    );
    let g = gen(0, &[("invoices/invoice", 3), ("invoices/payment", 7)]);
    assert_eq!(sizes(&g)["invoices/payment"], 7);
    let per_invoice: Vec<usize> = g
        .records("invoices/invoice")
        .iter()
        .map(|inv| {
            g.records("invoices/payment")
                .iter()
                .filter(|p| p["invoice_id"] == inv["id"])
                .count()
        })
        .collect();
    assert_eq!(per_invoice, [3, 2, 2]);
}

#[test]
fn derived_collections_follow_their_sources_and_refuse_sizes() {
    let g = gen(0, SMALL);
    let sizes: HashMap<&str, usize> = g.collections().into_iter().collect();
    assert_eq!(sizes["hours/employeeexpenses"], 30);
    assert_eq!(sizes["costs/projectservices"], 12);
    assert_eq!(sizes["hours/projectservices"], 12);
    assert_eq!(sizes["projects/assignmentbudget"], 20);
    assert_eq!(sizes["crm/debtor"], 13 + 17 - 5);
    for collection in [
        "hours/employeeexpenses",
        "costs/projectservices",
        "crm/debtor",
        "projects/assignmentbudget",
    ] {
        let err =
            Generator::new(0, &BTreeMap::from([(collection.to_owned(), 3)]), false).unwrap_err();
        assert!(err.contains(collection) && err.contains("size"), "{err}");
    }
    // Debtors: the organizations, then the persons who are not employees.
    let debtors = g.records("crm/debtor");
    let orgs = g.records("crm/organization");
    let persons = g.records("crm/person");
    for (i, d) in debtors.iter().enumerate() {
        if i < 13 {
            assert_eq!(d["organization"]["id"], orgs[i]["id"]);
            assert_eq!(d["organization"]["relation_type"], orgs[i]["relation_type"]);
            assert!(d["person"].is_null());
        } else {
            let p = &persons[5 + i - 13];
            assert_eq!(d["person"]["id"], p["id"]);
            assert_eq!(p["is_employee"], 0);
        }
    }
    // Assignment budgets are their assignments' plans.
    let assignments = g.records("projects/assignment");
    for (b, a) in g
        .records("projects/assignmentbudget")
        .iter()
        .zip(&assignments)
    {
        assert_eq!(b["assignment_id"], a["id"]);
        assert_eq!(b["planned_amount"], a["hours_total"]);
        assert_eq!(
            (&b["range_start"], &b["range_end"]),
            (&a["start_date"], &a["end_date"])
        );
    }
    // Lookups are fixed tables: they can be cut short, not grown.
    let err = Generator::new(
        0,
        &BTreeMap::from([("sales/quotestatus".to_owned(), 9)]),
        false,
    )
    .unwrap_err();
    assert!(err.contains("sales/quotestatus"), "{err}");
}

/// id → record, for the collections given.
fn by_id(g: &Generator, collections: &[&str]) -> HashMap<String, Value> {
    collections
        .iter()
        .flat_map(|c| g.records(c))
        .map(|r| (r["id"].as_str().unwrap().to_owned(), r))
        .collect()
}

#[test]
fn records_agree_with_what_they_are_about() {
    let g = gen(4, SMALL);
    let services = by_id(&g, &["projects/service"]);
    let invoices = by_id(&g, &["invoices/invoice"]);
    let hours = by_id(&g, &["hours/hours"]);
    // Expenses book on a service of their project; invoiced ones name an invoice of it.
    let mut invoiced = 0;
    for e in g.records("costs/expense") {
        if let Some(service) = e["service_id"].as_str() {
            assert_eq!(services[service]["project_id"], e["project"]["id"]);
        }
        if let Some(inv) = e["invoice"]["id"].as_str() {
            assert_eq!(invoices[inv]["project_id"], e["project"]["id"]);
            assert_eq!(e["invoice_status"], "invoiced");
            invoiced += 1;
        }
        let total = more::cents_of(&e["amount"]) * more::cents_of(&e["tariff"]) / 100;
        assert_eq!(more::cents_of(&e["total_price"]), total);
    }
    assert!(invoiced > 0);
    // Mileage and finished timers copy the hours they belong to.
    for m in g.records("mileage/mileage") {
        let h = &hours[m["related_hours_id"].as_str().unwrap()];
        for (a, b) in [
            ("employee", "employee"),
            ("project", "project"),
            ("start_date", "start_date"),
        ] {
            assert_eq!(m[a], h[b]);
        }
        assert_eq!(m["type"]["label"], "Kilometers");
    }
    let mut finished = 0;
    for t in g.records("timers/timer") {
        match t["state"].as_str().unwrap() {
            "finished" => {
                let h = &hours[t["related_hours"]["id"].as_str().unwrap()];
                assert_eq!(t["projectservice"]["id"], h["projectservice"]["id"]);
                assert_eq!(
                    t["seconds_spent"],
                    h["duration_in_minutes"].as_u64().unwrap() * 60
                );
                finished += 1;
            }
            _ => assert!(t.get("related_hours").is_none()),
        }
    }
    assert!(finished > 0);
    // Timesheet rows and assignments: the service is one of the project's.
    for row in g.records("hours/timesheetrow") {
        if let Some(s) = row["project_service_id"].as_str() {
            assert_eq!(services[s]["project_id"], row["project_id"]);
        }
        assert!(["hours", "costs", "mileage"].contains(&row["type"].as_str().unwrap()));
    }
    for a in g.records("projects/assignment") {
        let s = &services[a["projectservice"]["id"].as_str().unwrap()];
        assert_eq!(s["project_id"], a["project"]["id"]);
        assert!(a["start_date"].as_str() <= a["end_date"].as_str());
        if a["use_spread"] == true {
            let sum: u64 = a["spread"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_u64().unwrap())
                .sum();
            assert_eq!(Value::from(sum), a["hours"]);
        }
    }
    // Reverse invoices that were invoiced name an invoice of their project.
    for ri in g.records("projects/reverseinvoice") {
        if let Some(inv) = ri["invoice"]["id"].as_str() {
            assert_eq!(invoices[inv]["project_id"], ri["project"]["id"]);
            assert_eq!(ri["status"], "invoiced");
        }
    }
    // Quotes list their sale's services, and total them.
    let sales_services = g.records("sales/service");
    for q in g.records("sales/quote") {
        let lines = q["services"].as_array().unwrap();
        let expected = sales_services
            .iter()
            .filter(|s| s["sales_id"] == q["sales_id"])
            .count();
        assert_eq!(lines.len(), expected.min(6));
        let total: u64 = lines.iter().map(|l| more::cents_of(&l["total"])).sum();
        assert_eq!(more::cents_of(&q["total_excl"]), total);
        assert_eq!(
            more::cents_of(&q["total_incl"]),
            total + more::cents_of(&q["total_vat"])
        );
        assert!(lines.iter().all(|l| l["sales_id"] == q["sales_id"]));
    }
    // Sales and project services are named after their default service (one per name).
    assert_eq!(
        super::lookups_more::DEFAULT_SERVICES.len(),
        super::words::SERVICE_NAMES.len()
    );
    let defaults = by_id(&g, &["services/defaultservice"]);
    for s in g
        .records("sales/service")
        .into_iter()
        .chain(g.records("projects/service"))
    {
        if let Some(d) = s["default_service_id"].as_str() {
            assert_eq!(defaults[d]["name"], s["name"]);
        }
    }
    // Persons' custom field values are options of the definition.
    let definitions = by_id(&g, &["crm/personcustomfields"]);
    let mut set = 0;
    for p in g.records("crm/person") {
        for f in p["custom_fields"].as_array().unwrap() {
            let def = &definitions[f["id"].as_str().unwrap()];
            if let Some(v) = f.get("value").and_then(Value::as_str) {
                assert!(def["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o["value"] == v));
                set += 1;
            }
        }
        for i in p["interests"].as_array().unwrap() {
            assert!(i["person"] == true && (i["value"] == "1" || i["value"] == "0"));
        }
    }
    assert!(set > 0);
}

#[test]
fn module_documents_download_as_described() {
    let g = gen(0, &[]);
    for (collection, types, linked) in [
        (
            "crm/document",
            "crm/documenttype",
            &["organization", "person"][..],
        ),
        (
            "projects/document",
            "projects/documenttype",
            &["project"][..],
        ),
        ("sales/document", "sales/documenttype", &["sales"][..]),
    ] {
        let type_ids: HashSet<String> = g
            .records(types)
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect();
        for d in g.records(collection) {
            let id = d["id"].as_str().unwrap();
            let (name, title) = (
                d["file_name"].as_str().unwrap(),
                d["title"].as_str().unwrap(),
            );
            let content = crate::files::generated_content(name, title, id);
            assert_eq!(d["file_size"], content.len(), "{collection} {id}");
            assert_eq!(d["content_type"], crate::files::content_type(name));
            assert!(type_ids.contains(d["document_type"]["id"].as_str().unwrap()));
            // One link, keyed like the POST body: {"<kind>_id": id}.
            let link = d["linked_to"].as_object().unwrap();
            assert_eq!(link.len(), 1, "{link:?}");
            let key = link.keys().next().unwrap();
            assert!(linked.contains(&key.trim_end_matches("_id")), "{key}");
        }
    }
    // Ids never collide across the collections downloads search.
    let ids: Vec<String> = [
        "documents/document",
        "invoices/document",
        "crm/document",
        "projects/document",
        "sales/document",
    ]
    .iter()
    .flat_map(|c| g.records(c))
    .map(|d| d["id"].as_str().unwrap().to_owned())
    .collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
}

#[test]
fn timesheet_records_count_back_per_employee() {
    let g = gen(0, &[("hrm/employee", 3)]);
    let approvals = g.records("hours/approval");
    // One approval per employee and working day.
    let pairs: HashSet<(String, String)> = approvals
        .iter()
        .map(|a| {
            (
                a["employee"]["id"].as_str().unwrap().to_owned(),
                a["date"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), approvals.len());
    for a in &approvals {
        let day = more::day_of(a["date"].as_str().unwrap()).unwrap();
        assert!(!matches!((day + 4).rem_euclid(7), 0 | 6), "{a}");
    }
    assert_eq!(approvals[0]["date"], "2025-12-26");
    let submissions = g.records("hours/submission");
    assert_eq!(submissions[0]["date"], "2025-12-22");
    assert_eq!(submissions[3]["date"], "2025-12-15");
    let latest = g
        .records("hours/timesheetrow")
        .iter()
        .map(|r| r["start_date"].as_str().unwrap().to_owned())
        .max()
        .unwrap();
    assert_eq!(latest, "2025-12-22");
}

#[test]
fn same_seed_same_data_in_any_order() {
    let a: Vec<Vec<Value>> = ours().iter().map(|c| gen(7, SMALL).records(c)).collect();
    let b: Vec<Vec<Value>> = ours().iter().map(|c| gen(7, SMALL).records(c)).collect();
    assert_eq!(a, b);
    let other: Vec<Vec<Value>> = ours().iter().map(|c| gen(8, SMALL).records(c)).collect();
    for ((c, x), y) in ours().iter().zip(&a).zip(&other) {
        let lookup = TABLES.iter().any(|t| t.collection == *c && t.lookup);
        assert_eq!(lookup, x == y, "{c}");
    }
    // Made alone, backwards: the same records.
    let g = gen(7, SMALL);
    for (c, all) in ours().iter().zip(&a) {
        for i in (0..all.len()).rev().step_by(3) {
            assert_eq!(g.record(c, i), all[i], "{c}[{i}]");
        }
    }
    // Quirks do not change this pass's values (the quirks pass does, afterwards).
    let quirky = Generator::new(
        7,
        &SMALL.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        true,
    )
    .unwrap();
    assert_eq!(quirky.record("sales/quote", 3), g.record("sales/quote", 3));
}
