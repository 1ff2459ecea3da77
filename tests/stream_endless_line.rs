//! A line that never ends is refused at `max_event_bytes`, with memory bounded by the cap.
//!
//! A counting allocator measures the most memory live at once while the stream is read; the
//! server would send 64 MiB on one line.
mod common;
mod raw_server;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use freddy::responses::{CreateResponse, Message};
use freddy::Error;
use raw_server::RawServer;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(live, Ordering::SeqCst);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CAP: usize = 256 * 1024;
const SENT_AT_MOST: usize = 64 * 1024 * 1024;

#[test]
fn an_endless_line_is_refused_without_buffering_it() {
    let server = RawServer::start(|mut conn| {
        conn.read_request().unwrap();
        conn.start_event_stream();
        let piece = vec![b'x'; 16 * 1024];
        let _ = conn.chunk(b"data: ");
        let mut sent = 0;
        // Stops when the client hangs up (the write fails) or after 64 MiB.
        while sent < SENT_AT_MOST && conn.chunk(&piece).is_ok() {
            sent += piece.len();
        }
    });
    let client = common::builder(server.url())
        .max_event_bytes(CAP)
        .stream_idle_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);

    let mut stream = client.responses().stream(&request).unwrap();
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let first = stream.next();
    let peak = PEAK.load(Ordering::SeqCst) - before;

    assert!(
        matches!(first, Some(Err(Error::ResponseTooLarge { limit })) if limit == CAP as u64),
        "{first:?}"
    );
    assert!(stream.next().is_none(), "the stream ends after the refusal");
    // The line buffer (at most the cap) plus the read buffer and ureq's own; far from 64 MiB.
    assert!(
        peak < CAP + 512 * 1024,
        "peak {peak} bytes for a cap of {CAP}"
    );
}
