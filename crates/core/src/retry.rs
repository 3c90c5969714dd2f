//! When to try a request again, and after how long: the retry policy, pure and testable.
//!
//! The API documentation asks clients to treat 5xx answers "as a warning or temporary state"
//! and answers 429 when the rate limit is exceeded. What may be retried depends on whether a
//! repeat could apply a change twice:
//!
//! | outcome                                   | GET, PUT, DELETE | POST |
//! |-------------------------------------------|------------------|------|
//! | 429 with a usable `Retry-After`           | retry after it   | retry (the server refused it) |
//! | 429 without one                           | retry on the rate-limit schedule | same |
//! | 500, 502, 503, 504                        | retry            | never: it may have been applied |
//! | connection failed before sending          | retry            | retry (it never left) |
//! | connection broke after sending, timeout   | retry            | never: it may have been applied |
//! | anything else (4xx, decode errors)        | never            | never |
//!
//! PUT and DELETE are idempotent in the API (a PUT sets fields, a repeated DELETE finds nothing),
//! so they are retried like GET. Waits grow exponentially from `base` (0.5 s, 1 s, 2 s, ...),
//! capped at `cap`, with "equal jitter" (half fixed, half random) so many clients that failed
//! together do not come back together, while the worst case stays predictable.
//!
//! Every 429 pauses the whole client (`rate_limited`), not just the request that drew it. A
//! 429's `Retry-After` is honoured as given (it is the server's own schedule) when it is a hint:
//! a positive number of seconds, or an HTTP date still to come. `0`, a negative number and a
//! date in the past (or now) say nothing about when to come back, and retrying at once would
//! burn every retry inside the window that refused them, so they count as no header at all.
//!
//! The rate-limit schedule, for a 429 without a hint. The documentation states the limit per
//! minute ([`RATE_LIMIT_WINDOW`]), and a refused request may have come at any point of the
//! window, so only a wait of a whole window is sure to leave it. The last allowed retry waits
//! that long; each earlier one waits half as long as the next, so a short blip costs little
//! and the retries together still span the window:
//!
//! ```text
//! wait before retry k (0-based) = RATE_LIMIT_WINDOW / 2^(max_retries - 1 - k)
//! max_retries = 3:  15 s, 30 s, 60 s
//! max_retries = 5:  3.75 s, 7.5 s, 15 s, 30 s, 60 s
//! ```
//!
//! never less than the longest ordinary backoff for that retry (`max_backoff`), and lengthened
//! by jitter of up to [`RATE_LIMIT_JITTER`] (never shortened, so the last wait still covers the
//! whole window).

use std::time::Duration;

use crate::error::Error;

/// Defaults, owned here (the Python layer passes explicit values through).
pub const DEFAULT_MAX_RETRIES: u32 = 3;
pub const DEFAULT_BASE: Duration = Duration::from_millis(500);
pub const DEFAULT_CAP: Duration = Duration::from_secs(8);
/// The span the API's rate limit counts requests in: "a certain number of requests per minute".
pub const RATE_LIMIT_WINDOW: Duration = Duration::from_secs(60);
/// The most jitter lengthens a wait of the rate-limit schedule by, as a fraction of it.
pub const RATE_LIMIT_JITTER: f64 = 0.1;
/// A server that asks for a longer pause than this gets its 429 surfaced instead: a caller
/// blocked for an hour by a stray header is worse than an exception.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            base: DEFAULT_BASE,
            cap: DEFAULT_CAP,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again; `rate_limited` asks the whole client to pause.
    Retry {
        delay: Duration,
        rate_limited: bool,
        reason: String,
    },
    GiveUp,
}

