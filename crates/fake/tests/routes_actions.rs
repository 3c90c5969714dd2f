//! End-to-end tests of the fake Simplicate server's endpoints over real sockets: every operation
//! of the endpoint registry is served with its own methods and refused (405, `Allow`) with the
//! others, unknown paths are 400; the list query language (filters, sort, select, metadata, the
//! documentation's use cases) on seeded data; and the endpoints that are not plain CRUD
//! (duplicate, planningBudget, converttoproject, employeeexpense, quoteemail, merges,
//! comparisons, timesheet row order) as `src/actions.rs` describes them. The raw HTTP/1.1
//! client is in `common/mod.rs`.

mod common;

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};
use simplicate_api::model::model;
use simplicate_api::registry::{self, Method, Methods, Resource, RESOURCES};
use simplicate_fake::{FakeConfig, FakeServer};

use common::*;

/// Registry operations whose answer the registry-wide test does not predict; each has its own
/// test (`item_post_on_custom_field_groups_and_options_is_served`).
const NOT_IMPLEMENTED: &[(Method, &str)] = &[
    (Method::Post, "/customfields/group/{id}"),
    (Method::Post, "/customfields/option/{id}"),
];

/// Where the records an item or action route shows live: the resource's own collection, except
/// for the item endpoints that show another collection's records.
fn home(resource: &Resource) -> String {
    match (resource.module, resource.name) {
        ("sales", "converttoproject") => "sales/sales".to_owned(),
        ("hours", "employeeexpense") => "hours/employeeexpenses".to_owned(),
        ("sales", "quoteemail") => "sales/quote".to_owned(),
        _ => resource.path(),
    }
}

/// "GET, POST": built here by hand, not with the registry's `Display`.
fn allow(methods: Methods) -> String {
    [
        (Method::Get, "GET"),
        (Method::Post, "POST"),
        (Method::Put, "PUT"),
        (Method::Delete, "DELETE"),
    ]
    .iter()
    .filter(|(m, _)| methods.contains(*m))
    .map(|(_, name)| *name)
    .collect::<Vec<_>>()
    .join(", ")
}

/// The id of the first record of `collection`, if it has any (asked over HTTP where the
/// collection lists: a one-record page is served from the stored bytes, much cheaper than
/// decoding the whole collection from the store).
fn first_id(server: &FakeServer, collection: &str) -> Option<String> {
    if server.store().count(collection) == 0 {
        return None;
    }
    let listable =
        registry::find_path(collection).is_some_and(|r| r.collection.contains(Method::Get));
    let page = if listable {
        data_list(&get(server, &format!("/api/v2/{collection}?limit=1")))
    } else {
        server.store().list(collection)
    };
    Some(ids(&page)[0].clone())
}

// ---- the whole registry ------------------------------------------------------------------------

#[test]
fn every_registry_operation_is_served_with_its_own_method() {
    let server = start_light();
    let store = server.store();
    let mut checked = 0;
    for resource in RESOURCES {
        let home = home(resource);
        // Collection POSTs that check their body: every create the model table gives required
        // fields (merges need source_id/target_id, the chunked upload file_name/file_size,
        // timeline attachments message_id/document_id, organizations a name, ...).
        let checks_body = model()
            .create(&resource.path())
            .is_some_and(|write| !write.requires.is_empty())
            || (resource.module, resource.name) == ("upload", "chunked");
        for (method, template) in resource.operations() {
            let existing = first_id(&server, &home);
            let id = existing
                .clone()
                .unwrap_or_else(|| format!("{}:0123456789abcdef", resource.id_prefix));
            let target = format!("/api/v2{}", template.replace("{id}", &id));
            let what = format!("{method} {target}");
            let reply = call(&server, method.as_str(), &target, "{}");
            assert_ne!(reply.status, 405, "{what}: {}", reply.text());
            if reply.status == 400 {
                let msg = reply.error_message(400);
                assert!(!msg.starts_with("Unknown endpoint"), "{what}: {msg}");
            }
            if NOT_IMPLEMENTED.contains(&(method, template.as_str())) {
                continue;
            }
            let action = resource
                .actions
                .iter()
                .any(|a| template.ends_with(&format!("}}/{}", a.name)));
            // Project services stored with another invoice method than FixedFee or Hours cannot
            // be modified nor duplicated (Known Limitations).
            let locked_service = home == "projects/service"
                && existing.as_ref().is_some_and(|id| {
                    store.get(&home, id).is_some_and(|service| {
                        !matches!(
                            service["invoice_method"].as_str(),
                            Some("FixedFee" | "Hours")
                        )
                    })
                });
            let expected = match (template.contains("{id}"), method) {
                (false, Method::Get) => 200,
                (false, Method::Post) if checks_body => 400, // "{}" lacks the fields
                (false, Method::Post) => 200,
                (false, Method::Put) if resource.name == "timesheetrow/order" => 200,
                (false, Method::Put) => 400, // the body names no record
                (false, Method::Delete) => panic!("no collection takes DELETE: {what}"),
                (true, _) if existing.is_none() => 404,
                (true, Method::Put) if resource.name == "quoteemail" => 400, // no email
                (true, Method::Put | Method::Post) if locked_service => 400,
                (true, _) => 200,
            };
            assert_eq!(reply.status, expected, "{what}: {}", reply.text());
            checked += 1;
            if expected != 200 {
                reply.error_message(expected);
                continue;
            }
            // What a 200 carries.
            let data = reply.data();
            match (template.contains("{id}"), method, action) {
                // One week, not a list: the week of the latest timesheet row.
                (false, Method::Get, _) if resource.name == "timesheetrow/mostrecent" => {
                    assert!(data["start_date"].is_string(), "{what}: {data}");
                    assert!(data["end_date"].is_string(), "{what}: {data}");
                }
                (false, Method::Get, _) => {
                    let n = store.count(&resource.path()).min(100);
                    assert_eq!(data.as_array().map(Vec::len), Some(n), "{what}");
                }
                (false, Method::Post, _) => {
                    let new = created_id(&reply);
                    assert_id(&new, resource.id_prefix, 32);
                    assert!(store.get(&resource.path(), &new).is_some(), "{what}");
                }
                (false, Method::Put, _) => assert_eq!(data, Value::Null, "{what}"),
                // The single-item quirk (`contact_person_item_is_a_one_element_list`).
                (true, Method::Get, false) if home == "crm/contactperson" => {
                    assert_eq!(Some(data[0].clone()), store.get(&home, &id), "{what}")
                }
                (true, Method::Get, false) => {
                    assert_eq!(Some(data), store.get(&home, &id), "{what}")
                }
                (true, Method::Put, false) => assert_eq!(data, json!({"id": id}), "{what}"),
                (true, Method::Delete, false) => {
                    assert_eq!(data, Value::Null, "{what}");
                    assert!(store.get(&home, &id).is_none(), "{what}");
                }
                (true, Method::Post, true) => {
                    let new = created_id(&reply);
                    assert_ne!(new, id);
                    assert!(store.get(&home, &new).is_some(), "{what}");
                }
                (true, Method::Get, true) => assert_eq!(data["id"], id.as_str(), "{what}"),
                _ => panic!("unexpected operation {what}"),
            }
        }
    }
    assert_eq!(checked + NOT_IMPLEMENTED.len(), registry::operation_count());
    assert_eq!(registry::operation_count(), 327);
}

