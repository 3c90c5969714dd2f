//! The fake's write validation (`src/validate/`) over raw sockets: required fields of
//! the record model table's create and update lines (nested ones, alternatives), referenced ids,
//! field kinds, and the documented limitations (project services, installments, payments).
//! Every refusal is a 400 with the JSON error envelope and one message, and stores nothing.

mod common;

use serde_json::{json, Value};
use simplicate_fake::FakeServer;

use common::*;

fn first(server: &FakeServer, collection: &str) -> String {
    server.store().list(collection)[0]["id"]
        .as_str()
        .expect("seeded id")
        .to_owned()
}

/// POSTs (or PUTs) `body` to `target` and returns the message of its 400, checking that the
/// collection `home` did not change.
fn refused(server: &FakeServer, method: &str, target: &str, home: &str, body: &Value) -> String {
    let before = server.store().list(home);
    let message = send_json(server, method, target, &body.to_string()).error_message(400);
    assert_eq!(
        server.store().list(home),
        before,
        "{method} {target}: nothing stored"
    );
    message
}

#[test]
fn required_fields_follow_the_create_and_update_lines() {
    let server = start_light();
    // POST crm/person: family_name is mandatory (changelog 2023-08) ...
    for body in [
        json!({"first_name": "Jan"}),
        json!({"first_name": "Jan", "family_name": null}),
        json!({"first_name": "Jan", "family_name": ""}),
    ] {
        let message = refused(&server, "POST", PERSONS, "crm/person", &body);
        assert_eq!(message, "No family_name given", "{body}");
    }
    let person = created_id(&send_json(
        &server,
        "POST",
        PERSONS,
        r#"{"first_name": "Jan", "family_name": "Jansen"}"#,
    ));
    // ... but not on PUT (changelog 2023-09).
    let reply = send_json(
        &server,
        "PUT",
        &format!("{PERSONS}/{person}"),
        r#"{"first_name": "Johan", "family_name": ""}"#,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());

    // A nested requirement holds when its parent is given: the documentation's own message.
    let body = json!({"name": "Adres B.V.", "visiting_address": {"line_1": "Kerkstraat 1",
                      "locality": "Utrecht"}});
    let message = refused(&server, "POST", ORGS, "crm/organization", &body);
    assert_eq!(
        message,
        "No country code given in the visiting_address property"
    );
    let org = first(&server, "crm/organization");
    let body = json!({"postal_address": {"locality": "Utrecht", "country_id": ""}});
    let message = refused(
        &server,
        "PUT",
        &format!("{ORGS}/{org}"),
        "crm/organization",
        &body,
    );
    assert_eq!(
        message,
        "No country code given in the postal_address property"
    );
    for address in [
        json!({"country_code": "NL"}),
        json!({"country_id": "country:x"}),
    ] {
        let body = json!({"name": "Adres B.V.", "visiting_address": address});
        assert_eq!(
            send_json(&server, "POST", ORGS, &body.to_string()).status,
            200
        );
    }

    // Alternatives: one of organization_id and person_id.
    let mop = first(&server, "crm/myorganizationprofile");
    let body = json!({"name": "Project", "my_organization_profile_id": mop});
    let message = refused(&server, "POST", PROJECTS, "projects/project", &body);
    assert_eq!(message, "No organization_id or person_id given");
    let body = json!({"name": "Project", "my_organization_profile_id": mop, "person_id": person});
    assert_eq!(
        send_json(&server, "POST", PROJECTS, &body.to_string()).status,
        200
    );
}

#[test]
fn referenced_ids_must_exist_in_their_collection() {
    let server = start_light();
    let mop = first(&server, "crm/myorganizationprofile");
    let body = json!({"name": "P", "my_organization_profile_id": mop,
                      "organization_id": "organization:0000000000000000"});
    assert_eq!(
        refused(&server, "POST", PROJECTS, "projects/project", &body),
        "No organization found with id organization:0000000000000000 given in the \
         organization_id property"
    );
    // An id of another collection does not do.
    let person = first(&server, "crm/person");
    let body = json!({"name": "P", "my_organization_profile_id": mop, "organization_id": person});
    let message = refused(&server, "POST", PROJECTS, "projects/project", &body);
    assert!(message.contains(&person), "{message}");

    // Through lists of nested objects: linked_to[].organization_id of a document.
    let org = first(&server, "crm/organization");
    let body = json!({"title": "Notulen", "linked_to": [{"organization_id": org},
                      {"organization_id": "organization:gone"}]});
    assert_eq!(
        refused(
            &server,
            "POST",
            "/api/v2/documents/document",
            "documents/document",
            &body
        ),
        "No organization found with id organization:gone given in the \
         linked_to[1].organization_id property"
    );

    // A lookup entry that does not exist is refused, until a test plants it.
    let employee = first(&server, "hrm/employee");
    let leave = json!({"employee_id": employee, "leave_type_id": "leavetype:planted",
                       "start_date": "2025-03-03 09:00:00", "hours": 8});
    assert_eq!(
        refused(&server, "POST", "/api/v2/hrm/leave", "hrm/leave", &leave),
        "No leavetype found with id leavetype:planted given in the leave_type_id property"
    );
    server.store().insert(
        "hrm/leavetype",
        object(json!({"id": "leavetype:planted", "label": "Verlof"})),
    );
    let id = created_id(&send_json(
        &server,
        "POST",
        "/api/v2/hrm/leave",
        &leave.to_string(),
    ));
    assert_id(&id, "leave", 32);
}

#[test]
fn field_kinds_are_checked_leniently() {
    let server = start_light();
    let cases = [
        (
            json!({"name": {"nl": "Naam"}}),
            "The name property must be text, got an object",
        ),
        (
            json!({"name": "X", "visiting_address": [{"country_code": "NL"}]}),
            "The visiting_address property must be an object, got a list",
        ),
        (json!({"name": "X", "is_active": "ja"}), ""),
        (
            json!({"name": "X", "has_different_postal_address": "ja"}),
            "The has_different_postal_address property must be a boolean, got \"ja\"",
        ),
        (
            json!({"name": "X", "debtor": {"payment_term_id": 14}}),
            "The debtor.payment_term_id property must be text, got 14",
        ),
    ];
    for (body, expected) in cases {
        if expected.is_empty() {
            // is_active is no field of PostOrganization: unknown fields are ignored.
            assert_eq!(
                send_json(&server, "POST", ORGS, &body.to_string()).status,
                200
            );
            continue;
        }
        let message = refused(&server, "POST", ORGS, "crm/organization", &body);
        assert_eq!(message, expected, "{body}");
    }
    // The real API's own spellings pass: "0"/"1" booleans, numbers as text, numbers for text.
    let body = json!({"name": "X", "has_different_postal_address": "1", "phone": 612_345_678,
                      "allow_autocollect": 0});
    assert_eq!(
        send_json(&server, "POST", ORGS, &body.to_string()).status,
        200
    );
    let service = first(&server, "projects/service");
    let body = json!({"employee_id": first(&server, "hrm/employee"),
                      "project_id": first(&server, "projects/project"),
                      "projectservice_id": service, "type_id": first(&server, "hours/hourstype"),
                      "start_date": "2025-01-06T09:00", "hours": "7.50"});
    let reply = send_json(&server, "POST", "/api/v2/hours/hours", &body.to_string());
    assert_eq!(reply.status, 200, "{}", reply.text());
    let mut bad = body.clone();
    bad["hours"] = json!("seven");
    assert_eq!(
        refused(&server, "POST", "/api/v2/hours/hours", "hours/hours", &bad),
        "The hours property must be a number, got \"seven\""
    );
    bad["hours"] = json!(7);
    bad["start_date"] = json!("maandag");
    assert_eq!(
        refused(&server, "POST", "/api/v2/hours/hours", "hours/hours", &bad),
        "The start_date property must be a date and time (YYYY-MM-DD HH:MM:SS), got \"maandag\""
    );
}

#[test]
fn project_services_only_with_fixed_fee_or_hours_and_no_installments() {
    let server = start_light();
    let project = first(&server, "projects/project");
    let service =
        |method: &str| json!({"project_id": project, "name": "S", "invoice_method": method});
    assert_eq!(
        refused(
            &server,
            "POST",
            SERVICES,
            "projects/service",
            &service("Subscription")
        ),
        "Project services can only be created with invoice_method FixedFee or Hours, not \
         Subscription"
    );
    let mut ids = Vec::new();
    for method in ["FixedFee", "Hours"] {
        ids.push(created_id(&send_json(
            &server,
            "POST",
            SERVICES,
            &service(method).to_string(),
        )));
    }
    let target = format!("{SERVICES}/{}", ids[0]);
    assert_eq!(
        refused(
            &server,
            "PUT",
            &target,
            "projects/service",
            &json!({"invoice_method": "Subscription"})
        ),
        "Project services can only be modified with invoice_method FixedFee or Hours, not \
         Subscription"
    );
    assert_eq!(
        send_json(&server, "PUT", &target, r#"{"invoice_method": "Hours"}"#).status,
        200
    );
    // A service that is a subscription cannot be modified at all.
    let subscription = server.store().insert(
        "projects/service",
        object(json!({"name": "Licentie", "invoice_method": "Subscription"})),
    );
    assert_eq!(
        refused(
            &server,
            "PUT",
            &format!("{SERVICES}/{subscription}"),
            "projects/service",
            &json!({"name": "Licentie 2025"})
        ),
        "Project services with invoice_method Subscription cannot be modified; only FixedFee \
         or Hours"
    );
    // Installments cannot be created nor modified.
    let mut body = service("FixedFee");
    body["invoice_in_installments"] = json!(true);
    assert_eq!(
        refused(&server, "POST", SERVICES, "projects/service", &body),
        "Installments cannot be created through the API (invoice_in_installments, installments)"
    );
    let installments = json!({"installments": [{"amount": "500.00", "date": "2025-02-01"}]});
    assert_eq!(
        refused(&server, "PUT", &target, "projects/service", &installments),
        "Installments cannot be modified through the API (invoice_in_installments, installments)"
    );
}

#[test]
fn payments_cannot_be_deleted() {
    let server = start_light();
    let invoice = first(&server, "invoices/invoice");
    let payment = created_id(&send_json(
        &server,
        "POST",
        "/api/v2/invoices/payment",
        &json!({"invoice_id": invoice, "amount": "121.00", "date": "2025-01-31"}).to_string(),
    ));
    let target = format!("/api/v2/invoices/payment/{payment}");
    let reply = delete(&server, &target);
    assert_eq!(reply.error_message(400), "Payments cannot be deleted");
    assert_eq!(reply.header("allow"), None, "a business answer, not a 405");
    assert_eq!(get(&server, &target).data()["amount"], "121.00");
    // Other methods a path lacks are still 405, payments' collection included.
    assert_eq!(delete(&server, "/api/v2/invoices/payment").status, 405);
    assert_eq!(
        delete(
            &server,
            &format!(
                "/api/v2/invoices/paymentterm/{}",
                first(&server, "invoices/paymentterm")
            )
        )
        .status,
        405
    );
    // A payment needs its invoice, amount and date.
    let body = json!({"invoice_id": "invoice:gone", "amount": 1, "date": "2025-01-31"});
    assert_eq!(
        refused(
            &server,
            "POST",
            "/api/v2/invoices/payment",
            "invoices/payment",
            &body
        ),
        "No invoice found with id invoice:gone given in the invoice_id property"
    );
}

#[test]
fn the_refusal_is_the_error_envelope() {
    let server = start_light();
    let reply = send_json(&server, "POST", PERSONS, r#"{"first_name": "Jan"}"#);
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.json(),
        json!({"data": null, "errors": ["No family_name given"], "debug": null})
    );
}
