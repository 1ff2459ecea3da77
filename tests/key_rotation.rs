//! `set_api_key` under load: threads keep calling through clones while the key is swapped;
//! every request carries exactly one of the two keys, and every call started after the swap
//! carries the new one.
mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use freddy::ApiKey;
use mockito::{Mock, Server, ServerGuard};

const THREADS: usize = 4;
const CALLS_BEFORE: usize = 20;
const CALLS_AFTER: usize = 20;
const PATIENCE: Duration = Duration::from_secs(20);

/// Answers `{"key": label}` to requests with exactly one `X-API-Key` header equal to `key`.
fn answer_for(server: &mut ServerGuard, key: String, label: &str) -> Mock {
    server
        .mock("GET", "/v1/models")
        .match_request(move |request| {
            let values = request.header("x-api-key");
            values.len() == 1 && values[0].as_bytes() == key.as_bytes()
        })
        .with_body(format!(r#"{{"key": "{label}"}}"#))
        .expect_at_least(1)
        .create()
}

#[test]
fn every_request_carries_one_of_the_two_keys_and_new_calls_the_new_one() {
    let (old_key, new_key) = (common::key(), common::fake_key(1));
    let mut server = Server::new();
    let old_mock = answer_for(&mut server, old_key.clone(), "old");
    let new_mock = answer_for(&mut server, new_key.clone(), "new");
    let client = common::client(&server.url());

    let swapped = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let (results, received) = mpsc::channel();
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (client, swapped, stop, results) = (
                client.clone(),
                Arc::clone(&swapped),
                Arc::clone(&stop),
                results.clone(),
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let after_swap = swapped.load(Ordering::SeqCst);
                    let answer = client
                        .authenticated_get("models")
                        .map(|v| v["key"].as_str().unwrap_or_default().to_owned())
                        .map_err(|e| e.to_string());
                    if results.send((after_swap, answer)).is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    drop(results);

    let mut seen = Vec::new();
    while seen.len() < CALLS_BEFORE {
        seen.push(
            received
                .recv_timeout(PATIENCE)
                .expect("calls before the swap"),
        );
    }
    client.set_api_key(ApiKey::new(&new_key).unwrap());
    swapped.store(true, Ordering::SeqCst);
    while seen.iter().filter(|(after, _)| *after).count() < CALLS_AFTER {
        seen.push(
            received
                .recv_timeout(PATIENCE)
                .expect("calls after the swap"),
        );
    }
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.join().unwrap();
    }
    seen.extend(received.try_iter());

    for (after_swap, answer) in &seen {
        let answer = answer
            .as_deref()
            .unwrap_or_else(|e| panic!("a request carried neither key alone: {e}"));
        assert!(answer == "old" || answer == "new", "{answer}");
        if *after_swap {
            assert_eq!(
                answer, "new",
                "a call started after the swap used the old key"
            );
        }
    }
    assert!(seen.iter().any(|(_, a)| a.as_deref() == Ok("old")));
    old_mock.assert();
    new_mock.assert();
    assert_eq!(client.clone().api_key().expose_secret(), new_key);
}