#[test]
fn every_route_refuses_other_methods_with_405_and_allow() {
    let server = shared();
    let store = server.store();
    let counts: BTreeMap<String, usize> = RESOURCES
        .iter()
        .map(|r| (home(r), store.count(&home(r))))
        .collect();
    let mut refused = 0;
    for resource in RESOURCES {
        let base = format!("/api/v2/{}", resource.path());
        let id = first_id(server, &home(resource))
            .unwrap_or_else(|| format!("{}:0123456789abcdef", resource.id_prefix));
        let mut routes = vec![
            (base.clone(), resource.collection),
            (format!("{base}/{id}"), resource.item),
        ];
        for action in resource.actions {
            routes.push((
                format!("{base}/{id}/{}", action.name),
                Methods::from(action.method),
            ));
        }
        for (target, methods) in routes.into_iter().filter(|(_, m)| !m.is_empty()) {
            // Every method the route does not take, standard or not, across the sweep; one per
            // route (in turn) keeps it quick.
            let others: Vec<&str> = Method::ALL
                .into_iter()
                .filter(|m| !methods.contains(*m))
                .map(Method::as_str)
                .chain(["PATCH", "OPTIONS"])
                .collect();
            let turn = refused % others.len();
            for method in [others[turn], others[(turn + 1) % others.len()]] {
                let reply = send_json(server, method, &target, "{}");
                if method == "DELETE" && target.starts_with("/api/v2/invoices/payment/") {
                    // A limitation, answered as one (`payments_cannot_be_deleted`).
                    assert_eq!(reply.error_message(400), "Payments cannot be deleted");
                    continue;
                }
                let msg = reply.error_message(405);
                let expected = allow(methods);
                assert_eq!(
                    reply.header("allow"),
                    Some(expected.as_str()),
                    "{method} {target}"
                );
                assert!(
                    msg.contains(method) && msg.contains(&expected) && msg.contains(&target),
                    "{msg}"
                );
                refused += 1;
            }
        }
    }
    assert!(refused > 400, "{refused}");
    for (collection, count) in counts {
        assert_eq!(store.count(&collection), count, "{collection} unchanged");
    }
}

#[test]
fn levels_and_actions_the_registry_lacks_are_unknown_endpoints() {
    let server = shared();
    let mut checked = 0;
    for resource in RESOURCES {
        let base = format!("/api/v2/{}", resource.path());
        let id = format!("{}:0123456789abcdef", resource.id_prefix);
        let mut targets = Vec::new();
        if resource.collection.is_empty() {
            targets.push(base.clone());
        }
        if resource.item.is_empty() {
            targets.push(format!("{base}/{id}"));
        }
        for action in ["duplicate", "planningBudget"] {
            if resource.action(action).is_none() {
                targets.push(format!("{base}/{id}/{action}"));
            }
        }
        targets.push(format!("{base}/{id}/nothing"));
        // Routing comes before the method check: any method will do; they take turns.
        for target in targets {
            let method = ["GET", "POST", "PUT", "DELETE", "PATCH"][checked % 5];
            let msg = send_json(server, method, &target, "{}").error_message(400);
            assert_eq!(msg, format!("Unknown endpoint: {method} {target}"));
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked}");
}

#[test]
fn unknown_endpoints_are_400() {
    let server = shared();
    for path in [
        "/",
        "/nowhere",
        "/api/v1/crm/organization",
        "/apiv2/crm/organization",
        "/api/v2crm/organization",
        "/api/v2",
        "/api/v2/",
        "/api/v2/crm",
        "/api/v2/crm/",
        "/api/v2/nonsense/organization",
        "/api/v2/crm/organization/x/y",
        "/api/v2/crm/organization/x/y/z",
        "/api/v2/CRM/organization",
        "/api/v2/crm/Organization",
        "/api/v2/crm/org.anization",
        "/api/v2/crm/organizationx",
        "/api/v2/crm/organization//x",
        "/api/v2/crm/organization/%zz",
        "/api/v2/crm/organization/a%0Ab",
        "/api/v2/crm/organization/%C3%28",
        "/api/v2/projects/project/x/duplicate",
        "/api/v2/projects/project/x/planningbudget",
        "/api/v2/projects/project/x/planningBudget/more",
        "/api/v2/sales/converttoproject",
        "/api/v2/hours/timesheetrow/order/x",
    ] {
        let msg = get(server, path).error_message(400);
        assert_eq!(msg, format!("Unknown endpoint: GET {path}"));
    }
    for method in ["POST", "PUT", "DELETE"] {
        let msg = send_json(server, method, "/api/v2/crm", "{}").error_message(400);
        assert_eq!(msg, format!("Unknown endpoint: {method} /api/v2/crm"));
    }
    // Routing ignores the query string, and a trailing slash.
    let msg = get(server, "/api/v2/crm?limit=1").error_message(400);
    assert_eq!(msg, "Unknown endpoint: GET /api/v2/crm");
    assert_eq!(
        get(server, &format!("{ORGS}/")).body,
        get(server, ORGS).body
    );
    let id = first_id(server, "crm/organization").expect("seeded");
    assert_eq!(
        get(server, &format!("{ORGS}/{id}/")).data()["id"],
        id.as_str()
    );
}

#[test]
fn wrong_methods_are_405_with_allow() {
    let server = shared();
    let id = first_id(server, "crm/organization").expect("seeded");
    let item = format!("{ORGS}/{id}");
    let service = first_id(server, "projects/service").expect("seeded");
    for (method, target, allow) in [
        ("PUT", ORGS.to_owned(), "GET, POST"),
        ("DELETE", ORGS.to_owned(), "GET, POST"),
        ("PATCH", ORGS.to_owned(), "GET, POST"),
        ("POST", item.clone(), "GET, PUT, DELETE"),
        ("PATCH", item.clone(), "GET, PUT, DELETE"),
        (
            "DELETE",
            "/api/v2/crm/document".to_owned(),
            "GET, POST, PUT",
        ),
        ("PUT", "/api/v2/crm/document/x".to_owned(), "GET, DELETE"),
        ("GET", "/api/v2/crm/mergeorganization".to_owned(), "POST"),
        ("GET", "/api/v2/hours/timesheetrow/order".to_owned(), "PUT"),
        ("POST", "/api/v2/hours/timesheetrow/x".to_owned(), "DELETE"),
        ("GET", "/api/v2/sales/quoteemail/x".to_owned(), "PUT"),
        (
            "DELETE",
            "/api/v2/sales/converttoproject/x".to_owned(),
            "GET",
        ),
        ("GET", format!("{SERVICES}/{service}/duplicate"), "POST"),
        (
            "POST",
            format!("{SERVICES}/{service}/planningBudget"),
            "GET",
        ),
        ("DELETE", "/api/v2/sales/sales/x".to_owned(), "GET, PUT"),
    ] {
        let before = (
            server.store().count("crm/organization"),
            server.store().count("projects/service"),
        );
        let reply = send_json(server, method, &target, "{}");
        let msg = reply.error_message(405);
        assert_eq!(reply.header("allow"), Some(allow), "{method} {target}");
        assert!(msg.contains(allow) && msg.contains(method), "{msg}");
        // Nothing was written.
        let after = (
            server.store().count("crm/organization"),
            server.store().count("projects/service"),
        );
        assert_eq!(after, before, "{method} {target}");
    }
    let sizes: BTreeMap<&str, usize> = DEFAULT_SIZES.iter().copied().collect();
    assert_eq!(
        server.store().count("crm/organization"),
        sizes["crm/organization"]
    );
    assert_eq!(
        server.store().count("projects/service"),
        sizes["projects/service"]
    );
}

// ---- the query language over HTTP --------------------------------------------------------------

/// The `value` of the custom field `name` of `record` (null when unset or absent).
fn custom_field<'a>(record: &'a Value, name: &str) -> &'a Value {
    record["custom_fields"]
        .as_array()
        .and_then(|fields| fields.iter().find(|f| f["name"] == name))
        .map_or(&Value::Null, |f| &f["value"])
}

