//! A scripted HTTP/1.1 server on a std `TcpListener`, for what mockito cannot do: write a body
//! in steps the test controls, count connections, and notice when the client closes one.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// The longest any server read waits, so a broken test fails instead of hanging.
const READ_GUARD: Duration = Duration::from_secs(10);

/// A server whose connections are handled one after another, in accept order, on one thread.
pub struct RawServer {
    url: String,
    accepted: Arc<AtomicUsize>,
}

impl RawServer {
    /// Starts serving: `handle` gets each accepted connection with its 0-based index.
    pub fn start(mut handle: impl FnMut(Conn) + Send + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let index = count.fetch_add(1, Ordering::SeqCst);
                stream.set_read_timeout(Some(READ_GUARD)).unwrap();
                let reader = BufReader::new(stream.try_clone().unwrap());
                handle(Conn {
                    stream,
                    reader,
                    index,
                });
            }
        });
        RawServer { url, accepted }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many connections have been accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// A request as the server read it.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One accepted connection.
pub struct Conn {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
    /// 0-based, in accept order.
    pub index: usize,
}

impl Conn {
    /// The next request on this connection; `None` when the client closed it.
    pub fn read_request(&mut self) -> Option<Request> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next()?.to_owned();
        let path = parts.next()?.to_owned();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).ok()?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':')?;
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).ok()?;
        Some(Request {
            method,
            path,
            headers,
            body,
        })
    }

    /// A complete response with a `Content-Length`, keeping the connection open.
    pub fn respond(&mut self, status: u16, content_type: &str, body: &str) {
        self.respond_with_headers(status, &[("content-type", content_type.to_owned())], body);
    }

    /// Like [`Conn::respond`], with any headers.
    pub fn respond_with_headers(&mut self, status: u16, headers: &[(&str, String)], body: &str) {
        let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        self.stream.write_all(head.as_bytes()).unwrap();
        self.stream.write_all(body.as_bytes()).unwrap();
    }

    /// Starts a chunked `text/event-stream` answer with status 200.
    pub fn start_event_stream(&mut self) {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        self.stream.write_all(head.as_bytes()).unwrap();
    }

    /// Sends one chunk of the body, at once.
    pub fn chunk(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream
            .write_all(format!("{:x}\r\n", bytes.len()).as_bytes())?;
        self.stream.write_all(bytes)?;
        self.stream.write_all(b"\r\n")?;
        self.stream.flush()
    }

    /// Writes bytes as they are, for answers that break HTTP on purpose.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)?;
        self.stream.flush()
    }

    /// Ends a chunked body properly.
    pub fn end_chunks(&mut self) {
        self.stream.write_all(b"0\r\n\r\n").unwrap();
    }

    /// Waits until the client closes the connection: `true` when it did within the guard time,
    /// `false` when it sent something else or stayed silent.
    pub fn closed_by_client(&mut self) -> bool {
        let mut byte = [0u8; 1];
        match self.reader.read(&mut byte) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => matches!(
                e.kind(),
                io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
            ),
        }
    }

    /// Drops the connection without ending the body.
    pub fn abort(self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// A loopback URL where nothing listens (connections are refused).
pub fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}
