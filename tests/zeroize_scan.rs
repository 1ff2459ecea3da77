//! The crate's own copies of the key are wiped before their memory is freed.
//!
//! Reading freed memory from Rust is undefined behaviour, so this file looks *before* each free:
//! its global allocator forwards to `System` and, in `dealloc`, while scanning is armed for the
//! current thread, has the kernel copy the block (still allocated) into a stack buffer through
//! `/proc/self/mem`, and notes the size of every block that holds the key's secret part. Rust
//! never reads the heap block itself, and the allocator never allocates. `realloc` keeps its
//! default (alloc, copy, dealloc), so a buffer left behind by growth is scanned too.
//!
//! The key stays off the heap in the test itself (a stack array from `fake_key_bytes`), the
//! servers run on other, unarmed threads, and only the current thread is ever armed, so the
//! tests may run in parallel. Negative controls prove the scanner finds what it must.
#![cfg(target_os = "linux")]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fs::File;
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::FileExt;
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use freddy::{ApiKey, Error, FreddyClient};
use zeroize::{Zeroize, Zeroizing};

const KEY_LEN: usize = 42;
/// The part after `ak_`: the bytes that must not survive a free.
const SECRET_LEN: usize = KEY_LEN - 3;
/// A stack buffer per read; consecutive reads overlap by `SECRET_LEN - 1` bytes so a copy of the
/// secret that straddles two reads is still seen whole in one of them.
const CHUNK: usize = 4096;
const MAX_RECORDED: usize = 32;

#[derive(Clone, Copy)]
struct Scan {
    /// The secret part with every bit flipped. A copy of this struct lands on the stack at every
    /// free; with plain bytes, those dead copies were seen carried back into the heap (see
    /// `scrub_stack`) and found there.
    flipped: [u8; SECRET_LEN],
    sizes: [usize; MAX_RECORDED],
    found: usize,
    /// Key-sized blocks freed all zero: the crate's key buffers, wiped. Counting them shows
    /// that a check finding no key did see the key's buffer go.
    wiped: usize,
    unreadable: usize,
}

thread_local! {
    // Const-initialised and without a destructor: touching it never allocates.
    static SCAN: Cell<Option<Scan>> = const { Cell::new(None) };
}

/// Opened once, before any thread is armed: opening allocates.
static MEM: OnceLock<File> = OnceLock::new();

struct ScanningAllocator;

#[global_allocator]
static ALLOCATOR: ScanningAllocator = ScanningAllocator;

// SAFETY: every call is forwarded to `System` unchanged; `dealloc` only reads the block through
// the kernel, before forwarding, while the block is still allocated.
unsafe impl GlobalAlloc for ScanningAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // `try_with`: a free during thread teardown must not panic.
        let _ = SCAN.try_with(|cell| {
            if let Some(mut scan) = cell.get() {
                scan.inspect(ptr as usize, layout.size());
                cell.set(Some(scan));
            }
        });
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

impl Scan {
    /// Records the block at `addr` if it holds the secret, or is a wiped key-sized block.
    /// Allocates nothing: the reads go into a stack buffer, and `read_exact_at`'s errors are
    /// allocation-free (OS codes, static text).
    fn inspect(&mut self, addr: usize, len: usize) {
        let Some(mem) = MEM.get() else { return };
        if len < SECRET_LEN {
            return;
        }
        let mut buf = [0u8; CHUNK];
        let mut offset = 0;
        loop {
            let take = CHUNK.min(len - offset);
            let chunk = &mut buf[..take];
            if mem.read_exact_at(chunk, (addr + offset) as u64).is_err() {
                self.unreadable += 1;
                break;
            }
            if len == KEY_LEN && chunk.iter().all(|&b| b == 0) {
                self.wiped += 1;
            }
            if chunk.windows(SECRET_LEN).any(|w| self.matches(w)) {
                if self.found < MAX_RECORDED {
                    self.sizes[self.found] = len;
                }
                self.found += 1;
                break;
            }
            if offset + take == len {
                break;
            }
            offset += take - (SECRET_LEN - 1);
        }
        // What was read may hold the key: leave no copy of it on the stack.
        buf.zeroize();
    }

    fn matches(&self, window: &[u8]) -> bool {
        window.iter().zip(&self.flipped).all(|(&b, &f)| b == !f)
    }
}

/// What the frees of one scan showed.
#[derive(Debug, PartialEq)]
struct Freed {
    /// The size of every freed block that still held the key's secret part.
    holding_key: Vec<usize>,
    /// How many key-sized blocks were freed all zero.
    wiped_key_sized: usize,
}

fn wiped(blocks: usize) -> Freed {
    Freed {
        holding_key: Vec::new(),
        wiped_key_sized: blocks,
    }
}

