//! The fake's file endpoints over raw sockets, as the documentation's "Uploading, Linking, and
//! Using Files" and "Obtaining the PDF of an invoice" describe them: the chunked upload's state
//! machine (exact chunk boundaries, the 500 kB limit, bad base64, overflows, chunks after done,
//! the empty-chunk probe), documents made from uploads, downloads with their content types and
//! dispositions, the seeded documents' generated files, the invoice PDF found through the query
//! language, timeline attachments, and injected faults on the binary download.
//!
//! Base64 is encoded here by hand, sharing no code with the fake or the client.

mod common;

use std::collections::HashSet;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use simplicate_fake::{FakeServer, FaultOptions};

const UPLOAD: &str = "/api/v2/upload/chunked";
const DOCUMENTS: &str = "/api/v2/documents/document";
const DOWNLOAD: &str = "/api/v2/documents/download";
const INVOICE_DOCUMENTS: &str = "/api/v2/invoices/document";
const MESSAGES: &str = "/api/v2/timeline/message";
const ATTACHMENTS: &str = "/api/v2/timeline/attachment";

/// Raw bytes per chunk: 375,000 bytes encode to exactly 500,000 base64 characters.
const CHUNK_BYTES: usize = 375_000;

/// The documentation's own example chunk: the 858-byte Simplicate logo, verbatim.
const DOC_CHUNK: &str = concat!(
    "iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAYAAADgdz34AAAACXBIWXMAACxKAAAsSgF3enRNAAADDElEQVRIiY1VO2hUQRTd",
    "7LoRjYpg/EOipEgRxUJRDNgoVhZKUAu/BH8E0lgoNjbpFNGAhZ95hQTnqYU2In6QFBoEg2gjFiYiJiKopHCeEgWT9dyZM7uz",
    "EXb2weG+N2/u78y9d3K54EmTLKcTIzKvlZXL0sSchRwCJoAS8BN4g/+XIdeldp8RvQbRr/nQeIPGRsjDUPymnVGPXzA8jfVS",
    "quz3FHAO79aJ6NZ2oEyeG89oGMC3GBnB2inILcBaYCPQ7bIydGzuAo2iG3MgkXQFEQ8A81KX0QzYQPrECbM8XwdFWRM2jdL4",
    "nSqDyiyCsTVAi1CJYMTxI+79iLWOqAPHu1X4Dqxwhm20vaDsM//9wFo/5CAjH4PxNjlsoTiWwX3yeo0UCA4GlJlUmfDQx+C4",
    "HRDjBR07Ayh8peIxW7IKpafMMJ3eAJbivYd7xvF/JYPISwXVQ9EfKu/lQc6B9NRspVPZtxNyNeRy4AIw2wcUczBOCnpdA9no",
    "Bl0G5jEoKGq/7uRr7frhnj0rFc3ApDZalaUuIutge8D5Q8s1uxffR+Foik13qR6KdrFLJ/He4SqIB63K3fsAe2aVx4oyJ4MA",
    "NtR0wFExzM3PoVwMnBwIM8F6YzWNmTTcrVgGknonKPhLQ09tJysXMXCo7ERl1xmQlHc3K22ytgPwS0N7GBGGnVnINf4zJzge",
    "ZPCtohN0eDYtFNaRga1pcbYjdXUupdgPg/PZ2XPFODPZTJ0WwGYdy4CjAfw6xWYYe8/0pUw7gavOuJH7YTGzWu+pqyeDAp20",
    "wtiorkzLkh/PdpQn2Wntp6qtJNsrE5EMcJM5J0LNiHZKL4Dd+H4C+QHyFXBcVyatZPuWGVys6YBKbam9ZKzCEA6yKRgRS7Cn",
    "mFbfCVdSP2UT0xpxIHdrto0VZB0A7SzFmZdNM+SA5x4B9NTRyeUrs8tXBfAbHN+EPCJDDtgnVQU6vwSN18fxEbmTwzJNsk3A",
    "y8CIHxUlNxBldJhP+N4fUBjJoNL6Ba8EyGhOgGdYe0ent+2gS7IFzNgH9Z/NfzoINxdnkeUkAAAAAElFTkSuQmCC",
);

// ---- helpers -----------------------------------------------------------------------------------

