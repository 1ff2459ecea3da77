//! [`ResponseStream`]: a streamed answer, event by event, as the bytes arrive.

use std::fmt;
use std::io::{self, Read};
use std::iter::FusedIterator;
use std::time::Duration;

use http::header::CONTENT_TYPE;
use http::{HeaderMap, Response};
use serde_json::Value;
use ureq::{Body, BodyReader};

use super::sse::{self, Decoder, TooLarge};
use crate::client::transport;
use crate::error::{ApiError, DecodeError, Error};
use crate::key::{ApiKey, Scrubber};

/// Bytes asked of the connection per read. A read returns what has arrived, so this bounds
/// memory, not latency.
const READ_SIZE: usize = 8 * 1024;

/// A streamed model response: an iterator of [`StreamEvent`]s, each yielded as soon as the
/// blank line ending it arrives. Get one from [`Responses::stream`](super::Responses::stream).
///
/// The body is never buffered whole: memory holds one read (8 KiB) plus at most
/// [`max_event_bytes`](crate::ClientBuilder::max_event_bytes) for the current line and as much
/// for the current event. Between reads the
/// [`stream_idle_timeout`](crate::ClientBuilder::stream_idle_timeout) applies, not the total
/// timeout, so a stream may last as long as the server keeps talking.
///
/// # Items
/// - `Ok(event)` for each event whose data is JSON (empty data is `null`).
/// - `Err(Error::Decode)` for an event whose data is not JSON; the stream goes on.
/// - `Err(Error::Api)` for an event named `error`, or whose data has `"type": "error"`; the
///   stream ends. The [`ApiError`] is read from the data (the documented envelope or a flat
///   `{"code", "message"}`), with the status the data declares, else the response's (200).
/// - `Err(Error::ResponseTooLarge)` for a line or event over `max_event_bytes`; the stream ends.
/// - `Err(Error::Timeout)` when the server is silent for longer than the idle timeout, or
///   `Err(Error::Transport)` when the connection breaks; the stream ends.
///
/// The stream ends (`None`) at an event whose data is `[DONE]` or at the end of the body; an
/// unfinished event at the end is dropped. After the end, `next` keeps returning `None`.
///
/// Dropping the stream, or reaching `[DONE]` before the body's end, closes the connection: a
/// half-read connection never goes back to the pool. A body read to its end leaves the
/// connection free for the next request.
///
/// ```no_run
/// use std::io::Write;
/// use freddy::responses::{CreateResponse, Message};
///
/// let client = freddy::FreddyClient::from_env()?;
/// let request = CreateResponse::new("gpt-4o", [Message::user("Tell me a story.")]);
/// for event in client.responses().stream(&request)? {
///     if let Some(delta) = event?.text_delta() {
///         print!("{delta}");
///         std::io::stdout().flush().ok();
///     }
/// }
/// # Ok::<(), freddy::Error>(())
/// ```
pub struct ResponseStream {
    /// `None` once the stream has ended; dropping it closes an unfinished connection.
    body: Option<BodyReader<'static>>,
    decoder: Decoder,
    buffer: Box<[u8]>,
    /// The decoder has consumed `buffer[..start]` of the `buffer[..end]` last read.
    start: usize,
    end: usize,
    max_event_bytes: usize,
    status: u16,
    headers: HeaderMap,
    /// The key the request was sent with, to scrub what the server says in errors.
    key: ApiKey,
}

impl ResponseStream {
    /// Wraps a success response, refusing a body that declares itself something other than an
    /// event stream.
    pub(crate) fn open(
        response: Response<Body>,
        key: ApiKey,
        max_event_bytes: usize,
    ) -> Result<ResponseStream, Error> {
        let (parts, body) = response.into_parts();
        if let Some(media) = media_type(&parts.headers) {
            if media != "text/event-stream" {
                let shown: String = Scrubber::new(&key).scrub(&media).chars().take(80).collect();
                return Err(Error::Decode(DecodeError::new(format!(
                    "the server answered with `{shown}` instead of an event stream"
                ))));
            }
        }
        Ok(ResponseStream {
            body: Some(body.into_reader()),
            decoder: Decoder::new(max_event_bytes),
            buffer: vec![0; READ_SIZE].into_boxed_slice(),
            start: 0,
            end: 0,
            max_event_bytes,
            status: parts.status.as_u16(),
            headers: parts.headers,
            key,
        })
    }

    /// Reads the stream to its end and joins the [`text_delta`](StreamEvent::text_delta)s.
    ///
    /// The first `Err` item is returned instead, a [`Error::Decode`] included: an event that
    /// cannot be read might have carried part of the text.
    pub fn into_text(self) -> Result<String, Error> {
        let mut text = String::new();
        for event in self {
            if let Some(delta) = event?.text_delta() {
                text.push_str(delta);
            }
        }
        Ok(text)
    }

    /// The response's headers (the rate-limit headers, a request id, …).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Ends the stream: drops the body, which closes the connection unless it was read to its
    /// end.
    fn finish(&mut self) {
        self.body = None;
    }