/// Runs `f` with this thread's frees scanned for `key`'s secret part.
///
/// `key` must live in the caller's frame: only frames below it are scrubbed.
fn scan_frees(key: &[u8; KEY_LEN], f: impl FnOnce()) -> Freed {
    MEM.get_or_init(|| File::open("/proc/self/mem").expect("/proc/self/mem is readable"));
    let mut flipped = [0u8; SECRET_LEN];
    for (f, &b) in flipped.iter_mut().zip(&key[3..]) {
        *f = !b;
    }
    scrub_stack();
    SCAN.with(|cell| {
        cell.set(Some(Scan {
            flipped,
            sizes: [0; MAX_RECORDED],
            found: 0,
            wiped: 0,
            unreadable: 0,
        }))
    });
    f();
    let scan = SCAN.with(Cell::take).expect("armed above");
    assert_eq!(scan.unreadable, 0, "the scanner could not read some blocks");
    assert!(scan.found <= MAX_RECORDED, "{} blocks found", scan.found);
    Freed {
        holding_key: scan.sizes[..scan.found].to_vec(),
        wiped_key_sized: scan.wiped,
    }
}

/// Wipes the dead stack below the caller's frame.
///
/// A struct built on the stack with padding and then moved into a `Box` carries whatever dead
/// bytes were in its padding into the heap (std's channels pad to cache lines, and ureq's
/// resolver makes one per request). Stale copies of the key that the test itself left below its
/// frame (`fake_key_bytes` returns by value) would then be found in a freed block: the test's
/// copy, not the crate's. Stack spills of the crate itself are out of this test's reach.
#[inline(never)]
fn scrub_stack() {
    let mut dead = [0u8; 64 * 1024];
    dead.zeroize();
    black_box(&dead);
}

fn as_str(key: &[u8; KEY_LEN]) -> &str {
    std::str::from_utf8(key).expect("fake keys are ASCII")
}

/// The size of the request buffer ureq gives each connection. It is allocated once per
/// connection (`vec![]` resized to exactly this size), the request head, `X-API-Key` included,
/// is serialised into it, and it is freed with the connection without being cleared.
fn ureq_output_buffer_size() -> usize {
    ureq::config::Config::default().output_buffer_size()
}

// -- negative controls: if these fail, the scanner is broken and the real checks mean nothing --

#[test]
fn the_scanner_finds_a_plain_string_holding_the_key() {
    let key = common::fake_key_bytes(601);
    let freed = scan_frees(&key, || {
        let plain = String::from(as_str(&key));
        drop(black_box(plain));
    });
    assert_eq!(freed.holding_key, [KEY_LEN]);
}

#[test]
fn the_scanner_finds_the_buffer_a_growing_string_leaves_behind() {
    let key = common::fake_key_bytes(602);
    let freed = scan_frees(&key, || {
        let mut plain = String::with_capacity(KEY_LEN);
        plain.push_str(as_str(&key));
        plain.push('\n'); // reallocates: the old 42-byte block is freed uncleared
        drop(black_box(plain));
    });
    let sizes = freed.holding_key;
    assert_eq!(sizes.len(), 2, "{sizes:?}");
    assert_eq!(sizes[0], KEY_LEN);
    assert!(sizes[1] > KEY_LEN, "{sizes:?}");
}

#[test]
fn the_scanner_finds_a_copy_that_straddles_two_reads() {
    let key = common::fake_key_bytes(603);
    let freed = scan_frees(&key, || {
        let mut buffer = vec![b' '; 3 * CHUNK];
        let at = CHUNK - SECRET_LEN / 2;
        buffer[at..at + KEY_LEN].copy_from_slice(&key);
        drop(black_box(buffer));
    });
    assert_eq!(freed.holding_key, [3 * CHUNK]);
}

#[test]
fn the_scanner_sees_a_wiped_buffer_as_wiped() {
    let key = common::fake_key_bytes(604);
    let freed = scan_frees(&key, || {
        let wiped = Zeroizing::new(String::from(as_str(&key)));
        drop(black_box(wiped));
    });
    assert_eq!(freed, wiped(1));
}

// -- the crate's own copies --

#[test]
fn building_using_and_dropping_clients_leaves_no_copy() {
    let key = common::fake_key_bytes(611);
    let mut padded = [b' '; KEY_LEN + 3]; // as read from a `.env` line
    padded[2..2 + KEY_LEN].copy_from_slice(&key);
    padded[KEY_LEN + 2] = b'\n';
    let freed = scan_frees(&key, || {
        let client = FreddyClient::new(as_str(&key)).expect("a valid key");
        let clone = client.clone();
        let handle = clone.api_key();
        black_box((handle.expose_secret(), format!("{client:?} {handle:?}")));
        let parsed: ApiKey = std::str::from_utf8(&padded)
            .expect("ASCII")
            .parse()
            .expect("trimmed");
        let built = FreddyClient::builder()
            .key(parsed)
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("a valid client");
        drop((client, clone, handle, built));
    });
    // Two keys were parsed; each buffer went, wiped, and no other block held the key.
    assert_eq!(freed, wiped(2));
}

