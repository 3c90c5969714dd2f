//! One flattened column as it grows: values kept in the most specific typed store that holds
//! every value seen so far, widened in place when a value does not fit (integers → floats; any
//! other mix → text). Rows a record leaves out are padded with nulls when the column is next
//! touched, or at the end.
//!
//! With `schema="model"`, the model's columns are *declared* before any record arrives (see
//! [`Columns::declared`]): they come first, in the model's order, and keep each value's JSON
//! kind when kinds mix, because their types are decided by casting every value at the end.

use std::collections::HashMap;

use arrow_buffer::{BooleanBufferBuilder, NullBufferBuilder};

use super::shape::Shape;
use super::text::{write_float, write_json, Text};

/// One value at a leaf path of a record.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Leaf<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    /// An integer JSON number beyond int64, as written.
    BigInt(&'a str),
    /// A list, as compact JSON text (its element shape is merged by the caller).
    List(&'a str),
    /// An object kept whole at a declared column's path, as compact JSON text.
    Json(&'a str),
}

/// The values of a column so far.
#[derive(Debug)]
pub(crate) enum Store {
    /// Only nulls.
    Null,
    Bool(BooleanBufferBuilder),
    Int(Vec<i64>),
    Float(Vec<f64>),
    Str(Text),
    /// Each list's JSON text.
    List(Text),
    /// Conflicting kinds: strings as they are, anything else as JSON text. In a declared
    /// column, every value as its JSON text (strings quoted), so no kind is lost.
    Mixed(Text),
}

#[derive(Debug)]
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) len: usize,
    pub(crate) nulls: NullBufferBuilder,
    pub(crate) store: Store,
    /// The element shape of the lists seen here (used when the column stays a list column).
    pub(crate) shape: Shape,
    /// A declared column: conflicts keep strings quoted (see [`Store::Mixed`]).
    declared: bool,
}

impl Column {
    fn new(name: String, declared: bool) -> Column {
        Column {
            name,
            len: 0,
            nulls: NullBufferBuilder::new(0),
            store: Store::Null,
            shape: Shape::Unknown,
            declared,
        }
    }

    /// Set row `row` to `leaf`: earlier rows this column has not seen become null; a second
    /// value for the same row (a key repeated within a record) replaces the first.
    pub(crate) fn set(&mut self, row: usize, leaf: Leaf<'_>) {
        if self.len > row {
            self.truncate(row);
        }
        self.pad(row);
        if matches!(leaf, Leaf::Null) {
            self.push_null();
            return;
        }
        self.widen_for(&leaf);
        match (&mut self.store, leaf) {
            (Store::Bool(values), Leaf::Bool(b)) => values.append(b),
            (Store::Int(values), Leaf::Int(i)) => values.push(i),
            (Store::Float(values), Leaf::Float(f)) => values.push(f),
            (Store::Float(values), Leaf::Int(i)) => values.push(i as f64),
            (Store::Str(text), Leaf::Str(s)) | (Store::List(text), Leaf::List(s)) => text.push(s),
            (Store::Mixed(text), leaf) => push_as_text(text, leaf, self.declared),
            // `widen_for` made the store fit the leaf.
            (_, leaf) => unreachable!("column {:?} cannot take {leaf:?}", self.name),
        }
        self.nulls.append_non_null();
        self.len += 1;
    }

    /// Null up to (not including) `row`.
    pub(crate) fn pad(&mut self, row: usize) {
        while self.len < row {
            self.push_null();
        }
    }

    fn push_null(&mut self) {
        match &mut self.store {
            Store::Null => {}
            Store::Bool(values) => values.append(false),
            Store::Int(values) => values.push(0),
            Store::Float(values) => values.push(0.0),
            Store::Str(text) | Store::List(text) | Store::Mixed(text) => text.push_empty(),
        }
        self.nulls.append_null();
        self.len += 1;
    }

    fn truncate(&mut self, len: usize) {
        match &mut self.store {
            Store::Null => {}
            Store::Bool(values) => values.truncate(len),
            Store::Int(values) => values.truncate(len),
            Store::Float(values) => values.truncate(len),
            Store::Str(text) | Store::List(text) | Store::Mixed(text) => text.truncate(len),
        }
        self.nulls.truncate(len);
        self.len = len;
    }

