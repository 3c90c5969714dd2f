//! The plain data of a list query. Why plain: the client builds it, the server parses into it,
//! and tests compare it with `==`; behaviour lives in `parse`, `build` and `eval`.

use std::borrow::Cow;

use serde_json::Value;

use super::eval::CompiledQuery;

/// Most records one page may hold; a larger `limit` is served as this.
pub const MAX_LIMIT: usize = 100;
/// The page size when no `limit` is given.
pub const DEFAULT_LIMIT: usize = 100;

/// One list query: `q[...]` filters, `select`, `sort`, `limit`, `offset`, `metadata`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// `q[...]`: all must hold (AND).
    pub filters: Vec<Filter>,
    /// `q[or][...]`: a record that fails `filters` still matches when one of these holds.
    pub or_filters: Vec<Filter>,
    /// Dotted paths; a trailing dot (`relation_type.`) is kept and means "all children".
    pub select: Vec<String>,
    pub sort: Vec<SortKey>,
    /// As requested; [`Query::page`] applies the default and the cap.
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    pub metadata: Vec<MetadataKey>,
}

/// One condition on one dotted field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: String,
    pub condition: Condition,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `q[f]=v`: `*` wildcards; `null` = is null; `*` = is not null.
    Equals(String),
    /// `q[f][]=a&q[f][]=b`: any of the values, each like `Equals`.
    AnyOf(Vec<String>),
    /// `q[f][ge|gt|le|lt]=v`.
    Compare(Op, String),
    /// `q[f][in]=a,b`: items like `Equals`; items cannot contain commas.
    In(Vec<String>),
    /// `q[f][nin]=a,b`: the exact negation of `In`; `[nin]=*` means "null or missing".
    NotIn(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
}

impl Op {
    /// The word used in the URL (`q[f][ge]`).
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Ge => "ge",
            Op::Gt => "gt",
            Op::Le => "le",
            Op::Lt => "lt",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub field: String,
    pub descending: bool,
}

impl SortKey {
    pub fn asc(field: impl Into<String>) -> SortKey {
        SortKey {
            field: field.into(),
            descending: false,
        }
    }

    pub fn desc(field: impl Into<String>) -> SortKey {
        SortKey {
            field: field.into(),
            descending: true,
        }
    }
}

/// The words `metadata=` takes: the spec's `MetaData` model (`count, total_count, offset, limit,
/// upper_limit, nocleanup, checksum`), of which the documentation explains the first three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetadataKey {
    /// The number of matching records, ignoring limit and offset.
    Count,
    /// The number of records in the whole collection, ignoring the filters too.
    TotalCount,
    Offset,
    Limit,
    /// The largest page the endpoint serves ([`MAX_LIMIT`]).
    UpperLimit,
    NoCleanup,
    Checksum,
}

impl MetadataKey {
    /// Every key, in the spec's order.
    pub const ALL: [MetadataKey; 7] = [
        MetadataKey::Count,
        MetadataKey::TotalCount,
        MetadataKey::Offset,
        MetadataKey::Limit,
        MetadataKey::UpperLimit,
        MetadataKey::NoCleanup,
        MetadataKey::Checksum,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MetadataKey::Count => "count",
            MetadataKey::TotalCount => "total_count",
            MetadataKey::Offset => "offset",
            MetadataKey::Limit => "limit",
            MetadataKey::UpperLimit => "upper_limit",
            MetadataKey::NoCleanup => "nocleanup",
            MetadataKey::Checksum => "checksum",
        }
    }

    /// The key a `metadata=` word names (exact, lowercase), `None` for any other word.
    pub fn parse(word: &str) -> Option<MetadataKey> {
        MetadataKey::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

impl Filter {
    pub fn new(field: impl Into<String>, condition: Condition) -> Filter {
        Filter {
            field: field.into(),
            condition,
        }
    }
}

impl Query {
    /// Effective `(offset, limit)`: limit defaults to [`DEFAULT_LIMIT`] and is capped at
    /// [`MAX_LIMIT`]; offset defaults to 0.
    pub fn page(&self) -> (usize, usize) {
        (
            self.offset.unwrap_or(0),
            self.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT),
        )
    }

    pub fn wants(&self, key: MetadataKey) -> bool {
        self.metadata.contains(&key)
    }

    /// Compile patterns and paths once, for evaluating many records.
    pub fn compile(&self) -> CompiledQuery {
        CompiledQuery::new(self)
    }

    /// Does this record pass the filters? Compiles on every call: loops should use
    /// [`Query::compile`].
    pub fn matches(&self, record: &Value) -> bool {
        self.compile().matches(record)
    }

    /// Sort in place by `sort` (stable: ties keep their order). See
    /// [`CompiledQuery::sort_records`].
    pub fn sort_records(&self, records: &mut [&Value]) {
        self.compile().sort_records(records);
    }

    /// The record reduced to the selected fields (a clone of it when nothing is selected).
    pub fn project(&self, record: &Value) -> Value {
        match self.compile().project(record) {
            Cow::Borrowed(v) => v.clone(),
            Cow::Owned(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_defaults_and_cap() {
        let mut q = Query::default();
        assert_eq!(q.page(), (0, 100));
        q.limit = Some(10);
        q.offset = Some(11);
        assert_eq!(q.page(), (11, 10));
        q.limit = Some(500);
        assert_eq!(q.page(), (11, MAX_LIMIT));
        q.limit = Some(0);
        assert_eq!(q.page(), (11, 0));
    }

    #[test]
    fn words() {
        assert_eq!(
            [Op::Ge, Op::Gt, Op::Le, Op::Lt].map(Op::as_str),
            ["ge", "gt", "le", "lt"]
        );
        assert_eq!(
            MetadataKey::ALL.map(MetadataKey::as_str),
            [
                "count",
                "total_count",
                "offset",
                "limit",
                "upper_limit",
                "nocleanup",
                "checksum"
            ]
        );
        for key in MetadataKey::ALL {
            assert_eq!(MetadataKey::parse(key.as_str()), Some(key));
        }
        assert_eq!(MetadataKey::parse("COUNT"), None);
        assert_eq!(MetadataKey::parse("total"), None);
    }
}
