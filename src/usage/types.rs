//! What the usage and limits endpoints return.
//!
//! Lenient like the rest of the crate: fields the reference is not sure of are `Option`, both
//! snake_case and camelCase names are read, amounts may arrive as numbers or strings, and
//! fields this crate does not know are kept in `extra`. Objects the API leaves untyped stay
//! [`Value`]s.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::wire::{lenient_f64, lenient_string, lenient_u64};

/// One API key's usage in a month, from [`Usage::api_key`](super::Usage::api_key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKeyUsage {
    /// The key's id.
    #[serde(default, alias = "apiKeyId", deserialize_with = "lenient_string")]
    pub api_key_id: Option<String>,
    /// The key's name.
    #[serde(default, alias = "apiKeyName")]
    pub api_key_name: Option<String>,
    /// The organisation.
    #[serde(default, alias = "organizationId")]
    pub organization_id: Option<String>,
    /// The month (1–12).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub month: Option<u64>,
    /// The year.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub year: Option<u64>,
    /// Requests, cost, synapses, neurons and average cost; the API does not fix the names.
    #[serde(default)]
    pub usage: Option<Value>,
    /// Monthly limit, utilisation, remaining budget and status; the API does not fix the names.
    #[serde(default)]
    pub limit: Option<Value>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Spending limits and how much of them is used, from [`Usage::limits`](super::Usage::limits).
///
/// These are monthly amounts in CHF, not request rates: requests per minute are in
/// [`FreddyClient::rate_limit`](crate::FreddyClient::rate_limit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SpendingLimits {
    /// The organisation's own limit.
    #[serde(default, alias = "organizationLimits")]
    pub organization_limits: Option<LimitUsage>,
    /// The limit on all API-key traffic together.
    #[serde(default, alias = "apiLimits")]
    pub api_limits: Option<LimitUsage>,
    /// Each key's limit.
    #[serde(default, alias = "apiKeyLimits")]
    pub api_key_limits: Vec<ApiKeyLimitUsage>,
    /// Counts over all keys.
    #[serde(default)]
    pub summary: Option<LimitsSummary>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One limit and its use this month, in CHF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LimitUsage {
    /// The limit; `None` when there is none.
    #[serde(default, alias = "monthlyLimit", deserialize_with = "lenient_f64")]
    pub monthly_limit: Option<f64>,
    /// Spent so far this month.
    #[serde(default, alias = "currentUsage", deserialize_with = "lenient_f64")]
    pub current_usage: Option<f64>,
    /// Spent as a percentage of the limit.
    #[serde(
        default,
        alias = "utilizationPercentage",
        deserialize_with = "lenient_f64"
    )]
    pub utilization_percentage: Option<f64>,
    /// What is left; negative once the limit is overrun.
    #[serde(default, alias = "remainingBudget", deserialize_with = "lenient_f64")]
    pub remaining_budget: Option<f64>,
    /// `ok`, `warning`, `exceeded` or `no_limit`.
    #[serde(default)]
    pub status: Option<LimitLevel>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One key's limit and its use this month, in CHF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKeyLimitUsage {
    /// The key's id.
    #[serde(default, alias = "apiKeyId", deserialize_with = "lenient_string")]
    pub api_key_id: Option<String>,
    /// The key's name.
    #[serde(default, alias = "apiKeyName")]
    pub api_key_name: Option<String>,
    /// The key's limit; `None` when it has none.
    #[serde(default, alias = "monthlyLimit", deserialize_with = "lenient_f64")]
    pub monthly_limit: Option<f64>,
    /// Spent so far this month.
    #[serde(default, alias = "currentUsage", deserialize_with = "lenient_f64")]
    pub current_usage: Option<f64>,
    /// Spent as a percentage of the limit.
    #[serde(
        default,
        alias = "utilizationPercentage",
        deserialize_with = "lenient_f64"
    )]
    pub utilization_percentage: Option<f64>,
    /// `ok`, `warning`, `exceeded` or `no_limit`.
    #[serde(default)]
    pub status: Option<LimitLevel>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Counts over all keys' limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LimitsSummary {
    /// How many keys the organisation has.
    #[serde(default, alias = "totalKeys", deserialize_with = "lenient_u64")]
    pub total_keys: Option<u64>,
    /// How many of them have a limit.
    #[serde(default, alias = "keysWithLimits", deserialize_with = "lenient_u64")]
    pub keys_with_limits: Option<u64>,
    /// How many are over their limit.
    #[serde(default, alias = "keysExceeded", deserialize_with = "lenient_u64")]
    pub keys_exceeded: Option<u64>,
    /// The worst status among them.
    #[serde(default, alias = "overallStatus")]
    pub overall_status: Option<LimitLevel>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// How close a spending limit is to being used up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitLevel {
    /// Under 80 % used.
    Ok,
    /// 80 % to under 100 % used.
    Warning,
    /// 100 % or more used: requests charged to this limit are refused.
    Exceeded,
    /// No limit is set.
    NoLimit,
    /// A status this crate does not know, as the API wrote it.
    Other(String),
}

