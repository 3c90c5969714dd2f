//! The fake's request log: what arrived and what it answered, for assertions in users' tests
//! (`fake.requests`) and for our own resilience tests.
//!
//! Bounded, oldest first out: a benchmark pulling a million records must not grow the log without
//! limit. Entries are recorded after the answer is decided, so `status` is what the client saw.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use super::faults::FaultKind;

/// Entries kept; older ones are dropped first.
pub const LOG_CAPACITY: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    pub method: String,
    /// The path as received, e.g. "/api/v2/crm/organization".
    pub path: String,
    /// The raw query string, without '?'; empty when there is none.
    pub query: String,
    pub status: u16,
    /// Seconds since the Unix epoch when the request arrived.
    pub time: f64,
    /// Set when the answer was not the normal one: an injected fault, or the server's rate
    /// limit. `status` is still what the client was sent (for `DropConnection`, the status the
    /// head announced before the connection was cut).
    pub fault: Option<FaultKind>,
}

#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<LoggedRequest>>,
}

impl RequestLog {
    pub fn record(&self, entry: LoggedRequest) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() == LOG_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub fn snapshot(&self) -> Vec<LoggedRequest> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.iter().cloned().collect()
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: usize) -> LoggedRequest {
        LoggedRequest {
            method: "GET".into(),
            path: format!("/api/v2/x/{i}"),
            query: String::new(),
            status: 200,
            time: 0.0,
            fault: None,
        }
    }

    #[test]
    fn keeps_the_newest_entries_up_to_capacity() {
        let log = RequestLog::default();
        for i in 0..LOG_CAPACITY + 5 {
            log.record(entry(i));
        }
        let all = log.snapshot();
        assert_eq!(all.len(), LOG_CAPACITY);
        assert_eq!(all[0].path, "/api/v2/x/5");
        log.clear();
        assert!(log.is_empty());
    }
}
