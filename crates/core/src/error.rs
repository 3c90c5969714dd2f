//! The one error type of the Rust core.
//!
//! Every failure the core can produce is a variant here, carrying what the Python exception will
//! need (method, URL, status, the server's words). The conversion to Python lives in
//! `errors.rs` of the extension crate; this module stays free of pyo3 so `cargo test` can check the mapping.

use bytes::Bytes;
pub use simplicate_api::text::truncate_chars;

/// Longest excerpt of a server's words that goes into an exception message.
pub const MAX_MESSAGE_CHARS: usize = 300;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad configuration given to the client (URL, credentials, timeouts, CA bundle).
    #[error("{0}")]
    Config(String),

    /// A bad argument to one call, found before anything was sent.
    #[error("{0}")]
    InvalidArgument(String),

    /// The request could not be sent or its answer could not be read.
    #[error("{method} {url}: connection failed: {reason}")]
    Connection {
        method: String,
        url: String,
        reason: String,
        /// The connection failed while being set up, so the request provably never left
        /// (safe to retry even a POST).
        before_sending: bool,
    },

    /// A connect or total timeout elapsed.
    #[error("{method} {url}: timed out ({reason})")]
    Timeout {
        method: String,
        url: String,
        reason: String,
        /// The connect timeout elapsed: nothing was sent.
        before_sending: bool,
    },

    /// The server answered with a status outside 2xx.
    #[error("{}", .0.message())]
    Status(Box<StatusError>),

    /// The server redirected to another origin; credentials are never sent there.
    #[error(
        "{method} {url}: the server redirected ({status}) to another origin ({location}); \
         credentials are never sent across origins. If your account moved, pass base_url= \
         with the new address"
    )]
    Redirect {
        method: String,
        url: String,
        status: u16,
        location: String,
    },

    /// A 2xx answer whose body is not the JSON envelope.
    #[error("{method} {url}: {status} response is not the JSON envelope: {reason}")]
    Decode {
        method: String,
        url: String,
        status: u16,
        reason: String,
    },

    /// The client was closed before the call.
    #[error("cannot send a request: the client has been closed")]
    Closed,

    /// A bug in the core (for example a panic in a background task).
    #[error("internal error in simplicate's Rust core: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// A non-2xx answer, kept whole so the Python side can expose `body` and `errors`.
#[derive(Debug, Clone)]
pub struct StatusError {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Bytes,
    /// The envelope's `errors` as readable messages, when the body is the JSON envelope; else
    /// empty. One per item of `details`, in the same order.
    pub errors: Vec<String>,
    /// The envelope's `errors` items as the server sent them (strings, objects), nulls left out.
    pub details: Vec<serde_json::Value>,
    /// The server's `Retry-After`, when it sent one that is a hint (429, 503); `0` and past
    /// dates are none (see `retry::parse_retry_after`).
    pub retry_after: Option<std::time::Duration>,
}

/// The exception classes of `simplicate/_exceptions.py` that the core's errors map to, named here
/// so the mapping is unit-tested without Python. The extension resolves each class once, by
/// [`ErrorClass::name`], and indexes them by [`ErrorClass::index`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    Simplicate,
    Configuration,
    Connection,
    Timeout,
    Status,
    Decode,
    BadRequest,
    Authentication,
    PermissionDenied,
    NotFound,
    UnprocessableEntity,
    RateLimit,
    Server,
    ServiceUnavailable,
}

impl ErrorClass {
    /// Every class, in [`ErrorClass::index`] order.
    pub const ALL: [ErrorClass; 14] = [
        ErrorClass::Simplicate,
        ErrorClass::Configuration,
        ErrorClass::Connection,
        ErrorClass::Timeout,
        ErrorClass::Status,
        ErrorClass::Decode,
        ErrorClass::BadRequest,
        ErrorClass::Authentication,
        ErrorClass::PermissionDenied,
        ErrorClass::NotFound,
        ErrorClass::UnprocessableEntity,
        ErrorClass::RateLimit,
        ErrorClass::Server,
        ErrorClass::ServiceUnavailable,
    ];

