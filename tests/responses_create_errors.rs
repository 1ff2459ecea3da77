//! Each way `create` can fail comes back as its own `Error` branch.
mod common;
mod raw_server;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use freddy::responses::{CreateResponse, Message};
use freddy::Error;
use mockito::Server;
use raw_server::RawServer;

fn request() -> CreateResponse {
    CreateResponse::new("gpt-4o", [Message::user("Hello!")]).organization_id("org_your_org_id")
}

fn create_against(status: usize, body: &str) -> Error {
    let mut server = Server::new();
    let mock = server
        .mock("POST", "/v1/model/response")
        .with_status(status)
        .with_body(body)
        .expect(1)
        .create();
    // Retries allowed: a POST must still not be repeated after a 500.
    let client = common::builder(&server.url())
        .max_retries(2)
        .build()
        .unwrap();
    let err = client.responses().create(&request()).unwrap_err();
    mock.assert();
    err
}

const ENVELOPE: &str = r#"{"success": false, "error": {"code": "CODE", "message": "the message", "trace_id": "trace-1"}}"#;

#[test]
fn a_401_is_unauthorized() {
    let err = create_against(401, ENVELOPE);
    let Error::Unauthorized(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((api.code(), api.trace_id()), ("CODE", Some("trace-1")));
}

#[test]
fn a_403_is_forbidden() {
    assert!(matches!(create_against(403, ENVELOPE), Error::Forbidden(_)));
}

#[test]
fn a_429_is_rate_limited_with_the_wait() {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_status(429)
        .with_header("retry-after", "90") // over the 60 s the client sleeps by itself
        .with_body(ENVELOPE)
        .create();
    let client = common::builder(&server.url())
        .max_retries(2)
        .build()
        .unwrap();
    let err = client.responses().create(&request()).unwrap_err();
    let Error::RateLimited(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(90)));
}

#[test]
fn a_500_is_api_and_the_post_is_not_repeated() {
    let err = create_against(500, ENVELOPE);
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status(), 500);
}

#[test]
fn a_body_that_is_not_json_is_decode() {
    let err = create_against(200, "<html>oops</html>");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[test]
fn json_that_is_not_an_object_is_decode() {
    let err = create_against(200, r#"["a", "b"]"#);
    let Error::Decode(why) = &err else {
        panic!("{err:?}")
    };
    assert!(why.to_string().contains("not a JSON object"), "{why}");
}

#[test]
fn a_body_over_the_limit_is_response_too_large() {
    let mut server = Server::new();
    let big = format!(r#"{{"response": "{}"}}"#, "x".repeat(4096));
    server
        .mock("POST", "/v1/model/response")
        .with_body(big)
        .create();
    let client = common::builder(&server.url())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = client.responses().create(&request()).unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1024 }),
        "{err:?}"
    );
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    let (release, held) = mpsc::channel::<()>();
    let server = RawServer::start(move |mut conn| {
        conn.read_request();
        let _ = held.recv(); // hold the connection open without answering
    });
    let client = common::builder(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.responses().create(&request()).unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    drop(release);
}

#[test]
fn a_refused_connection_is_transport() {
    let client = common::client(&raw_server::refused_url());
    let err = client.responses().create(&request()).unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert!(t.is_connect());
}
