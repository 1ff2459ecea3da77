//! [`ModelResponse`]: the answer of `POST v1/model/response`, read leniently.

use serde_json::Value;

use crate::error::{DecodeError, Error};

/// A model's answer, kept as the JSON the server sent, with accessors for what is known.
///
/// The official SDKs disagree on the answer's shape, so nothing but "a JSON object" is
/// required; [`raw`](Self::raw) has everything.
///
/// ```
/// # let response = freddy::responses::ModelResponse::from_json(serde_json::json!({
/// #     "id": "resp_1", "thread_id": "thread_1", "response": [{"text": "Hello"}, {"text": "!"}],
/// # })).unwrap();
/// assert_eq!(response.text(), "Hello!");
/// assert_eq!(response.thread_id(), Some("thread_1"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ModelResponse {
    raw: Value,
}

impl ModelResponse {
    /// Wraps an answer; [`Error::Decode`] unless it is a JSON object.
    pub fn from_json(raw: Value) -> Result<ModelResponse, Error> {
        if raw.is_object() {
            Ok(ModelResponse { raw })
        } else {
            Err(Error::Decode(DecodeError::new(
                "the model response is not a JSON object",
            )))
        }
    }

    /// The answer's text: the texts of the first of these shapes that is present, joined
    /// without separator:
    /// 1. `response` as an array: each item's `text` (the documentation's
    ///    `result.response[0]["text"]`);
    /// 2. `response` as a string (the legacy shape);
    /// 3. `output[].content[]`: each part's `text` (the shape of the `freddy` Python SDK).
    ///
    /// Items without a `text` string are skipped; with none of the shapes present the text is
    /// empty.
    pub fn text(&self) -> String {
        match (self.raw.get("response"), self.raw.get("output")) {
            (Some(Value::Array(items)), _) => texts(items).collect(),
            (Some(Value::String(text)), _) => text.clone(),
            (_, Some(Value::Array(output))) => output
                .iter()
                .filter_map(|item| item.get("content")?.as_array())
                .flat_map(|parts| texts(parts))
                .collect(),
            _ => String::new(),
        }
    }

    /// The response id (`id`).
    pub fn id(&self) -> Option<&str> {
        self.raw.get("id").and_then(Value::as_str)
    }

    /// The conversation it belongs to (`thread_id`, or `threadId`): pass it to
    /// [`CreateResponse::thread_id`](super::CreateResponse::thread_id) to continue, or to
    /// [`Responses::cancel`](super::Responses::cancel).
    pub fn thread_id(&self) -> Option<&str> {
        ["thread_id", "threadId"]
            .iter()
            .find_map(|name| self.raw.get(*name)?.as_str())
    }

    /// The status the server gave (`status`), such as `completed`.
    pub fn status(&self) -> Option<&str> {
        self.raw.get("status").and_then(Value::as_str)
    }

    /// The usage object (`usage`), whose fields are not documented.
    pub fn usage(&self) -> Option<&Value> {
        self.raw.get("usage")
    }

    /// The whole answer as the server sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The whole answer, by value.
    pub fn into_raw(self) -> Value {
        self.raw
    }
}

fn texts(items: &[Value]) -> impl Iterator<Item = &str> {
    items.iter().filter_map(|item| item.get("text")?.as_str())
}
