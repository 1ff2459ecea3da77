//! Spending limits: the status is read (typed, both casings), and an update is sent as
//! snake_case with the API's rules checked before anything goes out.
mod common;

use freddy::usage::{LimitLevel, LimitsUpdate, Month};
use freddy::Error;
use mockito::{Matcher, Server};
use serde_json::json;

const LIMITS: &str = "/v1/analytics/usage/limits/org_1";

#[test]
fn limits_are_read_for_a_month() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", format!("{LIMITS}?month=12&year=2025").as_str())
        .match_header("x-api-key", common::key().as_str())
        .with_body(
            json!({
                "organization_limits": {"monthly_limit": 500.0, "current_usage": 410.5,
                                        "utilization_percentage": 82.1, "remaining_budget": 89.5,
                                        "status": "warning"},
                "api_limits": {"monthly_limit": null, "current_usage": 12, "utilization_percentage": 0,
                               "remaining_budget": null, "status": "no_limit"},
                "api_key_limits": [
                    {"api_key_id": "key_1", "api_key_name": "Production App", "monthly_limit": "50.00",
                     "current_usage": 61.2, "utilization_percentage": 122.4, "status": "exceeded"},
                    {"apiKeyId": "key_2", "apiKeyName": "Dev", "monthlyLimit": 10, "currentUsage": 1,
                     "utilizationPercentage": 10, "status": "ok"}
                ],
                "summary": {"total_keys": 2, "keys_with_limits": 2, "keys_exceeded": 1,
                            "overall_status": "exceeded"},
                "currency": "CHF"
            })
            .to_string(),
        )
        .create();
    let client = common::client(&server.url());
    let limits = client
        .usage("org_1")
        .limits(Some(Month::new(2025, 12).unwrap()))
        .unwrap();
    mock.assert();
    let org = limits.organization_limits.unwrap();
    assert_eq!(org.monthly_limit, Some(500.0));
    assert_eq!(org.remaining_budget, Some(89.5));
    assert_eq!(org.status, Some(LimitLevel::Warning));
    let api = limits.api_limits.unwrap();
    assert_eq!((api.monthly_limit, api.current_usage), (None, Some(12.0)));
    assert_eq!(api.status, Some(LimitLevel::NoLimit));
    let [first, second] = &limits.api_key_limits[..] else {
        panic!("two keys")
    };
    assert_eq!(first.api_key_id.as_deref(), Some("key_1"));
    assert_eq!(first.monthly_limit, Some(50.0));
    assert_eq!(first.status, Some(LimitLevel::Exceeded));
    assert_eq!(second.api_key_name.as_deref(), Some("Dev"));
    assert_eq!(second.utilization_percentage, Some(10.0));
    let summary = limits.summary.unwrap();
    assert_eq!(
        (summary.total_keys, summary.keys_exceeded),
        (Some(2), Some(1))
    );
    assert_eq!(summary.overall_status, Some(LimitLevel::Exceeded));
    assert_eq!(limits.extra["currency"], "CHF");
}

#[test]
fn without_a_month_no_query_is_sent_and_unknown_statuses_are_kept() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", LIMITS)
        .with_body(r#"{"organization_limits": {"status": "throttled"}}"#)
        .create();
    let limits = common::client(&server.url())
        .usage("org_1")
        .limits(None)
        .unwrap();
    mock.assert();
    let status = limits.organization_limits.unwrap().status.unwrap();
    assert_eq!(status, LimitLevel::Other("throttled".to_owned()));
    assert!(limits.api_key_limits.is_empty());
}

#[test]
fn an_update_is_put_in_snake_case() {
    let mut server = Server::new();
    let mock = server
        .mock("PUT", LIMITS)
        .match_header("content-type", Matcher::Regex("^application/json".into()))
        .match_body(Matcher::Json(json!({
            "monthly_api_limit": 500.0, "total_api_key_limit": 400.0,
            "api_key_id": "key_1", "api_key_limit": 50.0
        })))
        .with_body(r#"{"success": true, "message": "Limits updated"}"#)
        .create();
    let update = LimitsUpdate::new()
        .monthly_api_limit(500.0)
        .total_api_key_limit(400.0)
        .api_key_limit("key_1", 50.0);
    let answer = common::client(&server.url())
        .usage("org_1")
        .set_limits(&update)
        .unwrap();
    mock.assert();
    assert_eq!(answer.success, Some(true));
    assert_eq!(answer.message.as_deref(), Some("Limits updated"));
}

#[test]
fn updates_breaking_the_rules_are_refused_before_sending() {
    let mut server = Server::new();
    let mock = server.mock("PUT", Matcher::Any).expect(0).create();
    let client = common::client(&server.url());
    let usage = client.usage("org_1");
    for update in [
        LimitsUpdate::new(),
        LimitsUpdate::new().monthly_api_limit(0.0),
        LimitsUpdate::new().total_api_key_limit(-5.0),
        LimitsUpdate::new().api_key_limit("key_1", f64::INFINITY),
        LimitsUpdate::new().api_key_limit(" ", 5.0),
        LimitsUpdate::new()
            .monthly_api_limit(100.0)
            .total_api_key_limit(150.0),
    ] {
        let err = usage.set_limits(&update).unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(_)),
            "{update:?}: {err:?}"
        );
    }
    mock.assert();
}

#[test]
fn a_limit_above_the_organisations_is_explained() {
    let server = Server::new();
    let client = common::client(&server.url());
    let update = LimitsUpdate::new()
        .monthly_api_limit(100.0)
        .total_api_key_limit(150.0);
    let err = client.usage("org_1").set_limits(&update).unwrap_err();
    assert!(
        err.to_string().contains("above the organisation's limit"),
        "{err}"
    );
}
