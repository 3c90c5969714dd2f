//! The fake's chunked upload over raw sockets, as the documentation's "Uploading, Linking, and
//! Using Files" describes it: the documented flow with the documentation's own example, the
//! state machine (exact chunk boundaries, the 500 kB limit, bad base64, overflows, chunks after
//! done, the empty-chunk probe), injected faults on the binary download, and a 20 MB round trip.
//!
//! Base64 is encoded here by hand (`common/files.rs`), sharing no code with the fake or the
//! client.

mod common;

use common::files::*;
use common::*;
use serde_json::json;
use simplicate_fake::FaultOptions;

// ---- the documented flow -----------------------------------------------------------------------

#[test]
fn the_documented_flow_with_the_documentations_example() {
    let server = start_light();
    let bytes = logo();

    // "Let the API know your intentions": the documented answer, exactly.
    let reply = send_json(
        &server,
        "POST",
        UPLOAD,
        r#"{"file_name": "simplicate-logo.png", "file_size": 858}"#,
    );
    let answer = reply.json();
    let id = answer["data"]["chunked_upload_id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_id(&id, "chunkedupload", 32);
    assert_eq!(
        answer,
        json!({"data": {"chunked_upload_id": id}, "errors": null, "debug": null})
    );

    // One chunk, "way smaller than 500 kB": done, fields in the documented order.
    let answer = put_chunk(&server, &id, &b64(&bytes)).json();
    let data = &answer["data"];
    assert_eq!(
        keys(data),
        [
            "pointer",
            "state",
            "upload_queue_id",
            "file_size_current",
            "file_size_expected",
            "download_url"
        ]
    );
    let queue = data["upload_queue_id"]
        .as_str()
        .expect("queue id")
        .to_owned();
    assert_id(&queue, "uploadqueue", 32);
    assert_eq!(
        answer,
        json!({
            "data": {
                "pointer": 1,
                "state": "done",
                "upload_queue_id": queue,
                "file_size_current": 858,
                "file_size_expected": 858,
                "download_url": "/download?name=simplicate-logo.png"
            },
            "errors": null,
            "debug": null
        })
    );

    // "Converting to document", with the documented body.
    let document_type = first_id(&server, "documents/documenttype");
    let person = first_id(&server, "crm/person");
    let body = json!({
        "upload_queue_id": queue,
        "title": "simplicate-logo.png",
        "document_type_id": document_type,
        "linked_to": {"person_id": person},
    });
    let document = created_id(&send_json(&server, "POST", DOCUMENTS, &body.to_string()));
    assert_id(&document, "document", 32);

    let record = get(&server, &format!("{DOCUMENTS}/{document}")).data();
    assert_eq!(record["id"], document.as_str());
    assert_eq!(record["title"], "simplicate-logo.png");
    assert_eq!(record["description"], "");
    assert_eq!(record["file_name"], "simplicate-logo.png");
    assert_eq!(record["file_size"], 858);
    assert_eq!(record["content_type"], "application/octet-stream");
    assert_eq!(record["document_type"]["id"], document_type.as_str());
    assert!(record["document_type"]["label"].is_string(), "{record}");
    assert_eq!(record["linked_to"], json!({"person_id": person}));
    assert!(record["download_url"]
        .as_str()
        .is_some_and(|url| url.ends_with(&document)));
    assert_recent(&record["created_at"]);
    assert_eq!(record["created_at"], record["updated_at"]);
    // "This file can now be found in its linked entity": the query language finds it.
    let found = data_list(&get(
        &server,
        &format!("{DOCUMENTS}?q[linked_to.person_id]={}", enc(&person)),
    ));
    assert!(ids(&found).contains(&document), "{found:?}");

    // The download is the uploaded file.
    let got = file_of(
        &download(&server, &document),
        "application/octet-stream",
        "simplicate-logo.png",
    );
    assert_eq!(got, bytes);

    // "As a timeline message attachment".
    let body = json!({"messagetype_id": message_type(&server), "title": "Nieuw logo",
                      "content": "Zie bijlage"});
    let message = created_id(&send_json(&server, "POST", MESSAGES, &body.to_string()));
    let body = json!({"message_id": message, "document_id": document}).to_string();
    let attachment = created_id(&send_json(&server, "POST", ATTACHMENTS, &body));
    assert_id(&attachment, "attachment", 32);
}

#[test]
fn the_documentations_own_chunk_is_the_858_byte_logo() {
    let server = start_light();
    let id = start_upload(&server, "simplicate-logo.png", 858);
    let data = put_chunk(&server, &id, DOC_CHUNK).data();
    assert_eq!(
        (&data["state"], &data["file_size_current"]),
        (&json!("done"), &json!(858))
    );
    let queue = data["upload_queue_id"].as_str().expect("queue id");
    let document = make_document(&server, queue, "simplicate-logo.png");
    let got = file_of(
        &download(&server, &document),
        "application/octet-stream",
        "simplicate-logo.png",
    );
    assert_eq!(got.len(), 858);
    assert!(got.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(b64(&got), DOC_CHUNK);
}

// ---- the upload state machine ------------------------------------------------------------------

#[test]
fn chunks_at_exact_boundaries() {
    let server = start_light();
    for (size, chunks) in [(374_999, 1), (375_000, 1), (375_001, 2), (750_000, 2)] {
        let bytes = bytes_of(size, size as u64);
        let id = start_upload(&server, "data.bin", size);
        assert_eq!(probe(&server, &id), in_progress(0, 0, size), "{size}");
        let answers = upload_all(&server, &id, &bytes);
        assert_eq!(answers.len(), chunks, "{size}");
        for (i, answer) in answers[..chunks - 1].iter().enumerate() {
            let sent = (i + 1) * CHUNK_BYTES;
            assert_eq!(answer, &in_progress(i as u64 + 1, sent, size), "{size}");
        }
        let last = &answers[chunks - 1];
        assert_eq!(last["state"], "done", "{size}: {last}");
        assert_eq!(last["pointer"], chunks);
        assert_eq!(
            (&last["file_size_current"], &last["file_size_expected"]),
            (&json!(size), &json!(size))
        );
        let queue = last["upload_queue_id"].as_str().expect("queue id");
        let document = make_document(&server, queue, "data.bin");
        let got = file_of(
            &download(&server, &document),
            "application/octet-stream",
            "data.bin",
        );
        assert!(got == bytes, "{size}: downloaded bytes differ");
    }
}

#[test]
fn uneven_chunks_are_each_decoded_on_their_own() {
    // Padding in the middle of an upload is fine: every chunk stands alone.
    let server = start_light();
    let bytes = bytes_of(1000, 7);
    let id = start_upload(&server, "uneven.bin", 1000);
    let mut sent = 0;
    for (i, n) in [1, 2, 300, 4, 693].into_iter().enumerate() {
        let data = put_chunk(&server, &id, &b64(&bytes[sent..sent + n])).data();
        sent += n;
        assert_eq!(data["pointer"], i + 1);
        assert_eq!(data["file_size_current"], sent);
    }
    let queue = probe(&server, &id)["upload_queue_id"]
        .as_str()
        .expect("done")
        .to_owned();
    let document = make_document(&server, &queue, "uneven.bin");
    assert_eq!(download(&server, &document).body, bytes);
}

#[test]
fn two_uploads_interleaved_stay_apart() {
    let server = start_light();
    let (a, b) = (bytes_of(600_000, 1), bytes_of(500_000, 2));
    let (ia, ib) = (
        start_upload(&server, "a.bin", a.len()),
        start_upload(&server, "b.bin", b.len()),
    );
    assert_ne!(ia, ib);
    let (ca, cb): (Vec<_>, Vec<_>) = (
        a.chunks(CHUNK_BYTES).collect(),
        b.chunks(CHUNK_BYTES).collect(),
    );
    for i in 0..2 {
        put_chunk(&server, &ia, &b64(ca[i])).data();
        put_chunk(&server, &ib, &b64(cb[i])).data();
    }
    for (id, bytes, name) in [(&ia, &a, "a.bin"), (&ib, &b, "b.bin")] {
        let queue = probe(&server, id)["upload_queue_id"]
            .as_str()
            .expect("done")
            .to_owned();
        let document = make_document(&server, &queue, name);
        assert!(download(&server, &document).body == *bytes, "{name}");
    }
}

#[test]
fn chunks_over_500_kb_of_base64_are_refused() {
    let server = start_light();
    let id = start_upload(&server, "big.bin", 1_000_000);
    let too_long = "A".repeat(500_001);
    let msg = put_chunk(&server, &id, &too_long).error_message(400);
    assert_eq!(
        msg,
        "chunk exceeds 500 kB (base64 encoded): 500001 characters"
    );
    // Valid base64, one quad too many: still the length that is refused.
    let valid = b64(&bytes_of(CHUNK_BYTES + 3, 3));
    assert_eq!(valid.len(), 500_004);
    let msg = put_chunk(&server, &id, &valid).error_message(400);
    assert_eq!(
        msg,
        "chunk exceeds 500 kB (base64 encoded): 500004 characters"
    );
    assert_eq!(probe(&server, &id), in_progress(0, 0, 1_000_000));
    // Exactly 500,000 characters is fine.
    let data = put_chunk(&server, &id, &b64(&bytes_of(CHUNK_BYTES, 4))).data();
    assert_eq!(data, in_progress(1, CHUNK_BYTES, 1_000_000));
}

#[test]
fn invalid_chunks_are_refused_and_change_nothing() {
    let server = start_light();
    let id = start_upload(&server, "x.bin", 30);
    for chunk in [
        "abc",
        "ab!d",
        "A===",
        "====",
        "AA=A",
        "=AAA",
        "-_AA",
        "QUJD\\n",
        " QUJD",
        "QUJD====",
        "QUJDé===",
    ] {
        let msg = put_chunk(&server, &id, chunk).error_message(400);
        assert!(
            msg.starts_with("chunk is not valid base64"),
            "{chunk:?}: {msg}"
        );
    }
    for body in [
        r#"{"chunk": 42}"#,
        r#"{"chunk": ["QUJD"]}"#,
        r#"{"chunk": {}}"#,
    ] {
        let msg = put_raw(&server, &id, body).error_message(400);
        assert!(msg.contains("chunk"), "{body}: {msg}");
    }
    for body in ["{}", r#"{"chunk": null}"#, r#"{"checksum": "abc"}"#] {
        let msg = put_raw(&server, &id, body).error_message(400);
        assert_eq!(msg, "The request body needs \"chunk\"", "{body}");
    }
    let msg = send_typed(
        &server,
        "PUT",
        &format!("{UPLOAD}/{id}"),
        Some("application/json"),
        "[1]",
    )
    .error_message(400);
    assert!(msg.contains("JSON object"), "{msg}");
    assert_eq!(probe(&server, &id), in_progress(0, 0, 30));
    // The spec's `checksum` rides along unchecked.
    let body = json!({"chunk": b64(b"0123456789"), "checksum": "whatever"}).to_string();
    assert_eq!(put_raw(&server, &id, &body).data(), in_progress(1, 10, 30));
}

#[test]
fn a_chunk_beyond_the_announced_size_is_refused_whole() {
    let server = start_light();
    let bytes = bytes_of(10, 10);
    let id = start_upload(&server, "ten.bin", 10);
    assert_eq!(
        put_chunk(&server, &id, &b64(&bytes[..8])).data(),
        in_progress(1, 8, 10)
    );
    let msg = put_chunk(&server, &id, &b64(b"abc")).error_message(400);
    assert!(
        msg.contains("11 bytes")
            && msg.contains("file_size of 10")
            && msg.contains("nothing was appended"),
        "{msg}"
    );
    assert_eq!(probe(&server, &id), in_progress(1, 8, 10));
    // A single chunk larger than the whole file, on a fresh upload.
    let other = start_upload(&server, "small.bin", 2);
    put_chunk(&server, &other, &b64(b"abc")).error_message(400);
    assert_eq!(probe(&server, &other), in_progress(0, 0, 2));
    // The right remainder completes the first one, with exactly its bytes.
    let done = put_chunk(&server, &id, &b64(&bytes[8..])).data();
    assert_eq!(done["state"], "done");
    assert_eq!(done["file_size_current"], 10);
    let document = make_document(
        &server,
        done["upload_queue_id"].as_str().expect("id"),
        "ten.bin",
    );
    assert_eq!(download(&server, &document).body, bytes);
}

#[test]
fn after_done_no_chunk_is_accepted_but_the_probe_answers() {
    let server = start_light();
    let id = start_upload(&server, "a b&c.pdf", 3);
    let done = put_chunk(&server, &id, &b64(b"pdf")).data();
    assert_eq!(done["download_url"], "/download?name=a%20b%26c.pdf");
    for chunk in [b64(b"x"), b64(b"more bytes"), "not base64!".to_owned()] {
        let msg = put_chunk(&server, &id, &chunk).error_message(400);
        assert_eq!(msg, "upload is done; no new chunks are accepted");
    }
    // The empty chunk answers the done state, again and again, with the same upload_queue_id.
    assert_eq!(probe(&server, &id), done);
    assert_eq!(probe(&server, &id), done);
}

#[test]
fn unknown_ids_are_404() {
    let server = start_light();
    let nobody = "chunkedupload:00000000000000000000000000000000";
    for chunk in [b64(b"abc"), String::new()] {
        let msg = put_chunk(&server, nobody, &chunk).error_message(404);
        assert!(msg.contains(nobody), "{msg}");
    }
    // Checked before the body: an unknown upload is 404 whatever is sent.
    put_raw(&server, nobody, "{}").error_message(404);
    let msg = download(&server, "document:nope").error_message(404);
    assert!(msg.contains("document:nope"), "{msg}");
    // An upload_queue_id that names nothing, or names an upload still in progress.
    let in_progress_id = start_upload(&server, "x.bin", 5);
    for queue in [
        "uploadqueue:00000000000000000000000000000000",
        in_progress_id.as_str(),
    ] {
        let body = document_body(&server, queue, "x.bin").to_string();
        let msg = send_json(&server, "POST", DOCUMENTS, &body).error_message(400);
        assert!(msg.starts_with("unknown upload_queue_id"), "{msg}");
    }
}

#[test]
fn starting_an_upload_checks_its_fields() {
    let server = start_light();
    let cases = [
        ("{}", "file_name"),
        (r#"{"file_size": 5}"#, "file_name"),
        (r#"{"file_name": "", "file_size": 5}"#, "file_name"),
        (r#"{"file_name": "  ", "file_size": 5}"#, "file_name"),
        (r#"{"file_name": 7, "file_size": 5}"#, "file_name"),
        (r#"{"file_name": null, "file_size": 5}"#, "file_name"),
        (r#"{"file_name": "a"}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": null}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": 0}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": -1}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": 1.5}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": 858.0}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": 1e30}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": "abc"}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": ""}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": " 5"}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": "0"}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": true}"#, "file_size"),
        (r#"{"file_name": "a", "file_size": [5]}"#, "file_size"),
    ];
    for (body, field) in cases {
        let msg = send_json(&server, "POST", UPLOAD, body).error_message(400);
        assert!(msg.contains(field), "{body}: {msg}");
    }
    // The spec's PostChunked types file_size as a string: digits are accepted.
    let reply = send_json(
        &server,
        "POST",
        UPLOAD,
        r#"{"file_name": "a", "file_size": "858"}"#,
    );
    let id = reply.data()["chunked_upload_id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(probe(&server, &id), in_progress(0, 0, 858));
    // Methods the registry does not list for these paths.
    assert_eq!(get(&server, UPLOAD).status, 405);
    assert_eq!(get(&server, &format!("{UPLOAD}/{id}")).status, 405);
}

// ---- faults and size ---------------------------------------------------------------------------

#[test]
fn truncate_and_drop_connection_cut_the_binary_download() {
    let server = start_light();
    let bytes = bytes_of(100_000, 5);
    let document = make_document(&server, &upload(&server, "cut.bin", &bytes), "cut.bin");
    let target = format!("{DOWNLOAD}/{document}");
    let rule = |truncate: bool| FaultOptions {
        path_glob: "documents/download/*".into(),
        truncate,
        drop_connection: !truncate,
        times: Some(1),
        ..FaultOptions::default()
    };

    // truncate: a complete, well-framed answer with the first half of the file.
    server.inject(rule(true)).expect("valid rule");
    let (raw, error) = exchange(&server, &target);
    assert_eq!(error, None);
    let (status, headers, body) = split(&raw);
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(header(&headers, "content-length"), Some("50000"));
    assert_eq!(body, bytes[..50_000]);

    // drop_connection: the head announces the whole file, fewer bytes arrive.
    server.inject(rule(false)).expect("valid rule");
    let (raw, _) = exchange(&server, &target);
    let (status, headers, body) = split(&raw);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-length"), Some("100000"));
    assert!(
        !body.is_empty() && body.len() < bytes.len(),
        "{}",
        body.len()
    );
    assert_eq!(body, bytes[..body.len()]);

    // The rules are used up: the next download is whole.
    let (raw, error) = exchange(&server, &target);
    assert_eq!(error, None);
    assert_eq!(split(&raw).2, bytes);
}

#[test]
fn a_20_mb_file_round_trips() {
    let server = start_light();
    let bytes = bytes_of(20_000_000, 20);
    let id = start_upload(&server, "big.bin", bytes.len());
    let answers = upload_all(&server, &id, &bytes);
    assert_eq!(answers.len(), 54);
    let last = answers.last().expect("answers");
    assert_eq!(
        (&last["state"], &last["pointer"]),
        (&json!("done"), &json!(54))
    );
    let document = make_document(
        &server,
        last["upload_queue_id"].as_str().expect("id"),
        "big.bin",
    );
    let reply = download(&server, &document);
    assert_eq!(reply.header("content-length"), Some("20000000"));
    assert!(reply.body == bytes, "20 MB differ");
}
