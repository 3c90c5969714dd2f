//! `schema="model"`'s casts: one JSON value into the scalar type the model declares, leniently,
//! the way the real API spells values: numbers as strings (`"100.000000"`), `"0"`/`"1"` and
//! `0`/`1` booleans, integral floats where integers belong. A value that cannot mean its
//! declared type becomes null and is counted; `""` and MySQL zero dates are the API's "no
//! value" and become null uncounted. Never an error.
//!
//! - string: strings as they are; numbers and booleans as their JSON text (nothing is lost).
//! - int: integers; integral floats within int64; number text of either (`"12"`, `"12.0"`).
//! - float: any number, number text (integers beyond int64 rounded, as a float column must).
//! - bool: `true`/`false`, `0`/`1` (numbers or text), `"true"`/`"false"`.
//! - date: a valid `YYYY-MM-DD`, or a date-time at midnight (its date); another time of day
//!   would be lost, so it does not fit.
//! - timestamp: a valid `YYYY-MM-DD HH:MM:SS`, or a date (at midnight).
//! - any (`?`): strings as they are, everything else as its JSON text.
//!
//! Lists and objects fit only `any`.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, TimestampSecondArray,
};
use arrow_buffer::{BooleanBufferBuilder, NullBufferBuilder, ScalarBuffer};
use arrow_schema::{DataType, TimeUnit};

use super::model_schema::Typed;
use super::text::{write_float, Text};
use simplicate_api::values::{date, datetime, is_zero_date, number_shape, number_text, Number};

/// One JSON value as the casts see it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An integer beyond int64, as written.
    BigInt(&'a str),
    /// A list or an object, as its JSON text.
    Container(&'a str),
}

impl Cell<'_> {
    /// `""` and zero dates: the API's spellings of "no value".
    pub(crate) fn is_absent(&self) -> bool {
        matches!(self, Cell::Str(s) if s.is_empty() || is_zero_date(s))
    }

    /// The value's JSON text, strings as they are (not quoted).
    fn write_text(&self, out: &mut Vec<u8>) {
        match *self {
            Cell::Str(s) | Cell::BigInt(s) | Cell::Container(s) => {
                out.extend_from_slice(s.as_bytes());
            }
            Cell::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Cell::Float(f) => write_float(out, f),
            Cell::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        }
    }
}

/// What one value becomes.
enum Cast<T> {
    Value(T),
    /// Null, not counted.
    Absent,
    /// Null, counted.
    Misfit,
}

fn cast<T>(cell: Cell<'_>, fit: impl FnOnce(Cell<'_>) -> Option<T>) -> Cast<T> {
    if cell.is_absent() {
        return Cast::Absent;
    }
    fit(cell).map_or(Cast::Misfit, Cast::Value)
}

