//! Finding the id of a key you hold: list every page and match the key against each prefix.
mod common;

use freddy::ApiKey;
use mockito::Server;
use serde_json::json;

#[test]
fn the_key_in_use_is_found_by_its_prefix_across_pages() {
    let key = common::key();
    let mut server = Server::new();
    let keys = "/v1/organizations/org_1/api-keys";
    let other = common::fake_key(2);
    let first: Vec<_> = (0..100)
        .map(|i| json!({"id": format!("k{i}"), "key_prefix": &other[..8]}))
        .collect();
    let page1 = server
        .mock("GET", format!("{keys}?page=1&page_size=100").as_str())
        .with_body(json!({"keys": first, "total": 103}).to_string())
        .create();
    let page2 = server
        .mock("GET", format!("{keys}?page=2&page_size=100").as_str())
        .with_body(
            json!({"keys": [
                {"id": "mine", "key_prefix": format!("{}...", &key[..8])},
                {"id": "bare", "key_prefix": "ak_"},
                {"id": "none"}
            ], "total": 103})
            .to_string(),
        )
        .create();
    let client = common::client(&server.url());
    let found = client
        .api_keys("org_1")
        .find_by_key(&ApiKey::new(&key).unwrap())
        .unwrap();
    page1.assert();
    page2.assert();
    let ids: Vec<_> = found.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, ["mine"]);
}
