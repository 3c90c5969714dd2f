//! String syntax: finding the end of a string eight bytes at a time, escapes (`\\uXXXX` with
//! surrogate pairs), control characters, and UTF-8 validation. A string without escapes is
//! handed on as a range of the input; one with escapes is decoded into the decoder's `tape`.

use super::errors::{
    syntax, Result, CONTROL_CHARACTER, EOF_STRING, INVALID_ESCAPE, INVALID_UNICODE, LONE_SURROGATE,
    UNEXPECTED_END_OF_HEX_ESCAPE,
};
use super::Decoder;

/// Where the bytes of the string just read are.
#[derive(Clone, Copy)]
pub(super) enum Span {
    /// `data[start..end]`: the string had no escapes.
    Input(usize, usize),
    /// The decoder's `tape`: the string had escapes.
    Tape,
}

impl Decoder<'_, '_> {
    /// Read the string whose opening quote is at `pos`; leave `pos` after its closing quote.
    /// The bytes are valid UTF-8.
    #[inline(always)]
    pub(super) fn read_string(&mut self) -> Result<Span> {
        let start = self.pos + 1;
        let (stop, non_ascii) = find_stop(self.data, start);
        match self.data.get(stop) {
            Some(b'"') => {
                let bytes = &self.data[start..stop];
                if non_ascii {
                    if let Err(e) = std::str::from_utf8(bytes) {
                        return syntax(INVALID_UNICODE, start + e.valid_up_to());
                    }
                }
                self.pos = stop + 1;
                Ok(Span::Input(start, stop))
            }
            Some(b'\\') => self.read_escaped_string(start, stop, non_ascii),
            Some(_) => syntax(CONTROL_CHARACTER, stop),
            None => syntax(EOF_STRING, self.data.len()),
        }
    }

    /// The slow path of `read_string`: decode into `tape` from the first backslash at `at`.
    #[cold]
    fn read_escaped_string(
        &mut self,
        start: usize,
        mut at: usize,
        mut non_ascii: bool,
    ) -> Result<Span> {
        let data = self.data;
        self.tape.clear();
        let mut chunk = start;
        loop {
            // `data[at]` is a backslash.
            self.tape.extend_from_slice(&data[chunk..at]);
            let Some(&escape) = data.get(at + 1) else {
                return syntax(EOF_STRING, data.len());
            };
            at += 2;
            match escape {
                b'"' | b'\\' | b'/' => self.tape.push(escape),
                b'b' => self.tape.push(b'\x08'),
                b'f' => self.tape.push(b'\x0c'),
                b'n' => self.tape.push(b'\n'),
                b'r' => self.tape.push(b'\r'),
                b't' => self.tape.push(b'\t'),
                b'u' => {
                    let (c, end) = unicode_escape(data, at)?;
                    at = end;
                    let mut buf = [0u8; 4];
                    self.tape
                        .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => return syntax(INVALID_ESCAPE, at - 1),
            }
            chunk = at;
            let (stop, more_non_ascii) = find_stop(data, at);
            non_ascii |= more_non_ascii;
            match data.get(stop) {
                Some(b'"') => {
                    self.tape.extend_from_slice(&data[chunk..stop]);
                    // Escapes only produce whole characters, so validating the concatenation
                    // is validating the raw runs between them.
                    if non_ascii {
                        if let Err(e) = std::str::from_utf8(&self.tape) {
                            let bad = e.valid_up_to();
                            return syntax(INVALID_UNICODE, start + bad.min(stop - start));
                        }
                    }
                    self.pos = stop + 1;
                    return Ok(Span::Tape);
                }
                Some(b'\\') => at = stop,
                Some(_) => return syntax(CONTROL_CHARACTER, stop),
                None => return syntax(EOF_STRING, data.len()),
            }
        }
    }
}

/// Decode `\uXXXX` (with a following `\uXXXX` for a surrogate pair) whose hex digits start at
/// `at`; returns the character and the index after the escape.
fn unicode_escape(data: &[u8], at: usize) -> Result<(char, usize)> {
    let first = hex4(data, at)?;
    let mut end = at + 4;
    let code = match first {
        0xDC00..=0xDFFF => return syntax(LONE_SURROGATE, end - 1),
        0xD800..=0xDBFF => {
            match (data.get(end), data.get(end + 1)) {
                (Some(b'\\'), Some(b'u')) => {}
                (Some(b'\\'), None) | (None, _) => return syntax(EOF_STRING, data.len()),
                _ => return syntax(UNEXPECTED_END_OF_HEX_ESCAPE, end),
            }
            let second = hex4(data, end + 2)?;
            end += 6;
            if !(0xDC00..=0xDFFF).contains(&second) {
                return syntax(LONE_SURROGATE, end - 1);
            }
            0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        }
        _ => first,
    };
    match char::from_u32(code) {
        Some(c) => Ok((c, end)),
        None => syntax(INVALID_ESCAPE, end - 1),
    }
}

/// Four hex digits at `at`.
fn hex4(data: &[u8], at: usize) -> Result<u32> {
    let Some(digits) = data.get(at..at + 4) else {
        return syntax(EOF_STRING, data.len());
    };
    let mut n = 0u32;
    for (k, &d) in digits.iter().enumerate() {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return syntax(INVALID_ESCAPE, at + k),
        };
        n = n << 4 | u32::from(v);
    }
    Ok(n)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The index of the first `"`, `\` or control character at or after `i` (or `data.len()`), and
/// whether a non-ASCII byte comes before it. Eight bytes at a time (SWAR).
#[inline]
fn find_stop(data: &[u8], mut i: usize) -> (usize, bool) {
    let mut high = 0u64;
    while let Some(chunk) = data.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let w = u64::from_le_bytes(*chunk);
        // The lowest flagged byte of each test is exact (borrows only run upwards), so the
        // lowest bit of the union is the first stop byte.
        let stops =
            has_byte(w, b'"') | has_byte(w, b'\\') | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS);
        if stops != 0 {
            let below = (stops & stops.wrapping_neg()) - 1;
            high |= w & HIGHS & below;
            return (i + (stops.trailing_zeros() / 8) as usize, high != 0);
        }
        high |= w & HIGHS;
        i += 8;
    }
    let mut non_ascii = high != 0;
    while let Some(&b) = data.get(i) {
        match b {
            b'"' | b'\\' | 0..=0x1f => break,
            0x80.. => non_ascii = true,
            _ => {}
        }
        i += 1;
    }
    (i, non_ascii)
}

/// High bit set in each byte of `w` equal to `b` (exact for the lowest such byte).
#[inline]
fn has_byte(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGHS
}
