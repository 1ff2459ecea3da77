//! While streaming, an idle timeout between reads replaces the total timeout.
mod common;
mod raw_server;

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use freddy::responses::{CreateResponse, Message};
use freddy::Error;
use raw_server::RawServer;

const EVENT: &[u8] = b"data: {\"type\": \"x.delta\", \"delta\": \"tick \"}\n\n";

fn request() -> CreateResponse {
    CreateResponse::new("gpt-4o", [Message::user("Hello!")])
}

#[test]
fn a_silent_server_ends_the_stream_with_a_timeout() {
    let (release, held) = mpsc::channel::<()>();
    let server = RawServer::start(move |mut conn| {
        conn.read_request().unwrap();
        conn.start_event_stream();
        conn.chunk(EVENT).unwrap();
        let _ = held.recv(); // then silence, until the test is over
    });
    let idle = Duration::from_millis(300);
    let client = common::builder(server.url())
        .stream_idle_timeout(idle)
        .build()
        .unwrap();
    let mut stream = client.responses().stream(&request()).unwrap();
    assert!(stream.next().unwrap().is_ok());

    let started = Instant::now();
    let item = stream.next();
    let waited = started.elapsed();
    assert!(matches!(item, Some(Err(Error::Timeout))), "{item:?}");
    assert!(
        waited >= idle - Duration::from_millis(50),
        "fired after {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "fired after {waited:?}");
    assert!(stream.next().is_none(), "the stream ends after the timeout");
    drop(release);
}

#[test]
fn a_stream_may_outlast_the_total_timeout() {
    let server = RawServer::start(|mut conn| {
        conn.read_request().unwrap();
        conn.start_event_stream();
        for _ in 0..4 {
            conn.chunk(EVENT).unwrap();
            // A slow model: the whole answer takes longer than the client's total timeout.
            thread::sleep(Duration::from_millis(150));
        }
        conn.end_chunks();
    });
    let client = common::builder(server.url())
        .timeout(Duration::from_millis(400))
        .stream_idle_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let text = client
        .responses()
        .stream(&request())
        .unwrap()
        .into_text()
        .unwrap();
    assert_eq!(text, "tick tick tick tick ");
    assert!(
        started.elapsed() > Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}
