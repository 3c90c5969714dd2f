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
//!
//! - `options`: what the host may ask for ([`FaultOptions`]), validated into what a rule does
//! - `glob`: the paths rules are written against and matched with

mod glob;
mod options;

pub use glob::glob_matches;
pub use options::{FaultError, FaultOptions, MAX_DELAY_SECS};

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::header::HeaderValue;
use http::StatusCode;

use super::ids::{mix64, SplitMix64};
use glob::request_subpath;
use options::validate;

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
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
        self.list
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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

#[cfg(test)]
mod tests {
    use super::*;

    // Shared with the validation tests in options.rs.
    pub(super) fn status(code: u16) -> FaultOptions {
        FaultOptions {
            path_glob: "*".into(),
            status: Some(code),
            times: Some(1),
            ..FaultOptions::default()
        }
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
}
