//! Every use case of the API documentation's Filtering, Filtering on Nested Values, Advanced
//! Filtering, Custom Fields, Pagination, Sorting and Metadata sections, verbatim, run against
//! small hand-made record sets. Why verbatim: the documentation is the contract, so its own
//! query strings (raw spaces, `%20`, `+`, leading paths) are what must parse and select exactly
//! the records a reader of the documentation would expect.

use serde_json::{json, Value};

use super::model::{Condition, Filter, MetadataKey, Op, Query, SortKey};

/// Parse a documented query string the way a server does (anything before `?` is the path).
fn query(documented: &str) -> Query {
    let qs = documented.split_once('?').map_or(documented, |(_, qs)| qs);
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(qs.as_bytes())
        .into_owned()
        .collect();
    match Query::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Ok(q) => q,
        Err(e) => panic!("{documented}: {e}"),
    }
}

/// The ids served, in order.
fn served(documented: &str, records: &[Value]) -> Vec<String> {
    query(documented)
        .compile()
        .evaluate(records)
        .records
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("?").to_owned())
        .collect()
}

fn people() -> Vec<Value> {
    vec![
        json!({"id": "p1", "name": "Alice", "email": "alice@example.com", "updated_at": "2025-01-02 09:00:00"}),
        json!({"id": "p2", "name": "Bob", "email": "bob@gmail.com", "updated_at": "2025-01-05 09:00:00"}),
        json!({"id": "p3", "name": "Charlie", "email": "charlie@gmail.com", "updated_at": "2025-01-03 09:00:00"}),
        json!({"id": "p4", "name": "alice", "email": "ally@GMAIL.COM", "updated_at": "2025-01-04 09:00:00"}),
        json!({"id": "p5", "name": "Bobby Tables", "email": "bobby@gmail.com.example.org", "updated_at": "2025-01-06 09:00:00"}),
        json!({"id": "p6", "name": "Jimbob", "email": null, "updated_at": "2025-01-01 09:00:00"}),
        json!({"id": "p7", "name": null, "email": "nameless@gmail.com", "updated_at": "2025-01-07 09:00:00"}),
        json!({"id": "p8", "email": "noname@example.com", "updated_at": "2025-01-08 09:00:00"}),
        json!({"id": "p9", "name": "Donald", "email": "don@example.com", "updated_at": "2025-01-09 09:00:00"}),
        json!({"id": "p10", "name": "", "email": "", "updated_at": "2025-01-10 09:00:00"}),
    ]
}

fn organizations() -> Vec<Value> {
    vec![
        json!({
            "id": "organization:1",
            "name": "MyCorp",
            "email": "info@mycorp.nl",
            "relation_type": {"id": "relationtype:1", "label": "Own company", "color": "#666666"},
            "debtor": {
                "payment_term": {"id": "paymentterm:1", "days": 14, "name": "14 dagen"},
                "provision_method": "post",
                "autocollect": false
            },
            "created_at": "2014-07-30 11:02:13",
            "updated_at": "2025-01-18 00:00:00",
        }),
        json!({
            "id": "organization:2",
            "name": "Google",
            "relation_type": null,
            "created_at": "2020-01-01 00:00:00",
            "updated_at": "2025-01-17 23:59:59",
        }),
        json!({
            "id": "organization:3",
            "name": "Acme",
            "debtor": {"provision_method": "email"},
            "created_at": "2021-01-01 00:00:00",
            "updated_at": "2025-01-19 08:30:00",
        }),
    ]
}

// ---- Filtering: select ----------------------------------------------------------------------

#[test]
fn select_id_relation_type_and_name() {
    let q = query("GET /api/v2/crm/organization?select=id,relation_type.,name");
    assert_eq!(q.select, ["id", "relation_type.", "name"]);
    let served = q.compile().evaluate(&organizations()).records;
    assert_eq!(
        served,
        vec![
            json!({"id": "organization:1", "name": "MyCorp",
                   "relation_type": {"id": "relationtype:1", "label": "Own company", "color": "#666666"}}),
            json!({"id": "organization:2", "name": "Google", "relation_type": null}),
            json!({"id": "organization:3", "name": "Acme"}),
        ]
    );
}

