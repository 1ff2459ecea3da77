//! No error the client returns holds the key, whatever the server echoes: for every failure
//! class, `{}`, `{:?}`, `{:#?}` and the whole `source()` chain hold no 8-character run of the
//! key's secret part.
mod common;

use std::time::{Duration, Instant};

use freddy::responses::{CreateResponse, Message};
use freddy::{Error, FreddyClient};
use mockito::{Matcher, Mock, Server, ServerGuard};
use serde_json::json;

/// Panics unless `error` shows no run of the test's key in any form.
#[track_caller]
fn assert_clean(error: &Error) {
    common::assert_no_leak(&common::key(), &common::error_text(error));
}

/// The documented envelope with the key in every field, in an object key and in `details`.
fn envelope_echoing(key: &str, status: u16) -> String {
    let secret = &key[3..];
    json!({
        "success": false,
        "error": {
            "code": key,
            "message": format!("The API key {key} is invalid or has expired."),
            "system_message": format!("x-api-key: {key}"),
            "type": secret,
            "status": status,
            "details": {"received": key, "headers": [{"x-api-key": key}], key: secret},
            "trace_id": key,
            "timestamp": format!("{key}T00:00:00Z"),
        },
        "message": key,
        "detail": [{"msg": key, "input": key}],
    })
    .to_string()
}

/// A call through the public API, its result dropped.
type Call = fn(&FreddyClient) -> Result<(), Error>;

/// Every call a user makes that reads JSON from a success answer, each with its name.
fn calls() -> Vec<(&'static str, Call)> {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // only decoded: the tests are about decoding failing
    struct Typed {
        id: u64,
        name: String,
    }
    vec![
        ("get", |c| c.get::<Typed>("things/1").map(drop)),
        ("authenticated_get", |c| {
            c.authenticated_get("things/1").map(drop)
        }),
        ("responses().create", |c| {
            let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
            c.responses().create(&request).map(drop)
        }),
        ("models()", |c| c.models().map(drop)),
        ("api_keys().list", |c| {
            c.api_keys("org_1").list(1, 20).map(drop)
        }),
        ("usage().limits", |c| {
            c.usage("org_1").limits(None).map(drop)
        }),
    ]
}

/// Answers every GET and POST on `server` with `status`, `body` and the key in every header a
/// client reads.
fn answer_all(server: &mut ServerGuard, status: usize, body: &str) -> [Mock; 2] {
    ["GET", "POST"].map(|method| answer(server, method, status, body))
}

fn answer(server: &mut ServerGuard, method: &str, status: usize, body: &str) -> Mock {
    let key = common::key();
    server
        .mock(method, Matcher::Any)
        .with_status(status)
        .with_header("content-type", &format!("application/{key}"))
        .with_header("x-trace-id", &key)
        .with_header("x-request-id", &key)
        .with_header("retry-after", &key)
        .with_header("x-ratelimit-limit", &key)
        .with_header("x-ratelimit-remaining", &key)
        .with_header("x-ratelimit-reset", &key)
        .with_body(body)
        .create()
}

#[test]
fn error_statuses_that_echo_the_key_everywhere() {
    let key = common::key();
    let mut server = Server::new();
    let client = common::client(&server.url());
    for status in [400, 401, 403, 404, 409, 422, 429, 500, 502, 503] {
        let bodies = [
            envelope_echoing(&key, status),
            json!({"error": key}).to_string(),
            format!("<html><title>{key}</title><body>Invalid key {key}</body></html>"),
            format!("{key}\r\n{key}\t{key}"),
            key.repeat(2000), // over the 64 KiB read for an error body: cut short
        ];
        for body in bodies {
            let mocks = answer_all(&mut server, status.into(), &body);
            for (name, call) in calls() {
                let err = call(&client).unwrap_err();
                assert_eq!(err.status(), Some(status), "{name}: {err:?}");
                assert!(err.api_error().is_some(), "{name}: {err:?}");
                assert_clean(&err);
            }
            mocks.iter().for_each(Mock::remove);
        }
    }
}

