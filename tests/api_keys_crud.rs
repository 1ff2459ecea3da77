//! Get, update (PATCH) and delete one key: method, path, body and parsed answer.
mod common;

use freddy::api_keys::ApiKeyUpdate;
use freddy::Error;
use mockito::{Matcher, Server};
use serde_json::json;

const KEY: &str = "/v1/organizations/org_1/api-keys/key_1";

fn info(name: &str) -> serde_json::Value {
    json!({"id": "key_1", "key_name": name, "key_prefix": "ak_Ab3", "is_active": true, "is_paused": false,
           "usage_limit_chf": 20.0, "scopes": null})
}

#[test]
fn get_reads_one_key() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", KEY)
        .match_header("x-api-key", common::key().as_str())
        .with_body(info("Production App").to_string())
        .create();
    let key = common::client(&server.url())
        .api_keys("org_1")
        .get("key_1")
        .unwrap();
    mock.assert();
    assert_eq!(key.id, "key_1");
    assert_eq!(key.key_name.as_deref(), Some("Production App"));
    assert_eq!(key.scopes, None);
}

#[test]
fn update_patches_only_the_fields_set() {
    let mut server = Server::new();
    let mock = server
        .mock("PATCH", KEY)
        .match_header("content-type", Matcher::Regex("^application/json".into()))
        .match_body(Matcher::Json(
            json!({"key_name": "Staging", "usage_limit_chf": 20.0}),
        ))
        .with_body(info("Staging").to_string())
        .create();
    let update = ApiKeyUpdate::new()
        .key_name("Staging")
        .usage_limit_chf(20.0);
    let key = common::client(&server.url())
        .api_keys("org_1")
        .update("key_1", &update)
        .unwrap();
    mock.assert();
    assert_eq!(key.key_name.as_deref(), Some("Staging"));
    assert_eq!(key.usage_limit_chf, Some(20.0));
}

#[test]
fn update_sends_scopes_and_expiry_too() {
    let mut server = Server::new();
    let mock = server
        .mock("PATCH", KEY)
        .match_body(Matcher::Json(
            json!({"scopes": ["a", "b"], "expires_at": "2026-01-01T00:00:00Z"}),
        ))
        .with_body(info("x").to_string())
        .create();
    let update = ApiKeyUpdate::new()
        .scopes(["a", "b"])
        .expires_at("2026-01-01T00:00:00Z");
    common::client(&server.url())
        .api_keys("org_1")
        .update("key_1", &update)
        .unwrap();
    mock.assert();
}

#[test]
fn an_update_that_changes_nothing_is_refused_before_sending() {
    let mut server = Server::new();
    let mock = server.mock("PATCH", Matcher::Any).expect(0).create();
    let err = common::client(&server.url())
        .api_keys("org_1")
        .update("key_1", &ApiKeyUpdate::new())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    mock.assert();
}

#[test]
fn delete_sends_delete_and_reads_the_action() {
    let mut server = Server::new();
    let mut gone = info("Production App");
    gone["is_active"] = json!(false);
    let mock = server
        .mock("DELETE", KEY)
        .match_header("x-api-key", common::key().as_str())
        .with_body(json!({"success": true, "message": "API key deleted", "key": gone}).to_string())
        .create();
    let action = common::client(&server.url())
        .api_keys("org_1")
        .delete("key_1")
        .unwrap();
    mock.assert();
    assert_eq!(action.success, Some(true));
    assert_eq!(action.message.as_deref(), Some("API key deleted"));
    assert_eq!(action.key.unwrap().is_active, Some(false));
}
