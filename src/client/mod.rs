//! [`FreddyClient`]: the key, the connection pool and the call helpers every API area uses.

mod builder;
pub(crate) mod env;
mod retry;
pub(crate) mod transport;
pub(crate) mod url;

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime};

use http::{Method, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::{Agent, Body};

pub use builder::{ClientBuilder, DEFAULT_BASE_URL, DEFAULT_USER_AGENT};

use crate::error::Error;
use crate::key::{ApiKey, KeyError, Scrubber};
use crate::rate_limit::RateLimit;
use env::{EnvValue, BASE_URL_VARIABLE, KEY_VARIABLE};
use retry::MAX_WAIT;
use transport::{Exchange, Failure};
use url::BaseUrl;

/// A blocking client for the Freddy API.
///
/// Cheap to clone: clones share one connection pool, one key and one last-seen rate limit, so
/// hand clones to threads freely. The key is sent only in the `X-API-Key` header, only to the
/// base URL's origin.
///
/// ```no_run
/// let client = freddy::FreddyClient::from_env()?;
/// let models = client.authenticated_get("models")?;
/// println!("{models}");
/// # Ok::<(), freddy::Error>(())
/// ```
#[derive(Clone)]
pub struct FreddyClient {
    inner: Arc<Inner>,
}

struct Inner {
    agent: Agent,
    base: BaseUrl,
    /// Swapped whole by [`FreddyClient::set_api_key`]; read by cloning (a reference count),
    /// so no lock is held while a request is under way.
    key: RwLock<ApiKey>,
    rate_limit: Mutex<Option<RateLimit>>,
    settings: Settings,
}

/// The settings a request consults.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) timeout: Duration,
    pub(crate) stream_idle_timeout: Option<Duration>,
    pub(crate) max_retries: u32,
    pub(crate) max_response_bytes: u64,
    pub(crate) max_event_bytes: usize,
    pub(crate) pace_requests: bool,
}

impl FreddyClient {
    /// A client for the default base URL with this key. The key is checked here; nothing is sent.
    ///
    /// ```
    /// let client = freddy::FreddyClient::new("ak_1234567890abcdef1234567890abcdef12345678")?;
    /// # Ok::<(), freddy::Error>(())
    /// ```
    pub fn new(api_key: impl AsRef<str>) -> Result<FreddyClient, Error> {
        FreddyClient::builder().api_key(api_key).build()
    }

    /// A client configured from the environment: the key from `FREDDY_API_KEY` (required; an
    /// empty value counts as missing) and, when set, the base URL from `FREDDY_BASE_URL`.
    /// Whitespace around either value is ignored.
    ///
    /// A missing key is [`Error::MissingApiKey`]; an unusable value (one that is not valid
    /// Unicode included) is [`Error::Env`] naming the variable, with the reason as its source.
    pub fn from_env() -> Result<FreddyClient, Error> {
        let env_error = |variable, source| Error::Env {
            variable,
            source: Box::new(source),
        };
        let key = match env::read(KEY_VARIABLE) {
            EnvValue::Set(raw) => raw.parse::<ApiKey>(),
            // Never a valid key (`�` is no ASCII letter); parsed to say where it goes wrong.
            EnvValue::NotUnicode(lossy) => Err(lossy
                .parse::<ApiKey>()
                .err()
                .unwrap_or(KeyError::BadCharacter { position: 0 })),
            EnvValue::Unset | EnvValue::Blank => return Err(Error::MissingApiKey),
        }
        .map_err(|e| env_error(KEY_VARIABLE, Error::InvalidApiKey(e)))?;
        let builder = FreddyClient::builder().key(key);
        match env::read(BASE_URL_VARIABLE) {
            EnvValue::Unset | EnvValue::Blank => builder.build(),
            // The only `InvalidBaseUrl` the build can give: blame the variable.
            EnvValue::Set(url) => builder.base_url(&url).build().map_err(|e| match e {
                Error::InvalidBaseUrl(_) => env_error(BASE_URL_VARIABLE, e),
                e => e,
            }),
            EnvValue::NotUnicode(_) => Err(env_error(
                BASE_URL_VARIABLE,
                Error::InvalidBaseUrl("it is not valid Unicode".to_owned()),
            )),
        }
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// GET `{base_url}/v1/{endpoint}` with the `X-API-Key` header: the documentation's
    /// `make_authenticated_request`. A leading `/` is tolerated; a query string is allowed.
    ///
    /// A success body is returned as JSON (`Value::Null` when empty); a 401, 403, 429 or other
    /// status is the matching [`Error`] branch. An endpoint that could leave the API's `/v1/`
    /// path is [`Error::InvalidEndpoint`] and nothing is sent.
    ///
    /// ```no_run
    /// # let client = freddy::FreddyClient::new("ak_1234567890abcdef1234567890abcdef12345678")?;
    /// match client.authenticated_get("models") {
    ///     Ok(data) => println!("{data}"),
    ///     Err(freddy::Error::Unauthorized(_)) => println!("Authentication failed. Check your API key."),
    ///     Err(freddy::Error::Forbidden(_)) => println!("Permission denied. Check your account permissions."),
    ///     Err(other) => println!("Unexpected error: {other}"),
    /// }
    /// # Ok::<(), freddy::Error>(())
    /// ```
    pub fn authenticated_get(&self, endpoint: &str) -> Result<serde_json::Value, Error> {
        self.get(endpoint)
    }

    /// GET an endpoint and parse the JSON answer as `T`.
    pub fn get<T: DeserializeOwned>(&self, endpoint: &str) -> Result<T, Error> {
        self.call(Method::GET, endpoint, None)
    }

    /// POST `body` as JSON and parse the JSON answer as `T`.
    pub fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        endpoint: &str,
        body: &B,
    ) -> Result<T, Error> {
        self.call(Method::POST, endpoint, Some(transport::to_json(body)?))
    }

