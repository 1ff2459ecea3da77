//! Whatever a server or a proxy sends back, the client returns a typed error without panicking,
//! keeps error text short and on one line, and never lets an echoed key into it.
mod common;

use freddy::{ApiError, Error};
use mockito::Server;
use serde_json::{json, Value};

/// Longest message an error built from a non-envelope body may carry.
const SHORT: usize = 256;

/// The error a GET of `/v1/models` gives for this answer.
fn error_for(status: usize, body: impl AsRef<[u8]>) -> Error {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .with_status(status)
        .with_body(body)
        .create();
    let err = common::client(&server.url())
        .authenticated_get("models")
        .unwrap_err();
    mock.assert();
    err
}

/// Asserts the error is the status's branch with an `HTTP_<status>` code and a short, single-line
/// message free of control characters, and returns that message.
fn assert_excerpt(err: &Error, status: u16) -> String {
    let api = err
        .api_error()
        .unwrap_or_else(|| panic!("expected an ApiError, got {err:?}"));
    assert_eq!(api.status(), status);
    assert_eq!(err.status(), Some(status));
    assert_eq!(api.code(), format!("HTTP_{status}"));
    let message = api.message();
    assert!(!message.is_empty());
    assert!(message.chars().count() <= SHORT, "{} chars", message.len());
    assert!(!message.chars().any(char::is_control), "{message:?}");
    let text = err.to_string();
    assert!(!text.chars().any(char::is_control), "{text:?}");
    message.to_owned()
}

#[test]
fn html_from_a_proxy() {
    let body = "<!DOCTYPE html>\r\n<html>\n<head><title>502 Bad Gateway</title></head>\n\
                <body>\n\t<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n\
                </body>\n</html>\n";
    let err = error_for(502, body);
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    let message = assert_excerpt(&err, 502);
    assert!(message.contains("502 Bad Gateway"), "{message}");
}

#[test]
fn truncated_json() {
    let body = r#"{"success": false, "error": {"code": "INVALID_API_KEY", "message": "The API k"#;
    let err = error_for(401, body);
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_excerpt(&err, 401);
    assert!(err.to_string().contains("Check your API key"), "{err}");
}

