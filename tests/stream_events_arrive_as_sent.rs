//! Each event is yielded as soon as its blank line arrives, before the server writes the rest.
mod common;
mod raw_server;

use std::sync::mpsc;
use std::time::Duration;

use freddy::responses::{CreateResponse, Message};
use raw_server::RawServer;

#[test]
fn the_first_event_is_seen_before_the_server_writes_the_second() {
    let (go, wait_for_go) = mpsc::channel::<()>();
    let (wrote_rest, rest_written) = mpsc::channel::<()>();
    let server = RawServer::start(move |mut conn| {
        conn.read_request().unwrap();
        conn.start_event_stream();
        conn.chunk(b"event: response.output_text.delta\ndata: {\"delta\": \"Hel\"}\n\n")
            .unwrap();
        // Nothing more until the test has seen the first event.
        if wait_for_go.recv().is_err() {
            return;
        }
        conn.chunk(b"event: response.output_text.delta\ndata: {\"delta\": \"lo\"}\n\n")
            .unwrap();
        conn.chunk(b"data: [DONE]\n\n").unwrap();
        conn.end_chunks();
        wrote_rest.send(()).unwrap();
    });
    let client = common::builder(server.url())
        .stream_idle_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    let mut stream = client.responses().stream(&request).unwrap();

    let first = stream.next().unwrap().unwrap();
    assert_eq!(first.text_delta(), Some("Hel"));
    assert!(
        rest_written.try_recv().is_err(),
        "the rest was written before the first event was seen"
    );

    go.send(()).unwrap();
    let second = stream.next().unwrap().unwrap();
    assert_eq!(second.text_delta(), Some("lo"));
    assert!(stream.next().is_none());
    assert!(stream.next().is_none(), "the stream stays ended");
}
