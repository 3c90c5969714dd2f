//! HTTP transport: one reqwest client per `Client`, the credential headers, timeouts, TLS roots and
//! the redirect policy.
//!
//! Credentials ride as default headers marked sensitive (so reqwest never prints them). reqwest
//! strips only `Authorization`/`Cookie` when a redirect leaves the origin and would forward our
//! custom `Authentication-*` headers, so the redirect policy follows same-origin redirects only and
//! stops at any other: the caller gets an `Error::Redirect` instead of a leak.
//!
//! The reqwest client is tied to the runtime that drove its connections, so it is rebuilt when the
//! process id changes (after `fork`), like the runtime itself.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use reqwest::redirect::Policy;
use url::Url;

use crate::config::{join_path, same_origin};
use crate::error::{Error, Result, StatusError};
use crate::limiter::Pacer;
use crate::retry::{parse_retry_after, Decision, RetryPolicy};

/// Hops a same-origin redirect chain may take before we stop following it.
const MAX_REDIRECTS: usize = 10;

#[derive(Clone)]
pub struct TransportConfig {
    pub base_url: Url,
    pub api_key: String,
    pub api_secret: String,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub ca_bundle: Option<PathBuf>,
    pub user_agent: String,
    /// Requests per minute for the whole client; None sends as fast as asked.
    pub rate_limit: Option<f64>,
    /// Requests that may go at once before pacing applies.
    pub rate_burst: u32,
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for TransportConfig {
    // Hand-written so the key and secret can never reach a log or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransportConfig")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &"<redacted>")
            .field("api_secret", &"<redacted>")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("ca_bundle", &self.ca_bundle)
            .field("rate_limit", &self.rate_limit)
            .field("rate_burst", &self.rate_burst)
            .field("retry", &self.retry)
            .finish()
    }
}

/// One API call, before it is sent.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: reqwest::Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Serialized JSON body, if any.
    pub body: Option<Vec<u8>>,
    /// This call's retry budget; None takes the client's.
    pub max_retries: Option<u32>,
    /// Whether repeating it cannot apply it twice; None: by method (everything but POST).
    pub idempotent: Option<bool>,
    /// Send `Accept: */*` instead of JSON (a file download).
    pub accept_any: bool,
}

impl ApiRequest {
    /// A request with the defaults: no query, no body, the client's retries.
    pub fn new(method: reqwest::Method, path: impl Into<String>) -> ApiRequest {
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            max_retries: None,
            idempotent: None,
            accept_any: false,
        }
    }

    pub fn is_idempotent(&self) -> bool {
        self.idempotent
            .unwrap_or(self.method != reqwest::Method::POST)
    }
}

/// One retry that happened, for the DEBUG log (no credentials: they live in headers only).
#[derive(Debug, Clone)]
pub struct RetryNote {
    pub method: String,
    pub url: String,
    /// 1 for the first retry.
    pub retry: u32,
    pub max_retries: u32,
    pub reason: String,
    pub delay: Duration,
}

/// What `send` produced, with the retries it took to get there.
#[derive(Debug)]
pub struct Outcome {
    pub result: Result<ApiResponse>,
    pub retries: Vec<RetryNote>,
}

/// A 2xx answer, body read whole.
#[derive(Debug)]
pub struct ApiResponse {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Bytes,
}

impl ApiResponse {
    /// The `DecodeError` for this answer: a 2xx whose body is not what `reason` says it should
    /// be.
    pub fn decode_error(&self, reason: impl Into<String>) -> Error {
        Error::Decode {
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status,
            reason: reason.into(),
        }
    }

    /// `reason`, followed by what the body was instead of JSON: its content type and first
    /// characters (an HTML error page, a proxy's text).
    pub fn with_body_hint(&self, reason: &str) -> String {
        let ct = self.content_type.as_deref().unwrap_or("no content type");
        let start = crate::error::truncate_chars(
            &String::from_utf8_lossy(&self.body[..self.body.len().min(400)]),
            80,
        );
        format!("{reason}; content type {ct}; body starts {start:?}")
    }
}