    /// Reads as little as needed for the next complete SSE event, which is then lent by
    /// `self.decoder.event()`.
    fn next_event(&mut self) -> Option<Result<(), Error>> {
        loop {
            self.body.as_ref()?;
            if self.start < self.end {
                let (used, decoded) = self.decoder.decode(&self.buffer[self.start..self.end]);
                self.start += used;
                match decoded {
                    Some(Ok(())) => return Some(Ok(())),
                    Some(Err(TooLarge)) => {
                        self.finish();
                        let limit = self.max_event_bytes as u64;
                        return Some(Err(Error::ResponseTooLarge { limit }));
                    }
                    None => continue,
                }
            }
            let body = self.body.as_mut()?;
            match body.read(&mut self.buffer) {
                Ok(0) => {
                    self.finish(); // the body's end: a partial event is dropped
                    return None;
                }
                Ok(read) => (self.start, self.end) = (0, read),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.finish();
                    let error = transport::classify(ureq::Error::from(e), &self.key).error;
                    return Some(Err(error));
                }
            }
        }
    }

    fn api_error(&mut self, data: &str) -> Error {
        self.finish();
        let scrub = Scrubber::new(&self.key);
        Error::Api(ApiError::from_stream_event(
            self.status,
            &self.headers,
            data,
            scrub,
        ))
    }
}

impl Iterator for ResponseStream {
    type Item = Result<StreamEvent, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Err(error) = self.next_event()? {
            return Some(Err(error));
        }
        // Borrowed from the decoder: only what the item keeps is copied.
        let event = self.decoder.event();
        if sse::is_done(event.data) {
            self.finish();
            return None;
        }
        if event.name == "error" {
            let data = event.data.to_owned();
            return Some(Err(self.api_error(&data)));
        }
        let data = if event.data.trim().is_empty() {
            Value::Null
        } else {
            match serde_json::from_str::<Value>(event.data) {
                Ok(data) => data,
                Err(e) => {
                    let why = DecodeError::from_json(&e);
                    let message = format!("the data of a `{}` event: {why}", short(event.name));
                    let scrubbed = Scrubber::new(&self.key).scrub(&message);
                    return Some(Err(Error::Decode(DecodeError::new(scrubbed))));
                }
            }
        };
        if data.get("type").and_then(Value::as_str) == Some("error") {
            let data = event.data.to_owned();
            return Some(Err(self.api_error(&data)));
        }
        Some(Ok(StreamEvent {
            event: event.name.to_owned(),
            data,
            id: event.id.map(str::to_owned),
            retry: event.retry,
        }))
    }
}

impl FusedIterator for ResponseStream {}

impl fmt::Debug for ResponseStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseStream")
            .field("open", &self.body.is_some())
            .field("status", &self.status)
            .field("max_event_bytes", &self.max_event_bytes)
            .finish_non_exhaustive()
    }
}

/// The `Content-Type` without parameters, lower-cased.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let media = value.split(';').next().unwrap_or_default().trim();
    Some(media.to_ascii_lowercase())
}

/// A server-chosen name, shortened for an error message.
fn short(name: &str) -> String {
    name.chars().take(60).collect()
}

/// One event of a [`ResponseStream`].
///
/// The API does not document its event names, so nothing is assumed beyond these:
/// - [`text_delta`](Self::text_delta) recognises any event whose name, or whose data's `type`,
///   ends in `.delta` (such as `response.output_text.delta`) and has a string `delta`;
/// - an `error` event, or data with `"type": "error"`, becomes an `Err` item (see
///   [`ResponseStream`]);
/// - data `[DONE]` ends the stream.
///
/// Everything else is yours to read through [`event`](Self::event) and [`data`](Self::data).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamEvent {
    event: String,
    data: Value,
    id: Option<String>,
    retry: Option<Duration>,
}

impl StreamEvent {
    /// The event's name (the SSE `event` field), `message` when the server gave none.
    pub fn event(&self) -> &str {
        &self.event
    }

    /// The event's data, parsed as JSON (`null` when empty).
    pub fn data(&self) -> &Value {
        &self.data
    }

    /// The data's `type` field, which some servers use instead of event names.
    pub fn data_type(&self) -> Option<&str> {
        self.data.get("type").and_then(Value::as_str)
    }

    /// The stream's last event id (the SSE `id` field, which carries over to later events).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The reconnection delay the server suggested with this event (the SSE `retry` field).
    /// The client does not reconnect by itself.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// The text this event adds: the `delta` string of an event whose name or data `type` ends
    /// in `.delta`.
    pub fn text_delta(&self) -> Option<&str> {
        let is_delta = self.event.ends_with(".delta")
            || self.data_type().is_some_and(|t| t.ends_with(".delta"));
        if is_delta {
            self.data.get("delta")?.as_str()
        } else {
            None
        }
    }

    /// The data, by value.
    pub fn into_data(self) -> Value {
        self.data
    }
}

/// A stream may be handed to another thread to be read there.
const _: fn() = || {
    fn movable<T: Send>() {}
    movable::<ResponseStream>();
};
