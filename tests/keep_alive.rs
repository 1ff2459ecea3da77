//! Sequential calls reuse one connection instead of opening a new one each time.
mod common;

use common::http_server::{RawServer, Reply};

#[test]
fn sequential_calls_share_one_connection() {
    let server = RawServer::start(Reply::Json(r#"{"models": []}"#));
    let client = common::client(&server.url());
    for _ in 0..5 {
        let value = client.authenticated_get("models").unwrap();
        assert_eq!(value["models"], serde_json::json!([]));
    }
    assert_eq!(server.requests(), 5);
    assert_eq!(
        server.connections(),
        1,
        "every call after the first reuses the connection"
    );
}

#[test]
fn clones_share_the_connection_too() {
    let server = RawServer::start(Reply::Json("{}"));
    let client = common::client(&server.url());
    for _ in 0..3 {
        client.clone().authenticated_get("models").unwrap();
    }
    assert_eq!(server.requests(), 3);
    assert_eq!(server.connections(), 1);
}
