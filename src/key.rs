//! The API key: validated once, stored once, wiped when the last user lets go.
//!
//! The key's only long-lived copy is the buffer behind the `X-API-Key` header value. That buffer
//! is allocated with exact capacity, owned by a [`Zeroizing`] wrapper and shared by reference
//! count ([`Bytes::from_owner`]), so every request, clone and [`expose_secret`](ApiKey::expose_secret)
//! points at the same bytes, and the bytes are overwritten when the last of them is dropped.

use std::fmt;
use std::str::FromStr;

use bytes::Bytes;
use http::HeaderValue;
use zeroize::Zeroizing;

const PREFIX: &str = "ak_";
/// The documented total length, and the length of the documentation's own example.
const LENGTHS: [usize; 2] = [42, 43];
/// Shortest run of the secret part that [`Scrubber`] treats as a leak.
pub(crate) const LEAK_WINDOW: usize = 8;

/// A Freddy API key: `ak_` followed by ASCII letters and digits.
///
/// Parse one with [`str::parse`] or [`ApiKey::new`]; surrounding whitespace (a trailing newline
/// from a `.env` file, say) is trimmed. The documentation gives the length as 42 characters
/// while its own example has 43, so both are accepted.
///
/// The key is redacted in `Debug` (only `ak_` and the last four characters show), has no
/// `Display` and no `Serialize`, and its bytes are zeroized when the last clone is dropped.
/// Clones share one buffer.
///
/// ```
/// let key: freddy::ApiKey = "ak_1234567890abcdef1234567890abcdef12345678".parse()?;
/// assert_eq!(format!("{key:?}"), "ApiKey(ak_…5678)");
/// # Ok::<(), freddy::KeyError>(())
/// ```
#[derive(Clone)]
pub struct ApiKey {
    header: HeaderValue,
}

impl ApiKey {
    /// Checks and stores a key. Same as `key.parse()`.
    pub fn new(key: impl AsRef<str>) -> Result<ApiKey, KeyError> {
        key.as_ref().parse()
    }

    /// The key itself, for the rare caller that must hand it to something else.
    ///
    /// Whatever you copy it into is yours to protect: the crate can only wipe its own buffer.
    pub fn expose_secret(&self) -> &str {
        // Only visible ASCII is ever stored (checked on construction), so `to_str` cannot fail.
        self.header.to_str().unwrap_or_default()
    }

    /// The prebuilt `X-API-Key` value; cloning it bumps a reference count, never copies.
    pub(crate) fn header_value(&self) -> &HeaderValue {
        &self.header
    }

    /// The part after `ak_`, the part whose fragments must never show anywhere.
    /// A key the server returned may lack the prefix: then all of it is secret.
    pub(crate) fn secret_part(&self) -> &[u8] {
        let bytes = self.header.as_bytes();
        bytes.strip_prefix(PREFIX.as_bytes()).unwrap_or(bytes)
    }

    /// Whether two keys are equal, compared in constant time for equal lengths.
    pub(crate) fn same_as(&self, other: &ApiKey) -> bool {
        let (a, b) = (self.header.as_bytes(), other.header.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.same_as(other)
    }
}

impl Eq for ApiKey {}

impl FromStr for ApiKey {
    type Err = KeyError;

    fn from_str(raw: &str) -> Result<Self, KeyError> {
        let key = raw.trim();
        check_shape(key)?;
        Ok(ApiKey::from_checked(key))
    }
}

impl ApiKey {
    /// Stores a key whose characters are known to be valid header bytes. The server is the
    /// authority on keys it returns, so those skip the shape check and are only refused for
    /// control characters or bytes a header cannot carry.
    pub(crate) fn from_server(raw: &str) -> Option<ApiKey> {
        let key = raw.trim();
        let printable = !key.is_empty() && key.bytes().all(|b| b.is_ascii_graphic());
        printable.then(|| ApiKey::from_checked(key))
    }

