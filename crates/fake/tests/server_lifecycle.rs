//! End-to-end tests of the fake Simplicate server over real sockets, as the host drives it:
//! seeds and sizes, reset, records inserted from the host, starting, binding and stopping,
//! concurrent clients, and the request log. The raw HTTP/1.1 client is in `common/mod.rs`.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv6Addr, TcpStream};
use std::time::Duration;

use serde_json::{json, Value};
use simplicate_fake::{FakeConfig, FakeServer, Store};

use common::*;

// ---- seeds, sizes, reset, lifecycle ------------------------------------------------------------

#[test]
fn same_seed_same_data_different_seed_different_data() {
    let a = start_with(42, LIGHT);
    let b = start_with(42, LIGHT);
    let c = start_with(43, LIGHT);
    for path in [ORGS, PERSONS, PROJECTS, "/api/v2/hours/hours?offset=40"] {
        let (ra, rb, rc) = (get(&a, path), get(&b, path), get(&c, path));
        assert_eq!(ra.body, rb.body, "{path}: same seed, same bytes");
        assert_ne!(ra.body, rc.body, "{path}: another seed, other data");
    }
    assert_eq!(
        Store::with_sizes(42, light_sizes(), true)
            .expect("valid sizes")
            .list("crm/person"),
        a.store().list("crm/person")
    );
    assert_ne!(c.store().list("crm/person"), a.store().list("crm/person"));
    assert_eq!(a.store().seed(), 42);
    // Created ids are part of the seeded state too.
    let (ia, ib) = (
        created_id(&send_json(&a, "POST", ORGS, r#"{"name": "New"}"#)),
        created_id(&send_json(&b, "POST", ORGS, r#"{"name": "New"}"#)),
    );
    assert_eq!(ia, ib);
}

#[test]
fn reset_restores_the_seed_state() {
    let server = start_with(5, LIGHT);
    let initial_orgs = get(&server, ORGS).body;
    let initial_persons = get(&server, PERSONS).body;
    let all = server.store().list("crm/organization");
    let first = format!("{ORGS}/{}", all[0]["id"].as_str().expect("id"));
    let second = format!("{ORGS}/{}", all[1]["id"].as_str().expect("id"));
    assert_eq!(
        send_json(&server, "PUT", &first, r#"{"name": "Changed"}"#).status,
        200
    );
    assert_eq!(delete(&server, &second).status, 200);
    let created = created_id(&send_json(&server, "POST", ORGS, r#"{"name": "New"}"#));
    server
        .store()
        .insert("sales/sale", object(json!({"subject": "x"})));
    assert_ne!(get(&server, ORGS).body, initial_orgs);

    server.store().reset();
    assert_eq!(get(&server, ORGS).body, initial_orgs);
    assert_eq!(get(&server, PERSONS).body, initial_persons);
    assert_eq!(server.store().count("sales/sale"), 0);
    assert_eq!(server.store().count("crm/organization"), all.len());
    // The stream of minted ids starts over as well.
    assert_eq!(
        created_id(&send_json(&server, "POST", ORGS, r#"{"name": "New"}"#)),
        created
    );
}

#[test]
fn store_insert_from_the_host_is_served() {
    let server = start_light();
    let store = server.store();
    let id = store.insert("crm/organization", object(json!({"name": "Planted"})));
    assert_id(&id, "organization", 32);
    let record = get(&server, &format!("{ORGS}/{id}")).data();
    assert_eq!(record["name"], "Planted");
    assert_recent(&record["created_at"]);
    assert_eq!(record["created"], record["created_at"]);
    assert_eq!(record["modified"], record["updated_at"]);

    // Given timestamps are kept, so tests can plant history.
    let old = store.insert(
        "crm/organization",
        object(json!({"name": "Old", "created_at": "2020-02-02 10:00:00", "updated_at": "2021-03-03 11:00:00"})),
    );
    let record = store.get("crm/organization", &old).expect("stored");
    assert_eq!(record["created_at"], "2020-02-02 10:00:00");
    assert_eq!(record["updated_at"], "2021-03-03 11:00:00");
    // The legacy timestamps follow them where the record does not bring its own.
    assert_eq!(record["created"], "2020-02-02 10:00:00");
    assert_eq!(record["modified"], "2021-03-03 11:00:00");
    assert_eq!(store.list("crm/organization").len(), 22);
    // ... and planted history is what queries see.
    let page = data_list(&get(
        &server,
        &format!("{ORGS}?q[updated_at][lt]=2022-01-01&select=id,name"),
    ));
    assert_eq!(page, [json!({"id": old, "name": "Old"})]);
    // Planting into another registry collection: listed with its seeded records.
    let quote = store.insert("sales/quote", object(json!({"quote_subject": "Q1"})));
    assert_id(&quote, "quote", 32);
    assert_eq!(
        ids(&data_list(&get(
            &server,
            "/api/v2/sales/quote?q[quote_subject]=Q1"
        ))),
        [quote]
    );
    // Collections the registry does not have are not endpoints, even when the host plants
    // records in them.
    store.insert("sales/sale", object(json!({"subject": "planted"})));
    assert_eq!(store.count("sales/sale"), 1);
    let msg = get(&server, "/api/v2/sales/sale").error_message(400);
    assert_eq!(msg, "Unknown endpoint: GET /api/v2/sales/sale");
}

#[test]
fn sizes_override_the_defaults_and_references_follow() {
    let server = start_sized(&[
        ("crm/organization", 3),
        ("hours/hours", 0),
        ("crm/relationtype", 2),
        ("projects/project", 300),
    ]);
    let count = |collection: &str| {
        count_of(
            &server,
            &format!("/api/v2/{collection}?metadata=count&limit=1"),
        )
    };
    assert_eq!(count("crm/organization"), 3);
    assert_eq!(count("hours/hours"), 0);
    assert_eq!(count("crm/relationtype"), 2);
    assert_eq!(count("projects/project"), 300);
    assert_eq!(
        count("crm/person"),
        default_size("crm/person") as u64,
        "others keep their default"
    );
    assert!(data_list(&get(&server, "/api/v2/hours/hours")).is_empty());

    let store = server.store();
    let orgs: HashSet<String> = ids(&store.list("crm/organization")).into_iter().collect();
    let types: Vec<Value> = store.list("crm/relationtype");
    // One of the two seeded types; null for the own companies (organizations 0 and 1), whose
    // type is the table's last, not seeded here.
    let mut typed = 0;
    for (i, org) in store.list("crm/organization").iter().enumerate() {
        let kind = &org["relation_type"];
        assert!(types.contains(kind) || (i < 2 && kind.is_null()), "{kind}");
        typed += usize::from(!kind.is_null());
    }
    assert!(typed > 0);
    let projects = store.list("projects/project");
    let mut with_org = 0;
    for p in &projects {
        if let Some(id) = p["organization"]["id"].as_str() {
            assert!(orgs.contains(id), "{id} is not one of the 3 organizations");
            with_org += 1;
        }
    }
    assert!(with_org > 0);
    // Ids stay unique when a collection grows.
    let unique: HashSet<String> = ids(&projects).into_iter().collect();
    assert_eq!(unique.len(), 300);
    // With no hours, nothing is booked on any project.
    let id = projects[0]["id"].as_str().expect("id");
    let budget = get(&server, &format!("{PROJECTS}/{id}/planningBudget")).data();
    assert_eq!(budget["hours_entries"], 0);
    assert_eq!(budget["hours_spent"].as_f64(), Some(0.0));
    // Reset keeps the sizes.
    store.reset();
    assert_eq!(store.count("crm/organization"), 3);
    assert_eq!(store.count("projects/project"), 300);
}

#[test]
fn bad_sizes_are_invalid_input() {
    for (collection, size) in [
        ("crm/nonsense", 1),
        ("projects/projectemployee", 5),
        // Sized by the organizations and persons.
        ("crm/debtor", 5),
        // Sized by the employees.
        ("hrm/contract", 5),
        ("crm/relationtype", 7),
        ("organization", 3),
    ] {
        let err = FakeServer::start(FakeConfig {
            sizes: BTreeMap::from([(collection.to_owned(), size)]),
            ..FakeConfig::default()
        })
        .expect_err(collection);
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{collection}: {err}");
        assert!(err.to_string().contains(collection), "{err}");
    }
    // Zero and the full lookup table are fine.
    let mut sizes = LIGHT.to_vec();
    sizes.extend([("crm/relationtype", 6), ("crm/person", 0)]);
    let server = start_sized(&sizes);
    assert_eq!(server.store().count("crm/relationtype"), 6);
    assert_eq!(server.store().count("crm/person"), 0);
}

#[test]
fn url_stop_and_bind_errors() {
    let mut server = start_light();
    let port = server.addr().port();
    assert_ne!(port, 0);
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}/api/v2"));

    // The port is taken: a second server on it must fail with an io::Error, not panic.
    let clash = FakeServer::start(FakeConfig {
        port,
        sizes: light_sizes(),
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
    let mut server = start_light();
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
        sizes: light_sizes(),
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
    let server = shared();
    let expected = get(server, ORGS).body;
    let filtered = format!("{PROJECTS}?sort=-updated_at&select=id,name");
    let expected_filtered = get(server, &filtered).body;
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..5 {
                    assert_eq!(get(server, ORGS).body, expected);
                    assert_eq!(get(server, &filtered).body, expected_filtered);
                }
            });
        }
    });
}

// ---- the request log ---------------------------------------------------------------------------

#[test]
fn request_log_records_every_request() {
    let server = start_light();
    let log = server.log();
    assert!(log.snapshot().is_empty());
    let before = now_f64();
    let org = server.store().list("crm/organization")[0]["id"]
        .as_str()
        .expect("id")
        .replace(':', "%3A");
    let expected: Vec<(&str, String, &str, u16)> = vec![
        ("GET", ORGS.to_owned(), "limit=2&q%5Bname%5D=*B.V.*", 200),
        ("GET", ORGS.to_owned(), "", 401),
        ("GET", "/api/v2/nowhere".to_owned(), "x=1", 400),
        ("PUT", ORGS.to_owned(), "", 405),
        ("PATCH", format!("{ORGS}/{org}"), "", 405),
        ("POST", ORGS.to_owned(), "", 200),
        ("POST", ORGS.to_owned(), "", 400),
        ("GET", format!("{ORGS}/{org}"), "select=id", 200),
        ("DELETE", format!("{ORGS}/organization%3Amissing"), "", 404),
        ("GET", ORGS.to_owned(), "limit=x", 400),
    ];
    for (i, (method, path, query, status)) in expected.iter().enumerate() {
        let target = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        };
        let reply = match i {
            1 => raw_request(server.addr(), method, &target, &[], None),
            5 => send_json(&server, method, &target, r#"{"name": "Logged"}"#),
            6 => send_json(&server, method, &target, "[]"),
            _ => call(&server, method, &target, "{}"),
        };
        assert_eq!(reply.status, *status, "{method} {target}: {}", reply.text());
    }
    let after = now_f64();
    let entries = log.snapshot();
    assert_eq!(entries.len(), expected.len());
    assert_eq!(log.len(), expected.len());
    let mut last = 0.0;
    for (entry, (method, path, query, status)) in entries.iter().zip(&expected) {
        assert_eq!(
            (
                entry.method.as_str(),
                entry.path.as_str(),
                entry.query.as_str(),
                entry.status
            ),
            (*method, path.as_str(), *query, *status)
        );
        assert!(
            entry.time >= before - 1.0 && entry.time <= after + 1.0,
            "{entry:?}"
        );
        assert!(entry.time >= last, "in arrival order");
        last = entry.time;
    }
    log.clear();
    assert!(log.is_empty());
    get(&server, PERSONS);
    let entries = log.snapshot();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].path, "/api/v2/crm/person");
    assert_eq!(entries[0].status, 200);
}
