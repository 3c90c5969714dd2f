//! A fake Simplicate REST API v2 server, served over real HTTP on loopback.
//!
//! Python HTTP mocks cannot see reqwest's traffic, so the client (and its users' test suites)
//! are tested against this instead: real sockets, Simplicate's envelope, status codes and
//! quirks, deterministic seed data. Pure Rust, no pyo3 types, so `cargo test` covers it.
//!
//! - `server`: start/stop on a dedicated thread and runtime
//! - `routes`: authentication, routing, parameter and body validation
//! - `store`: the records, shared with the host process
//! - `envelope`: the `{"data", "errors", "debug"}` response shape
//! - `seed`: deterministic starting data
//! - `ids`: PRNG, ids and timestamps the server mints

mod envelope;
mod ids;
mod routes;
mod seed;
mod server;
mod store;

pub use server::{FakeConfig, FakeServer};
pub use store::Store;
