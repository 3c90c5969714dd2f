//! End-to-end tests of the fake Simplicate server over real sockets.
//!
//! The client here is a few lines of raw HTTP/1.1 on `std::net::TcpStream` rather than our own
//! client or reqwest: the fake is the yardstick the real client is measured against, so it has
//! to be checked by something that shares no code with either.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use _core::fake::{FakeConfig, FakeServer, Store};
use serde_json::{json, Map, Value};

const KEY: &str = "test-key";
const SECRET: &str = "test-secret";
const ORGS: &str = "/api/v2/crm/organization";

// ---- a minimal HTTP/1.1 client -----------------------------------------------------------------

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the error envelope and returns its single message.
    fn error_message(&self, status: u16) -> String {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
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
fn raw_request(
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
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    parse_reply(&raw)
}

fn parse_reply(raw: &[u8]) -> Reply {
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

const AUTH: &[(&str, &str)] = &[
    ("Authentication-Key", KEY),
    ("Authentication-Secret", SECRET),
];

fn get(server: &FakeServer, target: &str) -> Reply {
    raw_request(server.addr(), "GET", target, AUTH, None)
}

fn delete(server: &FakeServer, target: &str) -> Reply {
    raw_request(server.addr(), "DELETE", target, AUTH, None)
}

fn send_json(server: &FakeServer, method: &str, target: &str, body: &str) -> Reply {
    send_typed(server, method, target, Some("application/json"), body)
}

fn send_typed(
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

fn start(seed: u64) -> FakeServer {
    FakeServer::start(FakeConfig {
        seed,
        ..FakeConfig::default()
    })
    .expect("fake server starts")
}

fn data_list(reply: &Reply) -> Vec<Value> {
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let v = reply.json();
    assert_eq!(v["errors"], Value::Null);
    assert_eq!(v["debug"], Value::Null);
    v["data"].as_array().expect("data is a list").clone()
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn is_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// "YYYY-MM-DD HH:MM:SS" → Unix seconds, counted year by year (deliberately not the server's
/// algorithm, so a shared mistake cannot hide).
fn parse_timestamp(s: &str) -> i64 {
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
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days: i64 = (1970..year).map(|y| if leap(y) { 366 } else { 365 }).sum();
    let month_days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (i, len) in month_days.iter().enumerate().take((month - 1) as usize) {
        days += len + i64::from(i == 1 && leap(year));
    }
    days += day - 1;
    days * 86_400 + h * 3600 + m * 60 + sec
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

fn assert_recent(timestamp: &Value) {
    let t = parse_timestamp(timestamp.as_str().expect("timestamp string"));
    assert!((t - now()).abs() <= 120, "{timestamp} is not now (UTC)");
}

// ---- authentication ----------------------------------------------------------------------------

#[test]
fn missing_or_wrong_credentials_get_401_envelope() {
    let server = start(0);
    let expected = json!({"data": null, "errors": ["Invalid or missing authentication headers"], "debug": null});
    let cases: [&[(&str, &str)]; 5] = [
        &[],
        &[("Authentication-Key", KEY)],
        &[("Authentication-Secret", SECRET)],
        &[
            ("Authentication-Key", KEY),
            ("Authentication-Secret", "nope"),
        ],
        &[
            ("Authentication-Key", "nope"),
            ("Authentication-Secret", SECRET),
        ],
    ];
    for headers in cases {
        let reply = raw_request(server.addr(), "GET", ORGS, headers, None);
        assert_eq!(reply.status, 401, "{headers:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.json(), expected);
    }
    // Authentication comes first, even for paths that do not exist or methods not allowed.
    for (method, path) in [("GET", "/nowhere"), ("PUT", ORGS)] {
        let reply = raw_request(server.addr(), method, path, &[], None);
        assert_eq!(reply.status, 401);
    }
    assert_eq!(get(&server, ORGS).status, 200);
}

#[test]
fn configured_credentials_are_the_ones_checked() {
    let server = FakeServer::start(FakeConfig {
        api_key: "k2".into(),
        api_secret: "s2".into(),
        ..FakeConfig::default()
    })
    .expect("start");
    assert_eq!(get(&server, ORGS).status, 401);
    let auth = [
        ("Authentication-Key", "k2"),
        ("Authentication-Secret", "s2"),
    ];
    assert_eq!(
        raw_request(server.addr(), "GET", ORGS, &auth, None).status,
        200
    );
}

// ---- listing -----------------------------------------------------------------------------------

#[test]
fn seeded_collections_have_simplicate_shape() {
    let server = start(0);
    let orgs = data_list(&get(&server, ORGS));
    assert_eq!(orgs.len(), 25);
    for org in &orgs {
        let id = org["id"].as_str().expect("id");
        let hex = id.strip_prefix("organization:").expect("id prefix");
        assert!(hex.len() == 16 && is_hex(hex), "{id}");
        assert!(!org["name"].as_str().unwrap_or("").is_empty());
        let coc = org["coc_code"].as_str().expect("coc_code is a string");
        assert!(coc.len() == 8 && coc.bytes().all(|b| b.is_ascii_digit()));
        assert!(org["relation_number"].is_string());
        assert!(org["is_active"].is_boolean());
        assert_eq!(org["visiting_address"]["country_code"], "NL");
        assert!(org["visiting_address"]["locality"].is_string());
        assert!(org["relation_type"]["label"].is_string());
        assert!(org["industry"]["name"].is_string());
        assert!(org["debtor"]["payment_term"]["days"].is_u64());
        assert_eq!(org["custom_fields"], json!([]));
        for field in ["created", "created_at", "updated_at"] {
            let t = parse_timestamp(org[field].as_str().expect(field));
            assert!(
                (1_672_531_200..1_767_225_600).contains(&t),
                "{field} outside 2023-2025"
            );
        }
    }
    let persons = data_list(&get(&server, "/api/v2/crm/person"));
    assert_eq!(persons.len(), 25);
    for p in &persons {
        let id = p["id"].as_str().expect("id");
        assert!(
            id.starts_with("person:") && id.len() == "person:".len() + 16,
            "{id}"
        );
        let full = p["full_name"].as_str().expect("full_name");
        assert!(full.starts_with(p["first_name"].as_str().expect("first_name")));
        assert!(full.ends_with(p["family_name"].as_str().expect("family_name")));
        assert!(["Male", "Female", "Unknown"].contains(&p["gender"].as_str().unwrap_or("")));
        assert!(p["email"].as_str().unwrap_or("").contains('@'));
    }
}

#[test]
fn limit_offset_and_metadata() {
    let server = start(0);
    let all = data_list(&get(&server, ORGS));

    let page = data_list(&get(&server, &format!("{ORGS}?limit=10&offset=5")));
    assert_eq!(page, all[5..15].to_vec());
    let tail = data_list(&get(&server, &format!("{ORGS}?offset=20&limit=10")));
    assert_eq!(tail, all[20..].to_vec());
    assert!(data_list(&get(&server, &format!("{ORGS}?offset=25"))).is_empty());
    assert!(data_list(&get(&server, &format!("{ORGS}?limit=0"))).is_empty());

    let reply = get(
        &server,
        &format!("{ORGS}?limit=10&offset=5&metadata=count,limit,offset"),
    );
    assert_eq!(
        reply.json()["metadata"],
        json!({"count": 25, "limit": 10, "offset": 5})
    );
    let reply = get(&server, &format!("{ORGS}?limit=3&metadata=count"));
    assert_eq!(reply.json()["metadata"], json!({"count": 25}));
    assert_eq!(data_list(&reply).len(), 3);
    let reply = get(&server, &format!("{ORGS}?metadata=offset%2Climit"));
    assert_eq!(reply.json()["metadata"], json!({"limit": 100, "offset": 0}));
    assert!(get(&server, ORGS).json().get("metadata").is_none());

    let msg = get(&server, &format!("{ORGS}?metadata=count,total")).error_message(400);
    assert!(msg.contains("metadata") && msg.contains("total"), "{msg}");

    // Unrelated parameters are ignored for now.
    assert_eq!(
        data_list(&get(&server, &format!("{ORGS}?sort=name&q[name]=x"))).len(),
        25
    );
}

#[test]
fn limit_is_capped_at_100() {
    let server = start(0);
    let store = server.store();
    for i in 0..150 {
        store.insert(
            "crm/organization",
            object(json!({"name": format!("Bulk {i}")})),
        );
    }
    let reply = get(&server, &format!("{ORGS}?limit=500&metadata=count,limit"));
    assert_eq!(data_list(&reply).len(), 100);
    assert_eq!(
        reply.json()["metadata"],
        json!({"count": 175, "limit": 100})
    );
    assert_eq!(
        data_list(&get(&server, ORGS)).len(),
        100,
        "default page size"
    );
    let last = data_list(&get(&server, &format!("{ORGS}?offset=100&limit=100")));
    assert_eq!(last.len(), 75);
    assert_eq!(last[74]["name"], "Bulk 149");
}

#[test]
fn bad_limit_or_offset_is_400_naming_the_parameter() {
    let server = start(0);
    for (query, name) in [
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("limit=1.5", "limit"),
        ("limit=", "limit"),
        ("offset=x", "offset"),
        ("offset=-5", "offset"),
    ] {
        let msg = get(&server, &format!("{ORGS}?{query}")).error_message(400);
        assert!(msg.contains(name), "{query}: {msg}");
    }
}

#[test]
fn unknown_collections_are_empty() {
    let server = start(0);
    let reply = get(&server, "/api/v2/projects/project?metadata=count");
    assert!(data_list(&reply).is_empty());
    assert_eq!(reply.json()["metadata"], json!({"count": 0}));
    get(&server, "/api/v2/projects/project/project:1").error_message(404);
}

// ---- single records ----------------------------------------------------------------------------

#[test]
fn get_by_id_and_404() {
    let server = start(0);
    let all = data_list(&get(&server, ORGS));
    let seventh = &all[7];
    let id = seventh["id"].as_str().expect("id");
    let reply = get(&server, &format!("{ORGS}/{id}"));
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"data": seventh, "errors": null, "debug": null})
    );

    let msg = get(&server, &format!("{ORGS}/organization:0000000000000000")).error_message(404);
    assert!(msg.contains("organization:0000000000000000"), "{msg}");
    assert!(msg.contains("not found"), "{msg}");
}

#[test]
fn ids_with_colons_dashes_and_escapes_in_paths() {
    let server = start(0);
    let id = data_list(&get(&server, ORGS))[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let escaped = id.replace(':', "%3A");
    assert_ne!(escaped, id);
    for target in [format!("{ORGS}/{id}"), format!("{ORGS}/{escaped}")] {
        let reply = get(&server, &target);
        assert_eq!(reply.status, 200, "{target}");
        assert_eq!(reply.json()["data"]["id"], id.as_str());
    }

    // UUID-v7 ids, as Simplicate now gives new project services.
    let uuid = "01930bb6-87aa-779b-9561-fcb44ac3121d";
    let store = server.store();
    let planted = store.insert(
        "projects/service",
        object(json!({"id": uuid, "name": "Dev"})),
    );
    assert_eq!(planted, uuid);
    let target = format!("/api/v2/projects/service/{uuid}");
    assert_eq!(get(&server, &target).json()["data"]["name"], "Dev");
    let reply = send_json(&server, "PUT", &target, r#"{"name": "Design"}"#);
    assert_eq!(
        reply.json(),
        json!({"data": {"id": uuid}, "errors": null, "debug": null})
    );
    assert_eq!(
        store.get("projects/service", uuid).expect("kept")["name"],
        "Design"
    );
    assert_eq!(delete(&server, &target).status, 200);
    assert!(store.get("projects/service", uuid).is_none());
}

// ---- writing -----------------------------------------------------------------------------------

#[test]
fn post_creates_a_record_with_server_assigned_id_and_timestamps() {
    let server = start(0);
    let reply = send_json(
        &server,
        "POST",
        ORGS,
        r#"{"id": "organization:evil", "name": "Acme B.V.", "coc_code": "12345678",
            "created_at": "2000-01-01 00:00:00", "visiting_address": {"locality": "Delft"}}"#,
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let v = reply.json();
    assert_eq!(v["errors"], Value::Null);
    assert_eq!(v["debug"], Value::Null);
    let data = v["data"].as_object().expect("data object");
    assert_eq!(data.len(), 1, "only the id comes back: {v}");
    let id = data["id"].as_str().expect("id").to_owned();
    let hex = id.strip_prefix("organization:").expect("resource prefix");
    assert!(hex.len() == 32 && is_hex(hex), "{id}");

    let record = get(&server, &format!("{ORGS}/{id}")).json()["data"].clone();
    assert_eq!(record["id"], id.as_str());
    assert_eq!(record["name"], "Acme B.V.");
    assert_eq!(record["visiting_address"], json!({"locality": "Delft"}));
    assert_recent(&record["created_at"]);
    assert_recent(&record["updated_at"]);
    assert_eq!(record["created_at"], record["updated_at"]);

    let all = data_list(&get(&server, ORGS));
    assert_eq!(all.len(), 26);
    assert_eq!(all[25]["id"], id.as_str(), "new records come last");
    assert!(server
        .store()
        .get("crm/organization", "organization:evil")
        .is_none());

    // The prefix follows the resource.
    let reply = send_json(&server, "POST", "/api/v2/hrm/employee", "{}");
    let id = reply.json()["data"]["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("employee:"), "{id}");
}

#[test]
fn post_and_put_reject_bad_bodies() {
    let server = start(0);
    let target_item = {
        let all = data_list(&get(&server, ORGS));
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
        server.store().count("crm/organization"),
        25,
        "nothing was created"
    );
    assert_eq!(
        data_list(&get(&server, ORGS)),
        Store::new(0).list("crm/organization"),
        "nothing was changed"
    );

    // Media type parameters and case are fine.
    for ct in ["application/json; charset=utf-8", "Application/JSON"] {
        let reply = send_typed(&server, "POST", ORGS, Some(ct), r#"{"name": "ok"}"#);
        assert_eq!(reply.status, 200, "{ct}");
    }
}

#[test]
fn put_updates_top_level_fields_and_bumps_updated_at() {
    let server = start(0);
    let before = data_list(&get(&server, ORGS))[3].clone();
    let id = before["id"].as_str().expect("id").to_owned();
    let target = format!("{ORGS}/{id}");
    let reply = send_json(
        &server,
        "PUT",
        &target,
        r#"{"name": "Renamed", "id": "organization:other", "created_at": "2000-01-01 00:00:00",
            "visiting_address": {"locality": "Utrecht"}, "note": "new field"}"#,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"data": {"id": id}, "errors": null, "debug": null})
    );

    let after = get(&server, &target).json()["data"].clone();
    assert_eq!(after["id"], id.as_str());
    assert_eq!(after["name"], "Renamed");
    assert_eq!(after["note"], "new field");
    assert_eq!(
        after["visiting_address"],
        json!({"locality": "Utrecht"}),
        "nested objects are replaced whole"
    );
    assert_eq!(after["created_at"], before["created_at"]);
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_recent(&after["updated_at"]);
    for untouched in [
        "email",
        "phone",
        "coc_code",
        "relation_type",
        "debtor",
        "industry",
    ] {
        assert_eq!(after[untouched], before[untouched], "{untouched}");
    }
    assert!(server
        .store()
        .get("crm/organization", "organization:other")
        .is_none());

    let msg = send_json(
        &server,
        "PUT",
        &format!("{ORGS}/organization:missing"),
        "{}",
    )
    .error_message(404);
    assert!(msg.contains("organization:missing"), "{msg}");
}

#[test]
fn delete_removes_the_record() {
    let server = start(0);
    let all = data_list(&get(&server, ORGS));
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

    let remaining = data_list(&get(&server, ORGS));
    let mut expected = all.clone();
    expected.remove(10);
    assert_eq!(remaining, expected, "the others keep their order");
    // Records after the deleted one are still found by id.
    for record in &expected {
        let id = record["id"].as_str().expect("id");
        assert_eq!(
            get(&server, &format!("{ORGS}/{id}")).json()["data"],
            *record
        );
    }
}

// ---- routing errors ----------------------------------------------------------------------------

#[test]
fn unknown_endpoints_are_400() {
    let server = start(0);
    for path in [
        "/",
        "/api/v1/crm/organization",
        "/api/v2",
        "/api/v2/crm",
        "/api/v2/crm/organization/x/y",
        "/api/v2/CRM/organization",
        "/api/v2/crm/org.anization",
        "/api/v2/crm/organization/",
    ] {
        let msg = get(&server, path).error_message(400);
        assert_eq!(msg, format!("Unknown endpoint: GET {path}"));
    }
    let msg = send_json(&server, "POST", "/api/v2/crm", "{}").error_message(400);
    assert_eq!(msg, "Unknown endpoint: POST /api/v2/crm");
}

#[test]
fn wrong_methods_are_405_with_allow() {
    let server = start(0);
    let id = data_list(&get(&server, ORGS))[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let item = format!("{ORGS}/{id}");
    for (method, target, allow) in [
        ("PUT", ORGS, "GET, POST"),
        ("DELETE", ORGS, "GET, POST"),
        ("PATCH", ORGS, "GET, POST"),
        ("POST", item.as_str(), "GET, PUT, DELETE"),
        ("PATCH", item.as_str(), "GET, PUT, DELETE"),
    ] {
        let reply = send_json(&server, method, target, "{}");
        let msg = reply.error_message(405);
        assert_eq!(reply.header("allow"), Some(allow), "{method} {target}");
        assert!(msg.contains(allow) && msg.contains(method), "{msg}");
    }
    assert_eq!(server.store().count("crm/organization"), 25);
}

// ---- seeds, reset, lifecycle -------------------------------------------------------------------

#[test]
fn same_seed_same_data_different_seed_different_data() {
    let a = start(42);
    let b = start(42);
    let c = start(43);
    for path in [ORGS, "/api/v2/crm/person"] {
        let (ra, rb, rc) = (get(&a, path), get(&b, path), get(&c, path));
        assert_eq!(ra.body, rb.body, "{path}: same seed, same bytes");
        assert_ne!(ra.body, rc.body, "{path}: another seed, other data");
    }
    assert_eq!(
        Store::new(42).list("crm/person"),
        a.store().list("crm/person")
    );
    assert_ne!(
        Store::new(0).list("crm/person"),
        a.store().list("crm/person")
    );
    assert_eq!(a.store().seed(), 42);
}

#[test]
fn reset_restores_the_seed_state() {
    let server = start(5);
    let initial_orgs = get(&server, ORGS).body;
    let initial_persons = get(&server, "/api/v2/crm/person").body;
    let all = data_list(&get(&server, ORGS));
    let first = format!("{ORGS}/{}", all[0]["id"].as_str().expect("id"));
    let second = format!("{ORGS}/{}", all[1]["id"].as_str().expect("id"));
    assert_eq!(
        send_json(&server, "PUT", &first, r#"{"name": "Changed"}"#).status,
        200
    );
    assert_eq!(delete(&server, &second).status, 200);
    assert_eq!(
        send_json(&server, "POST", ORGS, r#"{"name": "New"}"#).status,
        200
    );
    server
        .store()
        .insert("sales/sale", object(json!({"subject": "x"})));
    assert_ne!(get(&server, ORGS).body, initial_orgs);

    server.store().reset();
    assert_eq!(get(&server, ORGS).body, initial_orgs);
    assert_eq!(get(&server, "/api/v2/crm/person").body, initial_persons);
    assert_eq!(server.store().count("sales/sale"), 0);
}

#[test]
fn store_insert_from_the_host_is_served() {
    let server = start(0);
    let store = server.store();
    let id = store.insert("crm/organization", object(json!({"name": "Planted"})));
    let hex = id.strip_prefix("organization:").expect("prefix");
    assert!(hex.len() == 32 && is_hex(hex));
    let record = get(&server, &format!("{ORGS}/{id}")).json()["data"].clone();
    assert_eq!(record["name"], "Planted");
    assert_recent(&record["created_at"]);

    // Given timestamps are kept, so tests can plant history.
    let old = store.insert(
        "crm/organization",
        object(json!({"name": "Old", "created_at": "2020-02-02 10:00:00", "updated_at": "2021-03-03 11:00:00"})),
    );
    let record = store.get("crm/organization", &old).expect("stored");
    assert_eq!(record["created_at"], "2020-02-02 10:00:00");
    assert_eq!(record["updated_at"], "2021-03-03 11:00:00");
    assert_eq!(store.list("crm/organization").len(), 27);
}

#[test]
fn url_stop_and_bind_errors() {
    let mut server = start(0);
    let port = server.addr().port();
    assert_ne!(port, 0);
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}/api/v2"));

    // The port is taken: a second server on it must fail with an io::Error, not panic.
    let clash = FakeServer::start(FakeConfig {
        port,
        ..FakeConfig::default()
    });
    assert!(clash.is_err());

    server.stop();
    server.stop();
    assert!(
        TcpStream::connect_timeout(&server.addr(), Duration::from_secs(2)).is_err(),
        "nothing listens after stop()"
    );
}

#[test]
fn stop_does_not_wait_for_idle_keep_alive_connections() {
    let mut server = start(0);
    // A client that keeps its connection open after one request, as pooling clients do.
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    let head = format!(
        "GET {ORGS}?limit=1 HTTP/1.1\r\nHost: x\r\nAuthentication-Key: {KEY}\r\nAuthentication-Secret: {SECRET}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("write");
    let mut buf = [0u8; 4096];
    assert!(stream.read(&mut buf).expect("read") > 0);
    let started = std::time::Instant::now();
    server.stop();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "stop() took {:?}",
        started.elapsed()
    );
}

#[test]
fn ipv6_url_uses_brackets() {
    let server = match FakeServer::start(FakeConfig {
        host: IpAddr::V6(Ipv6Addr::LOCALHOST),
        ..FakeConfig::default()
    }) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("skipped: no IPv6 loopback here ({e})");
            return;
        }
    };
    let port = server.addr().port();
    assert_eq!(server.url(), format!("http://[::1]:{port}/api/v2"));
    assert_eq!(get(&server, ORGS).status, 200);
}

#[test]
fn serves_concurrent_clients() {
    let server = start(0);
    let expected = get(&server, ORGS).body;
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..10 {
                    assert_eq!(get(&server, ORGS).body, expected);
                }
            });
        }
    });
}