/// Escapes in `Debug` turn a control character into a letter or digit (`\n` shows as `\` and
/// `n`): a message holding a newline and then seven characters of the key must not read as
/// eight once printed with `{:?}`.
#[test]
fn an_escape_in_debug_output_cannot_complete_a_run_of_the_key() {
    let mut server = Server::new();
    let mut tried = 0;
    for n in 0..8 {
        let key = common::fake_key(n);
        let secret = &key[3..];
        let client = FreddyClient::builder()
            .api_key(&key)
            .base_url(&server.url())
            .max_retries(0)
            .build()
            .unwrap();
        let escapes = [('n', "\n"), ('t', "\t"), ('r', "\r"), ('0', "\0")];
        for (at, letter) in secret.char_indices().take(secret.len() - 7) {
            let Some((_, control)) = escapes.iter().find(|(c, _)| *c == letter) else {
                continue;
            };
            let tail = &secret[at + 1..at + 8];
            let text = format!("x{control}{tail}");
            let body = json!({"error": {"code": text, "message": text, "details": [text]}});
            let mock = server
                .mock("GET", "/v1/models")
                .with_status(401)
                .with_body(body.to_string())
                .create();
            let err = client.models().unwrap_err();
            common::assert_no_leak(&key, &common::error_text(&err));
            mock.remove();
            tried += 1;
        }
    }
    assert!(
        tried > 3,
        "only {tried} keys have a run that starts with n, t, r or 0"
    );
}

