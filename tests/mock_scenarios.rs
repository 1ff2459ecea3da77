//! `freddy::mock`: each scenario answers as the documentation describes.
#![cfg(feature = "mock")]

use std::time::{Duration, Instant};

use freddy::mock::MockFreddy;
use freddy::responses::{CreateResponse, Message};
use freddy::Error;

fn hello() -> CreateResponse {
    CreateResponse::new("gpt-4o", [Message::user("Hello!")]).organization_id("org_your_org_id")
}

#[test]
fn a_created_response_has_the_given_text_in_the_documented_shape() {
    let mock = MockFreddy::start();
    let created = mock.create_response("Hi there!");
    let response = mock.client().responses().create(&hello()).unwrap();
    assert_eq!(response.text(), "Hi there!");
    assert_eq!(response.raw()["response"][0]["text"], "Hi there!");
    created.assert_hits(1);
}

#[test]
fn a_stream_sends_the_deltas_then_done() {
    let mock = MockFreddy::start();
    mock.stream_response(&["Hel", "lo", "!"]);
    let stream = mock.client().responses().stream(&hello()).unwrap();
    assert_eq!(stream.into_text().unwrap(), "Hello!");
}

#[test]
fn a_paced_stream_takes_at_least_its_pauses() {
    let mock = MockFreddy::start();
    mock.stream_response_paced(&["a", "b", "c"], Duration::from_millis(100));
    let started = Instant::now();
    let text = mock
        .client()
        .responses()
        .stream(&hello())
        .unwrap()
        .into_text()
        .unwrap();
    assert_eq!(text, "abc");
    // Five events (created, three deltas, completed) and [DONE]: at least five pauses.
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn models_and_health_answer() {
    let mock = MockFreddy::start();
    mock.models(&["gpt-4o", "claude-3-5-sonnet"]);
    mock.health();
    let client = mock.client();
    let models = client.models().unwrap();
    let keys: Vec<&str> = models.models.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["gpt-4o", "claude-3-5-sonnet"]);
    assert_eq!(client.health().unwrap().status, "healthy");
    assert!(
        client.rate_limit().is_some(),
        "the stand-in sends rate-limit headers"
    );
}

#[test]
fn the_documented_401_and_403_envelopes() {
    let mock = MockFreddy::start();
    mock.unauthorized();
    let err = mock.client().authenticated_get("models").unwrap_err();
    let Error::Unauthorized(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.code(), "INVALID_API_KEY");
    assert_eq!(api.system_message(), Some("API key validation failed"));
    assert!(api.trace_id().is_some());

    let mock = MockFreddy::start();
    mock.forbidden();
    let err = mock.client().responses().create(&hello()).unwrap_err();
    let Error::Forbidden(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.code(), "INSUFFICIENT_PERMISSIONS");
    assert_eq!(
        api.system_message(),
        Some("Insufficient permissions for this operation")
    );
}

#[test]
fn a_429_carries_retry_after_and_an_exhausted_window() {
    let mock = MockFreddy::start();
    let limited = mock.rate_limited(Duration::from_secs(30));
    let client = mock.client_builder().max_retries(0).build().unwrap();
    let err = client.authenticated_get("models").unwrap_err();
    let Error::RateLimited(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(api.rate_limit().map(|r| r.remaining), Some(0));
    limited.assert_hits(1);
}

#[test]
fn a_server_error_has_its_status() {
    let mock = MockFreddy::start();
    mock.server_error(503);
    let client = mock.client_builder().max_retries(0).build().unwrap();
    let err = client.authenticated_get("models").unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_transient());
}

#[test]
fn a_limited_scenario_lets_later_calls_through() {
    let mock = MockFreddy::start();
    let limited = mock.rate_limited(Duration::ZERO).times(2);
    let created = mock.create_response("finally");
    // The client retries the two 429s (max_retries 2) and gets the answer on the third call.
    let response = mock.client().responses().create(&hello()).unwrap();
    assert_eq!(response.text(), "finally");
    limited.assert_hits(2);
    created.assert_hits(1);
}

#[test]
fn a_later_scenario_overrides_an_earlier_one() {
    let mock = MockFreddy::start();
    mock.create_response("first");
    mock.create_response("second");
    let response = mock.client().responses().create(&hello()).unwrap();
    assert_eq!(response.text(), "second");
}

#[test]
fn a_scenario_can_be_kept_to_one_endpoint() {
    let mock = MockFreddy::start();
    mock.health();
    mock.forbidden()
        .only("GET", "organizations/org_other/api-keys");
    let client = mock.client();
    assert_eq!(client.health().unwrap().status, "healthy");
    let err = client
        .authenticated_get("organizations/org_other/api-keys")
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
}
