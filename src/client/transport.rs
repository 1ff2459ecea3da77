//! One HTTP exchange: build the request, follow same-origin redirects, map failures, read bodies.

use std::borrow::Cow;
use std::io::Read;
use std::time::Duration;

use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use http::{HeaderName, HeaderValue, Method, Response, Uri};
use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::{Agent, Body};

use super::retry::Sent;
use super::url::{BaseUrl, Origin};
use crate::error::{ApiError, DecodeError, Error, TransportError, TransportKind, MAX_ERROR_BODY};
use crate::key::{ApiKey, Scrubber};

/// More hops than this is [`Error::Redirect`].
const MAX_REDIRECTS: usize = 10;

pub(crate) const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");
const JSON: HeaderValue = HeaderValue::from_static("application/json");
const EVENT_STREAM: HeaderValue = HeaderValue::from_static("text/event-stream");

/// A failure of one attempt, with what it proves about the request having been sent.
pub(crate) struct Failure {
    pub(crate) error: Error,
    pub(crate) sent: Sent,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure {
            error,
            sent: Sent::Maybe,
        }
    }
}

/// What to send, independent of where redirects take it.
pub(crate) struct Exchange<'a> {
    pub(crate) method: Method,
    /// Borrowed from the caller until a redirect names another URL.
    pub(crate) url: Cow<'a, str>,
    pub(crate) body: Option<&'a [u8]>,
    /// `Some(idle)` for a stream: no total timeout, `idle` between reads instead.
    pub(crate) stream_idle_timeout: Option<Duration>,
}

/// Sends `exchange` with `key`, following redirects only within the base URL's origin.
///
/// Returns the final response with its body unread, whatever its status.
pub(crate) fn send(
    agent: &Agent,
    base: &BaseUrl,
    key: &ApiKey,
    mut exchange: Exchange<'_>,
) -> Result<Response<Body>, Failure> {
    let mut visited: Vec<(Method, String)> = Vec::new();
    loop {
        let response = send_one(agent, key, &exchange)?;
        let status = response.status().as_u16();
        if !matches!(status, 301 | 302 | 303 | 307 | 308) {
            return Ok(response);
        }
        let Some(location) = response
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
        else {
            return Ok(response); // a 3xx that names no target is the API's answer
        };
        let refused = Failure {
            error: Error::Redirect { status },
            // The redirect itself was an answer: the request reached the server.
            sent: Sent::Maybe,
        };
        let Some(next) = resolve(&exchange.url, location) else {
            return Err(refused);
        };
        let same_origin = next
            .parse::<Uri>()
            .ok()
            .and_then(|u| Origin::of(&u))
            .as_ref()
            == Some(base.origin());
        // A target holding the key would put it into a URL, where logs keep it.
        let carries_key = Scrubber::new(key).leaks(&next);
        let from = std::mem::take(&mut exchange.url).into_owned();
        visited.push((exchange.method.clone(), from));
        if !same_origin || carries_key || visited.len() > MAX_REDIRECTS {
            return Err(refused);
        }
        if matches!(status, 301..=303)
            && exchange.method != Method::GET
            && exchange.method != Method::HEAD
        {
            exchange.method = Method::GET;
            exchange.body = None;
        }
        if visited
            .iter()
            .any(|(m, u)| *m == exchange.method && *u == next)
        {
            return Err(refused);
        }
        exchange.url = Cow::Owned(next);
    }
}

fn send_one(
    agent: &Agent,
    key: &ApiKey,
    exchange: &Exchange<'_>,
) -> Result<Response<Body>, Failure> {
    let mut builder = http::Request::builder()
        .method(exchange.method.clone())
        .uri(&*exchange.url)
        .header(X_API_KEY, key.header_value().clone());
    builder = match exchange.stream_idle_timeout {
        Some(_) => builder.header(ACCEPT, EVENT_STREAM),
        None => builder.header(ACCEPT, JSON),
    };
    if exchange.body.is_some() {
        builder = builder.header(CONTENT_TYPE, JSON);
    }
    let result = match exchange.body {
        Some(body) => builder
            .body(body)
            .map(|r| run(agent, r, exchange.stream_idle_timeout)),
        None => builder
            .body(())
            .map(|r| run(agent, r, exchange.stream_idle_timeout)),
    };
    match result {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) => Err(classify(e, key)),
        // Only reachable with a URL that passed our own checks yet fails `http`'s.
        Err(_) => Err(Failure {
            error: Error::InvalidEndpoint("the URL is not valid".to_owned()),
            sent: Sent::No,
        }),
    }
}

fn run<B: ureq::AsSendBody>(
    agent: &Agent,
    request: http::Request<B>,
    stream_idle_timeout: Option<Duration>,
) -> Result<Response<Body>, ureq::Error> {
    match stream_idle_timeout {
        None => agent.run(request),
        Some(idle) => {
            let request = agent
                .configure_request(request)
                .timeout_global(None)
                .timeout_recv_body(None)
                .timeout_per_read(Some(idle))
                .build();
            agent.run(request)
        }
    }
}

