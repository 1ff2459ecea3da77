//! `ModelResponse::text` reads each published answer shape, and the ids are found.
mod common;

use freddy::responses::{CreateResponse, Message, ModelResponse};
use freddy::Error;
use mockito::Server;
use serde_json::json;

fn create(body: &str) -> Result<ModelResponse, Error> {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "application/json")
        .with_body(body)
        .create();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    common::client(&server.url()).responses().create(&request)
}

#[test]
fn the_documentations_response_array() {
    let body = r#"{"id": "resp_1", "thread_id": "thread_9", "response": [{"text": "Hello"}, {"type": "image"}, {"text": " there"}]}"#;
    let response = create(body).unwrap();
    assert_eq!(response.text(), "Hello there");
    assert_eq!(response.id(), Some("resp_1"));
    assert_eq!(response.thread_id(), Some("thread_9"));
}

#[test]
fn the_legacy_response_string() {
    let response = create(r#"{"response": "Hello!", "threadId": "thread_2"}"#).unwrap();
    assert_eq!(response.text(), "Hello!");
    assert_eq!(response.thread_id(), Some("thread_2"));
    assert_eq!(response.id(), None);
}

#[test]
fn the_output_content_parts() {
    let body = json!({
        "id": "resp_3",
        "status": "completed",
        "output": [
            {"type": "reasoning", "summary": []},
            {"type": "message", "content": [
                {"type": "output_text", "text": "Hel", "annotations": []},
                {"type": "refusal", "refusal": "no"},
                {"type": "output_text", "text": "lo"},
            ]},
            {"type": "message", "content": [{"type": "output_text", "text": "!"}]},
        ],
        "usage": {"synapses": 12},
    });
    let response = create(&body.to_string()).unwrap();
    assert_eq!(response.text(), "Hello!");
    assert_eq!(response.status(), Some("completed"));
    assert_eq!(response.usage(), Some(&json!({"synapses": 12})));
    assert_eq!(response.raw(), &body);
}

#[test]
fn the_first_shape_present_wins() {
    let body =
        r#"{"response": [{"text": "array"}], "output": [{"content": [{"text": "output"}]}]}"#;
    assert_eq!(create(body).unwrap().text(), "array");
    let body = r#"{"response": "legacy", "output": [{"content": [{"text": "output"}]}]}"#;
    assert_eq!(create(body).unwrap().text(), "legacy");
}

#[test]
fn no_known_shape_gives_empty_text_and_keeps_the_raw_answer() {
    let response = create(r#"{"answer": "elsewhere"}"#).unwrap();
    assert_eq!(response.text(), "");
    assert_eq!(response.raw()["answer"], "elsewhere");
}
