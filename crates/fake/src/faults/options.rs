//! Fault options as the host gives them, validated (each refusal naming its argument) into
//! the [`Applied`] a rule carries.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::HeaderValue;
use http::StatusCode;

use super::glob::normalise_glob;
use super::{Action, Applied, Canned};
use crate::envelope;

/// Longest delay a rule may ask for. A test that needs a stuck server wants a timeout on the
/// client side, not a fake that holds a connection for ever.
pub const MAX_DELAY_SECS: f64 = 86_400.0;

/// A fault rule as the host describes it: the flat keyword arguments of `fake.inject(...)`.
/// [`Faults::inject`](super::Faults::inject) validates the combination and turns it into a rule.
///
/// Exactly one action: `status` (optionally with `body`, `content_type`, `retry_after`),
/// `drop_connection`, or `truncate`; or `delay` alone; or `delay` with `status`.
#[derive(Debug, Clone, Default)]
pub struct FaultOptions {
    /// Matched against the path below `/api/v2/` (percent-escapes as received, no query), e.g.
    /// `"crm/organization*"`. `*` matches any run of characters, `/` included; everything else
    /// is literal. A leading `/` or `/api/v2/` is ignored, so the full path works too.
    pub path_glob: String,
    /// Only requests with this method (any case); `None` for all.
    pub method: Option<String>,
    /// Matching requests the rule applies to before it expires; `None` for no limit.
    /// (`Default` gives `None`; the Python API defaults to 1.)
    pub times: Option<u64>,
    /// Fraction of matching requests to fault, in (0, 1]; `None` for all of them.
    pub rate: Option<f64>,
    /// Seconds to wait before answering (normally, or with `status`).
    pub delay: Option<f64>,
    /// Answer with this status (200..=599) instead of handling the request.
    pub status: Option<u16>,
    /// Body of the `status` answer; default: the error envelope with "<reason> (injected)".
    pub body: Option<Vec<u8>>,
    /// Content-Type of the `status` answer; default `application/json`.
    pub content_type: Option<String>,
    /// `Retry-After` of the `status` answer, sent verbatim (seconds or an HTTP date).
    pub retry_after: Option<String>,
    /// Start the real answer, then close the connection in the middle of its body.
    pub drop_connection: bool,
    /// Send the real answer with its body cut in half (and a Content-Length that matches).
    pub truncate: bool,
}

/// An invalid [`FaultOptions`]: which argument, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultError {
    /// The offending keyword argument, as spelled in `fake.inject(...)`.
    pub argument: &'static str,
    pub message: String,
}

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FaultError {}

fn invalid(argument: &'static str, message: impl Into<String>) -> FaultError {
    FaultError {
        argument,
        message: message.into(),
    }
}

pub(super) fn validate(
    options: FaultOptions,
) -> Result<(Applied, String, Option<String>), FaultError> {
    let FaultOptions {
        path_glob,
        method,
        times,
        rate,
        delay,
        status,
        body,
        content_type,
        retry_after,
        drop_connection,
        truncate,
    } = options;

    let method = match method {
        None => None,
        Some(m) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Some(m.to_ascii_uppercase())
        }
        Some(m) => {
            return Err(invalid(
                "method",
                format!("method must be an HTTP method such as \"GET\", got {m:?}"),
            ))
        }
    };
    if times == Some(0) {
        return Err(invalid(
            "times",
            "times must be at least 1, or None to apply to every matching request",
        ));
    }
    if let Some(rate) = rate {
        // Written so that NaN fails too.
        if !(rate > 0.0 && rate <= 1.0) {
            return Err(invalid(
                "rate",
                format!("rate must be a fraction in (0, 1], got {rate}"),
            ));
        }
    }
    let delay = match delay {
        None => None,
        Some(secs) if (0.0..=MAX_DELAY_SECS).contains(&secs) => Some(Duration::from_secs_f64(secs)),
        Some(secs) => {
            return Err(invalid(
                "delay",
                format!("delay must be between 0 and {MAX_DELAY_SECS} seconds, got {secs}"),
            ))
        }
    };

    let actions =
        usize::from(status.is_some()) + usize::from(drop_connection) + usize::from(truncate);
    if actions > 1 {
        let argument = if status.is_some() {
            "status"
        } else {
            "drop_connection"
        };
        return Err(invalid(
            argument,
            "give only one of status=, drop_connection=True and truncate=True",
        ));
    }
    if actions == 0 && delay.is_none() {
        return Err(invalid(
            "status",
            "nothing to inject: give status=, delay=, drop_connection=True or truncate=True",
        ));
    }
    if delay.is_some() && (drop_connection || truncate) {
        return Err(invalid(
            "delay",
            "delay= combines only with status=, not with drop_connection= or truncate=",
        ));
    }
    if status.is_none() {
        for (argument, given) in [
            ("body", body.is_some()),
            ("content_type", content_type.is_some()),
            ("retry_after", retry_after.is_some()),
        ] {
            if given {
                return Err(invalid(
                    argument,
                    format!("{argument}= only applies to an injected status= answer"),
                ));
            }
        }
    }

    let action = if let Some(code) = status {
        Action::Respond(canned(code, body, content_type, retry_after)?)
    } else if drop_connection {
        Action::DropConnection
    } else if truncate {
        Action::Truncate
    } else {
        Action::Pass
    };
    Ok((
        Applied { delay, action },
        normalise_glob(&path_glob),
        method,
    ))
}