fn lower(v: &Value) -> Option<String> {
    v.as_str().map(str::to_lowercase)
}

#[test]
fn filter_on_nested_fields() {
    let server = shared();
    let projects = server.store().list("projects/project");
    // The organization with the most projects, so the filter has something to tell apart.
    let mut per_org: BTreeMap<String, usize> = BTreeMap::new();
    for p in &projects {
        if let Some(name) = p["organization"]["name"].as_str() {
            *per_org.entry(name.to_owned()).or_default() += 1;
        }
    }
    let (name, &n) = per_org.iter().max_by_key(|(_, n)| **n).expect("projects");
    assert!(n >= 2 && n < projects.len(), "{name}: {n}");
    let expected: Vec<Value> = projects
        .iter()
        .filter(|p| p["organization"]["name"] == name.as_str())
        .cloned()
        .collect();
    for value in [name.clone(), name.to_uppercase()] {
        let found = all_pages(
            server,
            &format!("{PROJECTS}?q[organization.name]={}", enc(&value)),
        );
        assert_eq!(found, expected, "{value}");
        assert_eq!(found.len(), n);
    }
    // Two levels deep, as in the documentation's "My Company" example.
    let own = projects[0]["my_organization_profile"]["organization"]["name"]
        .as_str()
        .expect("own organization")
        .to_owned();
    let expected: Vec<String> = ids(&projects
        .iter()
        .filter(|p| p["my_organization_profile"]["organization"]["name"] == own.as_str())
        .cloned()
        .collect::<Vec<_>>());
    let found = all_pages(
        server,
        &format!(
            "{PROJECTS}?q[my_organization_profile.organization.name]={}&select=id",
            enc(&own)
        ),
    );
    assert_eq!(ids(&found), expected);
    // Wildcards inside nested values.
    let word = name.split_whitespace().next().expect("a word").to_owned();
    let expected = projects
        .iter()
        .filter(|p| {
            lower(&p["organization"]["name"]).is_some_and(|n| n.contains(&word.to_lowercase()))
        })
        .count();
    let target = format!(
        "{PROJECTS}?q[organization.name]=*{}*&metadata=count&limit=0",
        enc(&word)
    );
    assert_eq!(count_of(server, &target), expected as u64);
    // Nothing matches a name nobody has.
    let reply = get(
        server,
        &format!("{PROJECTS}?q[organization.name]=Nobody%20B.V.&metadata=count"),
    );
    assert!(data_list(&reply).is_empty());
    assert_eq!(reply.json()["metadata"]["count"], 0);
}

#[test]
fn filter_on_custom_fields() {
    let server = shared();
    let store = server.store();
    let orgs = store.list("crm/organization");
    let north: Vec<String> = ids(&orgs
        .iter()
        .filter(|o| custom_field(o, "part_of_country") == "North")
        .cloned()
        .collect::<Vec<_>>());
    let unset: Vec<String> = ids(&orgs
        .iter()
        .filter(|o| custom_field(o, "part_of_country").is_null())
        .cloned()
        .collect::<Vec<_>>());
    assert!(!north.is_empty() && !unset.is_empty());
    let listed = |query: &str| -> Vec<String> {
        ids(&all_pages(server, &format!("{ORGS}?{query}&select=id")))
    };
    assert_eq!(listed("q[custom_fields.part_of_country]=North"), north);
    assert_eq!(listed("q[custom_fields.part_of_country]=north"), north);
    assert_eq!(listed("q[custom_fields.part_of_country][nin]=*"), unset);
    assert_eq!(
        listed("q[custom_fields.part_of_country]=null"),
        unset,
        "null finds unset fields"
    );
    assert_eq!(
        listed("q[custom_fields.part_of_country][in]=North,South").len(),
        orgs.iter()
            .filter(|o| ["North", "South"]
                .map(Value::from)
                .contains(custom_field(o, "part_of_country")))
            .count()
    );

    // The documentation's project use case: links to Google Docs.
    let projects = store.list("projects/project");
    let expected: Vec<String> = ids(&projects
        .iter()
        .filter(|p| {
            lower(custom_field(p, "external_link")).is_some_and(|v| v.contains("docs.google.com"))
        })
        .cloned()
        .collect::<Vec<_>>());
    assert!(!expected.is_empty() && expected.len() < projects.len());
    let found = all_pages(
        server,
        &format!("{PROJECTS}?q[custom_fields.external_link]=*docs.google.com*&select=id"),
    );
    assert_eq!(ids(&found), expected);

    // The documentation's combined use case: no part_of_country yet, created since a date,
    // a few fields, newest changes first.
    let mut expected: Vec<Value> = projects
        .iter()
        .filter(|p| {
            custom_field(p, "part_of_country").is_null()
                && p["created_at"].as_str() >= Some("2024-01-16 00:00:00")
        })
        .cloned()
        .collect();
    expected.sort_by(|a, b| b["updated_at"].as_str().cmp(&a["updated_at"].as_str()));
    let expected: Vec<Value> = expected
        .iter()
        .map(|p| {
            let manager = &p["project_manager"];
            json!({
                "id": p["id"],
                "name": p["name"],
                "project_manager": if manager.is_null() {
                    Value::Null
                } else {
                    json!({"employee_id": manager["employee_id"], "name": manager["name"]})
                },
            })
        })
        .collect();
    assert!(!expected.is_empty());
    let found = all_pages(
        server,
        &format!(
            "{PROJECTS}?q[custom_fields.part_of_country][nin]=*&q[created_at][ge]=2024-01-16%2000:00:00\
             &select=id,name,project_manager.employee_id,project_manager.name&sort=-updated_at"
        ),
    );
    assert_eq!(found, expected);
}

