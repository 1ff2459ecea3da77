//! Each status comes back as its own `Error` branch, with the documentation's envelope parsed.
mod common;

use std::collections::HashMap;

use freddy::mock::MockFreddy;
use freddy::Error;
use mockito::{Matcher, Server};
use serde_json::{json, Value};

#[test]
fn success_returns_the_json() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", common::key().as_str())
        .with_body(r#"{"models": [], "total_count": 0}"#)
        .create();
    let value = common::client(&server.url())
        .authenticated_get("models")
        .unwrap();
    assert_eq!(value["total_count"], 0);
    mock.assert();
}

#[test]
fn unauthorized_carries_the_documented_envelope() {
    let mock = MockFreddy::start();
    mock.unauthorized();
    let err = mock.client().authenticated_get("models").unwrap_err();
    let Error::Unauthorized(api) = &err else {
        panic!("expected Unauthorized, got {err:?}")
    };
    assert_eq!(api.status(), 401);
    assert_eq!(api.code(), "INVALID_API_KEY");
    assert_eq!(
        api.message(),
        "The API key provided is invalid or has expired."
    );
    assert_eq!(api.system_message(), Some("API key validation failed"));
    assert_eq!(api.error_type(), Some("client_error"));
    assert_eq!(api.trace_id(), Some("mock-trace-id"));
    assert_eq!(api.timestamp(), Some("2025-12-22T15:30:00Z"));
    assert_eq!(api.details(), Some(&json!({})));
    let text = err.to_string();
    assert!(
        text.contains("INVALID_API_KEY") && text.contains("mock-trace-id"),
        "{text}"
    );
    assert!(
        text.contains("Authentication failed. Check your API key."),
        "{text}"
    );
    assert_eq!(err.status(), Some(401));
}

#[test]
fn forbidden_carries_the_documented_envelope() {
    let mock = MockFreddy::start();
    mock.forbidden();
    let err = mock.client().authenticated_get("models").unwrap_err();
    let Error::Forbidden(api) = &err else {
        panic!("expected Forbidden, got {err:?}")
    };
    assert_eq!(api.code(), "INSUFFICIENT_PERMISSIONS");
    assert_eq!(
        api.system_message(),
        Some("Insufficient permissions for this operation")
    );
    assert!(err
        .to_string()
        .contains("Permission denied. Check your account permissions."));
}

/// The error a GET of `/v1/models` gives when the server answers `status` with `body`.
fn error_for(status: usize, body: &str) -> Error {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .with_status(status)
        .with_body(body)
        .expect(1)
        .create();
    let err = common::client(&server.url())
        .authenticated_get("models")
        .unwrap_err();
    mock.assert();
    err
}

#[test]
fn too_many_requests_is_rate_limited() {
    let body = r#"{"success": false, "error": {"code": "RATE_LIMIT_EXCEEDED",
        "message": "Too many requests.", "status": 429, "trace_id": "t-429"}}"#;
    let err = error_for(429, body);
    let Error::RateLimited(api) = &err else {
        panic!("expected RateLimited, got {err:?}")
    };
    assert_eq!(api.status(), 429);
    assert_eq!(api.code(), "RATE_LIMIT_EXCEEDED");
    assert_eq!(api.trace_id(), Some("t-429"));
    assert_eq!(err.status(), Some(429));
    assert!(err.is_transient());
}

#[test]
fn other_error_statuses_are_api_errors_with_their_status() {
    for (status, code) in [
        (400, "VALIDATION_ERROR"),
        (404, "NOT_FOUND"),
        (409, "CONFLICT"),
        (422, "UNPROCESSABLE"),
        (500, "INTERNAL_ERROR"),
        (503, "UNAVAILABLE"),
    ] {
        let body = format!(
            r#"{{"success": false, "error": {{"code": "{code}", "message": "m{status}", "status": {status}}}}}"#
        );
        let err = error_for(status, &body);
        let Error::Api(api) = &err else {
            panic!("{status}: expected Api, got {err:?}")
        };
        assert_eq!(api.status(), status as u16);
        assert_eq!(api.code(), code);
        assert_eq!(api.message(), format!("m{status}"));
        assert_eq!(err.status(), Some(status as u16));
        let text = err.to_string();
        assert!(
            text.contains(&status.to_string()) && text.contains(code),
            "{text}"
        );
    }
}

#[test]
fn a_redirect_that_is_not_followed_is_an_api_error() {
    // 300 and 304 are not redirects to follow, and a 302 or 307 without Location names no target.
    for status in [300, 302, 304, 307] {
        let err = error_for(status, "");
        let Error::Api(api) = &err else {
            panic!("{status}: expected Api, got {err:?}")
        };
        assert_eq!(api.status(), status as u16);
        assert_eq!(api.code(), format!("HTTP_{status}"));
        assert_eq!(err.status(), Some(status as u16));
        assert!(!err.is_transient(), "{status}");
    }
}

