//! Failed calls are tried again up to `max_retries`, only where repeating cannot do a thing
//! twice, after the wait the server asked for.
mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use freddy::{Error, FreddyClient};
use mockito::{Mock, Server};
use serde_json::{json, Value};

const TRANSIENT: [usize; 6] = [429, 408, 500, 502, 503, 504];
const CLIENT_ERRORS: [usize; 5] = [400, 401, 403, 404, 409];

fn retrying_client(url: &str) -> FreddyClient {
    common::builder(url).max_retries(2).build().unwrap()
}

/// A mock answering `status` with `Retry-After: 0`, so retries happen at once.
fn failing(server: &mut Server, method: &str, status: usize, hits: usize) -> Mock {
    server
        .mock(method, format!("/v1/s{status}").as_str())
        .with_status(status)
        .with_header("retry-after", "0")
        .with_body(r#"{"success": false, "error": {"code": "X", "message": "failed"}}"#)
        .expect(hits)
        .create()
}

/// Calls `method` on `endpoint`, expecting it to fail.
fn call_failing(client: &FreddyClient, method: &str, endpoint: &str) -> Error {
    let body = json!({"name": "x"});
    let result: Result<Value, Error> = match method {
        "GET" => client.get(endpoint),
        "DELETE" => client.delete(endpoint),
        "POST" => client.post(endpoint, &body),
        "PATCH" => client.patch(endpoint, &body),
        other => unreachable!("{other}"),
    };
    result.expect_err("the call fails")
}

/// Calls `method` on `s{status}` and checks the error and how often the server was asked.
fn assert_calls(method: &str, status: usize, expected_calls: usize) {
    let mut server = Server::new();
    let mock = failing(&mut server, method, status, expected_calls);
    let err = call_failing(
        &retrying_client(&server.url()),
        method,
        &format!("s{status}"),
    );
    assert_eq!(
        err.status(),
        Some(status as u16),
        "{method} {status}: {err:?}"
    );
    if status == 429 {
        assert!(matches!(err, Error::RateLimited(_)), "{err:?}");
    }
    // mockito's message names the method, the path (with the status) and the count.
    mock.assert();
}

#[test]
fn get_and_delete_are_retried_on_every_transient_status() {
    for method in ["GET", "DELETE"] {
        for status in TRANSIENT {
            assert_calls(method, status, 3);
        }
    }
}

#[test]
fn post_and_patch_are_retried_on_429_only() {
    for method in ["POST", "PATCH"] {
        assert_calls(method, 429, 3);
        for status in [408, 500, 502, 503, 504] {
            assert_calls(method, status, 1);
        }
    }
}

#[test]
fn client_errors_are_never_retried() {
    for method in ["GET", "DELETE", "POST", "PATCH"] {
        for status in CLIENT_ERRORS {
            assert_calls(method, status, 1);
        }
    }
}

#[test]
fn max_retries_zero_means_one_call() {
    let mut server = Server::new();
    let mock = failing(&mut server, "GET", 503, 1);
    let client = common::builder(&server.url())
        .max_retries(0)
        .build()
        .unwrap();
    assert!(client.get::<Value>("s503").is_err());
    mock.assert();
}

#[test]
fn by_default_a_call_is_tried_three_times() {
    let mut server = Server::new();
    let mock = failing(&mut server, "GET", 503, 3);
    let client = FreddyClient::builder()
        .api_key(common::key())
        .base_url(&server.url())
        .build()
        .unwrap();
    assert!(client.get::<Value>("s503").is_err());
    mock.assert();
}

#[test]
fn success_on_a_later_attempt_returns_its_value() {
    for (method, status) in [("GET", 503), ("POST", 429)] {
        let mut server = Server::new();
        let failed = failing(&mut server, method, status, 1);
        let succeeded = server
            .mock(method, format!("/v1/s{status}").as_str())
            .with_body(r#"{"id": "thing_1"}"#)
            .expect(1)
            .create();
        let client = retrying_client(&server.url());
        let endpoint = format!("s{status}");
        let value: Value = match method {
            "GET" => client.get(&endpoint),
            _ => client.post(&endpoint, &json!({"name": "x"})),
        }
        .unwrap();
        assert_eq!(value, json!({"id": "thing_1"}), "{method}");
        failed.assert();
        succeeded.assert();
    }
}

#[test]
fn a_refused_connection_is_retried_even_for_post() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let post = |retries: u32| {
        let client = common::builder(&url)
            .connect_timeout(Duration::from_millis(500))
            .max_retries(retries)
            .build()
            .unwrap();
        let start = Instant::now();
        let err = client
            .post::<_, Value>("things", &json!({"name": "x"}))
            .unwrap_err();
        assert!(
            matches!(&err, Error::Transport(t) if t.is_connect()),
            "expected a refused connection, got {err:?}"
        );
        start.elapsed()
    };
    // Nothing reached a server, so the backoff (0.5 s ± 25 %) before the retry is the only wait.
    let once = post(0);
    let retried = post(1);
    assert!(
        once < Duration::from_millis(375),
        "no retry, no wait: {once:?}"
    );
    assert!(
        retried >= Duration::from_millis(375),
        "retried without a backoff? {retried:?}"
    );
}

#[test]
fn a_short_retry_after_is_waited_before_the_retry() {
    let mut server = Server::new();
    let limited = server
        .mock("POST", "/v1/things")
        .with_status(429)
        .with_header("retry-after", "1")
        .expect(1)
        .create();
    let succeeded = server
        .mock("POST", "/v1/things")
        .with_body(r#"{"ok": true}"#)
        .expect(1)
        .create();
    let start = Instant::now();
    let value: Value = retrying_client(&server.url())
        .post("things", &json!({"name": "x"}))
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(value, json!({"ok": true}));
    assert!(
        elapsed >= Duration::from_secs(1),
        "retried after {elapsed:?}"
    );
    limited.assert();
    succeeded.assert();
}

#[test]
fn a_retry_after_over_a_minute_is_handed_back_at_once() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .with_status(429)
        .with_header("retry-after", "120")
        .expect(1)
        .create();
    let start = Instant::now();
    let err = retrying_client(&server.url())
        .authenticated_get("models")
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "slept {:?}",
        start.elapsed()
    );
    let Error::RateLimited(api) = &err else {
        panic!("expected RateLimited, got {err:?}")
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(120)));
    mock.assert();
}

#[test]
fn a_429_whose_rate_limit_resets_in_an_hour_is_handed_back_at_once() {
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .with_status(429)
        .with_header("x-ratelimit-limit", "100")
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", &reset.to_string())
        .expect(1)
        .create();
    let start = Instant::now();
    let err = retrying_client(&server.url())
        .authenticated_get("models")
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "slept {:?}",
        start.elapsed()
    );
    let wait = err
        .api_error()
        .and_then(|e| e.retry_after())
        .expect("a retry-after");
    assert!(wait > Duration::from_secs(3500), "{wait:?}");
    mock.assert();
}
