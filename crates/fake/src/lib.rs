//! A fake Simplicate REST API v2 server, served over real HTTP on loopback.
//!
//! Python HTTP mocks cannot see reqwest's traffic, so the client (and its users' test suites)
//! are tested against this instead: real sockets, Simplicate's envelope, status codes and
//! quirks, deterministic seed data. Pure Rust, no pyo3 types, so `cargo test` covers it.
//!
//! - `server`: start/stop on a dedicated thread and runtime
//! - `routes`: authentication, routing through the registry, reading bodies
//! - `validate`: write bodies checked against the record model table, as the real API checks
//!   them (required fields, referenced ids, field kinds, the documented limitations)
//! - `crud`: list (the query language), get, create, update, delete
//! - `actions`: everything that is not plain CRUD
//! - `files`: the chunked upload, documents' bytes and downloads, timeline attachments
//! - `store`: the records, shared with the host process
//! - `envelope`: the `{"data", "errors", "debug"}` response shape
//! - `seed`: deterministic starting data
//! - `log`: the bounded log of requests served
//! - `faults`: injected faults (error answers, delays, dropped connections, cut bodies)
//! - `ratelimit`: the server's own requests-per-minute limit (429)
//! - `ids`: PRNG, ids and timestamps the server mints

#![deny(unsafe_code)]

mod actions;
mod crud;
mod envelope;
mod faults;
mod files;
mod ids;
mod log;
mod ratelimit;
mod routes;
mod seed;
mod server;
mod store;
mod validate;

pub use faults::{glob_matches, FaultError, FaultHandle, FaultKind, FaultOptions, MAX_DELAY_SECS};
pub use log::{LoggedRequest, RequestLog, LOG_CAPACITY};
pub use ratelimit::{RateLimiter, MINUTE};
pub use server::{FakeConfig, FakeServer};
pub use store::Store;