#[test]
fn transient_statuses_are_408_429_and_5xx() {
    for status in [408, 429, 500, 502, 503, 504] {
        let err = error_for(status, "");
        assert!(err.is_transient(), "{status}: {err:?}");
        assert_eq!(err.status(), Some(status as u16));
    }
    for status in [400, 401, 403, 404, 409, 422] {
        let err = error_for(status, "");
        assert!(!err.is_transient(), "{status}: {err:?}");
        assert_eq!(err.status(), Some(status as u16));
    }
}

#[test]
fn errors_before_any_answer_have_no_status() {
    let err = common::client("http://127.0.0.1:1")
        .authenticated_get("../x")
        .unwrap_err();
    assert_eq!(err.status(), None);
    assert!(!err.is_transient());
    let err = freddy::FreddyClient::new("").unwrap_err();
    assert_eq!(err.status(), None);
}

#[test]
fn an_empty_success_body_is_null() {
    let mut server = Server::new();
    let client = common::client(&server.url());
    for (status, body) in [(200, ""), (204, ""), (200, " \r\n")] {
        let mock = server
            .mock("DELETE", "/v1/threads/thr_1")
            .with_status(status)
            .with_body(body)
            .create();
        let value: Value = client.delete("threads/thr_1").unwrap();
        assert_eq!(value, Value::Null, "{status} {body:?}");
        mock.assert();
        mock.remove();
    }
    let mock = server
        .mock("GET", "/v1/models")
        .with_status(200)
        .expect(3)
        .create();
    assert_eq!(client.authenticated_get("models").unwrap(), Value::Null);
    let nothing: Option<Model> = client.get("models").unwrap();
    assert!(nothing.is_none());
    let (): () = client.get("models").unwrap();
    mock.assert();
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Model {
    id: String,
    context_window: u32,
    #[serde(default)]
    tags: Vec<String>,
}

#[test]
fn typed_get_parses_into_a_struct() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models/gpt-4o")
        .with_body(r#"{"id": "gpt-4o", "context_window": 128000, "extra": {"ignored": true}}"#)
        .create();
    let model: Model = common::client(&server.url()).get("models/gpt-4o").unwrap();
    assert_eq!(
        model,
        Model {
            id: "gpt-4o".into(),
            context_window: 128000,
            tags: vec![]
        }
    );
    mock.assert();
}

#[test]
fn the_typed_siblings_send_their_method_and_body() {
    let mut server = Server::new();
    let json_type = || Matcher::Regex("^application/json".into());
    let post = server
        .mock("POST", "/v1/threads")
        .match_header("content-type", json_type())
        .match_body(Matcher::Json(json!({"title": "new", "tags": ["a"]})))
        .with_status(201)
        .with_body(r#"{"id": "thr_1"}"#)
        .create();
    let post_empty = server
        .mock("POST", "/v1/threads/thr_1/archive")
        .match_body(Matcher::Exact(String::new()))
        .with_body(r#"{"archived": true}"#)
        .create();
    let patch = server
        .mock("PATCH", "/v1/threads/thr_1")
        .match_header("content-type", json_type())
        .match_body(Matcher::Json(json!({"title": "renamed"})))
        .with_body(r#"{"title": "renamed"}"#)
        .create();
    let put = server
        .mock("PUT", "/v1/threads/thr_1/tags")
        .match_header("content-type", json_type())
        .match_body(Matcher::Json(json!(["x", "y"])))
        .with_body("[]")
        .create();
    let delete = server
        .mock("DELETE", "/v1/threads/thr_1")
        .match_body(Matcher::Exact(String::new()))
        .with_status(204)
        .create();

    let client = common::client(&server.url());
    let created: Value = client
        .post("threads", &json!({"title": "new", "tags": ["a"]}))
        .unwrap();
    assert_eq!(created["id"], "thr_1");
    let archived: Value = client.post_empty("threads/thr_1/archive").unwrap();
    assert_eq!(archived["archived"], true);
    let patched: Value = client
        .patch("threads/thr_1", &json!({"title": "renamed"}))
        .unwrap();
    assert_eq!(patched["title"], "renamed");
    let tags: Vec<String> = client.put("threads/thr_1/tags", &["x", "y"]).unwrap();
    assert!(tags.is_empty());
    let (): () = client.delete("threads/thr_1").unwrap();

    for mock in [post, post_empty, patch, put, delete] {
        mock.assert();
    }
}

#[test]
fn a_body_that_cannot_be_json_is_refused_before_sending() {
    let mut server = Server::new();
    let mock = server.mock("POST", Matcher::Any).expect(0).create();
    // JSON object keys must be strings; serde_json refuses a map keyed by tuples.
    let body: HashMap<(u8, u8), u8> = HashMap::from([((1, 2), 3)]);
    let err = common::client(&server.url())
        .post::<_, Value>("threads", &body)
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    mock.assert();
}
