//! A stream's failures hold no key, whatever the server echoes: an `error` event, data that is
//! not JSON, an oversize event, a broken or silent connection, a refused opening.
//!
//! What the server puts into an ordinary event is the caller's data and is returned as sent:
//! only the text the crate builds (errors, `Debug` of its own types) is scrubbed.
mod common;
mod raw_server;

use std::sync::mpsc;
use std::time::Duration;

use freddy::responses::{CreateResponse, Message, StreamEvent};
use freddy::{Error, FreddyClient};
use mockito::{Server, ServerGuard};
use raw_server::RawServer;
use serde_json::json;

fn request() -> CreateResponse {
    CreateResponse::new("gpt-4o", [Message::user("Hello!")])
}

/// Opens a stream on `server` that answers with `body`, the key in its headers too.
fn stream_on(
    server: &mut ServerGuard,
    client: &FreddyClient,
    body: &str,
) -> Vec<Result<StreamEvent, Error>> {
    let key = common::key();
    let mock = server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream")
        .with_header("x-request-id", &key)
        .with_header("x-ratelimit-limit", &key)
        .with_body(body)
        .create();
    let items = client.responses().stream(&request()).unwrap().collect();
    mock.remove();
    items
}

/// Panics unless the stream ended with an error, and no error in it shows the key.
#[track_caller]
fn assert_errors_clean(items: &[Result<StreamEvent, Error>]) -> &Error {
    let errors: Vec<&Error> = items.iter().filter_map(|i| i.as_ref().err()).collect();
    for error in &errors {
        common::assert_no_leak(&common::key(), &common::error_text(*error));
    }
    errors
        .last()
        .copied()
        .unwrap_or_else(|| panic!("no error in {items:?}"))
}

#[test]
fn error_events_that_echo_the_key() {
    let key = common::key();
    let secret = &key[3..];
    let envelope = json!({
        "success": false,
        "error": {"code": key, "message": format!("bad key {key}"), "system_message": key,
                  "type": secret, "status": 401, "details": {key.clone(): [key]},
                  "trace_id": key, "timestamp": key},
    });
    let flat = json!({"type": "error", "code": key, "message": key, "status": 429});
    let bodies = [
        format!("event: error\ndata: {envelope}\n\n"),
        format!("event: response.failed\ndata: {flat}\n\n"),
        format!("event: error\ndata: {flat}\n\n"),
        format!("event: error\ndata: {key}\ndata: {key}\n\n"),
        format!("event: error\ndata: \"{key}\"\n\n"),
        format!("event: error\ndata: {{\"error\": \"{key}\", \"detail\": \"{key}\"}}\n\n"),
        format!("event: error\ndata: {}\n\n", key.repeat(100)),
    ];
    let mut server = Server::new();
    let client = common::client(&server.url());
    for body in bodies {
        let items = stream_on(&mut server, &client, &body);
        let last = assert_errors_clean(&items);
        assert!(matches!(last, Error::Api(_)), "{body}: {last:?}");
    }
}

#[test]
fn data_that_is_not_json_and_quotes_the_key() {
    let key = common::key();
    let bodies = [
        format!("data: {key}\n\n"),
        format!("event: {key}\ndata: {key}\n\n"),
        format!("event: x.delta\ndata: {{\"delta\": \"{key}\n\n"),
        format!("data: {{\"delta\": {key}}}\n\n"),
        format!("data: [\"{key}\"] {key}\n\n"),
        format!("event: {}\ndata: ]\n\n", key.repeat(3)),
    ];
    let mut server = Server::new();
    let client = common::client(&server.url());
    for body in bodies {
        let body = format!("{body}data: {{\"type\": \"x.delta\", \"delta\": \"after\"}}\n\n");
        let items = stream_on(&mut server, &client, &body);
        let error = assert_errors_clean(&items);
        assert!(matches!(error, Error::Decode(_)), "{body}: {error:?}");
        let last = items.last().unwrap().as_ref().unwrap();
        assert_eq!(last.text_delta(), Some("after"), "the stream goes on");
    }
}