    /// Make the store able to take `leaf`, converting what it holds if needed.
    fn widen_for(&mut self, leaf: &Leaf<'_>) {
        let fits = matches!(
            (&self.store, leaf),
            (Store::Bool(_), Leaf::Bool(_))
                | (Store::Int(_), Leaf::Int(_))
                | (Store::Float(_), Leaf::Int(_) | Leaf::Float(_))
                | (Store::Str(_), Leaf::Str(_))
                | (Store::List(_), Leaf::List(_))
                | (Store::Mixed(_), _)
        );
        if fits {
            return;
        }
        let len = self.len;
        self.store = match (&self.store, leaf) {
            (Store::Null, Leaf::Bool(_)) => {
                let mut values = BooleanBufferBuilder::new(len);
                values.append_n(len, false);
                Store::Bool(values)
            }
            (Store::Null, Leaf::Int(_)) => Store::Int(vec![0; len]),
            (Store::Null, Leaf::Float(_)) => Store::Float(vec![0.0; len]),
            (Store::Null, Leaf::Str(_)) => Store::Str(empty_text(len)),
            (Store::Null, Leaf::List(_)) => Store::List(empty_text(len)),
            (Store::Int(values), Leaf::Float(_)) => {
                Store::Float(values.iter().map(|&i| i as f64).collect())
            }
            _ => Store::Mixed(self.as_text()),
        };
    }

    /// Every value so far as conflict text (empty under nulls).
    fn as_text(&self) -> Text {
        let mut text = Text::default();
        for row in 0..self.len {
            if !self.nulls.is_valid(row) {
                text.push_empty();
                continue;
            }
            let leaf = match &self.store {
                Store::Null => Leaf::Null,
                Store::Bool(values) => Leaf::Bool(values.get_bit(row)),
                Store::Int(values) => Leaf::Int(values[row]),
                Store::Float(values) => Leaf::Float(values[row]),
                Store::Str(t) => Leaf::Str(t.get(row)),
                // Already JSON text (or, in a declared column, conflict text that is).
                Store::List(t) => Leaf::List(t.get(row)),
                Store::Mixed(t) if self.declared => Leaf::Json(t.get(row)),
                Store::Mixed(t) => Leaf::Str(t.get(row)),
            };
            push_as_text(&mut text, leaf, self.declared);
        }
        text
    }
}

fn empty_text(len: usize) -> Text {
    let mut text = Text::default();
    for _ in 0..len {
        text.push_empty();
    }
    text
}

/// Strings (and list text, already JSON) as they are, or quoted with `json`; other scalars as
/// their JSON text.
fn push_as_text(text: &mut Text, leaf: Leaf<'_>, json: bool) {
    let out = text.buffer();
    match leaf {
        Leaf::Null => {}
        Leaf::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        Leaf::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Leaf::Float(f) => write_float(out, f),
        Leaf::Str(s) if json => write_json(out, s),
        Leaf::Str(s) | Leaf::BigInt(s) | Leaf::List(s) | Leaf::Json(s) => {
            out.extend_from_slice(s.as_bytes());
        }
    }
    text.end_value();
}

/// The columns of a table being built, by path, in order of first appearance.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    pub(crate) columns: Vec<Column>,
    index: HashMap<String, usize>,
    /// Where the next leaf is expected: `follows[i]` is the column that came after column `i`
    /// last time (`first` the one a record began with). Records of one collection mostly list
    /// their keys in one order, so this usually spares the hash lookup, even where records
    /// differ (an optional key, a null in place of an object).
    follows: Vec<usize>,
    first: usize,
    previous: Option<usize>,
    rows: usize,
    /// The first `declared` columns are the model's.
    declared: usize,
}

