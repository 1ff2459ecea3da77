//! An event whose data is not JSON is an `Err(Decode)` item, and the stream goes on.
mod common;

use freddy::responses::{CreateResponse, Message};
use freddy::Error;
use mockito::Server;

#[test]
fn a_broken_event_is_reported_and_the_next_one_still_arrives() {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream")
        .with_body(
            "event: response.output_text.delta\ndata: {\"delta\": \"a\"}\n\n\
             event: response.output_text.delta\ndata: {\"delta\": \"b\n\n\
             event: ping\ndata:\n\n\
             event: response.output_text.delta\ndata: {\"delta\": \"c\"}\n\n",
        )
        .create();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    let client = common::client(&server.url());
    let items: Vec<_> = client.responses().stream(&request).unwrap().collect();
    assert_eq!(items.len(), 4, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().text_delta(), Some("a"));
    let Err(Error::Decode(why)) = &items[1] else {
        panic!("{:?}", items[1])
    };
    assert!(
        why.to_string().contains("response.output_text.delta"),
        "{why}"
    );
    assert!(
        !why.to_string().contains("\"b"),
        "the data is not quoted: {why}"
    );
    assert!(
        items[2].as_ref().unwrap().data().is_null(),
        "empty data is null"
    );
    assert_eq!(items[3].as_ref().unwrap().text_delta(), Some("c"));
}

#[test]
fn into_text_stops_at_the_broken_event() {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response")
        .with_body("data: {\"type\": \"x.delta\", \"delta\": \"a\"}\n\ndata: nope\n\n")
        .create();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    let client = common::client(&server.url());
    let err = client
        .responses()
        .stream(&request)
        .unwrap()
        .into_text()
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}
