//! Pages in, table out: the table's shape and every fallback of the module docs.

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampSecondType};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, Field, Fields, TimeUnit};

use super::*;

pub(super) fn page(records: &str) -> String {
    format!(r#"{{"data": {records}, "errors": null, "debug": null}}"#)
}

pub(super) fn build(pages: &[&str], options: Options) -> Table {
    let mut builder = TableBuilder::new(options);
    for records in pages {
        builder.push_page(page(records).as_bytes(), None).unwrap();
    }
    builder.finish().unwrap()
}

pub(super) fn table(pages: &[&str]) -> Table {
    build(pages, Options::default())
}

pub(super) fn names(table: &Table) -> Vec<String> {
    table
        .schema
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

pub(super) fn column(table: &Table, name: &str) -> ArrayRef {
    assert_eq!(table.batches.len(), 1);
    let batch = &table.batches[0];
    batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name:?} in {:?}", names(table)))
        .clone()
}

pub(super) fn strings(array: &ArrayRef) -> Vec<Option<String>> {
    array
        .as_string::<i32>()
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

pub(super) fn ints(array: &ArrayRef) -> Vec<Option<i64>> {
    array.as_primitive::<Int64Type>().iter().collect()
}

pub(super) fn floats(array: &ArrayRef) -> Vec<Option<f64>> {
    array.as_primitive::<Float64Type>().iter().collect()
}

#[allow(clippy::unnecessary_wraps)] // the Option a nullable string cell compares against
pub(super) fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

#[test]
fn nested_objects_flatten_to_dotted_columns() {
    let t = table(&[r#"[
        {"id": "o:1", "name": "A", "relation_type": {"id": "r:1", "label": "Klant"},
         "debtor": {"payment_term": {"days": 14}, "autocollect": false}, "e": {}}
    ]"#]);
    assert_eq!(
        names(&t),
        [
            "id",
            "name",
            "relation_type.id",
            "relation_type.label",
            "debtor.payment_term.days",
            "debtor.autocollect"
        ]
    );
    assert_eq!(strings(&column(&t, "relation_type.label")), [s("Klant")]);
    assert_eq!(ints(&column(&t, "debtor.payment_term.days")), [Some(14)]);
    assert!(!column(&t, "debtor.autocollect").as_boolean().value(0));
}

#[test]
fn the_schema_is_the_union_over_all_pages_and_missing_keys_are_null() {
    let t = table(&[
        r#"[{"id": "1", "a": 1}, {"id": "2", "b": "x"}]"#,
        r#"[{"id": "3", "c": {"d": true}}]"#,
        "[]",
        r#"[{"id": "4", "a": 4}]"#,
    ]);
    assert_eq!(t.num_rows(), 4);
    assert_eq!(names(&t), ["id", "a", "b", "c.d"]);
    assert_eq!(ints(&column(&t, "a")), [Some(1), None, None, Some(4)]);
    assert_eq!(strings(&column(&t, "b")), [None, s("x"), None, None]);
    let cd = column(&t, "c.d");
    assert_eq!(cd.null_count(), 3);
    assert!(cd.as_boolean().value(2));
}

#[test]
fn null_beside_objects_is_its_own_column_like_json_normalize() {
    let t = table(&[r#"[{"a": {"b": 1}}, {"a": null}, {"a": "text"}]"#]);
    assert_eq!(names(&t), ["a.b", "a"]);
    assert_eq!(ints(&column(&t, "a.b")), [Some(1), None, None]);
    assert_eq!(strings(&column(&t, "a")), [None, None, s("text")]);
}

#[test]
fn a_column_of_nulls_is_typed_null() {
    let t = table(&[r#"[{"x": null}, {}]"#]);
    let x = column(&t, "x");
    assert_eq!(x.data_type(), &DataType::Null);
    assert_eq!(x.len(), 2);
}

#[test]
fn numbers_widen_and_conflicts_become_text() {
    let t = table(&[
        r#"[{"n": 1, "mixed": 12, "flag": true, "big": 1}]"#,
        r#"[{"n": 2.5, "mixed": "abc", "flag": 0, "big": 18446744073709551615}]"#,
        r#"[{"mixed": [1, "x"], "flag": null}, {"mixed": 1.5}]"#,
    ]);
    assert_eq!(floats(&column(&t, "n")), [Some(1.0), Some(2.5), None, None]);
    assert_eq!(
        strings(&column(&t, "mixed")),
        [s("12"), s("abc"), s(r#"[1,"x"]"#), s("1.5")]
    );
    assert_eq!(
        strings(&column(&t, "flag")),
        [s("true"), s("0"), None, None]
    );
    assert_eq!(
        strings(&column(&t, "big")),
        [s("1"), s("18446744073709551615"), None, None]
    );
}

#[test]
fn lists_as_arrow_lists() {
    let t = table(&[
        r#"[{"tags": ["a", "b"], "teams": [], "custom_fields": [
              {"name": "x", "value": 1, "options": [{"label": "L"}]},
              {"name": "y", "group": {"id": "g"}}]}]"#,
        r#"[{"tags": null, "custom_fields": [{"name": "z", "value": 2.5}]}, {"tags": ["c"]}]"#,
    ]);
    let tags = column(&t, "tags");
    assert_eq!(
        tags.data_type(),
        &DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
    );
    let tags = tags.as_list::<i32>();
    assert!(tags.is_null(1));
    assert_eq!(tags.value_length(0), 2);
    assert_eq!(
        strings(&tags.value(2)),
        [s("c")],
        "rows stay aligned across pages"
    );
    // Empty lists only: a list of nulls.
    let teams = column(&t, "teams");
    assert_eq!(
        teams.data_type(),
        &DataType::List(Arc::new(Field::new("item", DataType::Null, true)))
    );
    assert_eq!(teams.as_list::<i32>().value_length(0), 0);
    assert!(teams.is_null(1));

    let custom = column(&t, "custom_fields");
    let element = Fields::from(vec![
        Field::new("name", DataType::Utf8, true),
        Field::new("value", DataType::Float64, true),
        Field::new(
            "options",
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(Fields::from(vec![Field::new(
                    "label",
                    DataType::Utf8,
                    true,
                )])),
                true,
            ))),
            true,
        ),
        Field::new(
            "group",
            DataType::Struct(Fields::from(vec![Field::new("id", DataType::Utf8, true)])),
            true,
        ),
    ]);
    assert_eq!(
        custom.data_type(),
        &DataType::List(Arc::new(Field::new(
            "item",
            DataType::Struct(element),
            true
        )))
    );
    let custom = custom.as_list::<i32>();
    let first = custom.value(0);
    let first = first.as_struct();
    assert_eq!(strings(first.column(0)), [s("x"), s("y")]);
    assert_eq!(floats(first.column(1)), [Some(1.0), None]);
    assert!(first.column(3).is_null(0));
    let second = custom.value(1);
    assert_eq!(floats(second.as_struct().column(1)), [Some(2.5)]);
    assert!(custom.is_null(2));
}

#[test]
fn list_elements_of_conflicting_kinds_become_text() {
    let t = table(&[r#"[{"l": [1, "x", true, {"a": 1}, null, [2]]}]"#]);
    let l = column(&t, "l");
    let l = l.as_list::<i32>();
    assert_eq!(
        strings(&l.value(0)),
        [s("1"), s("x"), s("true"), s(r#"{"a":1}"#), None, s("[2]")]
    );
}

#[test]
fn lists_as_json_text() {
    let options = Options {
        lists: ListMode::Json,
        ..Options::default()
    };
    let t = build(
        &[r#"[{"l": [ {"a" : "é\n"}, 1.0 ], "e": []}, {"l": null}, {}]"#],
        options,
    );
    assert_eq!(
        strings(&column(&t, "l")),
        [s(r#"[{"a":"é\n"},1.0]"#), None, None]
    );
    assert_eq!(strings(&column(&t, "e")), [s("[]"), None, None]);
}

#[test]
fn date_and_datetime_strings_become_typed_unless_one_does_not_fit() {
    let t = table(&[r#"[
        {"created": "2024-03-01 12:30:00", "day": "2024-02-29", "odd": "2024-01-01 00:00:00", "none": ""},
        {"created": "", "day": null, "odd": "2024-01-01", "none": ""},
        {"created": "1970-01-01 00:00:01", "day": "1970-01-02", "odd": "2024-01-01 00:00:00"}
    ]"#]);
    let created = column(&t, "created");
    assert_eq!(
        created.data_type(),
        &DataType::Timestamp(TimeUnit::Second, None)
    );
    assert_eq!(
        created
            .as_primitive::<TimestampSecondType>()
            .iter()
            .collect::<Vec<_>>(),
        [Some(1_709_296_200), None, Some(1)]
    );
    let day = column(&t, "day");
    assert_eq!(day.data_type(), &DataType::Date32);
    assert_eq!(
        day.as_primitive::<Date32Type>().iter().collect::<Vec<_>>(),
        [Some(19_782), None, Some(1)]
    );
    // A date among date-times: neither conversion fits every value.
    assert_eq!(column(&t, "odd").data_type(), &DataType::Utf8);
    // Nothing but empty strings proves nothing: left as it is.
    assert_eq!(strings(&column(&t, "none")), [s(""), s(""), None]);

    let kept = build(
        &[r#"[{"created": "2024-03-01 12:30:00"}]"#],
        Options {
            timestamps: false,
            ..Options::default()
        },
    );
    assert_eq!(
        strings(&column(&kept, "created")),
        [s("2024-03-01 12:30:00")]
    );
}

#[test]
fn number_strings_are_cast_only_when_asked_and_all_fit() {
    let pages = [r#"[
        {"i": "12", "f": "0.50", "z": "012", "b": "99999999999999999999", "m": 7},
        {"i": "", "f": "3", "z": "1", "b": "1", "m": "8"},
        {"i": "-4", "f": null, "m": "9.5"}
    ]"#];
    let plain = build(&pages, Options::default());
    assert_eq!(strings(&column(&plain, "i")), [s("12"), s(""), s("-4")]);
    let cast = build(
        &pages,
        Options {
            cast_numbers: true,
            ..Options::default()
        },
    );
    assert_eq!(ints(&column(&cast, "i")), [Some(12), None, Some(-4)]);
    assert_eq!(floats(&column(&cast, "f")), [Some(0.5), Some(3.0), None]);
    // A leading zero is not a JSON number (an id, a phone number): kept as text.
    assert_eq!(column(&cast, "z").data_type(), &DataType::Utf8);
    // Beyond int64: kept as text rather than rounded.
    assert_eq!(column(&cast, "b").data_type(), &DataType::Utf8);
    // A number here, number text there: the conflict column is text, and all of it is numbers.
    assert_eq!(
        floats(&column(&cast, "m")),
        [Some(7.0), Some(8.0), Some(9.5)]
    );
}

#[test]
fn empty_results_give_an_empty_table() {
    let t = table(&["[]", "[]"]);
    assert_eq!(t.num_rows(), 0);
    assert!(t.schema.fields().is_empty());
    assert!(t.batches.is_empty());
    let t = table(&[]);
    assert_eq!(t.num_rows(), 0);
}

#[test]
fn records_without_fields_still_count() {
    let t = table(&["[{}, {}]", r#"[{"e": {}}]"#]);
    assert_eq!(t.num_rows(), 3);
    assert!(t.schema.fields().is_empty());
    assert_eq!(t.batches[0].num_rows(), 3);
}

#[test]
fn skipped_records_leave_no_trace() {
    let mut builder = TableBuilder::new(Options::default());
    let body = page(r#"[{"id": "1", "a": 1}, {"id": "2", "only_here": 2}, {"id": "3", "a": 3}]"#);
    assert_eq!(
        builder
            .push_page(body.as_bytes(), Some(&[true, false, true]))
            .unwrap(),
        3
    );
    let t = builder.finish().unwrap();
    assert_eq!(t.num_rows(), 2);
    assert_eq!(names(&t), ["id", "a"]);
    assert_eq!(ints(&column(&t, "a")), [Some(1), Some(3)]);
}

#[test]
fn a_repeated_key_keeps_the_last_value() {
    let t = table(&[r#"[{"a": 1, "a": "two"}, {"a": 3}]"#]);
    assert_eq!(strings(&column(&t, "a")), [s("two"), s("3")]);
}

#[test]
fn escaped_keys_and_strings() {
    let t = table(&[r#"[{"na\u006de": "caf\u00e9 \"x\"", "a": {"b\\c": 1}}]"#]);
    assert_eq!(names(&t), ["name", "a.b\\c"]);
    assert_eq!(strings(&column(&t, "name")), [s("café \"x\"")]);
}

#[test]
fn bad_pages_are_errors() {
    let mut builder = TableBuilder::new(Options::default());
    assert!(builder.push_page(b"{\"data\": [1]}", None).is_err());
    assert!(builder.push_page(b"{}", None).is_err());
    assert!(builder.push_page(b"", None).is_err());
}

#[test]
fn impossible_dates_become_counted_nulls_and_zero_dates_uncounted_ones() {
    let t = table(&[r#"[
        {"at": "2024-03-01 12:30:00", "day": "2019-02-30", "zero": "0000-00-00 00:00:00", "text": "2024-01-01"},
        {"at": "0000-00-00 00:00:00", "day": "2024-02-29", "zero": "", "text": "soon"},
        {"at": "2024-01-01 24:00:00", "day": "0000-00-00", "zero": null},
        {"at": "", "day": "2023-02-29"}
    ]"#]);
    let at = column(&t, "at");
    assert_eq!(at.data_type(), &DataType::Timestamp(TimeUnit::Second, None));
    assert_eq!(
        at.as_primitive::<TimestampSecondType>()
            .iter()
            .collect::<Vec<_>>(),
        [Some(1_709_296_200), None, None, None]
    );
    let day = column(&t, "day");
    assert_eq!(
        day.as_primitive::<Date32Type>().iter().collect::<Vec<_>>(),
        [None, Some(19_782), None, None]
    );
    // Only zero dates (and nothing): the shape says timestamps, every one of them null.
    let zero = column(&t, "zero");
    assert_eq!(
        zero.data_type(),
        &DataType::Timestamp(TimeUnit::Second, None)
    );
    assert_eq!(zero.null_count(), 4);
    // Free text among dates keeps the column text, every value as it was.
    assert_eq!(
        strings(&column(&t, "text")),
        [s("2024-01-01"), s("soon"), None, None]
    );
    // Counted: 24:00:00, 2019-02-30 and 2023-02-29; zero dates and empty strings are not.
    assert_eq!(t.nulled.iter().collect::<Vec<_>>(), [("at", 1), ("day", 2)]);
    assert_eq!(t.schema.metadata()[NULLED_KEY], r#"{"at":1,"day":2}"#);
    let clean = table(&[r#"[{"at": "2024-03-01 12:30:00"}, {"at": "0000-00-00 00:00:00"}]"#]);
    assert!(clean.nulled.is_empty() && clean.schema.metadata().is_empty());
}
