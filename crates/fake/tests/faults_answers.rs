//! Injected faults seen over raw sockets: what a client actually receives for an injected
//! status, a delay, a dropped connection and a truncated body.
//!
//! The HTTP/1.1 client is in `raw/mod.rs`, not `common/`: a dropped connection has to be
//! observed byte by byte, which a parse-or-panic helper cannot.

mod raw;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;
use simplicate_fake::{FaultKind, FaultOptions};

use raw::*;

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
