//! `schema="model"` list columns: each list's JSON text read back into Arrow lists typed from
//! the model, values cast as in `cast`, misfits null and counted at their dotted path
//! (`custom_fields.position`).
//!
//! Objects inside lists become structs of the model's fields, always all of them. Keys the model
//! does not know are kept, not dropped: they follow the model's fields in the struct, typed as
//! `schema="inferred"` types them (from the shape the column learnt while pages arrived). Only
//! where that shape is no struct (elements of conflicting kinds at that place) can an unknown
//! key not be given a field; its values are then dropped and counted. An empty list where the
//! model has an object is PHP's empty array, i.e. no object: null, not counted.

use std::fmt;
use std::sync::Arc;

use arrow_array::{ArrayRef, ListArray, StructArray};
use arrow_buffer::{NullBufferBuilder, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field, Fields};
use indexmap::IndexMap;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::cast::{Cell, Scalars};
use super::model_schema::Typed;
use super::nested::Node;
use super::nulled::Nulled;
use super::shape::Shape;
use super::transcode::{self, Key};

/// A list column of a model type being filled row by row.
pub(crate) struct TypedLists(TNode);

impl TypedLists {
    /// `typed` is the column's type (a list, or anything else: every value a misfit then);
    /// `shape` what the column learnt from its lists; `path` the column's name.
    pub(crate) fn new(typed: &Typed, shape: &Shape, path: &str) -> TypedLists {
        TypedLists(TNode::new(typed, shape, path.to_owned()))
    }

    /// Append one row: `None` is a null.
    pub(crate) fn push(&mut self, cell: Option<Cell<'_>>) -> Result<(), ArrowError> {
        let node = &mut self.0;
        match cell {
            None => node.append_null(),
            Some(Cell::Container(json)) => {
                let mut de = serde_json::Deserializer::from_str(json);
                node.deserialize(&mut de)
                    .and_then(|()| de.end())
                    .map_err(|e| {
                        ArrowError::JsonError(format!("reading back a list column: {e}"))
                    })?;
            }
            Some(cell) => node.scalar(cell),
        }
        Ok(())
    }

    pub(crate) fn finish(self, nulled: &mut Nulled) -> Result<ArrayRef, ArrowError> {
        self.0.finish(nulled)
    }
}

enum TNode {
    Scalar {
        values: Scalars,
        path: String,
        misfits: u64,
    },
    List {
        offsets: Vec<i32>,
        nulls: NullBufferBuilder,
        element: Box<TNode>,
        path: String,
        misfits: u64,
    },
    Struct {
        /// The model's fields, then the extra (learnt) ones.
        names: Vec<String>,
        children: Vec<TNode>,
        extras: Vec<Node>,
        fields: Fields,
        nulls: NullBufferBuilder,
        len: usize,
        path: String,
        misfits: u64,
        /// Values of keys that have no field (see the module docs), by key.
        dropped: IndexMap<String, u64>,
    },
}

impl TNode {
    fn new(typed: &Typed, shape: &Shape, path: String) -> TNode {
        if let Some(values) = Scalars::new(typed, 0) {
            return TNode::Scalar {
                values,
                path,
                misfits: 0,
            };
        }
        match typed {
            Typed::List(element) => {
                let learnt = match shape {
                    Shape::List(learnt) => learnt,
                    _ => &Shape::Unknown,
                };
                TNode::List {
                    offsets: vec![0],
                    nulls: NullBufferBuilder::new(0),
                    element: Box::new(TNode::new(element, learnt, path.clone())),
                    path,
                    misfits: 0,
                }
            }
            Typed::Struct(model) => {
                let learnt = match shape {
                    Shape::Struct(fields) => Some(fields),
                    _ => None,
                };
                let learnt_at =
                    |name: &str| learnt.and_then(|l| l.get(name)).unwrap_or(&Shape::Unknown);
                let mut names = Vec::new();
                let mut children = Vec::new();
                for (name, typed) in model {
                    children.push(TNode::new(typed, learnt_at(name), format!("{path}.{name}")));
                    names.push(name.clone());
                }
                let mut fields: Vec<Field> = names
                    .iter()
                    .zip(&children)
                    .map(|(name, child)| Field::new(name, child.data_type(), true))
                    .collect();
                let mut extras = Vec::new();
                for (name, shape) in learnt.into_iter().flatten() {
                    if !model.iter().any(|(known, _)| known == name) {
                        names.push(name.clone());
                        fields.push(Field::new(name, shape.data_type(), true));
                        extras.push(Node::new(shape));
                    }
                }
                TNode::Struct {
                    names,
                    children,
                    extras,
                    fields: Fields::from(fields),
                    nulls: NullBufferBuilder::new(0),
                    len: 0,
                    path,
                    misfits: 0,
                    dropped: IndexMap::new(),
                }
            }
            // Scalars were handled above.
            _ => unreachable!("{typed:?} is a scalar type"),
        }
    }

    fn data_type(&self) -> DataType {
        match self {
            TNode::Scalar { values, .. } => values.data_type(),
            TNode::List { element, .. } => {
                DataType::List(Arc::new(Field::new("item", element.data_type(), true)))
            }
            TNode::Struct { fields, .. } => DataType::Struct(fields.clone()),
        }
    }

