//! A server that stops answering gives `Error::Timeout` once the timeout has passed, and no
//! storm of retries.
mod common;

use std::time::{Duration, Instant};

use common::http_server::{RawServer, Reply};
use freddy::{Error, FreddyClient};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_millis(300);

fn client(server: &RawServer, retries: u32) -> FreddyClient {
    common::builder(&server.url())
        .timeout(TIMEOUT)
        .max_retries(retries)
        .build()
        .unwrap()
}

/// Checks that a call timed out no sooner than the timeout and well within a bound.
fn assert_timed_out(result: Result<Value, Error>, elapsed: Duration) {
    let err = result.expect_err("the call times out");
    assert!(
        matches!(err, Error::Timeout),
        "expected Timeout, got {err:?}"
    );
    assert!(err.is_transient());
    assert!(
        elapsed >= TIMEOUT,
        "gave up before the timeout: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = RawServer::start(Reply::Never);
    let client = client(&server, 0);
    let start = Instant::now();
    let result = client.authenticated_get("models");
    assert_timed_out(result, start.elapsed());
    assert_eq!(server.connections(), 1, "one attempt, one connection");
}

#[test]
fn a_body_that_stalls_after_the_headers_times_out() {
    let server = RawServer::start(Reply::StalledBody);
    let client = client(&server, 0);
    let start = Instant::now();
    let result = client.authenticated_get("models");
    assert_timed_out(result, start.elapsed());
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_timed_out_post_is_not_retried() {
    let server = RawServer::start(Reply::Never);
    let client = client(&server, 2);
    let start = Instant::now();
    let result = client.post("things", &json!({"name": "x"}));
    assert_timed_out(result, start.elapsed());
    assert_eq!(
        server.connections(),
        1,
        "the server may have processed it: no retry"
    );
}

#[test]
fn a_timed_out_get_is_retried_up_to_max_retries() {
    let server = RawServer::start(Reply::Never);
    let client = client(&server, 1);
    let start = Instant::now();
    let result = client.authenticated_get("models");
    assert_timed_out(result, start.elapsed());
    assert_eq!(server.connections(), 2);
}
