//! An endpoint that could leave the API's `/v1/` path is refused before anything is sent.
mod common;

use freddy::{Error, FreddyClient};
use mockito::{Matcher, Mock, Server, ServerGuard};
use serde_json::{json, Value};

/// Every hostile endpoint, with a word its error must mention.
const HOSTILE: &[(&str, &str)] = &[
    // Absolute URLs and scheme-relative references replace the host when joined.
    ("https://evil.example/v1/models", "absolute"),
    ("http://127.0.0.1:1/steal", "absolute"),
    ("HTTPS://evil.example", "absolute"),
    ("evil.example:443/models", "absolute"),
    ("mailto:someone@example.com", "absolute"),
    ("//evil.example/models", "//"),
    ("///evil.example", "//"),
    ("models//x", "//"),
    // Dot segments, plain and percent-encoded in any case.
    ("..", "`..`"),
    ("../admin", "`..`"),
    ("models/../../admin", "`..`"),
    ("models/..", "`..`"),
    (".", "`.`"),
    ("./models", "`.`"),
    ("models/./x", "`.`"),
    ("%2e%2e/admin", "`..`"),
    ("%2E%2E/admin", "`..`"),
    ("%2E%2e/admin", "`..`"),
    ("models/.%2e/admin", "`..`"),
    ("models/%2E./admin", "`..`"),
    ("models/%2e", "`.`"),
    ("%2e%2e?x=1", "`..`"),
    // Encoded slashes and backslashes.
    ("models%2f..%2fadmin", "encoded slash"),
    ("models%2Fx", "encoded slash"),
    ("models%5cx", "encoded slash"),
    ("models%5C..%5Cadmin", "encoded slash"),
    ("models\\..\\admin", "backslash"),
    ("\\\\evil.example\\share", "backslash"),
    // Whitespace, control characters, non-ASCII.
    ("models x", "whitespace"),
    (" models", "whitespace"),
    ("models\t", "whitespace"),
    ("models\n", "whitespace"),
    ("models\r\nX-Injected: 1", "whitespace"),
    ("models\u{0}", "control"),
    ("models\u{7f}", "control"),
    ("models\u{1b}[31m", "control"),
    ("modèles", "non-ASCII"),
    ("models/\u{2215}etc", "non-ASCII"),
    ("models\u{a0}", "non-ASCII"),
    // Nothing to request.
    ("", "empty"),
    ("/", "empty"),
    ("?limit=5", "empty"),
    // Queries: no fragment, whitespace, control characters or non-ASCII.
    ("models#fragment", "fragment"),
    ("models?x=1#fragment", "fragment"),
    ("models?q=a b", "whitespace"),
    ("models?q=a\tb", "whitespace"),
    ("models?q=\u{0}", "control"),
    ("models?q=é", "non-ASCII"),
    ("models?q=a\\b", "query"),
];

/// A mock for every method and path that must never be hit.
fn catch_all(server: &mut ServerGuard) -> Vec<Mock> {
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        .into_iter()
        .map(|method| server.mock(method, Matcher::Any).expect(0).create())
        .collect()
}

fn assert_refused(result: Result<Value, Error>, endpoint: &str, word: &str, call: &str) {
    match result {
        Err(Error::InvalidEndpoint(why)) => {
            let text = Error::InvalidEndpoint(why).to_string();
            assert!(text.starts_with("invalid endpoint: "), "{text}");
            assert!(
                text.contains(word),
                "{call}({endpoint:?}): {text} does not say {word:?}"
            );
            assert!(
                !text.chars().any(char::is_control),
                "{call}({endpoint:?}): {text:?}"
            );
        }
        other => panic!("{call}({endpoint:?}): expected InvalidEndpoint, got {other:?}"),
    }
}

fn check_every_call(client: &FreddyClient) {
    let body = json!({"name": "x"});
    for &(endpoint, word) in HOSTILE {
        assert_refused(
            client.authenticated_get(endpoint),
            endpoint,
            word,
            "authenticated_get",
        );
        assert_refused(client.get(endpoint), endpoint, word, "get");
        assert_refused(client.post(endpoint, &body), endpoint, word, "post");
        assert_refused(client.post_empty(endpoint), endpoint, word, "post_empty");
        assert_refused(client.patch(endpoint, &body), endpoint, word, "patch");
        assert_refused(client.put(endpoint, &body), endpoint, word, "put");
        assert_refused(client.delete(endpoint), endpoint, word, "delete");
    }
}

#[test]
fn hostile_endpoints_are_refused_and_nothing_is_sent() {
    let mut server = Server::new();
    let mocks = catch_all(&mut server);
    check_every_call(&common::client(&server.url()));
    for mock in mocks {
        mock.assert();
    }
}

#[test]
fn a_path_prefix_does_not_open_a_way_out() {
    let mut server = Server::new();
    let mocks = catch_all(&mut server);
    check_every_call(&common::client(&format!("{}/gateway/", server.url())));
    for mock in mocks {
        mock.assert();
    }
}

#[test]
fn the_error_names_the_endpoint_with_control_characters_escaped() {
    let client = common::client("http://127.0.0.1:1");
    let err = client
        .authenticated_get("models\r\nX-Injected: 1")
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains(r"models\r\nX-Injected: 1"), "{text}");
    assert!(!text.contains('\n') && !text.contains('\r'), "{text:?}");
}

#[test]
fn a_refused_endpoint_never_echoes_the_key() {
    let key = common::key();
    let client = common::client("http://127.0.0.1:1");
    for endpoint in [
        format!("models?api_key={key} "),
        format!("models?api_key={key}#x"),
        format!("../{key}"),
        format!("https://evil.example/{key}"),
    ] {
        let err = client.authenticated_get(&endpoint).unwrap_err();
        assert!(matches!(err, Error::InvalidEndpoint(_)), "{err:?}");
        let text = format!("{err} {err:?}");
        assert!(common::leaked_windows(&key, &text).is_empty(), "{text}");
    }
}

#[test]
fn a_valid_endpoint_carrying_the_key_is_refused_and_nothing_is_sent() {
    let mut server = Server::new();
    let anything = server.mock("GET", Matcher::Any).expect(0).create();
    let key = common::key();
    let client = common::client(&server.url());
    let err = client
        .authenticated_get(&format!("models?api_key={key}"))
        .unwrap_err();
    let Error::InvalidEndpoint(why) = &err else {
        panic!("expected InvalidEndpoint, got {err:?}")
    };
    assert!(why.contains("X-API-Key"), "{why}");
    // A fragment is enough: the key must not reach a URL, whole or in part.
    let part = &key[10..22];
    assert!(client
        .authenticated_get(&format!("search?q={part}"))
        .is_err());
    anything.assert();
}

#[test]
fn ordinary_endpoints_are_not_refused() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", Matcher::Regex("^/v1/".into()))
        .with_body("{}")
        .expect(9)
        .create();
    let client = common::client(&server.url());
    for endpoint in [
        "models",
        "/models",
        "models/gpt-4o",
        "organizations/org_1/members",
        "files/report.v2.pdf",
        "models/..x/y...",
        "threads/thr_1/messages:search",
        "models?include_pricing=true&sort=-created",
        "search?q=a%20b&next=../x&path=/a/b?c",
    ] {
        client
            .authenticated_get(endpoint)
            .unwrap_or_else(|e| panic!("{endpoint}: {e}"));
    }
    mock.assert();
}