fn canned(
    code: u16,
    body: Option<Vec<u8>>,
    content_type: Option<String>,
    retry_after: Option<String>,
) -> Result<Canned, FaultError> {
    // 1xx cannot end an exchange (hyper would answer 500 instead), and HTTP has nothing
    // above 599.
    let status = StatusCode::from_u16(code)
        .ok()
        .filter(|s| (200..=599).contains(&s.as_u16()))
        .ok_or_else(|| invalid("status", format!("status must be 200..599, got {code}")))?;
    let body = if let Some(bytes) = body {
        Bytes::from(bytes)
    } else {
        let reason = status.canonical_reason().unwrap_or("Error");
        Bytes::from(envelope::error_body(format!("{reason} (injected)")))
    };
    let header = |argument: &'static str, value: String| {
        if value.is_empty() {
            return Err(invalid(argument, format!("{argument} must not be empty")));
        }
        HeaderValue::from_str(&value).map_err(|_| {
            invalid(
                argument,
                format!("{argument} must be printable ASCII for an HTTP header, got {value:?}"),
            )
        })
    };
    let content_type = match content_type {
        Some(value) => header("content_type", value)?,
        None => HeaderValue::from_static("application/json"),
    };
    let retry_after = retry_after
        .map(|value| header("retry_after", value))
        .transpose()?;
    Ok(Canned {
        status,
        body,
        content_type,
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::status;
    use super::super::Faults;
    use super::*;

    #[test]
    fn validation_names_the_argument() {
        let bad = |options: FaultOptions| Faults::new(0).inject(options).unwrap_err().argument;
        let none = FaultOptions {
            path_glob: "*".into(),
            ..FaultOptions::default()
        };
        assert_eq!(bad(none.clone()), "status");
        assert_eq!(
            bad(FaultOptions {
                drop_connection: true,
                ..status(503)
            }),
            "status"
        );
        assert_eq!(
            bad(FaultOptions {
                drop_connection: true,
                truncate: true,
                ..none.clone()
            }),
            "drop_connection"
        );
        assert_eq!(
            bad(FaultOptions {
                delay: Some(1.0),
                truncate: true,
                ..none.clone()
            }),
            "delay"
        );
        for delay in [0.0, -0.0, MAX_DELAY_SECS] {
            assert!(Faults::new(0)
                .inject(FaultOptions {
                    delay: Some(delay),
                    ..none.clone()
                })
                .is_ok());
        }
        for delay in [-1.0, -1e-9, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e9] {
            assert_eq!(
                bad(FaultOptions {
                    delay: Some(delay),
                    ..none.clone()
                }),
                "delay"
            );
        }
        assert_eq!(
            bad(FaultOptions {
                times: Some(0),
                ..status(503)
            }),
            "times"
        );
        for rate in [0.0, -0.5, 1.5, f64::NAN] {
            assert_eq!(
                bad(FaultOptions {
                    rate: Some(rate),
                    ..status(503)
                }),
                "rate"
            );
        }
        for code in [0, 100, 199, 600, 1000] {
            assert_eq!(bad(status(code)), "status");
        }
        assert_eq!(
            bad(FaultOptions {
                method: Some("GE T".into()),
                ..status(503)
            }),
            "method"
        );
        assert_eq!(
            bad(FaultOptions {
                body: Some(b"x".to_vec()),
                truncate: true,
                ..none.clone()
            }),
            "body"
        );
        assert_eq!(
            bad(FaultOptions {
                retry_after: Some("5".into()),
                delay: Some(0.1),
                ..none.clone()
            }),
            "retry_after"
        );
        assert_eq!(
            bad(FaultOptions {
                retry_after: Some("5\r\nX: y".into()),
                ..status(503)
            }),
            "retry_after"
        );
        assert_eq!(
            bad(FaultOptions {
                content_type: Some(String::new()),
                ..status(503)
            }),
            "content_type"
        );
    }

    #[test]
    fn default_body_is_the_error_envelope() {
        let faults = Faults::new(0);
        faults.inject(status(503)).unwrap();
        let Some(Applied {
            action: Action::Respond(canned),
            delay: None,
        }) = faults.pick("GET", "/api/v2/x")
        else {
            panic!("expected a canned answer");
        };
        let body: serde_json::Value = serde_json::from_slice(&canned.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"data": null, "errors": ["Service Unavailable (injected)"], "debug": null})
        );
        assert_eq!(canned.content_type, "application/json");
    }
}
