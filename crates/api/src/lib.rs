//! The Simplicate REST API v2's shape, as data: what the client sends and the fake answers both
//! come from here, so the two cannot drift apart. No I/O, no pyo3.
//!
//! - `registry`: every endpoint path and the methods it takes, and the router over them
//! - `model`: the record model table (`model/records.txt`): fields, kinds, write requirements
//! - `query`: the one query model for list calls (filters, select, sort, paging, metadata)
//! - `values`: the API's spellings of dates, zero dates and decimal numbers
//! - `text`: short excerpts of values for messages

#![deny(unsafe_code)]

pub mod model;
pub mod query;
pub mod registry;
pub mod text;
pub mod values;