impl Columns {
    /// Columns at `paths` (the model's, none a flattened object's path), before any record,
    /// in that order; an object met at one of these paths is kept whole (see
    /// [`Columns::keeps_whole`]).
    pub(crate) fn declared<'a>(paths: impl IntoIterator<Item = &'a str>) -> Columns {
        let mut columns = Columns::default();
        for path in paths {
            if !columns.index.contains_key(path) {
                columns.push(path, true);
            }
        }
        columns.declared = columns.columns.len();
        columns
    }

    /// How many of the columns (the first ones) are declared.
    pub(crate) fn declared_count(&self) -> usize {
        self.declared
    }

    /// Whether an object at `path` is a declared column's value, to be kept whole as JSON
    /// text (and cast at the end) rather than flattened into columns below it.
    pub(crate) fn keeps_whole(&self, path: &str) -> bool {
        self.declared > 0 && self.index.get(path).is_some_and(|&at| at < self.declared)
    }

    fn push(&mut self, path: &str, declared: bool) -> usize {
        self.columns.push(Column::new(path.to_owned(), declared));
        self.follows.push(usize::MAX);
        self.index.insert(path.to_owned(), self.columns.len() - 1);
        self.columns.len() - 1
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Start a record (row `self.rows()`).
    pub(crate) fn begin_record(&mut self) {
        self.previous = None;
    }

    /// Close the record begun last.
    pub(crate) fn end_record(&mut self) {
        self.rows += 1;
    }

    /// The column at `path`, created (null so far) when new.
    pub(crate) fn column(&mut self, path: &str) -> &mut Column {
        let expected = match self.previous {
            None => self.first,
            Some(previous) => self.follows[previous],
        };
        let at = match self.columns.get(expected) {
            Some(column) if column.name == path => expected,
            _ => match self.index.get(path) {
                Some(&at) => at,
                None => self.push(path, false),
            },
        };
        match self.previous {
            None => self.first = at,
            Some(previous) => self.follows[previous] = at,
        }
        self.previous = Some(at);
        &mut self.columns[at]
    }

    /// Set the current record's value at `path`.
    pub(crate) fn set(&mut self, path: &str, leaf: Leaf<'_>) {
        let row = self.rows;
        self.column(path).set(row, leaf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(column: &Column) -> Vec<Option<String>> {
        let Store::Mixed(text) = &column.store else {
            panic!("{:?}", column.store)
        };
        (0..column.len)
            .map(|i| column.nulls.is_valid(i).then(|| text.get(i).to_owned()))
            .collect()
    }

    #[test]
    fn missing_rows_are_null_and_ints_widen_to_floats() {
        let mut c = Column::new("n".into(), false);
        c.set(1, Leaf::Int(3));
        c.set(2, Leaf::Float(0.5));
        c.pad(4);
        assert_eq!(c.len, 4);
        let Store::Float(values) = &c.store else {
            panic!()
        };
        assert_eq!(values, &[0.0, 3.0, 0.5, 0.0]);
        let valid: Vec<bool> = (0..4).map(|i| c.nulls.is_valid(i)).collect();
        assert_eq!(valid, [false, true, true, false]);
    }

    #[test]
    fn conflicts_become_text_without_losing_values() {
        let mut c = Column::new("x".into(), false);
        c.set(0, Leaf::Int(12));
        c.set(1, Leaf::Null);
        c.set(2, Leaf::Bool(true));
        c.set(3, Leaf::Str("abc"));
        c.set(4, Leaf::Float(1.5));
        c.set(5, Leaf::List("[1,2]"));
        c.set(6, Leaf::BigInt("99999999999999999999"));
        assert_eq!(
            texts(&c),
            [
                Some("12"),
                None,
                Some("true"),
                Some("abc"),
                Some("1.5"),
                Some("[1,2]"),
                Some("99999999999999999999")
            ]
            .map(|v| v.map(str::to_owned))
        );
    }

    #[test]
    fn a_repeated_key_replaces_the_value() {
        let mut c = Column::new("x".into(), false);
        c.set(0, Leaf::Str("first"));
        c.set(0, Leaf::Str("second"));
        c.set(1, Leaf::Int(1));
        assert_eq!(texts(&c), [Some("second".to_owned()), Some("1".to_owned())]);
    }

    #[test]
    fn declared_columns_keep_every_kind_as_json() {
        let mut c = Column::new("x".into(), true);
        c.set(0, Leaf::Str("a\"b"));
        c.set(1, Leaf::Int(1));
        c.set(2, Leaf::Json(r#"{"k":1}"#));
        c.set(3, Leaf::List("[1]"));
        assert_eq!(
            texts(&c),
            [r#""a\"b""#, "1", r#"{"k":1}"#, "[1]"].map(|v| Some(v.to_owned()))
        );
    }

    #[test]
    fn declared_columns_come_first_and_keep_objects_whole() {
        let mut cols = Columns::declared(["b", "a.x", "b"]);
        assert_eq!(cols.declared_count(), 2);
        cols.begin_record();
        cols.set("c", Leaf::Int(1));
        cols.set("b", Leaf::Int(2));
        cols.end_record();
        let names: Vec<&str> = cols.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["b", "a.x", "c"]);
        assert!(cols.keeps_whole("a.x") && !cols.keeps_whole("c") && !cols.keeps_whole("a"));
        assert!(!Columns::default().keeps_whole("b"));
    }

    #[test]
    fn columns_keep_first_appearance_order() {
        let mut cols = Columns::default();
        for keys in [["a", "b"], ["b", "c"]] {
            cols.begin_record();
            for k in keys {
                cols.set(k, Leaf::Int(1));
            }
            cols.end_record();
        }
        let names: Vec<&str> = cols.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(cols.rows(), 2);
    }
}
