//! Shared by the fake server's integration tests (`server_*.rs`, `routes_*.rs`, `files_*.rs`,
//! `validate.rs`, `fidelity.rs`); `routes.rs` and `files.rs` here hold what only those groups
//! share.
//!
//! The client here is a few lines of raw HTTP/1.1 on `std::net::TcpStream` rather than our own
//! client or reqwest: the fake is the yardstick the real client is measured against, so it has
//! to be checked by something that shares no code with either. Likewise the timestamp helpers
//! below use their own (naive, year-by-year) calendar arithmetic, not the server's.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use simplicate_fake::{FakeConfig, FakeServer};

pub mod files;
pub mod routes;

pub const KEY: &str = "test-key";
pub const SECRET: &str = "test-secret";
pub const ORGS: &str = "/api/v2/crm/organization";
pub const PERSONS: &str = "/api/v2/crm/person";
pub const PROJECTS: &str = "/api/v2/projects/project";
pub const SERVICES: &str = "/api/v2/projects/service";

/// The default record counts of the seeded main collections (`FakeConfig::default()`): a
/// mid-size Dutch agency, 40 employees and three years of hours.
pub const DEFAULT_SIZES: &[(&str, usize)] = &[
    ("crm/organization", 500),
    ("crm/person", 800),
    ("crm/contactperson", 400),
    ("hrm/employee", 40),
    ("projects/project", 300),
    ("projects/service", 750),
    ("hours/hours", 40_000),
    ("invoices/invoice", 1500),
    ("sales/sales", 300),
    ("documents/document", 200),
    ("hrm/leave", 750),
    ("hrm/absence", 300),
    ("hrm/document", 120),
];

/// The default record count of a seeded main collection (`DEFAULT_SIZES`).
pub fn default_size(collection: &str) -> usize {
    DEFAULT_SIZES
        .iter()
        .find(|(c, _)| *c == collection)
        .unwrap_or_else(|| panic!("{collection} has no default size here"))
        .1
}

// ---- a minimal HTTP/1.1 client -----------------------------------------------------------------

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

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    /// Asserts a 200 success envelope and returns its `data`.
    pub fn data(&self) -> Value {
        assert_eq!(self.status, 200, "{}", self.text());
        assert_eq!(self.header("content-type"), Some("application/json"));
        let v = self.json();
        assert_eq!(v["errors"], Value::Null, "{v}");
        assert_eq!(v["debug"], Value::Null, "{v}");
        v["data"].clone()
    }

    /// Asserts the error envelope and returns its single message.
    pub fn error_message(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(self.header("content-type"), Some("application/json"));
        let v = self.json();
        assert_eq!(v["data"], Value::Null);
        assert_eq!(v["debug"], Value::Null);
        let errors = v["errors"].as_array().expect("errors is a list");
        assert_eq!(errors.len(), 1, "{v}");
        errors[0].as_str().expect("message is a string").to_owned()
    }
}

/// Sends one request with `Connection: close` and reads the answer until the server closes.
pub fn raw_request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write head");
    if let Some(body) = body {
        stream.write_all(body).expect("write body");
    }
    read_reply(stream)
}

/// Reads a whole answer from a `Connection: close` exchange.
pub fn read_reply(mut stream: TcpStream) -> Reply {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    parse_reply(&raw)
}