#[test]
fn select_payment_term_of_debtor() {
    let q = query("GET /api/v2/crm/organization?select=id,debtor.payment_term.,name");
    let served = q.compile().evaluate(&organizations()).records;
    assert_eq!(
        served,
        vec![
            json!({"id": "organization:1", "name": "MyCorp",
                   "debtor": {"payment_term": {"id": "paymentterm:1", "days": 14, "name": "14 dagen"}}}),
            json!({"id": "organization:2", "name": "Google"}),
            json!({"id": "organization:3", "name": "Acme", "debtor": {}}),
        ]
    );
}

// ---- Filtering: q ---------------------------------------------------------------------------

#[test]
fn wildcard_prefix_don() {
    assert_eq!(served("q[name]=Don*", &people()), ["p9"]);
}

#[test]
fn null_values_with_null() {
    assert_eq!(served("q[name]=null", &people()), ["p7", "p8"]);
}

#[test]
fn non_null_values_with_star() {
    assert_eq!(
        served("q[name]=*", &people()),
        ["p1", "p2", "p3", "p4", "p5", "p6", "p9", "p10"]
    );
}

#[test]
fn name_contains_bob() {
    assert_eq!(served("q[name]=*Bob*", &people()), ["p2", "p5", "p6"]);
}

#[test]
fn name_is_alice_or_charlie() {
    let q = query("q[name][]=Alice&q[name][]=Charlie");
    assert_eq!(
        q.filters,
        vec![Filter::new(
            "name",
            Condition::AnyOf(vec!["Alice".into(), "Charlie".into()])
        )]
    );
    assert_eq!(
        served("q[name][]=Alice&q[name][]=Charlie", &people()),
        ["p1", "p3", "p4"]
    );
}

#[test]
fn name_alice_and_email_ends_with_gmail() {
    assert_eq!(
        served("q[name]=Alice&q[email]=*gmail.com", &people()),
        ["p4"]
    );
}

#[test]
fn name_alice_or_email_ends_with_gmail_sorted_by_name() {
    let documented = "q[name]=Alice&q[or][email]=*gmail.com&limit=10&sort=name";
    let q = query(documented);
    assert_eq!(q.limit, Some(10));
    assert_eq!(q.sort, vec![SortKey::asc("name")]);
    // p7 (null name) first; Alice/alice tie and keep store order.
    assert_eq!(
        served(documented, &people()),
        ["p7", "p1", "p4", "p2", "p3"]
    );
}

// ---- Filtering on nested values -------------------------------------------------------------

fn projects() -> Vec<Value> {
    vec![
        json!({
            "id": "project:abc",
            "name": "My First Project",
            "organization": {"id": "organization:xyz", "name": "Google"},
            "my_organization_profile": {
                "id": "myorganizationprofile:123",
                "organization": {"id": "organization:456", "name": "My Company"}
            }
        }),
        json!({
            "id": "project:def",
            "name": "Second",
            "organization": {"id": "organization:g2", "name": "Google Cloud"},
            "my_organization_profile": {
                "id": "myorganizationprofile:124",
                "organization": {"id": "organization:457", "name": "My Company B.V."}
            }
        }),
        json!({"id": "project:ghi", "name": "Third", "organization": null}),
    ]
}

#[test]
fn projects_of_organization_google() {
    assert_eq!(
        served(
            "/api/v2/projects/project?q[organization.name]=Google",
            &projects()
        ),
        ["project:abc"]
    );
}

#[test]
fn projects_of_own_organization_my_company() {
    let documented =
        "/api/v2/projects/project?q[my_organization_profile.organization.name]=My%20Company";
    assert_eq!(
        query(documented).filters,
        vec![Filter::new(
            "my_organization_profile.organization.name",
            Condition::Equals("My Company".into())
        )]
    );
    assert_eq!(served(documented, &projects()), ["project:abc"]);
}

