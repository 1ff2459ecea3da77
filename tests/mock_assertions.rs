//! `freddy::mock`: what the code under test sent can be asserted, and failures read clearly.
#![cfg(feature = "mock")]
mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use freddy::mock::{KeyCheck, MockFreddy};
use freddy::responses::{CreateResponse, Message};
use freddy::{Error, FreddyClient};

fn panic_text(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion should fail");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn the_body_of_a_create_is_recorded() {
    let mock = MockFreddy::start();
    let created = mock.create_response("ok");
    let request =
        CreateResponse::new("gpt-4o", [Message::user("Hello!")]).organization_id("org_your_org_id");
    mock.client().responses().create(&request).unwrap();
    assert_eq!(
        created.last_body().unwrap(),
        serde_json::json!({"organization_id": "org_your_org_id", "model": "gpt-4o",
                           "inputs": [{"role": "user", "content": "Hello!"}]})
    );
    mock.assert_key_sent();
    mock.assert_no_unexpected_requests();
}

#[test]
fn a_wrong_key_gets_the_documented_401_and_fails_the_key_assertion_without_showing_it() {
    let key = common::key();
    let mock = MockFreddy::start();
    mock.create_response("never");
    let stranger = FreddyClient::builder()
        .api_key(&key)
        .base_url(&mock.base_url())
        .build()
        .unwrap();
    let err = stranger.authenticated_get("models").unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(mock.requests()[0].key, KeyCheck::Different);

    let text = panic_text(|| mock.assert_key_sent());
    assert!(text.contains("not one of the accepted keys"), "{text}");
    assert!(common::leaked_windows(&key, &text).is_empty(), "{text}");
    let expected = mock.api_key().expose_secret().to_owned();
    assert!(
        common::leaked_windows(&expected, &text).is_empty(),
        "{text}"
    );
}

#[test]
fn a_stand_in_for_another_key_accepts_exactly_that_key() {
    let key = common::key();
    let mock = MockFreddy::with_key(key.parse().unwrap());
    mock.health();
    let client = FreddyClient::builder()
        .api_key(&key)
        .base_url(&mock.base_url())
        .build()
        .unwrap();
    assert_eq!(client.health().unwrap().status, "healthy");
    mock.assert_key_sent();
}

#[test]
fn a_request_no_scenario_covers_is_reported() {
    let mock = MockFreddy::start();
    let err = mock.client().authenticated_get("threads").unwrap_err();
    assert_eq!(err.status(), Some(404));
    let text = panic_text(|| mock.assert_no_unexpected_requests());
    assert!(text.contains("GET /v1/threads"), "{text}");
}

#[test]
fn a_wrong_call_count_reads_as_a_clear_failure() {
    let mock = MockFreddy::start();
    let health = mock.health();
    let text = panic_text(|| health.assert_hits(1));
    assert!(
        text.contains("`health` answered 0 call(s), expected 1"),
        "{text}"
    );
}

#[test]
fn nothing_reached_the_stand_in_is_a_failure_too() {
    let mock = MockFreddy::start();
    let text = panic_text(|| mock.assert_key_sent());
    assert!(text.contains("no request"), "{text}");
}

#[test]
fn plain_mockito_mocks_can_be_added_for_anything_else() {
    let mock = MockFreddy::start();
    mock.with_server(|server| {
        server
            .mock("GET", "/v1/threads")
            .with_body(r#"{"object": "list", "data": []}"#)
            .create()
    });
    let threads = mock.client().authenticated_get("threads").unwrap();
    assert_eq!(threads["object"], "list");
}

/// The user story of the `mock` feature: a function that creates a response, handles a 401 and
/// retries after a 429, tested in a dozen lines.
#[test]
fn a_users_function_tested_in_a_dozen_lines() {
    fn ask(client: &FreddyClient, question: &str) -> Result<String, Error> {
        let request = CreateResponse::new("gpt-4o", [Message::user(question)]);
        Ok(client.responses().create(&request)?.text())
    }

    let mock = MockFreddy::start();
    mock.rate_limited(std::time::Duration::ZERO).times(1);
    let answer = mock.create_response("42");
    assert_eq!(ask(&mock.client(), "The answer?").unwrap(), "42");
    answer.assert_hits(1);

    let refusing = MockFreddy::start();
    refusing.unauthorized();
    assert!(matches!(
        ask(&refusing.client(), "?"),
        Err(Error::Unauthorized(_))
    ));
}
