//! How the API spells values inside JSON strings: dates, date-times, MySQL zero dates and
//! decimal numbers. Shared by the table builder (which turns such strings into typed columns)
//! and the record model (which checks them). Pure functions, no allocation.

/// What [`number_shape`] found.
pub enum Number {
    Integer,
    Real,
}

/// The JSON number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub fn number_shape(s: &str) -> Option<Number> {
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
pub fn datetime(s: &str) -> Option<i64> {
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
pub fn date(s: &str) -> Option<i32> {
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

/// A MySQL zero date, the API's spelling of "no date": `0000-00-00`, `0000-00-00 00:00:00`.
pub fn is_zero_date(s: &str) -> bool {
    matches!(s, "0000-00-00" | "0000-00-00 00:00:00")
}

/// Shaped like a date or a date-time (`NNNN-NN-NN`, optionally ` NN:NN:NN`), valid or not:
/// `2019-02-30` and `0000-00-00` are; `tomorrow` is not.
pub fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    let date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    match b.len() {
        10 => date,
        19 => {
            date && b[10] == b' '
                && digits(11..13)
                && b[13] == b':'
                && digits(14..16)
                && b[16] == b':'
                && digits(17..19)
        }
        _ => false,
    }
}

/// The value of decimal text in the JSON number grammar (`"100.000000"`, `"-0.5"`, `"12"`),
/// as the API sends many numbers; `None` for anything else, and for values beyond f64.
pub fn number_text(s: &str) -> Option<f64> {
    number_shape(s)?;
    s.parse::<f64>().ok().filter(|f| f.is_finite())
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
        assert_eq!(number_text("100.000000"), Some(100.0));
        assert_eq!(number_text("1e999"), None);
        assert_eq!(number_text("12a"), None);
    }

    #[test]
    fn zero_dates_and_date_shapes() {
        assert!(is_zero_date("0000-00-00") && is_zero_date("0000-00-00 00:00:00"));
        assert!(!is_zero_date("1970-01-01"));
        for shaped in [
            "0000-00-00",
            "2019-02-30",
            "2024-01-01 24:00:00",
            "1970-01-01",
        ] {
            assert!(looks_like_date(shaped), "{shaped}");
        }
        for other in [
            "",
            "tomorrow",
            "2024-1-01",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00",
        ] {
            assert!(!looks_like_date(other), "{other}");
        }
    }
}