pub struct Transport {
    config: TransportConfig,
    client: Mutex<Option<(u32, reqwest::Client)>>,
    closed: AtomicBool,
    pacer: Pacer,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("config", &self.config)
            .finish()
    }
}

impl Transport {
    /// Builds the reqwest client at once so that a bad CA bundle or header fails at construction.
    pub fn new(config: TransportConfig) -> Result<Self> {
        validate_credential("api_key", &config.api_key)?;
        validate_credential("api_secret", &config.api_secret)?;
        let client = build_client(&config)?;
        let pacer = Pacer::new(config.rate_limit, config.rate_burst)?;
        Ok(Transport {
            pacer,
            config,
            client: Mutex::new(Some((std::process::id(), client))),
            closed: AtomicBool::new(false),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.config.base_url
    }

    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// Drop the connection pool; every later call fails with `Error::Closed`. Idempotent.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let mut slot = self
            .client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((owner, client)) = slot.take() {
            if owner != std::process::id() {
                std::mem::forget(client);
            }
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    fn client(&self) -> Result<reqwest::Client> {
        if self.is_closed() {
            return Err(Error::Closed);
        }
        let pid = std::process::id();
        let mut slot = self
            .client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((owner, client)) = slot.as_ref() {
            if *owner == pid {
                return Ok(client.clone());
            }
        }
        if self.is_closed() {
            return Err(Error::Closed);
        }
        if let Some((_, inherited)) = slot.take() {
            // Its connection pool belongs to the parent's runtime; never touch it here.
            std::mem::forget(inherited);
        }
        let client = build_client(&self.config)?;
        *slot = Some((pid, client.clone()));
        Ok(client)
    }

    /// Resolve the full URL of a request without sending it.
    pub fn url_for(&self, request: &ApiRequest) -> Result<Url> {
        let mut url = join_path(&self.config.base_url, &request.path)?;
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    /// Send a request through the pacer, retrying as the policy allows (see `retry.rs`), and
    /// read its body.
    pub async fn send(&self, request: ApiRequest) -> Outcome {
        let mut retries = Vec::new();
        loop {
            self.pacer.ready().await;
            let error = match self.send_once(&request).await {
                Ok(response) => {
                    return Outcome {
                        result: Ok(response),
                        retries,
                    }
                }
                Err(error) => error,
            };
            if let Err(error) = self.after_failure(&request, error, &mut retries).await {
                return Outcome {
                    result: Err(error),
                    retries,
                };
            }
        }
    }

    /// Like `send`, but hand back the 2xx response with its body unread, to be streamed
    /// (downloads). Failures before the body starts are retried like any other.
    pub async fn open(&self, request: &ApiRequest) -> (Result<Streaming>, Vec<RetryNote>) {
        let mut retries = Vec::new();
        loop {
            self.pacer.ready().await;
            let error = match self.head_once(request).await {
                Ok((response, head)) => return (Ok(Streaming { response, head }), retries),
                Err(error) => error,
            };
            if let Err(error) = self.after_failure(request, error, &mut retries).await {
                return (Err(error), retries);
            }
        }
    }

    /// After a failed attempt: wait as the retry policy says and note the retry (Ok), or give
    /// the error back (Err) when it says give up.
    async fn after_failure(
        &self,
        request: &ApiRequest,
        error: Error,
        retries: &mut Vec<RetryNote>,
    ) -> Result<()> {
        let policy = RetryPolicy {
            max_retries: request.max_retries.unwrap_or(self.config.retry.max_retries),
            ..self.config.retry
        };
        let done = u32::try_from(retries.len()).unwrap_or(u32::MAX);
        match policy.decide(request.is_idempotent(), &error, done, fastrand::f64()) {
            Decision::GiveUp => Err(error),
            Decision::Retry {
                delay,
                rate_limited,
                reason,
            } => {
                retries.push(RetryNote {
                    method: request.method.as_str().to_owned(),
                    url: self
                        .url_for(request)
                        .map(|u| u.to_string())
                        .unwrap_or_default(),
                    retry: done + 1,
                    max_retries: policy.max_retries,
                    reason,
                    delay,
                });
                if rate_limited {
                    // Everyone waits: the server said this client is going too fast.
                    self.pacer.pause_for(delay);
                } else {
                    tokio::time::sleep(delay).await;
                }
                Ok(())
            }
        }
    }

    /// One attempt: send and read the body.
    async fn send_once(&self, request: &ApiRequest) -> Result<ApiResponse> {
        let (response, head) = self.head_once(request).await?;
        let body = response
            .bytes()
            .await
            .map_err(|e| map_reqwest_error(&head.method, &head.url, e))?;
        Ok(ApiResponse {
            method: head.method,
            url: head.url,
            status: head.status,
            content_type: head.content_type,
            body,
        })
    }

    /// One attempt up to a 2xx head. Non-2xx answers (their body read for the message) become
    /// `Error::Status`, a refused cross-origin redirect `Error::Redirect`.
    async fn head_once(&self, request: &ApiRequest) -> Result<(reqwest::Response, Head)> {
        let url = self.url_for(request)?;
        let client = self.client()?;
        let method = request.method.as_str().to_owned();
        let shown_url = url.to_string();
        let mut builder = client.request(request.method.clone(), url);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        if request.accept_any {
            builder = builder.header(ACCEPT, "*/*");
        }
        let response = builder
            .send()
            .await
            .map_err(|e| map_reqwest_error(&method, &shown_url, e))?;
        let status = response.status().as_u16();
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let head = Head {
            method,
            url: response.url().to_string(),
            status,
            content_type: header(CONTENT_TYPE),
            content_length: response.content_length(),
            content_disposition: header(reqwest::header::CONTENT_DISPOSITION),
        };
        if (200..300).contains(&status) {
            return Ok((response, head));
        }
        let location = header(reqwest::header::LOCATION);
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| parse_retry_after(&v, std::time::SystemTime::now()));
        let body = response
            .bytes()
            .await
            .map_err(|e| map_reqwest_error(&head.method, &head.url, e))?;
        if let (true, Some(location)) = ((300..400).contains(&status), location) {
            return Err(Error::Redirect {
                method: head.method,
                url: head.url,
                status,
                location,
            });
        }
        let mut error = StatusError::new(&head.method, &head.url, status, head.content_type, body);
        error.retry_after = retry_after;
        Err(Error::Status(Box::new(error)))
    }
}

/// What a response's head says, before its body is read.
#[derive(Debug, Clone)]
pub struct Head {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub content_disposition: Option<String>,
}

/// A 2xx response whose body is read chunk by chunk.
#[derive(Debug)]
pub struct Streaming {
    response: reqwest::Response,
    pub head: Head,
}

impl Streaming {
    /// The next piece of the body; None at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        self.response
            .chunk()
            .await
            .map_err(|e| map_reqwest_error(&self.head.method, &self.head.url, e))
    }
}

fn validate_credential(name: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::Config(format!(
            "{name} is empty; pass {name}= or set SIMPLICATE_{}",
            name.to_ascii_uppercase()
        )));
    }
    if HeaderValue::from_str(value).is_err() || value.chars().any(char::is_control) {
        return Err(Error::Config(format!(
            "{name} contains characters that cannot be sent in an HTTP header"
        )));
    }
    Ok(())
}

fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| Error::Config("credential is not a valid header value".to_owned()))?;
    header.set_sensitive(true);
    Ok(header)
}

fn build_client(config: &TransportConfig) -> Result<reqwest::Client> {
    // reqwest is built without a default crypto provider (ring keeps the wheel small and the build
    // fast); installing it twice is harmless, so the error of a second install is ignored.
    let _ = rustls::crypto::ring::default_provider().install_default();

    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_static("authentication-key"),
        sensitive(&config.api_key)?,
    );
    headers.insert(
        HeaderName::from_static("authentication-secret"),
        sensitive(&config.api_secret)?,
    );
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(
        USER_AGENT,
        HeaderValue::from_str(&config.user_agent)
            .map_err(|_| Error::Config("user agent is not a valid header value".to_owned()))?,
    );

    let mut builder = reqwest::Client::builder()
        .default_headers(headers)
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .redirect(same_origin_policy())
        .https_only(false) // the base URL was validated already: https, or http on loopback
        .pool_idle_timeout(Duration::from_secs(50));
    if let Some(path) = &config.ca_bundle {
        let pem = std::fs::read(path).map_err(|e| {
            Error::Config(format!("ca_bundle={}: cannot read: {e}", path.display()))
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            Error::Config(format!(
                "ca_bundle={}: not a PEM certificate bundle: {e}",
                path.display()
            ))
        })?;
        if certs.is_empty() {
            return Err(Error::Config(format!(
                "ca_bundle={}: contains no certificates",
                path.display()
            )));
        }
        builder = builder.tls_certs_merge(certs);
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

/// Follow redirects only within the origin of the request that started the chain.
pub fn same_origin_policy() -> Policy {
    Policy::custom(|attempt| {
        let allowed = attempt.previous().first().is_some_and(|first| {
            same_origin(first, attempt.url()) && attempt.previous().len() <= MAX_REDIRECTS
        });
        if allowed {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

fn map_reqwest_error(method: &str, url: &str, error: reqwest::Error) -> Error {
    let reason = error_chain(&error);
    // A failure while connecting (refused, DNS, TLS handshake, connect timeout) means the
    // request never left: even a POST may be retried.
    let before_sending = error.is_connect();
    if error.is_timeout() {
        Error::Timeout {
            method: method.to_owned(),
            url: url.to_owned(),
            reason,
            before_sending,
        }
    } else {
        Error::Connection {
            method: method.to_owned(),
            url: url.to_owned(),
            reason,
            before_sending,
        }
    }
}

/// reqwest's own Display says only "error sending request"; the cause chain says why.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> TransportConfig {
        TransportConfig {
            base_url: Url::parse("https://acme.simplicate.nl/api/v2").unwrap(),
            api_key: "k3y".to_owned(),
            api_secret: "s3cret".to_owned(),
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(1),
            ca_bundle: None,
            user_agent: "simplicate-python/test".to_owned(),
            rate_limit: None,
            rate_burst: 1,
            retry: RetryPolicy::default(),
        }
    }

    #[test]
    fn debug_output_never_shows_credentials() {
        let t = Transport::new(config()).unwrap();
        let shown = format!("{t:?}");
        assert!(
            !shown.contains("k3y") && !shown.contains("s3cret"),
            "{shown}"
        );
    }

    #[test]
    fn empty_or_unsendable_credentials_are_refused() {
        let mut c = config();
        c.api_key = " ".to_owned();
        assert!(matches!(Transport::new(c), Err(Error::Config(m)) if m.contains("api_key")));
        let mut c = config();
        c.api_secret = "a\nb".to_owned();
        assert!(matches!(Transport::new(c), Err(Error::Config(m)) if m.contains("api_secret")));
    }

    #[test]
    fn unreadable_or_empty_ca_bundle_is_refused() {
        let mut c = config();
        c.ca_bundle = Some(PathBuf::from("/nonexistent/ca.pem"));
        assert!(matches!(Transport::new(c), Err(Error::Config(m)) if m.contains("cannot read")));
        let dir = std::env::temp_dir().join(format!("simplicate-ca-{}", std::process::id()));
        std::fs::write(&dir, b"not a certificate").unwrap();
        let mut c = config();
        c.ca_bundle = Some(dir.clone());
        let result = Transport::new(c);
        std::fs::remove_file(&dir).ok();
        assert!(matches!(result, Err(Error::Config(m)) if m.contains("ca_bundle")));
    }

    #[test]
    fn query_is_appended_encoded() {
        let t = Transport::new(config()).unwrap();
        let req = ApiRequest {
            query: vec![
                ("q[name]".to_owned(), "*Bob & co*".to_owned()),
                ("limit".to_owned(), "5".to_owned()),
            ],
            ..ApiRequest::new(reqwest::Method::GET, "crm/organization")
        };
        assert_eq!(
            t.url_for(&req).unwrap().as_str(),
            "https://acme.simplicate.nl/api/v2/crm/organization?q%5Bname%5D=*Bob+%26+co*&limit=5"
        );
    }
}
