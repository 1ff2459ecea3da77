//! LF, CRLF and CR line ends, multi-line data, comments, names, ids: the WHATWG rules.
mod common;

use freddy::responses::{CreateResponse, Message, StreamEvent};
use mockito::Server;
use serde_json::json;

fn stream_items(body: &str) -> Vec<Result<StreamEvent, freddy::Error>> {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_body(body)
        .create();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    common::client(&server.url())
        .responses()
        .stream(&request)
        .unwrap()
        .collect()
}

fn events(body: &str) -> Vec<StreamEvent> {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream; charset=utf-8")
        .with_body(body)
        .create();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    let stream = common::client(&server.url())
        .responses()
        .stream(&request)
        .unwrap();
    stream.collect::<Result<_, _>>().unwrap()
}

const STREAM: &str = ": a comment, ignored\n\
id: 1\n\
event: response.created\n\
data: {\"type\": \"response.created\",\n\
data:  \"id\": \"resp_1\"}\n\
\n\
data: {\"type\": \"response.output_text.delta\", \"delta\": \"Hi\"}\n\
\n";

fn check(events: &[StreamEvent]) {
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].event(), "response.created");
    assert_eq!(
        events[0].data(),
        &json!({"type": "response.created", "id": "resp_1"})
    );
    assert_eq!(events[0].id(), Some("1"));
    assert_eq!(events[1].event(), "message", "the default name");
    assert_eq!(events[1].id(), Some("1"), "the last event id carries over");
    assert_eq!(events[1].text_delta(), Some("Hi"));
}

#[test]
fn lf_line_ends() {
    check(&events(STREAM));
}

#[test]
fn crlf_line_ends() {
    check(&events(&STREAM.replace('\n', "\r\n")));
}

#[test]
fn cr_line_ends() {
    check(&events(&STREAM.replace('\n', "\r")));
}

#[test]
fn multi_line_data_is_joined_with_newlines() {
    let body = "event: note\ndata: [\"line one\",\ndata: \"line two\"]\n\n";
    assert_eq!(events(body)[0].data(), &json!(["line one", "line two"]));
    let body = "data: \"a\ndata: b\"\n\n"; // the newline lands inside a JSON string
    assert!(matches!(
        stream_items(body)[0],
        Err(freddy::Error::Decode(_))
    ));
}
