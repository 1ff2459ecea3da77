//! `client.models()` reads the catalogue into typed models, keeping unknown fields.
mod common;

use mockito::Server;

#[test]
fn models_are_typed_and_keep_what_is_not() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", common::key().as_str())
        .with_body(
            r#"{"models": [
                {"id": "mdl_1", "key": "gpt-4o", "name": "GPT-4o", "provider": "openai",
                 "capabilities": ["vision", "tools"], "context_window": 128000,
                 "is_visible_in_ui": true, "is_deprecated": false,
                 "availability_status": "general_availability", "badge": "recommended"},
                {"id": "mdl_2", "key": "claude-3-5-sonnet", "name": "Claude", "capabilities": null}
               ], "total_count": 2, "page": 1}"#,
        )
        .create();
    let list = common::client(&server.url()).models().unwrap();
    assert_eq!(list.total_count, Some(2));
    assert_eq!(list.extra["page"], 1);
    let gpt = &list.models[0];
    assert_eq!(
        (gpt.id.as_str(), gpt.key.as_str(), gpt.name.as_str()),
        ("mdl_1", "gpt-4o", "GPT-4o")
    );
    assert_eq!(gpt.capabilities, ["vision", "tools"]);
    assert_eq!(gpt.context_window, Some(128_000));
    assert!(gpt.is_visible_in_ui && !gpt.is_deprecated);
    assert_eq!(
        gpt.availability_status.as_deref(),
        Some("general_availability")
    );
    assert_eq!(gpt.extra["badge"], "recommended");
    let claude = &list.models[1];
    assert!(claude.capabilities.is_empty());
    assert_eq!(claude.provider, None);
    mock.assert();
}

#[test]
fn query_parameters_go_through_the_typed_get() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models?include_pricing=true")
        .with_body(r#"{"models": [{"key": "gpt-4o", "pricing": {"message": 0.01}}]}"#)
        .create();
    let list: freddy::ModelList = common::client(&server.url())
        .get("models?include_pricing=true")
        .unwrap();
    assert_eq!(
        list.models[0].pricing,
        Some(serde_json::json!({"message": 0.01}))
    );
    assert_eq!(list.total_count, None);
    mock.assert();
}
