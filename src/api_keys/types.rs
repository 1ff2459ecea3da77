//! What the API-key endpoints send and return.
//!
//! Results are lenient: fields the reference is not sure of are `Option`, both snake_case and
//! camelCase names are read, and fields this crate does not know are kept in `extra`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::key::ApiKey;
use crate::wire::{lenient_f64, lenient_u64};

/// One API key as the API describes it: everything but the secret.
///
/// The secret itself is an [`ApiKey`]; the API shows it once, in [`ApiKeyCreated`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKeyInfo {
    /// The key's id: what [`ApiKeys::get`](super::ApiKeys::get) and the other calls take.
    /// (Empty only when the answer that brought a new key had no usable id.)
    pub id: String,
    /// The organisation the key belongs to.
    #[serde(default, alias = "organizationId")]
    pub organization_id: Option<String>,
    /// The name given at creation ("Production App", …).
    #[serde(default, alias = "keyName")]
    pub key_name: Option<String>,
    /// The first characters of the key, to recognise it by; see [`ApiKeyInfo::is_prefix_of`].
    #[serde(default, alias = "keyPrefix")]
    pub key_prefix: Option<String>,
    /// Whether the key is active (not deactivated).
    #[serde(default, alias = "isActive")]
    pub is_active: Option<bool>,
    /// Whether the key is paused (a temporary stop).
    #[serde(default, alias = "isPaused")]
    pub is_paused: Option<bool>,
    /// The monthly spending cap for this key, in CHF; `None` for no cap.
    #[serde(default, alias = "usageLimitChf", deserialize_with = "lenient_f64")]
    pub usage_limit_chf: Option<f64>,
    /// The key's scopes (free strings; the API defines no list).
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Free-form metadata, such as `{"deletable": false}`.
    #[serde(default)]
    pub metadata: Option<Value>,
    /// The id of the user who created the key.
    #[serde(default, alias = "createdBy")]
    pub created_by: Option<String>,
    /// When the key was created (ISO 8601).
    #[serde(default, alias = "createdAt")]
    pub created_at: Option<String>,
    /// When the key was last used (ISO 8601), if ever.
    #[serde(default, alias = "lastUsedAt")]
    pub last_used_at: Option<String>,
    /// When the key expires (ISO 8601), if it does.
    #[serde(default, alias = "expiresAt")]
    pub expires_at: Option<String>,
    /// Fields this crate does not model, as the API sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApiKeyInfo {
    /// Reads a key's description; what does not fit the typed fields stays in `extra` (with
    /// the `id` kept when it is a string or a number). For answers that carry a new secret,
    /// which must not be lost to a malformed description.
    pub(super) fn lenient(json: Value) -> ApiKeyInfo {
        if let Ok(info) = serde_json::from_value(json.clone()) {
            return info;
        }
        let mut extra = into_object(json);
        let id = match extra.remove("id") {
            Some(Value::String(id)) => id,
            Some(Value::Number(id)) => id.to_string(),
            Some(other) => {
                extra.insert("id".to_owned(), other);
                String::new()
            }
            None => String::new(),
        };
        ApiKeyInfo {
            id,
            organization_id: None,
            key_name: None,
            key_prefix: None,
            is_active: None,
            is_paused: None,
            usage_limit_chf: None,
            scopes: None,
            metadata: None,
            created_by: None,
            created_at: None,
            last_used_at: None,
            expires_at: None,
            extra,
        }
    }

    /// Whether `key` starts with this key's [`key_prefix`](Self::key_prefix): how to find the
    /// id of a key you hold. A trailing `…`, `...` or `*` in the prefix is ignored, and a prefix
    /// of `ak_` alone matches nothing.
    ///
    /// Prefixes are short, so two keys can share one: when several keys match, look closer
    /// (name, creation date) before acting on one.
    pub fn is_prefix_of(&self, key: &ApiKey) -> bool {
        let Some(prefix) = self.key_prefix.as_deref() else {
            return false;
        };
        let prefix = prefix.trim().trim_end_matches(['.', '…', '*']);
        prefix.len() > "ak_".len() && key.expose_secret().starts_with(prefix)
    }
}