/// An integral float as an i64, when it is one (the range check keeps `as` exact).
fn integral(f: f64) -> Option<i64> {
    // 2^63: the first float beyond i64::MAX.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}

fn to_int(cell: Cell<'_>) -> Option<i64> {
    match cell {
        Cell::Int(i) => Some(i),
        Cell::Float(f) => integral(f),
        Cell::Str(s) => match number_shape(s)? {
            Number::Integer => s.parse().ok(),
            Number::Real => integral(s.parse().ok()?),
        },
        _ => None,
    }
}

fn to_float(cell: Cell<'_>) -> Option<f64> {
    match cell {
        Cell::Int(i) => Some(i as f64),
        Cell::Float(f) => Some(f),
        Cell::Str(s) | Cell::BigInt(s) => number_text(s),
        _ => None,
    }
}

fn to_bool(cell: Cell<'_>) -> Option<bool> {
    match cell {
        Cell::Bool(b) => Some(b),
        Cell::Int(0) | Cell::Str("0" | "false") => Some(false),
        Cell::Int(1) | Cell::Str("1" | "true") => Some(true),
        Cell::Float(f) if f == 0.0 || f == 1.0 => Some(f == 1.0),
        _ => None,
    }
}

fn to_date(cell: Cell<'_>) -> Option<i32> {
    let Cell::Str(s) = cell else { return None };
    date(s).or_else(|| {
        let seconds = datetime(s)?;
        (seconds % 86_400 == 0)
            .then(|| i32::try_from(seconds / 86_400).ok())
            .flatten()
    })
}

fn to_timestamp(cell: Cell<'_>) -> Option<i64> {
    let Cell::Str(s) = cell else { return None };
    datetime(s).or_else(|| date(s).map(|days| i64::from(days) * 86_400))
}

/// A growing column of one scalar [`Typed`] (not a list or a struct).
pub(crate) enum Scalars {
    /// `any` when anything fits (as JSON text), else only scalars.
    Text {
        text: Text,
        nulls: NullBufferBuilder,
        any: bool,
    },
    Int(Vec<i64>, NullBufferBuilder),
    Float(Vec<f64>, NullBufferBuilder),
    Bool(BooleanBufferBuilder, NullBufferBuilder),
    Date(Vec<i32>, NullBufferBuilder),
    Timestamp(Vec<i64>, NullBufferBuilder),
}

impl Scalars {
    /// `None` for lists and structs.
    pub(crate) fn new(typed: &Typed, capacity: usize) -> Option<Scalars> {
        let nulls = NullBufferBuilder::new(capacity);
        Some(match typed {
            Typed::Str | Typed::Any => Scalars::Text {
                text: Text::default(),
                nulls,
                any: *typed == Typed::Any,
            },
            Typed::Int => Scalars::Int(Vec::with_capacity(capacity), nulls),
            Typed::Float => Scalars::Float(Vec::with_capacity(capacity), nulls),
            Typed::Bool => Scalars::Bool(BooleanBufferBuilder::new(capacity), nulls),
            Typed::Date => Scalars::Date(Vec::with_capacity(capacity), nulls),
            Typed::Timestamp => Scalars::Timestamp(Vec::with_capacity(capacity), nulls),
            Typed::List(_) | Typed::Struct(_) => return None,
        })
    }

    /// Append `cell` cast to this column's type; `true` when it did not fit (and became null).
    pub(crate) fn push(&mut self, cell: Cell<'_>) -> bool {
        fn put<T: Default>(
            values: &mut Vec<T>,
            nulls: &mut NullBufferBuilder,
            cast: Cast<T>,
        ) -> bool {
            match cast {
                Cast::Value(v) => {
                    values.push(v);
                    nulls.append_non_null();
                    false
                }
                Cast::Absent | Cast::Misfit => {
                    values.push(T::default());
                    nulls.append_null();
                    matches!(cast, Cast::Misfit)
                }
            }
        }
        match self {
            Scalars::Text { text, nulls, any } => {
                if matches!(cell, Cell::Container(_)) && !*any {
                    text.push_empty();
                    nulls.append_null();
                    return true;
                }
                cell.write_text(text.buffer());
                text.end_value();
                nulls.append_non_null();
                false
            }
            Scalars::Int(values, nulls) => put(values, nulls, cast(cell, to_int)),
            Scalars::Float(values, nulls) => put(values, nulls, cast(cell, to_float)),
            Scalars::Date(values, nulls) => put(values, nulls, cast(cell, to_date)),
            Scalars::Timestamp(values, nulls) => put(values, nulls, cast(cell, to_timestamp)),
            Scalars::Bool(values, nulls) => match cast(cell, to_bool) {
                Cast::Value(b) => {
                    values.append(b);
                    nulls.append_non_null();
                    false
                }
                other => {
                    values.append(false);
                    nulls.append_null();
                    matches!(other, Cast::Misfit)
                }
            },
        }
    }

    /// Whether anything fits, lists and objects as JSON text (`Typed::Any`).
    pub(crate) fn is_any(&self) -> bool {
        matches!(self, Scalars::Text { any: true, .. })
    }

    /// Where a list or an object goes as JSON text in an `any` column (the caller writes it,
    /// then ends the value); `None` for any other column.
    pub(crate) fn any_text(&mut self) -> Option<(&mut Text, &mut NullBufferBuilder)> {
        match self {
            Scalars::Text {
                text,
                nulls,
                any: true,
            } => Some((text, nulls)),
            _ => None,
        }
    }

    pub(crate) fn push_null(&mut self) {
        match self {
            Scalars::Text { text, nulls, .. } => {
                text.push_empty();
                nulls.append_null();
            }
            Scalars::Int(values, nulls) | Scalars::Timestamp(values, nulls) => {
                values.push(0);
                nulls.append_null();
            }
            Scalars::Float(values, nulls) => {
                values.push(0.0);
                nulls.append_null();
            }
            Scalars::Bool(values, nulls) => {
                values.append(false);
                nulls.append_null();
            }
            Scalars::Date(values, nulls) => {
                values.push(0);
                nulls.append_null();
            }
        }
    }

    pub(crate) fn data_type(&self) -> DataType {
        match self {
            Scalars::Text { .. } => DataType::Utf8,
            Scalars::Int(..) => DataType::Int64,
            Scalars::Float(..) => DataType::Float64,
            Scalars::Bool(..) => DataType::Boolean,
            Scalars::Date(..) => DataType::Date32,
            Scalars::Timestamp(..) => DataType::Timestamp(TimeUnit::Second, None),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Scalars::Text { nulls, .. }
            | Scalars::Int(_, nulls)
            | Scalars::Float(_, nulls)
            | Scalars::Bool(_, nulls)
            | Scalars::Date(_, nulls)
            | Scalars::Timestamp(_, nulls) => nulls.len(),
        }
    }

    pub(crate) fn finish(self) -> ArrayRef {
        match self {
            Scalars::Text {
                text, mut nulls, ..
            } => text.into_array(nulls.finish()),
            Scalars::Int(values, mut nulls) => {
                Arc::new(Int64Array::new(ScalarBuffer::from(values), nulls.finish()))
            }
            Scalars::Float(values, mut nulls) => Arc::new(Float64Array::new(
                ScalarBuffer::from(values),
                nulls.finish(),
            )),
            Scalars::Bool(mut values, mut nulls) => {
                Arc::new(BooleanArray::new(values.finish(), nulls.finish()))
            }
            Scalars::Date(values, mut nulls) => {
                Arc::new(Date32Array::new(ScalarBuffer::from(values), nulls.finish()))
            }
            Scalars::Timestamp(values, mut nulls) => Arc::new(TimestampSecondArray::new(
                ScalarBuffer::from(values),
                nulls.finish(),
            )),
        }
    }
}

/// The cell a JSON text holds (a value of a column whose kinds mixed; see `column::Store`),
/// handed to `f`: strings are unescaped first.
pub(crate) fn with_json_cell<R>(json: &str, f: impl FnOnce(Cell<'_>) -> R) -> R {
    match json.as_bytes().first() {
        Some(b'"') => {
            let mut de = serde_json::Deserializer::from_str(json);
            let text = serde::Deserializer::deserialize_str(&mut de, super::transcode::Key);
            // The text was written by serde_json: it reads back.
            f(Cell::Str(text.as_deref().unwrap_or_default()))
        }
        Some(b'[' | b'{') => f(Cell::Container(json)),
        _ => f(match json {
            "true" => Cell::Bool(true),
            "false" => Cell::Bool(false),
            _ => match number_shape(json) {
                Some(Number::Integer) => json.parse().map_or(Cell::BigInt(json), Cell::Int),
                _ => Cell::Float(json.parse().unwrap_or(f64::NAN)),
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampSecondType};
    use arrow_array::Array;

    fn column(typed: Typed, cells: &[Cell<'_>]) -> (ArrayRef, usize) {
        let mut scalars = Scalars::new(&typed, 0).unwrap();
        let misfits = cells.iter().filter(|&&c| scalars.push(c)).count();
        (scalars.finish(), misfits)
    }

    use Cell::*;

    #[test]
    fn numbers() {
        let cells = [
            Str("100.000000"),
            Str("12"),
            Int(3),
            Float(2.0),
            Float(2.5),
            Str(""),
            Str("0000-00-00"),
            Str("12a"),
            Bool(true),
            Str("1e3"),
            BigInt("99999999999999999999"),
        ];
        let (ints, misfits) = column(Typed::Int, &cells);
        assert_eq!(
            ints.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
            [
                Some(100),
                Some(12),
                Some(3),
                Some(2),
                None,
                None,
                None,
                None,
                None,
                Some(1000),
                None
            ]
        );
        assert_eq!(misfits, 4, "2.5, 12a, true, the big integer");
        let (floats, misfits) = column(Typed::Float, &cells);
        assert_eq!(
            floats
                .as_primitive::<Float64Type>()
                .iter()
                .collect::<Vec<_>>(),
            [
                Some(100.0),
                Some(12.0),
                Some(3.0),
                Some(2.0),
                Some(2.5),
                None,
                None,
                None,
                None,
                Some(1000.0),
                Some(1e20)
            ]
        );
        assert_eq!(misfits, 2, "12a, true");
        assert_eq!(integral(9.3e18), None);
        assert_eq!(integral(-9_223_372_036_854_775_808.0), Some(i64::MIN));
    }

    #[test]
    fn booleans() {
        let cells = [
            Str("0"),
            Str("1"),
            Int(1),
            Int(0),
            Bool(true),
            Str("true"),
            Str("false"),
            Float(1.0),
            Int(2),
            Str("yes"),
            Str(""),
        ];
        let (bools, misfits) = column(Typed::Bool, &cells);
        assert_eq!(
            bools.as_boolean().iter().collect::<Vec<_>>(),
            [
                Some(false),
                Some(true),
                Some(true),
                Some(false),
                Some(true),
                Some(true),
                Some(false),
                Some(true),
                None,
                None,
                None
            ]
        );
        assert_eq!(misfits, 2);
    }

    #[test]
    fn dates_and_timestamps() {
        let cells = [
            Str("2024-02-29"),
            Str("2024-02-29 00:00:00"),
            Str("2024-02-29 10:00:00"),
            Str("0000-00-00 00:00:00"),
            Str("2019-02-30"),
            Str("1970-01-01"),
            Int(5),
        ];
        let (dates, misfits) = column(Typed::Date, &cells);
        assert_eq!(
            dates
                .as_primitive::<Date32Type>()
                .iter()
                .collect::<Vec<_>>(),
            [Some(19_782), Some(19_782), None, None, None, Some(0), None]
        );
        assert_eq!(misfits, 3, "a time of day, an impossible date, a number");
        let (stamps, misfits) = column(Typed::Timestamp, &cells);
        let day = 19_782 * 86_400;
        assert_eq!(
            stamps
                .as_primitive::<TimestampSecondType>()
                .iter()
                .collect::<Vec<_>>(),
            [
                Some(day),
                Some(day),
                Some(day + 36_000),
                None,
                None,
                Some(0),
                None
            ]
        );
        assert_eq!(misfits, 2);
    }

    #[test]
    fn text_and_any() {
        let cells = [
            Str("a"),
            Int(0),
            Float(1.5),
            Bool(false),
            Container("[1]"),
            Str(""),
        ];
        let (text, misfits) = column(Typed::Str, &cells);
        let text: Vec<_> = text.as_string::<i32>().iter().collect();
        assert_eq!(
            text,
            [
                Some("a"),
                Some("0"),
                Some("1.5"),
                Some("false"),
                None,
                Some("")
            ]
        );
        assert_eq!(misfits, 1);
        let (any, misfits) = column(Typed::Any, &cells);
        assert_eq!(any.as_string::<i32>().value(4), "[1]");
        assert_eq!((misfits, any.null_count()), (0, 0));
    }

    #[test]
    fn json_cells() {
        let kinds: Vec<String> = [
            r#""a\"b""#,
            "12",
            "-1.5",
            "true",
            "[1]",
            "{}",
            "18446744073709551616",
        ]
        .iter()
        .map(|json| with_json_cell(json, |cell| format!("{cell:?}")))
        .collect();
        assert_eq!(
            kinds,
            [
                r#"Str("a\"b")"#,
                "Int(12)",
                "Float(-1.5)",
                "Bool(true)",
                r#"Container("[1]")"#,
                r#"Container("{}")"#,
                r#"BigInt("18446744073709551616")"#
            ]
        );
    }
}
