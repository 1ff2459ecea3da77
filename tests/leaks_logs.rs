//! Log records: `freddy` writes none of its own, and while failures of every class run with
//! DEBUG enabled, no record holds the key.
//!
//! Outside this check, and named in the README: TRACE, where ureq-proto dumps the request head
//! (`X-API-Key` included) as hex and ASCII, and ureq shows paths and `Location` headers
//! unredacted; and the test server's own records (`mockito` logs each request it receives,
//! headers included). At DEBUG ureq shows only an allow-list of headers (Content-Type, Server,
//! …; never `X-API-Key`), with paths and `Location` redacted.
mod common;

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use freddy::doctor::{self, DoctorOptions};
use freddy::responses::{CreateResponse, Message};
use log::{Level, LevelFilter, Log, Metadata, Record};
use mockito::Server;
use serde_json::json;

struct Captured {
    level: Level,
    target: String,
    text: String,
}

static RECORDS: Mutex<Vec<Captured>> = Mutex::new(Vec::new());

struct Capture;

impl Log for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &Record<'_>) {
        let captured = Captured {
            level: record.level(),
            target: record.target().to_owned(),
            text: record.args().to_string(),
        };
        RECORDS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(captured);
    }

    fn flush(&self) {}
}

/// Every failure class once, through the public API.
fn fail_in_every_way(key: &str) {
    let mut server = Server::new();
    let client = common::client(&server.url());
    let echo = json!({"error": {"code": key, "message": key, "trace_id": key}}).to_string();
    let mut answer = |status: usize, body: &str| {
        ["GET", "POST"].map(|method| {
            server
                .mock(method, mockito::Matcher::Any)
                .with_status(status)
                .with_header("x-trace-id", key)
                .with_header("location", &format!("http://127.0.0.1:9/{key}"))
                .with_body(body)
                .create()
        })
    };
    let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
    for status in [401, 403, 429, 500, 302] {
        let mocks = answer(status, &echo);
        client.models().unwrap_err();
        client.responses().create(&request).unwrap_err();
        mocks.iter().for_each(mockito::Mock::remove);
    }
    let mocks = answer(200, &format!("\"{key}\""));
    client.models().unwrap_err();
    client.api_keys("org_1").list(1, 1).unwrap_err();
    mocks.iter().for_each(mockito::Mock::remove);
    let stream = format!(
        "event: error\ndata: {echo}\n\ndata: {key}\n\nevent: {key}\ndata: {{\"delta\": \"{key}"
    );
    server
        .mock("POST", "/v1/model/response")
        .with_header("content-type", "text/event-stream")
        .with_body(&stream)
        .create();
    let items: Vec<_> = client.responses().stream(&request).unwrap().collect();
    assert!(items.iter().all(Result::is_err), "{items:?}");

    let (url, garbage) = common::answer_once(format!("HTTP/1.1 {key}\r\n\r\n").into_bytes());
    common::client(&url).models().unwrap_err();
    garbage.join().unwrap();
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    common::builder(&silent_url)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .models()
        .unwrap_err();
    let options = DoctorOptions::new()
        .base_url(&server.url())
        .timeout(Duration::from_secs(5))
        .api_key(key);
    assert!(!doctor::run(&options).is_ok());
}

fn take_records() -> Vec<Captured> {
    std::mem::take(&mut *RECORDS.lock().unwrap_or_else(PoisonError::into_inner))
}

#[test]
fn no_log_record_holds_the_key() {
    log::set_logger(&Capture).expect("the only logger of this test binary");
    let key = common::key();

    log::set_max_level(LevelFilter::Debug);
    fail_in_every_way(&key);
    let records = take_records();
    let from_ureq = records
        .iter()
        .filter(|r| r.target.starts_with("ureq"))
        .count();
    assert!(
        from_ureq > 20,
        "the capture works: {from_ureq} records from ureq"
    );
    for record in records.iter().filter(|r| !r.target.starts_with("mockito")) {
        common::assert_no_leak(&key, &format!("{} {}", record.target, record.text));
    }

    log::set_max_level(LevelFilter::Trace);
    fail_in_every_way(&key);
    log::set_max_level(LevelFilter::Off);
    let records = take_records();
    assert!(
        records.iter().any(|r| r.level == Level::Trace),
        "TRACE was on"
    );
    let own: Vec<String> = records
        .iter()
        .filter(|r| r.target.starts_with("freddy"))
        .map(|r| format!("{} {}: {}", r.level, r.target, r.text))
        .collect();
    assert!(own.is_empty(), "freddy logged: {own:#?}");
}