#[test]
fn an_oversize_event_made_of_the_key() {
    let key = common::key();
    let bodies = [
        format!("data: {}\n\n", key.repeat(200)),
        format!("event: error\ndata: {}\n\n", key.repeat(200)),
        format!("{}\n\n", key.repeat(200)),
        format!("data: {key}\n").repeat(200),
    ];
    let mut server = Server::new();
    let client = common::builder(&server.url())
        .max_event_bytes(4096)
        .build()
        .unwrap();
    for body in bodies {
        let items = stream_on(&mut server, &client, &body);
        let last = assert_errors_clean(&items);
        assert!(
            matches!(last, Error::ResponseTooLarge { limit: 4096 }),
            "{last:?}"
        );
    }
}

#[test]
fn a_stream_cut_short_in_the_middle_of_an_event_holding_the_key() {
    let key = common::key();
    let partial = format!("data: {{\"type\": \"x.delta\", \"delta\": \"{key}");
    let garbage = format!("{key}\r\n{key}\r\n");
    let cases: [(Vec<u8>, bool); 2] = [(partial.into_bytes(), true), (garbage.into_bytes(), false)];
    for (bytes, as_chunk) in cases {
        let server = RawServer::start(move |mut conn| {
            conn.read_request().unwrap();
            conn.start_event_stream();
            conn.chunk(b"data: {\"type\": \"x.delta\", \"delta\": \"Hi\"}\n\n")
                .unwrap();
            if as_chunk {
                conn.chunk(&bytes).unwrap();
            } else {
                conn.send_raw(&bytes).unwrap(); // not a chunk size
            }
            conn.abort();
        });
        let client = common::builder(server.url())
            .stream_idle_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let items: Vec<_> = client.responses().stream(&request()).unwrap().collect();
        if as_chunk {
            assert_eq!(items[0].as_ref().unwrap().text_delta(), Some("Hi"));
        } // else ureq may read the garbage with the first chunk and fail before yielding it
        let last = assert_errors_clean(&items);
        assert!(matches!(last, Error::Transport(_)), "{last:?}");
    }
}

#[test]
fn a_stream_that_falls_silent_after_echoing_the_key() {
    let key = common::key();
    let (release, held) = mpsc::channel::<()>();
    let server = RawServer::start(move |mut conn| {
        conn.read_request().unwrap();
        conn.start_event_stream();
        conn.chunk(format!(": {key}\ndata: {key}").as_bytes())
            .unwrap();
        let _ = held.recv(); // then silence, until the test is over
    });
    let client = common::builder(server.url())
        .stream_idle_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let items: Vec<_> = client.responses().stream(&request()).unwrap().collect();
    let last = assert_errors_clean(&items);
    assert!(matches!(last, Error::Timeout), "{last:?}");
    drop(release);
}

#[test]
fn a_stream_refused_at_the_start_with_the_key_echoed() {
    let key = common::key();
    let mut server = Server::new();
    let client = common::client(&server.url());
    let answers = [
        (
            401,
            "application/json".to_owned(),
            json!({"error": {"message": key, "trace_id": key}}).to_string(),
        ),
        (500, format!("text/{key}"), key.repeat(3)),
        (200, format!("text/{key}"), format!("data: {key}\n\n")),
        (200, format!("{key}; charset={key}"), key.clone()),
        (302, "text/html".to_owned(), key.clone()),
    ];
    for (status, content_type, body) in answers {
        let mock = server
            .mock("POST", "/v1/model/response")
            .with_status(status)
            .with_header("content-type", &content_type)
            .with_header("location", &format!("http://127.0.0.1:9/{key}"))
            .with_header("x-trace-id", &key)
            .with_body(&body)
            .create();
        let err = client.responses().stream(&request()).unwrap_err();
        common::assert_no_leak(&key, &common::error_text(&err));
        mock.remove();
    }
}

/// The decision this file documents: event data is the caller's, returned as the server sent
/// it; the stream's own `Debug` does not show the headers that echoed the key.
#[test]
fn an_ordinary_event_echoing_the_key_is_returned_as_sent() {
    let key = common::key();
    let mut server = Server::new();
    let client = common::client(&server.url());
    let mock = server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream")
        .with_header("x-request-id", &key)
        .with_body(format!(
            "event: x.delta\ndata: {{\"delta\": \"{key}\"}}\n\n"
        ))
        .create();
    let mut stream = client.responses().stream(&request()).unwrap();
    common::assert_no_leak(&key, &common::debug_text(&stream));
    let event = stream.next().unwrap().unwrap();
    assert_eq!(event.text_delta(), Some(key.as_str()));
    common::assert_no_leak(&key, &common::debug_text(&stream));
    assert!(stream.next().is_none());
    mock.assert();
}
