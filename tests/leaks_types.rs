//! No public type shows the key: `{:?}`, `{:#?}` (and `{}` where there is one) of every type
//! that holds the key or text about it hold no 8-character run of the key's secret part.
//!
//! The error types are exercised with every failure class in `leaks_errors.rs` and
//! `leaks_stream.rs`; the doctor's report in `leaks_doctor.rs`.
mod common;

use freddy::api_keys::NewApiKey;
use freddy::mock::MockFreddy;
use freddy::{ApiKey, FreddyClient, KeyError};
use mockito::Server;
use serde_json::json;

#[test]
fn keys_and_key_errors() {
    for n in 0..16 {
        let key = common::fake_key(n);
        let secret = &key[3..];
        let parsed: ApiKey = key.parse().unwrap();
        common::assert_no_leak(&key, &common::debug_text(&parsed));
        let inputs = [
            format!("{key}!"),
            format!("{key}{key}"),
            format!("{key}xy"),
            secret.to_owned(),
            format!("Bearer {key}"),
            format!("\"{key}\""),
            format!("{} {}", &key[..20], &key[20..]),
            format!("{key}\n{key}"),
            format!("ak_{}é{}", &secret[..15], &secret[15..]),
        ];
        for input in inputs {
            let error: KeyError = input.parse::<ApiKey>().unwrap_err();
            common::assert_no_leak(&key, &common::error_text(&error));
            let error = FreddyClient::new(&input).unwrap_err();
            common::assert_no_leak(&key, &common::error_text(&error));
            let builder = FreddyClient::builder().api_key(&input);
            common::assert_no_leak(&key, &common::debug_text(&builder));
        }
    }
}

#[test]
fn clients_and_builders() {
    let key = common::key();
    let next = common::fake_key(1);
    let builder = FreddyClient::builder()
        .api_key(&key)
        .base_url(&format!("https://api.example/{key}"));
    common::assert_no_leak(&key, &common::debug_text(&builder));
    let builder = common::builder("http://127.0.0.1:9");
    common::assert_no_leak(&key, &common::debug_text(&builder));

    let client = builder.build().unwrap();
    let clone = client.clone();
    let shown = format!(
        "{}{}{}{}",
        common::debug_text(&client),
        common::debug_text(&client.api_key()),
        common::debug_text(&client.responses()),
        common::debug_text(&clone),
    );
    common::assert_no_leak(&key, &shown);

    client.set_api_key(next.parse().unwrap());
    let shown = common::debug_text(&clone);
    common::assert_no_leak(&key, &shown);
    common::assert_no_leak(&next, &shown);
}

#[test]
fn api_key_and_usage_handles_given_the_key_as_an_organisation_id() {
    let key = common::key();
    let client = common::client("http://127.0.0.1:9");
    for org in [
        key.clone(),
        key[3..].to_owned(),
        format!("org_{}", &key[5..20]),
    ] {
        let keys = client.api_keys(&org);
        let shown = format!(
            "{}{}{}",
            common::debug_text(&keys),
            common::debug_text(&keys.pages(10)),
            common::debug_text(&client.usage(&org)),
        );
        common::assert_no_leak(&key, &shown);
    }
    let shown = common::debug_text(&client.api_keys("org_1"));
    assert!(shown.contains("org_1"), "{shown}");
}

#[test]
fn a_created_or_rotated_key_quoted_elsewhere_in_the_answer() {
    let new = common::fake_key(3);
    let mut server = Server::new();
    let description = json!({
        "id": "key_9", "key": new, "key_prefix": &new[..14], "key_name": "Dev",
        "message": format!("Created {new}. Store it now."),
        "metadata": {"note": format!("copy of {new}")},
    });
    server
        .mock("POST", "/v1/organizations/org_1/api-keys")
        .with_body(description.to_string())
        .create();
    server
        .mock("POST", "/v1/organizations/org_1/api-keys/key_1/rotate")
        .with_body(
            json!({"success": true, "message": format!("rotated to {new}"), "old_key_id": "key_1",
                   "new_key": description, "echo": [new]})
            .to_string(),
        )
        .create();
    let keys = common::client(&server.url());
    let keys = keys.api_keys("org_1");

    let created = keys.create(&NewApiKey::new("Dev")).unwrap();
    assert_eq!(created.key.expose_secret(), new);
    assert_eq!(created.info.id, "key_9");
    assert_eq!(created.info.key_name.as_deref(), Some("Dev"));
    let shown = format!(
        "{}{}",
        common::debug_text(&created),
        serde_json::to_string(&created.info).unwrap()
    );
    common::assert_no_leak(&new, &shown);

    let rotated = keys.rotate("key_1").unwrap();
    assert_eq!(rotated.new_key.key.expose_secret(), new);
    assert_eq!(rotated.old_key_id.as_deref(), Some("key_1"));
    common::assert_no_leak(&new, &common::debug_text(&rotated));
}

#[test]
fn key_descriptions_never_keep_a_plaintext_key() {
    let key = common::key();
    let mut server = Server::new();
    let info = json!({"id": "key_1", "key": key, "key_name": "Dev"});
    server
        .mock("GET", "/v1/organizations/org_1/api-keys/key_1")
        .with_body(info.to_string())
        .create();
    server
        .mock("POST", "/v1/organizations/org_1/api-keys/key_1/pause")
        .with_body(json!({"success": true, "key": info, "extra": {"key": key}}).to_string())
        .create();
    let client = common::client(&server.url());
    let keys = client.api_keys("org_1");
    let got = keys.get("key_1").unwrap();
    let paused = keys.pause("key_1").unwrap();
    assert_eq!(got.key_name.as_deref(), Some("Dev"));
    assert_eq!(paused.key.as_ref().map(|k| k.id.as_str()), Some("key_1"));
    let shown = format!(
        "{}{}",
        common::debug_text(&got),
        common::debug_text(&paused)
    );
    common::assert_no_leak(&key, &shown);
}

#[test]
fn the_mock_server_and_what_it_recorded() {
    let key = common::key();
    let mock = MockFreddy::with_key(key.parse().unwrap());
    let models = mock.models(&["gpt-4o"]);
    let refused = mock.unauthorized().only("GET", "health/");
    let client = mock.client();
    client.models().unwrap();
    let err = client.health().unwrap_err();
    let stranger = FreddyClient::builder()
        .api_key(common::fake_key(2))
        .base_url(&mock.base_url())
        .build()
        .unwrap();
    stranger.models().unwrap_err();
    let shown = format!(
        "{}{}{}{}{}{}",
        common::debug_text(&mock),
        common::debug_text(&models),
        common::debug_text(&refused),
        common::debug_text(&mock.requests()),
        common::debug_text(mock.api_key()),
        common::error_text(&err),
    );
    common::assert_no_leak(&key, &shown);
    common::assert_no_leak(&common::fake_key(2), &shown);
    assert_eq!(mock.requests().len(), 3);
}
