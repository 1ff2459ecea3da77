//! Creating a key: the body carries the name and options, the plaintext key comes back as an
//! `ApiKey` (never in Debug, never in the kept JSON), whatever its shape, and a usable one.
mod common;

use freddy::api_keys::NewApiKey;
use freddy::{Error, FreddyClient};
use mockito::{Matcher, Server};
use serde_json::json;

const KEYS: &str = "/v1/organizations/org_1/api-keys";

fn created_body(key: &str) -> String {
    json!({
        "id": "key_new", "key": key, "key_prefix": &key[..6.min(key.len())], "organization_id": "org_1",
        "key_name": "Production App", "is_active": true, "usage_limit_chf": 50.0, "scopes": ["responses"],
        "metadata": {"deletable": false}, "expires_at": "2026-12-31T23:59:59Z", "created_by": "usr_1",
        "created_at": "2025-12-23T10:00:00Z", "tier": "gold"
    })
    .to_string()
}

#[test]
fn create_posts_the_options_and_hands_over_the_key_once() {
    let secret = common::fake_key(7);
    let mut server = Server::new();
    let create = server
        .mock("POST", KEYS)
        .match_header("x-api-key", common::key().as_str())
        .match_header("content-type", Matcher::Regex("^application/json".into()))
        .match_body(Matcher::Json(json!({
            "key_name": "Production App", "usage_limit_chf": 50.0, "scopes": ["responses"],
            "expires_at": "2026-12-31T23:59:59Z", "metadata": {"deletable": false}
        })))
        .with_status(201)
        .with_body(created_body(&secret))
        .create();
    let client = common::client(&server.url());
    let new = NewApiKey::new("Production App")
        .usage_limit_chf(50.0)
        .scopes(["responses"])
        .expires_at("2026-12-31T23:59:59Z")
        .metadata(json!({"deletable": false}));
    let created = client.api_keys("org_1").create(&new).unwrap();
    create.assert();

    assert_eq!(created.key.expose_secret(), secret);
    assert_eq!(created.info.id, "key_new");
    assert_eq!(created.info.key_name.as_deref(), Some("Production App"));
    assert_eq!(
        created.info.expires_at.as_deref(),
        Some("2026-12-31T23:59:59Z")
    );
    assert_eq!(created.info.extra["tier"], "gold");
    assert!(!created.info.extra.contains_key("key"));
    let shown = format!(
        "{created:?} {:?} {}",
        created.info,
        serde_json::to_string(&created.info).unwrap()
    );
    assert_eq!(
        common::leaked_windows(&secret, &shown),
        Vec::<String>::new()
    );

    // The key is ready for use: swapped in, the next call carries it.
    let models = server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", secret.as_str())
        .with_body("{}")
        .create();
    client.set_api_key(created.key.clone());
    client.authenticated_get("models").unwrap();
    models.assert();
}

#[test]
fn a_key_that_fails_the_local_format_check_is_still_handed_over() {
    let odd = "fk-legacy.Key_0042/x";
    let mut server = Server::new();
    server
        .mock("POST", KEYS)
        .with_status(201)
        .with_body(created_body(odd))
        .create();
    let created = common::client(&server.url())
        .api_keys("org_1")
        .create(&NewApiKey::new("Legacy"))
        .unwrap();
    assert_eq!(created.key.expose_secret(), odd);

    let models = server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", odd)
        .with_body("{}")
        .create();
    let client = FreddyClient::builder()
        .key(created.key)
        .base_url(&server.url())
        .build()
        .unwrap();
    client.authenticated_get("models").unwrap();
    models.assert();
}

#[test]
fn a_key_a_header_cannot_carry_is_an_error_that_does_not_quote_it() {
    let secret = common::fake_key(8);
    let broken = format!("{}\u{7}{}", &secret[..20], &secret[20..]);
    let mut server = Server::new();
    server
        .mock("POST", KEYS)
        .with_status(201)
        .with_body(created_body(&broken))
        .create();
    let err = common::client(&server.url())
        .api_keys("org_1")
        .create(&NewApiKey::new("x"))
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert_eq!(
        common::leaked_windows(&secret, &shown),
        Vec::<String>::new()
    );
}

#[test]
fn a_malformed_description_does_not_cost_the_new_key() {
    let secret = common::fake_key(4);
    let mut server = Server::new();
    server
        .mock("POST", KEYS)
        .with_status(201)
        .with_body(
            json!({"id": "key_new", "key": secret, "is_active": "yes", "scopes": 3}).to_string(),
        )
        .create();
    let created = common::client(&server.url())
        .api_keys("org_1")
        .create(&NewApiKey::new("x"))
        .unwrap();
    assert_eq!(created.key.expose_secret(), secret);
    assert_eq!(created.info.id, "key_new");
    assert_eq!(created.info.extra["is_active"], "yes");
    assert!(!created.info.extra.contains_key("key"));
}

#[test]
fn an_answer_without_the_key_is_a_decode_error() {
    let mut server = Server::new();
    server
        .mock("POST", KEYS)
        .with_status(201)
        .with_body(r#"{"id": "key_new", "key_name": "x"}"#)
        .create();
    let err = common::client(&server.url())
        .api_keys("org_1")
        .create(&NewApiKey::new("x"))
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(err.to_string().contains("no `key`"), "{err}");
}

#[test]
fn a_full_organisation_is_a_409_and_the_post_is_not_repeated() {
    let mut server = Server::new();
    let create = server
        .mock("POST", KEYS)
        .with_status(409)
        .with_body(r#"{"detail": "Maximum number of API keys reached"}"#)
        .expect(1)
        .create();
    let client = common::builder(&server.url())
        .max_retries(2)
        .build()
        .unwrap();
    let err = client
        .api_keys("org_1")
        .create(&NewApiKey::new("x"))
        .unwrap_err();
    assert_eq!(err.status(), Some(409));
    create.assert();
}

#[test]
fn bad_options_are_refused_before_sending() {
    let mut server = Server::new();
    let create = server.mock("POST", Matcher::Any).expect(0).create();
    let client = common::client(&server.url());
    let keys = client.api_keys("org_1");
    for new in [
        NewApiKey::new("  "),
        NewApiKey::new("x").usage_limit_chf(-1.0),
        NewApiKey::new("x").usage_limit_chf(f64::NAN),
        NewApiKey::new("x").metadata(json!(["not", "an", "object"])),
        NewApiKey::new("x").expires_at(""),
    ] {
        let err = keys.create(&new).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{new:?}: {err:?}");
    }
    create.assert();
}