// ---- Advanced filtering ---------------------------------------------------------------------

fn stamped() -> Vec<Value> {
    vec![
        json!({"id": "r1", "created_at": "2024-12-27 23:59:59", "updated_at": "2025-01-03 23:59:59"}),
        json!({"id": "r2", "created_at": "2024-12-28 00:00:00", "updated_at": "2025-01-04 00:00:00"}),
        json!({"id": "r3", "created_at": "2025-01-04 23:59:59", "updated_at": "2025-01-04 10:00:00"}),
        json!({"id": "r4", "created_at": "2025-01-05 00:00:00", "updated_at": "2025-02-01 00:00:00"}),
        json!({"id": "r5", "created_at": "2025-01-01 12:00:00", "updated_at": null}),
        json!({"id": "r6", "created_at": "2025-01-04 10:00:00"}),
    ]
}

#[test]
fn modified_since_january_4th_descending() {
    let documented = "q[updated_at][ge]=2025-01-04 00:00:00&limit=10&sort=-updated_at";
    let q = query(documented);
    assert_eq!(
        q.filters,
        vec![Filter::new(
            "updated_at",
            Condition::Compare(Op::Ge, "2025-01-04 00:00:00".into())
        )]
    );
    assert_eq!(q.sort, vec![SortKey::desc("updated_at")]);
    assert_eq!(served(documented, &stamped()), ["r4", "r3", "r2"]);
}

#[test]
fn created_between_december_28th_and_january_4th_descending() {
    let documented = "q[created_at][ge]=2024-12-28 00:00:00&q[created_at][le]=2025-01-04 23:59:59&limit=10&sort=-created_at";
    assert_eq!(query(documented).filters.len(), 2);
    assert_eq!(served(documented, &stamped()), ["r3", "r6", "r5", "r2"]);
}

#[test]
fn omitted_time_defaults_to_midnight() {
    // "Upon omitting the time part, it'll default to 00:00:00."
    assert_eq!(
        served("q[created_at][le]=2025-01-04&sort=created_at", &stamped()),
        ["r1", "r2", "r5"]
    );
    assert_eq!(
        served("q[created_at][ge]=2025-01-04&sort=created_at", &stamped()),
        ["r6", "r3", "r4"]
    );
    assert_eq!(
        served("q[created_at][lt]=2025-01-04&sort=created_at", &stamped()),
        ["r1", "r2", "r5"]
    );
    assert_eq!(
        served("q[created_at][gt]=2025-01-04&sort=created_at", &stamped()),
        ["r6", "r3", "r4"]
    );
}

#[test]
fn services_with_invoice_method_in_list_by_budget_descending() {
    let services = vec![
        json!({"id": "s1", "invoice_method": "Hours", "budget": 5000}),
        json!({"id": "s2", "invoice_method": "FixedFee", "budget": "900.50"}),
        json!({"id": "s3", "invoice_method": "Subscription", "budget": 1200}),
        json!({"id": "s4", "invoice_method": "FixedFee", "budget": "10000"}),
        json!({"id": "s5", "invoice_method": "fixedfee", "budget": null}),
        json!({"id": "s6", "budget": 1}),
    ];
    let documented = "/projects/services?q[invoice_method][in]=FixedFee,Subscription&sort=-budget";
    assert_eq!(
        query(documented).filters,
        vec![Filter::new(
            "invoice_method",
            Condition::In(vec!["FixedFee".into(), "Subscription".into()])
        )]
    );
    assert_eq!(served(documented, &services), ["s4", "s3", "s2", "s5"]);
    assert_eq!(
        served("q[invoice_method][nin]=FixedFee,Subscription", &services),
        ["s1", "s6"]
    );
}

// ---- Custom fields --------------------------------------------------------------------------

fn custom_field(name: &str, label: &str, value: Option<&str>) -> Value {
    let mut field = json!({"name": name, "label": label, "value_type": "Text", "options": []});
    if let (Some(value), Some(map)) = (value, field.as_object_mut()) {
        map.insert("value".into(), json!(value));
    }
    field
}