impl RetryPolicy {
    /// The longest wait before retry number `retry` (0-based) without a Retry-After.
    pub fn max_backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(30));
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The wait before retry number `retry`, given a uniform random number in [0, 1).
    pub fn backoff(&self, retry: u32, random: f64) -> Duration {
        let full = self.max_backoff(retry);
        full / 2 + full.mul_f64(random.clamp(0.0, 1.0) / 2.0)
    }

    /// The wait before retry number `retry` (0-based) of a 429 without a usable `Retry-After`,
    /// given a uniform random number in [0, 1): the rate-limit schedule of the module docs.
    pub fn rate_limit_wait(&self, retry: u32, random: f64) -> Duration {
        let halvings = self.max_retries.saturating_sub(1).saturating_sub(retry);
        let share = RATE_LIMIT_WINDOW / 2u32.saturating_pow(halvings);
        let planned = share.max(self.max_backoff(retry));
        planned.saturating_add(planned.mul_f64(RATE_LIMIT_JITTER * random.clamp(0.0, 1.0)))
    }

    /// Decide after attempt number `retries_done` (0 for the first attempt) failed with `error`.
    /// `idempotent`: repeating the request cannot apply it twice (GET, PUT, DELETE — but not
    /// POST, nor the PUT that appends an upload chunk).
    pub fn decide(
        &self,
        idempotent: bool,
        error: &Error,
        retries_done: u32,
        random: f64,
    ) -> Decision {
        if retries_done >= self.max_retries {
            return Decision::GiveUp;
        }
        let is_post = !idempotent;
        let backoff = self.backoff(retries_done, random);
        let retry = |delay: Duration, rate_limited: bool, reason: String| Decision::Retry {
            delay,
            rate_limited,
            reason,
        };
        match error {
            Error::Status(status) if status.status == 429 => match status.retry_after {
                Some(after) if after > MAX_RETRY_AFTER => Decision::GiveUp,
                Some(after) => retry(after, true, "429 Too Many Requests (Retry-After)".into()),
                None => retry(
                    self.rate_limit_wait(retries_done, random),
                    true,
                    "429 Too Many Requests (no usable Retry-After: rate-limit schedule)".into(),
                ),
            },
            Error::Status(status) if matches!(status.status, 500 | 502 | 503 | 504) && !is_post => {
                retry(backoff, false, format!("{} response", status.status))
            }
            Error::Connection {
                before_sending,
                reason,
                ..
            } if *before_sending || !is_post => {
                retry(backoff, false, format!("connection error: {reason}"))
            }
            Error::Timeout {
                before_sending,
                reason,
                ..
            } if *before_sending || !is_post => retry(backoff, false, format!("timeout: {reason}")),
            _ => Decision::GiveUp,
        }
    }
}

