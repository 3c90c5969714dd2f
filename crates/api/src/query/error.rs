//! Why a query was refused. Every message starts with the parameter it is about (the raw key,
//! such as `q[created_at][foo]`, or `select`, `sort`, `limit`, ...), because the person reading
//! a 400 from the fake, or a ValueError in Python, has to find that parameter in their code.

/// A query that cannot be parsed, or (from [`super::Query::validate`]) cannot be expressed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A `q` key that is not one of the accepted shapes.
    #[error("{key}: {reason}")]
    MalformedKey { key: String, reason: String },
    #[error("{key}: unknown operator '{op}' (expected ge, gt, le, lt, in, nin)")]
    UnknownOperator { key: String, op: String },
    /// A field path with an empty part (`a..b`, `.a`, `-` in sort), brackets, or similar.
    #[error("{param}: invalid field '{field}': {reason}")]
    BadField {
        param: String,
        field: String,
        reason: String,
    },
    #[error("{param}: expected a non-negative integer, got '{value}'")]
    NotANumber { param: String, value: String },
    #[error(
        "metadata: unknown value '{word}' (expected count, total_count, offset, limit, \
         upper_limit, nocleanup, checksum)"
    )]
    UnknownMetadata { word: String },
    /// A value the query string cannot carry faithfully (found by `validate`).
    #[error("{param}: {reason}")]
    Unrepresentable { param: String, reason: String },
}

impl QueryError {
    /// The parameter the error is about, as it appears (or would appear) in the query string.
    pub fn parameter(&self) -> &str {
        match self {
            QueryError::MalformedKey { key, .. } | QueryError::UnknownOperator { key, .. } => key,
            QueryError::BadField { param, .. }
            | QueryError::NotANumber { param, .. }
            | QueryError::Unrepresentable { param, .. } => param,
            QueryError::UnknownMetadata { .. } => "metadata",
        }
    }
}
