//! String columns → timestamps, dates or numbers, when every non-empty value fits (see the
//! module docs of `tabular`); otherwise they stay strings.
//!
//! For dates the *shape* decides (`NNNN-NN-NN`, `NNNN-NN-NN NN:NN:NN`), not validity: the real
//! API sends MySQL zero dates and the odd impossible date among good ones, and one of them must
//! not turn a whole column back into text. Such values become null; the impossible ones are
//! counted (zero dates are the API's "no date", like the empty string, and are not).

use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Float64Array, Int64Array, TimestampSecondArray};
use arrow_buffer::{ArrowNativeType, BooleanBufferBuilder, NullBuffer, ScalarBuffer};

use super::text::Text;
use super::Options;
use simplicate_api::values::{date, datetime, is_zero_date, looks_like_date, number_shape, Number};

/// A string column as the most specific type all its non-empty values fit, and how many
/// values became null there because they do not parse (see the module docs).
pub(crate) fn strings(text: Text, nulls: Option<NullBuffer>, options: &Options) -> (ArrayRef, u64) {
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
        () if !any => None,
        () if options.timestamps && fits.datetime => Some(Target::Timestamp),
        () if options.timestamps && fits.date => Some(Target::Date),
        () if options.cast_numbers && fits.int => Some(Target::Int),
        () if options.cast_numbers && fits.number => Some(Target::Float),
        () => None,
    };
    let Some(target) = target else {
        return (text.into_array(nulls), 0);
    };
    let mut nulled = 0;
    let array: ArrayRef = match target {
        Target::Timestamp => {
            let (values, nulls) = parse(&text, valid, datetime, &mut nulled);
            Arc::new(TimestampSecondArray::new(values, nulls))
        }
        Target::Date => {
            let (values, nulls) = parse(&text, valid, date, &mut nulled);
            Arc::new(Date32Array::new(values, nulls))
        }
        // Every value was checked to parse: nothing is nulled below.
        Target::Int => {
            let (values, nulls) = parse(&text, valid, |v| v.parse::<i64>().ok(), &mut nulled);
            Arc::new(Int64Array::new(values, nulls))
        }
        Target::Float => {
            let (values, nulls) = parse(&text, valid, |v| v.parse::<f64>().ok(), &mut nulled);
            Arc::new(Float64Array::new(values, nulls))
        }
    };
    (array, nulled)
}

/// Every value through `parse` in one pass: null where the row is null, empty, or does not
/// parse (counted in `nulled` unless it is a zero date).
fn parse<T: ArrowNativeType>(
    text: &Text,
    valid: impl Fn(usize) -> bool,
    parse: impl Fn(&str) -> Option<T>,
    nulled: &mut u64,
) -> (ScalarBuffer<T>, Option<NullBuffer>) {
    let mut values = Vec::with_capacity(text.len());
    let mut kept = BooleanBufferBuilder::new(text.len());
    for (i, value) in text.iter().enumerate() {
        let parsed = if valid(i) && !value.is_empty() {
            let parsed = parse(value);
            if parsed.is_none() && !is_zero_date(value) {
                *nulled += 1;
            }
            parsed
        } else {
            None
        };
        kept.append(parsed.is_some());
        values.push(parsed.unwrap_or_default());
    }
    let nulls = Some(NullBuffer::new(kept.finish())).filter(|n| n.null_count() > 0);
    (ScalarBuffer::from(values), nulls)
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
    /// Shaped like `YYYY-MM-DD HH:MM:SS`, a valid date-time or not.
    datetime: bool,
    /// Shaped like `YYYY-MM-DD`, a valid date or not.
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
        let dated = looks_like_date(value);
        Fits {
            datetime: dated && value.len() == 19,
            date: dated && value.len() == 10,
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

    #[test]
    fn the_shape_decides_a_date_not_its_validity() {
        for datetime in [
            "0000-00-00 00:00:00",
            "2019-02-30 10:00:00",
            "2024-01-01 24:00:00",
        ] {
            let fits = Fits::of(datetime);
            assert!(fits.datetime && !fits.date, "{datetime}");
        }
        for date in ["0000-00-00", "2019-02-30"] {
            let fits = Fits::of(date);
            assert!(fits.date && !fits.datetime, "{date}");
        }
        assert_eq!(Fits::of("tomorrow"), Fits::NONE);
    }
}
