//! `client.health()` is `GET v1/health/`, trailing slash included.
mod common;

use mockito::Server;

#[test]
fn health_asks_the_path_with_its_trailing_slash() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/health/")
        .with_body(r#"{"status": "healthy", "version": "1.2"}"#)
        .create();
    let health = common::client(&server.url()).health().unwrap();
    assert_eq!(health.status, "healthy");
    assert_eq!(health.extra["version"], "1.2");
    mock.assert();
}

#[test]
fn an_unhealthy_answer_is_an_api_error() {
    let mut server = Server::new();
    server.mock("GET", "/v1/health/").with_status(503).create();
    let err = common::client(&server.url()).health().unwrap_err();
    assert_eq!(err.status(), Some(503));
}
