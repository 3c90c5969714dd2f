//! Response bytes → Python objects, straight from the bytes (our decoder in `json/`), no
//! `serde_json::Value` between.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use simplicate_core::error::Error;
use simplicate_core::transport::ApiResponse;

/// Parse any JSON document into Python objects. Keys (and short values) are cached: records repeat
/// the same field names on every row, and reusing the strings saves both time and memory.
pub fn parse_json<'py>(py: Python<'py>, bytes: &[u8]) -> Result<Bound<'py, PyAny>, String> {
    crate::json::decode(py, bytes)
}

/// `_core._decode_json(bytes)`: the decoder every response goes through, for benchmarks that
/// compare it with orjson on the same bytes.
#[pyfunction]
#[pyo3(name = "_decode_json")]
pub fn decode_json_py<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    parse_json(py, data).map_err(pyo3::exceptions::PyValueError::new_err)
}

/// Decode a 2xx answer into the envelope dict (`data`, `metadata`, `errors`, `debug`), or a
/// `DecodeError` when it is not one.
pub fn decode_envelope<'py>(
    py: Python<'py>,
    response: &ApiResponse,
) -> Result<Bound<'py, PyDict>, Error> {
    let fail = |reason: String| response.decode_error(reason);
    if response.body.is_empty() {
        return Err(fail("the body is empty".to_owned()));
    }
    let value = parse_json(py, &response.body)
        .map_err(|e| fail(response.with_body_hint(&format!("invalid JSON ({e})"))))?;
    let envelope = value
        .cast_into::<PyDict>()
        .map_err(|_| fail("expected a JSON object with a \"data\" key".to_owned()))?;
    match envelope.contains("data") {
        Ok(true) => Ok(envelope),
        _ => Err(fail("the JSON object has no \"data\" key".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn response(body: &'static str) -> ApiResponse {
        ApiResponse {
            method: "GET".to_owned(),
            url: "http://127.0.0.1/api/v2/crm/organization".to_owned(),
            status: 200,
            content_type: Some("application/json".to_owned()),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn envelope_decodes_to_plain_python_objects() {
        crate::test_python::on_python_thread(|py| {
            let env = decode_envelope(
                py,
                &response(r#"{"data": [{"id": "organization:1", "n": 1.5, "ok": true, "x": null}], "errors": null}"#),
            )
            .unwrap();
            let data = env.get_item("data").unwrap().unwrap();
            let repr = data.repr().unwrap().to_string();
            assert_eq!(
                repr,
                "[{'id': 'organization:1', 'n': 1.5, 'ok': True, 'x': None}]"
            );
        });
    }

    #[test]
    fn non_envelopes_are_decode_errors() {
        crate::test_python::on_python_thread(|py| {
            for body in [
                "",
                "<html>oops</html>",
                "[1, 2]",
                r#"{"errors": []}"#,
                r#"{"data": [1,"#,
            ] {
                match decode_envelope(py, &response(body)) {
                    Err(Error::Decode { reason, .. }) => assert!(!reason.is_empty()),
                    other => panic!("{body:?}: {:?}", other.map(|d| d.to_string())),
                }
            }
        });
    }
}