fn custom_projects() -> Vec<Value> {
    vec![
        json!({
            "id": "project:1", "name": "Docs", "created_at": "2025-01-16 00:00:00",
            "updated_at": "2025-01-20 10:00:00",
            "project_manager": {"id": "employee:a", "employee_id": "employee:a", "name": "Ann", "person_id": "person:a"},
            "custom_fields": [
                custom_field("external_link", "External link", Some("https://DOCS.google.com/d/1")),
                custom_field("part_of_country", "Part of country", None),
            ],
        }),
        json!({
            "id": "project:2", "name": "North office", "created_at": "2025-01-17 09:00:00",
            "updated_at": "2025-01-18 10:00:00",
            "project_manager": {"id": "employee:b", "employee_id": "employee:b", "name": "Bo", "person_id": "person:b"},
            "custom_fields": [custom_field("part_of_country", "Part of country", Some("North"))],
        }),
        json!({
            "id": "project:3", "name": "Unset", "created_at": "2025-01-20 09:00:00",
            "updated_at": "2025-01-21 10:00:00",
            "project_manager": {"id": "employee:c", "employee_id": "employee:c", "name": "Cy", "person_id": "person:c"},
            "custom_fields": [],
        }),
        json!({
            "id": "project:4", "name": "Old", "created_at": "2025-01-15 23:59:59",
            "updated_at": "2025-01-22 10:00:00",
            "project_manager": null,
            "custom_fields": [custom_field("external_link", "External link", Some("https://example.com"))],
        }),
        json!({
            "id": "project:5", "name": "Null", "created_at": "2025-01-18 09:00:00",
            "updated_at": "2025-01-19 10:00:00",
            "project_manager": {"id": "employee:d", "employee_id": "employee:d", "name": "Di", "person_id": "person:d"},
            "custom_fields": [{"name": "part_of_country", "label": "Part of country", "value": null}],
        }),
    ]
}

#[test]
fn projects_linking_to_google_docs() {
    assert_eq!(
        served(
            "q[custom_fields.external_link]=*docs.google.com*",
            &custom_projects()
        ),
        ["project:1"]
    );
}

#[test]
fn projects_without_part_of_country() {
    assert_eq!(
        served(
            "q[custom_fields.part_of_country][nin]=*",
            &custom_projects()
        ),
        ["project:1", "project:3", "project:4", "project:5"]
    );
}

#[test]
fn projects_without_part_of_country_created_after_16th_selected_and_sorted() {
    let documented = "q[custom_fields.part_of_country][nin]=*&q[created_at][ge]=2025-01-16 00:00:00&select=id,name,project_manager.employee_id,project_manager.name&sort=-updated_at";
    let q = query(documented);
    assert_eq!(
        q.select,
        [
            "id",
            "name",
            "project_manager.employee_id",
            "project_manager.name"
        ]
    );
    let served = q.compile().evaluate(&custom_projects()).records;
    assert_eq!(
        served,
        vec![
            json!({"id": "project:3", "name": "Unset",
                   "project_manager": {"employee_id": "employee:c", "name": "Cy"}}),
            json!({"id": "project:1", "name": "Docs",
                   "project_manager": {"employee_id": "employee:a", "name": "Ann"}}),
            json!({"id": "project:5", "name": "Null",
                   "project_manager": {"employee_id": "employee:d", "name": "Di"}}),
        ]
    );
}

#[test]
fn dropdown_custom_fields_match_value_or_label() {
    let rs = vec![json!({
        "id": "organization:1",
        "custom_fields": [{
            "name": "Hostingpakket", "label": "Hostingpakket",
            "value": "customfieldoption:89a32ac8a105f909",
            "options": [
                {"label": "Eigen bedrijf", "value": "customfieldoption:401d7c49590e2c47"},
                {"label": "TransIP", "value": "customfieldoption:89a32ac8a105f909"}
            ]
        }]
    })];
    assert_eq!(
        served("q[custom_fields.Hostingpakket]=TransIP", &rs),
        ["organization:1"]
    );
    assert_eq!(
        served(
            "q[custom_fields.Hostingpakket]=customfieldoption:89a32ac8a105f909",
            &rs
        ),
        ["organization:1"]
    );
    assert!(served("q[custom_fields.Hostingpakket]=Eigen bedrijf", &rs).is_empty());
}

