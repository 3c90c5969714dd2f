//! The fake's documents over raw sockets: documents made from uploads, downloads with their
//! content types and dispositions, the seeded documents' generated files, the invoice PDF found
//! through the query language (the documentation's "Obtaining the PDF of an invoice"), and
//! timeline attachments.
//!
//! Base64 is encoded here by hand (`common/files.rs`), sharing no code with the fake or the
//! client.

mod common;

use std::collections::HashSet;

use common::files::*;
use common::*;
use serde_json::{json, Value};

// ---- documents ---------------------------------------------------------------------------------

/// A change to a valid document body that the fake must refuse.
type Edit = Box<dyn Fn(&mut serde_json::Map<String, Value>)>;

#[test]
fn documents_from_uploads_check_their_fields_and_use_an_upload_once() {
    let server = start_light();
    let queue = upload(&server, "contract.pdf", b"%PDF-1.7 contract");
    let good = document_body(&server, &queue, "Contract");
    let broken = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut body = good.as_object().expect("object").clone();
        edit(&mut body);
        send_json(&server, "POST", DOCUMENTS, &Value::Object(body).to_string())
    };
    let cases: Vec<(&str, Edit)> = vec![
        (
            "title",
            Box::new(|b| {
                b.remove("title");
            }),
        ),
        (
            "title",
            Box::new(|b| {
                b.insert("title".into(), json!(""));
            }),
        ),
        (
            "document_type_id",
            Box::new(|b| {
                b.remove("document_type_id");
            }),
        ),
        (
            "document_type_id",
            Box::new(|b| {
                b.insert("document_type_id".into(), json!(3));
            }),
        ),
        (
            "linked_to",
            Box::new(|b| {
                b.remove("linked_to");
            }),
        ),
        (
            "linked_to",
            Box::new(|b| {
                b.insert("linked_to".into(), json!("person:1"));
            }),
        ),
        (
            "linked_to",
            Box::new(|b| {
                b.insert("linked_to".into(), json!({}));
            }),
        ),
        (
            "linked_to",
            Box::new(|b| {
                b.insert("linked_to".into(), json!({"person_id": ""}));
            }),
        ),
        (
            "linked_to",
            Box::new(|b| {
                b.insert("linked_to".into(), json!([1]));
            }),
        ),
        (
            "description",
            Box::new(|b| {
                b.insert("description".into(), json!(5));
            }),
        ),
        (
            "upload_queue_id",
            Box::new(|b| {
                b.insert("upload_queue_id".into(), json!(5));
            }),
        ),
    ];
    for (field, edit) in &cases {
        let msg = broken(edit.as_ref()).error_message(400);
        assert!(msg.contains(field), "{field}: {msg}");
    }
    // None of that used the upload up. A list of links (the spec's model) is merged.
    let (organization, project) = (
        first_id(&server, "crm/organization"),
        first_id(&server, "projects/project"),
    );
    let document = created_id(&broken(&|b| {
        b.insert(
            "linked_to".into(),
            json!([{"organization_id": organization}, {"project_id": project}]),
        );
        b.insert("description".into(), json!("Getekend"));
    }));
    let record = server
        .store()
        .get("documents/document", &document)
        .expect("stored");
    assert_eq!(
        record["linked_to"],
        json!({"organization_id": organization, "project_id": project})
    );
    assert_eq!(record["description"], "Getekend");
    // A document type or a linked record that does not exist is refused, naming it, and
    // leaves the upload unused (the documentation's example ids exist only in its account).
    let queue2 = upload(&server, "b.bin", b"b");
    let mut body = document_body(&server, &queue2, "b");
    body["document_type_id"] = json!("documenttype:b423eae1f54f879041c55b3092b4a1f8");
    let msg = send_json(&server, "POST", DOCUMENTS, &body.to_string()).error_message(400);
    assert_eq!(
        msg,
        "No documenttype found with id documenttype:b423eae1f54f879041c55b3092b4a1f8 given \
         in the document_type_id property"
    );
    let mut body = document_body(&server, &queue2, "b");
    body["linked_to"] = json!({"person_id": "person:b1c692b0993bb602eb694ed52cdf49ac"});
    let msg = send_json(&server, "POST", DOCUMENTS, &body.to_string()).error_message(400);
    assert_eq!(
        msg,
        "No person found with id person:b1c692b0993bb602eb694ed52cdf49ac given in the \
         linked_to.person_id property"
    );
    make_document(&server, &queue2, "b");
    // Each upload backs one document.
    let msg = send_json(&server, "POST", DOCUMENTS, &good.to_string()).error_message(400);
    assert!(
        msg.contains(&queue) && msg.contains(&document) && msg.contains("already used"),
        "{msg}"
    );
    assert_eq!(server.store().count("documents/document"), 5 + 2);
}

