//! List columns: each list's JSON text, read back once its column's [`Shape`] is final, straight
//! into nested Arrow builders (lists of structs of lists ...), no JSON value tree between.

use std::fmt;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, ListArray, NullArray, StructArray,
};
use arrow_buffer::{
    BooleanBufferBuilder, NullBuffer, NullBufferBuilder, OffsetBuffer, ScalarBuffer,
};
use arrow_schema::{ArrowError, Field, Fields};
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::shape::Shape;
use super::text::{write_float, Text};
use super::transcode::{self, Key};

/// The list column holding `texts` (each a JSON list, or anything under a null), typed `shape`.
pub(crate) fn lists(
    texts: &Text,
    nulls: Option<&NullBuffer>,
    shape: &Shape,
) -> Result<ArrayRef, ArrowError> {
    let mut builder = Node::new(shape);
    for (i, text) in texts.iter().enumerate() {
        if nulls.is_some_and(|n| n.is_null(i)) {
            builder.append_null();
            continue;
        }
        let mut de = serde_json::Deserializer::from_str(text);
        (&mut builder)
            .deserialize(&mut de)
            .and_then(|()| de.end())
            .map_err(|e| ArrowError::JsonError(format!("reading back a list column: {e}")))?;
    }
    builder.finish()
}

/// A builder for values of one shape (also the fields a model's struct lacks, in
/// `typed_nested`).
pub(crate) enum Node {
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
        names: Vec<String>,
        children: Vec<Node>,
        fields: Fields,
        nulls: NullBufferBuilder,
        len: usize,
    },
}

impl Node {
    pub(crate) fn new(shape: &Shape) -> Node {
        let nulls = || NullBufferBuilder::new(0);
        match shape {
            Shape::Unknown => Node::Null(0),
            Shape::Bool => Node::Bool(BooleanBufferBuilder::new(0), nulls()),
            Shape::Int => Node::Int(Vec::new(), nulls()),
            Shape::Float => Node::Float(Vec::new(), nulls()),
            Shape::Str | Shape::Text => Node::Text(Text::default(), nulls()),
            Shape::List(element) => Node::List {
                offsets: vec![0],
                nulls: nulls(),
                element: Box::new(Node::new(element)),
                field: Arc::new(Field::new("item", element.data_type(), true)),
            },
            Shape::Struct(fields) => Node::Struct {
                names: fields.keys().cloned().collect(),
                children: fields.values().map(Node::new).collect(),
                fields: fields
                    .iter()
                    .map(|(name, shape)| Field::new(name, shape.data_type(), true))
                    .collect(),
                nulls: nulls(),
                len: 0,
            },
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Node::Null(len) | Node::Struct { len, .. } => *len,
            Node::Bool(values, _) => values.len(),
            Node::Int(values, _) => values.len(),
            Node::Float(values, _) => values.len(),
            Node::Text(text, _) => text.len(),
            Node::List { offsets, .. } => offsets.len() - 1,
        }
    }

    pub(crate) fn append_null(&mut self) {
        match self {
            Node::Null(len) => *len += 1,
            Node::Bool(values, nulls) => {
                values.append(false);
                nulls.append_null();
            }
            Node::Int(values, nulls) => {
                values.push(0);
                nulls.append_null();
            }
            Node::Float(values, nulls) => {
                values.push(0.0);
                nulls.append_null();
            }
            Node::Text(text, nulls) => {
                text.push_empty();
                nulls.append_null();
            }
            Node::List { offsets, nulls, .. } => {
                offsets.push(offsets.last().copied().unwrap_or(0));
                nulls.append_null();
            }
            Node::Struct {
                children,
                nulls,
                len,
                ..
            } => {
                for child in children {
                    child.append_null();
                }
                nulls.append_null();
                *len += 1;
            }
        }
    }

