//! The end of a pull: each column's type chosen from everything it holds (or, with
//! `schema="model"`, the model's columns cast to its types, see `typed`), arrays built (typed
//! stores move into Arrow buffers without a copy), one record batch.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, NullArray, RecordBatch, RecordBatchOptions,
};
use arrow_buffer::ScalarBuffer;
use arrow_schema::{ArrowError, Field, Schema, SchemaRef};

use super::column::{Column, Columns, Store};
use super::nulled::Nulled;
use super::{convert, nested, typed, ListMode, Options};

/// Every column as an array of `columns.rows()` values, with its field, and the values nulled
/// on the way; the counts also go into the schema's metadata (see `nulled`).
pub(crate) fn finish(
    columns: Columns,
    options: &Options,
) -> Result<(Schema, Vec<ArrayRef>, Nulled), ArrowError> {
    let rows = columns.rows();
    let declared = columns.declared_count();
    let mut nulled = Nulled::default();
    let mut fields = Vec::with_capacity(columns.columns.len());
    let mut arrays = Vec::with_capacity(columns.columns.len());
    for (at, column) in columns.columns.into_iter().enumerate() {
        let name = column.name.clone();
        let array = match &options.model {
            Some(model) if at < declared => typed::column(
                column,
                &model.columns[at].1,
                options.lists,
                rows,
                &mut nulled,
            )?,
            Some(model) if model.objects.contains(&name) => {
                let count = typed::values_in_place_of_an_object(column, rows);
                nulled.add(&name, count);
                continue;
            }
            _ => array(column, rows, options, &mut nulled)?,
        };
        fields.push(Field::new(name, array.data_type().clone(), true));
        arrays.push(array);
    }
    let schema = Schema::new_with_metadata(fields, nulled.metadata());
    Ok((schema, arrays, nulled))
}

fn array(
    mut column: Column,
    rows: usize,
    options: &Options,
    nulled: &mut Nulled,
) -> Result<ArrayRef, ArrowError> {
    column.pad(rows);
    let nulls = column.nulls.finish();
    Ok(match column.store {
        Store::Null => Arc::new(NullArray::new(rows)),
        Store::Bool(mut values) => Arc::new(BooleanArray::new(values.finish(), nulls)),
        Store::Int(values) => Arc::new(Int64Array::new(ScalarBuffer::from(values), nulls)),
        Store::Float(values) => Arc::new(Float64Array::new(ScalarBuffer::from(values), nulls)),
        Store::Str(text) | Store::Mixed(text) => {
            let (array, count) = convert::strings(text, nulls, options);
            nulled.add(&column.name, count);
            array
        }
        Store::List(text) => match options.lists {
            ListMode::Json => text.into_array(nulls),
            ListMode::List => nested::lists(&text, nulls.as_ref(), &column.shape)?,
        },
    })
}

/// One record batch of `rows` rows (a table without columns still has its row count).
pub(crate) fn batch(
    schema: SchemaRef,
    arrays: Vec<ArrayRef>,
    rows: usize,
) -> Result<RecordBatch, ArrowError> {
    RecordBatch::try_new_with_options(
        schema,
        arrays,
        &RecordBatchOptions::new().with_row_count(Some(rows)),
    )
}