#[test]
fn a_plain_document_create_still_works_and_downloads_generated_content() {
    let server = start_light();
    let document = created_id(&send_json(
        &server,
        "POST",
        DOCUMENTS,
        r#"{"title": "Notulen overleg.pdf", "description": "zonder bestand"}"#,
    ));
    let record = server
        .store()
        .get("documents/document", &document)
        .expect("stored");
    assert!(record.get("file_name").is_none(), "{record}");
    let got = file_of(
        &download(&server, &document),
        "application/pdf",
        "Notulen overleg.pdf",
    );
    assert!(got.starts_with(b"%PDF-1.4\n") && got.ends_with(b"%%EOF\n"));
    // A POST with upload_queue_id null is a plain one too.
    let reply = send_json(
        &server,
        "POST",
        DOCUMENTS,
        r#"{"title": "x", "upload_queue_id": null}"#,
    );
    created_id(&reply);
}

#[test]
fn content_types_and_dispositions_follow_the_file_name() {
    let server = start_light();
    let cases = [
        (
            "Rapport Q1.pdf",
            "application/pdf",
            "attachment; filename=\"Rapport Q1.pdf\"",
        ),
        (
            "SCAN.PDF",
            "application/pdf",
            "attachment; filename=\"SCAN.PDF\"",
        ),
        (
            "notes.pdf.txt",
            "application/octet-stream",
            "attachment; filename=\"notes.pdf.txt\"",
        ),
        (
            "foto.jpg",
            "application/octet-stream",
            "attachment; filename=\"foto.jpg\"",
        ),
        (
            "README",
            "application/octet-stream",
            "attachment; filename=\"README\"",
        ),
        (
            "Offerte café \"v2\".pdf",
            "application/pdf",
            "attachment; filename=\"Offerte caf_ \\\"v2\\\".pdf\"; \
             filename*=UTF-8''Offerte%20caf%C3%A9%20%22v2%22.pdf",
        ),
    ];
    for (i, (name, content_type, disposition)) in cases.into_iter().enumerate() {
        let bytes = bytes_of(100 + i, i as u64);
        let document = make_document(&server, &upload(&server, name, &bytes), name);
        let reply = download(&server, &document);
        assert_eq!(reply.status, 200, "{name}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{name}");
        assert_eq!(
            reply.header("content-disposition"),
            Some(disposition),
            "{name}"
        );
        assert_eq!(
            reply.header("content-length"),
            Some((100 + i).to_string().as_str())
        );
        assert_eq!(reply.body, bytes, "{name}");
        let record = server
            .store()
            .get("documents/document", &document)
            .expect("stored");
        assert_eq!(record["content_type"], content_type);
        assert_eq!(record["file_size"], 100 + i);
        assert_eq!(record["file_name"], name);
    }
}

#[test]
fn a_document_can_take_a_new_upload_with_put() {
    let server = start_light();
    let document = make_document(&server, &upload(&server, "v1.bin", b"version 1"), "v1");
    let queue = upload(&server, "v2.pdf", b"%PDF version 2");
    let body = json!({"id": document, "upload_queue_id": queue, "title": "Versie 2"});
    assert_eq!(
        created_id(&send_json(&server, "PUT", DOCUMENTS, &body.to_string())),
        document
    );
    let got = file_of(&download(&server, &document), "application/pdf", "v2.pdf");
    assert_eq!(got, b"%PDF version 2");
    let record = server
        .store()
        .get("documents/document", &document)
        .expect("stored");
    assert_eq!(
        (&record["title"], &record["file_size"]),
        (&json!("Versie 2"), &json!(14))
    );
    // Used now; and a missing document leaves an upload unused.
    send_json(&server, "PUT", DOCUMENTS, &body.to_string()).error_message(400);
    let spare = upload(&server, "v3.bin", b"3");
    let body = json!({"id": "document:missing", "upload_queue_id": spare});
    send_json(&server, "PUT", DOCUMENTS, &body.to_string()).error_message(404);
    let body = json!({"upload_queue_id": spare});
    let msg = send_json(&server, "PUT", DOCUMENTS, &body.to_string()).error_message(400);
    assert!(msg.contains("\"id\""), "{msg}");
    make_document(&server, &spare, "v3");
    // A plain PUT (no upload_queue_id) keeps the file.
    let body = json!({"id": document, "description": "bijgewerkt"});
    created_id(&send_json(&server, "PUT", DOCUMENTS, &body.to_string()));
    assert_eq!(download(&server, &document).body, b"%PDF version 2");
}

