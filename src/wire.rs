//! Small pieces shared by the typed API areas: ids placed in URL paths, and JSON numbers the
//! API may send as numbers or as strings.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::client::FreddyClient;
use crate::error::Error;
use crate::key::{ApiKey, Scrubber};

/// Ids longer than this are refused: no id the API hands out comes close.
const MAX_ID_CHARS: usize = 256;

/// Checks an id that becomes one segment of a URL path (`org_id`, `key_id`, …).
///
/// Only ASCII letters, digits, `-`, `_`, `.` and `~` pass (RFC 3986 "unreserved", which need no
/// escaping), and neither `.` nor `..` on its own, so no id can add a segment, climb out of
/// the path, start a query or fragment, or carry whitespace. An id shaped like an API key, or
/// holding part of the client's own key, is refused too: a key must never travel in a URL.
/// Errors say where the problem is without repeating the id.
pub(crate) fn path_segment<'a>(
    what: &str,
    id: &'a str,
    client: &FreddyClient,
) -> Result<&'a str, Error> {
    let refuse = |why: String| Err(Error::InvalidRequest(format!("the {what} {why}")));
    if id.is_empty() {
        return refuse("is empty".to_owned());
    }
    if let Some((position, c)) = id
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
    {
        return refuse(format!(
            "may only contain ASCII letters, digits, `-`, `_`, `.` and `~`, but has {} at position \
             {position} (counting from 0)",
            describe_char(c)
        ));
    }
    if id == "." || id == ".." {
        return refuse("may not be `.` or `..`".to_owned());
    }
    if id.len() > MAX_ID_CHARS {
        return refuse(format!("is longer than {MAX_ID_CHARS} characters"));
    }
    if id.parse::<ApiKey>().is_ok() || Scrubber::new(&client.api_key()).leaks(id) {
        return refuse(
            "looks like an API key itself; pass the key's id (`ApiKeyInfo::id`): \
             a key never goes into a URL"
                .to_owned(),
        );
    }
    Ok(id)
}

/// Names a character that does not belong in a key or an id, without quoting anything else.
pub(crate) fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        '\r' | '\n' => "a line break".to_owned(),
        '"' | '\'' | '`' => format!("a quote (`{c}`)"),
        c if c.is_control() => "a control character".to_owned(),
        c if c.is_whitespace() => "a whitespace character".to_owned(),
        c if !c.is_ascii() => "a non-ASCII character".to_owned(),
        c => format!("`{c}`"),
    }
}

/// An amount or ratio: a JSON number, or a string holding one (Python's `Decimal` is often
/// sent as a string). Anything else is `None` rather than a failed call.
pub(crate) fn lenient_f64<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    })
}

/// A count: a JSON integer, a float without a fraction (`12.0`), or a string holding one.
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    let whole =
        |f: f64| (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1.8e19).then_some(f as u64);
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Number(n)) => n.as_u64().or_else(|| n.as_f64().and_then(whole)),
        Some(Value::String(s)) => {
            let s = s.trim();
            s.parse::<u64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(whole))
        }
        _ => None,
    })
}

/// A name or label: a JSON string, or a number written out (some ids and months come as either).
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Numbers {
        #[serde(default, deserialize_with = "lenient_f64")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "lenient_u64")]
        u: Option<u64>,
    }

    fn numbers(json: &str) -> (Option<f64>, Option<u64>) {
        let n: Numbers = serde_json::from_str(json).unwrap();
        (n.f, n.u)
    }

    #[test]
    fn numbers_come_as_numbers_or_strings_and_garbage_is_none() {
        assert_eq!(numbers(r#"{"f": 1.5, "u": 3}"#), (Some(1.5), Some(3)));
        assert_eq!(
            numbers(r#"{"f": "12.50", "u": "7"}"#),
            (Some(12.5), Some(7))
        );
        assert_eq!(numbers(r#"{"f": null, "u": 12.0}"#), (None, Some(12)));
        assert_eq!(numbers(r#"{"f": [], "u": -1}"#), (None, None));
        assert_eq!(numbers(r#"{"u": 1.5}"#), (None, None));
    }

    #[test]
    fn characters_are_named_without_quoting_their_neighbours() {
        assert_eq!(describe_char(' '), "a space");
        assert_eq!(describe_char('/'), "`/`");
        assert_eq!(describe_char('é'), "a non-ASCII character");
        assert_eq!(describe_char('\u{7}'), "a control character");
    }
}
