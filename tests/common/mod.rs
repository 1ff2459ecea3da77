//! Shared by the integration tests: the one source of fake keys, and a client for a local server.
#![allow(dead_code)] // each test binary uses its own part of this module

pub mod http_server;

use std::time::Duration;

use freddy::FreddyClient;

/// A fake key of the documented 42-character shape. `n` picks one of many distinct keys; no two
/// share an 8-character run, so a leak of one is never mistaken for another.
pub fn fake_key(n: u32) -> String {
    String::from_utf8(fake_key_bytes(n).to_vec()).expect("fake keys are ASCII")
}

/// The bytes of [`fake_key`]`(n)`, built without touching the heap, for tests that must keep
/// the key off it (the allocator scan of `zeroize_scan.rs`).
pub fn fake_key_bytes(n: u32) -> [u8; 42] {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state =
        0x2545_f491_4f6c_dd1d_u64 ^ (u64::from(n) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut key = [0u8; 42];
    key[..3].copy_from_slice(b"ak_");
    for byte in &mut key[3..] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *byte = ALPHABET[(state % ALPHABET.len() as u64) as usize];
    }
    key
}

/// The key most tests use.
pub fn key() -> String {
    fake_key(0)
}

/// A client pointed at a local server, with short timeouts and no retries unless a test asks.
pub fn client(base_url: &str) -> FreddyClient {
    builder(base_url).build().expect("a valid test client")
}

/// The builder behind [`client`], for tests that change a setting.
pub fn builder(base_url: &str) -> freddy::ClientBuilder {
    FreddyClient::builder()
        .api_key(key())
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
}

/// Every 8-character window of the key's secret part that appears in `text`.
pub fn leaked_windows(key: &str, text: &str) -> Vec<String> {
    let secret = key.as_bytes().get(3..).unwrap_or_default();
    secret
        .windows(8)
        .filter_map(|w| std::str::from_utf8(w).ok())
        .filter(|w| text.contains(w))
        .map(str::to_owned)
        .collect()
}

/// Everything a caller can print of an error: `{}`, `{:?}` and `{:#?}` of it and of every error
/// down its `source()` chain.
pub fn error_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut next = Some(error);
    while let Some(e) = next {
        text.push_str(&format!("{e}\n{e:?}\n{e:#?}\n"));
        next = e.source();
    }
    text
}

/// `{:?}` and `{:#?}` of a value.
pub fn debug_text(value: &dyn std::fmt::Debug) -> String {
    format!("{value:?}\n{value:#?}\n")
}

/// Panics, naming what leaked, if `text` holds any 8-character run of `key`'s secret part.
#[track_caller]
pub fn assert_no_leak(key: &str, text: &str) {
    let leaked = leaked_windows(key, text);
    assert!(leaked.is_empty(), "leaked {leaked:?} in:\n{text}");
}

/// A loopback server for one connection: reads the request head, writes `answer` as it is
/// (status line included) and closes. Returns the base URL and the server's thread.
pub fn answer_once(answer: Vec<u8>) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let server = std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let mut reader = BufReader::new(&stream);
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
            line.clear();
        }
        let _ = stream.write_all(&answer);
    });
    (url, server)
}
