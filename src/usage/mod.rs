//! Usage and spending limits of API keys: [`FreddyClient::usage`].
//!
//! The API's limits are monthly amounts in CHF, per organisation, for all API-key traffic
//! together and per key. Requests per minute are a different thing: they come with every
//! response as `X-RateLimit-*` headers, read by [`FreddyClient::rate_limit`] (and honoured by
//! [`ClientBuilder::pace_requests`](crate::ClientBuilder::pace_requests)).
//!
//! ```no_run
//! use freddy::usage::{LimitLevel, LimitsUpdate, Month};
//!
//! let client = freddy::FreddyClient::from_env()?;
//! let usage = client.usage("org_your_org_id");
//! let limits = usage.limits(None)?; // this month
//! for key in &limits.api_key_limits {
//!     if key.status == Some(LimitLevel::Exceeded) {
//!         println!("{:?} is over its limit", key.api_key_name);
//!     }
//! }
//! usage.set_limits(&LimitsUpdate::new().monthly_api_limit(500.0).total_api_key_limit(400.0))?;
//! let summary = usage.api_key_summary(Some(Month::new(2025, 12)?))?;
//! println!("{:?} requests, {:?} CHF", summary.total_api_key_requests, summary.total_api_key_cost);
//! # Ok::<(), freddy::Error>(())
//! ```

mod types;

use std::fmt;

use serde::Serialize;

use crate::client::FreddyClient;
use crate::error::Error;
use crate::key::Scrubber;
use crate::wire::path_segment;
pub use types::{
    ApiKeyLimitUsage, ApiKeyUsage, ApiKeyUsageSummary, DailyApiKeyUsage, DailyUsage, LimitLevel,
    LimitUsage, LimitsSummary, LimitsUpdated, SpendingLimits, TopApiKeys,
};

impl FreddyClient {
    /// Usage and spending limits of an organisation's API keys. Nothing is sent until a method
    /// is called; an `org_id` that could change the URL path makes every call
    /// [`Error::InvalidRequest`].
    pub fn usage(&self, org_id: impl Into<String>) -> Usage<'_> {
        Usage {
            client: self,
            org_id: org_id.into(),
        }
    }
}

/// An organisation's API-key usage and spending limits. Get one from [`FreddyClient::usage`].
///
/// Calls that take a `month` use the current month when it is `None`.
#[derive(Clone)]
pub struct Usage<'c> {
    client: &'c FreddyClient,
    org_id: String,
}

impl Usage<'_> {
    /// One key's requests, cost and limit in a month
    /// (`GET v1/analytics/api-keys/usage/{org_id}/{key_id}`).
    pub fn api_key(&self, key_id: &str, month: Option<Month>) -> Result<ApiKeyUsage, Error> {
        let key_id = path_segment("key id", key_id, self.client)?;
        self.client.get(&format!(
            "analytics/api-keys/usage/{}/{key_id}{}",
            self.org()?,
            month_query(month)
        ))
    }

    /// The organisation's spending limits and how much of each is used
    /// (`GET v1/analytics/usage/limits/{org_id}`).
    pub fn limits(&self, month: Option<Month>) -> Result<SpendingLimits, Error> {
        self.client.get(&format!(
            "analytics/usage/limits/{}{}",
            self.org()?,
            month_query(month)
        ))
    }

    /// Changes spending limits (`PUT v1/analytics/usage/limits/{org_id}`); the change is
    /// atomic and takes effect at once. The API's rules are checked before anything is sent
    /// (see [`LimitsUpdate`]).
    pub fn set_limits(&self, update: &LimitsUpdate) -> Result<LimitsUpdated, Error> {
        update.check()?;
        self.client
            .put(&format!("analytics/usage/limits/{}", self.org()?), update)
    }

    /// API-key requests and cost of a month (`GET v1/analytics/api-keys/summary/{org_id}`).
    pub fn api_key_summary(&self, month: Option<Month>) -> Result<ApiKeyUsageSummary, Error> {
        self.client.get(&format!(
            "analytics/api-keys/summary/{}{}",
            self.org()?,
            month_query(month)
        ))
    }

    /// API-key requests and cost of a month, day by day
    /// (`GET v1/analytics/api-keys/daily/{org_id}`).
    pub fn api_key_daily(&self, month: Option<Month>) -> Result<DailyApiKeyUsage, Error> {
        self.client.get(&format!(
            "analytics/api-keys/daily/{}{}",
            self.org()?,
            month_query(month)
        ))
    }

    /// The keys that cost the most in a month
    /// (`GET v1/analytics/{org_id}/api-keys/top/{month}/{year}`).
    pub fn top_api_keys(
        &self,
        month: Month,
        options: &TopKeysOptions,
    ) -> Result<TopApiKeys, Error> {
        let mut query = Vec::new();
        if let Some(limit) = options.limit {
            if !(1..=100).contains(&limit) {
                return Err(Error::InvalidRequest(
                    "the number of top keys must be from 1 to 100".to_owned(),
                ));
            }
            query.push(format!("limit={limit}"));
        }
        if let Some(period) = options.period {
            query.push(format!("period={}", period.as_str()));
        }
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        let (m, y) = (month.month(), month.year());
        self.client.get(&format!(
            "analytics/{}/api-keys/top/{m}/{y}{query}",
            self.org()?
        ))
    }

    fn org(&self) -> Result<&str, Error> {
        path_segment("organization id", &self.org_id, self.client)
    }
}

