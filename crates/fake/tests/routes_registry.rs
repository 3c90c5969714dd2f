//! End-to-end tests of the fake Simplicate server's routing over real sockets: every operation
//! of the endpoint registry is served with its own methods and refused (405, `Allow`) with the
//! others, unknown paths are 400, and the registry operations the fake serves in its own way.
//! The raw HTTP/1.1 client is in `common/mod.rs`.

mod common;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use simplicate_api::model::model;
use simplicate_api::registry::{self, Method, Methods, Resource, RESOURCES};

use common::routes::*;
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
                    assert_eq!(Some(data[0].clone()), store.get(&home, &id), "{what}");
                }
                (true, Method::Get, false) => {
                    assert_eq!(Some(data), store.get(&home, &id), "{what}");
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
