//! The fake's own rate limit, `FakeConfig::rate_limit`: Simplicate answers 429 Too Many Requests
//! past "a certain number of requests per minute", and clients must be tested against that.
//!
//! What "N per minute" means here, exactly: a sliding window over the arrival times of the
//! requests the limiter *admitted*. A request arriving at server time `t` is admitted if fewer
//! than N admitted requests arrived in `(t − (W − slack), t]`, where W is the window (60 s) and
//! `slack = min(100 ms, W/10)`; otherwise it is refused with 429 and does not use a slot. So
//! at most N requests are admitted in any window of W − slack (59.9 s), there is no burst
//! allowance beyond N, and a refused request does not push the next free slot further away.
//!
//! The slack is there because arrival is timed by the server: a client that spaces its
//! requests exactly W/N apart on its own clock sees them arrive with a few milliseconds of
//! scheduling jitter, and must still never draw a 429. It is 0.17 % of a minute.
//!
//! Only authenticated requests reach the limiter (see `routes.rs`): the allowance belongs to
//! the account whose key is presented, and a test of bad credentials should see its 401.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The default window: the documentation speaks of requests per minute.
pub const MINUTE: Duration = Duration::from_secs(60);

/// Upper bound of the jitter allowance (see the module docs).
const MAX_SLACK: Duration = Duration::from_millis(100);

#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    /// How long an admitted request occupies its slot: the window minus the slack.
    hold: Duration,
    /// Arrival times of the admitted requests still holding a slot, oldest first.
    admitted: Mutex<VecDeque<Instant>>,
}

impl RateLimiter {
    /// `limit` requests per `window`; `None` for a zero limit or window, which the server
    /// refuses as configuration errors.
    pub fn new(limit: u32, window: Duration) -> Option<Self> {
        if limit == 0 || window.is_zero() {
            return None;
        }
        let slack = MAX_SLACK.min(window / 10);
        Some(RateLimiter {
            limit,
            window,
            hold: window.checked_sub(slack).unwrap(),
            admitted: Mutex::new(VecDeque::new()),
        })
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    /// Admits a request arriving now, or says how long until a slot frees.
    pub fn admit(&self) -> Result<(), Duration> {
        let mut admitted = self
            .admitted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Read the clock under the lock, so arrival times enter the queue in order.
        self.admit_locked(&mut admitted, Instant::now())
    }

    /// `admit` at a given instant, for tests; instants must not go backwards.
    pub fn admit_at(&self, now: Instant) -> Result<(), Duration> {
        let mut admitted = self
            .admitted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.admit_locked(&mut admitted, now)
    }

    fn admit_locked(&self, admitted: &mut VecDeque<Instant>, now: Instant) -> Result<(), Duration> {
        while admitted
            .front()
            .is_some_and(|&at| now.saturating_duration_since(at) >= self.hold)
        {
            admitted.pop_front();
        }
        if admitted.len() < self.limit as usize {
            admitted.push_back(now);
            return Ok(());
        }
        let oldest = admitted.front().copied().unwrap_or(now);
        Err(self
            .hold
            .saturating_sub(now.saturating_duration_since(oldest)))
    }

    /// Forget every admitted request (`fake.reset()`): the full allowance is available again.
    pub fn reset(&self) {
        self.admitted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

/// The `Retry-After` value for a wait: whole seconds, rounded up, at least 1 (a client told
/// "0" would retry at once and be refused again).
pub fn retry_after_secs(wait: Duration) -> u64 {
    let whole = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    whole.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_per_window_then_429_until_the_oldest_slot_frees() {
        let limiter = RateLimiter::new(3, MINUTE).unwrap();
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        assert!(limiter.admit_at(at(0)).is_ok());
        assert!(limiter.admit_at(at(1_000)).is_ok());
        assert!(limiter.admit_at(at(2_000)).is_ok());
        // Full: the first slot frees at 59.9 s.
        assert_eq!(
            limiter.admit_at(at(30_000)),
            Err(Duration::from_millis(29_900))
        );
        // A refused request uses no slot.
        assert_eq!(limiter.admit_at(at(59_899)), Err(Duration::from_millis(1)));
        assert!(limiter.admit_at(at(59_900)).is_ok());
        assert!(limiter.admit_at(at(59_950)).is_err());
        assert!(limiter.admit_at(at(60_900)).is_ok());
        limiter.reset();
        for ms in [61_000, 61_001, 61_002] {
            assert!(limiter.admit_at(at(ms)).is_ok());
        }
        assert!(limiter.admit_at(at(61_003)).is_err());
    }

    #[test]
    fn evenly_spaced_requests_pass_despite_jitter() {
        // 60 per minute, one a second on the client's clock, arriving up to 50 ms late or
        // early: never refused.
        let limiter = RateLimiter::new(60, MINUTE).unwrap();
        let t0 = Instant::now();
        for k in 0..600u64 {
            let jitter = [0u64, 50, 10, 0, 45][(k % 5) as usize];
            let arrival = t0 + Duration::from_millis(1_000 * k + 50 - jitter);
            assert!(limiter.admit_at(arrival).is_ok(), "request {k}");
        }
        // But no burst beyond N: 61 at once is one too many.
        let limiter = RateLimiter::new(60, MINUTE).unwrap();
        for _ in 0..60 {
            assert!(limiter.admit_at(t0).is_ok());
        }
        assert!(limiter.admit_at(t0).is_err());
    }

    #[test]
    fn small_windows_scale_the_slack() {
        let limiter = RateLimiter::new(1, Duration::from_millis(200)).unwrap();
        let t0 = Instant::now();
        assert!(limiter.admit_at(t0).is_ok());
        assert_eq!(
            limiter.admit_at(t0 + Duration::from_millis(100)),
            Err(Duration::from_millis(80))
        );
        assert!(limiter.admit_at(t0 + Duration::from_millis(180)).is_ok());
        assert!(RateLimiter::new(0, MINUTE).is_none());
        assert!(RateLimiter::new(1, Duration::ZERO).is_none());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1_001)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(59_900)), 60);
    }
}
