//! The server's own rate limit over raw sockets: n requests admitted per window, then 429
//! with `Retry-After`, recovery, the default window, and no limit at all.
//!
//! The HTTP/1.1 client is in `raw/mod.rs`, not `common/`: a dropped connection has to be
//! observed byte by byte, which a parse-or-panic helper cannot.

mod raw;

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use serde_json::json;
use simplicate_fake::{FakeConfig, FakeServer, FaultKind};

use raw::*;

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
