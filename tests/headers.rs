//! The headers every request carries: the key in `X-API-Key` and nowhere else, the user agent,
//! what the client accepts and, with a body, its content type.
mod common;

use freddy::{Error, DEFAULT_USER_AGENT};
use mockito::{Matcher, Server};
use serde_json::{json, Value};

const OUR_USER_AGENT: &str = concat!("freddy/", env!("CARGO_PKG_VERSION"));

#[test]
fn a_get_carries_the_key_the_user_agent_and_accept() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", common::key().as_str())
        .match_header("user-agent", OUR_USER_AGENT)
        .match_header("accept", "application/json")
        .match_header("authorization", Matcher::Missing)
        .match_header("content-type", Matcher::Missing)
        .with_body("{}")
        .create();
    common::client(&server.url())
        .authenticated_get("models")
        .unwrap();
    mock.assert();
    assert_eq!(DEFAULT_USER_AGENT, OUR_USER_AGENT);
}

#[test]
fn the_key_is_sent_exactly_once_and_only_as_x_api_key() {
    let mut server = Server::new();
    let key = common::key();
    let mock = server
        .mock("GET", "/v1/models?limit=5")
        .match_request(move |request| {
            let leaks = |text: &str| !common::leaked_windows(&key, text).is_empty();
            let carrying_key: Vec<(String, String)> = request
                .headers()
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .filter(|(name, value)| leaks(name) || leaks(value))
                .collect();
            let body = request.utf8_lossy_body().unwrap_or_default();
            carrying_key == [("x-api-key".to_owned(), key.clone())]
                && !leaks(request.path_and_query())
                && !leaks(&body)
        })
        .with_body("{}")
        .create();
    common::client(&server.url())
        .authenticated_get("models?limit=5")
        .unwrap();
    mock.assert();
}

#[test]
fn a_custom_user_agent_replaces_ours() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .match_header("user-agent", "nightly-report/2.1 (ops@example.com)")
        .with_body("{}")
        .create();
    common::builder(&server.url())
        .user_agent("nightly-report/2.1 (ops@example.com)")
        .build()
        .unwrap()
        .authenticated_get("models")
        .unwrap();
    mock.assert();
}

#[test]
fn a_user_agent_that_cannot_be_a_header_is_refused() {
    for bad in ["two\nlines", "tab\there", "naïve/1.0"] {
        let result = common::builder("http://127.0.0.1:1")
            .user_agent(bad)
            .build();
        assert!(
            matches!(result, Err(Error::InvalidRequest(_))),
            "{bad:?}: {result:?}"
        );
    }
}

#[test]
fn a_post_sends_its_body_as_json() {
    let mut server = Server::new();
    let mock = server
        .mock("POST", "/v1/threads")
        .match_header("x-api-key", common::key().as_str())
        .match_header("user-agent", OUR_USER_AGENT)
        .match_header("accept", "application/json")
        .match_header("authorization", Matcher::Missing)
        .match_header("content-type", Matcher::Regex("^application/json".into()))
        .match_body(Matcher::Json(json!({"title": "hello"})))
        .with_status(201)
        .with_body(r#"{"id": "thr_1"}"#)
        .create();
    let created: Value = common::client(&server.url())
        .post("threads", &json!({"title": "hello"}))
        .unwrap();
    assert_eq!(created["id"], "thr_1");
    mock.assert();
}

#[test]
fn a_patch_sends_its_body_as_json() {
    let mut server = Server::new();
    let mock = server
        .mock("PATCH", "/v1/threads/thr_1")
        .match_header("x-api-key", common::key().as_str())
        .match_header("content-type", Matcher::Regex("^application/json".into()))
        .match_header("authorization", Matcher::Missing)
        .with_body("{}")
        .create();
    let _: Value = common::client(&server.url())
        .patch("threads/thr_1", &json!({"title": "renamed"}))
        .unwrap();
    mock.assert();
}
