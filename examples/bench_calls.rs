//! Makes N identical calls, for counting instructions per call with callgrind
//! (`scripts/callgrind.sh` runs it): a run with N calls and one with 2N differ by exactly N
//! calls, so start-up and the first connection cancel out.
//!
//! ```text
//! bench_calls serve                       # prints the server's URL, serves until killed
//! bench_calls MODE URL N                  # MODE: freddy-get, raw-get, freddy-create, raw-create
//! ```

use std::hint::black_box;

#[path = "../benches/support/calls.rs"]
mod calls;
#[path = "../benches/support/server.rs"]
mod server;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["serve"] => serve(),
        [mode, url, n] => {
            let n: u64 = n.parse().expect("N is a number");
            run(mode, url, n);
        }
        _ => {
            eprintln!("usage: bench_calls serve | bench_calls MODE URL N");
            std::process::exit(2);
        }
    }
}

fn serve() {
    let server = server::Server::bind("127.0.0.1:0", server::StreamReply { bytes: 0 })
        .expect("bind a loopback port");
    println!("{}", server.url());
    loop {
        std::thread::park();
    }
}

fn run(mode: &str, base: &str, n: u64) {
    let client = calls::client(base);
    let agent = calls::agent();
    let get_url = format!("{base}/v1/models");
    let post_url = format!("{base}/v1/model/response");
    let request = calls::create_request();
    let raw_request = calls::raw_request();
    for _ in 0..n {
        match mode {
            "freddy-get" => drop(black_box(calls::freddy_get(&client))),
            "raw-get" => drop(black_box(calls::raw_get(&agent, &get_url))),
            "freddy-create" => drop(black_box(calls::freddy_create(&client, &request))),
            "raw-create" => drop(black_box(calls::raw_create(
                &agent,
                &post_url,
                &raw_request,
            ))),
            other => panic!("unknown mode {other}"),
        }
    }
}
