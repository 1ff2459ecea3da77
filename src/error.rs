//! Every way a call can fail, as a typed branch.
//!
//! Text stored in an error is scrubbed of the API key when the error is built (see
//! [`Scrubber`]), so `Display`, `Debug`, accessors and `source()` chains are safe to log.

use std::fmt;
use std::time::Duration;

use http::HeaderMap;
use serde_json::Value;

use crate::key::{KeyError, Scrubber};
use crate::rate_limit::{self, RateLimit};

/// Error bodies are read up to this many bytes; the rest is ignored.
pub(crate) const MAX_ERROR_BODY: u64 = 64 * 1024;
/// Longest excerpt of a non-envelope body kept in an [`ApiError`].
const EXCERPT_CHARS: usize = 200;

/// What went wrong with a call.
///
/// The first four branches are the API's own answers (the branches of the documentation's
/// `make_authenticated_request`); the others happen before or around the HTTP exchange.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// 401: the key is missing, invalid or expired.
    Unauthorized(ApiError),
    /// 403: the key is valid but lacks the permission.
    Forbidden(ApiError),
    /// 429: too many requests; see [`ApiError::retry_after`] and [`ApiError::rate_limit`].
    RateLimited(ApiError),
    /// Any other status that is not a success (a redirect that was not followed included), and
    /// an error the server reported inside an event stream: its status is the one the event
    /// declares, else the stream's own success status (200).
    Api(ApiError),
    /// The key given to the client is not shaped like a Freddy key. Nothing was sent.
    InvalidApiKey(KeyError),
    /// No key was given (and `FREDDY_API_KEY` is unset or empty for [`FreddyClient::from_env`]).
    ///
    /// [`FreddyClient::from_env`]: crate::FreddyClient::from_env
    MissingApiKey,
    /// An environment variable read by [`FreddyClient::from_env`] holds an unusable value.
    ///
    /// [`FreddyClient::from_env`]: crate::FreddyClient::from_env
    Env {
        /// The variable's name, such as `FREDDY_API_KEY`.
        variable: &'static str,
        /// What is wrong with its value.
        source: Box<Error>,
    },
    /// The base URL is not one the client will send a key to.
    InvalidBaseUrl(String),
    /// The endpoint could leave the API's `/v1/` path, or is not a valid path. Nothing was sent.
    InvalidEndpoint(String),
    /// A request value was refused before sending.
    InvalidRequest(String),
    /// A timeout expired: the total or connect timeout, or a stream's idle timeout.
    Timeout,
    /// The connection failed: connect, DNS, TLS, I/O or an HTTP protocol error.
    Transport(TransportError),
    /// The response body is larger than the limit.
    ResponseTooLarge {
        /// The limit in bytes that was exceeded.
        limit: u64,
    },
    /// A success response whose body is not the expected JSON.
    Decode(DecodeError),
    /// A redirect was refused because it leaves the base URL's origin, loops, has too many
    /// hops or would put the API key into a URL. Nothing was sent to its target.
    Redirect {
        /// The redirect's status code.
        status: u16,
    },
}

impl Error {
    /// The HTTP status behind this error, when the API answered (or redirected).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized(e)
            | Error::Forbidden(e)
            | Error::RateLimited(e)
            | Error::Api(e) => Some(e.status()),
            Error::Redirect { status } => Some(*status),
            Error::Env { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The API's error details, for the four branches that carry them.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Unauthorized(e)
            | Error::Forbidden(e)
            | Error::RateLimited(e)
            | Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: 408, 429, 5xx, timeouts and failed connections.
    ///
    /// The client itself retries only where that is safe for the method (see the crate docs).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::RateLimited(_) | Error::Timeout => true,
            Error::Api(e) => is_transient_status(e.status()),
            Error::Transport(t) => t.is_transient(),
            _ => false,
        }
    }

    /// Builds the branch that matches an error status.
    pub(crate) fn from_status(api: ApiError) -> Error {
        match api.status() {
            401 => Error::Unauthorized(api),
            403 => Error::Forbidden(api),
            429 => Error::RateLimited(api),
            _ => Error::Api(api),
        }
    }
}

