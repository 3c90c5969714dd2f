//! End-to-end tests of the fake Simplicate server over real sockets, writing: creates with
//! server-assigned ids and timestamps, bad bodies, the 16 MiB body limit, updates, deletes. The
//! raw HTTP/1.1 client is in `common/mod.rs`.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use serde_json::json;

use common::*;

// ---- writing -----------------------------------------------------------------------------------

#[test]
fn post_creates_a_record_with_server_assigned_id_and_timestamps() {
    let server = start_light();
    let before = server.store().count("crm/organization");
    let reply = send_json(
        &server,
        "POST",
        ORGS,
        r#"{"id": "organization:evil", "name": "Acme B.V.", "coc_code": "12345678",
            "created_at": "2000-01-01 00:00:00", "updated_at": "2000-01-01 00:00:00",
            "visiting_address": {"locality": "Delft", "country_code": "NL"}}"#,
    );
    let id = created_id(&reply);
    assert_id(&id, "organization", 32);

    let record = get(&server, &format!("{ORGS}/{id}")).data();
    assert_eq!(record["id"], id.as_str());
    assert_eq!(record["name"], "Acme B.V.");
    assert_eq!(record["coc_code"], "12345678");
    assert_eq!(
        record["visiting_address"],
        json!({"locality": "Delft", "country_code": "NL"})
    );
    assert_recent(&record["created_at"]);
    assert_recent(&record["updated_at"]);
    assert_eq!(record["created_at"], record["updated_at"]);
    // The legacy timestamps of organizations (the real fixture's `created`/`modified`) mirror
    // the new ones.
    assert_eq!(record["created"], record["created_at"]);
    assert_eq!(record["modified"], record["updated_at"]);
    let keys: Vec<&String> = record.as_object().expect("object").keys().collect();
    assert_eq!(keys[0], "id", "id leads the record");

    let reply = get(&server, &format!("{ORGS}?offset={before}&metadata=count"));
    assert_eq!(reply.json()["metadata"]["count"], before + 1);
    assert_eq!(
        ids(&data_list(&reply)),
        [id.as_str()],
        "new records come last"
    );
    assert!(server
        .store()
        .get("crm/organization", "organization:evil")
        .is_none());

    // Two creations, two ids.
    let again = created_id(&send_json(
        &server,
        "POST",
        ORGS,
        r#"{"name": "Acme B.V."}"#,
    ));
    assert_ne!(again, id);
    // The prefix follows the resource (the registry's id prefix). Each body holds what the
    // resource requires, naming seeded records.
    let first = |collection: &str| server.store().list(collection)[0]["id"].clone();
    let (person, project, service) = (
        first("crm/person"),
        first("projects/project"),
        first("projects/service"),
    );
    for (path, prefix, body) in [
        (
            "/api/v2/hrm/employee",
            "employee",
            json!({"person_id": person}),
        ),
        (
            SERVICES,
            "service",
            json!({"project_id": project, "name": "Advies", "invoice_method": "Hours"}),
        ),
        (
            "/api/v2/sales/sales",
            "sales",
            json!({"subject": "Website", "person_id": person}),
        ),
        (
            "/api/v2/hours/hours",
            "hours",
            json!({"employee_id": first("hrm/employee"), "project_id": project,
                   "projectservice_id": service, "type_id": first("hours/hourstype"),
                   "start_date": "2025-01-06 09:00:00"}),
        ),
        ("/api/v2/crm/document", "document", json!({})),
    ] {
        let id = created_id(&send_json(&server, "POST", path, &body.to_string()));
        assert_id(&id, prefix, 32);
        assert_eq!(get(&server, &format!("{path}/{id}")).status, 200, "{path}");
    }
}