#[test]
fn a_rotated_out_key_is_wiped_when_its_last_use_ends() {
    let old = common::fake_key_bytes(621);
    let new = common::fake_key_bytes(622);
    let client = FreddyClient::new(as_str(&old)).expect("a valid key");
    let in_flight = client.api_key(); // as a request under way holds it
    client.set_api_key(ApiKey::new(as_str(&new)).expect("a valid key"));
    assert_eq!(scan_frees(&old, || drop(in_flight)), wiped(1));
    assert_eq!(scan_frees(&new, || drop(client)), wiped(1));
}

#[test]
fn rotating_keys_and_dropping_everything_leaves_no_copy() {
    let old = common::fake_key_bytes(623);
    let new = common::fake_key_bytes(624);
    let rotate = || {
        let client = FreddyClient::new(as_str(&old)).expect("a valid key");
        let in_flight = client.api_key();
        client.set_api_key(ApiKey::new(as_str(&new)).expect("a valid key"));
        let current = client.api_key();
        drop((in_flight, client, current));
    };
    assert_eq!(scan_frees(&old, rotate), wiped(2), "the rotated-out key");
    assert_eq!(scan_frees(&new, rotate), wiped(2), "the new key");
}

#[test]
fn after_requests_only_ureqs_output_buffers_hold_the_key() {
    let key = common::fake_key_bytes(631);
    let output_buffer = ureq_output_buffer_size();
    let (url, server) = serve(3);
    let freed = scan_frees(&key, || {
        let client = FreddyClient::builder()
            .api_key(as_str(&key))
            .base_url(&url)
            .timeout(Duration::from_secs(5))
            .max_retries(0)
            .build()
            .expect("a valid client");
        let got: serde_json::Value = client.get("models").expect("a 200");
        assert_eq!(got["ok"], true);
        let posted: serde_json::Value = client
            .post("things", &serde_json::json!({ "name": "x" }))
            .expect("a 200");
        assert_eq!(posted["ok"], true);
        let denied = client.get::<serde_json::Value>("denied").unwrap_err();
        assert!(matches!(denied, Error::Unauthorized(_)), "{denied:?}");
        drop(client); // closes the pooled connection: its buffers are freed here
    });
    let connections = server.join().expect("the server ends by itself");
    // The key's own buffer outlived every request (each held a reference, not a copy) and was
    // wiped with the client. Each connection's output buffer is left holding the last request
    // head, key included: ureq owns it and frees it uncleared.
    assert!(connections >= 1);
    assert_eq!(
        freed,
        Freed {
            holding_key: vec![output_buffer; connections],
            wiped_key_sized: 1,
        },
        "after requests over {connections} connection(s)"
    );
}

/// A keep-alive HTTP/1.1 server on another, unarmed thread that answers `requests` requests
/// (401 for `/v1/denied`, else `200 {"ok":true}`) and returns how many connections it took.
///
/// Requests are read into a stack buffer, never onto the heap: the allocator recycles memory
/// across threads, so a heap block the server freed with the key in it could be handed to the
/// armed thread, and its stale bytes be found there.
fn serve(requests: usize) -> (String, thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let handle = thread::spawn(move || {
        let (mut served, mut connections) = (0, 0);
        while served < requests {
            let (mut stream, _) = listener.accept().expect("a connection");
            connections += 1;
            let mut buf = [0u8; 8192];
            let mut filled = 0;
            while served < requests {
                let head_end = loop {
                    if let Some(at) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                        break Some(at + 4);
                    }
                    match stream.read(&mut buf[filled..]) {
                        Ok(0) | Err(_) => break None,
                        Ok(n) => filled += n,
                    }
                };
                let Some(head_end) = head_end else { break };
                let end = head_end + content_length(&buf[..head_end]);
                while filled < end {
                    filled += stream.read(&mut buf[filled..]).expect("the body");
                }
                let (status, body) = if buf.starts_with(b"GET /v1/denied ") {
                    (
                        "401 Unauthorized",
                        r#"{"error":{"code":"INVALID_API_KEY"}}"#,
                    )
                } else {
                    ("200 OK", r#"{"ok":true}"#)
                };
                buf.copy_within(end..filled, 0);
                filled -= end;
                write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\n\r\n{body}",
                    body.len()
                )
                .expect("the answer");
                served += 1;
            }
        }
        connections
    });
    (url, handle)
}

fn content_length(head: &[u8]) -> usize {
    const NAME: &[u8] = b"content-length:";
    head.split(|&b| b == b'\n')
        .filter(|line| line.len() > NAME.len() && line[..NAME.len()].eq_ignore_ascii_case(NAME))
        .find_map(|line| {
            std::str::from_utf8(&line[NAME.len()..])
                .ok()?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}
