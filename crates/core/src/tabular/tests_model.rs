//! `schema="model"`: columns from the record model table, every value cast or counted, on the
//! real fixtures and on a small table of our own that exercises every misfit.

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, TimestampSecondType};
use arrow_array::Array;
use arrow_schema::{DataType, TimeUnit};

use super::tests::{column, floats, ints, names, page, s, strings};
use super::*;
use simplicate_api::model::Model;

const TABLE: &str = "record x/thing Thing
Thing: id s, name s, amount n, count i, active b, day d, at t, extra ?, address Address, lines [Line], tags [s]
Address: city s, geo Geo
Geo: lat n
Line: qty i, label s, sub Geo
";

fn schema(select: Option<&str>) -> Arc<ModelSchema> {
    let model = Model::parse(TABLE).unwrap();
    let record = model.record("x/thing").unwrap().clone();
    Arc::new(ModelSchema::of(&model, &record, select))
}

fn typed(pages: &[&str], lists: ListMode, model: Arc<ModelSchema>) -> Table {
    let mut builder = TableBuilder::new(Options {
        lists,
        model: Some(model),
        ..Options::default()
    });
    for records in pages {
        builder.push_page(page(records).as_bytes(), None).unwrap();
    }
    builder.finish().unwrap()
}

fn model_table(pages: &[&str]) -> Table {
    typed(pages, ListMode::List, schema(None))
}

fn nulled(table: &Table) -> Vec<(&str, u64)> {
    table.nulled.iter().collect()
}

const COLUMNS: [&str; 13] = [
    "id",
    "name",
    "amount",
    "count",
    "active",
    "day",
    "at",
    "extra",
    "address.city",
    "address.geo.lat",
    "lines",
    "tags",    // the model's, in its order
    "unknown", // then what the data has beyond it
];

