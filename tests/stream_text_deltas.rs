//! `text_delta` recognises `*.delta` events by name or data `type`; `into_text` joins them.
mod common;

use freddy::responses::{CreateResponse, Message, StreamEvent};
use mockito::Server;

const BODY: &str = "event: response.created\ndata: {\"id\": \"resp_1\"}\n\n\
event: response.output_text.delta\ndata: {\"delta\": \"By \"}\n\n\
data: {\"type\": \"response.output_text.delta\", \"delta\": \"type, \"}\n\n\
event: thread.message.delta\ndata: {\"delta\": {\"content\": \"not a string\"}}\n\n\
event: response.delta.done\ndata: {\"delta\": \"not a delta event\"}\n\n\
data: {\"delta\": \"no delta type\"}\n\n\
event: response.reasoning.delta\ndata: {\"delta\": \"then name.\"}\n\n\
event: response.completed\ndata: {\"type\": \"response.completed\", \"response\": {\"id\": \"resp_1\"}}\n\n";

fn stream() -> freddy::responses::ResponseStream {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream")
        .with_body(BODY)
        .create();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    common::client(&server.url())
        .responses()
        .stream(&request)
        .unwrap()
}

#[test]
fn only_string_deltas_of_delta_events_count() {
    let events: Vec<StreamEvent> = stream().collect::<Result<_, _>>().unwrap();
    let deltas: Vec<_> = events.iter().map(StreamEvent::text_delta).collect();
    assert_eq!(
        deltas,
        [
            None,
            Some("By "),
            Some("type, "),
            None,
            None,
            None,
            Some("then name."),
            None
        ]
    );
    assert_eq!(events[2].data_type(), Some("response.output_text.delta"));
    assert_eq!(events[7].data()["response"]["id"], "resp_1", "raw access");
}

#[test]
fn into_text_joins_the_deltas() {
    assert_eq!(stream().into_text().unwrap(), "By type, then name.");
}
