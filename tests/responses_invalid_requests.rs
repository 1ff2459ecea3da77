//! Requests the API documents as invalid are refused before anything is sent.
mod common;

use freddy::responses::{CreateResponse, Message, Role};
use freddy::Error;
use mockito::{Matcher, Server};

fn base() -> CreateResponse {
    CreateResponse::new("gpt-4o", [Message::user("Hello!")])
}

fn refused() -> Vec<(&'static str, CreateResponse)> {
    vec![
        (
            "edit_message_id needs thread_id",
            base().edit_message_id("msg_1"),
        ),
        (
            "previous_message_id needs thread_id",
            base().previous_message_id("msg_1"),
        ),
        (
            "exclude each other",
            base()
                .thread_id("thread_1")
                .edit_message_id("msg_1")
                .previous_message_id("msg_2"),
        ),
        (
            "exclude each other",
            base()
                .thread_id("thread_1")
                .edit_message_id("msg_1")
                .previous_response_id("resp_1"),
        ),
        (
            "exclude each other",
            base()
                .thread_id("thread_1")
                .previous_message_id("msg_1")
                .previous_response_id("resp_1"),
        ),
        (
            "temperature must be a finite number",
            base().temperature(f64::NAN),
        ),
        ("top_p must be a finite number", base().top_p(f64::INFINITY)),
        ("`model` repeats a field", base().extra("model", "other")),
        ("`stream` repeats a field", base().extra("stream", true)),
        (
            "`thread_id` repeats a field",
            base().thread_id("thread_1").extra("thread_id", "t2"),
        ),
        (
            "needs a tool_call_id",
            CreateResponse::new("gpt-4o", [Message::new(Role::Tool, "42")]),
        ),
        (
            "inputs[1]: the extra field `content`",
            CreateResponse::new(
                "gpt-4o",
                [Message::user("a"), Message::user("b").extra("content", "c")],
            ),
        ),
    ]
}

#[test]
fn create_refuses_before_sending() {
    let mut server = Server::new();
    let mock = server.mock("POST", Matcher::Any).expect(0).create();
    let client = common::client(&server.url());
    for (why, request) in refused() {
        match client.responses().create(&request) {
            Err(Error::InvalidRequest(message)) => assert!(message.contains(why), "{message}"),
            other => panic!("{why}: expected InvalidRequest, got {other:?}"),
        }
    }
    mock.assert();
}

#[test]
fn stream_refuses_before_sending() {
    let mut server = Server::new();
    let mock = server.mock("POST", Matcher::Any).expect(0).create();
    let client = common::client(&server.url());
    for (why, request) in refused() {
        match client.responses().stream(&request) {
            Err(Error::InvalidRequest(message)) => assert!(message.contains(why), "{message}"),
            other => panic!("{why}: expected InvalidRequest, got {other:?}"),
        }
    }
    mock.assert();
}

#[test]
fn the_valid_neighbours_are_sent() {
    let mut server = Server::new();
    let mock = server
        .mock("POST", "/v1/model/response")
        .with_body("{}")
        .expect(4)
        .create();
    let client = common::client(&server.url());
    for request in [
        base().previous_response_id("resp_1"),
        base().thread_id("thread_1").edit_message_id("msg_1"),
        base().thread_id("thread_1").previous_message_id("msg_1"),
        base().extra("response_format", "json"),
    ] {
        client.responses().create(&request).unwrap();
    }
    mock.assert();
}
