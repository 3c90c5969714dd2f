//! Injected faults and the server's own rate limit, seen over raw sockets: what a client
//! actually receives for an injected status, a delay, a dropped connection and a truncated
//! body; `times`, `rate`, globs, the method filter; 401s untouched; and the 429 limiter.
//!
//! The HTTP/1.1 client is a few lines on `std::net::TcpStream` of its own (not `common/`):
//! a dropped connection has to be observed byte by byte, which a parse-or-panic helper cannot.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use simplicate_fake::{FakeConfig, FakeServer, FaultKind, FaultOptions};

const AUTH: &[(&str, &str)] = &[
    ("Authentication-Key", "test-key"),
    ("Authentication-Secret", "test-secret"),
];
const ORGS: &str = "/api/v2/crm/organization";
const PERSONS: &str = "/api/v2/crm/person";

// ---- a raw client ------------------------------------------------------------------------------

/// Everything the server sent, and how the exchange ended.
#[derive(Debug)]
struct Raw {
    bytes: Vec<u8>,
    /// The read ended in an error (e.g. connection reset) rather than a clean EOF.
    read_error: Option<ErrorKind>,
}

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

    fn content_length(&self) -> Option<usize> {
        self.header("content-length").and_then(|v| v.parse().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn error_message(&self) -> String {
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

fn exchange(
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
fn split(raw: &Raw) -> Reply {
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
fn request(
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

fn get(server: &FakeServer, target: &str) -> Reply {
    request(server, "GET", target, AUTH, None)
}

fn start(config: FakeConfig) -> FakeServer {
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

fn server() -> FakeServer {
    start(FakeConfig::default())
}

fn limited(limit: u32, window: Duration) -> FakeServer {
    start(FakeConfig {
        rate_limit: Some(limit),
        rate_window: window,
        ..FakeConfig::default()
    })
}

fn status(glob: &str, code: u16, times: Option<u64>) -> FaultOptions {
    FaultOptions {
        path_glob: glob.into(),
        status: Some(code),
        times,
        ..FaultOptions::default()
    }
}

/// `(status, fault)` of every logged request, oldest first.
fn logged(server: &FakeServer) -> Vec<(u16, Option<FaultKind>)> {
    server
        .log()
        .snapshot()
        .into_iter()
        .map(|e| (e.status, e.fault))
        .collect()
}

// ---- injected status answers -------------------------------------------------------------------

#[test]
fn status_fault_answers_the_error_envelope_times_times_then_expires() {
    let server = server();
    let fault = server
        .inject(status("crm/organization*", 503, Some(3)))
        .unwrap();
    assert_eq!((fault.hits(), fault.remaining()), (0, Some(3)));
    for i in 0..3 {
        let reply = get(&server, ORGS);
        assert_eq!(reply.status, 503, "request {i}");
        assert_eq!(reply.error_message(), "Service Unavailable (injected)");
        assert_eq!(reply.header("retry-after"), None);
        // Other paths are untouched meanwhile.
        if i == 0 {
            assert_eq!(get(&server, PERSONS).status, 200);
        }
    }
    assert_eq!(get(&server, ORGS).status, 200);
    assert_eq!(
        (fault.hits(), fault.remaining(), fault.active()),
        (3, Some(0), false)
    );
    assert!(server.active_faults().is_empty());
    let log = logged(&server);
    assert_eq!(
        log,
        vec![
            (503, Some(FaultKind::Status)),
            (200, None),
            (503, Some(FaultKind::Status)),
            (503, Some(FaultKind::Status)),
            (200, None),
        ]
    );
}

#[test]
fn status_fault_with_custom_body_content_type_and_retry_after() {
    let server = server();
    server
        .inject(FaultOptions {
            body: Some(b"Down for maintenance".to_vec()),
            content_type: Some("text/plain; charset=utf-8".into()),
            retry_after: Some("120".into()),
            ..status("*", 503, Some(1))
        })
        .unwrap();
    server
        .inject(FaultOptions {
            retry_after: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
            ..status("*", 429, Some(1))
        })
        .unwrap();
    server
        .inject(FaultOptions {
            body: Some(vec![0xff, 0x00, 0x7b]),
            ..status("*", 200, Some(1))
        })
        .unwrap();

    let reply = get(&server, ORGS);
    assert_eq!(reply.status, 503);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(reply.header("retry-after"), Some("120"));
    assert_eq!(reply.body, b"Down for maintenance");

    let reply = get(&server, ORGS);
    assert_eq!(reply.status, 429);
    assert_eq!(reply.error_message(), "Too Many Requests (injected)");
    assert_eq!(
        reply.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );

    // Bytes go out as given, under the default content type: a 200 that is not JSON.
    let reply = get(&server, ORGS);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, [0xff, 0x00, 0x7b]);
}

#[test]
fn injected_status_on_a_post_reads_the_body_and_creates_nothing() {
    let server = server();
    let before = server.store().list("crm/organization").len();
    server.inject(status("*", 500, Some(1))).unwrap();
    let body = format!(r#"{{"name": "{}"}}"#, "x".repeat(100_000));
    let reply = request(&server, "POST", ORGS, AUTH, Some(&body));
    assert_eq!(reply.status, 500);
    assert_eq!(reply.error_message(), "Internal Server Error (injected)");
    assert_eq!(server.store().list("crm/organization").len(), before);
}

// ---- delays ------------------------------------------------------------------------------------

#[test]
fn delay_alone_answers_normally_after_the_delay() {
    let server = server();
    let normal = get(&server, ORGS).body;
    server
        .inject(FaultOptions {
            path_glob: "crm/*".into(),
            delay: Some(0.3),
            times: Some(1),
            ..FaultOptions::default()
        })
        .unwrap();
    let started = Instant::now();
    let reply = get(&server, ORGS);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, normal);
    let started = Instant::now();
    get(&server, ORGS);
    assert!(started.elapsed() < Duration::from_millis(300));
    assert_eq!(logged(&server)[1], (200, Some(FaultKind::Delay)));
}

#[test]
fn delay_with_status_waits_then_answers_the_status() {
    let server = server();
    server
        .inject(FaultOptions {
            delay: Some(0.2),
            ..status("*", 504, Some(1))
        })
        .unwrap();
    let started = Instant::now();
    let reply = get(&server, ORGS);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(reply.status, 504);
    assert_eq!(reply.error_message(), "Gateway Timeout (injected)");
    assert_eq!(logged(&server), vec![(504, Some(FaultKind::Status))]);
}

#[test]
fn a_request_whose_client_gave_up_during_a_delay_still_lands() {
    // A client timing out on a slow server does not undo the request: the POST is carried out
    // and logged when the delay ends, as it would be on a real server.
    let server = server();
    let before = server.store().list("crm/organization").len();
    server
        .inject(FaultOptions {
            path_glob: "crm/organization".into(),
            method: Some("POST".into()),
            delay: Some(0.3),
            times: Some(1),
            ..FaultOptions::default()
        })
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    let body = r#"{"name": "Impatient B.V."}"#;
    let head = format!(
        "POST {ORGS} HTTP/1.1\r\nHost: x\r\nAuthentication-Key: test-key\r\n\
         Authentication-Secret: test-secret\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    drop(stream);
    std::thread::sleep(Duration::from_millis(600));
    let orgs = server.store().list("crm/organization");
    assert_eq!(orgs.len(), before + 1);
    assert!(orgs.iter().any(|o| o["name"] == "Impatient B.V."));
    assert_eq!(logged(&server), vec![(200, Some(FaultKind::Delay))]);
}

#[test]
fn a_delay_does_not_hold_up_other_requests() {
    let server = server();
    server
        .inject(FaultOptions {
            path_glob: "crm/person".into(),
            delay: Some(1.0),
            times: Some(1),
            ..FaultOptions::default()
        })
        .unwrap();
    let addr = server.addr();
    let slow = std::thread::spawn(move || exchange(addr, "GET", PERSONS, AUTH, None));
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    assert_eq!(get(&server, ORGS).status, 200);
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(split(&slow.join().unwrap()).status, 200);
}

// ---- dropped connections and truncated bodies --------------------------------------------------

#[test]
fn drop_connection_sends_the_head_and_part_of_the_body_then_closes() {
    let server = server();
    let target = format!("{ORGS}?limit=20");
    let normal = get(&server, &target);
    let fault = server
        .inject(FaultOptions {
            path_glob: "crm/organization".into(),
            drop_connection: true,
            times: Some(1),
            ..FaultOptions::default()
        })
        .unwrap();
    let raw = exchange(server.addr(), "GET", &target, AUTH, None);
    let cut = split(&raw);
    // The head is the real answer's, announcing the full length ...
    assert_eq!(cut.status, 200);
    assert_eq!(cut.header("content-type"), Some("application/json"));
    assert_eq!(cut.content_length(), Some(normal.body.len()));
    assert_eq!(cut.header("transfer-encoding"), None);
    // ... but the connection ends (EOF or reset) after about half of it: a client must report
    // an incomplete body, never hand over a valid one.
    assert!(!cut.body.is_empty(), "part of the body arrives first");
    assert!(cut.body.len() < normal.body.len(), "{:?}", raw.read_error);
    assert_eq!(cut.body, normal.body[..cut.body.len()]);
    assert!(serde_json::from_slice::<Value>(&cut.body).is_err());
    assert_eq!(fault.hits(), 1);
    // Only that one request: the server itself is fine.
    assert_eq!(get(&server, &target).body, normal.body);
    assert_eq!(
        logged(&server),
        vec![
            (200, None),
            (200, Some(FaultKind::DropConnection)),
            (200, None)
        ]
    );
}

#[test]
fn drop_connection_on_a_keep_alive_connection_breaks_it() {
    // The way pooled clients talk: two requests on one connection, the first dropped. The
    // second never gets an answer on that connection.
    let server = server();
    server
        .inject(FaultOptions {
            path_glob: "*".into(),
            drop_connection: true,
            times: Some(1),
            ..FaultOptions::default()
        })
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let one = format!(
        "GET {ORGS} HTTP/1.1\r\nHost: x\r\nAuthentication-Key: test-key\r\n\
         Authentication-Secret: test-secret\r\n\r\n"
    );
    stream.write_all(one.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    }
    let cut = split(&Raw {
        bytes,
        read_error: None,
    });
    assert!(cut.body.len() < cut.content_length().unwrap());
    // The connection is gone: a second request gets nothing back.
    let _ = stream.write_all(one.as_bytes());
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(rest.is_empty());
}

#[test]
fn truncate_sends_half_the_body_as_a_complete_answer() {
    let server = server();
    let target = format!("{PERSONS}?limit=20");
    let normal = get(&server, &target);
    server
        .inject(FaultOptions {
            path_glob: "crm/person".into(),
            truncate: true,
            times: Some(1),
            ..FaultOptions::default()
        })
        .unwrap();
    // `request` checks the framing: clean EOF, Content-Length equal to what arrived.
    let cut = request(&server, "GET", &target, AUTH, None);
    assert_eq!(cut.status, 200);
    assert_eq!(cut.header("content-type"), Some("application/json"));
    assert_eq!(cut.body.len(), normal.body.len() / 2);
    assert_eq!(cut.body, normal.body[..cut.body.len()]);
    assert!(serde_json::from_slice::<Value>(&cut.body).is_err());
    assert_eq!(
        logged(&server)[1],
        (200, Some(FaultKind::Truncate)),
        "logged with the status sent"
    );
    // A truncated error answer keeps its status.
    server
        .inject(FaultOptions {
            path_glob: "*".into(),
            truncate: true,
            times: Some(1),
            ..FaultOptions::default()
        })
        .unwrap();
    let cut = request(&server, "GET", "/api/v2/crm/nothing", AUTH, None);
    assert_eq!(cut.status, 400);
    assert!(serde_json::from_slice::<Value>(&cut.body).is_err());
}

#[test]
fn every_fault_kind_survives_odd_methods() {
    // HEAD (no body goes out), PATCH and OPTIONS (405s): nothing may upset the server.
    let server = server();
    let kinds = [
        FaultOptions {
            drop_connection: true,
            ..FaultOptions::default()
        },
        FaultOptions {
            truncate: true,
            ..FaultOptions::default()
        },
        FaultOptions {
            status: Some(204),
            ..FaultOptions::default()
        },
        FaultOptions {
            status: Some(304),
            body: Some(b"ignored".to_vec()),
            ..FaultOptions::default()
        },
    ];
    for kind in kinds {
        for method in ["HEAD", "PATCH", "OPTIONS", "DELETE"] {
            server
                .inject(FaultOptions {
                    path_glob: "*".into(),
                    times: Some(1),
                    ..kind.clone()
                })
                .unwrap();
            let raw = exchange(server.addr(), method, ORGS, AUTH, None);
            assert!(raw.bytes.starts_with(b"HTTP/1.1 "), "{method} {kind:?}");
        }
    }
    assert!(server.active_faults().is_empty());
    assert_eq!(get(&server, ORGS).status, 200);
}

// ---- which requests a rule hits ----------------------------------------------------------------

#[test]
fn globs_match_below_the_api_root_with_star_crossing_slashes() {
    let server = server();
    let id = server.store().list("hours/hours")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let items = server.inject(status("hours/hours/*", 503, None)).unwrap();
    assert_eq!(get(&server, "/api/v2/hours/hours").status, 200);
    assert_eq!(
        get(&server, &format!("/api/v2/hours/hours/{id}")).status,
        503
    );
    items.cancel();
    assert_eq!(
        get(&server, &format!("/api/v2/hours/hours/{id}")).status,
        200
    );

    // A full path is accepted as a glob; the query string plays no part.
    let exact = server
        .inject(status("/api/v2/crm/person", 502, None))
        .unwrap();
    assert_eq!(exact.path_glob(), "crm/person");
    assert_eq!(get(&server, &format!("{PERSONS}?limit=1")).status, 502);
    assert_eq!(get(&server, &format!("{PERSONS}/x")).status, 404);
    exact.cancel();

    // `*` crosses slashes, and faults come before routing: unknown paths are hit too.
    let all = server.inject(status("crm/*/x", 500, None)).unwrap();
    assert_eq!(
        get(&server, "/api/v2/crm/organization/organization:1/x").status,
        500
    );
    all.cancel();
    let all = server.inject(status("*", 503, None)).unwrap();
    assert_eq!(get(&server, "/api/v2/crm/nothing/at/all").status, 503);
    assert_eq!(get(&server, "/elsewhere").status, 503);
    assert_eq!(all.hits(), 2);
}

#[test]
fn method_filter_limits_a_rule_to_one_method() {
    let server = server();
    let fault = server
        .inject(FaultOptions {
            method: Some("post".into()),
            ..status("crm/organization", 503, None)
        })
        .unwrap();
    assert_eq!(fault.method(), Some("POST"));
    assert_eq!(get(&server, ORGS).status, 200);
    let reply = request(&server, "POST", ORGS, AUTH, Some(r#"{"name": "A"}"#));
    assert_eq!(reply.status, 503);
    assert_eq!(fault.hits(), 1);
}

#[test]
fn first_matching_live_rule_wins_in_insertion_order() {
    let server = server();
    let first = server.inject(status("crm/*", 502, Some(1))).unwrap();
    let second = server.inject(status("*", 503, Some(2))).unwrap();
    let statuses: Vec<u16> = (0..4).map(|_| get(&server, ORGS).status).collect();
    assert_eq!(statuses, [502, 503, 503, 200]);
    // A rule that does not match lets later ones apply.
    let third = server.inject(status("hrm/*", 500, None)).unwrap();
    let fourth = server.inject(status("crm/*", 504, Some(1))).unwrap();
    assert_eq!(get(&server, ORGS).status, 504);
    assert_eq!(
        (first.hits(), second.hits(), third.hits(), fourth.hits()),
        (1, 2, 0, 1)
    );
}

#[test]
fn times_none_applies_until_cancelled_or_cleared() {
    let server = server();
    let fault = server.inject(status("*", 503, None)).unwrap();
    for _ in 0..5 {
        assert_eq!(get(&server, ORGS).status, 503);
    }
    assert_eq!((fault.hits(), fault.remaining()), (5, None));
    fault.cancel();
    fault.cancel();
    assert_eq!(get(&server, ORGS).status, 200);
    assert_eq!(
        (fault.hits(), fault.remaining(), fault.active()),
        (5, Some(0), false)
    );

    let a = server.inject(status("*", 503, None)).unwrap();
    let b = server.inject(status("*", 500, Some(4))).unwrap();
    assert_eq!(server.active_faults().len(), 2);
    server.clear_faults();
    assert!(server.active_faults().is_empty());
    assert_eq!(get(&server, ORGS).status, 200);
    assert_eq!((a.remaining(), b.remaining()), (Some(0), Some(0)));
}

#[test]
fn unauthenticated_requests_are_never_faulted() {
    let server = server();
    let fault = server.inject(status("*", 503, None)).unwrap();
    let reply = request(&server, "GET", ORGS, &[], None);
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.error_message(),
        "Invalid or missing authentication headers"
    );
    assert_eq!(fault.hits(), 0);
    assert_eq!(logged(&server), vec![(401, None)]);
}

#[test]
fn rate_rules_fault_a_reproducible_fraction() {
    let pattern = |seed: u64| {
        let server = start(FakeConfig {
            seed,
            ..FakeConfig::default()
        });
        let fault = server
            .inject(FaultOptions {
                rate: Some(0.25),
                ..status("crm/*", 503, None)
            })
            .unwrap();
        let statuses: Vec<u16> = (0..200).map(|_| get(&server, ORGS).status).collect();
        // Requests the rule does not match never draw from its PRNG.
        assert_eq!(get(&server, "/api/v2/hours/hours").status, 200);
        let faulted = statuses.iter().filter(|&&s| s == 503).count();
        assert_eq!(fault.hits() as usize, faulted);
        assert!(statuses.iter().all(|&s| s == 200 || s == 503));
        statuses
    };
    let first = pattern(3);
    let faulted = first.iter().filter(|&&s| s == 503).count();
    assert!((25..=75).contains(&faulted), "{faulted} of 200");
    assert_eq!(first, pattern(3), "same seed, same faults");
    assert_ne!(first, pattern(4));
}

#[test]
fn rate_with_times_stops_after_times_hits() {
    let server = server();
    let fault = server
        .inject(FaultOptions {
            rate: Some(0.5),
            ..status("*", 503, Some(3))
        })
        .unwrap();
    let faulted = (0..100)
        .filter(|_| get(&server, ORGS).status == 503)
        .count();
    assert_eq!((faulted, fault.hits(), fault.remaining()), (3, 3, Some(0)));
}

#[test]
fn concurrent_requests_never_overdraw_times() {
    let server = Arc::new(server());
    let fault = server.inject(status("*", 503, Some(5))).unwrap();
    let threads: Vec<_> = (0..24)
        .map(|_| {
            let server = Arc::clone(&server);
            std::thread::spawn(move || get(&server, ORGS).status)
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 503).count(), 5);
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 19);
    assert_eq!(fault.hits(), 5);
}

#[test]
fn invalid_rules_are_refused_naming_the_argument() {
    let server = server();
    let err = server
        .inject(FaultOptions {
            path_glob: "*".into(),
            ..FaultOptions::default()
        })
        .unwrap_err();
    assert_eq!(err.argument, "status");
    let err = server
        .inject(FaultOptions {
            rate: Some(2.0),
            ..status("*", 503, None)
        })
        .unwrap_err();
    assert_eq!(err.argument, "rate");
    assert!(err.to_string().contains("rate"), "{err}");
    assert!(server.active_faults().is_empty());
}

// ---- the server's rate limit -------------------------------------------------------------------

#[test]
fn rate_limit_admits_n_then_429_with_retry_after_then_recovers() {
    let window = Duration::from_millis(1500);
    let server = limited(3, window);
    assert_eq!(server.rate_limit(), Some(3));
    for _ in 0..3 {
        assert_eq!(get(&server, ORGS).status, 200);
    }
    let full = Instant::now();
    // Failed authentication neither uses a slot nor is refused with 429.
    assert_eq!(request(&server, "GET", ORGS, &[], None).status, 401);
    // Any authenticated request counts, whatever its answer would have been.
    let refused = get(&server, "/api/v2/crm/nothing");
    assert_eq!(refused.status, 429);
    assert_eq!(
        refused.error_message(),
        "Too Many Requests: rate limit of 3 requests per 1.5 s exceeded"
    );
    // Seconds until the oldest slot frees, rounded up: here under 1.5 s, so "1" or "2".
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    // Refused requests use no slot, and limited requests are not offered to fault rules.
    let fault = server.inject(status("*", 503, Some(1))).unwrap();
    assert_eq!(get(&server, ORGS).status, 429);
    assert_eq!(fault.hits(), 0);

    // A window (less its slack) after the admitted requests, their slots are free again.
    std::thread::sleep(window.saturating_sub(full.elapsed()));
    assert_eq!(get(&server, ORGS).status, 503, "the fault gets its turn");
    assert_eq!(fault.hits(), 1);
    assert_eq!(get(&server, ORGS).status, 200);
    assert_eq!(get(&server, ORGS).status, 200);
    assert_eq!(get(&server, ORGS).status, 429);

    let log = logged(&server);
    assert_eq!(
        log.iter()
            .filter(|(_, f)| *f == Some(FaultKind::RateLimit))
            .count(),
        3
    );
    assert!(log
        .iter()
        .filter(|(_, f)| *f == Some(FaultKind::RateLimit))
        .all(|(s, _)| *s == 429));

    // reset_rate_limit frees every slot.
    server.reset_rate_limit();
    assert_eq!(get(&server, ORGS).status, 200);
}

#[test]
fn the_default_window_is_a_minute() {
    let server = start(FakeConfig {
        rate_limit: Some(2),
        ..FakeConfig::default()
    });
    assert_eq!(get(&server, ORGS).status, 200);
    assert_eq!(get(&server, ORGS).status, 200);
    let refused = get(&server, ORGS);
    assert_eq!(refused.status, 429);
    assert_eq!(
        refused.error_message(),
        "Too Many Requests: rate limit of 2 requests per minute exceeded"
    );
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((59..=60).contains(&retry), "{retry}");
    assert_eq!(
        refused.json(),
        json!({"data": null, "errors": ["Too Many Requests: rate limit of 2 requests per minute exceeded"], "debug": null})
    );
}

#[test]
fn a_client_pacing_evenly_at_the_limit_is_never_refused() {
    // 10 per second-long window, for two and a half windows, paced the way a client does it:
    // one every 100 ms, and never sooner than a window after the request 10 before it was sent.
    let window = Duration::from_secs(1);
    let server = limited(10, window);
    let started = Instant::now();
    let mut sent: Vec<Instant> = Vec::new();
    for k in 0..25u32 {
        let mut due = started + window / 10 * k;
        if let Some(&tenth_before) = sent.len().checked_sub(10).map(|i| &sent[i]) {
            due = due.max(tenth_before + window);
        }
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        sent.push(Instant::now());
        assert_eq!(get(&server, ORGS).status, 200, "request {k}");
    }
    // But no burst on top: in any 0.9 s at most 10 requests are admitted, so a quick burst
    // of 12 has at least two refused. (Skipped if the machine is too loaded to be quick.)
    let burst_started = Instant::now();
    let burst: Vec<u16> = (0..12).map(|_| get(&server, ORGS).status).collect();
    if burst_started.elapsed() < Duration::from_millis(800) {
        assert!(
            burst.iter().filter(|&&s| s == 429).count() >= 2,
            "{burst:?}"
        );
    }
}

#[test]
fn no_limit_means_no_429s() {
    let server = server();
    assert_eq!(server.rate_limit(), None);
    for _ in 0..100 {
        assert_eq!(get(&server, ORGS).status, 200);
    }
}

#[test]
fn a_zero_limit_or_window_is_a_configuration_error() {
    for (limit, window) in [(0, Duration::from_secs(60)), (5, Duration::ZERO)] {
        let err = FakeServer::start(FakeConfig {
            rate_limit: Some(limit),
            rate_window: window,
            ..FakeConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.to_string().contains("rate_limit"), "{err}");
    }
}