#[test]
fn filter_with_operators_or_and_booleans() {
    let server = shared();
    let store = server.store();
    let persons = store.list("crm/person");
    let list_ids =
        |target: &str| -> Vec<String> { ids(&all_pages(server, &format!("{target}&select=id"))) };
    let matching = |f: &dyn Fn(&Value) -> bool| -> Vec<String> {
        ids(&persons.iter().filter(|p| f(p)).cloned().collect::<Vec<_>>())
    };

    // Dates: created in the first quarter of 2025 (a date without time is 00:00:00).
    let expected = matching(&|p| {
        let c = p["created_at"].as_str().unwrap_or("");
        ("2025-01-01 00:00:00"..="2025-03-31 23:59:59").contains(&c)
    });
    assert!(!expected.is_empty());
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[created_at][ge]=2025-01-01&q[created_at][le]=2025-03-31+23:59:59"
        )),
        expected
    );
    let expected = matching(&|p| p["created_at"].as_str().unwrap_or("") < "2023-03-01 00:00:00");
    assert!(!expected.is_empty());
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[created_at][lt]=2023-03-01%2000:00:00"
        )),
        expected
    );

    // OR: first name Sanne, or an xs4all address.
    let expected = matching(&|p| {
        p["first_name"] == "Sanne"
            || p["email"]
                .as_str()
                .is_some_and(|e| e.ends_with("xs4all.nl"))
    });
    let sanne = matching(&|p| p["first_name"] == "Sanne");
    assert!(expected.len() > sanne.len() && !sanne.is_empty());
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[first_name]=Sanne&q[or][email]=*xs4all.nl"
        )),
        expected
    );
    // AND: both must hold.
    let expected = matching(&|p| {
        p["first_name"] == "Sanne"
            && p["email"]
                .as_str()
                .is_some_and(|e| e.ends_with("xs4all.nl"))
    });
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[first_name]=Sanne&q[email]=*xs4all.nl"
        )),
        expected
    );
    // Any of a list.
    let expected = matching(&|p| p["first_name"] == "Sanne" || p["first_name"] == "Daan");
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[first_name][]=Sanne&q[first_name][]=Daan"
        )),
        expected
    );
    // Booleans read as 1/0.
    let active = matching(&|p| p["is_active"] == true);
    assert!(!active.is_empty() && active.len() < persons.len());
    let reply = get(server, &format!("{PERSONS}?q[is_active]=1&metadata=count"));
    assert_eq!(reply.json()["metadata"]["count"], json!(active.len()));
    let reply = get(server, &format!("{PERSONS}?q[is_active]=0&metadata=count"));
    assert_eq!(
        reply.json()["metadata"]["count"],
        json!(persons.len() - active.len())
    );
}

#[test]
fn sort_by_updated_at_descending() {
    let server = shared();
    let mut expected = server.store().list("crm/organization");
    // Stable: ties keep store order.
    expected.sort_by(|a, b| b["updated_at"].as_str().cmp(&a["updated_at"].as_str()));
    let all = all_pages(server, &format!("{ORGS}?sort=-updated_at"));
    assert!(all.len() > 200, "several pages");
    assert_eq!(ids(&all), ids(&expected));
    assert_eq!(all, expected, "whole records, not just their order");
    for pair in all.windows(2) {
        assert!(pair[0]["updated_at"].as_str() >= pair[1]["updated_at"].as_str());
    }
    // Ascending is the reverse (no ties between whole timestamps here).
    let times: HashSet<&str> = all
        .iter()
        .filter_map(|r| r["updated_at"].as_str())
        .collect();
    assert_eq!(times.len(), all.len(), "no ties in this seed");
    let asc = data_list(&get(
        server,
        &format!("{ORGS}?sort=updated_at&offset=150&select=id"),
    ));
    let mut reversed = ids(&all);
    reversed.reverse();
    assert_eq!(ids(&asc), reversed[150..250].to_vec());
    // Nested keys and several keys.
    let reply = get(
        server,
        &format!("{ORGS}?sort=relation_type.label,-name&limit=100&select=id,name,relation_type."),
    );
    let page = data_list(&reply);
    for pair in page.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (la, lb) = (
            lower(&a["relation_type"]["label"]),
            lower(&b["relation_type"]["label"]),
        );
        assert!(la <= lb, "{la:?} then {lb:?}");
        if la == lb {
            assert!(lower(&a["name"]) >= lower(&b["name"]), "{a} then {b}");
        }
    }
}

#[test]
fn select_keeps_only_the_named_fields() {
    let server = shared();
    let all = server.store().list("crm/organization");
    let reply = get(server, &format!("{ORGS}?select=id,relation_type.&limit=5"));
    let page = data_list(&reply);
    assert_eq!(page.len(), 5);
    for (got, full) in page.iter().zip(&all) {
        assert_eq!(
            got,
            &json!({"id": full["id"], "relation_type": full["relation_type"]})
        );
        let keys: Vec<&String> = got.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["id", "relation_type"]);
    }
    // The documentation's nested example; `id` is kept even when not asked for.
    let page = data_list(&get(
        server,
        &format!("{ORGS}?select=debtor.payment_term.,name&limit=3"),
    ));
    for (got, full) in page.iter().zip(&all) {
        assert_eq!(
            got,
            &json!({"id": full["id"], "name": full["name"],
                    "debtor": {"payment_term": full["debtor"]["payment_term"]}})
        );
    }
    // With a filter, select applies to the matches.
    let page = data_list(&get(
        server,
        &format!("{ORGS}?q[relation_type.label]=Partner&select=name"),
    ));
    assert!(!page.is_empty());
    for got in &page {
        let keys: Vec<&String> = got.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["id", "name"]);
    }
}

#[test]
fn metadata_count_is_the_number_of_matches() {
    let server = shared();
    let orgs = server.store().list("crm/organization");
    for label in ["Klant", "Prospect", "Leverancier", "Partner", "Oud-klant"] {
        let expected: Vec<&Value> = orgs
            .iter()
            .filter(|o| o["relation_type"]["label"] == label)
            .collect();
        let reply = get(
            server,
            &format!(
                "{ORGS}?q[relation_type.label]={label}&limit=5&offset=1&metadata=count,limit,offset"
            ),
        );
        assert_eq!(
            reply.json()["metadata"],
            json!({"count": expected.len(), "limit": 5, "offset": 1}),
            "{label}"
        );
        let page = data_list(&reply);
        let want: Vec<Value> = expected
            .iter()
            .skip(1)
            .take(5)
            .map(|v| (*v).clone())
            .collect();
        assert_eq!(page, want, "{label}");
    }
}