#[test]
fn post_and_put_reject_bad_bodies() {
    let server = start_light();
    let before = server.store().list("crm/organization");
    let target_item = {
        let all = server.store().list("crm/organization");
        format!("{ORGS}/{}", all[0]["id"].as_str().expect("id"))
    };
    for target in [ORGS, target_item.as_str()] {
        let method = if target == ORGS { "POST" } else { "PUT" };
        for ct in [None, Some("text/plain"), Some("application/jsonx")] {
            let msg =
                send_typed(&server, method, target, ct, r#"{"name": "x"}"#).error_message(400);
            assert_eq!(
                msg, "Content-Type must be application/json",
                "{method} {ct:?}"
            );
        }
        let msg = send_json(&server, method, target, r#"{"name": "x""#).error_message(400);
        assert!(msg.to_lowercase().contains("json"), "{msg}");
        send_json(&server, method, target, "").error_message(400);
        for not_object in ["[1, 2]", "\"name\"", "42", "null"] {
            let msg = send_json(&server, method, target, not_object).error_message(400);
            assert!(msg.contains("object"), "{not_object}: {msg}");
        }
    }
    assert_eq!(
        server.store().list("crm/organization"),
        before,
        "nothing was created or changed"
    );

    // Media type parameters and case are fine.
    for ct in ["application/json; charset=utf-8", "Application/JSON"] {
        let reply = send_typed(&server, "POST", ORGS, Some(ct), r#"{"name": "ok"}"#);
        assert_eq!(reply.status, 200, "{ct}");
    }
}

const MAX_BODY: usize = 16 * 1024 * 1024;

#[test]
fn bodies_up_to_16_mib_are_read_larger_ones_are_413() {
    let server = start_light();
    // Declared too large: refused before the body is sent.
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head = format!(
        "POST {ORGS} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthentication-Key: {KEY}\r\n\
         Authentication-Secret: {SECRET}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        MAX_BODY + 1
    );
    stream.write_all(head.as_bytes()).expect("write");
    let msg = read_reply(stream).error_message(413);
    assert!(msg.contains(&MAX_BODY.to_string()), "{msg}");
    assert_eq!(server.store().count("crm/organization"), LIGHT[0].1);

    // Exactly the limit is read: what comes back is about the JSON, not the size.
    let body = "x".repeat(MAX_BODY);
    let msg = send_json(&server, "POST", ORGS, &body).error_message(400);
    assert!(msg.contains("Malformed JSON"), "{msg}");
    // A megabyte of JSON is stored whole.
    let blob = "x".repeat(1 << 20);
    let id = created_id(&send_json(
        &server,
        "POST",
        ORGS,
        &json!({"name": "big", "blob": blob}).to_string(),
    ));
    let stored = server.store().get("crm/organization", &id).expect("stored");
    assert_eq!(stored["blob"].as_str(), Some(blob.as_str()));

    // A chunked body (no Content-Length) is read too.
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    let json = br#"{"name": "chunked"}"#;
    let mut request = format!(
        "POST {ORGS} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthentication-Key: {KEY}\r\n\
         Authentication-Secret: {SECRET}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for part in json.chunks(7) {
        request.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        request.extend_from_slice(part);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    stream.write_all(&request).expect("write");
    let id = created_id(&read_reply(stream));
    assert_eq!(
        server.store().get("crm/organization", &id).expect("stored")["name"],
        "chunked"
    );
}

#[test]
fn put_updates_top_level_fields_and_bumps_updated_at() {
    let server = start_light();
    let before = server.store().list("crm/organization")[3].clone();
    let id = before["id"].as_str().expect("id").to_owned();
    let target = format!("{ORGS}/{id}");
    let reply = send_json(
        &server,
        "PUT",
        &target,
        r#"{"name": "Renamed", "id": "organization:other", "created_at": "2000-01-01 00:00:00",
            "updated_at": "2000-01-01 00:00:00",
            "visiting_address": {"locality": "Utrecht", "country_code": "NL"},
            "note": "new field", "extra": [1, 2]}"#,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"data": {"id": id}, "errors": null, "debug": null})
    );

    let after = get(&server, &target).data();
    assert_eq!(after["id"], id.as_str());
    assert_eq!(after["name"], "Renamed");
    assert_eq!(after["note"], "new field");
    assert_eq!(after["extra"], json!([1, 2]));
    // A nested object is merged into the stored one: the street stays, the town changes.
    let mut address = before["visiting_address"].clone();
    address["locality"] = json!("Utrecht");
    address["country_code"] = json!("NL");
    assert!(address["line_1"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(after["visiting_address"], address);
    assert_eq!(after["created_at"], before["created_at"]);
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_recent(&after["updated_at"]);
    // `modified` moves with `updated_at`; `created` never changes.
    assert_eq!(before["created"], before["created_at"]);
    assert_eq!(after["created"], before["created"]);
    assert_eq!(after["modified"], after["updated_at"]);
    for untouched in [
        "email",
        "phone",
        "coc_code",
        "relation_type",
        "debtor",
        "industry",
        "custom_fields",
    ] {
        assert_eq!(after[untouched], before[untouched], "{untouched}");
    }
    assert!(server
        .store()
        .get("crm/organization", "organization:other")
        .is_none());
    // The record keeps its place.
    assert_eq!(
        server.store().list("crm/organization")[3]["id"],
        id.as_str()
    );
    // An empty body still counts as an update.
    let other = server.store().list("crm/organization")[4].clone();
    let target = format!("{ORGS}/{}", other["id"].as_str().expect("id"));
    assert_eq!(send_json(&server, "PUT", &target, "{}").status, 200);
    let touched = get(&server, &target).data();
    assert_recent(&touched["updated_at"]);
    assert_eq!(touched["name"], other["name"]);

    let msg = send_json(
        &server,
        "PUT",
        &format!("{ORGS}/organization:missing"),
        "{}",
    )
    .error_message(404);
    assert!(msg.contains("organization:missing"), "{msg}");
    assert_eq!(server.store().count("crm/organization"), LIGHT[0].1);
}

#[test]
fn put_on_a_collection_updates_the_record_named_in_the_body() {
    // crm/document takes GET, POST and PUT on the collection: the PUT names its record in "id".
    let server = start_light();
    let documents = "/api/v2/crm/document";
    let seeded = server.store().count("crm/document");
    let id = created_id(&send_json(
        &server,
        "POST",
        documents,
        r#"{"title": "Offerte.pdf", "description": ""}"#,
    ));
    let before = get(&server, &format!("{documents}/{id}")).data();
    let reply = send_json(
        &server,
        "PUT",
        documents,
        &json!({"id": id, "title": "Offerte v2.pdf"}).to_string(),
    );
    assert_eq!(
        reply.json(),
        json!({"data": {"id": id}, "errors": null, "debug": null})
    );
    let after = get(&server, &format!("{documents}/{id}")).data();
    assert_eq!(after["title"], "Offerte v2.pdf");
    assert_eq!(after["description"], "");
    assert_eq!(after["created_at"], before["created_at"]);
    assert_eq!(server.store().count("crm/document"), seeded + 1);

    for body in [r#"{"title": "x"}"#, r#"{"id": 42}"#, r#"{"id": null}"#] {
        let msg = send_json(&server, "PUT", documents, body).error_message(400);
        assert!(msg.contains("\"id\""), "{body}: {msg}");
    }
    let msg =
        send_json(&server, "PUT", documents, r#"{"id": "document:missing"}"#).error_message(404);
    assert!(msg.contains("document:missing"), "{msg}");
    // The same for the documents module's own collection, which is seeded.
    let seeded = server.store().list("documents/document")[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let reply = send_json(
        &server,
        "PUT",
        "/api/v2/documents/document",
        &json!({"id": seeded, "description": "bijgewerkt"}).to_string(),
    );
    assert_eq!(created_id(&reply), seeded);
    assert_eq!(
        server
            .store()
            .get("documents/document", &seeded)
            .expect("kept")["description"],
        "bijgewerkt"
    );
    assert_eq!(server.store().count("documents/document"), 5);
}

#[test]
fn delete_removes_the_record() {
    let server = start_light();
    let all = server.store().list("crm/organization");
    let id = all[10]["id"].as_str().expect("id");
    let target = format!("{ORGS}/{id}");
    let reply = delete(&server, &target);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"data": null, "errors": null, "debug": null})
    );
    get(&server, &target).error_message(404);
    delete(&server, &target).error_message(404);
    send_json(&server, "PUT", &target, "{}").error_message(404);

    let mut expected = all.clone();
    expected.remove(10);
    let mut remaining = Vec::new();
    for offset in (0..expected.len()).step_by(100) {
        remaining.extend(data_list(&get(&server, &format!("{ORGS}?offset={offset}"))));
    }
    assert_eq!(remaining, expected, "the others keep their order");
    assert_eq!(
        count_of(&server, &format!("{ORGS}?metadata=count&limit=0")),
        expected.len() as u64
    );
    // Records after the deleted one are still found by id.
    for record in &expected[9..] {
        let id = record["id"].as_str().expect("id");
        assert_eq!(get(&server, &format!("{ORGS}/{id}")).data(), *record);
    }
}