// ---- Pagination ------------------------------------------------------------------------------

#[test]
fn bob_from_offset_11_max_10_by_name_descending() {
    // 25 Bobs (Bob 01 … Bob 25) among others: descending, skip 11, take 10 → Bob 14 … Bob 05.
    let mut rs: Vec<Value> = (1..=25)
        .map(|i| json!({"id": format!("b{i:02}"), "name": format!("Bob {i:02}")}))
        .collect();
    rs.insert(3, json!({"id": "x1", "name": "Alice"}));
    rs.push(json!({"id": "x2", "name": "Robert"}));
    let documented = "q[name]=*Bob*&offset=11&limit=10&sort=-name";
    let q = query(documented);
    assert_eq!((q.offset, q.limit), (Some(11), Some(10)));
    let page = q.compile().evaluate(&rs);
    assert_eq!(page.count, 25);
    let ids: Vec<&str> = page
        .records
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["b14", "b13", "b12", "b11", "b10", "b09", "b08", "b07", "b06", "b05"]
    );
}

#[test]
fn limit_50_default_100_and_never_more_than_100() {
    let rs: Vec<Value> = (0..250).map(|i| json!({"id": format!("r{i}")})).collect();
    assert_eq!(query("limit=50").page(), (0, 50));
    assert_eq!(served("limit=50", &rs).len(), 50);
    assert_eq!(served("", &rs).len(), 100);
    assert_eq!(served("limit=1000", &rs).len(), 100);
    let last = served("offset=200&limit=100", &rs);
    assert_eq!((last.len(), last[0].as_str()), (50, "r200"));
}

// ---- Sorting ---------------------------------------------------------------------------------

#[test]
fn alice_or_gmail_by_name_ascending_and_descending() {
    let asc = "q[name]=Alice&q[or][email]=*gmail.com&limit=10&sort=name";
    let desc = "q[name]=Alice&q[or][email]=*gmail.com&limit=10&sort=-name";
    assert_eq!(served(asc, &people()), ["p7", "p1", "p4", "p2", "p3"]);
    // Descending: nulls last; the Alice/alice tie keeps store order.
    assert_eq!(served(desc, &people()), ["p3", "p2", "p1", "p4", "p7"]);
}

#[test]
fn tracking_creates_and_updates() {
    let documented = "/crm/organization?q[updated_at][ge]=2025-01-18+00:00:00&sort=-updated_at";
    assert_eq!(
        query(documented).filters,
        vec![Filter::new(
            "updated_at",
            Condition::Compare(Op::Ge, "2025-01-18 00:00:00".into())
        )]
    );
    assert_eq!(
        served(documented, &organizations()),
        ["organization:3", "organization:1"]
    );
}

// ---- Metadata --------------------------------------------------------------------------------

#[test]
fn name_like_my_limit_10_with_count_and_limit() {
    let mut rs: Vec<Value> = (0..15)
        .map(|i| json!({"id": format!("m{i}"), "name": format!("Academy {i}")}))
        .collect();
    rs.insert(4, json!({"id": "n1", "name": "Other"}));
    rs.push(json!({"id": "n2", "name": "MY own"}));
    let q = query("q[name]=*my*&limit=10&metadata=count,limit");
    assert_eq!(q.metadata, [MetadataKey::Count, MetadataKey::Limit]);
    assert!(q.wants(MetadataKey::Count) && q.wants(MetadataKey::Limit));
    assert!(!q.wants(MetadataKey::Offset));
    let page = q.compile().evaluate(&rs);
    // "count … ignoring the limit & offset parameters, but taking into account all query
    // parameters".
    assert_eq!((page.count, page.records.len(), page.limit), (16, 10, 10));
    assert!(page.records.iter().all(|r| r["id"] != "n1"));
}
