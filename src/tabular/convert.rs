//! String columns → timestamps, dates or numbers, when every non-empty value fits (see the
//! module docs of `tabular`); otherwise they stay strings.

use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Float64Array, Int64Array, TimestampSecondArray};
use arrow_buffer::{BooleanBuffer, NullBuffer, ScalarBuffer};

use super::text::Text;
use super::Options;

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

enum Number {
    Integer,
    Real,
}

/// The JSON number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_shape(s: &str) -> Option<Number> {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return None,
    }
    let mut real = false;
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
        real = true;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
        real = true;
    }
    (i == b.len()).then_some(if real { Number::Real } else { Number::Integer })
}

/// Seconds since 1970-01-01 00:00:00 of a valid `YYYY-MM-DD HH:MM:SS` (no zone).
fn datetime(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let days = date(&s[..10])?;
    let (h, m, sec) = (num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?);
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    Some(i64::from(days) * 86_400 + i64::from(h * 3600 + m * 60 + sec))
}

/// Days since 1970-01-01 of a valid `YYYY-MM-DD`.
fn date(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(&b[..4])?, num(&b[5..7])?, num(&b[8..10])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if y == 0 || d == 0 || d > month_days {
        return None;
    }
    Some(days_from_civil(y as i32, m, d))
}

fn num(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// Days from 1970-01-01 to a proleptic Gregorian date (the standard era-based algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_datetimes() {
        assert_eq!(date("1970-01-01"), Some(0));
        assert_eq!(date("2000-03-01"), Some(11_017));
        assert_eq!(date("2024-02-29"), Some(19_782));
        assert_eq!(date("1969-12-31"), Some(-1));
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-00-10",
            "0000-00-00",
            "2024-1-01",
            "2024/01/01",
            "2024-01-01 ",
            "20x4-01-01",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
        assert_eq!(datetime("1970-01-02 01:02:03"), Some(86_400 + 3723));
        assert_eq!(datetime("2000-02-29 23:59:59"), Some(951_868_799));
        for bad in [
            "2024-01-01 24:00:00",
            "2024-01-01 12:60:00",
            "2024-01-01T12:00:00",
            "2024-01-01 12:00",
            "0000-00-00 00:00:00",
        ] {
            assert_eq!(datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn json_number_shapes() {
        for (text, shape) in [
            ("0", Some(true)),
            ("-12", Some(true)),
            ("12.5", Some(false)),
            ("-0.5e-3", Some(false)),
            ("1E3", Some(false)),
            ("012", None),
            ("1.", None),
            (".5", None),
            ("+1", None),
            (" 1", None),
            ("1e", None),
            ("0x10", None),
            ("", None),
            ("-", None),
            ("NaN", None),
        ] {
            let got = number_shape(text).map(|n| matches!(n, Number::Integer));
            assert_eq!(got, shape, "{text:?}");
        }
        assert!(!Fits::of("99999999999999999999").number);
        assert!(!Fits::of("1e999").number);
        assert!(Fits::of("9223372036854775807").int);
    }
}