#[test]
fn the_model_types_every_column_and_casts_the_api_s_spellings() {
    let t = model_table(&[r#"[
        {"id": "t:1", "amount": "100.000000", "count": "12", "active": "0", "day": "2024-02-29",
         "at": "2024-03-01 12:30:00", "extra": {"k": [1]}, "address": {"city": "Delft", "geo": {"lat": "52.5"}},
         "lines": [{"qty": "2", "label": 7, "sub": {"lat": 1}}], "tags": ["a"], "unknown": 5},
        {"id": "t:2", "amount": 3, "count": 4.0, "active": 1, "day": "0000-00-00", "at": "",
         "extra": "text", "address": null, "lines": [], "tags": null}
    ]"#]);
    assert_eq!(names(&t), COLUMNS);
    assert_eq!(floats(&column(&t, "amount")), [Some(100.0), Some(3.0)]);
    assert_eq!(ints(&column(&t, "count")), [Some(12), Some(4)]);
    let active = column(&t, "active");
    assert_eq!(
        active.as_boolean().iter().collect::<Vec<_>>(),
        [Some(false), Some(true)]
    );
    let day = column(&t, "day");
    assert_eq!(
        day.as_primitive::<Date32Type>().iter().collect::<Vec<_>>(),
        [Some(19_782), None]
    );
    let at = column(&t, "at");
    assert_eq!(at.data_type(), &DataType::Timestamp(TimeUnit::Second, None));
    assert_eq!(
        at.as_primitive::<TimestampSecondType>()
            .iter()
            .collect::<Vec<_>>(),
        [Some(1_709_296_200), None]
    );
    // `?`: strings as they are, an object as its JSON text (not flattened).
    assert_eq!(
        strings(&column(&t, "extra")),
        [s(r#"{"k":[1]}"#), s("text")]
    );
    assert_eq!(floats(&column(&t, "address.geo.lat")), [Some(52.5), None]);
    let lines = column(&t, "lines");
    let lines = lines.as_list::<i32>();
    let first = lines.value(0);
    let first = first.as_struct();
    assert_eq!(ints(first.column_by_name("qty").unwrap()), [Some(2)]);
    assert_eq!(strings(first.column_by_name("label").unwrap()), [s("7")]);
    assert_eq!(lines.value_length(1), 0);
    assert_eq!(ints(&column(&t, "unknown")), [Some(5), None]);
    assert!(t.nulled.is_empty(), "{:?}", t.nulled);
}

#[test]
fn misfits_become_counted_nulls() {
    let t = model_table(&[r#"[
        {"id": "t:1", "amount": "lots", "count": 2.5, "active": "maybe", "day": "2024-02-29 10:00:00",
         "at": "2019-02-30 00:00:00", "name": {"first": "A"}, "address": "Main St 1",
         "lines": [{"qty": "two", "sub": "x"}, "text", {"qty": 1, "sub": []}], "tags": "a,b"},
        {"id": "t:2", "name": ["A"], "address": {"city": {"x": 1}, "geo": []}, "lines": {"qty": 1}}
    ]"#]);
    assert_eq!(
        names(&t),
        &COLUMNS[..12],
        "the scalar in place of `address` is counted, not a column"
    );
    for name in [
        "amount",
        "count",
        "active",
        "day",
        "at",
        "name",
        "address.city",
        "tags",
        "lines",
    ] {
        assert!(column(&t, name).is_null(0) || name == "lines", "{name}");
    }
    assert_eq!(
        nulled(&t),
        [
            ("name", 2),
            ("amount", 1),
            ("count", 1),
            ("active", 1),
            ("day", 1),
            ("at", 1),
            ("address.city", 1),
            ("lines", 2),
            ("lines.qty", 1),
            ("lines.sub", 1),
            ("tags", 1),
            ("address", 1),
        ]
    );
    let lines = column(&t, "lines");
    let lines = lines.as_list::<i32>();
    assert!(lines.is_null(1), "an object where a list belongs");
    let first = lines.value(0);
    let first = first.as_struct();
    assert_eq!(
        ints(first.column_by_name("qty").unwrap()),
        [None, None, Some(1)]
    );
    assert!(first.is_null(1), "a string where an object belongs");
    // `[]` where an object belongs is PHP's empty array: null, and not counted.
    assert!(first.column_by_name("sub").unwrap().is_null(2));
    assert_eq!(t.schema.metadata()[NULLED_KEY].matches(':').count(), 12);
}

#[test]
fn the_schema_does_not_depend_on_what_the_pages_hold() {
    let full = model_table(&[r#"[{"id": "t:1", "name": "A", "amount": 1.5, "count": 1,
        "active": true, "day": "2024-01-01", "at": "2024-01-01 00:00:00", "extra": 1,
        "address": {"city": "X", "geo": {"lat": 1}}, "lines": [{"qty": 1, "label": "l", "sub": {"lat": 2}}],
        "tags": ["a"]}]"#]);
    let sparse = model_table(&[r#"[{"id": "t:2", "amount": null, "address": null}]"#, "[]"]);
    let nothing = model_table(&[]);
    assert_eq!(full.schema, sparse.schema);
    assert_eq!(full.schema, nothing.schema);
    assert_eq!(nothing.num_rows(), 0);
    assert_eq!(sparse.num_rows(), 1);
    assert_eq!(
        column(&sparse, "lines").data_type(),
        column(&full, "lines").data_type()
    );
    assert_eq!(column(&sparse, "tags").null_count(), 1);
}

#[test]
fn select_narrows_and_fields_beyond_it_are_kept() {
    let t = typed(
        &[r#"[{"id": "t:1", "name": "A", "address": {"city": "X"}, "note": "n"}]"#],
        ListMode::List,
        schema(Some("name,address.city")),
    );
    assert_eq!(names(&t), ["id", "name", "address.city", "note"]);
}

#[test]
fn unknown_keys_in_list_elements_are_kept_after_the_model_s_fields() {
    let t = model_table(&[r#"[{"lines": [{"qty": 1, "color": "red"}, {"size": 2, "qty": "3"}]}]"#]);
    let lines = column(&t, "lines");
    let DataType::List(item) = lines.data_type() else {
        panic!()
    };
    let DataType::Struct(fields) = item.data_type() else {
        panic!()
    };
    let fields: Vec<(&str, &DataType)> = fields
        .iter()
        .map(|f| (f.name().as_str(), f.data_type()))
        .collect();
    assert_eq!(
        fields[..2],
        [("qty", &DataType::Int64), ("label", &DataType::Utf8)]
    );
    assert_eq!(
        fields[3..],
        [("color", &DataType::Utf8), ("size", &DataType::Int64)]
    );
    let elements = lines.as_list::<i32>().value(0);
    let elements = elements.as_struct();
    assert_eq!(ints(elements.column(0)), [Some(1), Some(3)]);
    assert_eq!(strings(elements.column(3)), [s("red"), None]);
    assert_eq!(ints(elements.column(4)), [None, Some(2)]);
}

#[test]
fn lists_as_json_text_keep_the_api_s_text() {
    let t = typed(
        &[r#"[{"lines": [{"qty": "2"}], "tags": "a"}, {"tags": ["b"]}, {"tags": ""}]"#],
        ListMode::Json,
        schema(None),
    );
    assert_eq!(column(&t, "lines").data_type(), &DataType::Utf8);
    assert_eq!(
        strings(&column(&t, "lines")),
        [s(r#"[{"qty":"2"}]"#), None, None]
    );
    assert_eq!(strings(&column(&t, "tags")), [None, s(r#"["b"]"#), None]);
    assert_eq!(nulled(&t), [("tags", 1)]);
}

#[test]
fn the_real_fixtures_fit_their_model() {
    for (collection, fixture) in simplicate_api::model::fixtures::REAL_RESPONSES {
        let model = Arc::new(ModelSchema::for_collection(collection, None).unwrap());
        let mut builder = TableBuilder::new(Options {
            model: Some(model.clone()),
            ..Options::default()
        });
        builder.push_page(fixture.as_bytes(), None).unwrap();
        let t = builder.finish().unwrap();
        assert!(t.nulled.is_empty(), "{collection}: {:?}", t.nulled);
        let declared: Vec<&str> = model.names().collect();
        assert_eq!(names(&t)[..declared.len()], declared, "{collection}");
        match collection {
            "crm/organization" => {
                let autocollect = column(&t, "allow_autocollect");
                assert!(!autocollect.as_boolean().value(0));
                assert_eq!(
                    strings(&column(&t, "visiting_address.country"))[0],
                    s("Country_The Netherlands")
                );
            }
            "hrm/contract" => {
                assert_eq!(
                    floats(&column(&t, "parttime_percentage")),
                    [Some(100.0), Some(100.0)]
                );
                let end = column(&t, "end_date");
                // 1970-01-01 is a valid date: the placeholder is kept, not guessed away.
                assert_eq!(
                    end.as_primitive::<Date32Type>().iter().collect::<Vec<_>>(),
                    [Some(17_776), Some(0)]
                );
            }
            _ => {
                let status = column(&t, "status_updated_at");
                assert_eq!(
                    status.data_type(),
                    &DataType::Timestamp(TimeUnit::Second, None)
                );
                assert!(status.is_null(0));
                assert_eq!(floats(&column(&t, "expected_revenue")), [Some(170_000.0)]);
            }
        }
    }
}