    fn from_checked(key: &str) -> ApiKey {
        // `to_vec` allocates exactly `len` bytes, so `into_boxed_slice` keeps the same buffer:
        // no stray copy is left behind by a reallocation.
        let owned: Zeroizing<Box<[u8]>> =
            Zeroizing::new(key.as_bytes().to_vec().into_boxed_slice());
        let mut header = HeaderValue::from_maybe_shared(Bytes::from_owner(owned))
            .expect("checked keys hold only visible ASCII");
        header.set_sensitive(true);
        ApiKey { header }
    }
}

fn check_shape(key: &str) -> Result<(), KeyError> {
    if key.is_empty() {
        return Err(KeyError::Empty);
    }
    if !key.starts_with(PREFIX) {
        return Err(KeyError::MissingPrefix);
    }
    if let Some(position) = key
        .chars()
        .skip(PREFIX.len())
        .position(|c| !c.is_ascii_alphanumeric())
    {
        return Err(KeyError::BadCharacter {
            position: position + PREFIX.len(),
        });
    }
    if !LENGTHS.contains(&key.len()) {
        return Err(KeyError::WrongLength { len: key.len() });
    }
    Ok(())
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Four characters of a key the server made short would be most of it: show none.
        let secret = self.secret_part();
        let prefix = if secret.len() < self.header.len() {
            PREFIX
        } else {
            ""
        };
        match secret.len().checked_sub(4).filter(|&start| start >= 12) {
            Some(start) => {
                let tail = String::from_utf8_lossy(&secret[start..]);
                write!(f, "ApiKey({prefix}…{tail})")
            }
            None => write!(f, "ApiKey({prefix}…)"),
        }
    }
}

/// Why a string is not a valid API key. The text never repeats the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// Nothing was given (or only whitespace).
    Empty,
    /// The key does not start with `ak_`.
    MissingPrefix,
    /// The key is not 42 (documented) or 43 (the documentation's example) characters long.
    WrongLength {
        /// The length that was given, in characters after trimming.
        len: usize,
    },
    /// A character that is not an ASCII letter or digit, at this 0-based position.
    BadCharacter {
        /// 0-based position of the first bad character, counted in characters.
        position: usize,
    },
}

impl KeyError {
    /// The 0-based position of the offending character, for [`KeyError::BadCharacter`].
    pub fn position(&self) -> Option<usize> {
        match self {
            KeyError::BadCharacter { position } => Some(*position),
            _ => None,
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Empty => f.write_str("the API key is empty"),
            KeyError::MissingPrefix => f.write_str("the API key does not start with `ak_`"),
            KeyError::WrongLength { len } => write!(
                f,
                "the API key has {len} characters; Freddy keys have 42 (or 43, like the documentation's example)"
            ),
            KeyError::BadCharacter { position } => write!(
                f,
                "the API key has a character that is not an ASCII letter or digit at position {position} (counting from 0)"
            ),
        }
    }
}

impl std::error::Error for KeyError {}

/// Removes every run of [`LEAK_WINDOW`] or more characters of the key's secret part from text
/// the crate is about to store, so a server that echoes the key cannot put it into an error.
#[derive(Clone, Copy)]
pub(crate) struct Scrubber<'k> {
    secret: &'k [u8],
}

pub(crate) const REDACTED: &str = "[REDACTED]";

impl<'k> Scrubber<'k> {
    pub(crate) fn new(key: &'k ApiKey) -> Self {
        Scrubber {
            secret: key.secret_part(),
        }
    }

    /// A scrubber that knows no key.
    #[cfg(test)]
    pub(crate) fn none() -> Self {
        Scrubber { secret: &[] }
    }

    /// Whether `text` holds any window of the secret.
    ///
    /// Runs on every request's endpoint, so it allocates nothing and only compares windows
    /// made wholly of bytes the secret contains (an endpoint's `/`, `?` and `=` rule most out).
    pub(crate) fn leaks(&self, text: &str) -> bool {
        if self.secret.len() < LEAK_WINDOW || text.len() < LEAK_WINDOW {
            return false;
        }
        let mut in_secret = [false; 256];
        for &b in self.secret {
            in_secret[usize::from(b)] = true;
        }
        let text = text.as_bytes();
        let mut run = 0; // how many bytes before `end` are all in the secret
        for (end, &b) in text.iter().enumerate() {
            run = if in_secret[usize::from(as_debug_shows(b))] {
                run + 1
            } else {
                0
            };
            if run >= LEAK_WINDOW {
                let window = text[end + 1 - LEAK_WINDOW..=end]
                    .iter()
                    .map(|&b| as_debug_shows(b));
                if self
                    .secret
                    .windows(LEAK_WINDOW)
                    .any(|w| w.iter().copied().eq(window.clone()))
                {
                    return true;
                }
            }
        }
        false
    }

