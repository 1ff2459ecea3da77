//! Nothing a server sends can hurt the caller: every malformed, hostile or endless answer ends
//! in a typed `Error`, within the timeout, without a panic and with bounded memory.
//!
//! Each case runs its own one-shot `TcpListener` server on another thread, which reads the
//! request head and then misbehaves in one particular way.
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use freddy::Error;
use serde_json::Value;

/// Long enough for a loopback exchange on a loaded CI machine, short enough to keep the suite
/// fast; every case but the trickle must end well before it.
const TIMEOUT: Duration = Duration::from_secs(3);
const LIMIT: u64 = 1024 * 1024;
/// What the 50 MB cases offer to send.
const HUGE: u64 = 50 * 1000 * 1000;

/// Counts the heap bytes live on each thread, and their peak, to show that an oversized body is
/// refused without being held in memory. Per thread, so parallel tests do not disturb it; the
/// client does all its reading on the calling thread. `realloc` keeps its default (alloc, copy,
/// dealloc), so a growing buffer counts twice while it is copied, as it does in memory.
struct PeakTracker;

#[global_allocator]
static ALLOCATOR: PeakTracker = PeakTracker;

thread_local! {
    // Const-initialised and without a destructor: touching them never allocates.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded to `System` unchanged; the bookkeeping never allocates.
unsafe impl GlobalAlloc for PeakTracker {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// The most heap this thread held at once while `f` ran, above what it held before.
fn peak_heap_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    let result = f();
    (result, (PEAK.with(Cell::get) - start).max(0) as usize)
}

/// A server for one connection that runs `answer` on it and hands back what `answer` returns.
fn serve<R: Send + 'static>(
    answer: impl FnOnce(TcpStream) -> R + Send + 'static,
) -> (String, thread::JoinHandle<R>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let server = thread::spawn(move || answer(listener.accept().expect("a connection").0));
    (url, server)
}

/// Reads the request head, so that what follows is an answer to a request.
fn read_head(stream: &TcpStream) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
        line.clear();
    }
}

/// Writes `bytes` and closes, ignoring a client that has already hung up.
fn answer_with(bytes: &'static [u8]) -> impl FnOnce(TcpStream) + Send + 'static {
    move |mut stream| {
        read_head(&stream);
        let _ = stream.write_all(bytes);
    }
}

/// Writes a JSON array of about `total` bytes in 64 KiB pieces until done or the client hangs
/// up, and returns how many bytes were accepted.
fn write_huge_array(stream: &mut TcpStream, total: u64, chunked: bool) -> u64 {
    let piece = [b"0,".as_slice(); 32 * 1024].concat();
    let mut send = |bytes: &[u8]| {
        if chunked {
            write!(stream, "{:x}\r\n", bytes.len())?;
            stream.write_all(bytes)?;
            stream.write_all(b"\r\n")
        } else {
            stream.write_all(bytes)
        }
    };
    let mut sent = 0;
    let mut next: &[u8] = b"[";
    while sent < total && send(next).is_ok() {
        sent += next.len() as u64;
        next = &piece;
    }
    sent
}

/// GETs `models` from `url` with the cases' timeout and limit, and returns the error and how
/// long it took to come back.
fn call(url: &str) -> (Error, Duration) {
    call_with_timeout(url, TIMEOUT)
}

fn call_with_timeout(url: &str, timeout: Duration) -> (Error, Duration) {
    let client = common::builder(url)
        .timeout(timeout)
        .max_response_bytes(LIMIT)
        .build()
        .expect("a valid client");
    let started = Instant::now();
    let result = client.get::<Value>("models");
    let elapsed = started.elapsed();
    match result {
        Ok(value) => panic!("a hostile answer was accepted: {value}"),
        Err(error) => (error, elapsed),
    }
}

/// The body buffer doubles on its way to the limit, and growing copies, so up to three times
/// the limit is held at once (1 MiB, then 2 MiB), plus ureq's two 128 KiB connection buffers:
/// bounded by the limit, never by what the server sends.
fn assert_bounded(peak: usize) {
    assert!(peak < 4 * LIMIT as usize, "held {peak} bytes at once");
}

fn assert_quick(elapsed: Duration) {
    assert!(
        elapsed < TIMEOUT,
        "took {elapsed:?}, the timeout is {TIMEOUT:?}"
    );
}

#[test]
fn a_garbage_status_line_is_a_protocol_error() {
    let (url, server) = serve(answer_with(b"HELLO THERE\r\n\r\n"));
    let (error, elapsed) = call(&url);
    assert!(
        matches!(&error, Error::Transport(t) if !t.is_transient() && !t.is_connect()),
        "{error:?}"
    );
    assert!(error.to_string().contains("not valid HTTP"), "{error}");
    assert_quick(elapsed);
    server.join().expect("the server ends");
}

#[test]
fn headers_over_64_kib_are_a_protocol_error() {
    let (url, server) = serve(|mut stream| {
        read_head(&stream);
        let big = "a".repeat(70 * 1024);
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nx-big: {big}\r\ncontent-length: 2\r\n\r\n{{}}"
        );
    });
    let (error, elapsed) = call(&url);
    assert!(
        matches!(&error, Error::Transport(t) if !t.is_transient()),
        "{error:?}"
    );
    assert!(error.to_string().contains("not valid HTTP"), "{error}");
    assert_quick(elapsed);
    server.join().expect("the server ends");
}

