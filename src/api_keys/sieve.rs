//! Reads an API-key response into JSON with every plaintext key taken out.
//!
//! A string under a field named `key` (outside `metadata`, which is the caller's own data) is a
//! plaintext API key (create and rotate return one, once). It is read straight from the
//! response buffer as a borrowed `&str` and stored as an [`ApiKey`] (its own exact-size,
//! zeroizing buffer); it never becomes a `String` or a `serde_json::Value`, and the field is
//! dropped from the JSON the caller gets to see. A `key` that holds an object (the key's
//! description in action responses) is kept as it is.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{DecodeError, Error};
use crate::key::ApiKey;

/// The field name under which the API returns a plaintext key.
const KEY_FIELD: &str = "key";
/// Free-form data the caller stored with a key, never a place for a secret from the API.
const METADATA_FIELD: &str = "metadata";

/// A plaintext key found in a response, with the object fields that lead to it.
pub(crate) struct FoundKey {
    /// `[]` for the top level, `["new_key"]` inside the rotate response's `new_key`, …
    pub(crate) path: Vec<String>,
    pub(crate) key: ApiKey,
}

/// The response as JSON without plaintext keys, and the keys taken out of it.
pub(crate) struct Sifted {
    pub(crate) json: Value,
    pub(crate) keys: Vec<FoundKey>,
}

impl Sifted {
    /// The key found at exactly this path (the last one, if a field was repeated).
    pub(crate) fn take_key(&mut self, path: &[&str]) -> Option<ApiKey> {
        let at = self.keys.iter().rposition(|found| found.path == path)?;
        Some(self.keys.swap_remove(at).key)
    }
}

/// Parses `bytes` (an empty body is `null`). A plaintext key holding characters a header cannot
/// carry is a [`Error::Decode`]; only the server knows such a key, so it is never half-kept.
pub(crate) fn sift(bytes: &[u8]) -> Result<Sifted, Error> {
    let mut sifted = Sifted {
        json: Value::Null,
        keys: Vec::new(),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(sifted);
    }
    let decode = |e: serde_json::Error| Error::Decode(DecodeError::from_json(&e));
    let mut unusable = false;
    let mut path = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = Sieve {
        path: &mut path,
        found: &mut sifted.keys,
        unusable: &mut unusable,
        under_key_field: false,
    };
    sifted.json = seed
        .deserialize(&mut de)
        .map_err(decode)?
        .unwrap_or(Value::Null);
    de.end().map_err(decode)?;
    if unusable {
        return Err(Error::Decode(DecodeError::new(
            "the API returned a key with characters an X-API-Key header cannot carry; \
             it was not kept",
        )));
    }
    Ok(sifted)
}

/// Builds a [`Value`] from the input; `None` where a plaintext key was taken out.
struct Sieve<'a> {
    path: &'a mut Vec<String>,
    found: &'a mut Vec<FoundKey>,
    unusable: &'a mut bool,
    /// Whether the value being read is the value of a field named `key`.
    under_key_field: bool,
}

impl Sieve<'_> {
    fn child(&mut self, under_key_field: bool) -> Sieve<'_> {
        Sieve {
            path: self.path,
            found: self.found,
            unusable: self.unusable,
            under_key_field,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Sieve<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Sieve<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    /// `serde_json` hands over a slice of the response buffer itself (or of its own scratch
    /// buffer when the string has escapes); a key is copied from there into its final home only.
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        if !self.under_key_field {
            return Ok(Some(Value::String(v.to_owned())));
        }
        match ApiKey::from_server(v) {
            Some(key) => {
                // The path ends with the `key` field itself; the key belongs to its parent.
                let parent = self.path.split_last().map_or(&[][..], |(_, parent)| parent);
                self.found.push(FoundKey {
                    path: parent.to_vec(),
                    key,
                });
            }
            None => *self.unusable = true,
        }
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Some(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Some(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(self.child(false))? {
            items.extend(item);
        }
        Ok(Some(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            // Inside `metadata` the caller's own data is kept whole, whatever its field names.
            let in_metadata = self.path.iter().any(|p| p == METADATA_FIELD);
            let under_key_field = name == KEY_FIELD && !in_metadata;
            self.path.push(name);
            let value = map.next_value_seed(self.child(under_key_field))?;
            let name = self.path.pop().unwrap_or_default();
            if let Some(value) = value {
                object.insert(name, value);
            }
        }
        Ok(Some(Value::Object(object)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC_KEY: &str = "ak_1234567890abcdef1234567890abcdef12345678";

    #[test]
    fn keys_are_taken_out_at_any_depth_and_objects_under_key_stay() {
        let body = format!(
            r#"{{"success": true,
                "new_key": {{"id": "k2", "key": "{DOC_KEY}", "metadata": {{"key": "v"}}}},
                "action": {{"key": {{"id": "k1"}}}}, "list": [{{"key": "{DOC_KEY}"}}]}}"#
        );
        let mut sifted = sift(body.as_bytes()).unwrap();
        let text = sifted.json.to_string();
        assert!(!text.contains("1234567890abcdef"), "{text}");
        assert_eq!(sifted.json["action"]["key"]["id"], "k1");
        assert_eq!(sifted.json["new_key"]["id"], "k2");
        assert_eq!(sifted.json["new_key"]["metadata"]["key"], "v");
        let key = sifted.take_key(&["new_key"]).unwrap();
        assert_eq!(key.expose_secret(), DOC_KEY);
        assert_eq!(
            sifted.keys.len(),
            1,
            "the key inside the list was taken out too"
        );
    }

    #[test]
    fn a_key_a_header_cannot_carry_is_an_error_and_empty_bodies_are_null() {
        assert!(matches!(
            sift(br#"{"key": "ak_a\nb"}"#),
            Err(Error::Decode(_))
        ));
        assert_eq!(sift(b"  ").unwrap().json, Value::Null);
        assert!(sift(b"{").is_err());
        assert!(sift(b"{} x").is_err());
    }
}