    /// `text` with every window of the secret replaced by `[REDACTED]`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let covered = self.covered(bytes);
        if !covered.iter().any(|&c| c) {
            return text.to_owned();
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if covered[i] {
                out.extend_from_slice(REDACTED.as_bytes());
                while i < bytes.len() && covered[i] {
                    i += 1;
                }
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        // Only ASCII secret bytes were cut out, so character boundaries are intact.
        String::from_utf8(out).unwrap_or_default()
    }

    /// Scrubs every string (and object key) inside a JSON value.
    pub(crate) fn scrub_json(&self, value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        if self.secret.len() < LEAK_WINDOW {
            return value;
        }
        match value {
            Value::String(s) => Value::String(self.scrub(&s)),
            // A key with a long run of digits can be echoed as a number.
            Value::Number(n) if self.leaks(&n.to_string()) => Value::String(REDACTED.to_owned()),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.scrub_json(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (self.scrub(&k), self.scrub_json(v)))
                    .collect(),
            ),
            other => other,
        }
    }

    /// Marks each byte of `text` that lies inside a window of the secret.
    ///
    /// `Debug` shows NUL, tab, LF and CR as a backslash and a digit or letter (`\0`, `\t`, `\n`,
    /// `\r`), so one of them followed by seven characters of the key would print as a run of
    /// eight: each is compared as the character `Debug` ends its escape with.
    fn covered(&self, text: &[u8]) -> Vec<bool> {
        let mut covered = vec![false; text.len()];
        if self.secret.len() < LEAK_WINDOW || text.len() < LEAK_WINDOW {
            return covered;
        }
        let shown: Vec<u8> = text.iter().map(|&b| as_debug_shows(b)).collect();
        for (start, window) in shown.windows(LEAK_WINDOW).enumerate() {
            if self.secret.windows(LEAK_WINDOW).any(|w| w == window) {
                covered[start..start + LEAK_WINDOW].fill(true);
            }
        }
        covered
    }
}

