//! The one query model for list calls: filters (`q[...]`), `select`, `sort`, `limit`, `offset`
//! and `metadata`.
//!
//! Why one model: the client *builds* these parameters and the fake server *parses and
//! evaluates* them. If each side had its own idea of what `q[name][]=a` means, the fake would
//! agree with the client and both would disagree with Simplicate. A round-trip test
//! (`Query::from_pairs(q.to_pairs()) == q`) keeps the two directions honest, and the documented
//! use cases of the API's "Filtering", "Advanced Filtering", "Custom Fields", "Pagination",
//! "Sorting" and "Metadata" sections are tests here.
//!
//! Pure Rust, no pyo3 types, so `cargo test` covers it without Python.
//!
//! # Files
//! - `model`: the plain data ([`Query`], [`Filter`], [`Condition`], ...) and page arithmetic
//! - `error`: [`QueryError`], each variant naming the offending parameter
//! - `parse`: query pairs → [`Query`] (what a server does)
//! - `build`: [`Query`] → query pairs (what the client sends), and [`Query::validate`]
//! - `matching`: case folding, `*` wildcards, numbers, date-times: comparing one value
//! - `path`: dotted field lookup through objects, arrays and custom fields
//! - `eval`: [`CompiledQuery`]: filters compiled once, then evaluated per record
//! - `select`: projecting a record onto the selected fields
//! - `sort`: the total order used by `sort=`
//!
//! # Semantics (the documentation, plus our decisions where it is silent)
//!
//! **Parameters.** Keys are `q[field]`, `q[field][]`, `q[field][op]`, `q[or][field]`,
//! `q[or][field][]`, `q[or][field][op]`; `op` is one of `ge gt le lt in nin` (lowercase).
//! `q`, `q[]`, `q[or]`, `q[a][b][c]`, `q[or][or][x]`, `q[a..b]`, unbalanced brackets and empty
//! field names are errors naming the key; so is a path of more than 32 dot-separated parts
//! (anywhere: `q`, `select`, `sort`). Every `q[field][]` pair of one group (AND or OR) and
//! field accumulates into one [`Condition::AnyOf`], placed where the field's first `[]` pair
//! was. Any other repeated or combined conditions (`q[x][ge]` with `q[x][le]`, or `q[x]` twice)
//! are separate filters, all of which must hold. `select`, `sort`, `limit`, `offset` and
//! `metadata` take their last value when repeated (PHP semantics). Parameters we do not know are
//! ignored, as the real API ignores them.
//!
//! **AND / OR.** A record matches when all `filters` hold, or any `or_filters` holds. With no
//! filters at all, everything matches; with only `or_filters`, one of them must hold. So the
//! documented `q[name]=Alice&q[or][email]=*gmail.com` reads "name is Alice OR email ends with
//! gmail.com".
//!
//! **Text.** Matching is case-insensitive (MySQL's `_ci` collations; we fold case per
//! character, and do not fold accents). `*` matches any run of characters, including none;
//! every other character (`%`, `_`, `?`, `\`) is literal. A value without `*` must equal the
//! whole field. Wildcard matching is greedy over literal segments: linear, no backtracking.
//!
//! **Null.** The value `null` means "missing or JSON null"; `*` means "anything not null"
//! (including `""`, objects and arrays). The literal text "null" therefore cannot be searched
//! for. Other patterns never match null.
//!
//! **Scalars.** Booleans read as `1`/`0` (as MySQL stores them): `q[is_active]=1` matches
//! `true`; `q[is_active]=true` matches nothing. JSON numbers read as their JSON text for
//! wildcards, and compare numerically against a plain numeric value (`q[days]=14` matches both
//! `14` and `14.0`). Number-like *strings* compare as text for equality (`"0042"` is not `42`),
//! as a MySQL string column would. An object found where a scalar is wanted is not null, but
//! equals nothing and compares with nothing.
//!
//! **Comparisons** (`ge gt le lt`). When both sides are numbers (JSON numbers, booleans as
//! 1/0, or strings such as `"12.50"`) they compare numerically, so `"9.5" < "10"`. Otherwise,
//! when both look like dates or date-times (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, a `T` is
//! accepted for the space) they compare as date-times where a missing time is `00:00:00`: so
//! `q[created_at][le]=2025-01-04` excludes `2025-01-04 10:00:00` and `[ge]=2025-01-04` includes
//! it. Otherwise they compare as case-folded text. Null or missing never satisfies a comparison.
//!
//! **`in` / `nin`.** The value is split on commas, items trimmed, empty items dropped; each item
//! matches like a `q[field]=item` value (wildcards, `null`, `*`). `in` holds when any item
//! matches; `nin` is its exact negation. Consequences, deliberately: `[nin]=*` means "null or
//! missing" (the documented custom-field use case), `[in]=*` means "not null", and a null value
//! *satisfies* `[nin]=a,b` (it is not `a` or `b`; MySQL's three-valued `NOT IN` would drop it —
//! add `q[field]=*` to exclude nulls). An empty list (`q[f][in]=`) matches nothing under `in`
//! and everything under `nin`. Items cannot contain commas; use `q[f][]=` for such values.
//!
//! **Paths.** `organization.name` steps through objects. When a step meets an array, the
//! condition holds if it holds for any element (`nin`: if no element is in the list); nested
//! arrays flatten. An array whose elements lack the key is searched for the elements whose
//! `name` equals the key (case-insensitively) and the path continues with their `value`: that
//! is how `custom_fields.part_of_country` reads a custom field. When such an element's value is
//! one of its `options`' values (dropdowns store an option id), the option's `label` is a
//! candidate too, so `q[custom_fields.part_of_country]=North` works on real data shapes. A path
//! that finds nothing (missing key, empty array, no such custom field) reads as null: so
//! `q[custom_fields.part_of_country][nin]=*` finds the records where it is not set.
//!
//! **Sort.** `sort=name,-updated_at`: keys in order, `-` descending, dotted paths allowed; a path
//! that reaches several values sorts by the first. Values order as: null/missing, then `""`,
//! then numbers (numerically), then date-times, then other text (case-folded); objects and arrays
//! have nothing to order by and count as null. This is the
//! operators' ordering made total (a sort comparator that is not a total order can panic); it
//! differs only for columns mixing kinds. Null sorts first ascending and last descending, as
//! in MySQL. The sort is stable: ties keep store order.
//!
//! **Select.** `select=id,relation_type.,name` keeps those top-level fields in the record's own
//! order. `a.` or a plain `a` keeps `a` whole; `a.b` keeps `{"a": {"b": ...}}`; `a.b.` keeps
//! `b` whole; selections into one parent merge. Through an array, each object element is
//! projected (an element whose `name` equals a selected key — a custom field — is kept whole),
//! and elements left empty are dropped. A parent that is null stays null; fields that do not
//! exist are absent. `id` is always kept ("some fields may be returned regardless").
//!
//! **Pages.** `limit` defaults to 100 and is capped at [`MAX_LIMIT`] (100); `offset` defaults to
//! 0; both must be non-negative decimal integers (huge values saturate); `limit=0` is a page of
//! no records (MySQL's `LIMIT 0`), whose metadata still counts. `metadata` is a comma list of
//! the spec's `MetaData` words, `count`, `total_count`, `offset`, `limit`, `upper_limit`,
//! `nocleanup`, `checksum` (empty items ignored, anything else an error naming the word); what
//! the fake answers for each is in `simplicate-fake`'s `crud.rs`.
//!
//! # Using it
//! Client: build a [`Query`], call [`Query::validate`] (optional, catches values that cannot be
//! expressed, such as a comma inside an `in` item), send [`Query::to_pairs`]. Server:
//! [`Query::from_pairs`], then [`Query::compile`] once per request and use
//! [`CompiledQuery::evaluate`] (or `matches`, `sort_records`, `project`).

mod build;
mod error;
mod eval;
mod matching;
mod model;
mod parse;
mod path;
mod select;
mod sort;

#[cfg(test)]
mod doc_cases;
#[cfg(test)]
mod roundtrip;

pub use error::QueryError;
pub use eval::{CompiledQuery, Evaluated, PageLocation};
pub use model::{Condition, Filter, MetadataKey, Op, Query, SortKey, DEFAULT_LIMIT, MAX_LIMIT};
