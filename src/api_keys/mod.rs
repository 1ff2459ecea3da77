//! Managing an organisation's API keys: [`FreddyClient::api_keys`].
//!
//! Paths live under `v1/organizations/{org_id}/api-keys`. Reading needs membership of the
//! organisation; changes need the admin or owner role (otherwise [`Error::Forbidden`]).
//!
//! ```no_run
//! use freddy::api_keys::NewApiKey;
//!
//! let client = freddy::FreddyClient::from_env()?;
//! let keys = client.api_keys("org_your_org_id");
//! for page in keys.pages(50) {
//!     for info in page?.keys {
//!         println!("{} {:?} active: {:?}", info.id, info.key_name, info.is_active);
//!     }
//! }
//! let created = keys.create(&NewApiKey::new("Development").usage_limit_chf(10.0))?;
//! println!("created {} ({:?})", created.info.id, created.key); // Debug is redacted
//! # Ok::<(), freddy::Error>(())
//! ```
//!
//! The plaintext key that [`create`](ApiKeys::create) and [`rotate`](ApiKeys::rotate) return is
//! read from the response into zeroizing buffers and handed over as an [`ApiKey`]; it is never
//! held in a `String` and never appears in the JSON kept in `extra` (a run of it quoted
//! elsewhere in the answer reads `[REDACTED]`).

mod secret_body;
mod sieve;
mod types;

use std::fmt;
use std::iter::FusedIterator;

use http::Method;
use serde::de::DeserializeOwned;

use crate::client::transport::to_json;
use crate::client::FreddyClient;
use crate::error::{DecodeError, Error};
use crate::key::{ApiKey, Scrubber};
use crate::wire::path_segment;
use sieve::Sifted;
pub use types::{
    ApiKeyAction, ApiKeyCreated, ApiKeyInfo, ApiKeyPage, ApiKeyRotated, ApiKeyUpdate, NewApiKey,
};

/// The page size [`ApiKeys::list_all`] and [`ApiKeys::find_by_key`] ask for.
const PAGE_SIZE: u32 = 100;
/// Where the rotate answer puts the new key (the reference's name, and its camelCase form).
const NEW_KEY_FIELDS: [&str; 2] = ["new_key", "newKey"];

impl FreddyClient {
    /// The API keys of an organisation. Nothing is sent until a method is called; an
    /// `org_id` that could change the URL path (`/`, `..`, `?`, `#`, whitespace, …) makes
    /// every call [`Error::InvalidRequest`].
    pub fn api_keys(&self, org_id: impl Into<String>) -> ApiKeys<'_> {
        ApiKeys {
            client: self,
            org_id: org_id.into(),
        }
    }
}

/// An organisation's API keys. Get one from [`FreddyClient::api_keys`].
///
/// Key ids, like the organisation id, must be plain ids (ASCII letters, digits, `-`, `_`,
/// `.`, `~`): anything else is [`Error::InvalidRequest`] and nothing is sent. So is an id
/// shaped like an API key, since a key must never travel in a URL.
#[derive(Clone)]
pub struct ApiKeys<'c> {
    client: &'c FreddyClient,
    org_id: String,
}

impl<'c> ApiKeys<'c> {
    /// One page of keys. `page` counts from 1; both numbers must be at least 1.
    pub fn list(&self, page: u32, page_size: u32) -> Result<ApiKeyPage, Error> {
        if page == 0 || page_size == 0 {
            return Err(Error::InvalidRequest(
                "pages count from 1 and hold at least 1 key".to_owned(),
            ));
        }
        let endpoint = format!("{}?page={page}&page_size={page_size}", self.collection()?);
        self.call(Method::GET, &endpoint, None)
    }

