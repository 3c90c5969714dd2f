//! Injected faults: rules that make the fake misbehave on purpose, so clients (ours and our
//! users') can be tested against outages, slow answers, broken connections and bad bodies.
//!
//! `routes.rs` asks [`Faults::pick`] once per request, after authentication (a request without
//! valid credentials is never faulted: 401 stays 401) and after the rate limit, before routing.
//! Rules are checked in insertion order and the first matching live rule applies; applying it
//! counts a hit and uses up one of its `times`. A rule with a `rate` applies to that fraction of
//! its matching requests, decided by its own seeded PRNG; a request it lets pass falls through
//! to the rules after it.
//!
//! The action (see [`Action`]) is carried out by `routes.rs`; this module only decides which
//! rule applies, so the decision can be tested without sockets.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::header::HeaderValue;
use http::StatusCode;

use super::envelope;
use super::ids::{mix64, SplitMix64};

/// Longest delay a rule may ask for. A test that needs a stuck server wants a timeout on the
/// client side, not a fake that holds a connection for ever.
pub const MAX_DELAY_SECS: f64 = 86_400.0;

/// A fault rule as the host describes it: the flat keyword arguments of `fake.inject(...)`.
/// [`Faults::inject`] validates the combination and turns it into a rule.
///
/// Exactly one action: `status` (optionally with `body`, `content_type`, `retry_after`),
/// `drop_connection`, or `truncate`; or `delay` alone; or `delay` with `status`.
#[derive(Debug, Clone, Default)]
pub struct FaultOptions {
    /// Matched against the path below `/api/v2/` (percent-escapes as received, no query), e.g.
    /// `"crm/organization*"`. `*` matches any run of characters, `/` included; everything else
    /// is literal. A leading `/` or `/api/v2/` is ignored, so the full path works too.
    pub path_glob: String,
    /// Only requests with this method (any case); `None` for all.
    pub method: Option<String>,
    /// Matching requests the rule applies to before it expires; `None` for no limit.
    /// (`Default` gives `None`; the Python API defaults to 1.)
    pub times: Option<u64>,
    /// Fraction of matching requests to fault, in (0, 1]; `None` for all of them.
    pub rate: Option<f64>,
    /// Seconds to wait before answering (normally, or with `status`).
    pub delay: Option<f64>,
    /// Answer with this status (200..=599) instead of handling the request.
    pub status: Option<u16>,
    /// Body of the `status` answer; default: the error envelope with "<reason> (injected)".
    pub body: Option<Vec<u8>>,
    /// Content-Type of the `status` answer; default `application/json`.
    pub content_type: Option<String>,
    /// `Retry-After` of the `status` answer, sent verbatim (seconds or an HTTP date).
    pub retry_after: Option<String>,
    /// Start the real answer, then close the connection in the middle of its body.
    pub drop_connection: bool,
    /// Send the real answer with its body cut in half (and a Content-Length that matches).
    pub truncate: bool,
}

/// An invalid [`FaultOptions`]: which argument, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultError {
    /// The offending keyword argument, as spelled in `fake.inject(...)`.
    pub argument: &'static str,
    pub message: String,
}

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FaultError {}

fn invalid(argument: &'static str, message: impl Into<String>) -> FaultError {
    FaultError {
        argument,
        message: message.into(),
    }
}

/// What an applied rule makes the server do (after its delay, if any).
#[derive(Debug, Clone)]
pub enum Action {
    /// Handle the request normally (a delay-only rule).
    Pass,
    /// Answer with a canned response; the request is not handled.
    Respond(Canned),
    /// Handle the request, send the head and part of the body, then close the connection.
    DropConnection,
    /// Handle the request and send its body cut in half, as a complete response.
    Truncate,
}

/// The answer of a `status` rule, ready to send.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: StatusCode,
    pub body: Bytes,
    pub content_type: HeaderValue,
    pub retry_after: Option<HeaderValue>,
}

/// What `pick` hands to `routes.rs` for one request.
#[derive(Debug, Clone)]
pub struct Applied {
    pub delay: Option<Duration>,
    pub action: Action,
}

impl Applied {
    /// How the request shows up in the request log's `fault` column.
    pub fn kind(&self) -> FaultKind {
        match self.action {
            Action::Pass => FaultKind::Delay,
            Action::Respond(_) => FaultKind::Status,
            Action::DropConnection => FaultKind::DropConnection,
            Action::Truncate => FaultKind::Truncate,
        }
    }
}

