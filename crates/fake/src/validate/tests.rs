use super::*;
use serde_json::json;
use std::collections::BTreeMap;

fn body(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn store() -> Store {
    store_with(&[])
}

/// The small store, with `more` sizes on top (a lookup seeded empty, say).
fn store_with(more: &[(&str, usize)]) -> Store {
    let sizes = [
        ("crm/organization", 3),
        ("crm/person", 3),
        ("crm/contactperson", 2),
        ("hrm/employee", 2),
        ("projects/project", 2),
        ("projects/service", 6),
        ("hours/hours", 0),
        ("invoices/invoice", 1),
        ("sales/sales", 1),
        ("documents/document", 1),
    ];
    let sizes: BTreeMap<String, usize> = sizes
        .iter()
        .chain(more)
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
    Store::with_sizes(0, sizes, true).unwrap()
}

fn first_id(store: &Store, collection: &str) -> String {
    store.list(collection)[0]["id"].as_str().unwrap().to_owned()
}

fn create(store: &Store, resource: &str, v: Value) -> Result<(), String> {
    validate(store, resource, Mode::Create, &body(v), None)
}

fn update(store: &Store, resource: &str, v: Value) -> Result<(), String> {
    validate(store, resource, Mode::Update, &body(v), None)
}

#[test]
fn required_fields_of_create_and_update() {
    let s = store();
    assert_eq!(
        create(&s, "crm/person", json!({"first_name": "Ann"})),
        Err("No family_name given".to_owned())
    );
    for empty in [json!(null), json!(""), json!("  ")] {
        assert_eq!(
            create(&s, "crm/person", json!({"family_name": empty})),
            Err("No family_name given".to_owned())
        );
    }
    assert_eq!(
        create(&s, "crm/person", json!({"family_name": "Smit"})),
        Ok(())
    );
    // Not on PUT since the 2023-09 changelog.
    assert_eq!(
        update(&s, "crm/person", json!({"first_name": "Ann"})),
        Ok(())
    );
    // Alternatives: one will do.
    let mop = first_id(&s, "crm/myorganizationprofile");
    let org = first_id(&s, "crm/organization");
    let project = json!({"name": "P", "my_organization_profile_id": mop});
    assert_eq!(
        create(&s, "projects/project", project.clone()),
        Err("No organization_id or person_id given".to_owned())
    );
    let mut with_org = project.clone();
    with_org["organization_id"] = json!(org);
    assert_eq!(create(&s, "projects/project", with_org), Ok(()));
}

#[test]
fn nested_requirements_hold_when_the_parent_is_given() {
    let s = store();
    let org = |address: Value| json!({"name": "X", "visiting_address": address});
    assert_eq!(create(&s, "crm/organization", json!({"name": "X"})), Ok(()));
    assert_eq!(create(&s, "crm/organization", org(json!(null))), Ok(()));
    assert_eq!(
        create(&s, "crm/organization", org(json!({"locality": "Delft"}))),
        Err("No country code given in the visiting_address property".to_owned())
    );
    assert_eq!(
        create(
            &s,
            "crm/organization",
            org(json!({"locality": "Delft", "country_code": ""}))
        ),
        Err("No country code given in the visiting_address property".to_owned())
    );
    for given in [
        json!({"country_code": "NL"}),
        json!({"country_id": "country:1"}),
    ] {
        assert_eq!(create(&s, "crm/organization", org(given)), Ok(()));
    }
    assert_eq!(
        update(
            &s,
            "crm/organization",
            json!({"postal_address": {"line_1": "x"}})
        ),
        Err("No country code given in the postal_address property".to_owned())
    );
    assert_eq!(
        create(
            &s,
            "crm/person",
            json!({"family_name": "S", "address": {"locality": "x"}})
        ),
        Err("No country code given in the address property".to_owned())
    );
}

#[test]
fn kinds_are_checked_leniently_with_scalars() {
    let s = store();
    let org = |field: &str, value: Value| {
        let mut v = json!({"name": "X"});
        v[field] = value;
        create(&s, "crm/organization", v)
    };
    assert_eq!(
        org("visiting_address", json!("Main street 1")),
        Err("The visiting_address property must be an object, got \"Main street 1\"".into())
    );
    assert_eq!(
        org("name", json!({"first": "x"})),
        Err("The name property must be text, got an object".into())
    );
    assert_eq!(
        org("linked_persons_contacts", json!("person:1")),
        Err("The linked_persons_contacts property must be a list, got \"person:1\"".into())
    );
    assert_eq!(
        org("visiting_address", json!([{"country_code": "NL"}])),
        Err("The visiting_address property must be an object, got a list".into())
    );
    assert_eq!(
        org("has_different_postal_address", json!("yes")),
        Err("The has_different_postal_address property must be a boolean, got \"yes\"".into())
    );
    for fine in [json!(true), json!("0"), json!(1)] {
        assert_eq!(org("has_different_postal_address", fine), Ok(()));
    }
    // A number where the table has text (PHP casts it); unknown fields are ignored.
    assert_eq!(org("phone", json!(612_345_678)), Ok(()));
    assert_eq!(org("no_such_field", json!({"any": ["thing"]})), Ok(()));
    // Nested, with the path named.
    assert_eq!(
        org(
            "visiting_address",
            json!({"country_code": "NL", "locality": ["x"]})
        ),
        Err("The visiting_address.locality property must be text, got a list".into())
    );
    let service = |amount: Value| {
        let project = first_id(&s, "projects/project");
        create(
            &s,
            SERVICES,
            json!({"project_id": project, "name": "S", "invoice_method": "Hours",
                   "amount": amount, "start_date": "2025-01-04"}),
        )
    };
    for fine in [json!(10), json!(12.5), json!("12.500000"), json!(null)] {
        assert_eq!(service(fine), Ok(()));
    }
    assert_eq!(
        service(json!("ten")),
        Err("The amount property must be a number, got \"ten\"".into())
    );
    assert_eq!(
        service(json!(true)),
        Err("The amount property must be a number, got true".into())
    );
}

#[test]
fn dates_are_read_as_php_reads_them() {
    for fine in [
        "2025-01-04",
        "2025-01-04 10:00:00",
        "2025-01-04T10:00",
        "2025-01-04T10:00:00+01:00",
        "0000-00-00",
        "0000-00-00 00:00:00",
    ] {
        assert!(date_text(fine), "{fine}");
    }
    for bad in [
        "tomorrow",
        "2025-02-30",
        "04-01-2025",
        "2025-01-04x",
        "2025-01-04 1",
    ] {
        assert!(!date_text(bad), "{bad}");
    }
    let s = store();
    let employee = first_id(&s, "hrm/employee");
    let submission = |start: Value| {
        create(
            &s,
            "hours/submission",
            json!({"employee_id": employee, "start_date": start, "end_date": "2025-01-31"}),
        )
    };
    assert_eq!(submission(json!("2025-01-01")), Ok(()));
    assert_eq!(
        submission(json!("first of January")),
        Err("The start_date property must be a date (YYYY-MM-DD), got \"first of January\"".into())
    );
}

#[test]
fn references_must_name_records_of_their_collection() {
    let s = store();
    let org = first_id(&s, "crm/organization");
    let person = first_id(&s, "crm/person");
    let mop = first_id(&s, "crm/myorganizationprofile");
    let project = |org_id: &str| json!({"name": "P", "my_organization_profile_id": mop, "organization_id": org_id});
    assert_eq!(create(&s, "projects/project", project(&org)), Ok(()));
    assert_eq!(
        create(&s, "projects/project", project("organization:nope")),
        Err(
            "No organization found with id organization:nope given in the \
             organization_id property"
                .into()
        )
    );
    // A person's id in an organization field is not an organization.
    assert!(create(&s, "projects/project", project(&person)).is_err());
    // In lists of nested objects, and one object for a list (the documentation's own
    // upload example).
    let doctype = first_id(&s, "documents/documenttype");
    let document =
        |linked: Value| json!({"title": "T", "document_type_id": doctype, "linked_to": linked});
    assert_eq!(
        create(
            &s,
            "documents/document",
            document(json!([{"organization_id": org}, {"person_id": "person:gone"}]))
        ),
        Err(
            "No person found with id person:gone given in the linked_to[1].person_id \
             property"
                .into()
        )
    );
    assert_eq!(
        create(
            &s,
            "documents/document",
            document(json!({"person_id": person}))
        ),
        Ok(())
    );
    assert_eq!(
        create(
            &s,
            "documents/document",
            document(json!({"person_id": "person:gone"}))
        ),
        Err("No person found with id person:gone given in the linked_to.person_id property".into())
    );
    // Empty text names nothing; a number cannot be an id.
    assert!(create(&s, "projects/project", project("")).is_err());
    let mut numeric = project(&org);
    numeric["person_id"] = json!(7);
    assert_eq!(
        create(&s, "projects/project", numeric),
        Err("The person_id property must be text, got 7".into())
    );
}

#[test]
fn a_reference_to_an_empty_collection_is_refused() {
    let s = store_with(&[("hrm/leavetype", 0)]);
    let employee = first_id(&s, "hrm/employee");
    assert_eq!(s.count("hrm/leavetype"), 0);
    let leave = json!({"employee_id": employee, "leave_type_id": "leavetype:1",
                       "start_date": "2025-01-06 09:00:00"});
    assert_eq!(
        create(&s, "hrm/leave", leave.clone()),
        Err("No leavetype found with id leavetype:1 given in the leave_type_id property".into())
    );
    let id = s.insert(
        "hrm/leavetype",
        body(json!({"id": "leavetype:1", "label": "Verlof"})),
    );
    assert_eq!(id, "leavetype:1");
    assert_eq!(create(&s, "hrm/leave", leave), Ok(()));
}

#[test]
fn project_services_follow_the_known_limitations() {
    let s = store();
    let project = first_id(&s, "projects/project");
    let service =
        |method: &str| json!({"project_id": project, "name": "S", "invoice_method": method});
    for method in SERVICE_INVOICE_METHODS {
        assert_eq!(create(&s, SERVICES, service(method)), Ok(()));
    }
    assert_eq!(
        create(&s, SERVICES, service("Subscription")),
        Err(
            "Project services can only be created with invoice_method FixedFee or Hours, \
             not Subscription"
                .into()
        )
    );
    assert_eq!(
        update(&s, SERVICES, json!({"invoice_method": "hours"})),
        Err(
            "Project services can only be modified with invoice_method FixedFee or Hours, \
             not hours"
                .into()
        )
    );
    // A service stored as a subscription cannot be modified, nor duplicated.
    let stored = body(json!({"invoice_method": "Subscription"}));
    for mode in [Mode::Update, Mode::Duplicate] {
        let err = validate(
            &s,
            SERVICES,
            mode,
            &body(json!({"name": "x"})),
            Some(&stored),
        );
        assert!(err
            .unwrap_err()
            .contains("invoice_method Subscription cannot be"));
    }
    let hours = body(json!({"invoice_method": "Hours"}));
    let fine = validate(&s, SERVICES, Mode::Update, &body(json!({})), Some(&hours));
    assert_eq!(fine, Ok(()));
    // Installments.
    let installments = "Installments cannot be created through the API \
                        (invoice_in_installments, installments)";
    for extra in [
        json!({"invoice_in_installments": true}),
        json!({"invoice_in_installments": "1"}),
        json!({"installments": [{"amount": 10}]}),
    ] {
        let mut v = service("FixedFee");
        v.as_object_mut().unwrap().extend(body(extra));
        assert_eq!(create(&s, SERVICES, v), Err(installments.into()));
    }
    let mut off = service("FixedFee");
    off["invoice_in_installments"] = json!(false);
    off["installments"] = json!([]);
    assert_eq!(create(&s, SERVICES, off), Ok(()));
    assert!(update(&s, SERVICES, json!({"installments": [{}]}))
        .unwrap_err()
        .starts_with("Installments cannot be modified"));
}

#[test]
fn checks_come_in_order_and_duplicates_need_no_requirements() {
    let s = store();
    // Kinds before requirements, requirements before references.
    assert!(create(
        &s,
        "crm/person",
        json!({"first_name": 5, "family_name": []})
    )
    .unwrap_err()
    .starts_with("The family_name property"));
    assert_eq!(
        create(&s, "crm/person", json!({"gender_id": "gender:nope"})),
        Err("No family_name given".into())
    );
    let dup = validate(&s, "sales/sales", Mode::Duplicate, &body(json!({})), None);
    assert_eq!(dup, Ok(()));
    let dup = body(json!({"organization_id": "organization:nope"}));
    assert!(validate(&s, "sales/sales", Mode::Duplicate, &dup, None).is_err());
    // Writes the table does not describe are not checked.
    assert_eq!(create(&s, "hours/timesheetrow", json!({"x": {}})), Ok(()));
}

#[test]
fn messages_of_requirements() {
    let req = |alternatives: &[&str]| Requirement {
        alternatives: alternatives
            .iter()
            .map(|a| a.split('.').map(str::to_owned).collect())
            .collect(),
    };
    assert_eq!(missing(&req(&["name"])), "No name given");
    assert_eq!(
        missing(&req(&["organization_id", "person_id"])),
        "No organization_id or person_id given"
    );
    assert_eq!(
        missing(&req(&[
            "visiting_address.country_code",
            "visiting_address.country_id"
        ])),
        "No country code given in the visiting_address property"
    );
    assert_eq!(
        missing(&req(&["a.b.start_date"])),
        "No start date given in the a.b property"
    );
    assert_eq!(missing(&req(&["a.x", "b"])), "No a.x or b given");
}
