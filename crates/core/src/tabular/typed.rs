//! The end of a `schema="model"` pull: each declared column's values cast to the model's type
//! (`cast`, `typed_nested`), misfits counted; and the scalars sent where the model has an
//! object counted before their column is dropped.
//!
//! A column whose values already are of the declared type (the usual case: strings in a string
//! column, integers in an integer column, lists in a JSON-text list column) moves into Arrow
//! as it is; only the others are cast value by value.

use std::sync::Arc;

use arrow_array::{new_null_array, ArrayRef, BooleanArray, Float64Array, Int64Array};
use arrow_buffer::{NullBuffer, ScalarBuffer};
use arrow_schema::ArrowError;

use super::cast::{with_json_cell, Cell, Scalars};
use super::column::{Column, Store};
use super::model_schema::Typed;
use super::nulled::Nulled;
use super::text::Text;
use super::typed_nested::TypedLists;
use super::ListMode;

/// A declared column as an array of the model's type (`rows` long); misfits go into `nulled`.
pub(crate) fn column(
    mut column: Column,
    typed: &Typed,
    lists: ListMode,
    rows: usize,
    nulled: &mut Nulled,
) -> Result<ArrayRef, ArrowError> {
    column.pad(rows);
    let nulls = column.nulls.finish();
    let path = column.name.as_str();
    let array: ArrayRef = match (column.store, typed) {
        (Store::Null, typed) => new_null_array(&typed.column_type(lists), rows),
        (Store::Str(text), Typed::Str | Typed::Any) => text.into_array(nulls),
        (Store::Int(values), Typed::Int) => {
            Arc::new(Int64Array::new(ScalarBuffer::from(values), nulls))
        }
        (Store::Float(values), Typed::Float) => {
            Arc::new(Float64Array::new(ScalarBuffer::from(values), nulls))
        }
        (Store::Bool(mut values), Typed::Bool) => {
            Arc::new(BooleanArray::new(values.finish(), nulls))
        }
        (Store::List(text), Typed::List(_)) if lists == ListMode::Json => text.into_array(nulls),
        (store, Typed::List(_)) if lists == ListMode::Json => {
            let mut out = Text::default();
            let mut kept = Vec::with_capacity(rows);
            let mut misfits = 0;
            each_cell(&store, nulls.as_ref(), rows, true, |cell| {
                let list = match cell {
                    Some(Cell::Container(json)) if json.starts_with('[') => Some(json),
                    Some(cell) if !cell.is_absent() => {
                        misfits += 1;
                        None
                    }
                    _ => None,
                };
                out.push(list.unwrap_or_default());
                kept.push(list.is_some());
            });
            nulled.add(path, misfits);
            out.into_array(Some(NullBuffer::from(kept)).filter(|n| n.null_count() > 0))
        }
        (store, Typed::List(_)) => {
            let mut builder = TypedLists::new(typed, &column.shape, path);
            let mut failed = Ok(());
            each_cell(&store, nulls.as_ref(), rows, true, |cell| {
                if failed.is_ok() {
                    failed = builder.push(cell);
                }
            });
            failed?;
            builder.finish(nulled)?
        }
        (store, typed) => {
            // Lists and structs were handled above: this is a scalar type.
            let Some(mut values) = Scalars::new(typed, rows) else {
                unreachable!("{typed:?} is a scalar type")
            };
            let mut misfits = 0;
            each_cell(&store, nulls.as_ref(), rows, true, |cell| match cell {
                None => values.push_null(),
                Some(cell) => misfits += u64::from(values.push(cell)),
            });
            nulled.add(path, misfits);
            values.finish()
        }
    };
    Ok(array)
}

/// How many values of a column at a flattened object's path (`visiting_address`: a scalar
/// sent where the model has an object) carry something: nulls, `""`, zero dates and empty
/// lists (PHP's empty array) say "no object" and are not counted.
pub(crate) fn values_in_place_of_an_object(mut column: Column, rows: usize) -> u64 {
    column.pad(rows);
    let nulls = column.nulls.finish();
    let mut count = 0;
    each_cell(&column.store, nulls.as_ref(), rows, false, |cell| {
        if let Some(cell) = cell {
            let empty_list = matches!(cell, Cell::Container("[]") | Cell::Str("[]"));
            count += u64::from(!cell.is_absent() && !empty_list);
        }
    });
    count
}

/// Each row's value as a [`Cell`] (`None` under a null), in order. `json`: the column's
/// conflict text is JSON (a declared column's, see `column::Store::Mixed`), else strings.
fn each_cell(
    store: &Store,
    nulls: Option<&NullBuffer>,
    rows: usize,
    json: bool,
    mut f: impl FnMut(Option<Cell<'_>>),
) {
    let valid = |i: usize| nulls.is_none_or(|n| n.is_valid(i));
    for i in 0..rows {
        if !valid(i) {
            f(None);
            continue;
        }
        match store {
            Store::Null => f(None),
            Store::Bool(values) => f(Some(Cell::Bool(values.get_bit(i)))),
            Store::Int(values) => f(Some(Cell::Int(values[i]))),
            Store::Float(values) => f(Some(Cell::Float(values[i]))),
            Store::Str(text) => f(Some(Cell::Str(text.get(i)))),
            Store::List(text) => f(Some(Cell::Container(text.get(i)))),
            Store::Mixed(text) if json => with_json_cell(text.get(i), |cell| f(Some(cell))),
            Store::Mixed(text) => f(Some(Cell::Str(text.get(i)))),
        }
    }
}
