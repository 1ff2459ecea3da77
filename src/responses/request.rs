//! [`CreateResponse`]: the body of `POST v1/model/response`, and the option types it uses.

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::extra::Extra;
use super::message::Message;
use crate::error::Error;

/// A request for a model response: the body of `POST v1/model/response`.
///
/// Built from the two required parts, then one by-value setter per optional field. Only what is
/// set is sent, so the documentation's quick start
///
/// ```
/// use freddy::responses::{CreateResponse, Message};
///
/// let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")])
///     .organization_id("org_your_org_id");
/// assert_eq!(
///     serde_json::to_string(&request).unwrap(),
///     r#"{"organization_id":"org_your_org_id","model":"gpt-4o","inputs":[{"role":"user","content":"Hello!"}]}"#,
/// );
/// ```
///
/// goes out exactly as the documentation's own request. `stream` is not a field here: it is
/// chosen by calling [`Responses::create`](super::Responses::create) or
/// [`Responses::stream`](super::Responses::stream).
///
/// Refused with [`Error::InvalidRequest`] before anything is sent (the API documents these as
/// invalid):
/// - `edit_message_id` or `previous_message_id` without `thread_id`;
/// - more than one of `edit_message_id`, `previous_message_id` and `previous_response_id`;
/// - a `temperature` or `top_p` that is not a finite number (JSON cannot carry it);
/// - a tool message without `tool_call_id`;
/// - an [`extra`](Self::extra) field that repeats a field already set, or is named `stream`.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct CreateResponse {
    model: String,
    inputs: Vec<Message>,
    organization_id: Option<String>,
    thread_id: Option<String>,
    assistant_id: Option<String>,
    workflow_id: Option<String>,
    vector_store_ids: Option<Vec<String>>,
    space_id: Option<String>,
    previous_response_id: Option<String>,
    edit_message_id: Option<String>,
    previous_message_id: Option<String>,
    tools: Option<Vec<Tool>>,
    instructions: Option<String>,
    temperature: Option<f64>,
    top_p: Option<f64>,
    max_output_synapses: Option<u32>,
    reasoning: Option<Reasoning>,
    include: Option<Vec<String>>,
    metadata: Option<Map<String, Value>>,
    disable_rules: Option<bool>,
    store: Option<bool>,
    output_mode: Option<OutputMode>,
    system_tools: Option<Map<String, Value>>,
    extra: Extra,
}

impl CreateResponse {
    /// A request to `model` (a model **key** such as `gpt-4o`; see
    /// [`FreddyClient::models`](crate::FreddyClient::models)) with these input messages; the last
    /// user message is the query.
    pub fn new(model: impl Into<String>, inputs: impl IntoIterator<Item = Message>) -> Self {
        CreateResponse {
            model: model.into(),
            inputs: inputs.into_iter().collect(),
            organization_id: None,
            thread_id: None,
            assistant_id: None,
            workflow_id: None,
            vector_store_ids: None,
            space_id: None,
            previous_response_id: None,
            edit_message_id: None,
            previous_message_id: None,
            tools: None,
            instructions: None,
            temperature: None,
            top_p: None,
            max_output_synapses: None,
            reasoning: None,
            include: None,
            metadata: None,
            disable_rules: None,
            store: None,
            output_mode: None,
            system_tools: None,
            extra: Extra::default(),
        }
    }

    /// The organisation (`org_…`). Needed when the key's user belongs to several.
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// Continues this conversation (`thread_…`); without it a new thread is created.
    pub fn thread_id(mut self, id: impl Into<String>) -> Self {
        self.thread_id = Some(id.into());
        self
    }

    /// Binds an assistant. Only allowed when a thread is created or on its first message.
    pub fn assistant_id(mut self, id: impl Into<String>) -> Self {
        self.assistant_id = Some(id.into());
        self
    }