pub(crate) fn is_transient_status(status: u16) -> bool {
    matches!(status, 408 | 429) || (500..=599).contains(&status)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unauthorized(e) | Error::Forbidden(e) | Error::RateLimited(e) | Error::Api(e) => e.fmt(f),
            Error::InvalidApiKey(e) => write!(f, "invalid API key: {e}"),
            Error::MissingApiKey => f.write_str(
                "no API key: set FREDDY_API_KEY (for FreddyClient::from_env) or pass one to the client",
            ),
            Error::Env { variable, source } => write!(f, "environment variable {variable}: {source}"),
            Error::InvalidBaseUrl(why) => write!(f, "invalid base URL: {why}"),
            Error::InvalidEndpoint(why) => write!(f, "invalid endpoint: {why}"),
            Error::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            Error::Timeout => f.write_str("the request timed out"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::ResponseTooLarge { limit } => write!(f, "the response is larger than the limit of {limit} bytes"),
            Error::Decode(e) => write!(f, "unexpected response body: {e}"),
            Error::Redirect { status } => write!(
                f,
                "refused a redirect ({status}): it leaves the API's origin, loops, has too many hops or carries the API key"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Every other branch says all it knows in its own text (the API Guidelines: a
            // cause is either displayed or returned as the source, never both).
            Error::Transport(e) => e.source(),
            _ => None,
        }
    }
}

/// The API's error answer: the documented envelope, or what could be made of another body.
///
/// The documented envelope is
/// `{"success": false, "error": {"code", "message", "system_message", "type", "status",
/// "details", "trace_id", "timestamp"}}`. Any other body (HTML from a proxy, truncated JSON,
/// `error` as a plain string, nothing at all) still gives an `ApiError` with the status, the code
/// `HTTP_<status>` and a short excerpt of the body as the message.
#[derive(Clone)]
pub struct ApiError {
    // Boxed so that `Result<_, Error>` stays small on the success path.
    inner: Box<Fields>,
}

#[derive(Debug, Clone)]
struct Fields {
    status: u16,
    code: String,
    message: String,
    system_message: Option<String>,
    error_type: Option<String>,
    details: Option<Value>,
    trace_id: Option<String>,
    timestamp: Option<String>,
    rate_limit: Option<RateLimit>,
    retry_after: Option<Duration>,
}

impl ApiError {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.inner.status
    }

    /// The API's error code (`INVALID_API_KEY`, …), or `HTTP_<status>` when the body had none.
    pub fn code(&self) -> &str {
        &self.inner.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The API's technical message (`system_message`), when given.
    pub fn system_message(&self) -> Option<&str> {
        self.inner.system_message.as_deref()
    }

    /// The error class (`type`, such as `client_error`), when given.
    pub fn error_type(&self) -> Option<&str> {
        self.inner.error_type.as_deref()
    }

    /// The `details` object, when given.
    pub fn details(&self) -> Option<&Value> {
        self.inner.details.as_ref()
    }

    /// The trace id to quote to support, from the body or an `X-Trace-Id`/`X-Request-Id` header.
    pub fn trace_id(&self) -> Option<&str> {
        self.inner.trace_id.as_deref()
    }

    /// When the server saw the error, as it wrote it (ISO 8601 in the documentation).
    pub fn timestamp(&self) -> Option<&str> {
        self.inner.timestamp.as_deref()
    }

    /// The rate-limit headers that came with the error.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.rate_limit
    }

    /// How long the server asked to wait: `Retry-After` (seconds or HTTP date), or on a 429
    /// without it, the time until `X-RateLimit-Reset`.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The documentation's advice for the two authentication failures.
    pub fn hint(&self) -> Option<&'static str> {
        match self.inner.status {
            401 => Some("Authentication failed. Check your API key."),
            403 => Some("Permission denied. Check your account permissions."),
            _ => None,
        }
    }

    /// Reads an error answer. `body` holds at most [`MAX_ERROR_BODY`] bytes; `truncated` says
    /// whether more followed. Everything kept is scrubbed of the key.
    pub(crate) fn from_response(
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        truncated: bool,
        scrub: Scrubber<'_>,
    ) -> ApiError {
        let rate_limit = RateLimit::from_headers(headers);
        let retry_after = rate_limit::retry_after(headers).or_else(|| {
            (status == 429)
                .then(|| rate_limit.map(|r| r.reset_in()))
                .flatten()
        });
        let mut api = Fields::new(status, headers);
        api.retry_after = retry_after;
        let parsed = if truncated {
            None
        } else {
            serde_json::from_slice::<Value>(body).ok()
        };
        if let Some(Value::Object(top)) = parsed {
            api.read_envelope(&top);
        }
        api.finish(
            headers,
            || format!("HTTP_{status}"),
            || excerpt(body, truncated).unwrap_or_else(|| reason(status).to_owned()),
            scrub,
        )
    }

    /// An error the server reported inside an event stream, after answering with a success
    /// `status`. `data` is the event's data: the documented envelope, a flat
    /// `{"type": "error", "code", "message"}`, a JSON string or plain text. The status is the
    /// one the data declares (`error.status` or `status`, 400–599), else the response's own.
    /// Everything kept is scrubbed of the key.
    pub(crate) fn from_stream_event(
        status: u16,
        headers: &HeaderMap,
        data: &str,
        scrub: Scrubber<'_>,
    ) -> ApiError {
        let mut api = Fields::new(status, headers);
        match serde_json::from_str::<Value>(data) {
            Ok(Value::Object(top)) => {
                api.read_envelope(&top);
                let declared = top
                    .get("error")
                    .and_then(|e| e.get("status"))
                    .or_else(|| top.get("status"))
                    .and_then(Value::as_u64)
                    .filter(|s| (400..=599).contains(s));
                if let Some(declared) = declared.and_then(|s| u16::try_from(s).ok()) {
                    api.status = declared;
                }
                if api.code.is_empty() {
                    api.code = top
                        .get("code")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                }
            }
            Ok(Value::String(message)) => api.message = message,
            _ => {}
        }
        api.finish(
            headers,
            || "STREAM_ERROR".to_owned(),
            || {
                excerpt(data.as_bytes(), false)
                    .unwrap_or_else(|| "the server reported an error in the stream".to_owned())
            },
            scrub,
        )
    }
}

