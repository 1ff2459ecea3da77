//! Dropping a stream early closes its connection; a stream read to its end leaves the
//! connection to be reused. A counting server tells the two apart.
mod common;
mod raw_server;

use std::sync::mpsc;
use std::time::Duration;

use freddy::responses::{CreateResponse, Message};
use raw_server::{Conn, RawServer};

const EVENT: &[u8] = b"data: {\"type\": \"x.delta\", \"delta\": \"Hi\"}\n\n";

fn request() -> CreateResponse {
    CreateResponse::new("gpt-4o", [Message::user("Hello!")])
}

/// Answers health checks on `conn` until the client closes it, reporting each one.
fn serve_health(conn: &mut Conn, seen: &mpsc::Sender<(usize, String)>) {
    while let Some(req) = conn.read_request() {
        seen.send((conn.index, req.path)).unwrap();
        conn.respond(200, "application/json", r#"{"status": "ok"}"#);
    }
}

#[test]
fn a_stream_dropped_early_closes_its_connection() {
    let (seen, requests) = mpsc::channel();
    let (closed_tx, closed) = mpsc::channel();
    let server = RawServer::start(move |mut conn| {
        if conn.index == 0 {
            let req = conn.read_request().unwrap();
            seen.send((conn.index, req.path)).unwrap();
            conn.start_event_stream();
            conn.chunk(EVENT).unwrap();
            conn.chunk(EVENT).unwrap(); // unread when the client drops the stream
            closed_tx.send(conn.closed_by_client()).unwrap();
        } else {
            serve_health(&mut conn, &seen);
        }
    });
    // Longer than the server waits to see the connection closed: draining the body on drop
    // instead of closing would fail the test rather than slip through.
    let client = common::builder(server.url())
        .stream_idle_timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    let mut stream = client.responses().stream(&request()).unwrap();
    assert!(stream.next().unwrap().is_ok());
    drop(stream);
    assert!(
        closed.recv().unwrap(),
        "the half-read connection was not closed"
    );

    client.health().unwrap();
    assert_eq!(
        requests.recv().unwrap(),
        (0, "/v1/model/response".to_owned())
    );
    assert_eq!(requests.recv().unwrap(), (1, "/v1/health/".to_owned()));
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_stream_read_to_its_end_leaves_the_connection_for_reuse() {
    let (seen, requests) = mpsc::channel();
    let server = RawServer::start(move |mut conn| {
        let req = conn.read_request().unwrap();
        seen.send((conn.index, req.path)).unwrap();
        conn.start_event_stream();
        conn.chunk(EVENT).unwrap();
        conn.end_chunks();
        serve_health(&mut conn, &seen);
    });
    let client = common::client(server.url());

    let text = client
        .responses()
        .stream(&request())
        .unwrap()
        .into_text()
        .unwrap();
    assert_eq!(text, "Hi");
    client.health().unwrap();
    assert_eq!(
        requests.recv().unwrap(),
        (0, "/v1/model/response".to_owned())
    );
    assert_eq!(
        requests.recv().unwrap(),
        (0, "/v1/health/".to_owned()),
        "the same connection"
    );
    assert_eq!(server.connections(), 1);
}
