//! End-to-end tests of the endpoints that are not plain CRUD, over real sockets, as
//! `src/actions.rs` describes them: duplicate, planningBudget, converttoproject,
//! employeeexpense, quoteemail, merges, comparisons, timesheet row order. The raw HTTP/1.1
//! client is in `common/mod.rs`.

mod common;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use simplicate_fake::{FakeConfig, FakeServer};

use common::routes::*;
use common::*;

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
    assert_eq!(
        data.as_object().map(serde_json::Map::len),
        Some(4),
        "{data}"
    );
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
        assert_eq!(
            data.as_object().map(serde_json::Map::len),
            Some(2),
            "{data}"
        );
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