impl Fields {
    fn new(status: u16, headers: &HeaderMap) -> Fields {
        Fields {
            status,
            code: String::new(),
            message: String::new(),
            system_message: None,
            error_type: None,
            details: None,
            trace_id: None,
            timestamp: None,
            rate_limit: RateLimit::from_headers(headers),
            retry_after: None,
        }
    }

    /// Fills in what the body did not say, scrubs everything kept, and seals the error.
    fn finish(
        mut self,
        headers: &HeaderMap,
        code: impl FnOnce() -> String,
        message: impl FnOnce() -> String,
        scrub: Scrubber<'_>,
    ) -> ApiError {
        if self.trace_id.is_none() {
            self.trace_id = ["x-trace-id", "x-request-id"]
                .iter()
                .find_map(|h| headers.get(*h)?.to_str().ok())
                .map(str::to_owned);
        }
        if self.code.is_empty() {
            self.code = code();
        }
        if self.message.is_empty() {
            self.message = message();
        }
        ApiError {
            inner: Box::new(self.scrubbed(scrub)),
        }
    }

    fn read_envelope(&mut self, top: &serde_json::Map<String, Value>) {
        match top.get("error") {
            Some(Value::Object(error)) => {
                let text = |name: &str| match error.get(name) {
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                self.code = text("code").unwrap_or_default();
                self.message = text("message").unwrap_or_default();
                self.system_message = text("system_message");
                self.error_type = text("type");
                self.trace_id = text("trace_id");
                self.timestamp = text("timestamp");
                self.details = error.get("details").cloned();
            }
            Some(Value::String(message)) => self.message = message.clone(),
            _ => {}
        }
        if self.message.is_empty() {
            match (top.get("message"), top.get("detail")) {
                (Some(Value::String(m)), _) | (_, Some(Value::String(m))) => {
                    self.message = m.clone()
                }
                (_, Some(detail @ (Value::Array(_) | Value::Object(_)))) => {
                    self.message = first_validation_message(detail).unwrap_or_default();
                    self.details = Some(detail.clone());
                }
                _ => {}
            }
        }
        if self.trace_id.is_none() {
            self.trace_id = top
                .get("trace_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
    }

    fn scrubbed(self, scrub: Scrubber<'_>) -> Fields {
        let s = |text: String| scrub.scrub(&text);
        let o = |text: Option<String>| text.map(|t| scrub.scrub(&t));
        Fields {
            code: s(self.code),
            message: s(self.message),
            system_message: o(self.system_message),
            error_type: o(self.error_type),
            details: self.details.map(|d| scrub.scrub_json(d)),
            trace_id: o(self.trace_id),
            timestamp: o(self.timestamp),
            ..self
        }
    }
}

/// FastAPI's `{"detail": [{"msg": …}]}` validation errors.
fn first_validation_message(detail: &Value) -> Option<String> {
    let first = detail.as_array().and_then(|d| d.first()).unwrap_or(detail);
    first.get("msg").and_then(Value::as_str).map(str::to_owned)
}

/// A short, single-line excerpt of a body that is not the envelope.
fn excerpt(body: &[u8], truncated: bool) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(EXCERPT_CHARS)
        .collect();
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out = collapsed;
    if out.is_empty() {
        return None;
    }
    if truncated || text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    Some(out)
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status")
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} {}: {}",
            self.inner.status,
            OneLine(&self.inner.code),
            OneLine(&self.inner.message)
        )?;
        if let Some(trace) = &self.inner.trace_id {
            write!(f, " (trace id {})", OneLine(trace))?;
        }
        if let Some(wait) = self.inner.retry_after {
            write!(f, " (retry after {:.1} s)", wait.as_secs_f64())?;
        }
        if let Some(hint) = self.hint() {
            write!(f, ". {hint}")?;
        }
        Ok(())
    }
}