/// Why a logged request was not answered normally (the log's `fault` marker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// An injected `status` answer (with or without a delay).
    Status,
    /// Answered normally after an injected delay.
    Delay,
    /// The connection was closed mid-body; the logged status is the one the head announced.
    DropConnection,
    /// The body was cut; the logged status is the one sent.
    Truncate,
    /// Refused with 429 by the server's own rate limit (not an injected rule).
    RateLimit,
}

impl FaultKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Status => "status",
            FaultKind::Delay => "delay",
            FaultKind::DropConnection => "drop_connection",
            FaultKind::Truncate => "truncate",
            FaultKind::RateLimit => "rate_limit",
        }
    }
}

// ---- rules -------------------------------------------------------------------------------------

#[derive(Debug)]
struct Rule {
    glob: String,
    method: Option<String>,
    rate: Option<f64>,
    applied: Applied,
    state: Mutex<RuleState>,
}

#[derive(Debug)]
struct RuleState {
    hits: u64,
    /// `None`: no limit.
    remaining: Option<u64>,
    cancelled: bool,
    rng: SplitMix64,
}

impl RuleState {
    fn live(&self) -> bool {
        !self.cancelled && self.remaining != Some(0)
    }
}

impl Rule {
    fn state(&self) -> MutexGuard<'_, RuleState> {
        // Nothing panics while a rule is locked; should it ever, the counters are still valid.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && glob_matches(self.glob.as_bytes(), path.as_bytes())
    }
}

/// The host's view of one injected rule: how often it fired, how often it still will, and a
/// way to withdraw it. Stays readable after the rule expired or the server stopped.
#[derive(Debug, Clone)]
pub struct FaultHandle(Arc<Rule>);

impl FaultHandle {
    /// Requests the rule has been applied to.
    pub fn hits(&self) -> u64 {
        self.0.state().hits
    }

    /// Requests it will still apply to: `None` for no limit; 0 once expired or cancelled.
    pub fn remaining(&self) -> Option<u64> {
        let state = self.0.state();
        if state.cancelled {
            Some(0)
        } else {
            state.remaining
        }
    }

    /// Whether it can still apply to a request.
    pub fn active(&self) -> bool {
        self.0.state().live()
    }

    /// Withdraw the rule; idempotent. A request already being delayed by it still completes.
    pub fn cancel(&self) {
        self.0.state().cancelled = true;
    }

    /// The glob as matched (leading `/` and `/api/v2/` removed).
    pub fn path_glob(&self) -> &str {
        &self.0.glob
    }

    /// The method filter, upper case.
    pub fn method(&self) -> Option<&str> {
        self.0.method.as_deref()
    }
}

/// The fault rules of one server, shared by its request handlers and the host.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    list: Mutex<RuleList>,
}

#[derive(Debug, Default)]
struct RuleList {
    rules: Vec<Arc<Rule>>,
    /// Rules injected since the server started or the list was last cleared: numbers each
    /// rule's PRNG stream, so a test that resets and injects the same rules sees the same faults.
    injected: u64,
}

impl Faults {
    /// `seed` (the server's data seed) seeds the PRNGs of `rate` rules.
    pub fn new(seed: u64) -> Self {
        Faults {
            seed,
            list: Mutex::new(RuleList::default()),
        }
    }

    fn list(&self) -> MutexGuard<'_, RuleList> {
        self.list.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Validates `options` and appends the rule (it is checked after every earlier one).
    pub fn inject(&self, options: FaultOptions) -> Result<FaultHandle, FaultError> {
        let (rate, times) = (options.rate, options.times);
        let (applied, glob, method) = validate(options)?;
        let mut list = self.list();
        list.injected += 1;
        let stream = mix64(self.seed ^ mix64(list.injected));
        let rule = Arc::new(Rule {
            glob,
            method,
            rate,
            applied,
            state: Mutex::new(RuleState {
                hits: 0,
                remaining: times,
                cancelled: false,
                rng: SplitMix64::new(stream),
            }),
        });
        list.rules.push(Arc::clone(&rule));
        Ok(FaultHandle(rule))
    }

    /// Withdraws every rule (their handles report 0 remaining) and restarts the PRNG numbering.
    pub fn clear(&self) {
        let mut list = self.list();
        for rule in list.rules.drain(..) {
            rule.state().cancelled = true;
        }
        list.injected = 0;
    }

    /// Rules that can still apply, in the order they are checked.
    pub fn active(&self) -> Vec<FaultHandle> {
        let list = self.list();
        list.rules
            .iter()
            .filter(|r| r.state().live())
            .map(|r| FaultHandle(Arc::clone(r)))
            .collect()
    }

