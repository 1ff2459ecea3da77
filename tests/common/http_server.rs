//! A raw HTTP/1.1 server on a std `TcpListener`, for what mockito cannot show: how many
//! connections a client opens, and servers that stop answering halfway.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// The longest a server that stops answering keeps a connection open.
const GIVE_UP: Duration = Duration::from_secs(10);

/// How the server answers every request.
#[derive(Debug, Clone, Copy)]
pub enum Reply {
    /// 200 with this JSON body and a `Content-Length`, keeping the connection open for more.
    Json(&'static str),
    /// Reads the request and never answers.
    Never,
    /// Sends the status line, the headers and the start of a longer body, then stalls.
    StalledBody,
}

/// A server on `127.0.0.1` with one thread per connection; stops accepting when dropped.
pub struct RawServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl RawServer {
    pub fn start(reply: Reply) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("the listener's address");
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (connections, requests, stop) =
                (connections.clone(), requests.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let requests = requests.clone();
                    std::thread::spawn(move || serve(stream, reply, &requests));
                }
            })
        };
        RawServer {
            addr,
            connections,
            requests,
            stop,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT`, to use as a base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Request heads read so far, over all connections.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // `accept` blocks until someone connects: be that someone.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn serve(stream: TcpStream, reply: Reply, requests: &AtomicUsize) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while let Some(body_len) = read_request_head(&mut reader) {
        requests.fetch_add(1, Ordering::SeqCst);
        if std::io::copy(&mut (&mut reader).take(body_len), &mut std::io::sink()).is_err() {
            return;
        }
        match reply {
            Reply::Json(body) => {
                // One write: a head and body sent apart would meet Nagle's delay on every call.
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                if writer.write_all(answer.as_bytes()).is_err() {
                    return;
                }
            }
            Reply::Never => return hold_until_closed(reader),
            Reply::StalledBody => {
                let partial = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{\"a\":";
                let _ = writer
                    .write_all(partial.as_bytes())
                    .and_then(|()| writer.flush());
                return hold_until_closed(reader);
            }
        }
    }
}

/// Reads one request head; returns its `Content-Length` (0 when absent), or `None` once the
/// client has closed the connection.
fn read_request_head(reader: &mut impl BufRead) -> Option<u64> {
    let mut content_length = 0;
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            if first {
                continue; // tolerate a stray CRLF between requests
            }
            return Some(content_length);
        }
        first = false;
        if let Some((name, value)) = trimmed.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().ok()?;
            }
        }
    }
}

/// Keeps the connection open, saying nothing, until the client gives up and closes it, or
/// [`GIVE_UP`] passes: a client without a working timeout then sees the connection close
/// instead of hanging the test run.
fn hold_until_closed(mut reader: BufReader<TcpStream>) {
    if reader.get_ref().set_read_timeout(Some(GIVE_UP)).is_err() {
        return;
    }
    let mut buf = [0u8; 1024];
    while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
}