/// Server text shown in a log line: newlines and terminal escapes would forge or hide lines, so
/// control characters are shown as spaces. The accessors keep the text as the server sent it.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        self.0
            .chars()
            .try_for_each(|c| f.write_char(if c.is_control() { ' ' } else { c }))
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("ApiError")
            .field("status", &inner.status)
            .field("code", &inner.code)
            .field("message", &inner.message)
            .field("system_message", &inner.system_message)
            .field("error_type", &inner.error_type)
            .field("details", &inner.details)
            .field("trace_id", &inner.trace_id)
            .field("timestamp", &inner.timestamp)
            .field("rate_limit", &inner.rate_limit)
            .field("retry_after", &inner.retry_after)
            .finish()
    }
}

impl std::error::Error for ApiError {}

/// A connection-level failure: connect, DNS, TLS, I/O or HTTP protocol.
///
/// The underlying `ureq` error is available through [`source()`](std::error::Error::source),
/// unless its text contained part of the key, in which case only the summary is kept.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportKind,
    source: Option<ureq::Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransportKind {
    /// The server refused the connection: nothing was sent.
    Refused,
    /// The host name did not resolve: nothing was sent.
    HostNotFound,
    /// TLS failed (certificate, handshake).
    Tls,
    /// The connection broke or another I/O error happened.
    Io,
    /// The server's answer is not valid HTTP.
    Protocol,
    /// Bytes that did not decode: a TLS failure (certificate, handshake) or a corrupt
    /// compressed or chunked body; the source says which.
    InvalidData,
    /// A proxy setting is invalid, or another failure ureq reports.
    Other,
}

