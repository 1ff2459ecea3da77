//! With `pace_requests(true)`, N+1 calls against a server allowing N per window get no 429:
//! the extra call waits for the window to reset.
mod common;
mod raw_server;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use freddy::Error;
use raw_server::RawServer;

const LIMIT: u64 = 3;
/// The window really ends this long after its first request; `X-RateLimit-Reset` gives that
/// moment rounded down to a whole second, as a server computing `int(time)` would.
const WINDOW: Duration = Duration::from_millis(1500);

/// A fixed-window rate limiter: `LIMIT` requests per `WINDOW`, 429 beyond, headers on every
/// answer. Returns the server and the statuses it answered, in order.
fn rate_limited_server() -> (RawServer, Arc<Mutex<Vec<u16>>>) {
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&statuses);
    let mut window: Option<(SystemTime, u64)> = None;
    let server = RawServer::start(move |mut conn| {
        while conn.read_request().is_some() {
            let now = SystemTime::now();
            let (ends, used) = match window {
                Some((ends, used)) if now < ends => (ends, used + 1),
                _ => (now + WINDOW, 1),
            };
            window = Some((ends, used));
            let status = if used > LIMIT { 429 } else { 200 };
            seen.lock().unwrap().push(status);
            let reset = ends.duration_since(UNIX_EPOCH).unwrap().as_secs();
            let headers = [
                ("content-type", "application/json".to_owned()),
                ("x-ratelimit-limit", LIMIT.to_string()),
                (
                    "x-ratelimit-remaining",
                    LIMIT.saturating_sub(used).to_string(),
                ),
                ("x-ratelimit-reset", reset.to_string()),
            ];
            conn.respond_with_headers(status, &headers, r#"{"models": []}"#);
        }
    });
    (server, statuses)
}

#[test]
fn paced_calls_wait_for_the_reset_instead_of_collecting_a_429() {
    let (server, statuses) = rate_limited_server();
    let client = common::builder(server.url())
        .pace_requests(true)
        .build()
        .unwrap();
    let started = Instant::now();
    for call in 0..=LIMIT {
        if let Err(e) = client.authenticated_get("models") {
            panic!("call {call} failed: {e}");
        }
    }
    let waited = started.elapsed();
    assert_eq!(*statuses.lock().unwrap(), [200; LIMIT as usize + 1]);
    assert!(
        waited >= WINDOW,
        "the extra call went out after {waited:?}, before the window ended"
    );
}

/// The control: the same server does refuse the extra call when nothing paces it.
#[test]
fn without_pacing_the_extra_call_collects_the_429() {
    let (server, statuses) = rate_limited_server();
    let client = common::client(server.url());
    for _ in 0..LIMIT {
        client.authenticated_get("models").unwrap();
    }
    let err = client.authenticated_get("models").unwrap_err();
    let Error::RateLimited(api) = &err else {
        panic!("expected RateLimited, got {err:?}")
    };
    assert_eq!(api.rate_limit().map(|r| r.remaining), Some(0));
    assert_eq!(statuses.lock().unwrap().last(), Some(&429));
}
