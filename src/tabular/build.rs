//! The end of a pull: each column's type chosen from everything it holds, arrays built (typed
//! stores move into Arrow buffers without a copy), one record batch.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, NullArray, RecordBatch, RecordBatchOptions,
};
use arrow_buffer::ScalarBuffer;
use arrow_schema::{ArrowError, Field, Schema, SchemaRef};

use super::column::{Column, Columns, Store};
use super::{convert, nested, ListMode, Options};

/// Every column as an array of `columns.rows()` values, with its field.
pub(crate) fn finish(
    columns: Columns,
    options: &Options,
) -> Result<(Schema, Vec<ArrayRef>), ArrowError> {
    let rows = columns.rows();
    let mut fields = Vec::with_capacity(columns.columns.len());
    let mut arrays = Vec::with_capacity(columns.columns.len());
    for column in columns.columns {
        let name = column.name.clone();
        let array = array(column, rows, options)?;
        fields.push(Field::new(name, array.data_type().clone(), true));
        arrays.push(array);
    }
    Ok((Schema::new(fields), arrays))
}

fn array(mut column: Column, rows: usize, options: &Options) -> Result<ArrayRef, ArrowError> {
    column.pad(rows);
    let nulls = column.nulls.finish();
    Ok(match column.store {
        Store::Null => Arc::new(NullArray::new(rows)),
        Store::Bool(mut values) => Arc::new(BooleanArray::new(values.finish(), nulls)),
        Store::Int(values) => Arc::new(Int64Array::new(ScalarBuffer::from(values), nulls)),
        Store::Float(values) => Arc::new(Float64Array::new(ScalarBuffer::from(values), nulls)),
        Store::Str(text) | Store::Mixed(text) => convert::strings(text, nulls, options),
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
