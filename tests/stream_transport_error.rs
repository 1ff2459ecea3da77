//! A connection that breaks in the middle of a stream is an `Err(Transport)` item, then the end.
mod common;
mod raw_server;

use std::time::Duration;

use freddy::responses::{CreateResponse, Message};
use freddy::Error;
use raw_server::RawServer;

#[test]
fn a_broken_connection_ends_the_stream_with_a_transport_error() {
    let server = RawServer::start(|mut conn| {
        conn.read_request().unwrap();
        conn.start_event_stream();
        conn.chunk(b"data: {\"type\": \"x.delta\", \"delta\": \"Hi\"}\n\n")
            .unwrap();
        conn.chunk(b"data: {\"type\": \"x.delta\", \"del").unwrap();
        conn.abort(); // no terminating chunk: the body is cut short
    });
    let client = common::builder(server.url())
        .stream_idle_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    let items: Vec<_> = client.responses().stream(&request).unwrap().collect();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().text_delta(), Some("Hi"));
    assert!(
        matches!(items[1], Err(Error::Transport(_))),
        "{:?}",
        items[1]
    );
}
