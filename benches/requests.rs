//! Per-request cost of freddy against a raw ureq `Agent` doing the same work, and throughput of
//! threads sharing one client, against a keep-alive server on loopback started here.
//!
//! `cargo bench --bench requests`: divan's table, then a summary with the freddy / raw ureq
//! ratios, requests per second and connections opened per thread count.

use std::sync::{Barrier, OnceLock};
use std::time::{Duration, Instant};

use divan::black_box;
use freddy::responses::{CreateResponse, ModelResponse};
use freddy::FreddyClient;
use serde_json::Value;
use ureq::Agent;

#[path = "support/calls.rs"]
mod calls;
#[path = "support/server.rs"]
mod server;

use server::{Server, StreamReply};

struct Fixture {
    _server: Server,
    client: FreddyClient,
    agent: Agent,
    get_url: String,
    post_url: String,
    request: CreateResponse,
    raw_request: Value,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server = Server::start(StreamReply { bytes: 0 });
        let base = server.url();
        Fixture {
            client: calls::client(&base),
            agent: calls::agent(),
            get_url: format!("{base}/v1/models"),
            post_url: format!("{base}/v1/model/response"),
            request: calls::create_request(),
            raw_request: calls::raw_request(),
            _server: server,
        }
    })
}

mod authenticated_get {
    use super::*;

    #[divan::bench]
    fn freddy() -> Value {
        calls::freddy_get(&fixture().client)
    }

    #[divan::bench]
    fn raw_ureq() -> Value {
        let f = fixture();
        calls::raw_get(&f.agent, &f.get_url)
    }
}

mod create {
    use super::*;

    #[divan::bench]
    fn freddy() -> ModelResponse {
        let f = fixture();
        calls::freddy_create(&f.client, &f.request)
    }

    #[divan::bench]
    fn raw_ureq() -> Value {
        let f = fixture();
        calls::raw_create(&f.agent, &f.post_url, &f.raw_request)
    }
}

/// Time per call as each thread sees it, with the threads sharing one client.
#[divan::bench(threads = [1, 2, 4, 8])]
fn shared_client_get() -> Value {
    calls::freddy_get(&fixture().client)
}

fn main() {
    divan::main();
    // `cargo test --benches` runs this binary without `--bench`: divan then only checks that
    // each bench runs once, and the summary below is skipped.
    if std::env::args().any(|a| a == "--bench") {
        summary();
    }
}

/// Calls per round of the summary; rounds alternate freddy and raw so drift hits both.
const CALLS: u32 = 2000;
const ROUNDS: usize = 7;

fn summary() {
    let f = fixture();
    println!("\nsummary (median of {ROUNDS} alternating rounds of {CALLS} calls)");
    let (freddy, raw) = paired(
        || {
            black_box(calls::freddy_get(&f.client));
        },
        || {
            black_box(calls::raw_get(&f.agent, &f.get_url));
        },
    );
    report("authenticated_get", freddy, raw);
    let (freddy, raw) = paired(
        || {
            black_box(calls::freddy_create(&f.client, &f.request));
        },
        || {
            black_box(calls::raw_create(&f.agent, &f.post_url, &f.raw_request));
        },
    );
    report("responses().create", freddy, raw);

    let server = Server::start(StreamReply { bytes: 0 });
    let client = calls::client(&server.url());
    for _ in 0..1000 {
        black_box(calls::freddy_get(&client));
    }
    println!(
        "sequential: 1000 calls on one client opened {} connection(s)",
        server.accepted()
    );

    println!("\nthreads sharing one client ({CALLS} calls per thread)");
    println!("threads | freddy req/s | connections | raw ureq req/s | connections");
    for threads in [1, 2, 4, 8] {
        let (freddy_rate, freddy_conns) = scaling(threads, |base| {
            let client = calls::client(base);
            move || {
                black_box(calls::freddy_get(&client));
            }
        });
        let (raw_rate, raw_conns) = scaling(threads, |base| {
            let agent = calls::agent();
            let url = format!("{base}/v1/models");
            move || {
                black_box(calls::raw_get(&agent, &url));
            }
        });
        println!(
            "{threads:>7} | {freddy_rate:>12.0} | {freddy_conns:>11} | {raw_rate:>14.0} | {raw_conns:>11}"
        );
    }
}

fn paired(mut freddy: impl FnMut(), mut raw: impl FnMut()) -> (Duration, Duration) {
    let time = |call: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..CALLS {
            call();
        }
        start.elapsed() / CALLS
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        a.push(time(&mut freddy));
        b.push(time(&mut raw));
    }
    a.sort();
    b.sort();
    (a[ROUNDS / 2], b[ROUNDS / 2])
}

fn report(what: &str, freddy: Duration, raw: Duration) {
    println!(
        "{what}: freddy {freddy:?}/call, raw ureq {raw:?}/call, ratio {:.3}",
        freddy.as_secs_f64() / raw.as_secs_f64()
    );
}

/// Requests per second of `threads` threads sharing what `make` builds (one client or agent)
/// against a fresh server, and the connections that server accepted.
fn scaling<C>(threads: usize, make: impl FnOnce(&str) -> C) -> (f64, usize)
where
    C: Fn() + Sync,
{
    let server = Server::start(StreamReply { bytes: 0 });
    let call = make(&server.url());
    let barrier = Barrier::new(threads + 1);
    let elapsed = std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                barrier.wait();
                for _ in 0..CALLS {
                    call();
                }
            });
        }
        barrier.wait();
        let start = Instant::now();
        // The scope joins the threads before returning; time until then.
        start
    })
    .elapsed();
    let total = (threads as u32 * CALLS) as f64;
    (total / elapsed.as_secs_f64(), server.accepted())
}