/// The character `Debug` ends a byte's escape with: NUL, tab, LF and CR print as `\0`, `\t`,
/// `\n` and `\r`, so each counts as the digit or letter after the backslash.
fn as_debug_shows(b: u8) -> u8 {
    match b {
        b'\0' => b'0',
        b'\t' => b't',
        b'\n' => b'n',
        b'\r' => b'r',
        b => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC_KEY: &str = "ak_1234567890abcdef1234567890abcdef12345678";

    #[test]
    fn scrubber_removes_every_window_and_keeps_the_rest() {
        let key: ApiKey = DOC_KEY.parse().unwrap();
        let s = Scrubber::new(&key);
        let text = format!("bad key {DOC_KEY} and part 90abcdef1 end");
        let out = s.scrub(&text);
        assert!(!s.leaks(&out), "{out}");
        assert!(
            out.starts_with("bad key ak_[REDACTED] and part [REDACTED] end"),
            "{out}"
        );
        assert_eq!(s.scrub("nothing here"), "nothing here");
    }

    #[test]
    fn a_control_character_debug_shows_as_a_letter_or_digit_counts_as_one() {
        let key: ApiKey = DOC_KEY.parse().unwrap();
        let s = Scrubber::new(&key);
        let text = "x\0abcdef1 y"; // NUL, then seven characters of the key
        assert!(format!("{text:?}").contains("0abcdef1"));
        assert!(s.leaks(text));
        assert_eq!(s.scrub(text), "x[REDACTED] y");
        assert!(!s.leaks("x\u{1}abcdef1 y"), "other escapes end in `}}`");
    }

    #[test]
    fn numbers_holding_a_run_of_the_key_are_scrubbed() {
        let key: ApiKey = DOC_KEY.parse().unwrap();
        let s = Scrubber::new(&key);
        let scrubbed = s.scrub_json(serde_json::json!({ "n": 1234567890, "m": 7 }));
        assert_eq!(scrubbed, serde_json::json!({ "n": REDACTED, "m": 7 }));
    }

    #[test]
    fn leaks_agrees_with_the_scrubbed_windows() {
        let key: ApiKey = DOC_KEY.parse().unwrap();
        let s = Scrubber::new(&key);
        for text in [
            "models",
            "model/response",
            "x/567890abcdef/y",
            "x/567890abcde/y",
            "a?k=1234567890abcdef1234",
            "ak_1234567",
            "prefix-12345678",
            "ef12345678",
        ] {
            let covered = s.covered(text.as_bytes()).iter().any(|&c| c);
            assert_eq!(s.leaks(text), covered, "{text}");
        }
        assert!(s.leaks("x/567890abcdef/y"));
    }

    #[test]
    fn short_or_unprefixed_server_keys_neither_panic_nor_show_in_debug() {
        for raw in ["ab", "sk_0123456789abcdefghij", "ak_x"] {
            let key = ApiKey::from_server(raw).unwrap();
            let shown = format!("{key:?}");
            assert!(!Scrubber::new(&key).leaks(&shown), "{shown}");
            assert!(
                raw.len() > 8 || !shown.contains(&raw[raw.len() - 2..]),
                "{shown}"
            );
        }
        let unprefixed = ApiKey::from_server("sk_0123456789abcdefghij").unwrap();
        assert_eq!(format!("{unprefixed:?}"), "ApiKey(…ghij)");
    }

    #[test]
    fn server_keys_are_only_refused_for_unprintable_bytes() {
        assert!(ApiKey::from_server("sk_not-our-shape").is_some());
        assert!(ApiKey::from_server("ak_bad\nline").is_none());
        assert!(ApiKey::from_server("").is_none());
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    /// A valid key's secret part: 39 or 40 ASCII letters and digits.
    fn secret() -> impl Strategy<Value = String> {
        "[A-Za-z0-9]{39,40}"
    }

    /// Hex-like secrets (as in the documentation's example) have long runs of digits.
    fn any_secret() -> impl Strategy<Value = String> {
        prop_oneof![secret(), "[0-9a-f]{39}", "[0-9]{39}"]
    }

    /// Text mixing fragments of `secret` (whole, cut, repeated, overlapping) with anything else.
    fn text_around(secret: String) -> impl Strategy<Value = String> {
        let len = secret.len();
        let piece = prop_oneof![
            (0..len, 1..=len)
                .prop_map(move |(start, take)| secret[start..len.min(start + take)].to_owned()),
            ".{0,12}",
            "[ -~]{0,12}",
        ];
        prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn valid_shapes_parse_and_round_trip(
            secret in secret(),
            before in "[ \t\r\n]{0,3}",
            after in "[ \t\r\n]{0,3}",
        ) {
            let key = format!("{PREFIX}{secret}");
            let parsed: ApiKey = format!("{before}{key}{after}").parse().unwrap();
            prop_assert_eq!(parsed.expose_secret(), key.as_str());
            prop_assert_eq!(parsed.secret_part(), secret.as_bytes());
            prop_assert_eq!(ApiKey::new(&key).unwrap(), parsed);
        }

        #[test]
        fn a_bad_character_is_reported_where_it_is(
            good in "[A-Za-z0-9]{0,45}",
            bad in any::<char>().prop_filter("not a letter or digit", |c| !c.is_ascii_alphanumeric()),
            rest in ".{0,10}",
        ) {
            // A final letter keeps `trim` from removing a whitespace `bad` at the end.
            let raw = format!("{PREFIX}{good}{bad}{rest}x");
            let error = raw.parse::<ApiKey>().unwrap_err();
            prop_assert_eq!(error, KeyError::BadCharacter { position: PREFIX.len() + good.len() });
            prop_assert_eq!(error.position(), Some(PREFIX.len() + good.len()));
        }

        #[test]
        fn no_string_makes_parsing_panic(raw in prop_oneof![".*", "ak_.{0,50}", "\\PC{0,60}"]) {
            match raw.parse::<ApiKey>() {
                Ok(key) => {
                    let trimmed = raw.trim();
                    prop_assert_eq!(key.expose_secret(), trimmed);
                    prop_assert!(LENGTHS.contains(&trimmed.len()));
                    prop_assert!(trimmed[PREFIX.len()..].bytes().all(|b| b.is_ascii_alphanumeric()));
                    let _ = format!("{key:?}");
                }
                Err(error) => {
                    let _ = error.to_string();
                }
            }
            if let Some(key) = ApiKey::from_server(&raw) {
                prop_assert_eq!(key.expose_secret(), raw.trim());
            }
        }

        #[test]
        fn scrubbed_text_holds_no_window_of_the_key(
            (secret, text) in any_secret().prop_flat_map(|s| (Just(s.clone()), text_around(s))),
        ) {
            let key = ApiKey::new(format!("{PREFIX}{secret}")).unwrap();
            let scrubber = Scrubber::new(&key);
            let scrubbed = scrubber.scrub(&text);
            prop_assert!(!scrubber.leaks(&scrubbed), "{:?} -> {:?}", text, scrubbed);
            if !scrubber.leaks(&text) {
                prop_assert_eq!(&scrubbed, &text);
            }
            let json = scrubber.scrub_json(serde_json::json!({ text.clone(): [text, 1] }));
            prop_assert!(!scrubber.leaks(&json.to_string()), "{}", json);
        }

        #[test]
        fn text_without_a_window_is_left_alone(
            secret in any_secret(),
            text in "\\PC{0,80}",
        ) {
            let key = ApiKey::new(format!("{PREFIX}{secret}")).unwrap();
            let scrubber = Scrubber::new(&key);
            prop_assume!(!scrubber.leaks(&text));
            prop_assert_eq!(scrubber.scrub(&text), text);
        }
    }
}
