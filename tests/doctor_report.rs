//! The doctor as a library: a tool gets a typed report (checks, the live call's error, the
//! rate limit), and its text never holds the key.
mod common;

use std::time::Duration;

use freddy::doctor::{self, CheckKind, DoctorOptions, Outcome};
use freddy::{Error, KeyError};
use mockito::Server;

fn options(url: &str) -> DoctorOptions {
    DoctorOptions::new()
        .base_url(url)
        .timeout(Duration::from_secs(5))
}

#[test]
fn a_refused_key_gives_typed_findings() {
    let mut server = Server::new();
    server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", common::key().as_str())
        .with_status(401)
        .with_header("x-ratelimit-limit", "100")
        .with_header("x-ratelimit-remaining", "99")
        .with_header("x-ratelimit-reset", "4102444800")
        .with_body(r#"{"error": {"code": "INVALID_API_KEY", "message": "expired"}}"#)
        .create();
    let report = doctor::run(&options(&server.url()).api_key(common::key()));
    assert!(!report.is_ok());
    let outcomes: Vec<_> = report
        .checks()
        .iter()
        .map(|c| (c.kind(), c.outcome()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (CheckKind::KeySet, Outcome::Pass),
            (CheckKind::KeyFormat, Outcome::Pass),
            (CheckKind::LiveCall, Outcome::Fail),
            (CheckKind::RateLimit, Outcome::Pass),
        ]
    );
    let Some(Error::Unauthorized(api)) = report.error() else {
        panic!("{:?}", report.error())
    };
    assert_eq!(api.code(), "INVALID_API_KEY");
    assert_eq!(report.rate_limit().map(|r| r.remaining), Some(99));
    let text = format!(
        "{report}{report:?}{:?}",
        options(&server.url()).api_key(common::key())
    );
    assert_eq!(
        common::leaked_windows(&common::key(), &text),
        Vec::<String>::new()
    );
}

#[test]
fn a_malformed_key_is_typed_and_nothing_is_sent() {
    let mut server = Server::new();
    let mock = server.mock("GET", "/v1/models").expect(0).create();
    let short = &common::key()[..30];
    let report = doctor::run(&options(&server.url()).api_key(short));
    mock.assert();
    assert_eq!(report.key_error(), Some(KeyError::WrongLength { len: 30 }));
    assert_eq!(
        report.check(CheckKind::LiveCall).unwrap().outcome(),
        Outcome::Skip
    );
    assert!(report.error().is_none());
    assert_eq!(
        common::leaked_windows(short, &format!("{report}{report:?}")),
        Vec::<String>::new()
    );
}