/// One page of [`ApiKeys::list`](super::ApiKeys::list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKeyPage {
    /// The keys on this page (none when the organisation has no keys).
    #[serde(default)]
    pub keys: Vec<ApiKeyInfo>,
    /// How many keys there are in all.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub total: Option<u64>,
    /// This page's number, counted from 1.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub page: Option<u64>,
    /// The page size the API used.
    #[serde(default, alias = "pageSize", deserialize_with = "lenient_u64")]
    pub page_size: Option<u64>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to delete, activate, deactivate, pause and unpause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKeyAction {
    /// Whether the API reports success.
    #[serde(default)]
    pub success: Option<bool>,
    /// The API's message.
    #[serde(default)]
    pub message: Option<String>,
    /// The key after the action, when the API includes it.
    #[serde(default)]
    pub key: Option<ApiKeyInfo>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A key just created: the secret, shown this once, and its description.
///
/// Store [`key`](Self::key) now: the API never shows it again. It is an [`ApiKey`], so it is
/// redacted in `Debug` and zeroized when its last clone is dropped; hand it to
/// [`FreddyClient::set_api_key`](crate::FreddyClient::set_api_key) or copy it out with
/// [`ApiKey::expose_secret`].
///
/// The key is used as the server gave it: one that does not look like the documented
/// `ak_` + 39 letters and digits is still handed over, since the server is the authority on
/// its own keys.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiKeyCreated {
    /// The new key itself.
    pub key: ApiKey,
    /// Everything else the API said about it (`key` is not among `info.extra`). Any run of
    /// the new key elsewhere in the answer (a message quoting it, a long `key_prefix`) reads
    /// `[REDACTED]`.
    pub info: ApiKeyInfo,
}

impl fmt::Debug for ApiKeyCreated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyCreated")
            .field("key", &self.key)
            .field("info", &self.info)
            .finish()
    }
}

/// The answer to [`ApiKeys::rotate`](super::ApiKeys::rotate): the old key is gone, the new
/// one (same settings) is in [`new_key`](Self::new_key). As in [`ApiKeyCreated`], any run of
/// the new key elsewhere in the answer reads `[REDACTED]`.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiKeyRotated {
    /// Whether the API reports success.
    pub success: Option<bool>,
    /// The API's message.
    pub message: Option<String>,
    /// The id of the key that was replaced (and deleted).
    pub old_key_id: Option<String>,
    /// The replacement, with its secret shown this once.
    pub new_key: ApiKeyCreated,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

impl ApiKeyRotated {
    /// Reads the rotate answer, once its plaintext key has been taken out. Never fails: the
    /// new key must reach the caller whatever else the answer holds.
    pub(super) fn from_answer(key: ApiKey, json: Value, new_key_fields: &[&str]) -> ApiKeyRotated {
        let mut extra = into_object(json);
        let mut take = |names: &[&str]| names.iter().find_map(|n| extra.remove(*n));
        let new_key = take(new_key_fields).unwrap_or(Value::Null);
        let success = take(&["success"]).and_then(|v| v.as_bool());
        let message = take(&["message"]).and_then(|v| v.as_str().map(str::to_owned));
        let old_key_id =
            take(&["old_key_id", "oldKeyId"]).and_then(|v| v.as_str().map(str::to_owned));
        ApiKeyRotated {
            success,
            message,
            old_key_id,
            new_key: ApiKeyCreated {
                key,
                info: ApiKeyInfo::lenient(new_key),
            },
            extra,
        }
    }
}

impl fmt::Debug for ApiKeyRotated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyRotated")
            .field("success", &self.success)
            .field("message", &self.message)
            .field("old_key_id", &self.old_key_id)
            .field("new_key", &self.new_key)
            .field("extra", &self.extra)
            .finish()
    }
}