#[test]
fn a_bad_chunk_size_is_a_transport_error() {
    let (url, server) = serve(answer_with(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    ));
    let (error, elapsed) = call(&url);
    assert!(
        matches!(&error, Error::Transport(t) if !t.is_transient()),
        "{error:?}"
    );
    assert!(error.to_string().contains("not valid HTTP"), "{error}");
    assert_quick(elapsed);
    server.join().expect("the server ends");
}

#[test]
fn a_body_shorter_than_its_content_length_is_a_transport_error() {
    let (url, server) = serve(answer_with(
        b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"models\": [",
    ));
    let (error, elapsed) = call(&url);
    // A broken connection: worth trying again, though the request was sent.
    assert!(
        matches!(&error, Error::Transport(t) if t.is_transient() && !t.is_connect()),
        "{error:?}"
    );
    assert_quick(elapsed);
    server.join().expect("the server ends");
}

#[test]
fn a_connection_closed_at_once_is_a_transport_error() {
    let (url, server) = serve(drop);
    let (error, elapsed) = call(&url);
    assert!(
        matches!(&error, Error::Transport(t) if t.is_transient() && !t.is_connect()),
        "{error:?}"
    );
    assert_quick(elapsed);
    server.join().expect("the server ends");
}

#[test]
fn a_body_trickled_byte_by_byte_times_out() {
    const TRICKLE: Duration = Duration::from_millis(20);
    const SHORT: Duration = Duration::from_secs(1);
    let (url, server) = serve(|mut stream| {
        read_head(&stream);
        let body = [b' '; 1000]; // 20 s at this pace: far longer than the timeout
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n");
        for byte in body.chunks(1) {
            if stream.write_all(byte).is_err() {
                break; // the client hung up
            }
            thread::sleep(TRICKLE);
        }
    });
    let (error, elapsed) = call_with_timeout(&url, SHORT);
    assert!(matches!(error, Error::Timeout), "{error:?}");
    assert!(
        elapsed >= SHORT - TRICKLE,
        "gave up early, after {elapsed:?}"
    );
    assert!(elapsed < SHORT + TIMEOUT, "took {elapsed:?}");
    server
        .join()
        .expect("the server stops once the client hangs up");
}

#[test]
fn a_declared_50_mb_body_is_refused_before_it_is_read() {
    let (url, server) = serve(|mut stream| {
        read_head(&stream);
        let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {HUGE}\r\n\r\n");
        let _ = stream.write_all(head.as_bytes());
        write_huge_array(&mut stream, HUGE, false)
    });
    let ((error, elapsed), peak) = peak_heap_during(|| call(&url));
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: LIMIT }),
        "{error:?}"
    );
    assert_quick(elapsed);
    let sent = server.join().expect("the server ends");
    assert!(sent < HUGE, "the client read all {sent} bytes");
    // Only ureq's two 128 KiB connection buffers, no body.
    assert!(peak < LIMIT as usize / 2, "held {peak} bytes at once");
}

#[test]
fn an_undeclared_50_mb_body_stops_at_the_limit() {
    let (url, server) = serve(|mut stream| {
        read_head(&stream);
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        let _ = stream.write_all(head.as_bytes());
        write_huge_array(&mut stream, HUGE, true)
    });
    let ((error, elapsed), peak) = peak_heap_during(|| call(&url));
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: LIMIT }),
        "{error:?}"
    );
    assert_quick(elapsed);
    let sent = server.join().expect("the server ends");
    assert!(sent < HUGE, "the client read all {sent} bytes");
    assert_bounded(peak);
}

