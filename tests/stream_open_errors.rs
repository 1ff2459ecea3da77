//! Each way `stream` can fail before the first event fails the call itself.
mod common;
mod raw_server;

use std::sync::mpsc;
use std::time::Duration;

use freddy::responses::{CreateResponse, Message};
use freddy::Error;
use mockito::Server;
use raw_server::RawServer;

fn request() -> CreateResponse {
    CreateResponse::new("gpt-4o", [Message::user("Hello!")])
}

fn stream_against(status: usize, content_type: &str, body: &str) -> Error {
    let mut server = Server::new();
    let mock = server
        .mock("POST", "/v1/model/response")
        .match_header("accept", "text/event-stream")
        .with_status(status)
        .with_header("content-type", content_type)
        .with_body(body)
        .expect(1)
        .create();
    let client = common::builder(&server.url())
        .max_retries(2)
        .build()
        .unwrap();
    let err = client.responses().stream(&request()).unwrap_err();
    mock.assert();
    err
}

const ENVELOPE: &str = r#"{"success": false, "error": {"code": "CODE", "message": "the message"}}"#;

#[test]
fn a_401_is_unauthorized() {
    let err = stream_against(401, "application/json", ENVELOPE);
    let Error::Unauthorized(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.code(), "CODE");
}

#[test]
fn a_403_is_forbidden() {
    let err = stream_against(403, "application/json", ENVELOPE);
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
}

#[test]
fn a_429_is_rate_limited() {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_status(429)
        .with_header("retry-after", "120")
        .with_body(ENVELOPE)
        .create();
    let client = common::builder(&server.url())
        .max_retries(2)
        .build()
        .unwrap();
    let err = client.responses().stream(&request()).unwrap_err();
    let Error::RateLimited(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(120)));
}

#[test]
fn a_500_is_api_and_is_not_repeated() {
    let err = stream_against(500, "text/html", "<h1>Internal error</h1>");
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.status(), api.message()),
        (500, "<h1>Internal error</h1>")
    );
}

#[test]
fn a_json_answer_instead_of_a_stream_is_decode() {
    let err = stream_against(200, "application/json", r#"{"response": "whole"}"#);
    let Error::Decode(why) = &err else {
        panic!("{err:?}")
    };
    assert!(why.to_string().contains("application/json"), "{why}");
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    let (release, held) = mpsc::channel::<()>();
    let server = RawServer::start(move |mut conn| {
        conn.read_request();
        let _ = held.recv();
    });
    let client = common::builder(server.url())
        .stream_idle_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client.responses().stream(&request()).unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    drop(release);
}

#[test]
fn a_refused_connection_is_transport() {
    let client = common::client(&raw_server::refused_url());
    let err = client.responses().stream(&request()).unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.is_connect()),
        "{err:?}"
    );
}
