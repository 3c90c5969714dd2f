//! The raw HTTP/1.1 client of the fault tests (`faults_*.rs`), a few lines on
//! `std::net::TcpStream` of its own (not `common/`): a dropped connection has to be observed
//! byte by byte, which a parse-or-panic helper cannot.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;
use simplicate_fake::{FakeConfig, FakeServer, FaultKind, FaultOptions};

pub const AUTH: &[(&str, &str)] = &[
    ("Authentication-Key", "test-key"),
    ("Authentication-Secret", "test-secret"),
];
pub const ORGS: &str = "/api/v2/crm/organization";
pub const PERSONS: &str = "/api/v2/crm/person";

// ---- a raw client ------------------------------------------------------------------------------

/// Everything the server sent, and how the exchange ended.
#[derive(Debug)]
pub struct Raw {
    pub bytes: Vec<u8>,
    /// The read ended in an error (e.g. connection reset) rather than a clean EOF.
    pub read_error: Option<ErrorKind>,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn content_length(&self) -> Option<usize> {
        self.header("content-length").and_then(|v| v.parse().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn error_message(&self) -> String {
        assert_eq!(self.header("content-type"), Some("application/json"));
        let v = self.json();
        assert_eq!(
            (&v["data"], &v["debug"]),
            (&Value::Null, &Value::Null),
            "{v}"
        );
        v["errors"][0].as_str().expect("one message").to_owned()
    }
}

pub fn exchange(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Raw {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str("Content-Type: application/json\r\n");
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    head.push_str(body.unwrap_or(""));
    stream.write_all(head.as_bytes()).expect("write");
    let mut bytes = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let read_error = loop {
        match stream.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => break Some(e.kind()),
        }
    };
    Raw { bytes, read_error }
}

/// Splits a head from its body; the body is whatever followed, unchecked against its length.
pub fn split(raw: &Raw) -> Reply {
    let at = raw
        .bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no complete head in {:?}",
                String::from_utf8_lossy(&raw.bytes)
            )
        });
    let head = std::str::from_utf8(&raw.bytes[..at]).expect("ascii head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
    Reply {
        status: status_line[9..12].parse().expect("status"),
        headers: lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect(),
        body: raw.bytes[at + 4..].to_vec(),
    }
}

/// A complete, well-framed answer (the connection closed cleanly after exactly Content-Length
/// bytes of body; our answers are never chunked unless dropped).
pub fn request(
    server: &FakeServer,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let raw = exchange(server.addr(), method, target, headers, body);
    assert_eq!(raw.read_error, None, "{method} {target}");
    let reply = split(&raw);
    assert_eq!(
        reply.content_length(),
        Some(reply.body.len()),
        "{method} {target}: framing"
    );
    reply
}

pub fn get(server: &FakeServer, target: &str) -> Reply {
    request(server, "GET", target, AUTH, None)
}

pub fn start(config: FakeConfig) -> FakeServer {
    let sizes: BTreeMap<String, usize> = [
        ("crm/organization", 20),
        ("crm/person", 20),
        ("hours/hours", 20),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    FakeServer::start(FakeConfig { sizes, ..config }).expect("fake starts")
}

pub fn server() -> FakeServer {
    start(FakeConfig::default())
}

pub fn limited(limit: u32, window: Duration) -> FakeServer {
    start(FakeConfig {
        rate_limit: Some(limit),
        rate_window: window,
        ..FakeConfig::default()
    })
}

pub fn status(glob: &str, code: u16, times: Option<u64>) -> FaultOptions {
    FaultOptions {
        path_glob: glob.into(),
        status: Some(code),
        times,
        ..FaultOptions::default()
    }
}

/// `(status, fault)` of every logged request, oldest first.
pub fn logged(server: &FakeServer) -> Vec<(u16, Option<FaultKind>)> {
    server
        .log()
        .snapshot()
        .into_iter()
        .map(|e| (e.status, e.fault))
        .collect()
}