#[cfg(feature = "gzip")]
mod gzip {
    use super::*;

    /// A gzip member whose deflate stream, written by hand with the fixed Huffman codes, inflates
    /// to `[`, then `1 + 258 * copies` spaces, then `]`: valid JSON (an empty array) at a ratio
    /// of about 160 to 1.
    fn gzip_of_spaced_array(copies: usize) -> Vec<u8> {
        let mut bits = BitWriter::default();
        bits.bits(1, 1); // BFINAL: the last block
        bits.bits(0b01, 2); // BTYPE: fixed Huffman codes
        bits.code(0x30 + u32::from(b'['), 8); // literals 0-143: 8-bit codes from 0x30
        bits.code(0x30 + u32::from(b' '), 8);
        for _ in 0..copies {
            bits.code(0xc0 + (285 - 280), 8); // length 258: symbol 285, no extra bits
            bits.code(0, 5); // distance 1: code 0, no extra bits
        }
        bits.code(0x30 + u32::from(b']'), 8);
        bits.code(0, 7); // end of block: symbol 256
        let deflate = bits.finish();

        let len = 3 + 258 * copies;
        let mut crc = Crc32::default();
        crc.update(b"[");
        let spaces = [b' '; 258];
        crc.update(&spaces[..1]);
        for _ in 0..copies {
            crc.update(&spaces);
        }
        crc.update(b"]");

        let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        gz.extend_from_slice(&deflate);
        gz.extend_from_slice(&crc.finish().to_le_bytes());
        gz.extend_from_slice(&(len as u32).to_le_bytes());
        gz
    }

    #[derive(Default)]
    struct BitWriter {
        out: Vec<u8>,
        acc: u32,
        filled: u32,
    }

    impl BitWriter {
        /// Header fields and extra bits: least significant bit first.
        fn bits(&mut self, value: u32, count: u32) {
            for i in 0..count {
                self.acc |= ((value >> i) & 1) << self.filled;
                self.filled += 1;
                if self.filled == 8 {
                    self.out.push(self.acc as u8);
                    (self.acc, self.filled) = (0, 0);
                }
            }
        }

        /// Huffman codes: most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            self.bits(code.reverse_bits() >> (32 - len), len);
        }

        fn finish(mut self) -> Vec<u8> {
            if self.filled > 0 {
                self.out.push(self.acc as u8);
            }
            self.out
        }
    }

    /// CRC-32 (IEEE), as gzip's trailer wants it.
    struct Crc32 {
        table: [u32; 256],
        crc: u32,
    }

    impl Default for Crc32 {
        fn default() -> Self {
            let mut table = [0u32; 256];
            for (n, entry) in table.iter_mut().enumerate() {
                let mut c = n as u32;
                for _ in 0..8 {
                    c = if c & 1 == 1 {
                        0xedb8_8320 ^ (c >> 1)
                    } else {
                        c >> 1
                    };
                }
                *entry = c;
            }
            Crc32 { table, crc: !0 }
        }
    }

    impl Crc32 {
        fn update(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.crc =
                    self.table[((self.crc ^ u32::from(b)) & 0xff) as usize] ^ (self.crc >> 8);
            }
        }

        fn finish(&self) -> u32 {
            !self.crc
        }
    }

    fn serve_gzip(body: Vec<u8>) -> (String, thread::JoinHandle<()>) {
        serve(move |mut stream| {
            read_head(&stream);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                 content-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        })
    }

    /// The control: built the same way, small, the body inflates to the JSON it claims, so
    /// the bomb below is refused for its size, not for being malformed.
    #[test]
    fn a_small_gzip_body_is_inflated() {
        let (url, server) = serve_gzip(gzip_of_spaced_array(4));
        let value: Value = common::client(&url).get("models").expect("a valid body");
        assert_eq!(value, serde_json::json!([]));
        server.join().expect("the server ends");
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        // About 8.5 MB of JSON from about 53 KB on the wire.
        let bomb = gzip_of_spaced_array(33_000);
        assert!((bomb.len() as u64) < LIMIT / 10);
        let (url, server) = serve_gzip(bomb);
        let ((error, elapsed), peak) = peak_heap_during(|| call(&url));
        assert!(
            matches!(error, Error::ResponseTooLarge { limit: LIMIT }),
            "{error:?}"
        );
        assert_quick(elapsed);
        assert_bounded(peak);
        server.join().expect("the server ends");
    }
}
