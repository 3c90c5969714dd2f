//! Pacing: one gate shared by everything a client sends (threads, pagers, prefetches, retries,
//! upload chunks), so the whole client stays within the API's rate limit.
//!
//! Two parts: a GCRA rate limiter (the `governor` crate) that spaces requests at the configured
//! rate with a small burst, and a pause that a 429 sets for the whole client, so one request
//! backing off makes every other request wait too instead of hammering the server.
//!
//! Waiting uses tokio timers on the process runtime, never governor's own `until_ready` (which
//! sleeps on a futures-timer helper thread that would not exist in a forked child).

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::error::{Error, Result};

pub struct Pacer {
    limiter: Option<DefaultDirectRateLimiter>,
    clock: DefaultClock,
    paused_until: Mutex<Option<Instant>>,
    per_minute: Option<f64>,
    burst: u32,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("per_minute", &self.per_minute)
            .field("burst", &self.burst)
            .finish()
    }
}

/// The GCRA quota for at most `per_minute` requests in any 60-second window, up to `burst` of
/// them at once. A bucket that lets `burst` requests go at once and then refills at rate r
/// admits r + burst - 1 requests in the first minute, which a server counting strictly per
/// minute would refuse; so the refill rate is `per_minute - (burst - 1)`. With a burst of 1
/// the whole allowance is used.
fn quota(per_minute: Option<f64>, burst: u32) -> Result<Option<Quota>> {
    if burst == 0 {
        return Err(Error::Config("rate_burst must be at least 1".to_owned()));
    }
    let Some(rate) = per_minute else {
        return Ok(None);
    };
    if !(rate.is_finite() && rate > 0.0) {
        return Err(Error::Config(format!(
            "rate_limit must be a positive number of requests per minute (or None), got {rate}"
        )));
    }
    // A burst larger than the allowance itself would be meaningless.
    let burst = burst.min((rate.floor() as u32).max(1));
    let sustained = rate - f64::from(burst - 1);
    let period = Duration::from_secs_f64(60.0 / sustained);
    let burst = NonZeroU32::new(burst)
        .ok_or_else(|| Error::Config("rate_burst must be at least 1".to_owned()))?;
    let quota = Quota::with_period(period)
        .ok_or_else(|| Error::Config(format!("rate_limit={rate} is too high")))?
        .allow_burst(burst);
    Ok(Some(quota))
}

impl Pacer {
    /// At most `per_minute` requests in any minute (None: no pacing), `burst` at once.
    pub fn new(per_minute: Option<f64>, burst: u32) -> Result<Pacer> {
        // The limiter and our waits must read the same clock: instants of two quanta clocks
        // need not agree.
        let clock = DefaultClock::default();
        let limiter = quota(per_minute, burst)?
            .map(|quota| RateLimiter::direct_with_clock(quota, clock.clone()));
        Ok(Pacer {
            limiter,
            clock,
            paused_until: Mutex::new(None),
            per_minute,
            burst,
        })
    }

    pub fn per_minute(&self) -> Option<f64> {
        self.per_minute
    }

    /// Wait until the client may send one more request, and take that slot.
    pub async fn ready(&self) {
        loop {
            let pause = *self
                .paused_until
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(until) = pause {
                let now = Instant::now();
                if until > now {
                    tokio::time::sleep(until - now).await;
                    continue;
                }
            }
            let Some(limiter) = &self.limiter else {
                return;
            };
            match limiter.check() {
                Ok(()) => return,
                Err(not_until) => {
                    tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await;
                }
            }
        }
    }

    /// Hold every request of this client for `delay` (after a 429); a longer pause already set
    /// stays. A delay too long for the clock (a `retry_backoff_max` of centuries) is a year:
    /// as good as forever, and never a panic.
    pub fn pause_for(&self, delay: Duration) {
        let now = Instant::now();
        let until = now
            .checked_add(delay)
            .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600));
        let mut paused = self
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn an_absurd_pause_saturates_instead_of_panicking() {
        let pacer = Pacer::new(None, 1).unwrap();
        pacer.pause_for(Duration::MAX);
        let until = pacer.paused_until.lock().unwrap().unwrap();
        assert!(until > Instant::now() + Duration::from_secs(300 * 24 * 3600));
    }

    #[test]
    fn bad_rates_are_refused() {
        assert!(Pacer::new(Some(0.0), 1).is_err());
        assert!(Pacer::new(Some(-5.0), 1).is_err());
        assert!(Pacer::new(Some(f64::NAN), 1).is_err());
        assert!(Pacer::new(Some(60.0), 0).is_err());
        assert!(Pacer::new(None, 0).is_err());
    }

    #[test]
    fn paces_after_the_burst() {
        // 1200/min = one every 50 ms; a burst of 2 goes at once, the next 3 are spaced.
        let pacer = Pacer::new(Some(1200.0), 2).unwrap();
        let start = Instant::now();
        run(async {
            for _ in 0..5 {
                pacer.ready().await;
            }
        });
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(140), "{elapsed:?}");
    }

    #[test]
    fn a_burst_never_overdraws_a_strict_minute() {
        // 60 per minute with a burst of 3: three at once, then one every 60/58 s, so any
        // 60-second window holds at most 3 + 57 = 60 requests.
        let q = quota(Some(60.0), 3).unwrap().unwrap();
        assert_eq!(q.burst_size().get(), 3);
        assert_eq!(q.replenish_interval(), Duration::from_secs_f64(60.0 / 58.0));
        // A burst of 1 uses the whole allowance.
        let q = quota(Some(600.0), 1).unwrap().unwrap();
        assert_eq!(q.replenish_interval(), Duration::from_millis(100));
        // A burst above the allowance is cut to it.
        let q = quota(Some(2.0), 5).unwrap().unwrap();
        assert_eq!(q.burst_size().get(), 2);
        assert_eq!(q.replenish_interval(), Duration::from_secs(60));
        assert!(quota(None, 3).unwrap().is_none());
    }

    #[test]
    fn a_pause_holds_everyone() {
        let pacer = Pacer::new(None, 1).unwrap();
        pacer.pause_for(Duration::from_millis(120));
        pacer.pause_for(Duration::from_millis(10)); // shorter: the longer pause stays
        let start = Instant::now();
        run(pacer.ready());
        assert!(start.elapsed() >= Duration::from_millis(110));
    }
}
