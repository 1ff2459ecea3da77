//! Threads share one client (by cloning it) and its connection pool.
mod common;

use std::sync::{Arc, Barrier};

use common::http_server::{RawServer, Reply};
use freddy::FreddyClient;

const THREADS: usize = 8;
const CALLS: usize = 20;

/// Clones are handed to threads: this does not compile unless they can be.
const _: fn() = || {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<FreddyClient>();
};

#[test]
fn eight_threads_share_one_client_and_about_eight_connections() {
    let server = RawServer::start(Reply::Json(r#"{"ok": true}"#));
    let client = common::client(&server.url());
    let start = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (client, start) = (client.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..CALLS {
                    let value = client.authenticated_get("models").unwrap();
                    assert_eq!(value["ok"], true);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("every call succeeds");
    }
    assert_eq!(server.requests(), THREADS * CALLS);
    let opened = server.connections();
    // Each thread needs one connection; a pool that keeps too few idle ones reconnects constantly.
    assert!(
        opened <= THREADS + 4,
        "{opened} connections for {THREADS} threads"
    );
}
