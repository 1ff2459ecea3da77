//! The SSE parser's throughput over a large recorded stream, against a bare split of the same
//! bytes into lines (the least any line-based parser must do).
//!
//! `cargo bench --bench sse`: divan's table (events/s and MB/s), then the parser / split ratio.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};

#[path = "support/server.rs"]
mod server;

/// Events in the recorded stream (about 26 MB).
const EVENTS: usize = 200_000;
/// What a `ResponseStream` reads from the connection at a time.
const READ_SIZE: usize = 8 * 1024;
/// Runs of each in the summary; the fastest counts.
const RUNS: usize = 15;

fn stream() -> &'static [u8] {
    static STREAM: OnceLock<Vec<u8>> = OnceLock::new();
    STREAM.get_or_init(|| server::recorded_stream(EVENTS))
}

/// The parser, fed in reads as a `ResponseStream` feeds it.
fn parse(bytes: &[u8]) -> usize {
    freddy::__bench::decode_sse(bytes, READ_SIZE).0
}

/// The baseline: split into lines at LF and touch each line.
fn split_lines(bytes: &[u8]) -> usize {
    bytes
        .split(|&b| b == b'\n')
        .map(|line| black_box(line).len())
        .filter(|&len| len == 0)
        .count()
}

#[divan::bench]
fn sse_parser(bencher: Bencher) {
    let bytes = stream();
    bencher
        .counter(BytesCount::new(bytes.len()))
        .counter(ItemsCount::new(EVENTS + 1))
        .bench(|| parse(black_box(bytes)));
}

#[divan::bench]
fn line_split(bencher: Bencher) {
    let bytes = stream();
    bencher
        .counter(BytesCount::new(bytes.len()))
        .counter(ItemsCount::new(EVENTS + 1))
        .bench(|| split_lines(black_box(bytes)));
}

fn main() {
    let bytes = stream();
    assert_eq!(parse(bytes), EVENTS + 1, "the parser sees every event");
    divan::main();
    if std::env::args().any(|a| a == "--bench") {
        // Alternating runs, so that load from elsewhere on the machine hits both alike.
        let (mut parser, mut split) = (Duration::MAX, Duration::MAX);
        for _ in 0..RUNS {
            parser = parser.min(timed(|| parse(black_box(bytes))));
            split = split.min(timed(|| split_lines(black_box(bytes))));
        }
        let mb = bytes.len() as f64 / 1e6;
        println!(
            "\nsummary ({mb:.1} MB, {} events, best of {RUNS})\nparser: {:.0} MB/s, {:.2} M events/s\n\
             line split: {:.0} MB/s\nparser / line split throughput: {:.2}",
            EVENTS + 1,
            mb / parser.as_secs_f64(),
            (EVENTS + 1) as f64 / parser.as_secs_f64() / 1e6,
            mb / split.as_secs_f64(),
            split.as_secs_f64() / parser.as_secs_f64(),
        );
    }
}

fn timed(f: impl FnOnce() -> usize) -> Duration {
    let start = Instant::now();
    black_box(f());
    start.elapsed()
}
