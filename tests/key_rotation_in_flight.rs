//! A call under way when the key is swapped finishes with the key it started with, its retry
//! included; the next call uses the new key.
mod common;
mod local_server;

use std::sync::{mpsc, Arc, Mutex};

use freddy::ApiKey;
use local_server::Response;

#[test]
fn a_call_keeps_its_key_through_a_retry_and_the_next_call_takes_the_new_one() {
    let (old_key, new_key) = (common::key(), common::fake_key(1));
    let (arrived, wait_for_arrival) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let keys_seen = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&keys_seen);
    let url = local_server::serve(move |request| {
        let keys: Vec<String> = request
            .header("x-api-key")
            .iter()
            .map(|v| v.to_string())
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
            return Response::new(429).header("Retry-After", 0).body("{}");
        }
        Response::new(200).body("{}")
    });
    let client = common::builder(&url).max_retries(1).build().unwrap();

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