    /// Its position in [`ErrorClass::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The class's name in `simplicate._exceptions`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Simplicate => "SimplicateError",
            ErrorClass::Configuration => "ConfigurationError",
            ErrorClass::Connection => "APIConnectionError",
            ErrorClass::Timeout => "APITimeoutError",
            ErrorClass::Status => "APIStatusError",
            ErrorClass::Decode => "DecodeError",
            ErrorClass::BadRequest => "BadRequestError",
            ErrorClass::Authentication => "AuthenticationError",
            ErrorClass::PermissionDenied => "PermissionDeniedError",
            ErrorClass::NotFound => "NotFoundError",
            ErrorClass::UnprocessableEntity => "UnprocessableEntityError",
            ErrorClass::RateLimit => "RateLimitError",
            ErrorClass::Server => "ServerError",
            ErrorClass::ServiceUnavailable => "ServiceUnavailableError",
        }
    }

    /// The class for an answer with this status (outside 2xx).
    pub fn for_status(status: u16) -> ErrorClass {
        match status {
            400 => ErrorClass::BadRequest,
            401 => ErrorClass::Authentication,
            403 => ErrorClass::PermissionDenied,
            404 => ErrorClass::NotFound,
            422 => ErrorClass::UnprocessableEntity,
            429 => ErrorClass::RateLimit,
            503 => ErrorClass::ServiceUnavailable,
            500..=599 => ErrorClass::Server,
            _ => ErrorClass::Status,
        }
    }
}

impl StatusError {
    pub fn new(
        method: &str,
        url: &str,
        status: u16,
        content_type: Option<String>,
        body: Bytes,
    ) -> Self {
        let details = envelope_errors(&body);
        let errors = details.iter().map(error_message).collect();
        StatusError {
            method: method.to_owned(),
            url: url.to_owned(),
            status,
            content_type,
            body,
            errors,
            details,
            retry_after: None,
        }
    }

    pub fn is_json(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
    }

    /// `404 Not Found for GET https://…/crm/organization/x: organization … not found`
    pub fn message(&self) -> String {
        let reason = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let mut head = format!("{} {reason}", self.status).trim_end().to_owned();
        head.push_str(&format!(" for {} {}", self.method, self.url));
        match self.server_words() {
            Some(words) => format!("{head}: {words}"),
            None => head,
        }
    }

    /// What the server said, readable and short: the envelope's errors, else the text of the body
    /// (HTML reduced to its text), cut to [`MAX_MESSAGE_CHARS`].
    pub fn server_words(&self) -> Option<String> {
        let words = if self.errors.is_empty() {
            let text = String::from_utf8_lossy(&self.body);
            if looks_like_html(&text) {
                html_to_text(&text)
            } else {
                collapse_whitespace(&text)
            }
        } else {
            self.errors.join("; ")
        };
        if words.is_empty() {
            None
        } else {
            Some(truncate_chars(&words, MAX_MESSAGE_CHARS))
        }
    }
}

/// The items of the `errors` of a `{"data": null, "errors": [...], "debug": null}` body, as
/// sent. The documentation shows a list of strings; real answers (and the spec's `RestError`)
/// also carry objects, a single object or string instead of a list, and nulls, which say
/// nothing and are left out. Anything that is not the envelope gives no items.
pub fn envelope_errors(body: &[u8]) -> Vec<serde_json::Value> {
    let Ok(serde_json::Value::Object(mut map)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return Vec::new();
    };
    match map.swap_remove("errors") {
        Some(serde_json::Value::Array(items)) => {
            items.into_iter().filter(|item| !item.is_null()).collect()
        }
        Some(item @ (serde_json::Value::String(_) | serde_json::Value::Object(_))) => vec![item],
        _ => Vec::new(),
    }
}

