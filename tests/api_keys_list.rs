//! Listing keys: `page`/`page_size` in the query, the page parsed leniently, the iterator
//! walking every page and stopping, and no plaintext key surviving anywhere in the result.
mod common;

use freddy::Error;
use mockito::{Matcher, Server};
use serde_json::json;

const KEYS: &str = "/v1/organizations/org_1/api-keys";

fn info(id: &str) -> serde_json::Value {
    json!({
        "id": id, "organization_id": "org_1", "key_name": "Production App", "key_prefix": "ak_Ab3",
        "is_active": true, "is_paused": false, "usage_limit_chf": 50.0, "scopes": ["responses"],
        "metadata": {"deletable": false}, "created_by": "usr_1", "created_at": "2025-01-15T09:00:00Z",
        "last_used_at": null, "expires_at": null, "team": "platform"
    })
}

#[test]
fn list_asks_for_a_page_and_parses_it() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", format!("{KEYS}?page=2&page_size=10").as_str())
        .match_header("x-api-key", common::key().as_str())
        .with_body(json!({"keys": [info("key_1")], "total": 11, "page": 2, "page_size": 10, "cursor": "c"}).to_string())
        .create();
    let page = common::client(&server.url())
        .api_keys("org_1")
        .list(2, 10)
        .unwrap();
    mock.assert();
    assert_eq!(
        (page.total, page.page, page.page_size),
        (Some(11), Some(2), Some(10))
    );
    assert_eq!(page.extra["cursor"], "c");
    let key = &page.keys[0];
    assert_eq!(key.id, "key_1");
    assert_eq!(key.key_name.as_deref(), Some("Production App"));
    assert_eq!(key.key_prefix.as_deref(), Some("ak_Ab3"));
    assert_eq!((key.is_active, key.is_paused), (Some(true), Some(false)));
    assert_eq!(key.usage_limit_chf, Some(50.0));
    assert_eq!(key.scopes.as_deref(), Some(&["responses".to_owned()][..]));
    assert_eq!(key.metadata, Some(json!({"deletable": false})));
    assert_eq!(key.created_at.as_deref(), Some("2025-01-15T09:00:00Z"));
    assert_eq!(key.last_used_at, None);
    assert_eq!(key.extra["team"], "platform");
}

#[test]
fn camel_case_names_and_amounts_as_strings_are_read_too() {
    let mut server = Server::new();
    server
        .mock("GET", format!("{KEYS}?page=1&page_size=5").as_str())
        .with_body(
            json!({"keys": [{"id": "key_1", "keyName": "Dev", "keyPrefix": "ak_x", "isActive": false,
                             "usageLimitChf": "12.50", "lastUsedAt": "2025-12-01T00:00:00Z"}],
                   "total": "1", "page": 1, "pageSize": 5})
            .to_string(),
        )
        .create();
    let page = common::client(&server.url())
        .api_keys("org_1")
        .list(1, 5)
        .unwrap();
    let key = &page.keys[0];
    assert_eq!(key.key_name.as_deref(), Some("Dev"));
    assert_eq!(key.is_active, Some(false));
    assert_eq!(key.usage_limit_chf, Some(12.5));
    assert_eq!(key.last_used_at.as_deref(), Some("2025-12-01T00:00:00Z"));
    assert_eq!((page.total, page.page_size), (Some(1), Some(5)));
}

#[test]
fn a_plaintext_key_the_server_should_not_have_sent_is_dropped_from_the_result() {
    let stray = common::fake_key(9);
    let mut listed = info("key_1");
    listed["key"] = json!(stray);
    let mut server = Server::new();
    server
        .mock("GET", format!("{KEYS}?page=1&page_size=20").as_str())
        .with_body(json!({"keys": [listed], "total": 1}).to_string())
        .create();
    let page = common::client(&server.url())
        .api_keys("org_1")
        .list(1, 20)
        .unwrap();
    assert!(!page.keys[0].extra.contains_key("key"));
    let shown = format!("{page:?} {}", serde_json::to_string(&page).unwrap());
    assert_eq!(common::leaked_windows(&stray, &shown), Vec::<String>::new());
    assert_eq!(
        common::leaked_windows(&common::key(), &shown),
        Vec::<String>::new()
    );
}

