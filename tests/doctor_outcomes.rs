//! `freddy-doctor` against a local server, one outcome each: the exit code says whether all is
//! well, the words say why in the documentation's terms, and the key never appears.
mod common;

use std::net::TcpListener;
use std::process::Command;

use freddy::mock::MockFreddy;
use mockito::{Mock, Server, ServerGuard};

const DOCTOR: &str = env!("CARGO_BIN_EXE_freddy-doctor");

/// Runs the doctor with `key` in `FREDDY_API_KEY` (or none) against `base_url` and returns
/// its exit code and everything it printed, after checking that no part of the key is in it.
fn doctor(key: Option<&str>, base_url: &str) -> (i32, String) {
    run(key, &["--base-url", base_url, "--timeout", "5"])
}

fn run(key: Option<&str>, args: &[&str]) -> (i32, String) {
    let mut command = Command::new(DOCTOR);
    command
        .args(args)
        .env_remove("FREDDY_BASE_URL")
        .env_remove("FREDDY_API_KEY");
    if let Some(key) = key {
        command.env("FREDDY_API_KEY", key);
    }
    let out = command.output().expect("the doctor runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if let Some(key) = key {
        assert_eq!(
            common::leaked_windows(key, &text),
            Vec::<String>::new(),
            "{text}"
        );
    }
    (out.status.code().expect("an exit code"), text)
}

/// `GET /v1/models` answered with `status` and `body`, expecting the test's key.
fn models(server: &mut ServerGuard, status: usize, body: &str) -> Mock {
    server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", common::key().as_str())
        .with_status(status)
        .with_header("x-ratelimit-limit", "100")
        .with_header(
            "x-ratelimit-remaining",
            if status == 429 { "0" } else { "95" },
        )
        .with_header("x-ratelimit-reset", "4102444800")
        .with_body(body)
        .create()
}

#[test]
fn all_is_well_exits_0() {
    let mut server = Server::new();
    let mock = models(
        &mut server,
        200,
        r#"{"models": [{"key": "gpt-4o"}, {"key": "claude"}], "total_count": 2}"#,
    );
    let (code, text) = doctor(Some(&common::key()), &server.url());
    mock.assert();
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("the API accepted the key (2 models available)"),
        "{text}"
    );
    assert!(text.contains("95 of 100 requests left"), "{text}");
    assert!(text.contains("All is well."), "{text}");
}

#[test]
fn a_401_is_explained_and_an_echoed_key_is_not_repeated() {
    let mut server = Server::new();
    let body = format!(
        r#"{{"success": false, "error": {{"code": "INVALID_API_KEY",
            "message": "The API key {} is invalid or has expired.", "status": 401, "trace_id": "abc-123-def"}}}}"#,
        common::key()
    );
    let mock = models(&mut server, 401, &body);
    let (code, text) = doctor(Some(&common::key()), &server.url());
    mock.assert();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("401 Unauthorized"), "{text}");
    assert!(
        text.contains("Authentication failed. Check your API key."),
        "{text}"
    );
    assert!(text.contains("invalid or expired API key"), "{text}");
    assert!(text.contains("Verify in the Hub"), "{text}");
    assert!(text.contains("abc-123-def"), "{text}");
    assert!(
        text.contains("curl -H \"X-API-Key: $FREDDY_API_KEY\""),
        "{text}"
    );
}

#[test]
fn a_403_is_explained() {
    let mock = MockFreddy::with_key(common::key().parse().unwrap());
    let forbidden = mock.forbidden();
    let (code, text) = doctor(Some(&common::key()), &mock.base_url());
    forbidden.assert_hits(1);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("403 Forbidden"), "{text}");
    assert!(
        text.contains("Permission denied. Check your account permissions."),
        "{text}"
    );
    assert!(
        text.contains("doesn't have the required permissions"),
        "{text}"
    );
}

#[test]
fn a_429_is_explained_with_the_plans_and_the_wait() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .with_status(429)
        .with_header("retry-after", "42")
        .with_header("x-ratelimit-limit", "100")
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", "4102444800")
        .with_body(r#"{"error": {"code": "RATE_LIMITED", "message": "Too many requests"}}"#)
        .create();
    let (code, text) = doctor(Some(&common::key()), &server.url());
    mock.assert();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("429 Too Many Requests"), "{text}");
    assert!(
        text.contains("Standard 100 requests/minute, Premium 1,000 requests/minute"),
        "{text}"
    );
    assert!(text.contains("Wait 42 s"), "{text}");
    assert!(text.contains("no requests left of 100"), "{text}");
}

#[test]
fn an_unreachable_api_is_a_network_failure() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (code, text) = doctor(Some(&common::key()), &format!("http://127.0.0.1:{port}"));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("could not reach"), "{text}");
    assert!(text.contains("refused"), "{text}");
    assert!(text.contains("network failure"), "{text}");
}

#[test]
fn a_bad_character_is_pointed_at_without_showing_the_key() {
    let mut server = Server::new();
    let mock = server.mock("GET", "/v1/models").expect(0).create();
    let good = common::key();
    let bad = format!("{}-{}", &good[..10], &good[11..]);
    let (code, text) = doctor(Some(&bad), &server.url());
    mock.assert();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("at position 10"), "{text}");
    assert!(text.contains("ak_*******^"), "{text}");
    assert!(text.contains("live call: fix the key first"), "{text}");
}

#[test]
fn a_missing_variable_is_named() {
    let mut server = Server::new();
    let mock = server.mock("GET", "/v1/models").expect(0).create();
    let (code, text) = doctor(None, &server.url());
    mock.assert();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("FREDDY_API_KEY is not set"), "{text}");
    assert!(text.contains("Settings → API Keys"), "{text}");
}

#[test]
fn a_bad_argument_is_a_usage_error() {
    let (code, text) = run(Some(&common::key()), &["--frobnicate"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("usage: freddy-doctor"), "{text}");
}

#[test]
fn a_key_pasted_into_the_base_url_is_not_printed() {
    let mut server = Server::new();
    let key = common::key();
    let base_url = format!("{}/{key}", server.url());
    let never = server.mock("GET", mockito::Matcher::Any).expect(0).create();
    // `run` fails the test if any part of the key is in what the doctor printed.
    let (code, text) = doctor(Some(&key), &base_url);
    never.assert();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!("against {}/ak_[REDACTED]\n", server.url())),
        "{text}"
    );
    assert!(text.contains("the base URL is not usable"), "{text}");
}