    /// A scalar written as text into a [`Node::Text`]; `false` for any other node.
    fn append_text(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> bool {
        let Node::Text(text, nulls) = self else {
            return false;
        };
        write(text.buffer());
        text.end_value();
        nulls.append_non_null();
        true
    }

    pub(crate) fn finish(self) -> Result<ArrayRef, ArrowError> {
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
                children,
                fields,
                mut nulls,
                len,
                ..
            } => {
                let nulls = nulls.finish();
                if children.is_empty() {
                    Arc::new(StructArray::new_empty_fields(len, nulls))
                } else {
                    let children = children
                        .into_iter()
                        .map(Node::finish)
                        .collect::<Result<Vec<_>, _>>()?;
                    Arc::new(StructArray::try_new(fields, children, nulls)?)
                }
            }
        })
    }
}

/// A value that does not fit its node: the shape was not learnt from these values (a bug),
/// reported rather than silently nulled.
fn mismatch<E: serde::de::Error>(what: &str) -> E {
    E::custom(format!(
        "a list value ({what}) does not match the type learnt for its column"
    ))
}

impl<'de> DeserializeSeed<'de> for &mut Node {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut Node {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.append_null();
        Ok(())
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        if let Node::Bool(values, nulls) = self {
            values.append(v);
            nulls.append_non_null();
        } else if !self.append_text(|out| out.extend_from_slice(if v { b"true" } else { b"false" }))
        {
            return Err(mismatch("a boolean"));
        }
        Ok(())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        match self {
            Node::Int(values, nulls) => {
                values.push(v);
                nulls.append_non_null();
            }
            Node::Float(values, nulls) => {
                values.push(v as f64);
                nulls.append_non_null();
            }
            node => {
                if !node.append_text(|out| out.extend_from_slice(v.to_string().as_bytes())) {
                    return Err(mismatch("an integer"));
                }
            }
        }
        Ok(())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        match i64::try_from(v) {
            Ok(v) => self.visit_i64(v),
            // Beyond int64, the shape is text: its digits as they are.
            Err(_) if self.append_text(|out| out.extend_from_slice(v.to_string().as_bytes())) => {
                Ok(())
            }
            Err(_) => Err(mismatch("an integer beyond int64")),
        }
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        if let Node::Float(values, nulls) = self {
            values.push(v);
            nulls.append_non_null();
        } else if !self.append_text(|out| write_float(out, v)) {
            return Err(mismatch("a float"));
        }
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        if !self.append_text(|out| out.extend_from_slice(v.as_bytes())) {
            return Err(mismatch("a string"));
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self {
            Node::List {
                offsets,
                nulls,
                element,
                ..
            } => {
                while seq.next_element_seed(&mut **element)?.is_some() {}
                let len = i32::try_from(element.len())
                    .map_err(|_| A::Error::custom("a list column holds over 2^31 elements"))?;
                offsets.push(len);
                nulls.append_non_null();
                Ok(())
            }
            Node::Text(text, nulls) => {
                transcode::list(seq, text.buffer(), None)?;
                text.end_value();
                nulls.append_non_null();
                Ok(())
            }
            _ => Err(mismatch("a list")),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match self {
            Node::Struct {
                names,
                children,
                nulls,
                len,
                ..
            } => {
                let row = *len;
                let mut hint = 0;
                while let Some(key) = map.next_key_seed(Key)? {
                    let at = if names.get(hint).is_some_and(|n| *n == key) {
                        Some(hint)
                    } else {
                        names.iter().position(|n| *n == key)
                    };
                    match at {
                        // A key repeated within one object keeps its first value here.
                        Some(at) if children[at].len() == row => {
                            map.next_value_seed(&mut children[at])?;
                            hint = at + 1;
                        }
                        Some(_) => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        None => return Err(mismatch("an object with an unknown key")),
                    }
                }
                for child in children.iter_mut().filter(|c| c.len() == row) {
                    child.append_null();
                }
                nulls.append_non_null();
                *len += 1;
                Ok(())
            }
            Node::Text(text, nulls) => {
                transcode::Value {
                    out: text.buffer(),
                    shape: None,
                }
                .visit_map(map)?;
                text.end_value();
                nulls.append_non_null();
                Ok(())
            }
            _ => Err(mismatch("an object")),
        }
    }
}
