//! When to try a request again, and after how long: the retry policy, pure and testable.
//!
//! The API documentation asks clients to treat 5xx answers "as a warning or temporary state"
//! and answers 429 when the rate limit is exceeded. What may be retried depends on whether a
//! repeat could apply a change twice:
//!
//! | outcome                                   | GET, PUT, DELETE | POST |
//! |-------------------------------------------|------------------|------|
//! | 429 Too Many Requests                     | retry            | retry (the server refused it) |
//! | 500, 502, 503, 504                        | retry            | never: it may have been applied |
//! | connection failed before sending          | retry            | retry (it never left) |
//! | connection broke after sending, timeout   | retry            | never: it may have been applied |
//! | anything else (4xx, decode errors)        | never            | never |
//!
//! PUT and DELETE are idempotent in the API (a PUT sets fields, a repeated DELETE finds nothing),
//! so they are retried like GET. Waits grow exponentially from `base` (0.5 s, 1 s, 2 s, ...),
//! capped at `cap`, with "equal jitter" (half fixed, half random) so many clients that failed
//! together do not come back together, while the worst case stays predictable. A 429's
//! `Retry-After` is honoured as given (it is the server's own schedule), else the backoff
//! applies.

use std::time::Duration;

use crate::error::Error;

/// Defaults, owned here (the Python layer passes explicit values through).
pub const DEFAULT_MAX_RETRIES: u32 = 3;
pub const DEFAULT_BASE: Duration = Duration::from_millis(500);
pub const DEFAULT_CAP: Duration = Duration::from_secs(8);
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
                None => retry(backoff, true, "429 Too Many Requests".into()),
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

/// `Retry-After` as a wait: delta-seconds ("120", also fractional) or an HTTP date.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
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
            other => panic!("{other:?}"),
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
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
