//! Allocations per call against raw ureq, and memory while streaming 100 MB, counted by a
//! global allocator that wraps the system's.
//!
//! `cargo bench --bench memory`. Without `--bench` (as `cargo test --benches` runs it) the
//! figures are taken on fewer calls and a 4 MB stream.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[path = "support/calls.rs"]
mod calls;
#[path = "support/server.rs"]
mod server;

use server::{Server, StreamReply};

/// Counts this thread's allocations (the server's threads have their own counts) and the
/// process's live and peak bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
    // `try_with`: a thread being torn down has no counter left, and must still allocate.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is passed to `System` unchanged; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

/// Allocations of this thread per call of `call`, after a warm-up that opens the connection.
fn per_call(calls: u64, mut call: impl FnMut()) -> f64 {
    for _ in 0..10 {
        call();
    }
    let before = allocations();
    for _ in 0..calls {
        call();
    }
    (allocations() - before) as f64 / calls as f64
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (calls, stream_mb) = if full { (10_000, 100) } else { (100, 4) };

    let server = Server::start(StreamReply {
        bytes: stream_mb * 1_000_000,
    });
    let base = server.url();
    let client = calls::client(&base);
    let agent = calls::agent();
    let get_url = format!("{base}/v1/models");
    let post_url = format!("{base}/v1/model/response");
    let request = calls::create_request();
    let raw_request = calls::raw_request();

    println!("allocations per call (this thread, mean of {calls} calls)");
    let freddy = per_call(calls, || {
        black_box(calls::freddy_get(&client));
    });
    let raw = per_call(calls, || {
        black_box(calls::raw_get(&agent, &get_url));
    });
    println!("authenticated_get: freddy {freddy:.1}, raw ureq {raw:.1}");
    let freddy = per_call(calls, || {
        black_box(calls::freddy_create(&client, &request));
    });
    let raw = per_call(calls, || {
        black_box(calls::raw_create(&agent, &post_url, &raw_request));
    });
    println!("responses().create: freddy {freddy:.1}, raw ureq {raw:.1}");

    stream(&client, stream_mb);
}

/// Streams `mb` MB of delta events through `responses().stream` and reports the live heap at
/// every tenth of the way: it must stay flat, whatever the stream's length.
fn stream(client: &freddy::FreddyClient, mb: usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let events = client
        .responses()
        .stream(&calls::create_request())
        .expect("open the stream");
    let expected = mb * 1_000_000 / server::SSE_EVENT.len();
    let mut checkpoints = Vec::new();
    let mut text = 0usize;
    for (n, event) in events.enumerate() {
        let event = event.expect("a delta event");
        text += event.text_delta().map_or(0, str::len);
        if (n + 1) % (expected / 10).max(1) == 0 {
            checkpoints.push(LIVE.load(Ordering::Relaxed).saturating_sub(before));
        }
    }
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    println!(
        "\nstreaming {mb} MB ({expected} events, {text} bytes of text) through responses().stream: \
         {:.0} MB/s, {:.2} M events/s",
        mb as f64 / elapsed.as_secs_f64(),
        expected as f64 / elapsed.as_secs_f64() / 1e6
    );
    println!(
        "live heap above the start at each tenth (KiB): {:?}",
        checkpoints.iter().map(|b| b / 1024).collect::<Vec<_>>()
    );
    println!(
        "peak heap above the start: {} KiB; max RSS: {}",
        peak / 1024,
        max_rss().unwrap_or_else(|| "unknown".to_owned())
    );
    assert!(
        peak < 4 * 1024 * 1024,
        "streaming should hold a bounded amount of memory, held {peak} bytes"
    );
}

/// `VmHWM` from `/proc/self/status` (Linux only).
fn max_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line["VmHWM:".len()..].trim().to_owned())
}