#[test]
fn every_metadata_word_of_the_spec_is_answered() {
    let server = start_light();
    let target = format!(
        "{ORGS}?q[is_active]=1&limit=3&offset=2&sort=name\
         &metadata=count,total_count,offset,limit,upper_limit,nocleanup,checksum"
    );
    let reply = get(&server, &target);
    let metadata = reply.json()["metadata"].clone();
    let active = server
        .store()
        .list("crm/organization")
        .iter()
        .filter(|o| o["is_active"] == json!(true))
        .count();
    assert!(active > 5 && active < 20, "{active}");
    let checksum = metadata["checksum"]
        .as_str()
        .expect("checksum is text")
        .to_owned();
    assert_eq!(
        metadata,
        json!({"count": active, "total_count": 20, "offset": 2, "limit": 3,
               "upper_limit": 100, "nocleanup": false, "checksum": checksum})
    );
    // The spec's order, and only what was asked for.
    let text = reply.text();
    let keys = [
        "\"count\"",
        "\"total_count\"",
        "\"offset\"",
        "\"limit\"",
        "\"upper_limit\"",
        "\"nocleanup\"",
        "\"checksum\"",
    ];
    let at: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    let only = get(
        &server,
        &format!("{ORGS}?limit=1&metadata=total_count,upper_limit"),
    );
    assert_eq!(
        only.json()["metadata"],
        json!({"total_count": 20, "upper_limit": 100})
    );
    // The plain path (stored bytes) answers the same words.
    let plain = get(
        &server,
        &format!("{ORGS}?limit=500&metadata=count,total_count,limit"),
    );
    assert_eq!(
        plain.json()["metadata"],
        json!({"count": 20, "total_count": 20, "limit": 100})
    );

    // The checksum: 16 hex digits, stable while the page is unchanged, not about `select`, and
    // different when a record of the page is updated, or the page holds other records.
    assert!(checksum.len() == 16 && is_hex(&checksum), "{checksum}");
    let of = |query: &str| -> String {
        let reply = get(&server, &format!("{ORGS}?{query}&metadata=checksum"));
        reply.json()["metadata"]["checksum"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let page = "q[is_active]=1&limit=3&offset=2&sort=name";
    assert_eq!(of(page), checksum);
    assert_eq!(of(&format!("{page}&select=name")), checksum);
    assert_ne!(of("q[is_active]=1&limit=3&offset=3&sort=name"), checksum);
    assert_ne!(of("q[is_active]=1&limit=2&offset=2&sort=name"), checksum);
    assert_eq!(of("limit=0"), of("q[name]=nobody"));
    let second = ids(&data_list(&get(&server, &format!("{ORGS}?{page}"))))[1].clone();
    sleep_into_next_second();
    let reply = send_json(
        &server,
        "PUT",
        &format!("{ORGS}/{second}"),
        r#"{"note": "changed"}"#,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_ne!(of(page), checksum);
}

#[test]
fn unknown_metadata_words_are_400_naming_them() {
    let server = shared();
    for word in ["total", "COUNT", "upperlimit", "check_sum"] {
        let message = get(server, &format!("{ORGS}?metadata=count,{word}")).error_message(400);
        assert!(message.starts_with("metadata: "), "{message}");
        assert!(message.contains(&format!("'{word}'")), "{message}");
        assert!(message.contains("total_count"), "{message}");
    }
}

#[test]
fn services_by_invoice_method_sorted_by_budget() {
    // The documentation's example: /projects/service?q[invoice_method][in]=FixedFee,Subscription&sort=-budget
    let server = shared();
    let mut expected: Vec<Value> = server
        .store()
        .list("projects/service")
        .into_iter()
        .filter(|s| s["invoice_method"] == "FixedFee" || s["invoice_method"] == "Subscription")
        .collect();
    let budget = |s: &Value| -> f64 {
        s["budget"]
            .as_str()
            .expect("budget string")
            .parse()
            .expect("numeric")
    };
    // Amounts are strings (a quirk, on by default), but compare as numbers ("9.5" < "10").
    expected.sort_by(|a, b| budget(b).total_cmp(&budget(a)));
    let services = server.store().count("projects/service");
    assert!(expected.len() > 10 && expected.len() < services);
    let reply = get(
        server,
        &format!(
            "{SERVICES}?q[invoice_method][in]=FixedFee,Subscription&sort=-budget&select=id,budget,invoice_method&metadata=count"
        ),
    );
    assert_eq!(reply.json()["metadata"]["count"], json!(expected.len()));
    let page = data_list(&reply);
    assert_eq!(ids(&page), ids(&expected[..expected.len().min(100)]));
    for pair in page.windows(2) {
        assert!(budget(&pair[0]) >= budget(&pair[1]));
    }
    let none = get(
        server,
        &format!("{SERVICES}?q[invoice_method][nin]=FixedFee,Subscription,Hours&metadata=count"),
    );
    assert_eq!(none.json()["metadata"]["count"], 0);
}

#[test]
fn tracking_creates_and_updates() {
    // The documentation's use case: ?q[updated_at][ge]=<last call>&sort=-updated_at shows what
    // was created or updated since.
    let server = start_light();
    let since = format_timestamp(now());
    let updated = server.store().list("crm/organization")[5]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let reply = send_json(
        &server,
        "PUT",
        &format!("{ORGS}/{updated}"),
        r#"{"note": "called back"}"#,
    );
    assert_eq!(reply.status, 200);
    // Timestamps have whole seconds: the creation comes a second later, so it is the newest.
    sleep_into_next_second();
    let created = created_id(&send_json(
        &server,
        "POST",
        ORGS,
        r#"{"name": "Nieuw B.V."}"#,
    ));

    for since in [since.replace(' ', "+"), since.replace(' ', "%20")] {
        let reply = get(
            &server,
            &format!("{ORGS}?q[updated_at][ge]={since}&sort=-updated_at&metadata=count"),
        );
        let page = data_list(&reply);
        assert_eq!(ids(&page), [created.clone(), updated.clone()], "{since}");
        assert_eq!(reply.json()["metadata"]["count"], 2);
        assert!(page[0]["updated_at"].as_str() > page[1]["updated_at"].as_str());
    }
    // Polling again from the update's own timestamp with gt: only the newer creation.
    let after_update = server
        .store()
        .get("crm/organization", &updated)
        .expect("kept")["updated_at"]
        .as_str()
        .expect("updated_at")
        .replace(' ', "+");
    let page = data_list(&get(
        &server,
        &format!("{ORGS}?q[updated_at][gt]={after_update}&sort=-updated_at"),
    ));
    assert_eq!(ids(&page), [created.as_str()]);
    let after_create = server
        .store()
        .get("crm/organization", &created)
        .expect("kept")["updated_at"]
        .as_str()
        .expect("updated_at")
        .replace(' ', "+");
    assert!(data_list(&get(
        &server,
        &format!("{ORGS}?q[updated_at][gt]={after_create}")
    ))
    .is_empty());
}

// ---- special endpoints -------------------------------------------------------------------------

/// Asserts `copy` is `original` with a new id, fresh timestamps and `overrides` applied; the
/// fields keep their order.
fn assert_duplicate(original: &Value, copy: &Value, new_id: &str, overrides: &Value) {
    let (original, copy) = (
        original.as_object().expect("object"),
        copy.as_object().expect("object"),
    );
    let keys = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(copy), keys(original));
    for (key, value) in original {
        match key.as_str() {
            "id" => assert_eq!(copy[key], new_id),
            "created_at" | "updated_at" => assert_recent(&copy[key]),
            // The legacy timestamps are the copy's own too.
            "created" => assert_eq!(copy[key], copy["created_at"]),
            "modified" => assert_eq!(copy[key], copy["updated_at"]),
            _ => match overrides.get(key) {
                Some(v) => assert_eq!(&copy[key], v, "{key}"),
                None => assert_eq!(&copy[key], value, "{key}"),
            },
        }
    }
}

#[test]
fn duplicate_copies_a_record_with_a_new_id() {
    let server = start_light();
    let store = server.store();
    let services = store.list("projects/service");
    // Only FixedFee and Hours services can be written (Known Limitations), copies included.
    let writable = |s: &&Value| matches!(s["invoice_method"].as_str(), Some("FixedFee" | "Hours"));
    let uuid = services
        .iter()
        .filter(writable)
        .find(|s| s["id"].as_str().is_some_and(|id| !id.contains(':')))
        .expect("a service with a UUID id");
    let classic = services
        .iter()
        .filter(writable)
        .find(|s| {
            s["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("service:"))
        })
        .expect("a service with a classic id");
    let overrides = json!({"name": "Kopie", "price": "1.00"});
    let mut body = overrides.clone();
    body["id"] = json!("service:evil");
    body["created_at"] = json!("2000-01-01 00:00:00");
    for original in [uuid, classic] {
        let id = original["id"].as_str().expect("id");
        let reply = send_json(
            &server,
            "POST",
            &format!("{SERVICES}/{id}/duplicate"),
            &body.to_string(),
        );
        let new = created_id(&reply);
        assert_id(&new, "service", 32);
        let copy = get(&server, &format!("{SERVICES}/{new}")).data();
        assert_duplicate(original, &copy, &new, &overrides);
        assert_eq!(
            store.get("projects/service", id).as_ref(),
            Some(original),
            "the original is untouched"
        );
    }
    assert_eq!(store.count("projects/service"), services.len() + 2);
    assert!(store.get("projects/service", "service:evil").is_none());
    // The copy comes last, like any new record.
    let last = data_list(&get(
        &server,
        &format!("{SERVICES}?offset={}", services.len() + 1),
    ));
    assert_eq!(last[0]["name"], "Kopie");
    // A subscription service cannot be copied: only FixedFee and Hours services are written.
    let subscription = store.insert(
        "projects/service",
        object(json!({"name": "Onderhoud", "invoice_method": "Subscription"})),
    );
    let msg = send_json(
        &server,
        "POST",
        &format!("{SERVICES}/{subscription}/duplicate"),
        "{}",
    )
    .error_message(400);
    assert_eq!(
        msg,
        "Project services with invoice_method Subscription cannot be created; only FixedFee or \
         Hours"
    );

    // Sales, with an empty body: an exact copy.
    let sale = store.list("sales/sales")[0].clone();
    let id = sale["id"].as_str().expect("id");
    let new = created_id(&send_json(
        &server,
        "POST",
        &format!("/api/v2/sales/sales/{id}/duplicate"),
        "{}",
    ));
    assert_id(&new, "sales", 32);
    assert_duplicate(
        &sale,
        &store.get("sales/sales", &new).expect("copy"),
        &new,
        &json!({}),
    );

    // Create a sales service, then duplicate it.
    let before = store.count("sales/service");
    let id = created_id(&send_json(
        &server,
        "POST",
        "/api/v2/sales/service",
        &json!({"sales_id": sale["id"], "name": "Advies", "invoice_method": "FixedFee",
                "price": "950.00"})
        .to_string(),
    ));
    let new = created_id(&send_json(
        &server,
        "POST",
        &format!("/api/v2/sales/service/{id}/duplicate"),
        r#"{"price": "1000.00"}"#,
    ));
    let copy = get(&server, &format!("/api/v2/sales/service/{new}")).data();
    assert_eq!(copy["name"], "Advies");
    assert_eq!(copy["price"], "1000.00");
    assert_eq!(store.count("sales/service"), before + 2);

    // Missing records, bad bodies.
    for path in [
        "/api/v2/projects/service/service:missing/duplicate",
        "/api/v2/sales/sales/sales:missing/duplicate",
        "/api/v2/sales/service/service:missing/duplicate",
    ] {
        let msg = send_json(&server, "POST", path, "{}").error_message(404);
        assert!(msg.contains(":missing"), "{msg}");
    }
    let target = format!("/api/v2/sales/service/{id}/duplicate");
    send_json(&server, "POST", &target, "[]").error_message(400);
    send_typed(&server, "POST", &target, None, "{}").error_message(400);
    assert_eq!(store.count("sales/service"), before + 2);
}

/// (hours, entries) booked on each project or service id, from the seeded hours.
fn tally(hours: &[Value], link: &str) -> BTreeMap<String, (f64, u64)> {
    let mut out: BTreeMap<String, (f64, u64)> = BTreeMap::new();
    for entry in hours {
        if let Some(id) = entry[link]["id"].as_str() {
            let slot = out.entry(id.to_owned()).or_default();
            slot.0 += entry["hours"].as_f64().expect("hours");
            slot.1 += 1;
        }
    }
    out
}

fn assert_budget(data: &Value, id: &str, budget: &Value, hours: f64, entries: u64) {
    assert_eq!(data["id"], id);
    assert_eq!(&data["budget"], budget);
    assert_eq!(data["hours_spent"].as_f64(), Some(hours), "{data}");
    assert_eq!(data["hours_entries"].as_u64(), Some(entries), "{data}");
    assert_eq!(data.as_object().map(|m| m.len()), Some(4), "{data}");
}

#[test]
fn planning_budget_sums_the_hours_booked() {
    let server = start(0);
    let store = server.store();
    let hours = store.list("hours/hours");
    let by_project = tally(&hours, "project");
    let by_service = tally(&hours, "projectservice");
    // The busiest service, and its project.
    let (service, &(service_hours, service_entries)) = by_service
        .iter()
        .max_by_key(|(_, (_, n))| *n)
        .expect("hours");
    let service_record = store.get("projects/service", service).expect("service");
    let project = service_record["project_id"].as_str().expect("project_id");
    let project_record = store.get("projects/project", project).expect("project");
    let (project_hours, project_entries) = by_project[project];
    assert!(service_entries >= 2 && project_entries >= service_entries);

    let project_target = format!("{PROJECTS}/{project}/planningBudget");
    let service_target = format!("{SERVICES}/{service}/planningBudget");
    let data = get(&server, &project_target).data();
    assert_budget(
        &data,
        project,
        &project_record["budget"],
        project_hours,
        project_entries,
    );
    let data = get(&server, &service_target).data();
    assert_budget(
        &data,
        service,
        &service_record["budget"],
        service_hours,
        service_entries,
    );

    // Booking more hours (the PostHours body: ids, not objects) shows up in both; deleting an
    // entry takes it away again.
    let first = |collection: &str| store.list(collection)[0]["id"].clone();
    let body = json!({"employee_id": first("hrm/employee"), "project_id": project,
                      "projectservice_id": service, "type_id": first("hours/hourstype"),
                      "start_date": "2025-01-06 09:00:00", "hours": 2.5});
    let booked = created_id(&send_json(
        &server,
        "POST",
        "/api/v2/hours/hours",
        &body.to_string(),
    ));
    let data = get(&server, &project_target).data();
    assert_budget(
        &data,
        project,
        &project_record["budget"],
        project_hours + 2.5,
        project_entries + 1,
    );
    let data = get(&server, &service_target).data();
    assert_eq!(data["hours_spent"].as_f64(), Some(service_hours + 2.5));
    assert_eq!(data["hours_entries"], service_entries + 1);
    assert_eq!(
        delete(&server, &format!("/api/v2/hours/hours/{booked}")).status,
        200
    );
    let seeded_entry = hours
        .iter()
        .find(|h| h["projectservice"]["id"] == service.as_str())
        .expect("an entry");
    let entry_hours = seeded_entry["hours"].as_f64().expect("hours");
    let entry_id = seeded_entry["id"].as_str().expect("id");
    assert_eq!(
        delete(&server, &format!("/api/v2/hours/hours/{entry_id}")).status,
        200
    );
    let data = get(&server, &service_target).data();
    assert_eq!(
        data["hours_spent"].as_f64(),
        Some(service_hours - entry_hours)
    );
    assert_eq!(data["hours_entries"], service_entries - 1);

    // A project nobody booked on, with its own budget.
    let budget = json!({"total": {"value_budget": "1000.00"}});
    let new = created_id(&send_json(
        &server,
        "POST",
        PROJECTS,
        &json!({"name": "Nieuw", "budget": budget,
                "my_organization_profile_id": first("crm/myorganizationprofile"),
                "organization_id": first("crm/organization")})
        .to_string(),
    ));
    let data = get(&server, &format!("{PROJECTS}/{new}/planningBudget")).data();
    assert_budget(&data, &new, &budget, 0.0, 0);
    // A budget update is what the next call shows.
    send_json(
        &server,
        "PUT",
        &format!("{SERVICES}/{service}"),
        r#"{"budget": "1.00"}"#,
    );
    assert_eq!(get(&server, &service_target).data()["budget"], "1.00");

    for target in [
        format!("{PROJECTS}/project:missing/planningBudget"),
        format!("{SERVICES}/service:missing/planningBudget"),
        // A service id is not a project.
        format!("{PROJECTS}/{service}/planningBudget"),
    ] {
        let msg = get(&server, &target).error_message(404);
        assert!(msg.contains("not found"), "{msg}");
    }
}

#[test]
fn contact_person_item_is_a_one_element_list_while_quirks_are_served() {
    // Reported of the real API: `GET crm/contactperson/{id}` answers `"data": [{record}]`.
    let quirky = start_light();
    let plain = FakeServer::start(FakeConfig {
        sizes: light_sizes(),
        quirks: false,
        ..FakeConfig::default()
    })
    .expect("fake server starts");
    for (server, listed) in [(&quirky, true), (&plain, false)] {
        let store = server.store();
        let contact = store.list("crm/contactperson")[0].clone();
        let id = contact["id"].as_str().expect("id");
        let target = format!("/api/v2/crm/contactperson/{id}");
        let data = get(server, &target).data();
        if listed {
            assert_eq!(data, json!([contact]));
        } else {
            assert_eq!(data, contact);
        }
        // Only that endpoint: other items, and the list, are as ever.
        let org = store.list("crm/organization")[0].clone();
        let org_id = org["id"].as_str().expect("id");
        assert_eq!(get(server, &format!("{ORGS}/{org_id}")).data(), org);
        let page = data_list(&get(server, "/api/v2/crm/contactperson?limit=1"));
        assert_eq!(page, std::slice::from_ref(&contact));
        get(server, "/api/v2/crm/contactperson/contactperson:missing").error_message(404);
    }
}

#[test]
fn converttoproject_shows_the_sale() {
    let server = start_light();
    let store = server.store();
    let sale = store.list("sales/sales")[3].clone();
    let id = sale["id"].as_str().expect("id");
    let target = format!("/api/v2/sales/converttoproject/{id}");
    assert_eq!(
        get(&server, &target).json(),
        json!({"data": sale, "errors": null, "debug": null})
    );
    // It shows the sale as it is now.
    send_json(
        &server,
        "PUT",
        &format!("/api/v2/sales/sales/{id}"),
        r#"{"subject": "Gewonnen"}"#,
    );
    assert_eq!(get(&server, &target).data()["subject"], "Gewonnen");

    let msg = get(&server, "/api/v2/sales/converttoproject/sales:missing").error_message(404);
    assert!(msg.contains("sales:missing"), "{msg}");
    let project = store.list("projects/project")[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    get(
        &server,
        &format!("/api/v2/sales/converttoproject/{project}"),
    )
    .error_message(404);
}

#[test]
fn employeeexpense_shows_one_of_the_employee_expenses() {
    let server = start_light();
    let store = server.store();
    let seeded = store.count("hours/employeeexpenses");
    assert!(seeded > 0);
    let id = store.insert(
        "hours/employeeexpenses",
        object(json!({"employee": {"id": "employee:1"}, "amount": "12.50", "note": "Parkeren"})),
    );
    assert_id(&id, "expense", 32);
    let record = store.get("hours/employeeexpenses", &id).expect("stored");
    assert_eq!(
        get(&server, &format!("/api/v2/hours/employeeexpense/{id}")).data(),
        record
    );
    assert_eq!(
        data_list(&get(
            &server,
            &format!("/api/v2/hours/employeeexpenses?offset={seeded}")
        )),
        [record]
    );
    // The seeded ones are the records of costs/expense, listed again.
    let first = first_id(&server, "hours/employeeexpenses").expect("seeded");
    assert_eq!(
        get(&server, &format!("/api/v2/hours/employeeexpense/{first}")).data(),
        get(&server, &format!("/api/v2/costs/expense/{first}")).data()
    );
    let msg = get(&server, "/api/v2/hours/employeeexpense/expense:missing").error_message(404);
    assert!(msg.contains("expense:missing"), "{msg}");
}

#[test]
fn quoteemail_appends_one_address() {
    let server = start_light();
    let store = server.store();
    // Quote templates are not seeded: one is planted for the quote to name.
    let template = store.insert(
        "sales/quotetemplate",
        object(json!({"name": "Standaard offerte"})),
    );
    let sale = store.list("sales/sales")[0]["id"].clone();
    let body = json!({"sales_id": sale, "quotetemplate_id": template,
                      "quote_subject": "Offerte website"});
    let quote = created_id(&send_json(
        &server,
        "POST",
        "/api/v2/sales/quote",
        &body.to_string(),
    ));
    let target = format!("/api/v2/sales/quoteemail/{quote}");
    for email in ["jan@klant.nl", "piet@klant.nl"] {
        let reply = send_json(
            &server,
            "PUT",
            &target,
            &json!({"email": email}).to_string(),
        );
        assert_eq!(
            reply.json(),
            json!({"data": {"id": quote}, "errors": null, "debug": null})
        );
    }
    let record = get(&server, &format!("/api/v2/sales/quote/{quote}")).data();
    assert_eq!(record["emails"], json!(["jan@klant.nl", "piet@klant.nl"]));
    assert_eq!(record["quote_subject"], "Offerte website");
    assert_recent(&record["updated_at"]);

    // A quote that already has addresses keeps them.
    let planted = store.insert(
        "sales/quote",
        object(json!({"quote_subject": "Oud", "emails": ["a@b.nl"],
                      "created_at": "2024-01-01 00:00:00", "updated_at": "2024-01-01 00:00:00"})),
    );
    let reply = send_json(
        &server,
        "PUT",
        &format!("/api/v2/sales/quoteemail/{planted}"),
        r#"{"email": "c@d.nl"}"#,
    );
    assert_eq!(reply.status, 200);
    let record = store.get("sales/quote", &planted).expect("kept");
    assert_eq!(record["emails"], json!(["a@b.nl", "c@d.nl"]));
    assert_eq!(record["created_at"], "2024-01-01 00:00:00");
    assert_recent(&record["updated_at"]);

    let msg = send_json(&server, "PUT", &target, r#"{"mail": "x@y.nl"}"#).error_message(400);
    assert!(msg.contains("email"), "{msg}");
    let msg = send_json(
        &server,
        "PUT",
        "/api/v2/sales/quoteemail/quote:missing",
        r#"{"email": "x@y.nl"}"#,
    )
    .error_message(404);
    assert!(msg.contains("quote:missing"), "{msg}");
    send_json(&server, "PUT", &target, "not json").error_message(400);
    assert_eq!(
        store.get("sales/quote", &quote).expect("kept")["emails"],
        json!(["jan@klant.nl", "piet@klant.nl"])
    );
}

#[test]
fn merge_deletes_the_source_into_the_target() {
    let server = start_light();
    let store = server.store();
    for (path, collection, other) in [
        (
            "/api/v2/crm/mergeorganization",
            "crm/organization",
            "crm/person",
        ),
        ("/api/v2/crm/mergeperson", "crm/person", "crm/organization"),
    ] {
        let records = store.list(collection);
        let source = records[1]["id"].as_str().expect("id").to_owned();
        let target = records[2]["id"].as_str().expect("id").to_owned();
        let stranger = store.list(other)[0]["id"].as_str().expect("id").to_owned();
        let body = |s: &str, t: &str| json!({"source_id": s, "target_id": t}).to_string();
        let (count, other_count) = (store.count(collection), store.count(other));

        // Refusals change nothing.
        for (bad, status, names) in [
            (json!({"target_id": target}).to_string(), 400, "source_id"),
            (json!({"source_id": source}).to_string(), 400, "target_id"),
            (body("", &target), 400, "source_id"),
            (
                json!({"source_id": 1, "target_id": target}).to_string(),
                400,
                "source_id",
            ),
            (body(&source, &source), 400, "source_id"),
            (body(&source, "x:missing"), 404, "x:missing"),
            (body("x:missing", &target), 404, "x:missing"),
            (body(&stranger, &target), 404, stranger.as_str()),
        ] {
            let msg = send_json(&server, "POST", path, &bad).error_message(status);
            assert!(msg.contains(names), "{bad}: {msg}");
        }
        assert_eq!(store.count(collection), count);
        assert_eq!(store.count(other), other_count);

        let reply = send_json(&server, "POST", path, &body(&source, &target));
        let data = reply.data();
        assert_eq!(data["success"], true);
        assert!(
            data["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{data}"
        );
        assert_eq!(data.as_object().map(|m| m.len()), Some(2), "{data}");
        let item = format!("/api/v2/{collection}");
        get(&server, &format!("{item}/{source}")).error_message(404);
        let merged = get(&server, &format!("{item}/{target}")).data();
        assert_eq!(merged["name"], records[2]["name"]);
        assert_eq!(store.count(collection), count - 1);
        // The source is gone: merging it again is refused.
        send_json(&server, "POST", path, &body(&source, &target)).error_message(404);
    }
}

#[test]
fn compare_says_whether_two_records_can_merge() {
    let server = start_light();
    let store = server.store();
    for (path, collection) in [
        ("/api/v2/merger/compareorganization", "crm/organization"),
        ("/api/v2/merger/compareperson", "crm/person"),
    ] {
        let records = store.list(collection);
        let source = records[0]["id"].as_str().expect("id").to_owned();
        let target = records[1]["id"].as_str().expect("id").to_owned();
        let reply = send_json(
            &server,
            "POST",
            path,
            &json!({"source_id": source, "target_id": target}).to_string(),
        );
        let data = reply.data();
        assert_eq!(data["is_valid"], true);
        assert!(
            data["token"].as_str().is_some_and(|t| !t.is_empty()),
            "{data}"
        );
        assert!(data["message"].is_string());
        assert_eq!(data["swap_lock"], false);
        assert_eq!(data["source_id"], source.as_str());
        assert_eq!(data["target_id"], target.as_str());
        let reply = send_json(
            &server,
            "POST",
            path,
            &json!({"source_id": source, "target_id": target, "swap_lock": true}).to_string(),
        );
        assert_eq!(reply.data()["swap_lock"], true);
        // Comparing changes nothing.
        assert_eq!(store.list(collection), records);

        let msg = send_json(
            &server,
            "POST",
            path,
            &json!({"source_id": source}).to_string(),
        )
        .error_message(400);
        assert!(msg.contains("target_id"), "{msg}");
        send_json(
            &server,
            "POST",
            path,
            &json!({"source_id": source, "target_id": source}).to_string(),
        )
        .error_message(400);
        let msg = send_json(
            &server,
            "POST",
            path,
            &json!({"source_id": source, "target_id": "x:missing"}).to_string(),
        )
        .error_message(404);
        assert!(msg.contains("x:missing"), "{msg}");
    }
}

#[test]
fn timesheetrow_order_answers_null() {
    let server = start_light();
    let target = "/api/v2/hours/timesheetrow/order";
    for body in ["{}", r#"{"order": ["timesheetrow:1", "timesheetrow:2"]}"#] {
        let reply = send_json(&server, "PUT", target, body);
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.json(),
            json!({"data": null, "errors": null, "debug": null})
        );
    }
    send_json(&server, "PUT", target, "[1]").error_message(400);
    send_typed(&server, "PUT", target, Some("text/plain"), "{}").error_message(400);
    assert_eq!(server.store().count("hours/timesheetrow/order"), 0);
}

#[test]
fn timesheetrow_mostrecent_is_the_week_of_the_latest_row() {
    let server = start_light();
    let target = "/api/v2/hours/timesheetrow/mostrecent";
    let week = get(&server, target).data();
    let latest = server
        .store()
        .list("hours/timesheetrow")
        .iter()
        .filter_map(|r| r["start_date"].as_str().map(str::to_owned))
        .max()
        .expect("seeded rows");
    assert_eq!(week["start_date"], format!("{latest} 00:00:00"));
    assert!(week["end_date"]
        .as_str()
        .is_some_and(|e| e.ends_with(" 23:59:59")));
    // A newer row moves it; without rows there is no week.
    server.store().insert(
        "hours/timesheetrow",
        object(json!({"start_date": "2026-02-04", "end_date": "2026-02-08"})),
    );
    assert_eq!(
        get(&server, target).data(),
        json!({"start_date": "2026-02-02 00:00:00", "end_date": "2026-02-08 23:59:59"})
    );
    let empty = start_sized(&[("hours/timesheetrow", 0)]);
    assert_eq!(get(&empty, target).data(), Value::Null);
}

// ---- known gaps --------------------------------------------------------------------------------

#[test]
fn item_post_on_custom_field_groups_and_options_is_served() {
    let server = start_light();
    let group = first_id(&server, "customfields/group").expect("seeded");
    let target = format!("/api/v2/customfields/group/{group}");
    let reply = send_json(&server, "POST", &target, r#"{"name": "Nieuw"}"#);
    assert_eq!(reply.data(), json!({"id": group}));
    assert_eq!(
        server
            .store()
            .get("customfields/group", &group)
            .expect("kept")["name"],
        "Nieuw"
    );
    send_json(
        &server,
        "POST",
        "/api/v2/customfields/group/customfieldgroup:missing",
        "{}",
    )
    .error_message(404);
    let reply = send_json(
        &server,
        "POST",
        "/api/v2/customfields/option/customfieldoption:0123456789abcdef",
        r#"{"label": "Noord"}"#,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let option = reply.data()["id"].as_str().expect("new id").to_owned();
    assert_eq!(
        server
            .store()
            .get("customfields/option", &option)
            .expect("created")["customfield_id"],
        "customfieldoption:0123456789abcdef"
    );
}

#[test]
fn documents_download_finds_existing_documents() {
    let server = start_light();
    let id = first_id(&server, "documents/document").expect("seeded");
    let reply = get(&server, &format!("/api/v2/documents/download/{id}"));
    assert_eq!(reply.status, 200, "{}", reply.text());
}
