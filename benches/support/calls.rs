//! The calls measured, each done by freddy and by a raw ureq `Agent` doing the same work: the
//! same request line and `X-API-Key` header, the same JSON sent, the same
//! `serde_json::from_slice` of the answer.
#![allow(dead_code)] // each bench binary uses part of the support code

use std::time::Duration;

use freddy::responses::{CreateResponse, Message, ModelResponse};
use freddy::FreddyClient;
use serde_json::Value;
use ureq::Agent;

/// The documentation's placeholder key; the bench server accepts anything.
pub const KEY: &str = "ak_1234567890abcdef1234567890abcdef12345678";

const TIMEOUT: Duration = Duration::from_secs(60);

/// A freddy client for `base` without retries (a failure should show, not be hidden).
pub fn client(base: &str) -> FreddyClient {
    FreddyClient::builder()
        .api_key(KEY)
        .base_url(base)
        .timeout(TIMEOUT)
        .max_retries(0)
        .build()
        .expect("a valid bench configuration")
}

/// A raw ureq agent with the transport settings freddy uses (timeouts, pool size, no proxy
/// for loopback), so that the comparison measures the wrapper, not ureq's options.
pub fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(TIMEOUT))
        .timeout_connect(Some(Duration::from_secs(10)))
        .max_idle_connections(32)
        .max_idle_connections_per_host(16)
        .proxy(None)
        .build()
        .new_agent()
}

/// `client.authenticated_get("models")`.
pub fn freddy_get(client: &FreddyClient) -> Value {
    client.authenticated_get("models").expect("bench GET")
}

/// What `authenticated_get("models")` does, written against ureq directly.
pub fn raw_get(agent: &Agent, url: &str) -> Value {
    let mut response = agent
        .get(url)
        .header("X-API-Key", KEY)
        .header("Accept", "application/json")
        .call()
        .expect("bench GET");
    assert!(response.status().is_success());
    let bytes = response
        .body_mut()
        .with_config()
        .limit(10 * 1024 * 1024)
        .read_to_vec()
        .expect("bench body");
    serde_json::from_slice(&bytes).expect("bench JSON")
}

/// The request `create` sends.
pub fn create_request() -> CreateResponse {
    CreateResponse::new("gpt-4o", [Message::user("Hello! Tell me about Rust.")])
        .organization_id("org_bench")
}

/// `client.responses().create(..)`.
pub fn freddy_create(client: &FreddyClient, request: &CreateResponse) -> ModelResponse {
    client.responses().create(request).expect("bench create")
}

/// The same JSON `create` sends, as a value a raw ureq user serializes per call.
pub fn raw_request() -> Value {
    serde_json::to_value(create_request()).expect("bench JSON")
}

/// What `create` does, written against ureq directly: serialize, POST, read, parse.
pub fn raw_create(agent: &Agent, url: &str, request: &Value) -> Value {
    let body = serde_json::to_vec(request).expect("bench JSON");
    let mut response = agent
        .post(url)
        .header("X-API-Key", KEY)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .send(&body[..])
        .expect("bench POST");
    assert!(response.status().is_success());
    let bytes = response
        .body_mut()
        .with_config()
        .limit(10 * 1024 * 1024)
        .read_to_vec()
        .expect("bench body");
    serde_json::from_slice(&bytes).expect("bench JSON")
}
