//! Why decoding stops, and where. The messages are worded as jiter's (and serde_json's), whose
//! decoder this one replaced, so error texts users may match on did not change; the position is
//! appended when the error reaches Python ("expected value at line 1 column 7").

use pyo3::prelude::*;

pub(super) const EOF_LIST: &str = "EOF while parsing a list";
pub(super) const EOF_OBJECT: &str = "EOF while parsing an object";
pub(super) const EOF_STRING: &str = "EOF while parsing a string";
pub(super) const EOF_VALUE: &str = "EOF while parsing a value";
pub(super) const EXPECTED_COLON: &str = "expected `:`";
pub(super) const EXPECTED_LIST_COMMA_OR_END: &str = "expected `,` or `]`";
pub(super) const EXPECTED_OBJECT_COMMA_OR_END: &str = "expected `,` or `}`";
pub(super) const EXPECTED_IDENT: &str = "expected ident";
pub(super) const EXPECTED_VALUE: &str = "expected value";
pub(super) const INVALID_ESCAPE: &str = "invalid escape";
pub(super) const INVALID_NUMBER: &str = "invalid number";
pub(super) const NUMBER_OUT_OF_RANGE: &str = "number out of range";
pub(super) const INVALID_UNICODE: &str = "invalid unicode code point";
pub(super) const CONTROL_CHARACTER: &str =
    "control character (\\u0000-\\u001F) found while parsing a string";
pub(super) const KEY_MUST_BE_A_STRING: &str = "key must be a string";
pub(super) const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";
pub(super) const TRAILING_COMMA: &str = "trailing comma";
pub(super) const TRAILING_CHARACTERS: &str = "trailing characters";
pub(super) const UNEXPECTED_END_OF_HEX_ESCAPE: &str = "unexpected end of hex escape";
pub(super) const RECURSION_LIMIT: &str = "recursion limit exceeded";

/// Why decoding stopped.
pub(super) enum Fail {
    /// Invalid JSON: a message and the byte index it refers to.
    Syntax(&'static str, usize),
    /// A Python API call failed (in practice: out of memory, or an integer Python refuses).
    Python(PyErr),
}

pub(super) type Result<T> = std::result::Result<T, Fail>;

pub(super) fn syntax<T>(message: &'static str, index: usize) -> Result<T> {
    Err(Fail::Syntax(message, index))
}

/// The exception a failed Python API call left.
#[cold]
#[inline(never)]
pub(super) fn python_error(py: Python<'_>) -> Fail {
    Fail::Python(PyErr::fetch(py))
}

/// "line L column C" for byte `index`, counted as jiter (and so the previous decoder) did: a
/// newline at `index` already counts, and past the end the column is the last line's length.
pub(super) fn position(data: &[u8], index: usize) -> String {
    let seen = data.get(..=index).unwrap_or(data);
    // Only when a document is refused: not worth a dependency for a faster byte count.
    #[allow(clippy::naive_bytecount)]
    let line = 1 + seen.iter().filter(|&&b| b == b'\n').count();
    let line_start = seen.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = if index < data.len() {
        index + 1 - line_start
    } else {
        data.len().saturating_sub(line_start)
    };
    format!("line {line} column {column}")
}
