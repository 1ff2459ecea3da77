//! The doctor never shows the key: not in its report (`{}`, `{:?}`, `{:#?}`, the live call's
//! error), and not in anything `freddy-doctor` prints, whatever the server echoes and however
//! the key or the base URL is mistyped.
mod common;

use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use freddy::doctor::{self, DoctorOptions};
use mockito::Server;
use serde_json::json;

const DOCTOR: &str = env!("CARGO_BIN_EXE_freddy-doctor");

/// Everything the library's report shows for `raw` (the key as given) against `base_url`.
fn report_text(raw: &str, base_url: &str) -> String {
    let options = DoctorOptions::new()
        .base_url(base_url)
        .timeout(Duration::from_millis(500))
        .api_key(raw);
    let report = doctor::run(&options);
    let mut text = format!("{report}\n{}", common::debug_text(&report));
    text.push_str(&common::debug_text(&options));
    for check in report.checks() {
        text.push_str(&format!("{check}\n{}", check.details().join("\n")));
    }
    if let Some(error) = report.error() {
        text.push_str(&common::error_text(error));
    }
    text
}

/// Everything `freddy-doctor` prints with `raw` in `FREDDY_API_KEY` and these arguments.
fn program_output(raw: &str, base_url_variable: Option<&str>, args: &[&str]) -> String {
    let mut command = Command::new(DOCTOR);
    command
        .args(args)
        .env_remove("FREDDY_BASE_URL")
        .env("FREDDY_API_KEY", raw);
    if let Some(url) = base_url_variable {
        command.env("FREDDY_BASE_URL", url);
    }
    let out = command.output().expect("the doctor runs");
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs the library and the program against `base_url` and checks both show no run of `key`.
#[track_caller]
fn assert_doctor_clean(key: &str, raw: &str, base_url: &str) -> String {
    let text = report_text(raw, base_url);
    common::assert_no_leak(key, &text);
    let printed = program_output(raw, None, &["--base-url", base_url, "--timeout", "0.5"]);
    common::assert_no_leak(key, &printed);
    printed
}

#[test]
fn answers_that_echo_the_key() {
    let key = common::key();
    let envelope = |status: u16| {
        json!({"success": false, "error": {
            "code": key, "message": format!("The API key {key} is invalid or has expired."),
            "system_message": key, "type": key, "status": status, "details": {key.clone(): key},
            "trace_id": key, "timestamp": key}})
        .to_string()
    };
    let mut server = Server::new();
    let url = server.url();
    let answers = [
        (401, envelope(401), "401 Unauthorized"),
        (403, envelope(403), "403 Forbidden"),
        (429, envelope(429), "429 Too Many Requests"),
        (404, envelope(404), "404 Not Found"),
        (500, envelope(500), "500 Internal Server Error"),
        (418, format!("<p>{key}</p>"), "418"),
        (200, format!("<html>{key}</html>"), "not what the API sends"),
        (302, key.clone(), "redirected"),
    ];
    for (status, body, expected) in answers {
        let mock = server
            .mock("GET", "/v1/models")
            .with_status(status)
            .with_header("location", &format!("http://127.0.0.1:9/{key}"))
            .with_header("x-trace-id", &key)
            .with_header("retry-after", "7")
            .with_header("x-ratelimit-limit", &key)
            .with_body(&body)
            .create();
        let printed = assert_doctor_clean(&key, &key, &url);
        assert!(printed.contains(expected), "{status}: {printed}");
        mock.remove();
    }
}

#[test]
fn failures_to_connect() {
    let key = common::key();
    let refused = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let printed = assert_doctor_clean(&key, &key, &refused);
    assert!(printed.contains("could not reach"), "{printed}");

    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let printed = assert_doctor_clean(&key, &key, &silent_url);
    assert!(printed.contains("no answer from"), "{printed}");
    drop(silent);

    for garbage in [
        format!("HTTP/1.1 {key}\r\n\r\n"),
        format!("HTTP/1.1 200 OK\r\n{key}\r\n\r\n"),
    ] {
        // One connection each for the library and the program.
        let (url, server) = common::answer_once(garbage.clone().into_bytes());
        common::assert_no_leak(&key, &report_text(&key, &url));
        server.join().unwrap();
        let (url, server) = common::answer_once(garbage.into_bytes());
        let printed = program_output(&key, None, &["--base-url", &url, "--timeout", "0.5"]);
        common::assert_no_leak(&key, &printed);
        assert!(printed.contains("could not reach"), "{printed}");
        server.join().unwrap();
    }
}

#[test]
fn mistyped_keys() {
    let key = common::key();
    let mut server = Server::new();
    let never = server.mock("GET", "/v1/models").expect(0).create();
    let url = server.url();
    for raw in [
        format!("{key}!"),
        format!("{key}{key}"),
        format!("{} {}", &key[..21], &key[21..]),
        format!("\"{key}\""),
        format!("Bearer {key}"),
        key[3..].to_owned(),
        format!("ak_{}", &key[4..]),
        format!("{}\n{}", &key[..30], &key[30..]),
    ] {
        let printed = assert_doctor_clean(&key, &raw, &url);
        assert!(printed.contains("key format"), "{printed}");
    }
    never.assert();
}

#[test]
fn a_base_url_holding_the_key() {
    let key = common::key();
    let mut server = Server::new();
    let never = server.mock("GET", mockito::Matcher::Any).expect(0).create();
    for url in [
        format!("{}/{key}", server.url()),
        format!("{}/{}", server.url(), &key[3..15]),
        format!("https://{}.example", &key[3..]),
    ] {
        let printed = assert_doctor_clean(&key, &key, &url);
        assert!(printed.contains("the base URL is not usable"), "{printed}");
        let printed = program_output(&key, Some(&url), &["--timeout", "0.5"]);
        common::assert_no_leak(&key, &printed);
        assert!(printed.contains("contains the API key"), "{printed}");
    }
    never.assert();
}