    /// Every page in turn, from the first, `page_size` keys at a time. The iteration ends after
    /// the last page, or after the first error (which it yields).
    pub fn pages(&self, page_size: u32) -> ApiKeyPages<'c> {
        ApiKeyPages {
            keys: self.clone(),
            page_size,
            next: Some(1),
            fetched: 0,
            previous_first: None,
        }
    }

    /// All keys of the organisation, fetched page by page.
    pub fn list_all(&self) -> Result<Vec<ApiKeyInfo>, Error> {
        let mut all = Vec::new();
        for page in self.pages(PAGE_SIZE) {
            all.extend(page?.keys);
        }
        Ok(all)
    }

    /// The keys whose prefix `key` starts with (see [`ApiKeyInfo::is_prefix_of`]): how to find
    /// the id of the key a client uses. Usually one; prefixes are short, so check before acting
    /// when there are several.
    pub fn find_by_key(&self, key: &ApiKey) -> Result<Vec<ApiKeyInfo>, Error> {
        let mut found = self.list_all()?;
        found.retain(|info| info.is_prefix_of(key));
        Ok(found)
    }

    /// Creates a key. Its secret is in the answer, this once: store it. When the organisation
    /// has as many keys as it may, the API answers 409 ([`Error::Api`]).
    ///
    /// Not retried after it may have reached the server, so one call makes at most one key.
    /// Once the secret has arrived it is handed over, even if the rest of the answer is not
    /// what the reference describes (`info` then holds what could be read).
    pub fn create(&self, new: &NewApiKey) -> Result<ApiKeyCreated, Error> {
        new.check()?;
        let mut sifted = self.send(Method::POST, &self.collection()?, Some(to_json(new)?))?;
        let key = sifted.take_key(&[]).ok_or_else(no_key_in_answer)?;
        // A message or prefix quoting the new secret would show it in `Debug`.
        let json = Scrubber::new(&key).scrub_json(sifted.json);
        Ok(ApiKeyCreated {
            key,
            info: ApiKeyInfo::lenient(json),
        })
    }

    /// One key's description.
    pub fn get(&self, key_id: &str) -> Result<ApiKeyInfo, Error> {
        self.call(Method::GET, &self.member(key_id, None)?, None)
    }

    /// Changes a key's name, spending cap, scopes or expiry (PATCH); returns the key as changed.
    pub fn update(&self, key_id: &str, update: &ApiKeyUpdate) -> Result<ApiKeyInfo, Error> {
        update.check()?;
        let endpoint = self.member(key_id, None)?;
        self.call(Method::PATCH, &endpoint, Some(to_json(update)?))
    }

    /// Deletes a key (the API keeps it as deleted; deleting twice is not an error).
    pub fn delete(&self, key_id: &str) -> Result<ApiKeyAction, Error> {
        self.call(Method::DELETE, &self.member(key_id, None)?, None)
    }

    /// Activates a deactivated key.
    pub fn activate(&self, key_id: &str) -> Result<ApiKeyAction, Error> {
        self.call(Method::POST, &self.member(key_id, Some("activate"))?, None)
    }

    /// Deactivates a key: requests with it are refused until it is activated again.
    pub fn deactivate(&self, key_id: &str) -> Result<ApiKeyAction, Error> {
        self.call(
            Method::POST,
            &self.member(key_id, Some("deactivate"))?,
            None,
        )
    }

    /// Pauses a key for a while.
    pub fn pause(&self, key_id: &str) -> Result<ApiKeyAction, Error> {
        self.call(Method::POST, &self.member(key_id, Some("pause"))?, None)
    }

    /// Ends a pause.
    pub fn unpause(&self, key_id: &str) -> Result<ApiKeyAction, Error> {
        self.call(Method::POST, &self.member(key_id, Some("unpause"))?, None)
    }

    /// Replaces a key in one step: the API deletes it at once and creates a new one with the
    /// same settings, whose secret is in the answer this once. Everything still using the old
    /// key fails from then on; for a rotation without downtime create a new key, switch to it
    /// ([`FreddyClient::set_api_key`]), then delete the old one (see `examples/rotate_key.rs`).
    ///
    /// A key already deleted is a 409 ([`Error::Api`]). Like [`create`](Self::create), a new
    /// secret that arrived is always handed over.
    pub fn rotate(&self, key_id: &str) -> Result<ApiKeyRotated, Error> {
        let endpoint = self.member(key_id, Some("rotate"))?;
        let mut sifted = self.send(Method::POST, &endpoint, None)?;
        let key = NEW_KEY_FIELDS
            .iter()
            .find_map(|field| sifted.take_key(&[*field]))
            .ok_or_else(no_key_in_answer)?;
        let json = Scrubber::new(&key).scrub_json(sifted.json);
        Ok(ApiKeyRotated::from_answer(key, json, &NEW_KEY_FIELDS))
    }

    fn collection(&self) -> Result<String, Error> {
        let org = path_segment("organization id", &self.org_id, self.client)?;
        Ok(format!("organizations/{org}/api-keys"))
    }

    fn member(&self, key_id: &str, action: Option<&str>) -> Result<String, Error> {
        let id = path_segment("key id", key_id, self.client)?;
        let mut endpoint = format!("{}/{id}", self.collection()?);
        if let Some(action) = action {
            endpoint.push('/');
            endpoint.push_str(action);
        }
        Ok(endpoint)
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        endpoint: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, Error> {
        let json = self.send(method, endpoint, body)?.json;
        serde_json::from_value(json).map_err(|e| Error::Decode(DecodeError::from_json(&e)))
    }

    /// Every answer goes through the sieve, so a plaintext key never reaches a `String`, even
    /// from an endpoint that is not expected to return one.
    fn send(&self, method: Method, endpoint: &str, body: Option<Vec<u8>>) -> Result<Sifted, Error> {
        let (response, key) = self
            .client
            .execute(method, endpoint, body.as_deref(), false)?;
        let limit = self.client.settings().max_response_bytes;
        let bytes = secret_body::read(response, limit, &key)?;
        sieve::sift(&bytes)
    }
}

