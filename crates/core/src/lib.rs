//! The client core: everything between a Python call and the wire that needs no Python. The
//! extension crate (`crates/py`) drives it; `cargo test -p simplicate-core` covers it alone.
//!
//! - `config`: base URLs and credentials, checked once
//! - `transport`: reqwest, one request with pacing and retries, the response read whole
//! - `limiter`: pacing to the API's requests-per-minute allowance
//! - `retry`: which failures are retried, and how long to wait
//! - `runtime`: the one process-wide tokio runtime, rebuilt after `fork`
//! - `pull`: the state machine of a lazy pull (next page, when to stop, repeats)
//! - `files`: the chunked-upload and streamed-download loops, and their wire details
//! - `tabular`: page bytes → one Arrow table
//! - `error`: the one error type

#![deny(unsafe_code)]

pub mod config;
pub mod error;
pub mod files;
pub mod limiter;
pub mod pull;
pub mod retry;
pub mod runtime;
pub mod tabular;
pub mod transport;
