//! Fields the crate does not model yet, kept in the order they were added.

use serde_json::Value;

/// Extra request fields: set with `extra(key, value)`, sent after the named ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Extra(Vec<(String, Value)>);

impl Extra {
    /// Adds a field, or replaces the value of one added before (keeping its place).
    pub(crate) fn insert(&mut self, key: String, value: Value) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = value,
            None => self.0.push((key, value)),
        }
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}