    /// A workflow (`flow_…`). Only allowed when a thread is created.
    pub fn workflow_id(mut self, id: impl Into<String>) -> Self {
        self.workflow_id = Some(id.into());
        self
    }

    /// Vector stores (`vs_…`) to retrieve from.
    pub fn vector_store_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.vector_store_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Adds the thread to a space, whose vector stores join the knowledge sources.
    pub fn space_id(mut self, id: impl Into<String>) -> Self {
        self.space_id = Some(id.into());
        self
    }

    /// Resets the context to this earlier response; later messages are ignored.
    pub fn previous_response_id(mut self, id: impl Into<String>) -> Self {
        self.previous_response_id = Some(id.into());
        self
    }

    /// Replaces this message (`msg_…`) and drops everything after it. Needs
    /// [`thread_id`](Self::thread_id).
    pub fn edit_message_id(mut self, id: impl Into<String>) -> Self {
        self.edit_message_id = Some(id.into());
        self
    }

    /// Branches after this message (`msg_…`), dropping what followed it. Needs
    /// [`thread_id`](Self::thread_id).
    pub fn previous_message_id(mut self, id: impl Into<String>) -> Self {
        self.previous_message_id = Some(id.into());
        self
    }

    /// Tools the model may call.
    pub fn tools(mut self, tools: impl IntoIterator<Item = Tool>) -> Self {
        self.tools = Some(tools.into_iter().collect());
        self
    }

    /// System instructions.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Sampling temperature. Some models accept only one of `temperature` and `top_p`.
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Nucleus sampling, 0.0 to 1.0.
    pub fn top_p(mut self, top_p: f64) -> Self {
        self.top_p = Some(top_p);
        self
    }

    /// The longest answer, in synapses (Freddy's word for tokens).
    pub fn max_output_synapses(mut self, synapses: u32) -> Self {
        self.max_output_synapses = Some(synapses);
        self
    }

    /// Reasoning effort and summary; a bare [`ReasoningEffort`] sets only the effort.
    pub fn reasoning(mut self, reasoning: impl Into<Reasoning>) -> Self {
        self.reasoning = Some(reasoning.into());
        self
    }

    /// Extra output to include, such as `usage.detailed`, `tools.used` or
    /// `web_search.sources`.
    pub fn include<I, S>(mut self, include: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.include = Some(include.into_iter().map(Into::into).collect());
        self
    }

    /// Free key/value pairs for your own tracking.
    pub fn metadata<I, K, V>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<Value>,
    {
        let map = pairs.into_iter().map(|(k, v)| (k.into(), v.into()));
        self.metadata = Some(map.collect());
        self
    }

    /// Turns off user-level rules; system-level rules always apply.
    pub fn disable_rules(mut self, disable: bool) -> Self {
        self.disable_rules = Some(disable);
        self
    }

    /// `false` hides the thread from thread lists (the API's default is `true`).
    pub fn store(mut self, store: bool) -> Self {
        self.store = Some(store);
        self
    }

    /// How the answer is formatted; also changes the streamed events.
    pub fn output_mode(mut self, mode: OutputMode) -> Self {
        self.output_mode = Some(mode);
        self
    }

    /// Overrides the assistant's system tools: tool key (`web_search`, `code_interpreter`,
    /// `file_search`, …) to its settings (such as `{"mode": "auto"}`) or `null`.
    pub fn system_tools<I, K, V>(mut self, tools: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<Value>,
    {
        let map = tools.into_iter().map(|(k, v)| (k.into(), v.into()));
        self.system_tools = Some(map.collect());
        self
    }

    /// Adds a field this crate does not know yet, sent as given after the named fields (a second
    /// call with the same key replaces the value). It may not repeat a field set through its
    /// setter, nor be `stream`.
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }

    /// Refuses what the API documents as invalid, before anything is sent.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let invalid = |why: &str| Err(Error::InvalidRequest(why.to_owned()));
        if self.thread_id.is_none() {
            if self.edit_message_id.is_some() {
                return invalid("edit_message_id needs thread_id");
            }
            if self.previous_message_id.is_some() {
                return invalid("previous_message_id needs thread_id");
            }
        }
        let anchors = [
            &self.edit_message_id,
            &self.previous_message_id,
            &self.previous_response_id,
        ];
        if anchors.iter().filter(|a| a.is_some()).count() > 1 {
            return invalid(
                "edit_message_id, previous_message_id and previous_response_id exclude each other",
            );
        }
        for (name, value) in [("temperature", self.temperature), ("top_p", self.top_p)] {
            if value.is_some_and(|v| !v.is_finite()) {
                return Err(Error::InvalidRequest(format!(
                    "{name} must be a finite number"
                )));
            }
        }
        let named: Vec<&str> = self.entries(true).iter().map(|(name, _)| *name).collect();
        if let Some(key) = self.extra.keys().find(|k| named.contains(k)) {
            let hint = if key == "stream" {
                " (use create or stream)"
            } else {
                ""
            };
            return Err(Error::InvalidRequest(format!(
                "the extra field `{key}` repeats a field the request already has{hint}"
            )));
        }
        for (index, message) in self.inputs.iter().enumerate() {
            message.check(index)?;
        }
        Ok(())
    }

    /// The body to send, checked.
    pub(crate) fn to_body(&self, stream: bool) -> Result<Vec<u8>, Error> {
        self.check()?;
        let body = Body {
            request: self,
            stream,
        };
        serde_json::to_vec(&body)
            .map_err(|e| Error::InvalidRequest(format!("the request cannot be serialized: {e}")))
    }

    /// The named fields that are set, in the order they are sent (`stream` after `inputs`).
    fn entries(&self, stream: bool) -> Vec<(&'static str, Field<'_>)> {
        fn text<'a>(
            name: &'static str,
            value: &'a Option<String>,
        ) -> Option<(&'static str, Field<'a>)> {
            value.as_deref().map(|v| (name, Field::Text(v)))
        }
        let mut out = Vec::with_capacity(24);
        out.extend(text("organization_id", &self.organization_id));
        out.push(("model", Field::Text(&self.model)));
        out.push(("inputs", Field::Inputs(&self.inputs)));
        if stream {
            out.push(("stream", Field::Flag(true)));
        }
        out.extend(text("thread_id", &self.thread_id));
        out.extend(text("assistant_id", &self.assistant_id));
        out.extend(text("workflow_id", &self.workflow_id));
        let stores = self.vector_store_ids.as_deref();
        out.extend(stores.map(|v| ("vector_store_ids", Field::List(v))));
        out.extend(text("space_id", &self.space_id));
        out.extend(text("previous_response_id", &self.previous_response_id));
        out.extend(text("edit_message_id", &self.edit_message_id));
        out.extend(text("previous_message_id", &self.previous_message_id));
        out.extend(self.tools.as_deref().map(|v| ("tools", Field::Tools(v))));
        out.extend(text("instructions", &self.instructions));
        out.extend(self.temperature.map(|v| ("temperature", Field::Number(v))));
        out.extend(self.top_p.map(|v| ("top_p", Field::Number(v))));
        let synapses = self.max_output_synapses;
        out.extend(synapses.map(|v| ("max_output_synapses", Field::Count(v))));
        out.extend(
            self.reasoning
                .as_ref()
                .map(|v| ("reasoning", Field::Reasoning(v))),
        );
        out.extend(self.include.as_deref().map(|v| ("include", Field::List(v))));
        out.extend(
            self.metadata
                .as_ref()
                .map(|v| ("metadata", Field::Object(v))),
        );
        out.extend(
            self.disable_rules
                .map(|v| ("disable_rules", Field::Flag(v))),
        );
        out.extend(self.store.map(|v| ("store", Field::Flag(v))));
        out.extend(self.output_mode.map(|v| ("output_mode", Field::Mode(v))));
        let system_tools = self.system_tools.as_ref();
        out.extend(system_tools.map(|v| ("system_tools", Field::Object(v))));
        out
    }
}