fn b64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let mut n = 0u32;
        for (k, &b) in group.iter().enumerate() {
            n |= u32::from(b) << (16 - 8 * k);
        }
        for k in 0..4 {
            if k <= group.len() {
                out.push(ABC[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `n` deterministic bytes (xorshift64*), every byte value occurring.
fn bytes_of(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// 858 bytes that start like a PNG, as the documentation's example file does.
fn logo() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(bytes_of(858 - 8, 858));
    bytes
}

fn start_upload(server: &FakeServer, name: &str, size: usize) -> String {
    let reply = send_json(
        server,
        "POST",
        UPLOAD,
        &json!({"file_name": name, "file_size": size}).to_string(),
    );
    let id = reply.data()["chunked_upload_id"]
        .as_str()
        .expect("chunked_upload_id")
        .to_owned();
    assert_id(&id, "chunkedupload", 32);
    id
}

fn put_raw(server: &FakeServer, id: &str, body: &str) -> Reply {
    send_json(server, "PUT", &format!("{UPLOAD}/{id}"), body)
}

fn put_chunk(server: &FakeServer, id: &str, chunk: &str) -> Reply {
    put_raw(server, id, &format!(r#"{{"chunk":"{chunk}"}}"#))
}

fn probe(server: &FakeServer, id: &str) -> Value {
    put_chunk(server, id, "").data()
}

/// Uploads `bytes` in 375,000-byte slices; the `data` of every PUT answer.
fn upload_all(server: &FakeServer, id: &str, bytes: &[u8]) -> Vec<Value> {
    bytes
        .chunks(CHUNK_BYTES)
        .map(|slice| put_chunk(server, id, &b64(slice)).data())
        .collect()
}

/// A completed upload of `bytes` named `name`: its upload_queue_id.
fn upload(server: &FakeServer, name: &str, bytes: &[u8]) -> String {
    let id = start_upload(server, name, bytes.len());
    let answers = upload_all(server, &id, bytes);
    let last = answers.last().expect("at least one chunk");
    assert_eq!(last["state"], "done", "{last}");
    last["upload_queue_id"]
        .as_str()
        .expect("queue id")
        .to_owned()
}

fn first_id(server: &FakeServer, collection: &str) -> String {
    server.store().list(collection)[0]["id"]
        .as_str()
        .expect("seeded id")
        .to_owned()
}

/// A message type to post timeline messages with: planted, since the seed has none (a
/// message's `messagetype_id` must name one).
fn message_type(server: &FakeServer) -> String {
    let planted = json!({"id": "messagetype:0000000000000001", "label": "Notitie"});
    server
        .store()
        .insert("timeline/messagetype", object(planted))
}

/// `POST timeline/message` with a title (and a planted message type): the new message's id.
fn post_message(server: &FakeServer, title: &str) -> String {
    let body = json!({"messagetype_id": message_type(server), "title": title});
    created_id(&send_json(server, "POST", MESSAGES, &body.to_string()))
}

fn document_body(server: &FakeServer, queue_id: &str, title: &str) -> Value {
    json!({
        "upload_queue_id": queue_id,
        "title": title,
        "document_type_id": first_id(server, "documents/documenttype"),
        "linked_to": {"person_id": first_id(server, "crm/person")},
    })
}

fn make_document(server: &FakeServer, queue_id: &str, title: &str) -> String {
    let body = document_body(server, queue_id, title).to_string();
    let id = created_id(&send_json(server, "POST", DOCUMENTS, &body));
    assert_id(&id, "document", 32);
    id
}

fn download(server: &FakeServer, id: &str) -> Reply {
    get(server, &format!("{DOWNLOAD}/{id}"))
}

/// Asserts a file answer: status, headers, and returns the bytes.
fn file_of(reply: &Reply, content_type: &str, file_name: &str) -> Vec<u8> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some(content_type));
    assert_eq!(
        reply.header("content-disposition"),
        Some(format!("attachment; filename=\"{file_name}\"").as_str())
    );
    let length: usize = reply
        .header("content-length")
        .expect("content-length")
        .parse()
        .expect("number");
    assert_eq!(length, reply.body.len());
    reply.body.clone()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn in_progress(pointer: u64, current: usize, expected: usize) -> Value {
    json!({
        "pointer": pointer,
        "state": "in_progress",
        "file_size_current": current,
        "file_size_expected": expected,
    })
}

/// Everything the server sent on one `Connection: close` exchange, and how it ended.
fn exchange(server: &FakeServer, target: &str) -> (Vec<u8>, Option<ErrorKind>) {
    let addr = server.addr();
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut head = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in AUTH {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write");
    let mut bytes = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let error = loop {
        match stream.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => break Some(e.kind()),
        }
    };
    (bytes, error)
}

/// (status, headers, body as received), the body unchecked against its length.
fn split(raw: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = std::str::from_utf8(&raw[..at]).expect("ascii head");
    let mut lines = head.split("\r\n");
    let status = lines.next().expect("status line")[9..12]
        .parse()
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, raw[at + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

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

// ---- documents ---------------------------------------------------------------------------------

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
    type Edit = Box<dyn Fn(&mut serde_json::Map<String, Value>)>;
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
