//! [`ClientBuilder`]: every setting of a [`FreddyClient`], with its default.

use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use ureq::config::Config;
use ureq::Agent;

use super::url::BaseUrl;
use super::{FreddyClient, Inner, Settings};
use crate::error::Error;
use crate::key::{ApiKey, KeyError, Scrubber};

/// The API's documented host.
pub const DEFAULT_BASE_URL: &str = "https://api.aitronos.com";
/// `freddy/<version>`, sent as the User-Agent unless replaced.
pub const DEFAULT_USER_AGENT: &str = concat!("freddy/", env!("CARGO_PKG_VERSION"));

/// Builds a [`FreddyClient`]. Get one from [`FreddyClient::builder`].
///
/// | setting | default |
/// |---|---|
/// | [`base_url`](Self::base_url) | `https://api.aitronos.com` |
/// | [`timeout`](Self::timeout) (whole request, body included) | 60 s |
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`stream_idle_timeout`](Self::stream_idle_timeout) (longest pause inside a stream) | the timeout |
/// | [`max_retries`](Self::max_retries) | 2 |
/// | [`max_response_bytes`](Self::max_response_bytes) | 10 MiB |
/// | [`max_event_bytes`](Self::max_event_bytes) (one streamed event or line) | 1 MiB |
/// | [`max_idle_connections`](Self::max_idle_connections) (kept open for reuse) | 16 |
/// | [`pace_requests`](Self::pace_requests) | off |
/// | [`user_agent`](Self::user_agent) | `freddy/<version>` |
///
/// ```
/// use std::time::Duration;
///
/// let client = freddy::FreddyClient::builder()
///     .api_key("ak_1234567890abcdef1234567890abcdef12345678")
///     .timeout(Duration::from_secs(120))
///     .max_retries(4)
///     .build()?;
/// # Ok::<(), freddy::Error>(())
/// ```
#[must_use]
#[derive(Clone)]
pub struct ClientBuilder {
    key: Option<Result<ApiKey, KeyError>>,
    base_url: String,
    settings: Settings,
    connect_timeout: Duration,
    max_idle_connections: usize,
    user_agent: String,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            settings: Settings {
                timeout: Duration::from_secs(60),
                stream_idle_timeout: None,
                max_retries: 2,
                max_response_bytes: 10 * 1024 * 1024,
                max_event_bytes: 1024 * 1024,
                pace_requests: false,
            },
            connect_timeout: Duration::from_secs(10),
            max_idle_connections: 16,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
        }
    }
}

impl ClientBuilder {
    /// The API key, checked when [`build`](Self::build) runs.
    pub fn api_key(mut self, key: impl AsRef<str>) -> Self {
        self.key = Some(key.as_ref().parse());
        self
    }

    /// An already checked key.
    pub fn key(mut self, key: ApiKey) -> Self {
        self.key = Some(Ok(key));
        self
    }

    /// Where the API is. https only, except plain http to a loopback host (`localhost`,
    /// 127.0.0.0/8, `[::1]`) for tests and local stand-ins. A path prefix is kept:
    /// `https://host/gateway` sends requests to `https://host/gateway/v1/...`.
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = url.to_owned();
        self
    }

    /// The longest a whole request may take, response body included (not for streams).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The longest connecting (DNS, TCP and TLS) may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest pause between two reads of a stream; it replaces the total timeout there,
    /// since a stream may rightly last longer than any request.
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.settings.stream_idle_timeout = Some(timeout);
        self
    }

    /// How many times a failed request is tried again, where that is safe (see the crate docs).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.settings.max_retries = retries;
        self
    }

    /// The largest success body read; a larger one is [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.settings.max_response_bytes = bytes;
        self
    }

    /// The largest single event (or line) of a stream; a larger one ends the stream with
    /// [`Error::ResponseTooLarge`], before memory holds more than this.
    pub fn max_event_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_event_bytes = bytes;
        self
    }

    /// How many idle connections to the API are kept for reuse (at least 1; 0 counts as 1).
    /// Threads sharing one client each need one; ureq's own default of 3 would make eight
    /// threads reconnect constantly.
    pub fn max_idle_connections(mut self, connections: usize) -> Self {
        self.max_idle_connections = connections;
        self
    }

    /// When on, a call made while the last seen `X-RateLimit-Remaining` is 0 waits for the
    /// window to reset (if that is within 60 s) instead of collecting a 429. Since
    /// `X-RateLimit-Reset` counts whole seconds, the wait lasts until that second is over.
    pub fn pace_requests(mut self, on: bool) -> Self {
        self.settings.pace_requests = on;
        self
    }

    /// The User-Agent header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Checks the settings and builds the client. Nothing is sent.
    pub fn build(self) -> Result<FreddyClient, Error> {
        let key = self
            .key
            .ok_or(Error::MissingApiKey)?
            .map_err(Error::InvalidApiKey)?;
        let base = BaseUrl::parse_for(&self.base_url, &key)?;
        if self
            .user_agent
            .chars()
            .any(|c| c.is_control() || !c.is_ascii())
        {
            return Err(Error::InvalidRequest(
                "the user agent must be printable ASCII".to_owned(),
            ));
        }
        let mut config = Config::builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(self.settings.timeout))
            .timeout_connect(Some(self.connect_timeout))
            // The client talks to one origin only, so the pool's total and per-host caps agree.
            .max_idle_connections(self.max_idle_connections.max(1))
            .max_idle_connections_per_host(self.max_idle_connections.max(1))
            .user_agent(self.user_agent);
        // Environment proxies (ALL_PROXY, HTTPS_PROXY, HTTP_PROXY, NO_PROXY) are ureq's
        // default; traffic to this machine never goes through one.
        if base.origin().is_loopback() {
            config = config.proxy(None);
        }
        // With both TLS features on, the explicit opt-in wins.
        #[cfg(feature = "native-tls")]
        {
            config = config.tls_config(
                ureq::tls::TlsConfig::builder()
                    .provider(ureq::tls::TlsProvider::NativeTls)
                    .build(),
            );
        }
        let agent = Agent::new_with_config(config.build());
        Ok(FreddyClient {
            inner: Arc::new(Inner {
                agent,
                base,
                key: RwLock::new(key),
                rate_limit: Mutex::new(None),
                settings: self.settings,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A base URL holding the key is refused by `build`; until then it is shown without it.
        let base_url = match &self.key {
            Some(Ok(key)) => Scrubber::new(key).scrub(&self.base_url),
            _ => self.base_url.clone(),
        };
        f.debug_struct("ClientBuilder")
            .field("key", &self.key)
            .field("base_url", &base_url)
            .field("settings", &self.settings)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_idle_connections", &self.max_idle_connections)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}