/// The value of one named field, borrowed for serialization.
enum Field<'a> {
    Text(&'a str),
    List(&'a [String]),
    Inputs(&'a [Message]),
    Tools(&'a [Tool]),
    Number(f64),
    Count(u32),
    Flag(bool),
    Reasoning(&'a Reasoning),
    Object(&'a Map<String, Value>),
    Mode(OutputMode),
}

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Text(v) => v.serialize(serializer),
            Field::List(v) => v.serialize(serializer),
            Field::Inputs(v) => v.serialize(serializer),
            Field::Tools(v) => v.serialize(serializer),
            Field::Number(v) => v.serialize(serializer),
            Field::Count(v) => v.serialize(serializer),
            Field::Flag(v) => v.serialize(serializer),
            Field::Reasoning(v) => v.serialize(serializer),
            Field::Object(v) => v.serialize(serializer),
            Field::Mode(v) => v.serialize(serializer),
        }
    }
}

/// The request with or without `"stream": true`.
struct Body<'a> {
    request: &'a CreateResponse,
    stream: bool,
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.request.entries(self.stream) {
            map.serialize_entry(name, &value)?;
        }
        for (key, value) in self.request.extra.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The body [`Responses::create`](super::Responses::create) sends (without `stream`), unchecked.
impl Serialize for CreateResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Body {
            request: self,
            stream: false,
        }
        .serialize(serializer)
    }
}

/// How the answer is formatted (`output_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum OutputMode {
    /// Markdown text (the API's default).
    Text,
    /// Text with the formatting stripped.
    Plain,
    /// Typed blocks in `response_blocks`.
    Structured,
}

/// How hard the model thinks (`reasoning.effort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ReasoningEffort {
    /// No reasoning.
    Off,
    /// Low effort.
    Low,
    /// Medium effort.
    Medium,
    /// High effort.
    High,
    /// The most the model offers.
    Maximum,
}

/// Whether and how the reasoning is summarised (`reasoning.summary`; Claude ignores it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ReasoningSummary {
    /// No summary.
    Off,
    /// The model decides.
    Auto,
    /// A short summary.
    Concise,
    /// A detailed summary.
    Detailed,
}

/// The `reasoning` object: `{"effort"?, "summary"?}`.
///
/// ```
/// use freddy::responses::{CreateResponse, Message, Reasoning, ReasoningEffort, ReasoningSummary};
///
/// let request = CreateResponse::new("gpt-4o", [Message::user("Why?")])
///     .reasoning(Reasoning::new().effort(ReasoningEffort::High).summary(ReasoningSummary::Auto));
/// # let _ = request;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[must_use]
pub struct Reasoning {
    #[serde(skip_serializing_if = "Option::is_none")]
    effort: Option<ReasoningEffort>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<ReasoningSummary>,
}

impl Reasoning {
    /// Neither effort nor summary set.
    pub fn new() -> Reasoning {
        Reasoning::default()
    }

    /// Sets the effort.
    pub fn effort(mut self, effort: ReasoningEffort) -> Reasoning {
        self.effort = Some(effort);
        self
    }

    /// Sets the summary.
    pub fn summary(mut self, summary: ReasoningSummary) -> Reasoning {
        self.summary = Some(summary);
        self
    }
}

impl From<ReasoningEffort> for Reasoning {
    fn from(effort: ReasoningEffort) -> Reasoning {
        Reasoning::new().effort(effort)
    }
}

/// A tool the model may call, as the API describes it: a JSON object discriminated by `type`.
///
/// ```
/// use freddy::responses::Tool;
/// use serde_json::json;
///
/// let weather = Tool::function("get_weather", json!({
///     "type": "object",
///     "properties": {"city": {"type": "string"}},
///     "required": ["city"],
/// }))
/// .description("The current weather in a city");
/// let docs = Tool::mcp("docs").server_url("https://mcp.example.com").allowed_tools(["search"]);
/// # let _ = (weather, docs);
/// ```
///
/// `Debug` hides the values of `authorization` and `headers`, which usually hold credentials.
#[derive(Clone, PartialEq)]
#[must_use]
pub struct Tool {
    fields: Map<String, Value>,
}