/// One item of `errors` as words a person can read. Strings are the message. Objects follow
/// the spec's `RestError` (`code`, `type`, `message`, `translated_message`, `error_message`):
/// the first of the three texts that says something, else the text of a nested `error` (the
/// spec's `RestBatchValidationError` wraps one), else `type (code)`, else the compact JSON.
pub fn error_message(item: &serde_json::Value) -> String {
    use serde_json::Value;
    let Value::Object(fields) = item else {
        return match item {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
    };
    let text = |key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    };
    if let Some(words) = ["message", "translated_message", "error_message"]
        .into_iter()
        .find_map(text)
    {
        return words.to_owned();
    }
    if let Some(nested @ Value::Object(_)) = fields.get("error") {
        return error_message(nested);
    }
    let code = match fields.get("code") {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    };
    match (text("type"), code) {
        (Some(kind), Some(code)) => format!("{kind} ({code})"),
        (Some(kind), None) => kind.to_owned(),
        (None, Some(code)) => format!("error {code}"),
        (None, None) => item.to_string(),
    }
}

fn looks_like_html(text: &str) -> bool {
    let start = text
        .trim_start()
        .get(..15)
        .unwrap_or("")
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with("<head")
}

/// Reduce an HTML error page to its words: the title, else the visible text.
fn html_to_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>")) {
        if start + 7 < end {
            let title = collapse_whitespace(&html[start + 7..end]);
            if !title.is_empty() {
                return title;
            }
        }
    }
    let mut out = String::with_capacity(html.len().min(4096));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    collapse_whitespace(&out)
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, ct: &str, body: &str) -> StatusError {
        StatusError::new(
            "GET",
            "https://acme.simplicate.nl/api/v2/crm/organization",
            code,
            Some(ct.to_owned()),
            Bytes::from(body.to_owned()),
        )
    }

    #[test]
    fn statuses_map_to_the_documented_classes() {
        assert_eq!(class_name(400), "BadRequestError");
        assert_eq!(class_name(401), "AuthenticationError");
        assert_eq!(class_name(403), "PermissionDeniedError");
        assert_eq!(class_name(404), "NotFoundError");
        assert_eq!(class_name(422), "UnprocessableEntityError");
        assert_eq!(class_name(429), "RateLimitError");
        assert_eq!(class_name(500), "ServerError");
        assert_eq!(class_name(502), "ServerError");
        assert_eq!(class_name(503), "ServiceUnavailableError");
        assert_eq!(class_name(409), "APIStatusError");
        assert_eq!(class_name(302), "APIStatusError");
    }

    fn class_name(status: u16) -> &'static str {
        ErrorClass::for_status(status).name()
    }

    #[test]
    fn all_lists_every_class_at_its_index() {
        for (i, class) in ErrorClass::ALL.iter().enumerate() {
            assert_eq!(class.index(), i, "{class:?}");
        }
    }

    #[test]
    fn json_envelope_errors_become_the_message() {
        let e = status(
            400,
            "application/json",
            r#"{"data": null, "errors": ["No country code given", "Bad name"], "debug": null}"#,
        );
        assert_eq!(e.errors, vec!["No country code given", "Bad name"]);
        assert_eq!(
            e.message(),
            "400 Bad Request for GET https://acme.simplicate.nl/api/v2/crm/organization: \
             No country code given; Bad name"
        );
    }

    #[test]
    fn error_objects_become_their_message() {
        let e = status(
            404,
            "application/json",
            r#"{"data": null, "errors": [{"code": 404, "type": "NotFound",
                "message": "Organization not found",
                "translated_message": "Organisatie niet gevonden"}], "debug": null}"#,
        );
        assert_eq!(e.errors, vec!["Organization not found"]);
        assert_eq!(e.details.len(), 1);
        assert_eq!(
            e.details[0]["translated_message"],
            "Organisatie niet gevonden"
        );
        assert!(
            e.message().ends_with(": Organization not found"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn error_objects_without_a_message_fall_back_in_order() {
        let message = |json: &str| error_message(&serde_json::from_str(json).unwrap());
        assert_eq!(
            message(r#"{"message": "", "translated_message": "Niet gevonden"}"#),
            "Niet gevonden"
        );
        assert_eq!(
            message(r#"{"message": " ", "translated_message": null, "error_message": "SQL"}"#),
            "SQL"
        );
        assert_eq!(
            message(r#"{"code": 404, "type": "NotFound", "message": null}"#),
            "NotFound (404)"
        );
        assert_eq!(
            message(r#"{"code": "E12", "type": "Validation"}"#),
            "Validation (E12)"
        );
        assert_eq!(message(r#"{"type": "Server"}"#), "Server");
        assert_eq!(message(r#"{"code": 500}"#), "error 500");
        assert_eq!(
            message(r#"{"field": "name", "n": 1}"#),
            r#"{"field":"name","n":1}"#
        );
        assert_eq!(
            message(r#"{"error": {"code": 1, "message": "Bad VAT"}, "submitted_data": {}}"#),
            "Bad VAT"
        );
        assert_eq!(message("42"), "42");
        assert_eq!(message(r#""as is""#), "as is");
    }

    #[test]
    fn errors_shapes_beyond_a_list_of_strings() {
        let details = |body: &str| envelope_errors(body.as_bytes());
        // A single object or string instead of a list.
        let one = details(r#"{"data": null, "errors": {"code": 403, "message": "No access"}}"#);
        assert_eq!(
            one,
            vec![serde_json::json!({"code": 403, "message": "No access"})]
        );
        assert_eq!(
            details(r#"{"errors": "Just words"}"#),
            vec![serde_json::json!("Just words")]
        );
        // Nulls say nothing; strings and objects keep their order.
        assert_eq!(
            details(r#"{"errors": [null, "a", {"type": "T"}, null]}"#),
            vec![serde_json::json!("a"), serde_json::json!({"type": "T"})]
        );
        // Not the envelope, or nothing in it.
        for body in [
            r#"{"errors": null}"#,
            r#"{"errors": []}"#,
            r#"{"errors": 5}"#,
            r#"{"data": []}"#,
            r#"["x"]"#,
            "not json",
        ] {
            assert!(details(body).is_empty(), "{body}");
        }
        let e = status(
            422,
            "text/plain",
            r#"{"errors": [{"type": "Validation", "code": 422}, "Name is empty"]}"#,
        );
        assert_eq!(e.errors, vec!["Validation (422)", "Name is empty"]);
        assert!(
            e.message().ends_with(": Validation (422); Name is empty"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn plain_text_body_is_quoted_collapsed() {
        let e = status(400, "text/plain", "SSL is\n required\n");
        assert!(e.errors.is_empty());
        assert!(
            e.message().ends_with(": SSL is required"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn html_page_is_reduced_to_its_title_or_text() {
        let e = status(
            502,
            "text/html",
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>x</h1></body></html>",
        );
        assert!(
            e.message().ends_with(": 502 Bad Gateway"),
            "{}",
            e.message()
        );
        let e = status(
            503,
            "text/html",
            "<html><body><p>Down for\nmaintenance</p></body></html>",
        );
        assert!(
            e.message().ends_with(": Down for maintenance"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn long_bodies_are_cut() {
        let e = status(500, "text/plain", &"x".repeat(5000));
        let words = e.server_words().unwrap();
        assert_eq!(words.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(words.ends_with('…'));
    }

    #[test]
    fn empty_body_gives_just_the_status_line() {
        let e = status(404, "text/plain", "");
        assert_eq!(
            e.message(),
            "404 Not Found for GET https://acme.simplicate.nl/api/v2/crm/organization"
        );
    }
}
