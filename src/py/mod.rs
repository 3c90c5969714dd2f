//! The pyo3 glue: argument conversion, GIL release, error mapping. No API logic lives here.

pub mod aio;
pub mod arrow;
pub mod decode;
pub mod encode;
pub mod errors;
pub mod fake;
pub mod files;
pub mod json_decode;
pub mod outcome;
pub mod pager;
pub mod params;
pub mod progress;
pub mod pytypes;
pub mod query;
pub mod registry;
pub mod table;
pub mod transport;
pub mod wait;
