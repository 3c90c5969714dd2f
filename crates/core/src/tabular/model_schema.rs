//! `schema="model"`: a table's columns and their types taken from the record model table
//! (`simplicate_api::model`) rather than learnt from the pages, so every pull of a collection has the
//! same schema whatever its pages hold.
//!
//! The columns are the record type's fields flattened as `pandas.json_normalize` flattens
//! records (`visiting_address.locality`), in the table's order: objects become dotted columns,
//! lists stay one column each (their objects become structs), so a list column's element type
//! is the model's too. A `select=` narrows them as the API narrows the records: `a` or `a.` is
//! all of `a`, `a.b` one child of an object, a selection into a list (`custom_fields.value`, or
//! a custom field by name) the whole list column, `id` always; a child of a scalar selects
//! nothing, as the API returns nothing for it.
//!
//! A record type that contains itself (none does today, but the table is generated) stops the
//! flattening there: that field becomes JSON text ([`Typed::Any`]).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, TimeUnit};

use super::ListMode;
use simplicate_api::model::{model, Kind, Model, RecordType};

/// What a model field's values are cast to (the model's kinds, as Arrow types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Typed {
    /// `s` → utf8.
    Str,
    /// `i` → int64.
    Int,
    /// `n` → float64.
    Float,
    /// `b` → bool.
    Bool,
    /// `d` → date32.
    Date,
    /// `t` → naive timestamp[s] (the account's local time).
    Timestamp,
    /// `?` → utf8: strings as they are, any other value as its JSON text.
    Any,
    /// `[X]` → a list of X.
    List(Box<Typed>),
    /// An object inside a list → a struct of its fields, in the table's order.
    Struct(Vec<(String, Typed)>),
}

impl Typed {
    /// The Arrow type of a top-level column: lists become JSON text with `ListMode::Json`.
    pub(crate) fn column_type(&self, lists: ListMode) -> DataType {
        match (self, lists) {
            (Typed::List(_), ListMode::Json) => DataType::Utf8,
            _ => self.data_type(),
        }
    }

    /// The Arrow type of values of this type (inside lists, lists are lists).
    pub(crate) fn data_type(&self) -> DataType {
        match self {
            Typed::Str | Typed::Any => DataType::Utf8,
            Typed::Int => DataType::Int64,
            Typed::Float => DataType::Float64,
            Typed::Bool => DataType::Boolean,
            Typed::Date => DataType::Date32,
            Typed::Timestamp => DataType::Timestamp(TimeUnit::Second, None),
            Typed::List(element) => {
                DataType::List(Arc::new(Field::new("item", element.data_type(), true)))
            }
            Typed::Struct(fields) => DataType::Struct(Fields::from(
                fields
                    .iter()
                    .map(|(name, typed)| Field::new(name, typed.data_type(), true))
                    .collect::<Vec<Field>>(),
            )),
        }
    }
}

/// The columns a record type gives a table (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSchema {
    /// Column paths and types, in the table's order.
    pub(crate) columns: Vec<(String, Typed)>,
    /// The paths of the flattened objects above the columns (`visiting_address`): a value
    /// there is a scalar sent where the model has an object.
    pub(crate) objects: HashSet<String>,
}

impl ModelSchema {
    /// The schema of the records `GET <collection>` lists, narrowed by `select` (the API's
    /// comma-separated `select=` value); `None` when the model has no record type for it.
    pub fn for_collection(collection: &str, select: Option<&str>) -> Option<ModelSchema> {
        let model = model();
        let record = model.record(collection)?;
        Some(ModelSchema::of(model, record, select))
    }

    pub fn of(model: &Model, record: &RecordType, select: Option<&str>) -> ModelSchema {
        let picks = select.and_then(Picks::parse);
        let mut schema = ModelSchema {
            columns: Vec::new(),
            objects: HashSet::new(),
        };
        let mut within = Vec::new();
        schema.flatten(model, record, "", picks.as_ref(), &mut within);
        schema
    }

    /// Column names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(name, _)| name.as_str())
    }

    /// `within`: the object types being flattened (their indexes), to stop at a cycle.
    fn flatten(
        &mut self,
        model: &Model,
        record: &RecordType,
        prefix: &str,
        picks: Option<&Picks>,
        within: &mut Vec<usize>,
    ) {
        for field in &record.fields {
            // None: the whole field; Some(children): only those.
            let children = match picks {
                None => None,
                Some(picks) => match picks.0.get(&field.name) {
                    None => continue,
                    Some(Pick::Whole) => None,
                    Some(Pick::Children(children)) => Some(children),
                },
            };
            let path = format!("{prefix}{}", field.name);
            match &field.kind {
                Kind::Object(at) if !within.contains(at) => {
                    within.push(*at);
                    self.flatten(
                        model,
                        model.type_at(*at),
                        &format!("{path}."),
                        children,
                        within,
                    );
                    within.pop();
                    self.objects.insert(path);
                }
                // A scalar has no children to select.
                kind if children.is_some() && !matches!(kind, Kind::List(_)) => {}
                kind => {
                    let typed = typed(model, kind, within);
                    self.columns.push((path, typed));
                }
            }
        }
    }
}

