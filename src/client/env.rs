//! The environment variables a client is configured from, read the same way by
//! [`FreddyClient::from_env`](super::FreddyClient::from_env) and the doctor.

use std::ffi::OsString;

use zeroize::Zeroizing;

/// The variable the key is read from.
pub(crate) const KEY_VARIABLE: &str = "FREDDY_API_KEY";
/// The variable a base URL is read from.
pub(crate) const BASE_URL_VARIABLE: &str = "FREDDY_BASE_URL";

/// What a variable holds. Values may be keys, so every copy made here is wiped when dropped
/// (the process environment keeps its own).
pub(crate) enum EnvValue {
    /// Not set.
    Unset,
    /// Set, but empty or only whitespace: counts as not set.
    Blank,
    /// Set, but not valid Unicode. Holds the value with each bad sequence replaced by `�`, so
    /// that it can be checked and explained like any other.
    NotUnicode(Zeroizing<String>),
    /// The value, without surrounding whitespace (a `.env` line may leave a newline).
    Set(Zeroizing<String>),
}

/// Reads `variable`.
pub(crate) fn read(variable: &str) -> EnvValue {
    let Some(raw) = std::env::var_os(variable) else {
        return EnvValue::Unset;
    };
    match raw.into_string() {
        Ok(text) => {
            let text = Zeroizing::new(text);
            match text.trim() {
                "" => EnvValue::Blank,
                trimmed if trimmed.len() == text.len() => EnvValue::Set(text),
                trimmed => EnvValue::Set(Zeroizing::new(trimmed.to_owned())),
            }
        }
        Err(raw) => {
            let lossy = Zeroizing::new(raw.to_string_lossy().into_owned());
            wipe(raw);
            EnvValue::NotUnicode(lossy)
        }
    }
}

fn wipe(value: OsString) {
    #[cfg(unix)]
    zeroize::Zeroize::zeroize(&mut std::os::unix::ffi::OsStringExt::into_vec(value));
    #[cfg(not(unix))]
    drop(value); // no safe way to reach the bytes
}