impl fmt::Debug for ApiKeys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An organisation id holding the key is refused by every call; shown without it here.
        let org_id = Scrubber::new(&self.client.api_key()).scrub(&self.org_id);
        f.debug_struct("ApiKeys")
            .field("org_id", &org_id)
            .finish_non_exhaustive()
    }
}

/// The pages of an organisation's keys, from [`ApiKeys::pages`].
///
/// Stops after the last page: when a page is empty, when `total` keys have been seen, or (when
/// the API gives no total) after a page with fewer keys than the page size the API reports
/// using. A server that reports neither is asked for pages until one is empty. A server that
/// ignores the page number and repeats a page ends the iteration too, instead of looping
/// forever.
pub struct ApiKeyPages<'c> {
    keys: ApiKeys<'c>,
    page_size: u32,
    next: Option<u32>,
    fetched: u64,
    previous_first: Option<String>,
}

impl Iterator for ApiKeyPages<'_> {
    type Item = Result<ApiKeyPage, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let number = self.next.take()?;
        let page = match self.keys.list(number, self.page_size) {
            Ok(page) => page,
            Err(e) => return Some(Err(e)),
        };
        let first = page.keys.first().map(|k| k.id.clone());
        if first.is_some() && first == self.previous_first {
            return None;
        }
        self.fetched += page.keys.len() as u64;
        // Without a total, a short page is the last only if it is short of the page size the
        // server used: a server may cap the size asked for. When it says nothing, only an
        // empty page proves the end.
        let more = match (page.total, page.page_size) {
            (Some(total), _) => self.fetched < total,
            (None, Some(size)) => page.keys.len() as u64 >= size,
            (None, None) => true,
        };
        if more && !page.keys.is_empty() {
            self.next = number.checked_add(1);
        }
        self.previous_first = first;
        Some(Ok(page))
    }
}

impl FusedIterator for ApiKeyPages<'_> {}

impl fmt::Debug for ApiKeyPages<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyPages")
            .field("keys", &self.keys)
            .field("page_size", &self.page_size)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

fn no_key_in_answer() -> Error {
    Error::Decode(DecodeError::new(
        "the answer has no `key`: the key may exist without its secret; \
         list the keys to find and delete it",
    ))
}