pub fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = std::str::from_utf8(&raw[..split]).expect("ascii head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
    let status = status_line[9..12].parse().expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let mut reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    reply.body = if reply
        .header("transfer-encoding")
        .is_some_and(|te| te.eq_ignore_ascii_case("chunked"))
    {
        dechunk(rest)
    } else {
        let len: usize = reply
            .header("content-length")
            .expect("content-length")
            .parse()
            .expect("numeric length");
        assert_eq!(rest.len(), len, "body length differs from Content-Length");
        rest.to_vec()
    };
    reply
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size_text = std::str::from_utf8(&data[..eol]).expect("ascii size");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("hex size");
        data = &data[eol + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

pub const AUTH: &[(&str, &str)] = &[
    ("Authentication-Key", KEY),
    ("Authentication-Secret", SECRET),
];

pub fn get(server: &FakeServer, target: &str) -> Reply {
    raw_request(server.addr(), "GET", target, AUTH, None)
}

pub fn delete(server: &FakeServer, target: &str) -> Reply {
    raw_request(server.addr(), "DELETE", target, AUTH, None)
}

pub fn send_json(server: &FakeServer, method: &str, target: &str, body: &str) -> Reply {
    send_typed(server, method, target, Some("application/json"), body)
}

/// `method` with a JSON body for POST and PUT, without one otherwise: how a client calls each.
pub fn call(server: &FakeServer, method: &str, target: &str, body: &str) -> Reply {
    if matches!(method, "POST" | "PUT") {
        send_json(server, method, target, body)
    } else {
        raw_request(server.addr(), method, target, AUTH, None)
    }
}

pub fn send_typed(
    server: &FakeServer,
    method: &str,
    target: &str,
    content_type: Option<&str>,
    body: &str,
) -> Reply {
    let mut headers = AUTH.to_vec();
    if let Some(ct) = content_type {
        headers.push(("Content-Type", ct));
    }
    raw_request(
        server.addr(),
        method,
        target,
        &headers,
        Some(body.as_bytes()),
    )
}

/// A server of its own with the default seed data (seed `seed`).
pub fn start(seed: u64) -> FakeServer {
    start_with(seed, &[])
}

/// A server of its own: seed `seed`, `sizes` overriding the default collection sizes.
pub fn start_with(seed: u64, sizes: &[(&str, usize)]) -> FakeServer {
    FakeServer::start(FakeConfig {
        seed,
        sizes: sizes
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect::<BTreeMap<_, _>>(),
        ..FakeConfig::default()
    })
    .expect("fake server starts")
}

pub fn start_sized(sizes: &[(&str, usize)]) -> FakeServer {
    start_with(0, sizes)
}

/// Small versions of the seeded main collections: for tests that write, and need some records
/// of each kind but not the default volume (seeding the defaults costs a fifth of a second in a
/// debug build, per server).
pub const LIGHT: &[(&str, usize)] = &[
    ("crm/organization", 20),
    ("crm/person", 20),
    ("crm/contactperson", 10),
    ("hrm/employee", 5),
    ("projects/project", 10),
    ("projects/service", 20),
    ("hours/hours", 50),
    ("invoices/invoice", 10),
    ("sales/sales", 10),
    ("documents/document", 5),
    ("costs/expense", 10),
    ("hours/approval", 20),
    ("hours/submission", 10),
    ("hours/timesheetrow", 20),
    ("crm/document", 5),
    ("timeline/message", 20),
    ("mileage/mileage", 10),
    ("projects/assignment", 10),
    ("projects/document", 5),
    ("projects/purchase", 5),
    ("sales/document", 5),
    ("sales/quote", 5),
    ("sales/service", 15),
];

pub fn light_sizes() -> BTreeMap<String, usize> {
    LIGHT.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// A server of its own with the `LIGHT` sizes, seed 0.
pub fn start_light() -> FakeServer {
    start_with(0, LIGHT)
}

/// One server with the default seed data (seed 0), shared by the tests of this binary that
/// only read: they must never change its records.
pub fn shared() -> &'static FakeServer {
    static SHARED: OnceLock<FakeServer> = OnceLock::new();
    SHARED.get_or_init(|| start(0))
}

/// Asserts a 200 list answer and returns its records.
pub fn data_list(reply: &Reply) -> Vec<Value> {
    reply.data().as_array().expect("data is a list").clone()
}

/// Every record a list query matches, a page of 100 at a time, checking that the pages add up
/// to `metadata.count`. `target` must not set `limit`, `offset` or `metadata` itself.
pub fn all_pages(server: &FakeServer, target: &str) -> Vec<Value> {
    let sep = if target.contains('?') { '&' } else { '?' };
    let mut all = Vec::new();
    loop {
        let reply = get(
            server,
            &format!("{target}{sep}metadata=count&limit=100&offset={}", all.len()),
        );
        let count = reply.json()["metadata"]["count"]
            .as_u64()
            .unwrap_or_else(|| panic!("{target}: no metadata.count"));
        let page = data_list(&reply);
        let last = page.len() < 100;
        all.extend(page);
        if last {
            assert_eq!(
                all.len() as u64,
                count,
                "{target}: pages and count disagree"
            );
            return all;
        }
    }
}

/// `metadata.count` of a list answer (the target must ask for it).
pub fn count_of(server: &FakeServer, target: &str) -> u64 {
    let reply = get(server, target);
    assert_eq!(reply.status, 200, "{target}: {}", reply.text());
    reply.json()["metadata"]["count"]
        .as_u64()
        .unwrap_or_else(|| panic!("{target}: no metadata.count"))
}

pub fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

pub fn ids(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect()
}

/// `id` of a `{"data": {"id": ...}}` answer, after checking that nothing else came back.
pub fn created_id(reply: &Reply) -> String {
    let data = reply.data();
    let data = data.as_object().expect("data object");
    assert_eq!(data.len(), 1, "only the id comes back: {data:?}");
    data["id"].as_str().expect("id").to_owned()
}

pub fn is_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Asserts `id` is `<prefix>:` followed by `digits` lowercase hex digits.
pub fn assert_id(id: &str, prefix: &str, digits: usize) {
    let hex = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix(':'))
        .unwrap_or_else(|| panic!("{id} does not start with {prefix}:"));
    assert!(hex.len() == digits && is_hex(hex), "{id}");
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---- time --------------------------------------------------------------------------------------

const MONTH_DAYS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_len(year: i64, month0: usize) -> i64 {
    MONTH_DAYS[month0] + i64::from(month0 == 1 && leap(year))
}

/// "YYYY-MM-DD HH:MM:SS" → Unix seconds, counted year by year.
pub fn parse_timestamp(s: &str) -> i64 {
    let b = s.as_bytes();
    assert_eq!(b.len(), 19, "{s}");
    assert_eq!(
        (b[4], b[7], b[10], b[13], b[16]),
        (b'-', b'-', b' ', b':', b':'),
        "{s}"
    );
    let num = |r: std::ops::Range<usize>| -> i64 { s[r].parse().expect("digits") };
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let (h, m, sec) = (num(11..13), num(14..16), num(17..19));
    assert!((1..=12).contains(&month) && (1..=31).contains(&day), "{s}");
    assert!(h < 24 && m < 60 && sec < 60, "{s}");
    let mut days: i64 = (1970..year).map(|y| if leap(y) { 366 } else { 365 }).sum();
    for m0 in 0..(month - 1) as usize {
        days += month_len(year, m0);
    }
    days += day - 1;
    days * 86_400 + h * 3600 + m * 60 + sec
}

/// Unix seconds (≥ 1970) → "YYYY-MM-DD HH:MM:SS", counted year by year.
pub fn format_timestamp(unix: i64) -> String {
    assert!(unix >= 0);
    let (mut days, secs) = (unix / 86_400, unix % 86_400);
    let mut year = 1970;
    while days >= if leap(year) { 366 } else { 365 } {
        days -= if leap(year) { 366 } else { 365 };
        year += 1;
    }
    let mut month0 = 0;
    while days >= month_len(year, month0) {
        days -= month_len(year, month0);
        month0 += 1;
    }
    format!(
        "{year:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        month0 + 1,
        days + 1,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

pub fn now_f64() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64()
}

/// Sleeps until the wall clock has moved into the next whole second.
pub fn sleep_into_next_second() {
    let start = now();
    while now() == start {
        let sub = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970")
            .subsec_nanos();
        std::thread::sleep(Duration::from_nanos(
            u64::from(1_000_000_000 - sub.min(999_999_999)) + 1_000_000,
        ));
    }
}

pub fn assert_recent(timestamp: &Value) {
    let t = parse_timestamp(timestamp.as_str().expect("timestamp string"));
    assert!((t - now()).abs() <= 120, "{timestamp} is not now (UTC)");
}
