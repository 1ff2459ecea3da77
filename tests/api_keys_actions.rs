//! Activate, deactivate, pause and unpause: a POST with no body to `{key_id}/{action}`,
//! answered with the action envelope whose `key` is the key's description.
mod common;

use freddy::api_keys::{ApiKeyAction, ApiKeys};
use freddy::Error;
use mockito::{Matcher, Server};
use serde_json::json;

type Action = fn(&ApiKeys<'_>, &str) -> Result<ApiKeyAction, Error>;

#[test]
fn each_action_posts_to_its_own_path_and_reads_the_answer() {
    let actions: [(&str, Action, bool, bool); 4] = [
        ("activate", |keys, id| keys.activate(id), true, false),
        ("deactivate", |keys, id| keys.deactivate(id), false, false),
        ("pause", |keys, id| keys.pause(id), true, true),
        ("unpause", |keys, id| keys.unpause(id), true, false),
    ];
    for (name, action, active, paused) in actions {
        let mut server = Server::new();
        let mock = server
            .mock(
                "POST",
                format!("/v1/organizations/org_1/api-keys/key_1/{name}").as_str(),
            )
            .match_header("x-api-key", common::key().as_str())
            .match_header("content-type", Matcher::Missing)
            .match_body("")
            .with_body(
                json!({"success": true, "message": format!("API key {name}d"),
                       "key": {"id": "key_1", "is_active": active, "is_paused": paused}})
                .to_string(),
            )
            .create();
        let client = common::client(&server.url());
        let answer = action(&client.api_keys("org_1"), "key_1").unwrap();
        mock.assert();
        assert_eq!(answer.success, Some(true), "{name}");
        assert_eq!(answer.message, Some(format!("API key {name}d")));
        let key = answer.key.unwrap();
        assert_eq!(
            (key.is_active, key.is_paused),
            (Some(active), Some(paused)),
            "{name}"
        );
    }
}

#[test]
fn an_action_answer_without_a_key_object_still_parses() {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/organizations/org_1/api-keys/key_1/pause")
        .with_body(r#"{"success": false, "message": "already paused", "key": null}"#)
        .create();
    let client = common::client(&server.url());
    let answer = client.api_keys("org_1").pause("key_1").unwrap();
    assert_eq!(answer.success, Some(false));
    assert!(answer.key.is_none());
}