#[test]
fn pages_walks_every_page_then_stops() {
    let mut server = Server::new();
    let first = server
        .mock("GET", format!("{KEYS}?page=1&page_size=2").as_str())
        .with_body(
            json!({"keys": [info("a"), info("b")], "total": 3, "page": 1, "page_size": 2})
                .to_string(),
        )
        .create();
    let second = server
        .mock("GET", format!("{KEYS}?page=2&page_size=2").as_str())
        .with_body(json!({"keys": [info("c")], "total": 3, "page": 2, "page_size": 2}).to_string())
        .create();
    let third = server
        .mock("GET", format!("{KEYS}?page=3&page_size=2").as_str())
        .expect(0)
        .create();
    let client = common::client(&server.url());
    let ids: Vec<String> = client
        .api_keys("org_1")
        .pages(2)
        .map(|page| page.unwrap())
        .flat_map(|page| page.keys)
        .map(|k| k.id)
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    first.assert();
    second.assert();
    third.assert();
}

#[test]
fn pages_go_on_past_a_page_the_server_cut_short() {
    let mut server = Server::new();
    // Asked for 100, the server caps pages at 2 and says so on one answer but not the other.
    let first = server
        .mock("GET", format!("{KEYS}?page=1&page_size=100").as_str())
        .with_body(json!({"keys": [info("a"), info("b")], "page_size": 2}).to_string())
        .create();
    let second = server
        .mock("GET", format!("{KEYS}?page=2&page_size=100").as_str())
        .with_body(json!({"keys": [info("c"), info("d")]}).to_string())
        .create();
    let third = server
        .mock("GET", format!("{KEYS}?page=3&page_size=100").as_str())
        .with_body(json!({"keys": [info("e")], "pageSize": 2}).to_string())
        .create();
    let fourth = server
        .mock("GET", format!("{KEYS}?page=4&page_size=100").as_str())
        .expect(0)
        .create();
    let client = common::client(&server.url());
    let ids: Vec<String> = client
        .api_keys("org_1")
        .list_all()
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    for mock in [first, second, third, fourth] {
        mock.assert();
    }
}

#[test]
fn pages_stop_at_an_empty_page_when_the_server_gives_no_sizes() {
    let mut server = Server::new();
    let first = server
        .mock("GET", format!("{KEYS}?page=1&page_size=5").as_str())
        .with_body(json!({"keys": [info("a")]}).to_string())
        .create();
    let second = server
        .mock("GET", format!("{KEYS}?page=2&page_size=5").as_str())
        .with_body(json!({"keys": []}).to_string())
        .create();
    let client = common::client(&server.url());
    let pages: Vec<_> = client
        .api_keys("org_1")
        .pages(5)
        .map(|page| page.unwrap().keys.len())
        .collect();
    assert_eq!(pages, [1, 0]);
    first.assert();
    second.assert();
}

#[test]
fn pages_stop_when_the_server_ignores_the_page_number() {
    let mut server = Server::new();
    let same = server
        .mock("GET", Matcher::Regex(format!("^{KEYS}\\?page=")))
        .with_body(json!({"keys": [info("a"), info("b")]}).to_string())
        .expect(2)
        .create();
    let client = common::client(&server.url());
    let pages: Vec<_> = client.api_keys("org_1").pages(2).collect();
    assert_eq!(pages.len(), 1);
    same.assert();
}

#[test]
fn an_error_ends_the_iteration_after_being_yielded() {
    let mut server = Server::new();
    server
        .mock("GET", format!("{KEYS}?page=1&page_size=2").as_str())
        .with_status(403)
        .create();
    let client = common::client(&server.url());
    let mut pages = client.api_keys("org_1").pages(2);
    assert!(matches!(pages.next(), Some(Err(Error::Forbidden(_)))));
    assert!(pages.next().is_none());
}

#[test]
fn page_zero_is_refused_before_sending() {
    let server = Server::new();
    let client = common::client(&server.url());
    assert!(matches!(
        client.api_keys("org_1").list(0, 10),
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.api_keys("org_1").list(1, 0),
        Err(Error::InvalidRequest(_))
    ));
}
