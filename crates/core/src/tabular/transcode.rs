//! A JSON value inside a list → compact JSON text, learning the element [`Shape`] on the way:
//! one pass over the bytes serves both list modes (the text is the JSON-mode column value, or
//! what the list-mode builder reads back once the shape is final).

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::shape::{Scalar, Shape};
use super::text::{write_float, write_json};

/// Write the elements of a list (the `[` is already consumed by `seq`'s owner) as `[...]`.
pub(crate) fn list<'de, A: SeqAccess<'de>>(
    mut seq: A,
    out: &mut Vec<u8>,
    mut element: Option<&mut Shape>,
) -> Result<(), A::Error> {
    out.push(b'[');
    let mut first = true;
    loop {
        let at = out.len();
        if !first {
            out.push(b',');
        }
        let seed = Value {
            out: &mut *out,
            shape: element.as_deref_mut(),
        };
        if seq.next_element_seed(seed)?.is_none() {
            out.truncate(at);
            break;
        }
        first = false;
    }
    out.push(b']');
    Ok(())
}

/// One JSON value, written to `out`; `shape` learns its kind (`None`: do not care).
pub(crate) struct Value<'a> {
    pub(crate) out: &'a mut Vec<u8>,
    pub(crate) shape: Option<&'a mut Shape>,
}

impl Value<'_> {
    fn observe(self, kind: Scalar) -> Self {
        let Value { out, mut shape } = self;
        if let Some(shape) = shape.as_deref_mut() {
            shape.observe(kind);
        }
        Value { out, shape }
    }
}

impl<'de> DeserializeSeed<'de> for Value<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Value<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        let this = self.observe(Scalar::Bool);
        this.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        let this = self.observe(Scalar::Int);
        this.out.extend_from_slice(v.to_string().as_bytes());
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        let kind = if i64::try_from(v).is_ok() {
            Scalar::Int
        } else {
            Scalar::BigInt
        };
        let this = self.observe(kind);
        this.out.extend_from_slice(v.to_string().as_bytes());
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        let this = self.observe(Scalar::Float);
        write_float(this.out, v);
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let this = self.observe(Scalar::Str);
        write_json(this.out, v);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let element = self.shape.and_then(Shape::enter_list);
        list(seq, self.out, element)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut fields = self.shape.and_then(Shape::enter_struct);
        let out = self.out;
        out.push(b'{');
        let mut first = true;
        // Objects in one list usually list their keys in one order: try the next field first.
        let mut hint = 0;
        while let Some(key) = map.next_key_seed(Key)? {
            if !first {
                out.push(b',');
            }
            first = false;
            write_json(out, key.as_ref());
            out.push(b':');
            let shape = match fields.as_deref_mut() {
                Some(fields) => {
                    let at = match fields.get_index(hint) {
                        Some((name, _)) if *name == key => hint,
                        _ => match fields.get_index_of(key.as_ref()) {
                            Some(at) => at,
                            None => fields.insert_full(key.into_owned(), Shape::Unknown).0,
                        },
                    };
                    hint = at + 1;
                    Some(&mut fields[at])
                }
                None => None,
            };
            map.next_value_seed(Value {
                out: &mut *out,
                shape,
            })?;
        }
        out.push(b'}');
        Ok(())
    }
}

/// An object key, borrowed from the page bytes when it has no escapes.
pub(crate) struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
        Err(E::custom("object keys must be strings"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcode(json: &str) -> (String, Shape) {
        let mut out = Vec::new();
        let mut shape = Shape::Unknown;
        let mut de = serde_json::Deserializer::from_str(json);
        Value {
            out: &mut out,
            shape: Some(&mut shape),
        }
        .deserialize(&mut de)
        .unwrap();
        de.end().unwrap();
        (String::from_utf8(out).unwrap(), shape)
    }

    #[test]
    fn compact_json_out() {
        let (text, _) = transcode(
            r#" [ {"a" : 1, "b\n": [true, null, 1.5e0, "x\"y"]}, {}, [], -3, 18446744073709551615 ] "#,
        );
        assert_eq!(
            text,
            r#"[{"a":1,"b\n":[true,null,1.5,"x\"y"]},{},[],-3,18446744073709551615]"#
        );
        let reparsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            reparsed[4],
            serde_json::json!(18_446_744_073_709_551_615_u64)
        );
    }

    #[test]
    fn shape_is_learnt() {
        let (_, shape) = transcode(r#"[{"a": 1, "b": ["x"]}, {"a": 2.5, "c": null}, null]"#);
        let Shape::List(element) = shape else {
            panic!()
        };
        let Shape::Struct(fields) = *element else {
            panic!()
        };
        assert_eq!(fields["a"], Shape::Float);
        assert_eq!(fields["b"], Shape::List(Box::new(Shape::Str)));
        assert_eq!(fields["c"], Shape::Unknown);
        let (_, shape) = transcode(r#"[1, "x", [2]]"#);
        assert_eq!(shape, Shape::List(Box::new(Shape::Text)));
    }

    #[test]
    fn bad_keys_are_errors() {
        let mut de = serde_json::Deserializer::from_str("{1: 2}");
        let mut out = Vec::new();
        assert!(Value {
            out: &mut out,
            shape: None
        }
        .deserialize(&mut de)
        .is_err());
    }
}