impl Tool {
    fn of_type(kind: &str) -> Tool {
        let mut fields = Map::new();
        fields.insert("type".to_owned(), kind.into());
        Tool { fields }
    }

    /// `{"type": "function", "name", "parameters"}`: `parameters` is a JSON Schema object.
    pub fn function(name: impl Into<String>, parameters: Value) -> Tool {
        Tool::of_type("function")
            .with("name", name.into())
            .with("parameters", parameters)
    }

    /// `{"type": "mcp", "server_label"}`: a Model Context Protocol server.
    pub fn mcp(server_label: impl Into<String>) -> Tool {
        Tool::of_type("mcp").with("server_label", server_label.into())
    }

    /// `{"type": "personalConnector"}`: the user's connected services.
    pub fn personal_connector() -> Tool {
        Tool::of_type("personalConnector")
    }

    /// A function tool's description.
    pub fn description(self, description: impl Into<String>) -> Tool {
        self.with("description", description.into())
    }

    /// Whether a function tool's arguments must match its schema exactly.
    pub fn strict(self, strict: bool) -> Tool {
        self.with("strict", strict)
    }

    /// An MCP tool's server URL.
    pub fn server_url(self, url: impl Into<String>) -> Tool {
        self.with("server_url", url.into())
    }

    /// An MCP tool's stored configuration.
    pub fn configuration_id(self, id: impl Into<String>) -> Tool {
        self.with("configuration_id", id.into())
    }

    /// An MCP tool's credential for its server (hidden in `Debug`).
    pub fn authorization(self, authorization: impl Into<String>) -> Tool {
        self.with("authorization", authorization.into())
    }

    /// Adds a header an MCP tool sends to its server (values hidden in `Debug`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Tool {
        let headers = self
            .fields
            .entry("headers")
            .or_insert_with(|| Value::Object(Map::new()));
        if !headers.is_object() {
            *headers = Value::Object(Map::new());
        }
        if let Value::Object(headers) = headers {
            headers.insert(name.into(), Value::String(value.into()));
        }
        self
    }

    /// The MCP tools the model may use from the server.
    pub fn allowed_tools<I, S>(self, tools: I) -> Tool
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let tools: Vec<Value> = tools.into_iter().map(|t| Value::String(t.into())).collect();
        self.with("allowed_tools", tools)
    }

    /// A personal connector's configurations.
    pub fn configuration_ids<I, S>(self, ids: I) -> Tool
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<Value> = ids.into_iter().map(|t| Value::String(t.into())).collect();
        self.with("configuration_ids", ids)
    }

    /// Sets any field, known or not, replacing an earlier value.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Tool {
        self.fields.insert(key.into(), value.into());
        self
    }

    /// The tool as the JSON object that is sent.
    pub fn as_json(&self) -> &Map<String, Value> {
        &self.fields
    }
}

impl Serialize for Tool {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.fields.serialize(serializer)
    }
}

impl fmt::Debug for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HIDDEN: &str = "[REDACTED]";
        let mut map = f.debug_map();
        for (key, value) in &self.fields {
            match (key.as_str(), value) {
                ("authorization", _) => map.entry(key, &HIDDEN),
                ("headers", Value::Object(headers)) => {
                    let names: Map<String, Value> = headers
                        .keys()
                        .map(|name| (name.clone(), Value::from(HIDDEN)))
                        .collect();
                    map.entry(key, &Value::Object(names))
                }
                ("headers", _) => map.entry(key, &HIDDEN),
                _ => map.entry(key, value),
            };
        }
        map.finish()
    }
}
