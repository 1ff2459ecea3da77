//! The model catalogue (`GET v1/models`) and the liveness check (`GET v1/health/`).
//!
//! Fields the official SDK types are typed; a missing one takes its default, and fields this
//! crate does not know are kept in `extra`.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::client::FreddyClient;
use crate::error::Error;

/// The answer of [`FreddyClient::models`]: `{"models": [...], "total_count"}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ModelList {
    /// The models.
    pub models: Vec<Model>,
    /// How many models match, when the server says.
    pub total_count: Option<u64>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One model of the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Model {
    /// The catalogue id (`mdl_…`); requests use [`key`](Self::key) instead.
    pub id: String,
    /// The stable slug to pass as the model of a
    /// [`CreateResponse`](crate::responses::CreateResponse), such as `gpt-4o`.
    pub key: String,
    /// The display name.
    pub name: String,
    /// A description, when given.
    pub description: Option<String>,
    /// Who provides the model, when given.
    pub provider: Option<String>,
    /// What it can do, such as vision or tool use.
    #[serde(deserialize_with = "null_is_empty")]
    pub capabilities: Vec<String>,
    /// The context window in tokens, when given.
    pub context_window: Option<u64>,
    /// Whether the model is shown in Freddy's interface.
    pub is_visible_in_ui: bool,
    /// Whether the model is deprecated.
    pub is_deprecated: bool,
    /// `general_availability` or `coming_soon`, when given.
    pub availability_status: Option<String>,
    /// Pricing, when asked for (`?include_pricing=true`).
    pub pricing: Option<Value>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of [`FreddyClient::health`]: `{"status"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Health {
    /// The service's status as it reports it; the values are not documented.
    pub status: String,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `null` reads as an empty list, like an absent field.
fn null_is_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::deserialize(deserializer)?.unwrap_or_default())
}

impl FreddyClient {
    /// `GET v1/models`: the models the key may use.
    ///
    /// The catalogue's query parameters (`include_pricing`, `include_details`,
    /// `include_deprecated`, …) are reachable through the typed [`get`](Self::get):
    ///
    /// ```no_run
    /// # let client = freddy::FreddyClient::from_env()?;
    /// let priced: freddy::ModelList = client.get("models?include_pricing=true")?;
    /// for model in &priced.models {
    ///     println!("{} {:?}", model.key, model.pricing);
    /// }
    /// # Ok::<(), freddy::Error>(())
    /// ```
    pub fn models(&self) -> Result<ModelList, Error> {
        self.get("models")
    }

    /// `GET v1/health/` (with its trailing slash): whether the API is up.
    pub fn health(&self) -> Result<Health, Error> {
        self.get("health/")
    }
}
