//! A stream ends at `[DONE]` or at the end of the body; an unfinished last event is dropped.
mod common;

use freddy::responses::{CreateResponse, Message};
use mockito::Server;

fn stream_of(body: &str) -> freddy::responses::ResponseStream {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream")
        .with_body(body)
        .create();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    let client = common::client(&server.url());
    // The mock server may go once the answer is on its way: the body is already sent.
    client.responses().stream(&request).unwrap()
}

#[test]
fn the_end_of_the_body_ends_the_stream() {
    let body = "data: {\"type\": \"x.delta\", \"delta\": \"one\"}\n\n\
                data: {\"type\": \"x.delta\", \"delta\": \"two\"}\n\n";
    assert_eq!(stream_of(body).into_text().unwrap(), "onetwo");
}

#[test]
fn an_unfinished_last_event_is_dropped() {
    let body = "data: {\"type\": \"x.delta\", \"delta\": \"one\"}\n\n\
                data: {\"type\": \"x.delta\", \"delta\": \"lost\"}\n";
    let events: Vec<_> = stream_of(body).collect();
    assert_eq!(events.len(), 1, "{events:?}");
}

#[test]
fn done_ends_the_stream_even_if_more_follows() {
    let body = "data: {\"type\": \"x.delta\", \"delta\": \"one\"}\n\n\
                data: [DONE]\n\n\
                data: {\"type\": \"x.delta\", \"delta\": \"after\"}\n\n";
    assert_eq!(stream_of(body).into_text().unwrap(), "one");
}

#[test]
fn an_empty_body_is_an_empty_stream() {
    assert_eq!(stream_of("").count(), 0);
}