    /// POST with no body and parse the JSON answer as `T`.
    pub fn post_empty<T: DeserializeOwned>(&self, endpoint: &str) -> Result<T, Error> {
        self.call(Method::POST, endpoint, None)
    }

    /// PATCH `body` as JSON and parse the JSON answer as `T`.
    pub fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        endpoint: &str,
        body: &B,
    ) -> Result<T, Error> {
        self.call(Method::PATCH, endpoint, Some(transport::to_json(body)?))
    }

    /// PUT `body` as JSON and parse the JSON answer as `T`.
    pub fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        endpoint: &str,
        body: &B,
    ) -> Result<T, Error> {
        self.call(Method::PUT, endpoint, Some(transport::to_json(body)?))
    }

    /// DELETE an endpoint and parse the JSON answer as `T`.
    pub fn delete<T: DeserializeOwned>(&self, endpoint: &str) -> Result<T, Error> {
        self.call(Method::DELETE, endpoint, None)
    }

    /// The rate limit reported by the latest response that carried the headers, from any clone.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *lock(&self.inner.rate_limit)
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// Replaces the key for every clone, from their next call on: a key rotation without a
    /// restart (see `examples/rotate_key.rs`).
    ///
    /// A call already under way, its retries and redirects included, finishes with the key it
    /// started with; the old key's bytes are zeroized when its last use ends. The lock is held
    /// only to swap the handle, never during I/O.
    pub fn set_api_key(&self, key: ApiKey) {
        let old = std::mem::replace(&mut *write(&self.inner.key), key);
        drop(old); // outside the lock: wiping is the last holder's job, not ours to wait on
    }

    /// The key requests currently use (a shared handle, not a copy of the bytes).
    pub fn api_key(&self) -> ApiKey {
        read(&self.inner.key).clone()
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        endpoint: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, Error> {
        let (response, key) = self.execute(method, endpoint, body.as_deref(), false)?;
        transport::read_json(response, self.inner.settings.max_response_bytes, &key)
    }

    /// Sends a request with retries and returns the success response with its body unread,
    /// together with the key it was sent with (to scrub whatever the body says).
    pub(crate) fn execute(
        &self,
        method: Method,
        endpoint: &str,
        body: Option<&[u8]>,
        stream: bool,
    ) -> Result<(Response<Body>, ApiKey), Error> {
        // The key goes in the X-API-Key header only: never into a URL, where proxies and
        // server logs keep it. (This also keeps the refusal below from quoting it.)
        // Taken once: retries and redirects keep the key the call started with, and a key
        // swapped in meanwhile applies from the next call on.
        let key = self.api_key();
        if Scrubber::new(&key).leaks(endpoint) {
            return Err(Error::InvalidEndpoint(
                "it contains the API key, which is only ever sent in the X-API-Key header"
                    .to_owned(),
            ));
        }
        let url = self.inner.base.endpoint_url(endpoint)?;
        let settings = &self.inner.settings;
        let idle = stream.then(|| settings.stream_idle_timeout.unwrap_or(settings.timeout));
        let mut attempt = 0;
        loop {
            self.pace();
            let exchange = Exchange {
                method: method.clone(),
                url: Cow::Borrowed(&url),
                body,
                stream_idle_timeout: idle,
            };
            let (error, retryable) =
                match transport::send(&self.inner.agent, &self.inner.base, &key, exchange) {
                    Ok(response) => {
                        self.note_rate_limit(&response);
                        let status = response.status().as_u16();
                        if response.status().is_success() {
                            return Ok((response, key));
                        }
                        let api = transport::read_api_error(response, &key);
                        (
                            Error::from_status(api),
                            retry::status_is_retryable(status, &method),
                        )
                    }
                    Err(Failure { error, sent }) => {
                        let retryable = retry::failure_is_retryable(&error, sent, &method);
                        (error, retryable)
                    }
                };
            if !retryable || attempt >= settings.max_retries {
                return Err(error);
            }
            let wait = retry::wait_before_retry(&error, attempt);
            if wait > MAX_WAIT {
                return Err(error);
            }
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn note_rate_limit(&self, response: &Response<Body>) {
        if let Some(limit) = RateLimit::from_headers(response.headers()) {
            *lock(&self.inner.rate_limit) = Some(limit);
        }
    }

    /// With pacing on, waits out an exhausted window instead of collecting a 429.
    ///
    /// `X-RateLimit-Reset` is in whole seconds and servers round either way, so the window may
    /// end anywhere within that second: the wait lasts until the second is over.
    fn pace(&self) {
        const RESET_SECOND: Duration = Duration::from_secs(1);
        if !self.inner.settings.pace_requests {
            return;
        }
        let Some(limit) = self.rate_limit().filter(|l| l.remaining == 0) else {
            return;
        };
        let Some(over) = limit.reset_at().and_then(|at| at.checked_add(RESET_SECOND)) else {
            return;
        };
        let wait = over
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO);
        if !wait.is_zero() && wait <= MAX_WAIT + RESET_SECOND {
            std::thread::sleep(wait);
        }
    }
}

/// Clones are handed to threads: keep the client `Send + Sync`.
const _: fn() = || {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<FreddyClient>();
};

// The locks below guard values that are replaced whole, never left half-written, so one
// poisoned by a panic elsewhere still holds a usable value.

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

impl fmt::Debug for FreddyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FreddyClient")
            .field("base_url", &self.inner.base.as_str())
            .field("key", &self.api_key())
            .field("settings", &self.inner.settings)
            .field("rate_limit", &self.rate_limit())
            .finish()
    }
}
