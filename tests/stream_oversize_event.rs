//! An event over `max_event_bytes` is refused even when each of its lines is short.
mod common;

use freddy::responses::{CreateResponse, Message};
use freddy::Error;
use mockito::Server;

#[test]
fn many_short_data_lines_past_the_cap_end_the_stream() {
    let mut server = Server::new();
    let line = format!("data: {}\n", "y".repeat(100));
    let body = format!(
        "data: {{\"type\": \"x.delta\", \"delta\": \"ok\"}}\n\n{}\n\
         data: {{\"type\": \"x.delta\", \"delta\": \"never\"}}\n\n",
        line.repeat(50)
    );
    server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream")
        .with_body(body)
        .create();
    let client = common::builder(&server.url())
        .max_event_bytes(1024)
        .build()
        .unwrap();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    let items: Vec<_> = client.responses().stream(&request).unwrap().collect();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().text_delta(), Some("ok"));
    assert!(
        matches!(items[1], Err(Error::ResponseTooLarge { limit: 1024 })),
        "{:?}",
        items[1]
    );
}

#[test]
fn max_response_bytes_does_not_cap_a_stream() {
    let mut server = Server::new();
    let event = "data: {\"type\": \"x.delta\", \"delta\": \"0123456789\"}\n\n";
    server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream")
        .with_body(event.repeat(100))
        .create();
    let client = common::builder(&server.url())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    let text = client
        .responses()
        .stream(&request)
        .unwrap()
        .into_text()
        .unwrap();
    assert_eq!(text.len(), 1000);
}
