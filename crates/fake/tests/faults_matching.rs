//! Which requests an injected fault rule hits, over raw sockets: globs, the method filter,
//! insertion order, `times` and `rate` (also under concurrency), 401s untouched, and invalid
//! rules refused.
//!
//! The HTTP/1.1 client is in `raw/mod.rs`, not `common/`: a dropped connection has to be
//! observed byte by byte, which a parse-or-panic helper cannot.

mod raw;

use std::sync::Arc;

use simplicate_fake::{FakeConfig, FaultOptions};

use raw::*;

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