/// Maps a ureq error to ours, noting whether the request provably never left.
pub(crate) fn classify(error: ureq::Error, key: &ApiKey) -> Failure {
    use ureq::Timeout as T;
    let scrub = Scrubber::new(key);
    let transport = |kind, sent, error| Failure {
        error: Error::Transport(TransportError::new(kind, error, scrub)),
        sent,
    };
    match error {
        ureq::Error::Timeout(T::Resolve | T::Connect) => Failure {
            error: Error::Timeout,
            sent: Sent::No,
        },
        ureq::Error::Timeout(_) => Failure {
            error: Error::Timeout,
            sent: Sent::Maybe,
        },
        ureq::Error::BodyExceedsLimit(limit) => Error::ResponseTooLarge { limit }.into(),
        ureq::Error::HostNotFound => transport(TransportKind::HostNotFound, Sent::No, error),
        ureq::Error::Io(ref io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                transport(TransportKind::Refused, Sent::No, error)
            }
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Error::Timeout.into(),
            std::io::ErrorKind::InvalidData => {
                transport(TransportKind::InvalidData, Sent::Maybe, error)
            }
            _ => transport(TransportKind::Io, Sent::Maybe, error),
        },
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => {
            transport(TransportKind::Protocol, Sent::Maybe, error)
        }
        ureq::Error::Tls(_) | ureq::Error::TlsRequired => {
            transport(TransportKind::Tls, Sent::Maybe, error)
        }
        #[cfg(feature = "rustls")]
        ureq::Error::Rustls(_) => transport(TransportKind::Tls, Sent::Maybe, error),
        _ => transport(TransportKind::Other, Sent::Maybe, error),
    }
}

/// Resolves a `Location` against the URL that answered with it (RFC 3986 reference forms:
/// absolute, scheme-relative, absolute path, relative path; dot segments are not collapsed,
/// since only the origin decides whether the key may follow).
fn resolve(current: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.is_empty()
        || location
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let current: Uri = current.parse().ok()?;
    let scheme = current.scheme_str()?;
    let authority = current.authority()?.as_str();
    let resolved = if location.starts_with("//") {
        format!("{scheme}:{location}")
    } else if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else if has_scheme(location) {
        location.to_owned()
    } else {
        let path = current.path();
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        format!("{scheme}://{authority}{dir}{location}")
    };
    // Fragments are never sent; `http::Uri` refuses them.
    let resolved = resolved.split('#').next()?.to_owned();
    resolved.parse::<Uri>().ok().map(|_| resolved)
}

fn has_scheme(reference: &str) -> bool {
    match reference.split_once(':') {
        Some((scheme, _)) => {
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Reads a non-success answer into an [`ApiError`], at most [`MAX_ERROR_BODY`] bytes of it.
pub(crate) fn read_api_error(response: Response<Body>, key: &ApiKey) -> ApiError {
    let (parts, body) = response.into_parts();
    let mut bytes = Vec::new();
    // A body cut short by the connection still tells what it can; the status is what matters.
    let complete = body
        .into_reader()
        .take(MAX_ERROR_BODY + 1)
        .read_to_end(&mut bytes)
        .is_ok();
    let truncated = !complete || bytes.len() as u64 > MAX_ERROR_BODY;
    bytes.truncate(MAX_ERROR_BODY as usize);
    ApiError::from_response(
        parts.status.as_u16(),
        &parts.headers,
        &bytes,
        truncated,
        Scrubber::new(key),
    )
}

/// Reads a success body of at most `limit` bytes and parses it as `T`; an empty body is JSON
/// `null` (so `Value::Null`, `()` or `None`).
pub(crate) fn read_json<T: DeserializeOwned>(
    response: Response<Body>,
    limit: u64,
    key: &ApiKey,
) -> Result<T, Error> {
    parse_json(&read_body(response, limit, key)?)
}

/// Reads a success body of at most `limit` bytes, refusing early on a larger `Content-Length`.
pub(crate) fn read_body(
    response: Response<Body>,
    limit: u64,
    key: &ApiKey,
) -> Result<Vec<u8>, Error> {
    declared_length(&response, limit)?;
    response
        .into_body()
        .into_with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| classify(e, key).error)
}

/// The body's declared `Content-Length`; one over `limit` is refused before reading.
pub(crate) fn declared_length(response: &Response<Body>, limit: u64) -> Result<Option<u64>, Error> {
    let declared = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    match declared {
        Some(len) if len > limit => Err(Error::ResponseTooLarge { limit }),
        declared => Ok(declared),
    }
}

/// Serializes a request body.
pub(crate) fn to_json<B: Serialize + ?Sized>(body: &B) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body)
        .map_err(|e| Error::InvalidRequest(format!("the body cannot be serialized as JSON: {e}")))
}

/// Parses a body as `T`; an empty (or all-whitespace) body is JSON `null`.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let decode = |e: serde_json::Error| Error::Decode(DecodeError::from_json(&e));
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return T::deserialize(serde_json::Value::Null).map_err(decode);
    }
    serde_json::from_slice(bytes).map_err(decode)
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn locations_resolve_like_a_browser() {
        let here = "http://127.0.0.1:8080/api/v1/models?x=1";
        assert_eq!(
            resolve(here, "/v1/new").unwrap(),
            "http://127.0.0.1:8080/v1/new"
        );
        assert_eq!(
            resolve(here, "other").unwrap(),
            "http://127.0.0.1:8080/api/v1/other"
        );
        assert_eq!(
            resolve(here, "//evil.example/x").unwrap(),
            "http://evil.example/x"
        );
        assert_eq!(
            resolve(here, "https://evil.example").unwrap(),
            "https://evil.example"
        );
        assert_eq!(resolve(here, "/a#frag").unwrap(), "http://127.0.0.1:8080/a");
        assert!(resolve(here, "").is_none());
    }
}