    /// The rule applying to a request, if any, counted as a hit. `path` is the request's path as
    /// received (`/api/v2/crm/organization`).
    pub fn pick(&self, method: &str, path: &str) -> Option<Applied> {
        let path = request_subpath(path);
        let mut list = self.list();
        // Expired and cancelled rules can never apply again; their handles keep the counts.
        list.rules.retain(|rule| rule.state().live());
        // The list lock is held throughout, so two concurrent requests cannot both take the
        // last of a rule's `times`, and a rate rule's PRNG is drawn in arrival order.
        for rule in &list.rules {
            if !rule.matches(method, path) {
                continue;
            }
            let mut state = rule.state();
            // A handle may have cancelled it since the sweep above.
            if !state.live() {
                continue;
            }
            if let Some(rate) = rule.rate {
                if unit_interval(&mut state.rng) >= rate {
                    continue;
                }
            }
            state.hits += 1;
            if let Some(remaining) = state.remaining.as_mut() {
                *remaining -= 1;
            }
            return Some(rule.applied.clone());
        }
        None
    }
}

/// Uniform in [0, 1) with 53 bits: `< rate` then holds with probability `rate`, and always for 1.
fn unit_interval(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn validate(options: FaultOptions) -> Result<(Applied, String, Option<String>), FaultError> {
    let FaultOptions {
        path_glob,
        method,
        times,
        rate,
        delay,
        status,
        body,
        content_type,
        retry_after,
        drop_connection,
        truncate,
    } = options;

    let method = match method {
        None => None,
        Some(m) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Some(m.to_ascii_uppercase())
        }
        Some(m) => {
            return Err(invalid(
                "method",
                format!("method must be an HTTP method such as \"GET\", got {m:?}"),
            ))
        }
    };
    if times == Some(0) {
        return Err(invalid(
            "times",
            "times must be at least 1, or None to apply to every matching request",
        ));
    }
    if let Some(rate) = rate {
        // Written so that NaN fails too.
        if !(rate > 0.0 && rate <= 1.0) {
            return Err(invalid(
                "rate",
                format!("rate must be a fraction in (0, 1], got {rate}"),
            ));
        }
    }
    let delay = match delay {
        None => None,
        Some(secs) if (0.0..=MAX_DELAY_SECS).contains(&secs) => Some(Duration::from_secs_f64(secs)),
        Some(secs) => {
            return Err(invalid(
                "delay",
                format!("delay must be between 0 and {MAX_DELAY_SECS} seconds, got {secs}"),
            ))
        }
    };

    let actions =
        usize::from(status.is_some()) + usize::from(drop_connection) + usize::from(truncate);
    if actions > 1 {
        let argument = if status.is_some() {
            "status"
        } else {
            "drop_connection"
        };
        return Err(invalid(
            argument,
            "give only one of status=, drop_connection=True and truncate=True",
        ));
    }
    if actions == 0 && delay.is_none() {
        return Err(invalid(
            "status",
            "nothing to inject: give status=, delay=, drop_connection=True or truncate=True",
        ));
    }
    if delay.is_some() && (drop_connection || truncate) {
        return Err(invalid(
            "delay",
            "delay= combines only with status=, not with drop_connection= or truncate=",
        ));
    }
    if status.is_none() {
        for (argument, given) in [
            ("body", body.is_some()),
            ("content_type", content_type.is_some()),
            ("retry_after", retry_after.is_some()),
        ] {
            if given {
                return Err(invalid(
                    argument,
                    format!("{argument}= only applies to an injected status= answer"),
                ));
            }
        }
    }

    let action = if let Some(code) = status {
        Action::Respond(canned(code, body, content_type, retry_after)?)
    } else if drop_connection {
        Action::DropConnection
    } else if truncate {
        Action::Truncate
    } else {
        Action::Pass
    };
    Ok((
        Applied { delay, action },
        normalise_glob(&path_glob),
        method,
    ))
}

fn canned(
    code: u16,
    body: Option<Vec<u8>>,
    content_type: Option<String>,
    retry_after: Option<String>,
) -> Result<Canned, FaultError> {
    // 1xx cannot end an exchange (hyper would answer 500 instead), and HTTP has nothing
    // above 599.
    let status = StatusCode::from_u16(code)
        .ok()
        .filter(|s| (200..=599).contains(&s.as_u16()))
        .ok_or_else(|| invalid("status", format!("status must be 200..599, got {code}")))?;
    let body = match body {
        Some(bytes) => Bytes::from(bytes),
        None => {
            let reason = status.canonical_reason().unwrap_or("Error");
            Bytes::from(envelope::error_body(format!("{reason} (injected)")))
        }
    };
    let header = |argument: &'static str, value: String| {
        if value.is_empty() {
            return Err(invalid(argument, format!("{argument} must not be empty")));
        }
        HeaderValue::from_str(&value).map_err(|_| {
            invalid(
                argument,
                format!("{argument} must be printable ASCII for an HTTP header, got {value:?}"),
            )
        })
    };
    let content_type = match content_type {
        Some(value) => header("content_type", value)?,
        None => HeaderValue::from_static("application/json"),
    };
    let retry_after = retry_after
        .map(|value| header("retry_after", value))
        .transpose()?;
    Ok(Canned {
        status,
        body,
        content_type,
        retry_after,
    })
}