/// `Retry-After` as a wait: delta-seconds ("120", also fractional) or an HTTP date. None when it
/// is no hint: unreadable, zero or negative seconds, or a date that is not in the future.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        // Too large for a Duration is "very long" (surfaced by `decide`), never a panic.
        let wait = (seconds.is_finite() && seconds > 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX))?;
        return (!wait.is_zero()).then_some(wait);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    when.duration_since(now).ok().filter(|wait| !wait.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::StatusError;
    use bytes::Bytes;

    fn status(code: u16, retry_after: Option<Duration>) -> Error {
        let mut e = StatusError::new("GET", "http://x/", code, None, Bytes::new());
        e.retry_after = retry_after;
        Error::Status(Box::new(e))
    }

    fn connection(before_sending: bool) -> Error {
        Error::Connection {
            method: "POST".into(),
            url: "http://x/".into(),
            reason: "refused".into(),
            before_sending,
        }
    }

    fn timeout(before_sending: bool) -> Error {
        Error::Timeout {
            method: "POST".into(),
            url: "http://x/".into(),
            reason: "slow".into(),
            before_sending,
        }
    }

    fn retries(d: &Decision) -> bool {
        matches!(d, Decision::Retry { .. })
    }

    #[test]
    fn the_table_in_the_module_docs() {
        let p = RetryPolicy::default();
        for method in ["GET", "PUT", "DELETE", "POST"] {
            let post = method == "POST";
            let idempotent = !post;
            assert!(
                retries(&p.decide(idempotent, &status(429, None), 0, 0.5)),
                "{method}"
            );
            for code in [500, 502, 503, 504] {
                assert_eq!(
                    retries(&p.decide(idempotent, &status(code, None), 0, 0.5)),
                    !post
                );
            }
            for code in [400, 401, 403, 404, 409, 422, 501] {
                assert!(!retries(&p.decide(idempotent, &status(code, None), 0, 0.5)));
            }
            assert!(retries(&p.decide(idempotent, &connection(true), 0, 0.5)));
            assert_eq!(
                retries(&p.decide(idempotent, &connection(false), 0, 0.5)),
                !post
            );
            assert!(retries(&p.decide(idempotent, &timeout(true), 0, 0.5)));
            assert_eq!(
                retries(&p.decide(idempotent, &timeout(false), 0, 0.5)),
                !post
            );
        }
        let decode = Error::Decode {
            method: "GET".into(),
            url: "u".into(),
            status: 200,
            reason: "cut".into(),
        };
        assert!(!retries(&p.decide(true, &decode, 0, 0.5)));
    }

    #[test]
    fn gives_up_after_max_retries() {
        let p = RetryPolicy {
            max_retries: 2,
            ..RetryPolicy::default()
        };
        assert!(retries(&p.decide(true, &status(503, None), 1, 0.0)));
        assert_eq!(p.decide(true, &status(503, None), 2, 0.0), Decision::GiveUp);
        let none = RetryPolicy {
            max_retries: 0,
            ..p
        };
        assert_eq!(
            none.decide(true, &status(503, None), 0, 0.0),
            Decision::GiveUp
        );
    }

    #[test]
    fn backoff_doubles_with_equal_jitter_and_a_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(0, 0.0), Duration::from_millis(250));
        assert_eq!(
            p.backoff(0, 0.999_999),
            Duration::from_micros(499_999) + Duration::from_nanos(750)
        );
        assert_eq!(p.max_backoff(1), Duration::from_secs(1));
        assert_eq!(p.max_backoff(4), Duration::from_secs(8));
        assert_eq!(p.max_backoff(40), Duration::from_secs(8));
        for retry in 0..6 {
            for r in [0.0, 0.3, 0.99] {
                let d = p.backoff(retry, r);
                assert!(d >= p.max_backoff(retry) / 2 && d <= p.max_backoff(retry));
            }
        }
    }

    #[test]
    fn retry_after_is_honoured_and_flags_a_pause() {
        let p = RetryPolicy::default();
        match p.decide(false, &status(429, Some(Duration::from_secs(7))), 0, 0.5) {
            Decision::Retry {
                delay,
                rate_limited,
                ..
            } => {
                assert_eq!(delay, Duration::from_secs(7));
                assert!(rate_limited);
            }
            Decision::GiveUp => panic!("gave up on a 429 with a Retry-After"),
        }
        assert_eq!(
            p.decide(true, &status(429, Some(Duration::from_secs(3600))), 0, 0.5),
            Decision::GiveUp
        );
    }

    #[test]
    fn retry_after_forms() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after(" 1.5 ", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            parse_retry_after("1e30", now),
            Some(Duration::MAX),
            "too long, surfaced by decide; never a panic"
        );
    }

    #[test]
    fn zero_negative_and_past_retry_after_are_no_hint() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 07:28:00
        for value in ["0", " 0 ", "0.0", "-5", "-0.5", "1e-12", "inf", "NaN"] {
            assert_eq!(parse_retry_after(value, now), None, "{value:?}");
        }
        for past_or_now in [
            "Wed, 21 Oct 2015 07:27:00 GMT",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
        ] {
            assert_eq!(parse_retry_after(past_or_now, now), None, "{past_or_now}");
        }
    }

    fn rate_limit_delay(
        p: &RetryPolicy,
        retry_after: Option<Duration>,
        done: u32,
        r: f64,
    ) -> Duration {
        match p.decide(true, &status(429, retry_after), done, r) {
            Decision::Retry {
                delay,
                rate_limited,
                ..
            } => {
                assert!(rate_limited, "a 429 pauses the whole client");
                delay
            }
            Decision::GiveUp => panic!("gave up on retry {done}"),
        }
    }

    #[test]
    fn a_429_without_a_hint_waits_out_the_window() {
        let secs = Duration::from_secs_f64;
        for (max_retries, schedule) in [
            (1, vec![60.0]),
            (3, vec![15.0, 30.0, 60.0]),
            (5, vec![3.75, 7.5, 15.0, 30.0, 60.0]),
        ] {
            let p = RetryPolicy {
                max_retries,
                ..RetryPolicy::default()
            };
            let waits: Vec<Duration> = (0..max_retries)
                .map(|k| rate_limit_delay(&p, None, k, 0.0))
                .collect();
            let expected: Vec<Duration> = schedule.into_iter().map(secs).collect();
            assert_eq!(waits, expected, "max_retries={max_retries}");
            assert_eq!(waits.last(), Some(&RATE_LIMIT_WINDOW));
        }
        // Never shorter than the ordinary backoff: with many retries the early shares of the
        // window (60/512 s, ...) are below it, and the longest backoff for that retry applies.
        let p = RetryPolicy {
            max_retries: 10,
            ..RetryPolicy::default()
        };
        let waits: Vec<f64> = (0..10)
            .map(|k| rate_limit_delay(&p, None, k, 0.0).as_secs_f64())
            .collect();
        assert_eq!(waits, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 15.0, 30.0, 60.0]);
        // A hint of no use is no hint: same schedule.
        let p = RetryPolicy::default();
        let now = std::time::SystemTime::now();
        let zero = parse_retry_after("0", now);
        assert_eq!(rate_limit_delay(&p, zero, 0, 0.0), secs(15.0));
        assert_eq!(p.decide(true, &status(429, None), 3, 0.0), Decision::GiveUp);
    }

    #[test]
    fn rate_limit_jitter_only_lengthens_by_at_most_a_tenth() {
        let p = RetryPolicy {
            max_retries: 5,
            ..RetryPolicy::default()
        };
        for k in 0..5 {
            let planned = rate_limit_delay(&p, None, k, 0.0);
            for r in [0.0, 0.25, 0.5, 0.999_999, 1.0, 7.0, -3.0] {
                let wait = rate_limit_delay(&p, None, k, r);
                assert!(wait >= planned, "retry {k}, r={r}: {wait:?} < {planned:?}");
                assert!(
                    wait <= planned.mul_f64(1.0 + RATE_LIMIT_JITTER),
                    "retry {k}, r={r}: {wait:?}"
                );
            }
        }
        assert_eq!(p.rate_limit_wait(4, 0.5), Duration::from_secs(63));
        assert_eq!(p.rate_limit_wait(4, 1.0), Duration::from_secs(66));
        // Huge user backoffs saturate instead of overflowing.
        let huge = RetryPolicy {
            base: Duration::MAX,
            cap: Duration::MAX,
            ..p
        };
        assert_eq!(huge.rate_limit_wait(0, 0.9), Duration::MAX);
    }
}
