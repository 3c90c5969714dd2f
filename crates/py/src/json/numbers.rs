//! Number syntax: JSON's grammar checked byte by byte, and the value read without Python (an
//! `i64`, an `f64`, or the text of an integer too big for 64 bits).

use super::errors::{syntax, Result, EOF_VALUE, INVALID_NUMBER, NUMBER_OUT_OF_RANGE};
use super::MAX_INT_DIGITS;

/// A number read from the input.
pub(super) enum Number<'j> {
    Int(i64),
    Float(f64),
    /// An integer beyond 64 bits: its text (optional minus sign and digits), for Python to read.
    Big(&'j [u8]),
}

/// Read the number starting at `start` (a `-` or a digit); returns it and the index after it.
#[inline]
pub(super) fn scan(data: &[u8], start: usize) -> Result<(Number<'_>, usize)> {
    let mut i = start;
    let negative = data.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    // Integer part: `0` or a non-zero digit followed by digits.
    let digits_start = i;
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    match data.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while let Some(&d) = data.get(i) {
                if !d.is_ascii_digit() {
                    break;
                }
                match magnitude
                    .checked_mul(10)
                    .and_then(|m| m.checked_add(u64::from(d - b'0')))
                {
                    Some(m) => magnitude = m,
                    None => overflow = true,
                }
                i += 1;
            }
        }
        Some(_) => return syntax(INVALID_NUMBER, i),
        None => return syntax(EOF_VALUE, i),
    }
    let digits_end = i;
    let mut is_float = false;
    if data.get(i) == Some(&b'.') {
        is_float = true;
        i += 1;
        let frac_start = i;
        while data.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == frac_start {
            return match data.get(i) {
                None => syntax(EOF_VALUE, i),
                Some(_) => syntax(INVALID_NUMBER, i),
            };
        }
    }
    if matches!(data.get(i), Some(b'e' | b'E')) {
        is_float = true;
        i += 1;
        if matches!(data.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while data.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return match data.get(i) {
                None => syntax(EOF_VALUE, i),
                Some(_) => syntax(INVALID_NUMBER, i),
            };
        }
    }
    // A leading zero must not be followed by more digits ("01").
    if data.get(digits_start) == Some(&b'0')
        && data.get(digits_start + 1).is_some_and(u8::is_ascii_digit)
    {
        return syntax(INVALID_NUMBER, digits_start + 1);
    }
    let text = &data[start..i];
    let number = if is_float {
        // The text is ASCII JSON number syntax, which Rust's (correctly rounded) float parser
        // accepts; out-of-range magnitudes become ±inf or ±0.0, as with `json.loads`.
        let value = std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse::<f64>().ok());
        let Some(value) = value else {
            return syntax(INVALID_NUMBER, start);
        };
        Number::Float(value)
    } else if let Some(value) = signed(magnitude, negative).filter(|_| !overflow) {
        Number::Int(value)
    } else {
        if digits_end - digits_start > MAX_INT_DIGITS {
            return syntax(NUMBER_OUT_OF_RANGE, digits_start);
        }
        Number::Big(text)
    };
    Ok((number, i))
}

/// `magnitude` with its sign, if it fits an `i64`.
fn signed(magnitude: u64, negative: bool) -> Option<i64> {
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}
