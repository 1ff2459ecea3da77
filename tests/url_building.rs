//! Where requests go: `{base}/v1/{endpoint}`, and which base URLs the key may be sent to.
mod common;

use freddy::{Error, FreddyClient, DEFAULT_BASE_URL};
use mockito::Server;

fn build(base_url: &str) -> Result<FreddyClient, Error> {
    FreddyClient::builder()
        .api_key(common::key())
        .base_url(base_url)
        .build()
}

/// Requests `endpoint` against `base_url` and asserts it arrived as `expected_path`.
fn assert_arrives(server: &mut Server, base_url: &str, endpoint: &str, expected_path: &str) {
    let mock = server
        .mock("GET", expected_path)
        .with_body(r#"{"ok": true}"#)
        .create();
    let value = common::client(base_url)
        .authenticated_get(endpoint)
        .unwrap_or_else(|e| panic!("{base_url} + {endpoint}: {e}"));
    assert_eq!(value["ok"], true);
    mock.assert();
    mock.remove();
}

#[test]
fn the_endpoint_goes_under_v1() {
    let mut server = Server::new();
    let base = server.url();
    assert_arrives(&mut server, &base, "models", "/v1/models");
    assert_arrives(
        &mut server,
        &base,
        "models/gpt-4o/usage",
        "/v1/models/gpt-4o/usage",
    );
}

#[test]
fn a_leading_slash_is_tolerated() {
    let mut server = Server::new();
    let base = server.url();
    assert_arrives(&mut server, &base, "/models", "/v1/models");
}

#[test]
fn a_trailing_slash_on_the_base_url_is_fine() {
    let mut server = Server::new();
    let base = format!("{}/", server.url());
    assert_arrives(&mut server, &base, "models", "/v1/models");
    assert_arrives(&mut server, &base, "/models", "/v1/models");
    assert_eq!(common::client(&base).base_url(), server.url());
}

#[test]
fn a_path_prefix_on_the_base_url_is_kept() {
    let mut server = Server::new();
    let base = format!("{}/gateway", server.url());
    assert_arrives(&mut server, &base, "models", "/gateway/v1/models");
    let nested = format!("{}/api/freddy/", server.url());
    assert_arrives(&mut server, &nested, "/models", "/api/freddy/v1/models");
    assert_eq!(
        common::client(&nested).base_url(),
        format!("{}/api/freddy", server.url())
    );
}

#[test]
fn a_query_string_passes_through_unchanged() {
    let mut server = Server::new();
    let base = server.url();
    let endpoint = "models?include_pricing=true&after=a%2Fb&tags=x,y&path=a/b";
    assert_arrives(&mut server, &base, endpoint, &format!("/v1/{endpoint}"));
    assert_arrives(&mut server, &base, "/models?limit=5", "/v1/models?limit=5");
}

#[test]
fn the_default_base_url_is_the_documented_host() {
    let client = FreddyClient::new(common::key()).unwrap();
    assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    assert_eq!(DEFAULT_BASE_URL, "https://api.aitronos.com");
}

#[test]
fn https_base_urls_are_accepted() {
    for (given, kept) in [
        ("https://api.aitronos.com", "https://api.aitronos.com"),
        ("https://api.aitronos.com/", "https://api.aitronos.com"),
        (
            "https://proxy.example.com:8443/gateway",
            "https://proxy.example.com:8443/gateway",
        ),
        ("https://10.0.0.7/freddy/", "https://10.0.0.7/freddy"),
    ] {
        let client = build(given).unwrap_or_else(|e| panic!("{given}: {e}"));
        assert_eq!(client.base_url(), kept);
    }
}

#[test]
fn plain_http_is_accepted_only_for_loopback_hosts() {
    for loopback in [
        "http://127.0.0.1",
        "http://127.0.0.1:8080",
        "http://127.1.2.3:9000/prefix",
        "http://localhost",
        "http://localhost:3000/",
        "http://[::1]",
        "http://[::1]:8080",
    ] {
        build(loopback).unwrap_or_else(|e| panic!("{loopback}: {e}"));
    }
    for remote in [
        "http://api.aitronos.com",
        "http://10.0.0.7:8080",
        "http://128.0.0.1",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
        "http://[::2]",
    ] {
        let err = build(remote).unwrap_err();
        assert!(matches!(err, Error::InvalidBaseUrl(_)), "{remote}: {err:?}");
        assert!(err.to_string().contains("http"), "{remote}: {err}");
    }
}

#[test]
fn user_info_query_and_fragment_are_refused() {
    for bad in [
        "https://user:password@api.aitronos.com",
        "https://user@api.aitronos.com",
        "http://user:pw@127.0.0.1:8080",
        "https://api.aitronos.com/?region=eu",
        "https://api.aitronos.com?x",
        "https://api.aitronos.com/#top",
        "https://api.aitronos.com/gateway#",
    ] {
        let err = build(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidBaseUrl(_)), "{bad}: {err:?}");
    }
}

#[test]
fn other_unusable_base_urls_are_refused() {
    for bad in [
        "",
        "api.aitronos.com",
        "ftp://api.aitronos.com",
        "file:///etc/passwd",
        "https://",
        "https://api.aitronos.com/a b",
        " https://api.aitronos.com",
        "https://api.aitronos.com/../admin",
        "https://api.aitronos.com//gateway",
        "https://äpi.aitronos.com",
    ] {
        let err = build(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidBaseUrl(_)), "{bad:?}: {err:?}");
    }
}

#[test]
fn a_refused_base_url_does_not_echo_credentials() {
    let key = common::key();
    for bad in [
        "https://alice:hunter2hunter2@api.aitronos.com".to_owned(),
        "http://alice:hunter2hunter2@example.com".to_owned(),
        format!("https://api.aitronos.com/?api_key={key}"),
        format!("https://api.aitronos.com/#{key}"),
    ] {
        let err = build(&bad).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(common::leaked_windows(&key, &text).is_empty(), "{text}");
    }
}

#[test]
fn a_base_url_carrying_the_key_is_refused_without_quoting_it() {
    let key = common::key();
    let err = common::builder(&format!("https://api.example.com/{key}/gateway"))
        .build()
        .unwrap_err();
    let Error::InvalidBaseUrl(why) = &err else {
        panic!("expected InvalidBaseUrl, got {err:?}")
    };
    assert!(why.contains("X-API-Key"), "{why}");
    assert!(common::leaked_windows(&key, &format!("{err} {err:?}")).is_empty());
}