impl TransportError {
    pub(crate) fn new(
        kind: TransportKind,
        source: ureq::Error,
        scrub: Scrubber<'_>,
    ) -> TransportError {
        let leaks = {
            let mut chain = String::new();
            let mut next: Option<&(dyn std::error::Error + 'static)> = Some(&source);
            while let Some(e) = next {
                chain.push_str(&format!("{e} {e:?} "));
                next = e.source();
            }
            scrub.leaks(&chain)
        };
        TransportError {
            kind,
            source: (!leaks).then_some(source),
        }
    }

    /// Whether the connection itself could not be made (refused, or the host did not resolve),
    /// which proves the request was never sent.
    pub fn is_connect(&self) -> bool {
        matches!(
            self.kind,
            TransportKind::Refused | TransportKind::HostNotFound
        )
    }

    /// Whether trying again later may succeed (not for TLS or protocol failures).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            TransportKind::Refused | TransportKind::HostNotFound | TransportKind::Io
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            TransportKind::Refused => "the connection was refused",
            TransportKind::HostNotFound => "the host name could not be resolved",
            TransportKind::Tls => "the TLS handshake failed",
            TransportKind::Io => "the connection failed",
            TransportKind::Protocol => "the server's answer is not valid HTTP",
            TransportKind::InvalidData => "the connection carried invalid data (TLS or encoding)",
            TransportKind::Other => "the request could not be sent",
        })
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// A success body that is not the expected JSON.
///
/// The message names what was wrong and where (line and column), never the body's values:
/// `serde_json`'s own messages quote them, and a server may echo the key.
#[derive(Debug, Clone)]
pub struct DecodeError {
    message: String,
}

impl DecodeError {
    pub(crate) fn new(message: impl Into<String>) -> DecodeError {
        DecodeError {
            message: message.into(),
        }
    }

