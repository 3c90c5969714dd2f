//! The element type of a list column, learnt value by value: a small lattice where every pair
//! of shapes has a join, so the order records arrive in never matters.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields};
use indexmap::IndexMap;

/// What the values seen at one place inside lists have in common.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Shape {
    /// Nothing but nulls (or nothing) so far.
    #[default]
    Unknown,
    Bool,
    Int,
    /// Floats, or integers and floats.
    Float,
    Str,
    /// Conflicting kinds (or integers beyond int64): strings as they are, the rest as JSON text.
    Text,
    List(Box<Shape>),
    /// Fields in order of first appearance.
    Struct(IndexMap<String, Shape>),
}

/// A scalar kind, as seen by [`Shape::observe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    Bool,
    Int,
    Float,
    Str,
    /// An integer JSON number that does not fit int64.
    BigInt,
}

impl Shape {
    /// Account for one scalar value.
    pub(crate) fn observe(&mut self, kind: Scalar) {
        *self = match (std::mem::take(self), kind) {
            (_, Scalar::BigInt) | (Shape::Text, _) => Shape::Text,
            (Shape::Unknown | Shape::Bool, Scalar::Bool) => Shape::Bool,
            (Shape::Unknown | Shape::Int, Scalar::Int) => Shape::Int,
            (Shape::Unknown | Shape::Int | Shape::Float, Scalar::Float)
            | (Shape::Float, Scalar::Int) => Shape::Float,
            (Shape::Unknown | Shape::Str, Scalar::Str) => Shape::Str,
            _ => Shape::Text,
        };
    }

    /// Account for a list; returns the shape its elements go into, or `None` when this place
    /// has become [`Shape::Text`] (the elements' shapes no longer matter).
    pub(crate) fn enter_list(&mut self) -> Option<&mut Shape> {
        match self {
            Shape::Unknown => *self = Shape::List(Box::default()),
            Shape::List(_) => {}
            _ => *self = Shape::Text,
        }
        match self {
            Shape::List(element) => Some(element),
            _ => None,
        }
    }

    /// Account for an object; returns its fields' shapes, or `None` as for lists.
    pub(crate) fn enter_struct(&mut self) -> Option<&mut IndexMap<String, Shape>> {
        match self {
            Shape::Unknown => *self = Shape::Struct(IndexMap::new()),
            Shape::Struct(_) => {}
            _ => *self = Shape::Text,
        }
        match self {
            Shape::Struct(fields) => Some(fields),
            _ => None,
        }
    }

    /// The Arrow type of values of this shape.
    pub(crate) fn data_type(&self) -> DataType {
        match self {
            Shape::Unknown => DataType::Null,
            Shape::Bool => DataType::Boolean,
            Shape::Int => DataType::Int64,
            Shape::Float => DataType::Float64,
            Shape::Str | Shape::Text => DataType::Utf8,
            Shape::List(element) => DataType::List(Arc::new(element.field("item"))),
            Shape::Struct(fields) => DataType::Struct(Fields::from(
                fields
                    .iter()
                    .map(|(name, shape)| shape.field(name))
                    .collect::<Vec<Field>>(),
            )),
        }
    }

    fn field(&self, name: &str) -> Field {
        Field::new(name, self.data_type(), true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(kinds: &[Scalar]) -> Shape {
        let mut shape = Shape::Unknown;
        for kind in kinds {
            shape.observe(*kind);
        }
        shape
    }

    #[test]
    fn scalars_join() {
        use Scalar::*;
        assert_eq!(joined(&[]), Shape::Unknown);
        assert_eq!(joined(&[Int, Int]), Shape::Int);
        assert_eq!(joined(&[Int, Float]), Shape::Float);
        assert_eq!(joined(&[Float, Int]), Shape::Float);
        assert_eq!(joined(&[Bool, Bool]), Shape::Bool);
        assert_eq!(joined(&[Str]), Shape::Str);
        assert_eq!(joined(&[Str, Int]), Shape::Text);
        assert_eq!(joined(&[Bool, Int]), Shape::Text);
        assert_eq!(joined(&[Int, BigInt]), Shape::Text);
        assert_eq!(joined(&[Str, Int, Str]), Shape::Text);
    }

    #[test]
    fn containers_join() {
        let mut shape = Shape::Unknown;
        shape.enter_list().unwrap().observe(Scalar::Int);
        shape.enter_list().unwrap().observe(Scalar::Float);
        assert_eq!(shape, Shape::List(Box::new(Shape::Float)));
        assert!(shape.enter_struct().is_none());
        assert_eq!(shape, Shape::Text);

        let mut shape = Shape::Unknown;
        shape
            .enter_struct()
            .unwrap()
            .entry("a".into())
            .or_default()
            .observe(Scalar::Str);
        shape
            .enter_struct()
            .unwrap()
            .entry("b".into())
            .or_default()
            .observe(Scalar::Bool);
        assert_eq!(
            shape.data_type(),
            DataType::Struct(Fields::from(vec![
                Field::new("a", DataType::Utf8, true),
                Field::new("b", DataType::Boolean, true),
            ]))
        );
        shape.observe(Scalar::Int);
        assert_eq!(shape, Shape::Text);
    }
}
