//! `X-RateLimit-*` and `Retry-After` headers become `client.rate_limit()` and the error's
//! `rate_limit()` / `retry_after()`.
mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use freddy::{Error, RateLimit};
use mockito::Server;

const RESET: u64 = 1_640_995_200;

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form servers send in `Retry-After`.
fn http_date(at: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = at.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let (days, time) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil_from_days, for dates after 1970.
    let z = days + 719_468;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        time / 3600,
        time % 3600 / 60,
        time % 60
    )
}

#[test]
fn the_three_headers_become_the_clients_rate_limit_shared_by_clones() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .with_header("x-ratelimit-limit", "100")
        .with_header("x-ratelimit-remaining", "95")
        .with_header("x-ratelimit-reset", &RESET.to_string())
        .with_body("{}")
        .create();
    let client = common::client(&server.url());
    let clone = client.clone();
    assert_eq!(
        client.rate_limit(),
        None,
        "nothing seen before the first call"
    );

    clone.authenticated_get("models").unwrap();

    let expected = RateLimit {
        limit: 100,
        remaining: 95,
        reset: RESET,
    };
    assert_eq!(clone.rate_limit(), Some(expected));
    assert_eq!(
        client.rate_limit(),
        Some(expected),
        "clones share the last seen rate limit"
    );
    assert_eq!(client.clone().rate_limit(), Some(expected));
    mock.assert();
}

#[test]
fn a_rate_limit_needs_all_three_headers_to_parse() {
    let cases: [&[(&str, &str)]; 4] = [
        &[
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-remaining", "95"),
        ],
        &[
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-reset", "1640995200"),
        ],
        &[
            ("x-ratelimit-limit", "many"),
            ("x-ratelimit-remaining", "95"),
            ("x-ratelimit-reset", "1640995200"),
        ],
        &[
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-remaining", "-1"),
            ("x-ratelimit-reset", "1640995200"),
        ],
    ];
    for headers in cases {
        let mut server = Server::new();
        let mut mock = server.mock("GET", "/v1/models").with_body("{}");
        for (name, value) in headers {
            mock = mock.with_header(*name, value);
        }
        let mock = mock.create();
        let client = common::client(&server.url());
        client.authenticated_get("models").unwrap();
        assert_eq!(client.rate_limit(), None, "headers {headers:?}");
        mock.assert();
    }
}

#[test]
fn a_response_without_the_headers_keeps_the_last_seen_rate_limit() {
    let mut server = Server::new();
    server
        .mock("GET", "/v1/first")
        .with_header("x-ratelimit-limit", "100")
        .with_header("x-ratelimit-remaining", "7")
        .with_header("x-ratelimit-reset", &RESET.to_string())
        .with_body("{}")
        .create();
    server
        .mock("GET", "/v1/second")
        .with_header("x-ratelimit-limit", "100")
        .with_body("{}")
        .create();
    let client = common::client(&server.url());
    client.authenticated_get("first").unwrap();
    client.authenticated_get("second").unwrap();
    assert_eq!(client.rate_limit().map(|r| r.remaining), Some(7));
}

#[test]
fn an_error_carries_the_rate_limit_that_came_with_it() {
    let mut server = Server::new();
    server
        .mock("GET", "/v1/models")
        .with_status(403)
        .with_header("x-ratelimit-limit", "100")
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", &RESET.to_string())
        .with_body(
            r#"{"success": false, "error": {"code": "INSUFFICIENT_PERMISSIONS", "message": "no"}}"#,
        )
        .create();
    let client = common::client(&server.url());
    let err = client.authenticated_get("models").unwrap_err();
    let Error::Forbidden(api) = &err else {
        panic!("expected Forbidden, got {err:?}")
    };
    let expected = RateLimit {
        limit: 100,
        remaining: 0,
        reset: RESET,
    };
    assert_eq!(api.rate_limit(), Some(expected));
    assert_eq!(
        client.rate_limit(),
        Some(expected),
        "error responses update the client too"
    );
    assert_eq!(
        api.retry_after(),
        None,
        "only a 429 derives a wait from X-RateLimit-Reset"
    );
}

#[test]
fn reset_at_is_the_reset_as_a_point_in_time() {
    let limit = RateLimit {
        limit: 100,
        remaining: 95,
        reset: RESET,
    };
    assert_eq!(
        limit.reset_at(),
        Some(UNIX_EPOCH + Duration::from_secs(RESET))
    );
}

#[test]
fn retry_after_in_seconds_is_reported() {
    for status in [429, 503] {
        let mut server = Server::new();
        server
            .mock("GET", "/v1/models")
            .with_status(status)
            .with_header("retry-after", "30")
            .create();
        let err = common::client(&server.url())
            .authenticated_get("models")
            .unwrap_err();
        let api = err
            .api_error()
            .unwrap_or_else(|| panic!("an API error, got {err:?}"));
        assert_eq!(
            api.retry_after(),
            Some(Duration::from_secs(30)),
            "status {status}"
        );
    }
}

#[test]
fn retry_after_as_an_http_date_is_the_time_until_then() {
    assert_eq!(
        http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
    let mut server = Server::new();
    let future = http_date(SystemTime::now() + Duration::from_secs(90));
    server
        .mock("GET", "/v1/later")
        .with_status(429)
        .with_header("retry-after", &future)
        .create();
    server
        .mock("GET", "/v1/past")
        .with_status(503)
        .with_header("retry-after", "Thu, 01 Jan 2015 00:00:00 GMT")
        .create();
    let client = common::client(&server.url());

    let err = client.authenticated_get("later").unwrap_err();
    let wait = err
        .api_error()
        .and_then(|e| e.retry_after())
        .expect("a retry-after");
    assert!(
        (Duration::from_secs(85)..=Duration::from_secs(90)).contains(&wait),
        "{future} gave {wait:?}"
    );

    let err = client.authenticated_get("past").unwrap_err();
    let wait = err.api_error().and_then(|e| e.retry_after());
    assert_eq!(wait, Some(Duration::ZERO), "a date in the past means now");
}

#[test]
fn a_429_without_retry_after_waits_until_the_rate_limit_resets() {
    let mut server = Server::new();
    let reset = now_secs() + 30;
    server
        .mock("GET", "/v1/models")
        .with_status(429)
        .with_header("x-ratelimit-limit", "100")
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", &reset.to_string())
        .create();
    let err = common::client(&server.url())
        .authenticated_get("models")
        .unwrap_err();
    let Error::RateLimited(api) = &err else {
        panic!("expected RateLimited, got {err:?}")
    };
    assert_eq!(api.rate_limit().map(|r| r.reset), Some(reset));
    let wait = api
        .retry_after()
        .expect("a wait derived from X-RateLimit-Reset");
    assert!(
        (Duration::from_secs(25)..=Duration::from_secs(30)).contains(&wait),
        "{wait:?}"
    );
}
