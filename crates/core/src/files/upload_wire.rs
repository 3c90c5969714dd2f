//! Chunked upload, the parts that need no Python: slicing, encoding, and reading the server's
//! answers.
//!
//! The API's flow (documentation, "Uploading files"): `POST upload/chunked {file_name,
//! file_size}` opens an upload; `PUT upload/chunked/{id} {"chunk": <base64>}` appends, each
//! chunk at most 500 kB of base64; every answer carries `file_size_current`, `state`
//! (`in_progress`/`done`) and, once done, `upload_queue_id`.
//!
//! Raw slices are `CHUNK_RAW` = 375,000 bytes: a multiple of 3, so each slice's base64 has no
//! padding and the pieces concatenate to the base64 of the whole file, and exactly 500,000
//! characters of base64. Only one slice is in memory at a time.
//!
//! Appending is not idempotent, so a chunk PUT is never retried blindly: when its answer is lost
//! (a 5xx, a timeout, a broken connection after sending) the uploader asks the server where it
//! stands with an empty chunk, which appends nothing and answers the current state, and
//! resumes from the server's `file_size_current`: the chunk is sent again only if it did not
//! land. This empty-chunk probe is our assumption about the real API; the fake implements it.

use base64::Engine;
use serde_json::Value;

/// Raw bytes per chunk: 375,000 bytes are exactly 500,000 characters of base64.
pub const CHUNK_RAW: usize = 375_000;
/// The API's limit on one chunk, in base64 characters ("500 kB, base64 encoded").
pub const CHUNK_MAX_BASE64: usize = 500_000;

/// The JSON body of one chunk PUT.
pub fn chunk_body(raw: &[u8]) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
    let mut body = Vec::with_capacity(encoded.len() + 16);
    body.extend_from_slice(br#"{"chunk":""#);
    body.extend_from_slice(encoded.as_bytes());
    body.extend_from_slice(br#""}"#);
    body
}

/// The JSON body that opens an upload.
pub fn open_body(file_name: &str, file_size: u64) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"file_name": file_name, "file_size": file_size}))
        .unwrap_or_default()
}

/// Where an upload stands, from a chunk answer's `data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadState {
    pub file_size_current: u64,
    pub done: bool,
    pub upload_queue_id: Option<String>,
}

/// Read an answer's envelope; Err with what is wrong when it is not an upload state.
pub fn parse_state(body: &[u8]) -> Result<UploadState, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let data = value
        .get("data")
        .filter(|d| d.is_object())
        .ok_or("no data object in the answer")?;
    let current = data
        .get("file_size_current")
        .and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .ok_or("no file_size_current in the answer")?;
    let state = data
        .get("state")
        .and_then(Value::as_str)
        .ok_or("no state in the answer")?;
    let done = state == "done";
    let upload_queue_id = data
        .get("upload_queue_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if done && upload_queue_id.is_none() {
        return Err("state is done but there is no upload_queue_id".to_owned());
    }
    Ok(UploadState {
        file_size_current: current,
        done,
        upload_queue_id,
    })
}

/// The id in the answer to `POST upload/chunked`.
pub fn parse_opened(body: &[u8]) -> Result<String, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    value["data"]["chunked_upload_id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "no data.chunked_upload_id in the answer".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_chunk_is_exactly_the_limit_and_pieces_concatenate() {
        let raw: Vec<u8> = (0..CHUNK_RAW * 2 + 7)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let first = chunk_body(&raw[..CHUNK_RAW]);
        let b64_len = first.len() - br#"{"chunk":""}"#.len();
        assert_eq!(b64_len, CHUNK_MAX_BASE64);
        let b64 = |body: &[u8]| -> String {
            let v: Value = serde_json::from_slice(body).unwrap();
            v["chunk"].as_str().unwrap().to_owned()
        };
        let joined = raw
            .chunks(CHUNK_RAW)
            .map(|c| b64(&chunk_body(c)))
            .collect::<String>();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(joined)
            .unwrap();
        assert_eq!(decoded, raw);
    }

    #[test]
    fn states() {
        let s = parse_state(
            br#"{"data": {"pointer": 1, "state": "in_progress", "file_size_current": 384000, "file_size_expected": 3781286}}"#,
        )
        .unwrap();
        assert_eq!((s.file_size_current, s.done), (384_000, false));
        let s = parse_state(br#"{"data": {"state": "done", "file_size_current": "858", "upload_queue_id": "uploadqueue:7d"}}"#).unwrap();
        assert!(s.done);
        assert_eq!(s.upload_queue_id.as_deref(), Some("uploadqueue:7d"));
        assert!(parse_state(br#"{"data": {"state": "done", "file_size_current": 1}}"#).is_err());
        assert!(parse_state(br#"{"data": null}"#).is_err());
        assert!(parse_state(b"<html>").is_err());
        assert_eq!(
            parse_opened(br#"{"data": {"chunked_upload_id": "chunkedupload:a0"}}"#).unwrap(),
            "chunkedupload:a0"
        );
        assert!(parse_opened(br#"{"data": {}}"#).is_err());
    }
}
