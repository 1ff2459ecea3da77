//! `freddy::mock`: the API-key endpoints, enough for a rotation to run against the stand-in.
#![cfg(feature = "mock")]
mod common;

use freddy::api_keys::NewApiKey;
use freddy::mock::MockFreddy;
use freddy::ApiKey;

const ORG: &str = "org_mock";

#[test]
fn a_whole_rotation_runs_against_the_stand_in() {
    let mock = MockFreddy::start();
    let new_key: ApiKey = common::fake_key(3).parse().unwrap();
    let list = mock.list_api_keys(ORG);
    let create = mock.create_api_key(ORG, &new_key);
    let delete = mock.delete_api_key(ORG, "key_mock0");
    mock.models(&["gpt-4o"]);

    let client = mock.client();
    let keys = client.api_keys(ORG);
    let old = keys.find_by_key(&client.api_key()).unwrap();
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].id, "key_mock0");

    let created = keys.create(&NewApiKey::new("Production App")).unwrap();
    assert_eq!(created.key, new_key);
    assert!(!format!("{created:?}").contains(new_key.expose_secret()));
    client.set_api_key(created.key.clone());
    client.models().unwrap();
    assert_eq!(keys.delete(&old[0].id).unwrap().success, Some(true));

    list.assert_hits(1);
    create.assert_hits(1);
    delete.assert_hits(1);
    assert_eq!(create.last_body().unwrap()["key_name"], "Production App");
    mock.assert_key_sent();
    mock.assert_no_unexpected_requests();
}

#[test]
fn rotate_get_and_actions_answer() {
    let mock = MockFreddy::start();
    let new_key: ApiKey = common::fake_key(4).parse().unwrap();
    mock.rotate_api_key(ORG, "key_mock0", &new_key);
    mock.get_api_key(ORG, "key_mock0");
    mock.api_key_action(ORG, "key_mock0", "pause");
    let client = mock.client();
    let keys = client.api_keys(ORG);
    let rotated = keys.rotate("key_mock0").unwrap();
    assert_eq!(rotated.new_key.key, new_key);
    assert_eq!(keys.get("key_mock0").unwrap().id, "key_mock0");
    let paused = keys.pause("key_mock0").unwrap();
    assert_eq!(paused.success, Some(true));
    // The rotated-in key is accepted by the stand-in.
    let rotated_client = mock.client_builder().key(new_key).build().unwrap();
    mock.health();
    rotated_client.health().unwrap();
    mock.assert_key_sent();
}