    fn len(&self) -> usize {
        match self {
            TNode::Scalar { values, .. } => values.len(),
            TNode::List { offsets, .. } => offsets.len() - 1,
            TNode::Struct { len, .. } => *len,
        }
    }

    fn append_null(&mut self) {
        match self {
            TNode::Scalar { values, .. } => values.push_null(),
            TNode::List { offsets, nulls, .. } => {
                offsets.push(offsets.last().copied().unwrap_or(0));
                nulls.append_null();
            }
            TNode::Struct {
                children,
                extras,
                nulls,
                len,
                ..
            } => {
                children.iter_mut().for_each(TNode::append_null);
                extras.iter_mut().for_each(Node::append_null);
                nulls.append_null();
                *len += 1;
            }
        }
    }

    /// A null that counts: the value did not fit.
    fn misfit(&mut self) {
        self.append_null();
        let (TNode::Scalar { misfits, .. }
        | TNode::List { misfits, .. }
        | TNode::Struct { misfits, .. }) = self;
        *misfits += 1;
    }

    /// A scalar value.
    fn scalar(&mut self, cell: Cell<'_>) {
        match self {
            TNode::Scalar {
                values, misfits, ..
            } => {
                if values.push(cell) {
                    *misfits += 1;
                }
            }
            node if cell.is_absent() => node.append_null(),
            node => node.misfit(),
        }
    }

    fn finish(self, nulled: &mut Nulled) -> Result<ArrayRef, ArrowError> {
        match self {
            TNode::Scalar {
                values,
                path,
                misfits,
            } => {
                nulled.add(&path, misfits);
                Ok(values.finish())
            }
            TNode::List {
                offsets,
                mut nulls,
                element,
                path,
                misfits,
            } => {
                nulled.add(&path, misfits);
                let field = Arc::new(Field::new("item", element.data_type(), true));
                Ok(Arc::new(ListArray::try_new(
                    field,
                    OffsetBuffer::new(ScalarBuffer::from(offsets)),
                    element.finish(nulled)?,
                    nulls.finish(),
                )?))
            }
            TNode::Struct {
                children,
                extras,
                fields,
                mut nulls,
                len,
                path,
                misfits,
                dropped,
                ..
            } => {
                nulled.add(&path, misfits);
                let mut arrays = Vec::with_capacity(fields.len());
                for child in children {
                    arrays.push(child.finish(nulled)?);
                }
                for extra in extras {
                    arrays.push(extra.finish()?);
                }
                for (key, count) in dropped {
                    nulled.add(&format!("{path}.{key}"), count);
                }
                let nulls = nulls.finish();
                if fields.is_empty() {
                    return Ok(Arc::new(StructArray::new_empty_fields(len, nulls)));
                }
                Ok(Arc::new(StructArray::try_new(fields, arrays, nulls)?))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for &mut TNode {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut TNode {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.append_null();
        Ok(())
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.scalar(Cell::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.scalar(Cell::Int(v));
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        match i64::try_from(v) {
            Ok(v) => self.scalar(Cell::Int(v)),
            Err(_) => self.scalar(Cell::BigInt(&v.to_string())),
        }
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.scalar(Cell::Float(v));
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.scalar(Cell::Str(v));
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self {
            TNode::List {
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
            }
            TNode::Scalar { values, .. } if values.is_any() => {
                if let Some((text, nulls)) = values.any_text() {
                    transcode::list(seq, text.buffer(), None)?;
                    text.end_value();
                    nulls.append_non_null();
                }
            }
            node => {
                let mut items = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    items += 1;
                }
                if items == 0 && matches!(node, TNode::Struct { .. }) {
                    node.append_null();
                } else {
                    node.misfit();
                }
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match self {
            TNode::Struct {
                names,
                children,
                extras,
                nulls,
                len,
                dropped,
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
                    let Some(at) = at else {
                        map.next_value::<IgnoredAny>()?;
                        *dropped.entry(key.into_owned()).or_default() += 1;
                        continue;
                    };
                    hint = at + 1;
                    // A key repeated within one object keeps its first value, as in `nested`.
                    if at < children.len() {
                        if children[at].len() == row {
                            map.next_value_seed(&mut children[at])?;
                            continue;
                        }
                    } else if extras[at - children.len()].len() == row {
                        map.next_value_seed(&mut extras[at - children.len()])?;
                        continue;
                    }
                    map.next_value::<IgnoredAny>()?;
                }
                for child in children.iter_mut().filter(|c| c.len() == row) {
                    child.append_null();
                }
                for extra in extras.iter_mut().filter(|e| e.len() == row) {
                    extra.append_null();
                }
                nulls.append_non_null();
                *len += 1;
            }
            TNode::Scalar { values, .. } if values.is_any() => {
                if let Some((text, nulls)) = values.any_text() {
                    transcode::Value {
                        out: text.buffer(),
                        shape: None,
                    }
                    .visit_map(map)?;
                    text.end_value();
                    nulls.append_non_null();
                }
            }
            node => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                node.misfit();
            }
        }
        Ok(())
    }
}