/// A key to create: a name, and optionally a spending cap, scopes, an expiry and metadata.
///
/// ```
/// use freddy::api_keys::NewApiKey;
///
/// let new = NewApiKey::new("Production App")
///     .usage_limit_chf(50.0)
///     .scopes(["responses"])
///     .expires_at("2026-12-31T23:59:59Z")
///     .metadata(serde_json::json!({"deletable": false}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[must_use]
pub struct NewApiKey {
    key_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage_limit_chf: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

impl NewApiKey {
    /// A key with this name ("Production App", "Development", …).
    pub fn new(name: impl Into<String>) -> NewApiKey {
        NewApiKey {
            key_name: name.into(),
            usage_limit_chf: None,
            scopes: None,
            expires_at: None,
            metadata: None,
        }
    }

    /// A monthly spending cap for this key, in CHF.
    pub fn usage_limit_chf(mut self, chf: f64) -> Self {
        self.usage_limit_chf = Some(chf);
        self
    }

    /// The key's scopes (free strings).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// When the key stops working, as ISO 8601 (`2026-12-31T23:59:59Z`).
    pub fn expires_at(mut self, when: impl Into<String>) -> Self {
        self.expires_at = Some(when.into());
        self
    }

    /// Free-form metadata; must be a JSON object, such as `{"deletable": false}`.
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }

    pub(super) fn check(&self) -> Result<(), Error> {
        check_name(&self.key_name)?;
        check_limit(self.usage_limit_chf)?;
        check_expiry(self.expires_at.as_deref())?;
        match &self.metadata {
            Some(m) if !m.is_object() => Err(Error::InvalidRequest(
                "the metadata must be a JSON object".to_owned(),
            )),
            _ => Ok(()),
        }
    }
}

/// Changes to a key; only the fields set are sent. The API takes no metadata here.
///
/// ```
/// use freddy::api_keys::ApiKeyUpdate;
///
/// let change = ApiKeyUpdate::new().key_name("Staging").usage_limit_chf(20.0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[must_use]
pub struct ApiKeyUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    key_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage_limit_chf: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

impl ApiKeyUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> ApiKeyUpdate {
        ApiKeyUpdate::default()
    }

    /// A new name.
    pub fn key_name(mut self, name: impl Into<String>) -> Self {
        self.key_name = Some(name.into());
        self
    }

    /// A new monthly spending cap, in CHF.
    pub fn usage_limit_chf(mut self, chf: f64) -> Self {
        self.usage_limit_chf = Some(chf);
        self
    }

    /// New scopes, replacing the old ones.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// A new expiry, as ISO 8601.
    pub fn expires_at(mut self, when: impl Into<String>) -> Self {
        self.expires_at = Some(when.into());
        self
    }

    pub(super) fn check(&self) -> Result<(), Error> {
        if *self == ApiKeyUpdate::default() {
            return Err(Error::InvalidRequest(
                "the update changes nothing".to_owned(),
            ));
        }
        if let Some(name) = &self.key_name {
            check_name(name)?;
        }
        check_limit(self.usage_limit_chf)?;
        check_expiry(self.expires_at.as_deref())
    }
}

fn into_object(json: Value) -> Map<String, Value> {
    match json {
        Value::Object(fields) => fields,
        _ => Map::new(),
    }
}

fn check_name(name: &str) -> Result<(), Error> {
    if name.trim().is_empty() {
        return Err(Error::InvalidRequest("the key name is empty".to_owned()));
    }
    Ok(())
}

fn check_limit(chf: Option<f64>) -> Result<(), Error> {
    match chf {
        Some(chf) if !(chf.is_finite() && chf >= 0.0) => Err(Error::InvalidRequest(
            "the usage limit must be a finite amount of CHF, not negative".to_owned(),
        )),
        _ => Ok(()),
    }
}

fn check_expiry(when: Option<&str>) -> Result<(), Error> {
    match when {
        Some(w) if w.trim().is_empty() => {
            Err(Error::InvalidRequest("the expiry is empty".to_owned()))
        }
        _ => Ok(()),
    }
}