impl fmt::Debug for Usage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An organisation id holding the key is refused by every call; shown without it here.
        let org_id = Scrubber::new(&self.client.api_key()).scrub(&self.org_id);
        f.debug_struct("Usage")
            .field("org_id", &org_id)
            .finish_non_exhaustive()
    }
}

fn month_query(month: Option<Month>) -> String {
    month.map_or_else(String::new, |m| {
        format!("?month={}&year={}", m.month(), m.year())
    })
}

/// A calendar month, such as December 2025.
///
/// ```
/// let month = freddy::usage::Month::new(2025, 12)?;
/// assert_eq!(month.to_string(), "2025-12");
/// # Ok::<(), freddy::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    year: u16,
    month: u8,
}

impl Month {
    /// The month `month` (1–12) of `year` (1970–9999); anything else is
    /// [`Error::InvalidRequest`].
    pub fn new(year: u16, month: u8) -> Result<Month, Error> {
        if !(1..=12).contains(&month) || !(1970..=9999).contains(&year) {
            return Err(Error::InvalidRequest(format!(
                "{year}-{month:02} is not a month: the month runs from 1 to 12, the year from 1970 to 9999"
            )));
        }
        Ok(Month { year, month })
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

/// Options of [`Usage::top_api_keys`]; the defaults are the API's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct TopKeysOptions {
    limit: Option<u32>,
    period: Option<TopKeysPeriod>,
}

impl TopKeysOptions {
    /// The API's defaults.
    pub fn new() -> TopKeysOptions {
        TopKeysOptions::default()
    }

    /// How many keys to rank, 1–100.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Rank by day or by month.
    pub fn period(mut self, period: TopKeysPeriod) -> Self {
        self.period = Some(period);
        self
    }
}

/// The period [`Usage::top_api_keys`] ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TopKeysPeriod {
    /// Day by day.
    Daily,
    /// The whole month.
    Monthly,
}

impl TopKeysPeriod {
    fn as_str(self) -> &'static str {
        match self {
            TopKeysPeriod::Daily => "daily",
            TopKeysPeriod::Monthly => "monthly",
        }
    }
}

/// A change of spending limits, all in CHF. The API's rules are checked before sending
/// ([`Error::InvalidRequest`] otherwise): at least one limit, every limit above 0, and the
/// total for API keys no higher than the organisation's monthly limit when both are given.
///
/// Sent as snake_case, the way the official SDK sends it.
///
/// ```
/// use freddy::usage::LimitsUpdate;
///
/// let update = LimitsUpdate::new()
///     .monthly_api_limit(500.0)
///     .total_api_key_limit(400.0)
///     .api_key_limit("key_id", 50.0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[must_use]
pub struct LimitsUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    monthly_api_limit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_api_key_limit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key_limit: Option<f64>,
}

impl LimitsUpdate {
    /// A change with no limit set yet.
    pub fn new() -> LimitsUpdate {
        LimitsUpdate::default()
    }

    /// The organisation's monthly limit for API traffic.
    pub fn monthly_api_limit(mut self, chf: f64) -> Self {
        self.monthly_api_limit = Some(chf);
        self
    }

    /// The limit for all API keys together; no higher than the organisation's limit.
    pub fn total_api_key_limit(mut self, chf: f64) -> Self {
        self.total_api_key_limit = Some(chf);
        self
    }

    /// One key's monthly limit.
    pub fn api_key_limit(mut self, key_id: impl Into<String>, chf: f64) -> Self {
        self.api_key_id = Some(key_id.into());
        self.api_key_limit = Some(chf);
        self
    }

    fn check(&self) -> Result<(), Error> {
        let refuse = |why: &str| Err(Error::InvalidRequest(format!("spending limits: {why}")));
        let limits = [
            ("monthly_api_limit", self.monthly_api_limit),
            ("total_api_key_limit", self.total_api_key_limit),
            ("api_key_limit", self.api_key_limit),
        ];
        if limits.iter().all(|(_, l)| l.is_none()) {
            return refuse("set at least one limit");
        }
        if let Some((name, _)) = limits
            .iter()
            .find(|(_, l)| l.is_some_and(|chf| !(chf.is_finite() && chf > 0.0)))
        {
            return refuse(&format!("{name} must be above 0 CHF"));
        }
        if self
            .api_key_id
            .as_deref()
            .is_some_and(|id| id.trim().is_empty())
        {
            return refuse("the key id is empty");
        }
        if self.api_key_id.is_some() != self.api_key_limit.is_some() {
            return refuse("a key id needs a key limit");
        }
        if let (Some(total), Some(org)) = (self.total_api_key_limit, self.monthly_api_limit) {
            if total > org {
                return refuse(&format!(
                    "the total for API keys ({total} CHF) is above the organisation's limit ({org} CHF)"
                ));
            }
        }
        Ok(())
    }
}
