//! Helpers shared by the file tests (`files_*.rs`): a hand-written base64 encoder, the upload
//! steps, documents and messages, and a raw exchange for downloads cut by faults.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};
use simplicate_fake::FakeServer;

use super::*;

pub const UPLOAD: &str = "/api/v2/upload/chunked";
pub const DOCUMENTS: &str = "/api/v2/documents/document";
pub const DOWNLOAD: &str = "/api/v2/documents/download";
pub const INVOICE_DOCUMENTS: &str = "/api/v2/invoices/document";
pub const MESSAGES: &str = "/api/v2/timeline/message";
pub const ATTACHMENTS: &str = "/api/v2/timeline/attachment";

/// Raw bytes per chunk: 375,000 bytes encode to exactly 500,000 base64 characters.
pub const CHUNK_BYTES: usize = 375_000;

/// The documentation's own example chunk: the 858-byte Simplicate logo, verbatim.
pub const DOC_CHUNK: &str = concat!(
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

pub fn b64(bytes: &[u8]) -> String {
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
pub fn bytes_of(n: usize, seed: u64) -> Vec<u8> {
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
pub fn logo() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(bytes_of(858 - 8, 858));
    bytes
}

pub fn start_upload(server: &FakeServer, name: &str, size: usize) -> String {
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

pub fn put_raw(server: &FakeServer, id: &str, body: &str) -> Reply {
    send_json(server, "PUT", &format!("{UPLOAD}/{id}"), body)
}

pub fn put_chunk(server: &FakeServer, id: &str, chunk: &str) -> Reply {
    put_raw(server, id, &format!(r#"{{"chunk":"{chunk}"}}"#))
}

pub fn probe(server: &FakeServer, id: &str) -> Value {
    put_chunk(server, id, "").data()
}

/// Uploads `bytes` in 375,000-byte slices; the `data` of every PUT answer.
pub fn upload_all(server: &FakeServer, id: &str, bytes: &[u8]) -> Vec<Value> {
    bytes
        .chunks(CHUNK_BYTES)
        .map(|slice| put_chunk(server, id, &b64(slice)).data())
        .collect()
}

/// A completed upload of `bytes` named `name`: its upload_queue_id.
pub fn upload(server: &FakeServer, name: &str, bytes: &[u8]) -> String {
    let id = start_upload(server, name, bytes.len());
    let answers = upload_all(server, &id, bytes);
    let last = answers.last().expect("at least one chunk");
    assert_eq!(last["state"], "done", "{last}");
    last["upload_queue_id"]
        .as_str()
        .expect("queue id")
        .to_owned()
}

pub fn first_id(server: &FakeServer, collection: &str) -> String {
    server.store().list(collection)[0]["id"]
        .as_str()
        .expect("seeded id")
        .to_owned()
}

/// A message type to post timeline messages with: planted, since the seed has none (a
/// message's `messagetype_id` must name one).
pub fn message_type(server: &FakeServer) -> String {
    let planted = json!({"id": "messagetype:0000000000000001", "label": "Notitie"});
    server
        .store()
        .insert("timeline/messagetype", object(planted))
}

/// `POST timeline/message` with a title (and a planted message type): the new message's id.
pub fn post_message(server: &FakeServer, title: &str) -> String {
    let body = json!({"messagetype_id": message_type(server), "title": title});
    created_id(&send_json(server, "POST", MESSAGES, &body.to_string()))
}

pub fn document_body(server: &FakeServer, queue_id: &str, title: &str) -> Value {
    json!({
        "upload_queue_id": queue_id,
        "title": title,
        "document_type_id": first_id(server, "documents/documenttype"),
        "linked_to": {"person_id": first_id(server, "crm/person")},
    })
}

pub fn make_document(server: &FakeServer, queue_id: &str, title: &str) -> String {
    let body = document_body(server, queue_id, title).to_string();
    let id = created_id(&send_json(server, "POST", DOCUMENTS, &body));
    assert_id(&id, "document", 32);
    id
}

pub fn download(server: &FakeServer, id: &str) -> Reply {
    get(server, &format!("{DOWNLOAD}/{id}"))
}

/// Asserts a file answer: status, headers, and returns the bytes.
pub fn file_of(reply: &Reply, content_type: &str, file_name: &str) -> Vec<u8> {
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

pub fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

pub fn in_progress(pointer: u64, current: usize, expected: usize) -> Value {
    json!({
        "pointer": pointer,
        "state": "in_progress",
        "file_size_current": current,
        "file_size_expected": expected,
    })
}

/// Everything the server sent on one `Connection: close` exchange, and how it ended.
pub fn exchange(server: &FakeServer, target: &str) -> (Vec<u8>, Option<ErrorKind>) {
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
    let mut buf = vec![0u8; 64 * 1024];
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
pub fn split(raw: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
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

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