impl LimitLevel {
    /// The status as the API writes it.
    pub fn as_str(&self) -> &str {
        match self {
            LimitLevel::Ok => "ok",
            LimitLevel::Warning => "warning",
            LimitLevel::Exceeded => "exceeded",
            LimitLevel::NoLimit => "no_limit",
            LimitLevel::Other(other) => other,
        }
    }
}

impl fmt::Display for LimitLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LimitLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(
            match raw.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
                "ok" => LimitLevel::Ok,
                "warning" => LimitLevel::Warning,
                "exceeded" => LimitLevel::Exceeded,
                "no_limit" | "nolimit" => LimitLevel::NoLimit,
                _ => LimitLevel::Other(raw),
            },
        )
    }
}

impl Serialize for LimitLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The answer to [`Usage::set_limits`](super::Usage::set_limits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LimitsUpdated {
    /// Whether the API reports success.
    #[serde(default)]
    pub success: Option<bool>,
    /// The API's message.
    #[serde(default)]
    pub message: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// API-key traffic of an organisation in a month, from
/// [`Usage::api_key_summary`](super::Usage::api_key_summary). Bearer (web) traffic is not
/// counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKeyUsageSummary {
    /// The organisation.
    #[serde(default, alias = "organizationId")]
    pub organization_id: Option<String>,
    /// The month (1–12).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub month: Option<u64>,
    /// The year.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub year: Option<u64>,
    /// Requests made with API keys.
    #[serde(
        default,
        alias = "totalApiKeyRequests",
        deserialize_with = "lenient_u64"
    )]
    pub total_api_key_requests: Option<u64>,
    /// Their cost in CHF.
    #[serde(default, alias = "totalApiKeyCost", deserialize_with = "lenient_f64")]
    pub total_api_key_cost: Option<f64>,
    /// Cost per request in CHF.
    #[serde(
        default,
        alias = "averageCostPerRequest",
        deserialize_with = "lenient_f64"
    )]
    pub average_cost_per_request: Option<f64>,
    /// Synapses used.
    #[serde(default, alias = "totalSynapses", deserialize_with = "lenient_f64")]
    pub total_synapses: Option<f64>,
    /// Neurons used.
    #[serde(default, alias = "totalNeurons", deserialize_with = "lenient_f64")]
    pub total_neurons: Option<f64>,
    /// When the API computed this, as it wrote it.
    #[serde(default, alias = "generatedAt")]
    pub generated_at: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// API-key traffic day by day, from [`Usage::api_key_daily`](super::Usage::api_key_daily).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DailyApiKeyUsage {
    /// The organisation.
    #[serde(default, alias = "organizationId")]
    pub organization_id: Option<String>,
    /// The period covered, as the API describes it.
    #[serde(default)]
    pub period: Option<Value>,
    /// One entry per day.
    #[serde(default, alias = "dailyUsage")]
    pub daily_usage: Vec<DailyUsage>,
    /// The month's totals.
    #[serde(default)]
    pub summary: Option<ApiKeyUsageSummary>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One day of API-key traffic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DailyUsage {
    /// The day, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
    /// Requests that day.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub requests: Option<u64>,
    /// Their cost in CHF.
    #[serde(default, deserialize_with = "lenient_f64")]
    pub cost: Option<f64>,
    /// Synapses used.
    #[serde(default, deserialize_with = "lenient_f64")]
    pub synapses: Option<f64>,
    /// Neurons used.
    #[serde(default, deserialize_with = "lenient_f64")]
    pub neurons: Option<f64>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The keys that cost the most, from [`Usage::top_api_keys`](super::Usage::top_api_keys).
///
/// The API leaves this answer untyped (an object holding the ranking, or an empty list when
/// there was no usage), so it is kept as it came; [`entries`](Self::entries) finds the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
#[non_exhaustive]
pub struct TopApiKeys {
    /// The answer as the API sent it.
    pub raw: Value,
}

impl TopApiKeys {
    /// The ranked entries, most expensive first: the answer itself when it is a list, else the
    /// list under `top_keys`, `api_keys`, `keys` or `data` (or their camelCase forms), else the
    /// object's only list. Empty when there is none.
    pub fn entries(&self) -> &[Value] {
        const NAMES: [&str; 6] = ["top_keys", "topKeys", "api_keys", "apiKeys", "keys", "data"];
        let list = match &self.raw {
            Value::Array(items) => Some(items),
            Value::Object(fields) => NAMES
                .iter()
                .find_map(|n| fields.get(*n)?.as_array())
                .or_else(|| {
                    let mut lists = fields.values().filter_map(Value::as_array);
                    match (lists.next(), lists.next()) {
                        (Some(only), None) => Some(only),
                        _ => None,
                    }
                }),
            _ => None,
        };
        list.map_or(&[], Vec::as_slice)
    }
}
