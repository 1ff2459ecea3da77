//! A keep-alive HTTP/1.1 server on 127.0.0.1 that answers like the API, for the benchmarks and
//! for `examples/bench_calls.rs` (which runs it in a process of its own).
//!
//! One thread per connection; every answer is prebuilt, so the server's own cost per request is
//! a read and one write, the same for every client measured against it.
#![allow(dead_code)] // each bench binary uses part of the support code

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The JSON every non-streaming request gets: about the size of a small API answer.
pub const JSON_BODY: &str = r#"{"object":"list","data":[{"id":"gpt-4o","object":"model","owned_by":"aitronos","context_window":128000},{"id":"gpt-4o-mini","object":"model","owned_by":"aitronos","context_window":128000}]}"#;

/// The answer to `POST v1/model/response` (a `ModelResponse` object).
pub const RESPONSE_BODY: &str = r#"{"id":"resp_1","thread_id":"thread_1","model":"gpt-4o","response":[{"type":"text","text":"Hello! How can I help you today?"}],"usage":{"input_tokens":9,"output_tokens":10}}"#;

/// One delta event of the kind a streamed response is made of (161 bytes).
pub const SSE_EVENT: &str = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"delta\":\"Hello, world \",\"sequence_number\":12}\n\n";

/// What the server sends for a streaming request: `SSE_EVENT` repeated to `bytes` in total.
#[derive(Debug, Clone, Copy)]
pub struct StreamReply {
    pub bytes: usize,
}

/// A server that stops accepting when the process ends (benches are short-lived).
pub struct Server {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
}

impl Server {
    /// Starts the server; requests with `Accept: text/event-stream` get `stream`.
    pub fn start(stream: StreamReply) -> Server {
        Server::bind("127.0.0.1:0", stream).expect("bind a loopback port")
    }

    pub fn bind(addr: &str, stream: StreamReply) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                counter.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || serve(conn, stream));
            }
        });
        Ok(Server { addr, accepted })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

fn answer(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         x-ratelimit-limit: 1000\r\nx-ratelimit-remaining: 999\r\nx-ratelimit-reset: 1893456000\r\n\
         \r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn serve(mut conn: TcpStream, stream: StreamReply) {
    let _ = conn.set_nodelay(true);
    let json = answer(JSON_BODY);
    let created = answer(RESPONSE_BODY);
    let mut buf = vec![0u8; 64 * 1024];
    let mut filled = 0;
    loop {
        // Read one request head, then skip its body by Content-Length.
        let head_end = loop {
            if let Some(end) = find(&buf[..filled], b"\r\n\r\n") {
                break end + 4;
            }
            if filled == buf.len() {
                return;
            }
            match conn.read(&mut buf[filled..]) {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        };
        let head = &buf[..head_end];
        let body_len = header(head, b"content-length")
            .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok())
            .unwrap_or(0);
        let streaming = header(head, b"accept").is_some_and(|v| v == b"text/event-stream");
        let post = head.starts_with(b"POST");
        let mut need = head_end + body_len;
        while filled < need {
            if filled == buf.len() {
                // A body larger than the buffer: drop what is read so far.
                need -= filled;
                filled = 0;
            }
            let end = need.min(buf.len());
            match conn.read(&mut buf[filled..end]) {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        }
        buf.copy_within(need..filled, 0);
        filled -= need;
        let written = if streaming {
            send_stream(&mut conn, stream.bytes)
        } else if post {
            conn.write_all(&created)
        } else {
            conn.write_all(&json)
        };
        if written.is_err() {
            return;
        }
    }
}

fn send_stream(conn: &mut TcpStream, bytes: usize) -> io::Result<()> {
    let events = bytes / SSE_EVENT.len();
    let total = events * SSE_EVENT.len() + "data: [DONE]\n\n".len();
    write!(
        conn,
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {total}\r\n\r\n"
    )?;
    let block = SSE_EVENT.repeat(400); // ~64 KiB per write
    let per_block = 400;
    let mut left = events;
    while left >= per_block {
        conn.write_all(block.as_bytes())?;
        left -= per_block;
    }
    conn.write_all(&block.as_bytes()[..left * SSE_EVENT.len()])?;
    conn.write_all(b"data: [DONE]\n\n")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn header<'a>(head: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    head.split(|&b| b == b'\n').find_map(|line| {
        let colon = line.iter().position(|&b| b == b':')?;
        line[..colon]
            .eq_ignore_ascii_case(name)
            .then(|| line[colon + 1..].trim_ascii())
    })
}

/// A recorded-like stream of `events` delta events (text of varying length and script, rising
/// sequence numbers), ending with `[DONE]`, as the parser benchmarks read it.
pub fn recorded_stream(events: usize) -> Vec<u8> {
    const WORDS: [&str; 8] = [
        "Hello",
        ", world",
        " this is",
        " a streamed",
        " answer",
        " with ünïcödé",
        " text",
        ".",
    ];
    let mut out = Vec::with_capacity(events * SSE_EVENT.len() + 16);
    for i in 0..events {
        let delta = WORDS[i % WORDS.len()];
        write!(
            out,
            "event: response.output_text.delta\ndata: {{\"type\":\"response.output_text.delta\",\
             \"item_id\":\"msg_1\",\"output_index\":0,\"delta\":\"{delta}\",\"sequence_number\":{i}}}\n\n"
        )
        .expect("writing to a Vec");
    }
    out.extend_from_slice(b"data: [DONE]\n\n");
    out
}
