//! Pages of records → one Arrow table, without a Python object per record: the engine behind
//! `pager.to_arrow()` (and so `to_pandas()`/`to_polars()`). Pure Rust, no pyo3.
//!
//! Page bodies (`{"data": [...], "metadata": {...}, ...}`, as the pager receives them) are fed
//! in one at a time; each record is parsed straight from the bytes into per-column builders, so
//! a page's bytes can be dropped as soon as it is read. [`TableBuilder::finish`] then picks each
//! column's type and builds the arrays.
//!
//! The table's shape, and the fallbacks that keep every value:
//!
//! - **Columns** are the flattened paths of nested objects joined with `.` (`relation_type.label`,
//!   `debtor.payment_term.days`): the names `pandas.json_normalize` gives. Empty objects add no
//!   column; a `null` where other records have an object is a column of its own at that path
//!   (as in `json_normalize`). Columns come in order of first appearance.
//! - **Schema** is the union over every record of the pull; a record without a key is null there.
//! - **Types** per column: only booleans → `bool`; only integers → `int64`; integers and floats →
//!   `float64`; only strings → `string` (see the conversions below); only lists → a list column
//!   ([`ListMode::List`]) or the lists' JSON text ([`ListMode::Json`]); only nulls → `null`.
//!   Anything else (a number here, a string there; a list beside a scalar; integers beyond
//!   int64) is a **conflict**: the column becomes `string`, strings kept as they are and every
//!   other value written as its JSON text (`12`, `true`, `[1,2]`). Never an error, never a
//!   dropped value.
//! - **Lists** as Arrow lists get their element type the same way, recursively: objects inside
//!   lists stay structs (fields unioned across elements, missing fields null), and elements of
//!   conflicting kinds become a string child with the same JSON-text rule.
//! - **Conversions** apply to string columns (conflict columns included), never inside lists,
//!   and only when every non-empty value fits, with empty strings becoming null:
//!   `YYYY-MM-DD HH:MM:SS` → naive `timestamp[s]` (the API's local time, no zone) and
//!   `YYYY-MM-DD` → `date32`, when `timestamps` is on; JSON-number text (`"12"`, `"-0.5"`,
//!   `"1e3"`; not `"012"` or `" 1"`) → `int64` when every value is an integer that fits, else
//!   `float64`, when `cast_numbers` is on. Integer text beyond int64 leaves the column as text.
//!   For dates the *shape* decides: a value shaped like the column's dates but no calendar
//!   value (the MySQL zero date `0000-00-00 00:00:00`, `2019-02-30`, `24:00:00`) becomes null
//!   rather than turning the column back into text; only values of another shape (free text)
//!   do that. A column of nothing but zero dates is a timestamp (or date) column of nulls.
//! - **Nothing is nulled silently**: every non-empty value that became null because it did not
//!   fit its column's type is counted per column ([`Table::nulled`], and JSON in the schema's
//!   metadata under [`NULLED_KEY`]); zero dates, like empty strings, are the API's "no value"
//!   and are not counted.
//! - **`schema="model"`** ([`Options::model`], [`ModelSchema`]): the columns are the record
//!   type's fields from the record model table, in its order and always all of them (a field
//!   no page holds is a column of nulls of its type), so the schema is the same from pull to
//!   pull; fields the data has beyond them follow, inferred as above. Each declared column's
//!   values are cast to the model's type at the end (`typed`, rules in `cast`), values that
//!   cannot mean it null and counted; an object where the model has anything but an object is
//!   kept whole as JSON text while pages arrive, then cast (`?` fields keep it) or counted.
//! - **Repeated keys** within one object: the last value wins for a column (as `json.loads`
//!   has it), the first inside a list's objects.
//!
//! Lists are kept as compact JSON text while pages arrive (their element shape learnt on the
//! way), and read back into nested arrays once that shape is final: a late page can still widen
//! an element type without anything built early having to be redone.

mod build;
mod cast;
mod column;
mod convert;
mod envelope;
mod flatten;
mod model_schema;
mod nested;
mod nulled;
mod shape;
mod text;
mod transcode;
mod typed;
mod typed_nested;

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, SchemaRef};

pub use envelope::{scan_page, PageScan};
pub use model_schema::ModelSchema;
pub use nulled::{Nulled, NULLED_KEY};

use column::Columns;

/// How list values become columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListMode {
    /// Arrow list columns (element types inferred; objects become structs).
    #[default]
    List,
    /// One string column holding each list's compact JSON text.
    Json,
}

impl ListMode {
    /// `"list"` or `"json"`, as the Python API spells them.
    pub fn parse(name: &str) -> Option<ListMode> {
        match name {
            "list" => Some(ListMode::List),
            "json" => Some(ListMode::Json),
            _ => None,
        }
    }
}

/// What [`TableBuilder::finish`] does with lists and strings; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub lists: ListMode,
    /// Date and date-time strings become `date32` and `timestamp[s]` columns.
    pub timestamps: bool,
    /// JSON-number strings become `int64`/`float64` columns.
    pub cast_numbers: bool,
    /// `schema="model"`: the columns and types the model gives (`None`: inferred).
    pub model: Option<Arc<ModelSchema>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lists: ListMode::List,
            timestamps: true,
            cast_numbers: false,
            model: None,
        }
    }
}

/// A page body that is not the list envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PageError(pub String);

/// The finished table: its schema and its record batches (none for an empty result), and the
/// values that became null because they did not fit their column (also in the schema's
/// metadata, under [`NULLED_KEY`]).
#[derive(Debug, Clone)]
pub struct Table {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    pub nulled: Nulled,
}

impl Table {
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// Builds one table from the pages of a pull, page by page.
#[derive(Debug)]
pub struct TableBuilder {
    options: Options,
    columns: Columns,
}

impl TableBuilder {
    pub fn new(options: Options) -> TableBuilder {
        let columns = match &options.model {
            Some(model) => Columns::declared(model.names()),
            None => Columns::default(),
        };
        TableBuilder { options, columns }
    }

    /// Append the records of one page body. `keep[i]` false skips record `i` (a repeat the
    /// pager already delivered); `None` keeps them all. Returns the page's record count.
    ///
    /// A body that is not the envelope is an error; the records before the fault may have been
    /// appended, so a builder that saw an error should be dropped (the pager checks each page
    /// with [`scan_page`] first, so its builds do not fail half-way).
    pub fn push_page(&mut self, body: &[u8], keep: Option<&[bool]>) -> Result<usize, PageError> {
        let mut sink = flatten::Flatten::new(&mut self.columns, keep);
        let summary = envelope::walk(body, &mut sink)?;
        Ok(summary.rows)
    }

    /// Rows appended so far.
    pub fn num_rows(&self) -> usize {
        self.columns.rows()
    }

    /// Choose each column's type and build the table.
    pub fn finish(self) -> Result<Table, ArrowError> {
        let rows = self.columns.rows();
        let (schema, arrays, nulled) = build::finish(self.columns, &self.options)?;
        let schema = Arc::new(schema);
        let batches = if rows == 0 {
            Vec::new()
        } else {
            vec![build::batch(schema.clone(), arrays, rows)?]
        };
        Ok(Table {
            schema,
            batches,
            nulled,
        })
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_model;
