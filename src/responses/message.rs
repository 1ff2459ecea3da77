//! Input messages: who says what, as text, content blocks or a tool result, with files attached.

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::extra::Extra;
use crate::error::Error;

/// Who a [`Message`] is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Role {
    /// The person asking; the last user message is the query.
    User,
    /// The model's earlier answers.
    Assistant,
    /// Instructions for the model.
    System,
    /// The result of a tool call (needs a `tool_call_id`: see [`Message::tool_result`]).
    Tool,
}

impl Role {
    /// The wire name: `user`, `assistant`, `system` or `tool`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::System => "system",
            Role::Tool => "tool",
        }
    }
}

/// What a [`Message`] says.
///
/// Usually built through `From`: a `&str` or `String` is [`Content::Text`], a
/// `Vec<ContentBlock>` is [`Content::Blocks`], a [`serde_json::Value`] is [`Content::Json`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Content {
    /// Plain text, sent as a JSON string (the documentation's `"content": "Hello!"`).
    Text(String),
    /// Text and file blocks, sent as an array.
    Blocks(Vec<ContentBlock>),
    /// Any JSON, sent as it is (tool results are objects).
    Json(Value),
}

impl Serialize for Content {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Content::Text(text) => serializer.serialize_str(text),
            Content::Blocks(blocks) => blocks.serialize(serializer),
            Content::Json(value) => value.serialize(serializer),
        }
    }
}

impl From<&str> for Content {
    fn from(text: &str) -> Content {
        Content::Text(text.to_owned())
    }
}

impl From<String> for Content {
    fn from(text: String) -> Content {
        Content::Text(text)
    }
}

impl From<Vec<ContentBlock>> for Content {
    fn from(blocks: Vec<ContentBlock>) -> Content {
        Content::Blocks(blocks)
    }
}

impl From<Value> for Content {
    fn from(value: Value) -> Content {
        Content::Json(value)
    }
}

/// One block of a [`Content::Blocks`] message.
///
/// The API documents `{"type": "text", "text"}` and `{"type": "file", "file_id"}`; images are
/// accepted "in various formats" that are not specified, so send them with
/// [`ContentBlock::raw`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ContentBlock {
    /// `{"type": "text", "text": …}`.
    Text(String),
    /// `{"type": "file", "file_id": …}`: a file uploaded before (`file_…`).
    File(String),
    /// Any other block, sent as it is.
    Raw(Value),
}

impl ContentBlock {
    /// A text block.
    pub fn text(text: impl Into<String>) -> ContentBlock {
        ContentBlock::Text(text.into())
    }

    /// A block referring to an uploaded file by its id (`file_…`).
    pub fn file(file_id: impl Into<String>) -> ContentBlock {
        ContentBlock::File(file_id.into())
    }

    /// A block sent as given, for shapes this crate does not model (images, say).
    pub fn raw(block: Value) -> ContentBlock {
        ContentBlock::Raw(block)
    }
}

impl Serialize for ContentBlock {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (kind, field, value) = match self {
            ContentBlock::Text(text) => ("text", "text", text),
            ContentBlock::File(id) => ("file", "file_id", id),
            ContentBlock::Raw(value) => return value.serialize(serializer),
        };
        let mut block = serializer.serialize_struct("ContentBlock", 2)?;
        block.serialize_field("type", kind)?;
        block.serialize_field(field, value)?;
        block.end()
    }
}

/// One input message: `{"role": …, "content": …}`, plus attached files.
///
/// ```
/// use freddy::responses::{ContentBlock, Message};
///
/// let question = Message::user("Hello!");
/// let with_file = Message::user("Summarise the attached report.").file("file_abc123");
/// let blocks = Message::user(vec![ContentBlock::text("Compare:"), ContentBlock::file("file_abc123")]);
/// # let _ = (question, with_file, blocks);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Message {
    role: Role,
    content: Content,
    files: Vec<String>,
    tool_call_id: Option<String>,
    extra: Extra,
}

impl Message {
    /// A message with this role and content.
    pub fn new(role: Role, content: impl Into<Content>) -> Message {
        Message {
            role,
            content: content.into(),
            files: Vec::new(),
            tool_call_id: None,
            extra: Extra::default(),
        }
    }

    /// A user message: `{"role": "user", "content": …}`.
    pub fn user(content: impl Into<Content>) -> Message {
        Message::new(Role::User, content)
    }

    /// A system message (instructions).
    pub fn system(content: impl Into<Content>) -> Message {
        Message::new(Role::System, content)
    }

    /// An assistant message (an earlier answer, to give context).
    pub fn assistant(content: impl Into<Content>) -> Message {
        Message::new(Role::Assistant, content)
    }

    /// A tool's result, answering the tool call `tool_call_id`.
    pub fn tool_result(tool_call_id: impl Into<String>, content: impl Into<Content>) -> Message {
        let mut message = Message::new(Role::Tool, content);
        message.tool_call_id = Some(tool_call_id.into());
        message
    }

    /// Attaches an uploaded file (`file_…`), sent as `"files": [{"file_id": …}]`: the server
    /// adds the relevant parts of the file to the context.
    pub fn file(mut self, file_id: impl Into<String>) -> Message {
        self.files.push(file_id.into());
        self
    }

    /// Sets the id of the tool call this message answers.
    pub fn tool_call_id(mut self, id: impl Into<String>) -> Message {
        self.tool_call_id = Some(id.into());
        self
    }

    /// Adds a field this crate does not know, sent as given (a second call with the same key
    /// replaces the value). It may not repeat a field the message already has.
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Message {
        self.extra.insert(key.into(), value.into());
        self
    }

    /// Who the message is from.
    pub fn role(&self) -> Role {
        self.role
    }

    /// What it says.
    pub fn content(&self) -> &Content {
        &self.content
    }

    /// Refuses what the API documents as invalid, before anything is sent.
    pub(crate) fn check(&self, index: usize) -> Result<(), Error> {
        if self.role == Role::Tool && self.tool_call_id.is_none() {
            return Err(Error::InvalidRequest(format!(
                "inputs[{index}]: a tool message needs a tool_call_id (see Message::tool_result)"
            )));
        }
        let named = ["role", "content", "files", "tool_call_id"];
        let has = |field: &str| match field {
            "files" => !self.files.is_empty(),
            "tool_call_id" => self.tool_call_id.is_some(),
            _ => true,
        };
        if let Some(field) = self.extra.keys().find(|k| named.contains(k) && has(k)) {
            return Err(Error::InvalidRequest(format!(
                "inputs[{index}]: the extra field `{field}` repeats a field the message already has"
            )));
        }
        Ok(())
    }
}

/// `{"file_id": …}`, one attached file.
struct Attachment<'a>(&'a str);

impl Serialize for Attachment<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut file = serializer.serialize_struct("Attachment", 1)?;
        file.serialize_field("file_id", self.0)?;
        file.end()
    }
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("role", &self.role)?;
        map.serialize_entry("content", &self.content)?;
        if !self.files.is_empty() {
            let files: Vec<_> = self.files.iter().map(|f| Attachment(f)).collect();
            map.serialize_entry("files", &files)?;
        }
        if let Some(id) = &self.tool_call_id {
            map.serialize_entry("tool_call_id", id)?;
        }
        for (key, value) in self.extra.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