    pub(crate) fn from_json(err: &serde_json::Error) -> DecodeError {
        use serde_json::error::Category;
        let at = format!("line {}, column {}", err.line(), err.column());
        let message = match err.classify() {
            Category::Syntax => format!("not valid JSON (syntax error at {at})"),
            Category::Eof => format!("JSON ends too early (at {at})"),
            Category::Io => "the body could not be read".to_owned(),
            Category::Data => {
                // Field names come from our own types, so this one message is safe to keep.
                let text = err.to_string();
                match text.strip_prefix("missing field ") {
                    Some(rest) => format!(
                        "missing field {}",
                        rest.split(" at line").next().unwrap_or(rest)
                    ),
                    None => format!("JSON of an unexpected shape (at {at})"),
                }
            }
        };
        DecodeError { message }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::ApiKey;

    fn parse(status: u16, body: &str) -> ApiError {
        ApiError::from_response(
            status,
            &HeaderMap::new(),
            body.as_bytes(),
            false,
            Scrubber::none(),
        )
    }

    #[test]
    fn error_as_a_string_becomes_the_message() {
        let e = parse(400, r#"{"error": "bad thing"}"#);
        assert_eq!((e.code(), e.message()), ("HTTP_400", "bad thing"));
    }

    #[test]
    fn fastapi_detail_lists_give_the_first_message() {
        let e = parse(
            422,
            r#"{"detail": [{"loc": ["body"], "msg": "field required", "type": "missing"}]}"#,
        );
        assert_eq!(e.message(), "field required");
        assert!(e.details().is_some());
    }

    #[test]
    fn html_becomes_a_single_line_excerpt() {
        let e = parse(502, "<html>\n<body>\tBad gateway\r\n</body></html>");
        assert_eq!(e.message(), "<html> <body> Bad gateway </body></html>");
        assert_eq!(e.code(), "HTTP_502");
    }

    #[test]
    fn empty_body_uses_the_reason_phrase() {
        assert_eq!(parse(503, "").message(), "Service Unavailable");
    }

    #[test]
    fn a_transport_error_whose_source_quotes_the_key_keeps_only_its_summary() {
        let key: ApiKey = "ak_1234567890abcdef1234567890abcdef12345678"
            .parse()
            .unwrap();
        let scrub = Scrubber::new(&key);
        let quoting = ureq::Error::BadUri(format!("http://x/{}", key.expose_secret()));
        let error = TransportError::new(TransportKind::Protocol, quoting, scrub);
        assert!(std::error::Error::source(&error).is_none());
        let shown = format!("{error} {error:?} {error:#?}");
        assert!(!scrub.leaks(&shown), "{shown}");
        assert_eq!(error.to_string(), "the server's answer is not valid HTTP");

        let harmless = ureq::Error::BadUri("http://x/".to_owned());
        let error = TransportError::new(TransportKind::Protocol, harmless, scrub);
        assert!(
            std::error::Error::source(&error).is_some(),
            "kept when it is clean"
        );
    }

    #[test]
    fn decode_errors_never_quote_values() {
        let err = serde_json::from_str::<u64>(r#""ak_secretvalue""#).unwrap_err();
        let text = DecodeError::from_json(&err).to_string();
        assert!(!text.contains("secret"), "{text}");
    }
}

#[cfg(test)]
mod proptests {
    use http::{HeaderName, HeaderValue};
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::key::ApiKey;

    /// JSON values whose strings and numbers are often cut from `secret`.
    fn value_around(secret: String) -> impl Strategy<Value = Value> + Clone {
        let len = secret.len();
        let digits = secret.clone();
        let fragment = (0..len, 8..=len)
            .prop_map(move |(start, take)| secret[start..len.min(start + take)].to_owned());
        let leaf = prop_oneof![
            1 => Just(Value::Null),
            1 => any::<bool>().prop_map(Value::from),
            1 => any::<i64>().prop_map(Value::from),
            1 => any::<f64>().prop_map(Value::from),
            2 => ".{0,12}".prop_map(Value::from),
            3 => fragment.clone().prop_map(Value::from),
            3 => (0..len).prop_map(move |start| digits_from(&digits, start)),
        ];
        let name = prop_oneof![
            prop::sample::select(vec![
                "error",
                "code",
                "message",
                "system_message",
                "type",
                "details",
                "trace_id",
                "timestamp",
                "detail",
                "msg",
                "status",
            ])
            .prop_map(str::to_owned),
            fragment,
            ".{0,6}",
        ];
        leaf.prop_recursive(4, 32, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(name.clone(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// The number made of the run of digits of `secret` that starts at `start` (`null` when
    /// there is none): a key with a long run of digits can leak through a JSON number too.
    fn digits_from(secret: &str, start: usize) -> Value {
        let run: String = secret[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .take(19)
            .collect();
        run.parse::<u64>().map_or(Value::Null, Value::from)
    }

    /// Arbitrary bytes, arbitrary JSON, and the documented envelope and FastAPI's validation
    /// errors with arbitrary values in every field.
    fn body_around(secret: String) -> impl Strategy<Value = Vec<u8>> {
        let value = value_around(secret);
        let fields = prop::collection::vec(value.clone(), 4);
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            value.clone().prop_map(|v| v.to_string().into_bytes()),
            value.prop_map(|v| json!({ "error": v }).to_string().into_bytes()),
            fields.clone().prop_map(|f| {
                let [code, message, details, trace_id] = [&f[0], &f[1], &f[2], &f[3]];
                let error = json!({ "code": code, "message": message, "details": details,
                                    "trace_id": trace_id, "system_message": message });
                json!({ "success": false, "error": error })
                    .to_string()
                    .into_bytes()
            }),
            fields.prop_map(|f| {
                let detail = json!([{ "loc": f[0], "msg": f[1], "input": f[2] }]);
                json!({ "detail": detail, "trace_id": f[3] })
                    .to_string()
                    .into_bytes()
            }),
        ]
    }

    fn case() -> impl Strategy<Value = (String, u16, Vec<u8>, bool, Option<String>)> {
        prop_oneof!["[A-Za-z0-9]{39}", "[0-9a-f]{39}"].prop_flat_map(|secret| {
            let header = prop_oneof![".{0,20}", Just(secret.clone())];
            (
                Just(secret.clone()),
                any::<u16>(),
                body_around(secret),
                any::<bool>(),
                proptest::option::of(header),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_body_gives_an_error_with_its_status_and_no_key(
            (secret, status, body, truncated, trace) in case(),
        ) {
            let key = ApiKey::new(format!("ak_{secret}")).unwrap();
            let scrubber = Scrubber::new(&key);
            let mut headers = HeaderMap::new();
            if let Some(trace) = trace.and_then(|t| HeaderValue::from_str(&t).ok()) {
                headers.insert(HeaderName::from_static("x-trace-id"), trace);
            }
            let error = ApiError::from_response(status, &headers, &body, truncated, scrubber);
            prop_assert_eq!(error.status(), status);
            prop_assert!(!error.code().is_empty());
            let shown = format!("{error} {error:?} {error:#?}");
            prop_assert!(!scrubber.leaks(&shown), "{}", shown);
        }
    }
}
