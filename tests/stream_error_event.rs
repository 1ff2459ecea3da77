//! An `error` event, or data with `"type": "error"`, is an `Err(Api)` item and ends the stream.
mod common;

use freddy::responses::{CreateResponse, Message, StreamEvent};
use freddy::Error;
use mockito::Server;

fn items(body: &str) -> Vec<Result<StreamEvent, Error>> {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream")
        .with_header("x-request-id", "req-42")
        .with_body(body)
        .create();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    let client = common::client(&server.url());
    client.responses().stream(&request).unwrap().collect()
}

const AFTER: &str = "data: {\"type\": \"x.delta\", \"delta\": \"never seen\"}\n\n";

#[test]
fn an_event_named_error_ends_the_stream_with_the_envelope() {
    let body = format!(
        "data: {{\"type\": \"x.delta\", \"delta\": \"Hi\"}}\n\n\
         event: error\ndata: {{\"success\": false, \"error\": {{\"code\": \"MODEL_OVERLOADED\", \
         \"message\": \"Try again later.\", \"status\": 503, \"trace_id\": \"t-1\"}}}}\n\n{AFTER}"
    );
    let items = items(&body);
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok());
    let Err(Error::Api(api)) = &items[1] else {
        panic!("{:?}", items[1])
    };
    assert_eq!(api.code(), "MODEL_OVERLOADED");
    assert_eq!(api.message(), "Try again later.");
    assert_eq!(api.status(), 503, "the status the data declares");
    assert_eq!(api.trace_id(), Some("t-1"));
}

#[test]
fn data_of_type_error_ends_the_stream() {
    let body = format!(
        "event: response.failed\ndata: {{\"type\": \"error\", \"code\": \"context_length\", \
         \"message\": \"Too long.\"}}\n\n{AFTER}"
    );
    let items = items(&body);
    assert_eq!(items.len(), 1, "{items:?}");
    let Err(Error::Api(api)) = &items[0] else {
        panic!("{:?}", items[0])
    };
    assert_eq!((api.code(), api.message()), ("context_length", "Too long."));
    assert_eq!(api.status(), 200, "no status declared: the response's own");
    assert_eq!(api.trace_id(), Some("req-42"), "from the response headers");
}

#[test]
fn an_error_event_with_plain_text_data_still_ends_the_stream() {
    let items = items(&format!(
        "event: error\ndata: upstream timed out\n\n{AFTER}"
    ));
    assert_eq!(items.len(), 1, "{items:?}");
    let Err(Error::Api(api)) = &items[0] else {
        panic!("{:?}", items[0])
    };
    assert_eq!(
        (api.code(), api.message()),
        ("STREAM_ERROR", "upstream timed out")
    );
}

#[test]
fn an_error_echoing_the_key_is_scrubbed() {
    let key = common::key();
    let body = format!("event: error\ndata: {{\"message\": \"bad key {key}\"}}\n\n");
    let items = items(&body);
    let Err(err) = &items[0] else {
        panic!("{:?}", items[0])
    };
    let text = format!("{err} {err:?}");
    assert!(common::leaked_windows(&key, &text).is_empty(), "{text}");
}
