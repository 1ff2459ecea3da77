//! Rotate: a POST to `{key_id}/rotate`; the new plaintext key (inside `new_key`) comes back as
//! an `ApiKey`, never in Debug or in the kept JSON.
mod common;

use mockito::Server;
use serde_json::json;

fn rotated(field: &str, key: &str) -> String {
    json!({
        "success": true, "message": "API key rotated", "old_key_id": "key_1", "audit": "a-1",
        field: {"id": "key_2", "key": key, "key_prefix": &key[..6], "key_name": "Production App",
                "is_active": true, "created_at": "2025-12-23T10:00:00Z"}
    })
    .to_string()
}

#[test]
fn rotate_returns_the_new_key_and_the_old_id() {
    let secret = common::fake_key(5);
    let mut server = Server::new();
    let mock = server
        .mock("POST", "/v1/organizations/org_1/api-keys/key_1/rotate")
        .match_header("x-api-key", common::key().as_str())
        .match_body("")
        .with_body(rotated("new_key", &secret))
        .create();
    let answer = common::client(&server.url())
        .api_keys("org_1")
        .rotate("key_1")
        .unwrap();
    mock.assert();
    assert_eq!(answer.success, Some(true));
    assert_eq!(answer.message.as_deref(), Some("API key rotated"));
    assert_eq!(answer.old_key_id.as_deref(), Some("key_1"));
    assert_eq!(answer.new_key.key.expose_secret(), secret);
    assert_eq!(answer.new_key.info.id, "key_2");
    assert_eq!(answer.extra["audit"], "a-1");
    assert!(!answer.new_key.info.extra.contains_key("key"));
    let shown = format!("{answer:?} {:?}", answer.new_key);
    assert_eq!(
        common::leaked_windows(&secret, &shown),
        Vec::<String>::new()
    );
}

#[test]
fn a_camel_case_new_key_is_found_too() {
    let secret = common::fake_key(6);
    let mut server = Server::new();
    server
        .mock("POST", "/v1/organizations/org_1/api-keys/key_1/rotate")
        .with_body(rotated("newKey", &secret))
        .create();
    let answer = common::client(&server.url())
        .api_keys("org_1")
        .rotate("key_1")
        .unwrap();
    assert_eq!(answer.new_key.key.expose_secret(), secret);
    assert_eq!(answer.new_key.info.id, "key_2");
}

#[test]
fn rotating_a_deleted_key_is_a_409() {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/organizations/org_1/api-keys/key_1/rotate")
        .with_status(409)
        .with_body(r#"{"detail": "API key is deleted"}"#)
        .create();
    let err = common::client(&server.url())
        .api_keys("org_1")
        .rotate("key_1")
        .unwrap_err();
    assert_eq!(err.status(), Some(409));
    assert_eq!(err.api_error().unwrap().message(), "API key is deleted");
}

#[test]
fn an_odd_answer_around_the_new_key_still_hands_it_over() {
    let secret = common::fake_key(10);
    let mut server = Server::new();
    server
        .mock("POST", "/v1/organizations/org_1/api-keys/key_1/rotate")
        .with_body(json!({"success": "ok", "new_key": {"key": secret}}).to_string())
        .create();
    let answer = common::client(&server.url())
        .api_keys("org_1")
        .rotate("key_1")
        .unwrap();
    assert_eq!(answer.new_key.key.expose_secret(), secret);
    assert_eq!(answer.new_key.info.id, "");
    assert_eq!(answer.success, None);
    assert_eq!(
        common::leaked_windows(&secret, &format!("{answer:?}")),
        Vec::<String>::new()
    );
}