fn typed(model: &Model, kind: &Kind, within: &mut Vec<usize>) -> Typed {
    match kind {
        Kind::Str => Typed::Str,
        Kind::Int => Typed::Int,
        Kind::Num => Typed::Float,
        Kind::Bool => Typed::Bool,
        Kind::Date => Typed::Date,
        Kind::DateTime => Typed::Timestamp,
        Kind::Any => Typed::Any,
        Kind::List(element) => Typed::List(Box::new(typed(model, element, within))),
        Kind::Object(at) if within.contains(at) => Typed::Any,
        Kind::Object(at) => {
            within.push(*at);
            let fields = model
                .type_at(*at)
                .fields
                .iter()
                .map(|field| (field.name.clone(), typed(model, &field.kind, within)))
                .collect();
            within.pop();
            Typed::Struct(fields)
        }
    }
}

/// A parsed `select=`: the fields picked at one level.
#[derive(Debug, Default)]
struct Picks(HashMap<String, Pick>);

#[derive(Debug)]
enum Pick {
    Whole,
    Children(Picks),
}

impl Picks {
    /// `None` when nothing is selected (every field is a column).
    fn parse(select: &str) -> Option<Picks> {
        let mut picks = Picks::default();
        for item in select.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let item = item.strip_suffix('.').unwrap_or(item);
            picks.insert(&item.split('.').collect::<Vec<_>>());
        }
        if picks.0.is_empty() {
            return None;
        }
        picks.insert(&["id"]);
        Some(picks)
    }

    fn insert(&mut self, parts: &[&str]) {
        let Some((first, rest)) = parts.split_first() else {
            return;
        };
        if rest.is_empty() {
            self.0.insert((*first).to_owned(), Pick::Whole);
            return;
        }
        let pick = self
            .0
            .entry((*first).to_owned())
            .or_insert_with(|| Pick::Children(Picks::default()));
        // A whole field already absorbs any narrower selection.
        if let Pick::Children(children) = pick {
            children.insert(rest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(text: &str, select: Option<&str>) -> ModelSchema {
        let model = Model::parse(text).unwrap();
        let record = model.record("x/thing").unwrap().clone();
        ModelSchema::of(&model, &record, select)
    }

    const TABLE: &str = "record x/thing Thing
Thing: id s, name s, address Address, tags [s], lines [Line], amount n, when t, extra ?
Address: city s, geo Geo
Geo: lat n
Line: qty i, day d, sub [Geo]
";

    fn names(schema: &ModelSchema) -> Vec<&str> {
        schema.names().collect()
    }

    #[test]
    fn objects_flatten_lists_stay_whole() {
        let s = schema(TABLE, None);
        assert_eq!(
            names(&s),
            [
                "id",
                "name",
                "address.city",
                "address.geo.lat",
                "tags",
                "lines",
                "amount",
                "when",
                "extra"
            ]
        );
        assert_eq!(
            s.objects,
            HashSet::from(["address".to_owned(), "address.geo".to_owned()])
        );
        let lines = &s.columns[5].1;
        assert_eq!(
            *lines,
            Typed::List(Box::new(Typed::Struct(vec![
                ("qty".into(), Typed::Int),
                ("day".into(), Typed::Date),
                (
                    "sub".into(),
                    Typed::List(Box::new(Typed::Struct(vec![("lat".into(), Typed::Float)])))
                ),
            ])))
        );
        assert_eq!(lines.column_type(ListMode::Json), DataType::Utf8);
        assert_eq!(
            s.columns[7].1.data_type(),
            DataType::Timestamp(TimeUnit::Second, None)
        );
    }

    #[test]
    fn select_narrows_like_the_api() {
        let s = schema(TABLE, Some("name,address.geo.,lines.qty,when.x"));
        assert_eq!(names(&s), ["id", "name", "address.geo.lat", "lines"]);
        let s = schema(TABLE, Some("address.,address.city"));
        assert_eq!(names(&s), ["id", "address.city", "address.geo.lat"]);
        let s = schema(TABLE, Some("nothing_like_it"));
        assert_eq!(names(&s), ["id"]);
        assert_eq!(
            names(&schema(TABLE, Some(" , "))).len(),
            9,
            "an empty select is none"
        );
    }

    #[test]
    fn a_type_inside_itself_ends_as_json_text() {
        let s = schema(
            "record x/thing Thing\nThing: id s, parent Node\nNode: name s, parent Node, kids [Node]\n",
            None,
        );
        assert_eq!(
            s.columns,
            [
                ("id".to_owned(), Typed::Str),
                ("parent.name".to_owned(), Typed::Str),
                ("parent.parent".to_owned(), Typed::Any),
                ("parent.kids".to_owned(), Typed::List(Box::new(Typed::Any))),
            ]
        );
    }

    #[test]
    fn every_collection_of_the_real_table_has_a_schema() {
        for (collection, _) in model().records() {
            let s = ModelSchema::for_collection(collection, None).unwrap();
            assert!(!s.columns.is_empty(), "{collection}");
        }
        assert!(ModelSchema::for_collection("no/such", None).is_none());
    }
}
