//! A record's bytes → values at its leaf paths (`visiting_address.locality`), set straight into
//! the columns: nested objects are walked, not built; lists are transcoded to compact JSON text,
//! and so are objects at a declared column's path (`schema="model"`, where the model says the
//! value there is not an object).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::column::{Columns, Leaf};
use super::envelope::RecordSink;
use super::transcode::{self, Key};

/// The sink that flattens the kept records of a page into `columns`.
pub(crate) struct Flatten<'c> {
    columns: &'c mut Columns,
    keep: Option<&'c [bool]>,
    path: String,
    scratch: Vec<u8>,
}

impl<'c> Flatten<'c> {
    pub(crate) fn new(columns: &'c mut Columns, keep: Option<&'c [bool]>) -> Flatten<'c> {
        Flatten {
            columns,
            keep,
            path: String::new(),
            scratch: Vec::new(),
        }
    }

    fn set(&mut self, leaf: Leaf<'_>) {
        self.columns.set(&self.path, leaf);
    }
}

impl RecordSink for Flatten<'_> {
    fn record<'de, D: Deserializer<'de>>(&mut self, index: usize, d: D) -> Result<(), D::Error> {
        if self
            .keep
            .is_some_and(|keep| keep.get(index) == Some(&false))
        {
            d.deserialize_ignored_any(IgnoredAny)?;
            return Ok(());
        }
        self.path.clear();
        self.columns.begin_record();
        d.deserialize_map(Object(self))?;
        self.columns.end_record();
        Ok(())
    }
}

/// The members of an object, under the current path.
struct Object<'f, 'c>(&'f mut Flatten<'c>);

impl<'de> Visitor<'de> for Object<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let flatten = self.0;
        while let Some(key) = map.next_key_seed(Key)? {
            let mark = flatten.path.len();
            if mark > 0 {
                flatten.path.push('.');
            }
            flatten.path.push_str(&key);
            map.next_value_seed(Member(&mut *flatten))?;
            flatten.path.truncate(mark);
        }
        Ok(())
    }
}

/// The value at the current path.
struct Member<'f, 'c>(&'f mut Flatten<'c>);

impl<'de> DeserializeSeed<'de> for Member<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Member<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.set(Leaf::Null);
        Ok(())
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.0.set(Leaf::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.0.set(Leaf::Int(v));
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        match i64::try_from(v) {
            Ok(v) => self.0.set(Leaf::Int(v)),
            Err(_) => self.0.set(Leaf::BigInt(&v.to_string())),
        }
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.0.set(Leaf::Float(v));
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.0.set(Leaf::Str(v));
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let flatten = self.0;
        if !flatten.columns.keeps_whole(&flatten.path) {
            return Object(flatten).visit_map(map);
        }
        // An object where the model has a scalar, a list or any JSON: one value, cast (or
        // counted as a misfit) with the column's others at the end.
        flatten.scratch.clear();
        transcode::Value {
            out: &mut flatten.scratch,
            shape: None,
        }
        .visit_map(map)?;
        let text = std::str::from_utf8(&flatten.scratch).unwrap_or_default();
        flatten.columns.set(&flatten.path, Leaf::Json(text));
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let flatten = self.0;
        let row = flatten.columns.rows();
        let column = flatten.columns.column(&flatten.path);
        flatten.scratch.clear();
        transcode::list(seq, &mut flatten.scratch, column.shape.enter_list())?;
        // The transcoder writes only `&str`s and serde_json's output: always UTF-8.
        let text = std::str::from_utf8(&flatten.scratch).unwrap_or_default();
        column.set(row, Leaf::List(text));
        Ok(())
    }
}