#[test]
fn error_as_a_plain_string() {
    let err = error_for(400, r#"{"error": "a string"}"#);
    let message = assert_excerpt(&err, 400);
    assert_eq!(message, "a string");
}

#[test]
fn other_json_shapes() {
    for body in [
        "[]",
        "null",
        "42",
        r#""just a string""#,
        r#"{"error": null}"#,
        r#"{"error": 17}"#,
        r#"{"error": ["a", "b"]}"#,
        r#"{"error": {"code": 5, "message": ["not", "text"]}}"#,
        r#"{"detail": [{"msg": 1}]}"#,
        r#"{"success": false}"#,
    ] {
        let err = error_for(500, body);
        let api = err.api_error().unwrap();
        assert_eq!(api.status(), 500, "{body}");
        assert!(
            !api.code().is_empty() && !api.message().is_empty(),
            "{body}: {err:?}"
        );
        assert!(!err.to_string().chars().any(char::is_control), "{body}");
    }
}

#[test]
fn an_empty_body() {
    for status in [400, 404, 500, 503] {
        let err = error_for(status, "");
        let message = assert_excerpt(&err, status as u16);
        assert!(
            message.chars().all(|c| c.is_ascii_alphabetic() || c == ' '),
            "{message}"
        );
    }
}

#[test]
fn control_characters_and_invalid_utf8() {
    let body = b"\x1b[2J\x1b[31mbroken\x00\x07 \xff\xfe\xc3 answer\r\n\x1b]0;title\x07".to_vec();
    let err = error_for(500, body);
    let message = assert_excerpt(&err, 500);
    assert!(message.contains("broken"), "{message:?}");
}

#[test]
fn a_body_over_64_kib_is_cut_short() {
    let mut body = String::from("<html><body>");
    while body.len() < 300 * 1024 {
        body.push_str("upstream exploded\n");
    }
    let err = error_for(503, &body);
    let message = assert_excerpt(&err, 503);
    assert!(
        message.starts_with("<html><body>upstream exploded"),
        "{message}"
    );
    assert!(message.ends_with('…'), "{message}");
}

#[test]
fn a_valid_envelope_over_64_kib_is_still_an_api_error() {
    let padding = "x".repeat(100 * 1024);
    let body = json!({"success": false, "error": {"code": "BIG", "message": padding}}).to_string();
    let err = error_for(500, &body);
    assert_excerpt(&err, 500);
}

#[test]
fn envelope_text_is_shown_on_one_line() {
    let body = json!({"success": false, "error": {
        "code": "BAD\nCODE",
        "message": "first line\nsecond line\r\n\u{1b}[31mred\u{7}",
        "trace_id": "abc\n123",
    }})
    .to_string();
    let err = error_for(400, &body);
    let text = err.to_string();
    assert!(!text.chars().any(char::is_control), "{text:?}");
    assert!(
        text.contains("first line") && text.contains("second line"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// An echoed key.

/// Every text an error exposes: Display, Debug, pretty Debug, accessors and `source()` chain.
fn everything_shown(err: &Error) -> String {
    let mut text = format!("{err}\n{err:?}\n{err:#?}\n");
    if let Some(api) = err.api_error() {
        text.push_str(&everything_in(api));
    }
    let mut next = std::error::Error::source(err);
    while let Some(e) = next {
        text.push_str(&format!("{e}\n{e:?}\n"));
        next = e.source();
    }
    text
}

fn everything_in(api: &ApiError) -> String {
    [
        Some(api.to_string()),
        Some(format!("{api:?}")),
        Some(api.code().to_owned()),
        Some(api.message().to_owned()),
        api.system_message().map(str::to_owned),
        api.error_type().map(str::to_owned),
        api.trace_id().map(str::to_owned),
        api.timestamp().map(str::to_owned),
        api.details().map(Value::to_string),
        api.hint().map(str::to_owned),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
}

fn assert_no_leak(key: &str, err: &Error) {
    let text = everything_shown(err);
    let leaked = common::leaked_windows(key, &text);
    assert!(leaked.is_empty(), "leaked {leaked:?} in:\n{text}");
}

#[test]
fn a_401_that_echoes_the_key_in_every_field() {
    let key = common::key();
    let secret = &key[3..];
    let body = json!({
        "success": false,
        "error": {
            "code": key,
            "message": format!("The API key {key} is invalid or has expired."),
            "system_message": format!("lookup failed for x-api-key={key}"),
            "type": secret,
            "status": 401,
            "details": {
                "key": key,
                "nested": [{"sent": format!("'{key}'")}, secret],
                key.clone(): "as an object key",
                "prefix": &key[..20],
                "suffix": &key[20..],
            },
            "trace_id": key,
            "timestamp": format!("{key}T00:00:00Z"),
        }
    })
    .to_string();
    let err = error_for(401, &body);
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_no_leak(&key, &err);
    let api = err.api_error().unwrap();
    assert!(api.message().starts_with("The API key ") && api.message().ends_with(" expired."));
}

#[test]
fn a_401_that_echoes_the_key_with_json_escapes() {
    let key = common::key();
    let escaped: String = key
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let body =
        format!(r#"{{"error": {{"code": "INVALID_API_KEY", "message": "bad key {escaped}"}}}}"#);
    let err = error_for(401, body);
    assert_eq!(err.api_error().unwrap().code(), "INVALID_API_KEY");
    assert_no_leak(&key, &err);
}

#[test]
fn the_key_echoed_in_headers_and_non_json_bodies() {
    let key = common::key();
    let mut server = Server::new();
    let client = common::client(&server.url());
    let answers = [
        (401, format!("<html><body>Invalid key {key}</body></html>")),
        (401, format!("{key}\n{key}")),
        (500, format!("{}{key}", " ".repeat(180))),
        (500, format!("{}{key}", "y".repeat(185))),
        (502, format!("{}{key}", "z".repeat(70 * 1024))),
        (401, format!(r#"{{"error": {{"message": "{key}"#)),
        (
            403,
            format!(r#"{{"message": "{key}", "trace_id": "{key}"}}"#),
        ),
        (
            422,
            format!(r#"{{"detail": [{{"msg": "{key}", "input": "{key}"}}]}}"#),
        ),
    ];
    for (status, body) in answers {
        let mock = server
            .mock("GET", "/v1/models")
            .with_status(status)
            .with_header("x-trace-id", &key)
            .with_header("x-request-id", &key)
            .with_body(&body)
            .create();
        let err = client.authenticated_get("models").unwrap_err();
        assert_eq!(err.status(), Some(status as u16));
        assert_no_leak(&key, &err);
        mock.assert();
        mock.remove();
    }
}

// ---------------------------------------------------------------------------------------------
// Success bodies that are not what was asked for.

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)] // only decoded, never read: the tests are about decoding failing
struct Model {
    id: u64,
    kind: Kind,
}

#[derive(Debug, serde::Deserialize)]
enum Kind {
    Chat,
}

#[test]
fn a_success_body_that_is_not_the_expected_json_is_a_decode_error() {
    let key = common::key();
    let mut server = Server::new();
    let client = common::client(&server.url());
    let bodies = [
        format!("<html>{key}</html>"),
        key.clone(),
        format!(r#"{{"id": {key}}}"#),
        format!(r#"{{"id": "{key}"#),
        format!(r#"{{"id": "{key}", "kind": "Chat"}}"#),
        format!(r#"{{"id": 1, "kind": "{key}"}}"#),
        format!(r#"{{"id": 1, "kind": {{"{key}": 1}}}}"#),
        format!(r#"{{"{key}": 1}}"#),
        format!(r#"["{key}"]"#),
        format!(r#"{{"id": 1, "kind": "Chat"}} {key}"#),
    ];
    for body in bodies {
        let mock = server.mock("GET", "/v1/models/m").with_body(&body).create();
        let err = client.get::<Model>("models/m").unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{body}: {err:?}");
        assert_no_leak(&key, &err);
        let text = everything_shown(&err);
        assert!(!text.contains("html") && !text.contains("ak_"), "{text}");
        mock.assert();
        mock.remove();
    }
}

#[test]
fn a_decode_error_says_what_was_wrong() {
    let mut server = Server::new();
    let client = common::client(&server.url());
    let mock = server
        .mock("GET", "/v1/models/m")
        .with_body(r#"{"kind": "Chat"}"#)
        .create();
    let err = client.get::<Model>("models/m").unwrap_err();
    assert!(err.to_string().contains("missing field `id`"), "{err}");
    mock.assert();
    mock.remove();
    let mock = server
        .mock("GET", "/v1/models/m")
        .with_body("not json")
        .create();
    let err = client.authenticated_get("models/m").unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(err.to_string().contains("line 1"), "{err}");
    mock.assert();
}

// ---------------------------------------------------------------------------------------------
// Success bodies over the limit.

const LIMIT: u64 = 4096;

/// A JSON string exactly `len` bytes long.
fn json_of_len(len: usize) -> String {
    format!("\"{}\"", "x".repeat(len - 2))
}

fn limited_client(server: &Server) -> freddy::FreddyClient {
    common::builder(&server.url())
        .max_response_bytes(LIMIT)
        .build()
        .unwrap()
}

#[test]
fn a_success_body_over_the_limit_with_content_length() {
    let mut server = Server::new();
    let client = limited_client(&server);
    let mock = server
        .mock("GET", "/v1/big")
        .with_body(json_of_len(LIMIT as usize + 1))
        .create();
    let err = client.authenticated_get("big").unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit } if limit == LIMIT),
        "{err:?}"
    );
    assert!(err.to_string().contains(&LIMIT.to_string()), "{err}");
    mock.assert();
}

#[test]
fn a_chunked_success_body_over_the_limit() {
    let mut server = Server::new();
    let client = limited_client(&server);
    for size in [LIMIT as usize + 1, 10 * LIMIT as usize, 1024 * 1024] {
        let mock = server
            .mock("GET", "/v1/big")
            .with_chunked_body(move |w| {
                let body = json_of_len(size);
                for chunk in body.as_bytes().chunks(1000) {
                    w.write_all(chunk)?;
                }
                Ok(())
            })
            .create();
        let err = client.authenticated_get("big").unwrap_err();
        assert!(
            matches!(err, Error::ResponseTooLarge { limit } if limit == LIMIT),
            "{size}: {err:?}"
        );
        mock.assert();
        mock.remove();
    }
}

#[test]
fn a_success_body_of_exactly_the_limit_is_read() {
    let mut server = Server::new();
    let client = limited_client(&server);
    let body = json_of_len(LIMIT as usize);
    let fixed = server.mock("GET", "/v1/fixed").with_body(&body).create();
    let chunked = server
        .mock("GET", "/v1/chunked")
        .with_chunked_body(move |w| w.write_all(body.as_bytes()))
        .create();
    for endpoint in ["fixed", "chunked"] {
        let value = client.authenticated_get(endpoint).unwrap();
        assert_eq!(value.as_str().map(str::len), Some(LIMIT as usize - 2));
    }
    fixed.assert();
    chunked.assert();
}