// ---- paths -------------------------------------------------------------------------------------

const API_ROOT: &str = "api/v2/";

/// What a glob is matched against: the path below `/api/v2/`. Paths outside the API (which
/// are answered 400) are matched without their leading `/`.
fn request_subpath(path: &str) -> &str {
    let path = path.strip_prefix('/').unwrap_or(path);
    path.strip_prefix(API_ROOT).unwrap_or(path)
}

/// Globs are written relative to `/api/v2/`; a full path is accepted too, so that
/// `"/api/v2/crm/*"` does not silently match nothing.
fn normalise_glob(glob: &str) -> String {
    let glob = glob.trim_start_matches('/');
    glob.strip_prefix(API_ROOT).unwrap_or(glob).to_owned()
}

/// `*` matches any run of bytes (including `/` and nothing); every other byte matches itself.
/// Greedy with one backtrack point: linear in practice, O(len²) at worst, never recursive.
pub fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Position of the last `*` seen, and where in `text` its run currently ends.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more byte and retry from there.
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> FaultOptions {
        FaultOptions {
            path_glob: "*".into(),
            status: Some(code),
            times: Some(1),
            ..FaultOptions::default()
        }
    }

    #[test]
    fn globs() {
        let m = |p: &str, t: &str| glob_matches(p.as_bytes(), t.as_bytes());
        assert!(m("*", ""));
        assert!(m("*", "crm/organization/organization:1"));
        assert!(m("crm/organization*", "crm/organization"));
        assert!(m("crm/organization*", "crm/organization/x"));
        assert!(m("crm/organization*", "crm/organizationtype"));
        assert!(!m("crm/organization*", "crm/person"));
        assert!(m("hours/hours/*", "hours/hours/hours:1"));
        assert!(!m("hours/hours/*", "hours/hours"));
        assert!(m("*/person", "crm/person"));
        assert!(!m("*/person", "crm/person/x"));
        assert!(m("a*b*c", "aXXbYYbZZc"));
        assert!(!m("a*b*c", "aXXbYYbZZ"));
        assert!(m("**", "x"));
        assert!(!m("", "x"));
        assert!(m("", ""));
        assert!(m("crm/*/x", "crm/a/b/x"));
    }

    #[test]
    fn paths_and_globs_are_relative_to_the_api_root() {
        assert_eq!(request_subpath("/api/v2/crm/person"), "crm/person");
        assert_eq!(request_subpath("/nowhere"), "nowhere");
        assert_eq!(normalise_glob("/api/v2/crm/*"), "crm/*");
        assert_eq!(normalise_glob("/crm/*"), "crm/*");
        assert_eq!(normalise_glob("*"), "*");
    }

    #[test]
    fn first_live_match_applies_and_times_expire() {
        let faults = Faults::new(0);
        let a = faults
            .inject(FaultOptions {
                path_glob: "crm/*".into(),
                times: Some(2),
                ..status(503)
            })
            .unwrap();
        let b = faults.inject(status(500)).unwrap();
        let code = |f: &Faults, path: &str| match f.pick("GET", path).map(|a| a.action) {
            Some(Action::Respond(c)) => Some(c.status.as_u16()),
            _ => None,
        };
        assert_eq!(code(&faults, "/api/v2/hrm/employee"), Some(500));
        assert_eq!(b.remaining(), Some(0));
        assert!(!b.active());
        assert_eq!(code(&faults, "/api/v2/crm/person"), Some(503));
        assert_eq!(code(&faults, "/api/v2/crm/person"), Some(503));
        assert_eq!(code(&faults, "/api/v2/crm/person"), None);
        assert_eq!((a.hits(), a.remaining(), b.hits()), (2, Some(0), 1));
        assert!(faults.active().is_empty());
    }

    #[test]
    fn method_filter_and_cancel() {
        let faults = Faults::new(0);
        let rule = faults
            .inject(FaultOptions {
                method: Some("post".into()),
                times: None,
                ..status(503)
            })
            .unwrap();
        assert_eq!(rule.method(), Some("POST"));
        assert!(faults.pick("GET", "/api/v2/crm/person").is_none());
        assert!(faults.pick("POST", "/api/v2/crm/person").is_some());
        assert_eq!(rule.remaining(), None);
        rule.cancel();
        assert!(faults.pick("POST", "/api/v2/crm/person").is_none());
        assert_eq!((rule.hits(), rule.remaining()), (1, Some(0)));
    }

    #[test]
    fn rate_rules_are_reproducible_and_roughly_right() {
        let pattern = |seed: u64| {
            let faults = Faults::new(seed);
            faults
                .inject(FaultOptions {
                    rate: Some(0.2),
                    times: None,
                    ..status(503)
                })
                .unwrap();
            (0..2000)
                .map(|_| faults.pick("GET", "/api/v2/crm/person").is_some())
                .collect::<Vec<_>>()
        };
        let first = pattern(7);
        assert_eq!(first, pattern(7));
        assert_ne!(first, pattern(8));
        let hits = first.iter().filter(|&&h| h).count();
        assert!((300..500).contains(&hits), "{hits}");
        // Clearing restarts the numbering: same rules after a clear, same faults.
        let faults = Faults::new(7);
        faults.inject(status(500)).unwrap();
        faults.clear();
        faults
            .inject(FaultOptions {
                rate: Some(0.2),
                times: None,
                ..status(503)
            })
            .unwrap();
        let again: Vec<_> = (0..2000)
            .map(|_| faults.pick("GET", "/api/v2/x").is_some())
            .collect();
        assert_eq!(again, first);
    }

    #[test]
    fn validation_names_the_argument() {
        let bad = |options: FaultOptions| Faults::new(0).inject(options).unwrap_err().argument;
        let none = FaultOptions {
            path_glob: "*".into(),
            ..FaultOptions::default()
        };
        assert_eq!(bad(none.clone()), "status");
        assert_eq!(
            bad(FaultOptions {
                drop_connection: true,
                ..status(503)
            }),
            "status"
        );
        assert_eq!(
            bad(FaultOptions {
                drop_connection: true,
                truncate: true,
                ..none.clone()
            }),
            "drop_connection"
        );
        assert_eq!(
            bad(FaultOptions {
                delay: Some(1.0),
                truncate: true,
                ..none.clone()
            }),
            "delay"
        );
        for delay in [0.0, -0.0, MAX_DELAY_SECS] {
            assert!(Faults::new(0)
                .inject(FaultOptions {
                    delay: Some(delay),
                    ..none.clone()
                })
                .is_ok());
        }
        for delay in [-1.0, -1e-9, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e9] {
            assert_eq!(
                bad(FaultOptions {
                    delay: Some(delay),
                    ..none.clone()
                }),
                "delay"
            );
        }
        assert_eq!(
            bad(FaultOptions {
                times: Some(0),
                ..status(503)
            }),
            "times"
        );
        for rate in [0.0, -0.5, 1.5, f64::NAN] {
            assert_eq!(
                bad(FaultOptions {
                    rate: Some(rate),
                    ..status(503)
                }),
                "rate"
            );
        }
        for code in [0, 100, 199, 600, 1000] {
            assert_eq!(bad(status(code)), "status");
        }
        assert_eq!(
            bad(FaultOptions {
                method: Some("GE T".into()),
                ..status(503)
            }),
            "method"
        );
        assert_eq!(
            bad(FaultOptions {
                body: Some(b"x".to_vec()),
                truncate: true,
                ..none.clone()
            }),
            "body"
        );
        assert_eq!(
            bad(FaultOptions {
                retry_after: Some("5".into()),
                delay: Some(0.1),
                ..none.clone()
            }),
            "retry_after"
        );
        assert_eq!(
            bad(FaultOptions {
                retry_after: Some("5\r\nX: y".into()),
                ..status(503)
            }),
            "retry_after"
        );
        assert_eq!(
            bad(FaultOptions {
                content_type: Some(String::new()),
                ..status(503)
            }),
            "content_type"
        );
    }

    #[test]
    fn default_body_is_the_error_envelope() {
        let faults = Faults::new(0);
        faults.inject(status(503)).unwrap();
        let Some(Applied {
            action: Action::Respond(canned),
            delay: None,
        }) = faults.pick("GET", "/api/v2/x")
        else {
            panic!("expected a canned answer");
        };
        let body: serde_json::Value = serde_json::from_slice(&canned.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"data": null, "errors": ["Service Unavailable (injected)"], "debug": null})
        );
        assert_eq!(canned.content_type, "application/json");
    }
}
