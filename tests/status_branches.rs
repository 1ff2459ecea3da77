//! Each status comes back as its own `Error` branch, with the documentation's envelope parsed.
mod common;

use freddy::Error;
use mockito::Server;

const UNAUTHORIZED: &str = r#"{
  "success": false,
  "error": {
    "code": "INVALID_API_KEY",
    "message": "The API key provided is invalid or has expired.",
    "system_message": "API key validation failed",
    "type": "client_error",
    "status": 401,
    "details": {},
    "trace_id": "abc-123-def",
    "timestamp": "2025-12-22T15:30:00Z"
  }
}"#;

const FORBIDDEN: &str = r#"{
  "success": false,
  "error": {
    "code": "INSUFFICIENT_PERMISSIONS",
    "message": "You don't have permission to access this resource.",
    "system_message": "Insufficient permissions for this operation",
    "type": "client_error",
    "status": 403,
    "details": {},
    "trace_id": "abc-123-def",
    "timestamp": "2025-12-22T15:30:00Z"
  }
}"#;

#[test]
fn success_returns_the_json() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", common::key().as_str())
        .with_body(r#"{"models": [], "total_count": 0}"#)
        .create();
    let value = common::client(&server.url())
        .authenticated_get("models")
        .unwrap();
    assert_eq!(value["total_count"], 0);
    mock.assert();
}

#[test]
fn unauthorized_carries_the_documented_envelope() {
    let mut server = Server::new();
    server
        .mock("GET", "/v1/models")
        .with_status(401)
        .with_body(UNAUTHORIZED)
        .create();
    let err = common::client(&server.url())
        .authenticated_get("models")
        .unwrap_err();
    let Error::Unauthorized(api) = &err else {
        panic!("expected Unauthorized, got {err:?}")
    };
    assert_eq!(api.status(), 401);
    assert_eq!(api.code(), "INVALID_API_KEY");
    assert_eq!(
        api.message(),
        "The API key provided is invalid or has expired."
    );
    assert_eq!(api.system_message(), Some("API key validation failed"));
    assert_eq!(api.error_type(), Some("client_error"));
    assert_eq!(api.trace_id(), Some("abc-123-def"));
    assert_eq!(api.timestamp(), Some("2025-12-22T15:30:00Z"));
    assert_eq!(api.details(), Some(&serde_json::json!({})));
    let text = err.to_string();
    assert!(
        text.contains("INVALID_API_KEY") && text.contains("abc-123-def"),
        "{text}"
    );
    assert!(
        text.contains("Authentication failed. Check your API key."),
        "{text}"
    );
    assert_eq!(err.status(), Some(401));
}

#[test]
fn forbidden_carries_the_documented_envelope() {
    let mut server = Server::new();
    server
        .mock("GET", "/v1/models")
        .with_status(403)
        .with_body(FORBIDDEN)
        .create();
    let err = common::client(&server.url())
        .authenticated_get("models")
        .unwrap_err();
    let Error::Forbidden(api) = &err else {
        panic!("expected Forbidden, got {err:?}")
    };
    assert_eq!(api.code(), "INSUFFICIENT_PERMISSIONS");
    assert!(err
        .to_string()
        .contains("Permission denied. Check your account permissions."));
}