#[test]
fn deleting_a_document_drops_its_file_and_reset_forgets_uploads() {
    let server = start_light();
    let chunked = start_upload(&server, "gone.bin", 4);
    let done = put_chunk(&server, &chunked, &b64(b"gone")).data();
    let document = make_document(
        &server,
        done["upload_queue_id"].as_str().expect("id"),
        "gone",
    );
    assert_eq!(
        delete(&server, &format!("{DOCUMENTS}/{document}")).data(),
        Value::Null
    );
    download(&server, &document).error_message(404);
    delete(&server, &format!("{DOCUMENTS}/{document}")).error_message(404);
    let pending = start_upload(&server, "pending.bin", 4);
    server.store().reset();
    put_chunk(&server, &chunked, "").error_message(404);
    put_chunk(&server, &pending, "").error_message(404);
    // The id stream restarts with the data: the first upload after a reset gets the same id.
    let again = start_upload(&server, "again.bin", 1);
    let fresh = start_light();
    assert_eq!(start_upload(&fresh, "x", 1), again);
}

// ---- seeded documents and the invoice PDF ------------------------------------------------------

#[test]
fn seeded_documents_download_deterministic_generated_files() {
    let server = shared();
    let documents = server.store().list("documents/document");
    let (mut pdfs, mut others) = (0, 0);
    for record in &documents {
        let id = record["id"].as_str().expect("id");
        let title = record["title"].as_str().expect("title");
        let reply = download(server, id);
        if title.to_ascii_lowercase().ends_with(".pdf") {
            let got = file_of(&reply, "application/pdf", title);
            assert!(
                got.starts_with(b"%PDF-1.4\n") && got.ends_with(b"%%EOF\n"),
                "{id}"
            );
            assert!(
                String::from_utf8_lossy(&got).contains(&format!("({id})")),
                "{id}"
            );
            pdfs += 1;
        } else {
            assert_eq!(
                reply.header("content-type"),
                Some("application/octet-stream")
            );
            assert!(
                (256..1024).contains(&reply.body.len()),
                "{}",
                reply.body.len()
            );
            others += 1;
        }
        assert_eq!(download(server, id).body, reply.body, "{id} twice");
    }
    assert!(pdfs > 10 && others > 5, "{pdfs} PDFs, {others} others");
    // Same seed, same files, on another server.
    let twin = start(0);
    let id = documents[0]["id"].as_str().expect("id");
    assert_eq!(download(&twin, id).body, download(server, id).body);
}

#[test]
fn seeded_hrm_documents_download_as_their_records_describe() {
    let server = shared();
    let employees: HashSet<String> = server
        .store()
        .list("hrm/employee")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_owned())
        .collect();
    let documents = data_list(&get(server, "/api/v2/hrm/document?limit=100"));
    assert!(!documents.is_empty());
    let mut pdfs = 0;
    for record in &documents {
        let id = record["id"].as_str().expect("id");
        let employee = record["linked_to"]["employee_id"]
            .as_str()
            .expect("employee");
        assert!(employees.contains(employee), "{id}: {employee}");
        let reply = download(server, id);
        assert_eq!(reply.status, 200, "{id}: {}", reply.text());
        assert_eq!(
            reply.header("content-type"),
            record["content_type"].as_str(),
            "{id}"
        );
        // Names are Dutch names, some with diacritics: the disposition's encodings are
        // `content_types_and_dispositions_follow_the_file_name`'s business.
        assert!(reply
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment; filename=")));
        assert_eq!(json!(reply.body.len()), record["file_size"], "{id}");
        pdfs += usize::from(reply.body.starts_with(b"%PDF-1.4\n"));
    }
    assert!(pdfs > documents.len() / 2, "{pdfs} PDFs");
}

