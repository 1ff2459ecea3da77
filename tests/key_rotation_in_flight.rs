//! A call under way when the key is swapped finishes with the key it started with, its retry
//! included; the next call uses the new key.
mod common;
mod raw_server;

use std::sync::{mpsc, Arc, Mutex};

use freddy::ApiKey;
use raw_server::RawServer;

#[test]
fn a_call_keeps_its_key_through_a_retry_and_the_next_call_takes_the_new_one() {
    let (old_key, new_key) = (common::key(), common::fake_key(1));
    let (arrived, wait_for_arrival) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let keys_seen = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&keys_seen);
    let server = RawServer::start(move |mut conn| {
        while let Some(request) = conn.read_request() {
            let keys: Vec<String> = request
                .headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("x-api-key"))
                .map(|(_, value)| value.clone())
                .collect();
            let first = {
                let mut seen = seen.lock().unwrap();
                seen.push(keys);
                seen.len() == 1
            };
            if first {
                // Hold the first request until the key has been swapped, then ask for a retry.
                arrived.send(()).unwrap();
                released.recv().unwrap();
                conn.respond_with_headers(429, &[("retry-after", "0".to_owned())], "{}");
            } else {
                conn.respond(200, "application/json", "{}");
            }
        }
    });
    let client = common::builder(server.url())
        .max_retries(1)
        .build()
        .unwrap();

    let under_way = {
        let client = client.clone();
        std::thread::spawn(move || client.authenticated_get("models"))
    };
    wait_for_arrival.recv().unwrap();
    client.set_api_key(ApiKey::new(&new_key).unwrap());
    release.send(()).unwrap();
    under_way
        .join()
        .unwrap()
        .expect("the call under way succeeds on its retry");
    client.authenticated_get("models").unwrap();

    let seen = keys_seen.lock().unwrap();
    assert_eq!(*seen, [vec![old_key.clone()], vec![old_key], vec![new_key]]);
}
