//! A small, blocking client for the [Freddy API](https://api.aitronos.com) by Aitronos.
//!
//! No async runtime, four run-time dependencies of its own (`ureq`, `serde`, `serde_json`,
//! `zeroize`; `http` and `bytes` come with ureq), an
//! API key that is checked before anything is sent and never shows up in logs or errors, and a
//! typed [`Error`] branch for every way a call can fail.
//!
//! ```no_run
//! use freddy::{Error, FreddyClient};
//!
//! // FREDDY_API_KEY=ak_... (and optionally FREDDY_BASE_URL)
//! let client = FreddyClient::from_env()?;
//!
//! match client.authenticated_get("models") {
//!     Ok(data) => println!("{data}"),
//!     Err(Error::Unauthorized(e)) => eprintln!("Authentication failed. Check your API key. ({e})"),
//!     Err(Error::Forbidden(e)) => eprintln!("Permission denied. Check your account permissions. ({e})"),
//!     Err(Error::RateLimited(e)) => eprintln!("Slow down: retry after {:?}", e.retry_after()),
//!     Err(other) => eprintln!("Unexpected error: {other}"),
//! }
//! println!("rate limit: {:?}", client.rate_limit());
//! # Ok::<(), Error>(())
//! ```
//!
//! # The pieces
//! - [`FreddyClient`]: `Clone + Send + Sync`; clones share one connection pool, one key and the
//!   last seen [`RateLimit`]. Built by [`FreddyClient::new`], [`FreddyClient::from_env`] or
//!   [`FreddyClient::builder`] (base URL, timeouts, retries, body limits, user agent).
//! - [`FreddyClient::authenticated_get`] and its typed siblings [`get`](FreddyClient::get),
//!   [`post`](FreddyClient::post), [`post_empty`](FreddyClient::post_empty),
//!   [`patch`](FreddyClient::patch), [`put`](FreddyClient::put) and
//!   [`delete`](FreddyClient::delete): `{base_url}/v1/{endpoint}`, JSON in and out.
//! - [`FreddyClient::responses`]: the main job, `POST v1/model/response`, answered whole
//!   ([`Responses::create`](responses::Responses::create)) or streamed event by event without an
//!   async runtime ([`Responses::stream`](responses::Responses::stream)); see [`responses`].
//! - [`FreddyClient::models`] and [`FreddyClient::health`]: the model catalogue and the liveness
//!   check.
//! - [`ApiKey`]: `ak_` + 39 or 40 ASCII letters and digits, redacted in `Debug`, zeroized on drop.
//! - [`Error`]: `Unauthorized` (401), `Forbidden` (403), `RateLimited` (429) and `Api` (any
//!   other status) carry the API's error envelope as an [`ApiError`]; the other branches say
//!   what failed before or around the exchange.
//! - The key's life: [`FreddyClient::set_api_key`] swaps the key of a running client (rotation
//!   without a restart), [`api_keys`] manages an organisation's keys, [`usage`] reads usage and
//!   spending limits, and [`doctor`] runs the documentation's troubleshooting checklist (also
//!   the `freddy-doctor` program).
//!
//! # Retries
//! Up to [`max_retries`](ClientBuilder::max_retries) (default 2), only where repeating cannot
//! do a thing twice:
//!
//! | failure | GET, PUT, DELETE (idempotent) | POST, PATCH |
//! |---|---|---|
//! | 429 | retry | retry |
//! | 408, 500, 502, 503, 504 | retry | never (it may have been processed) |
//! | connection refused, host not found, resolve or connect timeout (nothing was sent) | retry | retry |
//! | any other timeout or I/O error | retry | never |
//!
//! The wait is `Retry-After` when present, else `X-RateLimit-Reset` on a 429, else exponential
//! backoff from 0.5 s with ±25 % jitter. A wait over 60 s is not slept: the error comes back at
//! once with [`ApiError::retry_after`] set, so the caller decides.
//!
//! # Where the key goes
//! Only in the `X-API-Key` header, only to the base URL's origin (scheme, host and port).
//! Redirects are followed by the client itself, and only within that origin; any other is
//! [`Error::Redirect`] and nothing is sent there. An endpoint that could leave `/v1/` (`..`,
//! `//`, an absolute URL, encoded slashes) is [`Error::InvalidEndpoint`]. Plain http is refused
//! except to loopback hosts. Environment proxies (the first of `ALL_PROXY`, `HTTPS_PROXY`,
//! `HTTP_PROXY`, with `NO_PROXY`) are honoured as ureq reads them; loopback traffic never goes
//! to a proxy.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api_keys;
mod client;
pub mod doctor;
mod error;
mod key;
#[cfg(feature = "mock")]
pub mod mock;
pub mod models;
mod rate_limit;
pub mod responses;
pub mod usage;
mod wire;

pub use client::{ClientBuilder, FreddyClient, DEFAULT_BASE_URL, DEFAULT_USER_AGENT};
pub use error::{ApiError, DecodeError, Error, TransportError};
pub use key::{ApiKey, KeyError};
pub use models::{Health, Model, ModelList};
pub use rate_limit::RateLimit;

/// The `http` crate (which ureq brings), whose `HeaderMap` this crate's API hands out.
pub use http;

/// Not part of the API: the private pieces the benchmarks under `benches/` measure. Anything
/// here may change or go in any release.
#[doc(hidden)]
pub mod __bench {
    /// Decodes `input` as an event stream, fed to the SSE parser in `read_size`-byte reads as
    /// a `ResponseStream` feeds it; returns how many events it dispatched and their data bytes.
    pub fn decode_sse(input: &[u8], read_size: usize) -> (usize, usize) {
        crate::responses::sse::count_events(input, read_size, 1024 * 1024)
    }
}

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