#[test]
fn the_invoice_pdf_use_case() {
    // "After obtaining an invoice ID from /invoices/invoice, use /invoices/document to find the
    // relevant document(s) ... use the id to proceed to /documents/download/{id}."
    let server = shared();
    assert_eq!(
        count_of(
            server,
            &format!("{INVOICE_DOCUMENTS}?metadata=count&limit=1")
        ),
        count_of(server, "/api/v2/invoices/invoice?metadata=count&limit=1")
    );
    let invoices = data_list(&get(server, "/api/v2/invoices/invoice?limit=5&offset=17"));
    assert_eq!(invoices.len(), 5);
    for invoice in invoices {
        let invoice_id = invoice["id"].as_str().expect("id");
        let found = data_list(&get(
            server,
            &format!(
                "{INVOICE_DOCUMENTS}?q[linked_to.invoice_id]={}",
                enc(invoice_id)
            ),
        ));
        assert_eq!(found.len(), 1, "{invoice_id}: {found:?}");
        let document = &found[0];
        let id = document["id"].as_str().expect("id");
        assert_id(id, "document", 32);
        let title = format!(
            "Factuur {}.pdf",
            invoice["invoice_number"].as_str().expect("number")
        );
        assert_eq!(document["title"], title.as_str());
        assert_eq!(document["linked_to"], json!({"invoice_id": invoice_id}));
        assert_eq!(document["document_type"]["label"], "Factuur");
        assert!(document["download_url"].is_string());
        // The item endpoint agrees with the list.
        assert_eq!(
            &get(server, &format!("{INVOICE_DOCUMENTS}/{id}")).data(),
            document
        );
        let got = file_of(&download(server, id), "application/pdf", &title);
        assert_eq!(document["file_size"], got.len());
        assert!(got.starts_with(b"%PDF-1.4\n") && got.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&got);
        assert!(text.contains(&format!("({id})")) && text.contains(&format!("({title})")));
    }
    // An invoice without a match finds nothing; sizes follow invoices/invoice.
    let none = get(
        server,
        &format!("{INVOICE_DOCUMENTS}?q[linked_to.invoice_id]=invoice:nope"),
    );
    assert!(data_list(&none).is_empty());
    let light = start_light();
    assert_eq!(light.store().count("invoices/document"), 10);
}

// ---- timeline attachments ----------------------------------------------------------------------

#[test]
fn timeline_attachments_link_documents_to_messages() {
    let server = start_light();
    let message = post_message(&server, "Bijlagen");
    let uploaded = make_document(&server, &upload(&server, "a.pdf", b"%PDF a"), "Bijlage A");
    let seeded = first_id(&server, "documents/document");
    let invoice_document = first_id(&server, "invoices/document");
    let mut attachments = Vec::new();
    for document in [&uploaded, &seeded, &invoice_document] {
        let body = json!({"message_id": message, "document_id": document}).to_string();
        let id = created_id(&send_json(&server, "POST", ATTACHMENTS, &body));
        assert_id(&id, "attachment", 32);
        let record = server
            .store()
            .get("timeline/attachment", &id)
            .expect("stored");
        assert_eq!(
            (&record["message_id"], &record["document_id"]),
            (&json!(message), &json!(document))
        );
        attachments.push(id);
    }
    let listed = get(&server, &format!("{MESSAGES}/{message}")).data()["attachments"].clone();
    assert_eq!(
        ids(listed.as_array().expect("attachments")),
        attachments,
        "{listed}"
    );
    assert_eq!(listed[0]["title"], "Bijlage A");
    assert_eq!(listed[0]["document_id"], uploaded.as_str());
    assert!(listed[0]["attachment_type"]["id"].is_string());
    // DELETE works on the item, and the message forgets it.
    assert_eq!(
        delete(&server, &format!("{ATTACHMENTS}/{}", attachments[1])).data(),
        Value::Null
    );
    delete(&server, &format!("{ATTACHMENTS}/{}", attachments[1])).error_message(404);
    let listed = get(&server, &format!("{MESSAGES}/{message}")).data()["attachments"].clone();
    assert_eq!(
        ids(listed.as_array().expect("attachments")),
        [attachments[0].clone(), attachments[2].clone()]
    );
    assert_eq!(server.store().count("timeline/attachment"), 2);
}

#[test]
fn timeline_attachment_errors_name_the_field() {
    let server = start_light();
    let message = post_message(&server, "m");
    let document = first_id(&server, "documents/document");
    let cases = [
        (json!({}), 400, "message_id"),
        (json!({"document_id": document}), 400, "message_id"),
        (json!({"message_id": message}), 400, "document_id"),
        (
            json!({"message_id": 5, "document_id": document}),
            400,
            "message_id",
        ),
        (
            json!({"message_id": message, "document_id": ""}),
            400,
            "document_id",
        ),
        (
            json!({"message_id": "message:nope", "document_id": document}),
            400,
            "No message found with id message:nope given in the message_id property",
        ),
        (
            json!({"message_id": message, "document_id": "document:nope"}),
            400,
            "No document found with id document:nope given in the document_id property",
        ),
    ];
    for (body, status, field) in cases {
        let msg = send_json(&server, "POST", ATTACHMENTS, &body.to_string()).error_message(status);
        assert!(msg.contains(field), "{body}: {msg}");
    }
    assert_eq!(server.store().count("timeline/attachment"), 0);
    assert_eq!(get(&server, ATTACHMENTS).status, 405);
}
