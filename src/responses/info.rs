//! The small answers around responses: cancelling, output modes, reasoning levels.
//!
//! Fields the official SDK types are typed; a missing one takes its default, and fields this
//! crate does not know are kept in `extra`.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The answer of [`Responses::cancel`](super::Responses::cancel).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Cancellation {
    /// Whether the stream was cancelled.
    pub success: bool,
    /// `quick_edit` (within a few seconds of the start: the user message and the answer are
    /// deleted) or `keep_partial` (later: the user message stays and the partial answer is
    /// saved as cancelled).
    pub cancel_mode: String,
    /// How long the stream had been running.
    pub elapsed_seconds: f64,
    /// Whether the user's message was deleted.
    pub user_message_deleted: bool,
    /// Whether the assistant's answer was deleted.
    pub assistant_response_deleted: bool,
    /// Whether the partial answer was saved, when the server says.
    pub partial_content_saved: Option<bool>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of [`Responses::output_modes`](super::Responses::output_modes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OutputModeInfo {
    /// The mode, as [`CreateResponse::output_mode`](super::CreateResponse::output_mode) takes it.
    pub mode: String,
    /// What it does.
    pub description: Option<String>,
    /// Whether it is used when none is given.
    pub is_default: bool,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of [`Responses::reasoning_levels`](super::Responses::reasoning_levels).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ReasoningLevelInfo {
    /// The level, as [`Reasoning::effort`](super::Reasoning::effort) takes it.
    pub level: String,
    /// What it does.
    pub description: Option<String>,
    /// Whether it is used when none is given.
    pub is_default: bool,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"success"?, "output_modes": [...]}`.
#[derive(Deserialize)]
pub(crate) struct OutputModes {
    pub(crate) output_modes: Vec<OutputModeInfo>,
}

/// `{"success"?, "reasoning_levels": [...]}`.
#[derive(Deserialize)]
pub(crate) struct ReasoningLevels {
    pub(crate) reasoning_levels: Vec<ReasoningLevelInfo>,
}