#[test]
fn success_bodies_that_do_not_decode_and_quote_the_key() {
    let key = common::key();
    let mut server = Server::new();
    let client = common::client(&server.url());
    // Each puts the key where serde_json's own message would quote it: a wrong type, an
    // unknown variant, a syntax error, trailing characters, a missing field next to it.
    let bodies = [
        format!(r#""{key}""#),
        key.clone(),
        format!(r#"{{"id": "{key}", "name": "{key}"}}"#),
        format!(r#"{{"id": {key}}}"#),
        format!(r#"{{"id": 1, "name": ["{key}"]}} "#),
        format!(r#"{{"name": "{key}"}} {key}"#),
        format!(r#"["{key}", {{"{key}": "{key}"}}]"#),
        format!(r#"{{"models": "{key}", "keys": "{key}", "api_key_limits": "{key}"}}"#),
        format!(r#"{{"models": [{{"id": ["{key}"]}}], "keys": [{{"id": {{"{key}": 1}}}}]}}"#),
        format!(r#"{{"keys": [{{"key_name": "{key}"}}], "summary": "{key}"}}"#),
        format!(r#"{{"organization_limits": {{"status": ["{key}"]}}}}"#),
        format!(r#"{{"id": 1, "name": "{key}"#),
    ];
    let mut decode_errors = 0;
    for body in bodies {
        let mocks = answer_all(&mut server, 200, &body);
        for (name, call) in calls() {
            // Some bodies are valid for some calls (`authenticated_get` takes any JSON).
            if let Err(err) = call(&client) {
                assert!(matches!(err, Error::Decode(_)), "{name}: {body}: {err:?}");
                assert_clean(&err);
                decode_errors += 1;
            }
        }
        mocks.iter().for_each(Mock::remove);
    }
    assert!(decode_errors >= 40, "only {decode_errors} decode errors");
}

#[test]
fn refused_redirects_whose_location_holds_the_key() {
    let key = common::key();
    let secret = &key[3..];
    let mut server = Server::new();
    let client = common::client(&server.url());
    let elsewhere = "http://127.0.0.1:9";
    let locations = [
        format!("{elsewhere}/v1/models?api_key={key}"),
        format!("https://{secret}.example/v1/{key}"),
        format!("//{secret}.example/{key}"),
        format!("http://{key}:{key}@127.0.0.1:9/"),
        format!("{elsewhere}/{key}\r\n{key}"),
        format!("ftp://{key}"),
    ];
    for location in locations {
        let Ok(value) = http::HeaderValue::from_str(&location) else {
            continue; // mockito cannot send it; the client never sees it either
        };
        for status in [301, 302, 303, 307, 308] {
            let mock = server
                .mock("GET", "/v1/models")
                .with_status(status)
                .with_header("location", value.to_str().unwrap())
                .with_body(envelope_echoing(&key, status as u16))
                .create();
            let err = client.models().unwrap_err();
            assert!(matches!(err, Error::Redirect { .. }), "{location}: {err:?}");
            assert_clean(&err);
            mock.assert();
            mock.remove();
        }
    }
}

#[test]
fn a_same_origin_redirect_that_would_put_the_key_in_the_url_is_refused() {
    let key = common::key();
    let mut server = Server::new();
    let client = common::client(&server.url());
    let url = server.url();
    let never = server
        .mock("GET", Matcher::Regex(key[3..].to_owned()))
        .expect(0)
        .create();
    for location in [
        format!("/v1/models?key={key}"),
        format!("{url}/v1/{}", &key[3..20]),
        format!("models/{key}"),
    ] {
        let mock = server
            .mock("GET", "/v1/models")
            .with_status(302)
            .with_header("location", &location)
            .create();
        let err = client.models().unwrap_err();
        assert!(
            matches!(err, Error::Redirect { status: 302 }),
            "{location}: {err:?}"
        );
        assert_clean(&err);
        mock.assert();
        mock.remove();
    }
    never.assert();
}

#[test]
fn a_timeout_holds_no_key() {
    // Accepts the connection and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let client = common::builder(&url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.models().unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_clean(&err);
    drop(listener);
}

#[test]
fn a_refused_connection_holds_no_key() {
    let url = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let err = common::client(&url).models().unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert!(transport.is_connect(), "{err:?}");
    assert_clean(&err);
}

#[test]
fn garbage_from_the_server_that_echoes_the_key() {
    let key = common::key();
    let answers = [
        format!("HTTP/1.1 {key} {key}\r\n\r\n"),
        format!("{key}\r\n\r\n"),
        format!("HTTP/1.1 200 {key}\r\n{key}\r\n\r\n"),
        format!("HTTP/1.1 200 OK\r\nx-{key}: {key}\r\n{key}: {key}\r\n\r\n"),
        format!("HTTP/1.1 200 OK\r\nx-a: {}\r\n\r\n", key.repeat(2000)),
        format!("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n{key}\r\n{key}\r\n"),
        format!("HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n{{\"{key}\": \"{key}"),
        format!("HTTP/1.1 200 OK\r\ncontent-length: {key}\r\n\r\n{key}"),
        format!("HTTP/9.{key} 200 OK\r\n\r\n"),
    ];
    for answer in answers {
        let (url, server) = common::answer_once(answer.clone().into_bytes());
        let err = common::client(&url).models().unwrap_err();
        assert!(
            matches!(err, Error::Transport(_) | Error::Decode(_)),
            "{answer:?}: {err:?}"
        );
        assert_clean(&err);
        server.join().unwrap();
    }
}

#[test]
fn a_base_url_holding_the_key_is_refused_without_quoting_it() {
    let key = common::key();
    let secret = &key[3..];
    for base in [
        format!("https://api.example/{key}"),
        format!("https://{secret}.example"),
        format!("http://127.0.0.1:9/{}", &secret[..10]),
        format!("{key}://nowhere"),
        format!("not a url {key}"),
    ] {
        let err = FreddyClient::builder()
            .api_key(&key)
            .base_url(&base)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidBaseUrl(_)), "{base}: {err:?}");
        assert_clean(&err);
    }
}

#[test]
fn refusals_before_sending_hold_no_key() {
    let key = common::key();
    let secret = &key[3..];
    let client = common::client("http://127.0.0.1:9");
    let errors = [
        client
            .authenticated_get(&format!("models?key={key}"))
            .unwrap_err(),
        client
            .authenticated_get(&format!("{secret}/../x"))
            .unwrap_err(),
        client
            .authenticated_get(&format!("https://{secret}.example"))
            .unwrap_err(),
        client.api_keys(&key).list(1, 1).unwrap_err(),
        client.api_keys("org_1").get(secret).unwrap_err(),
        client
            .api_keys(format!("org {key}"))
            .list(1, 1)
            .unwrap_err(),
        client.usage(secret).limits(None).unwrap_err(),
        client.responses().cancel(&format!("{key}/x")).unwrap_err(),
        FreddyClient::new(format!("{key}!")).unwrap_err(),
        FreddyClient::new(format!("{key}{key}")).unwrap_err(),
        FreddyClient::new(secret).unwrap_err(),
        FreddyClient::new(format!("Bearer {key}")).unwrap_err(),
    ];
    for err in &errors {
        assert!(err.status().is_none(), "nothing was sent: {err:?}");
        assert_clean(err);
    }
}
