//! Model responses: `POST v1/model/response`, answered whole or streamed.
//!
//! ```no_run
//! use freddy::responses::{CreateResponse, Message};
//!
//! let client = freddy::FreddyClient::from_env()?;
//! let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")])
//!     .organization_id("org_your_org_id");
//!
//! // The whole answer at once.
//! let result = client.responses().create(&request)?;
//! println!("{}", result.text());
//!
//! // Or event by event, as the model writes.
//! for event in client.responses().stream(&request)? {
//!     if let Some(delta) = event?.text_delta() {
//!         print!("{delta}");
//!     }
//! }
//! # Ok::<(), freddy::Error>(())
//! ```
//!
//! A request is checked before anything is sent ([`CreateResponse`] lists what is refused).
//! Failures come back as the client's usual [`Error`] branches; a stream that has started
//! reports later failures as `Err` items (see [`ResponseStream`]).
//!
//! `create` is a POST, so it is retried only where it cannot have been processed (a 429, or a
//! connection that was never made); see the crate documentation.

mod extra;
mod info;
mod message;
mod request;
mod response;
pub(crate) mod sse;
mod stream;

use http::Method;

pub use info::{Cancellation, OutputModeInfo, ReasoningLevelInfo};
pub use message::{Content, ContentBlock, Message, Role};
pub use request::{CreateResponse, OutputMode, Reasoning, ReasoningEffort, ReasoningSummary, Tool};
pub use response::ModelResponse;
pub use stream::{ResponseStream, StreamEvent};

use crate::client::{transport, FreddyClient};
use crate::error::Error;
use crate::wire::path_segment;

const ENDPOINT: &str = "model/response";

/// The model-response endpoints. Get one from [`FreddyClient::responses`].
#[derive(Debug, Clone, Copy)]
pub struct Responses<'a> {
    client: &'a FreddyClient,
}

impl FreddyClient {
    /// The model-response endpoints: create, stream and cancel responses.
    pub fn responses(&self) -> Responses<'_> {
        Responses { client: self }
    }
}

impl Responses<'_> {
    /// `POST v1/model/response`: the whole answer, once the model has finished.
    ///
    /// The total [`timeout`](crate::ClientBuilder::timeout) covers the whole generation; for
    /// long answers raise it, or use [`stream`](Self::stream).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] before sending (see [`CreateResponse`]); the status branches
    /// ([`Error::Unauthorized`], [`Error::Forbidden`], [`Error::RateLimited`], [`Error::Api`]);
    /// [`Error::Timeout`], [`Error::Transport`]; [`Error::ResponseTooLarge`] over
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes); [`Error::Decode`] when
    /// the body is not a JSON object.
    pub fn create(&self, request: &CreateResponse) -> Result<ModelResponse, Error> {
        let body = request.to_body(false)?;
        let (response, key) = self
            .client
            .execute(Method::POST, ENDPOINT, Some(&body), false)?;
        let limit = self.client.settings().max_response_bytes;
        ModelResponse::from_json(transport::read_json(response, limit, &key)?)
    }

    /// `POST v1/model/response` with `"stream": true` and `Accept: text/event-stream`: returns
    /// as soon as the server has answered with a success status, before the first event.
    ///
    /// The stream's idle timeout
    /// ([`stream_idle_timeout`](crate::ClientBuilder::stream_idle_timeout), by default the
    /// client's timeout) replaces the total timeout, for the wait for the answer too.
    ///
    /// # Errors
    /// The same as [`create`](Self::create) up to the answer (an error status fails this call,
    /// not the stream), and [`Error::Decode`] when the answer declares a content type other
    /// than `text/event-stream`. Later failures are items of the stream.
    pub fn stream(&self, request: &CreateResponse) -> Result<ResponseStream, Error> {
        let body = request.to_body(true)?;
        let (response, key) = self
            .client
            .execute(Method::POST, ENDPOINT, Some(&body), true)?;
        ResponseStream::open(response, key, self.client.settings().max_event_bytes)
    }

    /// `POST v1/model/response/{thread_id}/cancel`: stops the thread's running stream.
    ///
    /// It is keyed by the **thread** id ([`ModelResponse::thread_id`]), not the response id.
    /// An id that is empty, starts with `.`, has characters other than ASCII letters, digits,
    /// `-`, `_`, `.` and `~`, or looks like an API key is [`Error::InvalidRequest`], and
    /// nothing is sent.
    pub fn cancel(&self, thread_id: &str) -> Result<Cancellation, Error> {
        let id = path_segment("thread id", thread_id, self.client)?;
        // Thread ids never start with a dot; one that does is a mix-up, not an id.
        if id.starts_with('.') {
            return Err(Error::InvalidRequest(
                "the thread id may not start with `.`".to_owned(),
            ));
        }
        self.client.post_empty(&format!("{ENDPOINT}/{id}/cancel"))
    }

    /// `GET v1/model/response/output-modes`: the output modes the API offers.
    pub fn output_modes(&self) -> Result<Vec<OutputModeInfo>, Error> {
        let list: info::OutputModes = self.client.get("model/response/output-modes")?;
        Ok(list.output_modes)
    }

    /// `GET v1/model/response/reasoning-levels`: the reasoning levels the API offers.
    pub fn reasoning_levels(&self) -> Result<Vec<ReasoningLevelInfo>, Error> {
        let list: info::ReasoningLevels = self.client.get("model/response/reasoning-levels")?;
        Ok(list.reasoning_levels)
    }
}
