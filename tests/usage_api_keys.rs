//! API-key usage: per key, the month's summary, day by day, and the top keys, each at its own
//! path with its query, parsed leniently.
mod common;

use freddy::usage::{Month, TopKeysOptions, TopKeysPeriod};
use freddy::Error;
use mockito::Server;
use serde_json::json;

fn december() -> Month {
    Month::new(2025, 12).unwrap()
}

#[test]
fn one_keys_usage_is_read() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/analytics/api-keys/usage/org_1/key_1?month=12&year=2025")
        .match_header("x-api-key", common::key().as_str())
        .with_body(
            json!({"api_key_id": "key_1", "api_key_name": "Production App", "organization_id": "org_1",
                   "month": 12, "year": 2025,
                   "usage": {"requests": 1200, "cost": 4.2, "synapses": 10, "neurons": 20},
                   "limit": {"monthly_limit": 50.0, "status": "ok"}})
            .to_string(),
        )
        .create();
    let usage = common::client(&server.url())
        .usage("org_1")
        .api_key("key_1", Some(december()))
        .unwrap();
    mock.assert();
    assert_eq!(usage.api_key_id.as_deref(), Some("key_1"));
    assert_eq!((usage.month, usage.year), (Some(12), Some(2025)));
    assert_eq!(usage.usage.unwrap()["requests"], 1200);
    assert_eq!(usage.limit.unwrap()["status"], "ok");
}

#[test]
fn the_months_summary_is_read() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/analytics/api-keys/summary/org_1")
        .with_body(
            json!({"organization_id": "org_1", "month": 12, "year": 2025, "total_api_key_requests": 1500,
                   "total_api_key_cost": "5.75", "average_cost_per_request": 0.0038, "total_synapses": 100,
                   "total_neurons": 250.5, "generated_at": "2025-12-23T10:00:00Z"})
            .to_string(),
        )
        .create();
    let summary = common::client(&server.url())
        .usage("org_1")
        .api_key_summary(None)
        .unwrap();
    mock.assert();
    assert_eq!(summary.total_api_key_requests, Some(1500));
    assert_eq!(summary.total_api_key_cost, Some(5.75));
    assert_eq!(summary.average_cost_per_request, Some(0.0038));
    assert_eq!(summary.total_neurons, Some(250.5));
    assert_eq!(
        summary.generated_at.as_deref(),
        Some("2025-12-23T10:00:00Z")
    );
}

#[test]
fn daily_usage_is_read_day_by_day() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/analytics/api-keys/daily/org_1?month=12&year=2025")
        .with_body(
            json!({"organization_id": "org_1", "period": {"start": "2025-12-01", "end": "2025-12-31"},
                   "daily_usage": [
                       {"date": "2025-12-01", "requests": 10, "cost": 0.1, "synapses": 1, "neurons": 2},
                       {"date": "2025-12-02", "requests": "12", "cost": "0.2"}
                   ],
                   "summary": {"total_api_key_requests": 22}})
            .to_string(),
        )
        .create();
    let daily = common::client(&server.url())
        .usage("org_1")
        .api_key_daily(Some(december()))
        .unwrap();
    mock.assert();
    assert_eq!(daily.period.unwrap()["start"], "2025-12-01");
    let days: Vec<_> = daily
        .daily_usage
        .iter()
        .map(|d| (d.date.as_deref(), d.requests, d.cost))
        .collect();
    assert_eq!(
        days,
        [
            (Some("2025-12-01"), Some(10), Some(0.1)),
            (Some("2025-12-02"), Some(12), Some(0.2))
        ]
    );
    assert_eq!(daily.summary.unwrap().total_api_key_requests, Some(22));
}

#[test]
fn top_keys_use_their_own_path_order_and_options() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/analytics/org_1/api-keys/top/12/2025?limit=5&period=daily")
        .with_body(
            json!({"organization_id": "org_1",
                   "top_keys": [{"api_key_id": "key_1", "total_cost": 4.2}, {"api_key_id": "key_2"}]})
            .to_string(),
        )
        .create();
    let options = TopKeysOptions::new().limit(5).period(TopKeysPeriod::Daily);
    let top = common::client(&server.url())
        .usage("org_1")
        .top_api_keys(december(), &options)
        .unwrap();
    mock.assert();
    let ids: Vec<_> = top
        .entries()
        .iter()
        .map(|e| e["api_key_id"].as_str())
        .collect();
    assert_eq!(ids, [Some("key_1"), Some("key_2")]);
    assert_eq!(top.raw["organization_id"], "org_1");
}

#[test]
fn no_usage_is_an_empty_list() {
    let mut server = Server::new();
    server
        .mock("GET", "/v1/analytics/org_1/api-keys/top/12/2025")
        .with_body("[]")
        .create();
    let top = common::client(&server.url())
        .usage("org_1")
        .top_api_keys(december(), &TopKeysOptions::new())
        .unwrap();
    assert!(top.entries().is_empty());
}

#[test]
fn a_top_limit_outside_1_to_100_and_a_month_13_are_refused() {
    let server = Server::new();
    let client = common::client(&server.url());
    let err = client
        .usage("org_1")
        .top_api_keys(december(), &TopKeysOptions::new().limit(101))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(matches!(
        Month::new(2025, 13),
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(Month::new(2025, 0), Err(Error::InvalidRequest(_))));
}
