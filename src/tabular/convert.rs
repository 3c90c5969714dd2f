//! String columns → timestamps, dates or numbers, when every non-empty value fits (see the
//! module docs of `tabular`); otherwise they stay strings.

use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Float64Array, Int64Array, TimestampSecondArray};
use arrow_buffer::{BooleanBuffer, NullBuffer, ScalarBuffer};

use super::text::Text;
use super::Options;
use crate::values::{date, datetime, number_shape, Number};

/// A string column as the most specific type all its non-empty values fit.
pub(crate) fn strings(text: Text, nulls: Option<NullBuffer>, options: &Options) -> ArrayRef {
    let valid = |i: usize| nulls.as_ref().is_none_or(|n| n.is_valid(i));
    let mut fits = Fits::ALL;
    let mut any = false;
    for (i, value) in text.iter().enumerate() {
        if valid(i) && !value.is_empty() {
            any = true;
            fits = fits.and(Fits::of(value));
            if fits == Fits::NONE {
                break;
            }
        }
    }
    let target = match () {
        _ if !any => None,
        _ if options.timestamps && fits.datetime => Some(Target::Timestamp),
        _ if options.timestamps && fits.date => Some(Target::Date),
        _ if options.cast_numbers && fits.int => Some(Target::Int),
        _ if options.cast_numbers && fits.number => Some(Target::Float),
        _ => None,
    };
    let Some(target) = target else {
        return text.into_array(nulls);
    };
    // Empty strings become nulls; everything else parses (checked above).
    let kept: Vec<bool> = text
        .iter()
        .enumerate()
        .map(|(i, v)| valid(i) && !v.is_empty())
        .collect();
    let nulls =
        Some(NullBuffer::new(BooleanBuffer::from(kept.as_slice()))).filter(|n| n.null_count() > 0);
    let values = text
        .iter()
        .zip(&kept)
        .map(|(value, &kept)| if kept { Some(value) } else { None });
    match target {
        Target::Timestamp => Arc::new(TimestampSecondArray::new(
            ScalarBuffer::from(
                values
                    .map(|v| v.and_then(datetime).unwrap_or(0))
                    .collect::<Vec<_>>(),
            ),
            nulls,
        )),
        Target::Date => Arc::new(Date32Array::new(
            ScalarBuffer::from(
                values
                    .map(|v| v.and_then(date).unwrap_or(0))
                    .collect::<Vec<_>>(),
            ),
            nulls,
        )),
        Target::Int => Arc::new(Int64Array::new(
            ScalarBuffer::from(
                values
                    .map(|v| v.and_then(|v| v.parse().ok()).unwrap_or(0))
                    .collect::<Vec<i64>>(),
            ),
            nulls,
        )),
        Target::Float => Arc::new(Float64Array::new(
            ScalarBuffer::from(
                values
                    .map(|v| v.and_then(|v| v.parse().ok()).unwrap_or(0.0))
                    .collect::<Vec<f64>>(),
            ),
            nulls,
        )),
    }
}

enum Target {
    Timestamp,
    Date,
    Int,
    Float,
}

/// Which conversions a value (or every value so far) allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fits {
    datetime: bool,
    date: bool,
    /// JSON-number text of an integer that fits int64.
    int: bool,
    /// JSON-number text of a finite float (or a fitting integer).
    number: bool,
}

impl Fits {
    const ALL: Fits = Fits {
        datetime: true,
        date: true,
        int: true,
        number: true,
    };
    const NONE: Fits = Fits {
        datetime: false,
        date: false,
        int: false,
        number: false,
    };

    fn of(value: &str) -> Fits {
        let (int, number) = match number_shape(value) {
            Some(Number::Integer) => match value.parse::<i64>() {
                Ok(_) => (true, true),
                // Beyond int64: neither cast may lose its digits.
                Err(_) => (false, false),
            },
            Some(Number::Real) => (false, value.parse::<f64>().is_ok_and(f64::is_finite)),
            None => (false, false),
        };
        Fits {
            datetime: datetime(value).is_some(),
            date: date(value).is_some(),
            int,
            number,
        }
    }

    fn and(self, other: Fits) -> Fits {
        Fits {
            datetime: self.datetime && other.datetime,
            date: self.date && other.date,
            int: self.int && other.int,
            number: self.number && other.number,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Fits;

    #[test]
    fn number_casts_never_lose_digits() {
        assert!(!Fits::of("99999999999999999999").number);
        assert!(!Fits::of("1e999").number);
        assert!(Fits::of("9223372036854775807").int);
    }
}
