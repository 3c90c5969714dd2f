//! List columns: each list's JSON text, read back once its column's [`Shape`] is final, into
//! nested Arrow arrays (lists of structs of lists ...).

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, ListArray, NullArray, StructArray,
};
use arrow_buffer::{
    BooleanBufferBuilder, NullBuffer, NullBufferBuilder, OffsetBuffer, ScalarBuffer,
};
use arrow_schema::{ArrowError, Field, Fields};
use serde_json::Value;

use super::shape::Shape;
use super::text::{write_as_text, Text};

/// The list column holding `texts` (each a JSON list, or anything under a null), typed `shape`.
pub(crate) fn lists(
    texts: &Text,
    nulls: Option<&NullBuffer>,
    shape: &Shape,
) -> Result<ArrayRef, ArrowError> {
    let mut builder = Node::new(shape);
    for (i, text) in texts.iter().enumerate() {
        if nulls.is_some_and(|n| n.is_null(i)) {
            builder.append(&Value::Null)?;
        } else {
            let value: Value = serde_json::from_str(text)
                .map_err(|e| ArrowError::JsonError(format!("list column text: {e}")))?;
            builder.append(&value)?;
        }
    }
    builder.finish()
}

/// A builder for values of one shape.
enum Node {
    Null(usize),
    Bool(BooleanBufferBuilder, NullBufferBuilder),
    Int(Vec<i64>, NullBufferBuilder),
    Float(Vec<f64>, NullBufferBuilder),
    /// [`Shape::Str`] and [`Shape::Text`]: strings as they are, anything else as JSON text.
    Text(Text, NullBufferBuilder),
    List {
        offsets: Vec<i32>,
        nulls: NullBufferBuilder,
        element: Box<Node>,
        field: Arc<Field>,
    },
    Struct {
        fields: Vec<(String, Node)>,
        arrow_fields: Fields,
        nulls: NullBufferBuilder,
        len: usize,
    },
}

impl Node {
    fn new(shape: &Shape) -> Node {
        match shape {
            Shape::Unknown => Node::Null(0),
            Shape::Bool => Node::Bool(BooleanBufferBuilder::new(0), NullBufferBuilder::new(0)),
            Shape::Int => Node::Int(Vec::new(), NullBufferBuilder::new(0)),
            Shape::Float => Node::Float(Vec::new(), NullBufferBuilder::new(0)),
            Shape::Str | Shape::Text => Node::Text(Text::default(), NullBufferBuilder::new(0)),
            Shape::List(element) => Node::List {
                offsets: vec![0],
                nulls: NullBufferBuilder::new(0),
                element: Box::new(Node::new(element)),
                field: Arc::new(Field::new("item", element.data_type(), true)),
            },
            Shape::Struct(fields) => Node::Struct {
                fields: fields
                    .iter()
                    .map(|(name, shape)| (name.clone(), Node::new(shape)))
                    .collect(),
                arrow_fields: fields
                    .iter()
                    .map(|(name, shape)| Field::new(name, shape.data_type(), true))
                    .collect(),
                nulls: NullBufferBuilder::new(0),
                len: 0,
            },
        }
    }

    fn append(&mut self, value: &Value) -> Result<(), ArrowError> {
        let null = value.is_null();
        match (self, value) {
            (Node::Null(len), _) if null => *len += 1,
            (Node::Bool(values, nulls), _) => {
                values.append(value.as_bool().unwrap_or_default());
                append_validity(nulls, null, value.is_boolean())?;
            }
            (Node::Int(values, nulls), _) => {
                values.push(value.as_i64().unwrap_or_default());
                append_validity(nulls, null, value.is_i64())?;
            }
            (Node::Float(values, nulls), _) => {
                values.push(value.as_f64().unwrap_or_default());
                append_validity(nulls, null, value.is_number())?;
            }
            (Node::Text(text, nulls), _) => {
                if !null {
                    write_as_text(text.buffer(), value);
                }
                text.end_value();
                nulls.append(!null);
            }
            (
                Node::List {
                    offsets,
                    nulls,
                    element,
                    ..
                },
                _,
            ) => {
                if let Value::Array(items) = value {
                    for item in items {
                        element.append(item)?;
                    }
                }
                let len = offsets.last().copied().unwrap_or(0) as usize
                    + value.as_array().map_or(0, Vec::len);
                offsets.push(i32::try_from(len).map_err(|_| {
                    ArrowError::ComputeError("a list column holds over 2^31 elements".to_owned())
                })?);
                append_validity(nulls, null, value.is_array())?;
            }
            (
                Node::Struct {
                    fields, nulls, len, ..
                },
                _,
            ) => {
                for (name, field) in fields.iter_mut() {
                    field.append(value.get(name.as_str()).unwrap_or(&Value::Null))?;
                }
                *len += 1;
                append_validity(nulls, null, value.is_object())?;
            }
            (Node::Null(_), _) => return Err(mismatch(value)),
        }
        Ok(())
    }

    fn finish(self) -> Result<ArrayRef, ArrowError> {
        Ok(match self {
            Node::Null(len) => Arc::new(NullArray::new(len)),
            Node::Bool(mut values, mut nulls) => {
                Arc::new(BooleanArray::new(values.finish(), nulls.finish()))
            }
            Node::Int(values, mut nulls) => {
                Arc::new(Int64Array::new(ScalarBuffer::from(values), nulls.finish()))
            }
            Node::Float(values, mut nulls) => Arc::new(Float64Array::new(
                ScalarBuffer::from(values),
                nulls.finish(),
            )),
            Node::Text(text, mut nulls) => text.into_array(nulls.finish()),
            Node::List {
                offsets,
                mut nulls,
                element,
                field,
            } => Arc::new(ListArray::try_new(
                field,
                OffsetBuffer::new(ScalarBuffer::from(offsets)),
                element.finish()?,
                nulls.finish(),
            )?),
            Node::Struct {
                fields,
                arrow_fields,
                mut nulls,
                len,
            } => {
                let nulls = nulls.finish();
                if fields.is_empty() {
                    Arc::new(StructArray::new_empty_fields(len, nulls))
                } else {
                    let children = fields
                        .into_iter()
                        .map(|(_, node)| node.finish())
                        .collect::<Result<Vec<_>, _>>()?;
                    Arc::new(StructArray::try_new(arrow_fields, children, nulls)?)
                }
            }
        })
    }
}

/// Null, or a value of the node's kind; anything else means the shape was not learnt from these
/// values (a bug), reported rather than silently nulled.
fn append_validity(
    nulls: &mut NullBufferBuilder,
    null: bool,
    fits: bool,
) -> Result<(), ArrowError> {
    if !null && !fits {
        return Err(ArrowError::ComputeError(
            "a list value does not match the type learnt for its column".to_owned(),
        ));
    }
    nulls.append(!null);
    Ok(())
}

fn mismatch(value: &Value) -> ArrowError {
    ArrowError::ComputeError(format!(
        "a list value ({}) does not match the type learnt for its column",
        crate::error::truncate_chars(&value.to_string(), 40)
    ))
}
