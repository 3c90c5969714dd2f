//! The chunked upload's endpoints, `POST upload/chunked` and `PUT upload/chunked/{id}`, and
//! the decoding of their base64 chunks.

use std::fmt;

use axum::response::Response;
use http::StatusCode;
use serde_json::{json, Value};

use super::uploads::AppendError;
use super::{bad_request, body_of, needs, required_string};
use crate::crud::not_found;
use crate::envelope;
use crate::routes::Call;

/// The longest chunk accepted, in base64 characters: "each chunk must not exceed 500 kB (base64
/// encoded)". 500,000 characters carry exactly 375,000 bytes.
pub const MAX_CHUNK_CHARS: usize = 500_000;

/// `POST upload/chunked {"file_name", "file_size"}`.
pub fn start_upload(call: &Call) -> Response {
    let body = body_of(call);
    let file_name = match required_string(body, "file_name") {
        Ok(name) => name.to_owned(),
        Err(message) => return bad_request(message),
    };
    let file_size = match body.get("file_size") {
        None | Some(Value::Null) => return bad_request(needs("file_size")),
        Some(value) => match parse_size(value) {
            Some(size) => size,
            None => {
                return bad_request(format!(
                    "\"file_size\" must be the file's size in bytes, a whole number of at least 1, got {value}"
                ))
            }
        },
    };
    let id = call.store.files().start(file_name, file_size);
    envelope::ok(&json!({ "chunked_upload_id": id }))
}

/// A JSON integer ≥ 1, or a string of decimal digits with that value.
fn parse_size(value: &Value) -> Option<u64> {
    let size = match value {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()?
        }
        _ => return None,
    };
    (size >= 1).then_some(size)
}

fn upload_not_found(id: &str) -> Response {
    not_found("chunked upload", id)
}

/// `PUT upload/chunked/{id} {"chunk": "<base64>"}`.
pub fn put_chunk(call: &Call, id: &str) -> Response {
    let files = call.store.files();
    let Some(before) = files.progress(id) else {
        return upload_not_found(id);
    };
    let chunk = match body_of(call).get("chunk") {
        None | Some(Value::Null) => return bad_request(needs("chunk")),
        Some(Value::String(chunk)) => chunk,
        Some(other) => {
            return bad_request(format!(
                "\"chunk\" must be a string of base64, got {}",
                json_kind(other)
            ))
        }
    };
    if chunk.is_empty() {
        return envelope::ok(&before.to_json());
    }
    if before.done() {
        return done_error();
    }
    let bytes = match decode_chunk(chunk) {
        Ok(bytes) => bytes,
        Err(e) => return bad_request(e.to_string()),
    };
    match files.append(id, &bytes) {
        Ok(progress) => envelope::ok(&progress.to_json()),
        Err(AppendError::NotFound) => upload_not_found(id),
        Err(AppendError::Done) => done_error(),
        Err(AppendError::TooLong {
            current,
            chunk,
            expected,
        }) => bad_request(format!(
            "chunk of {chunk} bytes would make the file {} bytes, more than its file_size of \
             {expected}; nothing was appended ({current} bytes so far)",
            current.saturating_add(chunk)
        )),
        Err(AppendError::NoMemory(total)) => envelope::error(
            StatusCode::INSUFFICIENT_STORAGE,
            format!("The fake could not allocate memory for a file of {total} bytes"),
        ),
    }
}

fn done_error() -> Response {
    bad_request("upload is done; no new chunks are accepted")
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

// ---- base64 ------------------------------------------------------------------------------------

/// Why a chunk is refused before it reaches an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkError {
    /// Longer than [`MAX_CHUNK_CHARS`]: its length in characters.
    TooLong(usize),
    /// Not standard padded base64: why.
    NotBase64(String),
}

impl fmt::Display for ChunkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChunkError::TooLong(n) => {
                write!(f, "chunk exceeds 500 kB (base64 encoded): {n} characters")
            }
            ChunkError::NotBase64(why) => write!(f, "chunk is not valid base64: {why}"),
        }
    }
}

/// A chunk's bytes: standard base64 (`A–Z a–z 0–9 + /`), padded with `=` to a multiple of four
/// characters, no whitespace, at most [`MAX_CHUNK_CHARS`] characters. Unused bits of the last
/// character are ignored, as PHP's `base64_decode` does.
pub fn decode_chunk(chunk: &str) -> Result<Vec<u8>, ChunkError> {
    if chunk.len() > MAX_CHUNK_CHARS {
        let chars = chunk.chars().count();
        if chars > MAX_CHUNK_CHARS {
            return Err(ChunkError::TooLong(chars));
        }
    }
    let input = chunk.as_bytes();
    if !input.len().is_multiple_of(4) {
        return Err(ChunkError::NotBase64(format!(
            "its length, {}, is not a multiple of 4",
            input.len()
        )));
    }
    let padding = input.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return Err(ChunkError::NotBase64(format!(
            "it ends in {padding} '=' (at most 2)"
        )));
    }
    let data = &input[..input.len() - padding];
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    for (i, &b) in data.iter().enumerate() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => {
                let shown = chunk[i..].chars().next().unwrap_or('?');
                return Err(ChunkError::NotBase64(format!(
                    "unexpected {shown:?} at position {i}"
                )));
            }
        };
        acc = acc << 6 | u32::from(v);
        if i % 4 == 3 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
        }
    }
    // The last, padded quad: 2 characters carry 1 byte, 3 carry 2.
    match data.len() % 4 {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(bytes: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for group in bytes.chunks(3) {
            let n =
                group.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - group.len()));
            for k in 0..4 {
                if k <= group.len() {
                    out.push(ABC[(n >> (18 - 6 * k) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn base64_round_trips_and_refuses_what_is_not_standard() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(decode_chunk(&encode(&bytes)).unwrap(), bytes, "{len}");
        }
        assert_eq!(decode_chunk("TWFu").unwrap(), b"Man");
        assert_eq!(decode_chunk("TWE=").unwrap(), b"Ma");
        assert_eq!(decode_chunk("TQ==").unwrap(), b"M");
        // Unused bits set: PHP accepts, so do we.
        assert_eq!(decode_chunk("TR==").unwrap(), b"M");
        for bad in [
            "TWF", "TWFuT", "TQ=", "T===", "====", "TW=u", "=TWF", "TWF-", "TW_u", "TWFu\n",
            " TWFu", "TWFu====", "TWé=",
        ] {
            let e = decode_chunk(bad).unwrap_err();
            assert!(matches!(e, ChunkError::NotBase64(_)), "{bad:?} gave {e:?}");
            assert!(
                e.to_string().starts_with("chunk is not valid base64"),
                "{e}"
            );
        }
        let longest = "A".repeat(MAX_CHUNK_CHARS);
        assert_eq!(decode_chunk(&longest).unwrap().len(), 375_000);
        let e = decode_chunk(&"A".repeat(MAX_CHUNK_CHARS + 1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "chunk exceeds 500 kB (base64 encoded): 500001 characters"
        );
        // Characters, not bytes: 500,000 two-byte characters are not too long, just not base64.
        let wide = "é".repeat(MAX_CHUNK_CHARS);
        assert!(matches!(decode_chunk(&wide), Err(ChunkError::NotBase64(_))));
    }
}
