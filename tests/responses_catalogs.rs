//! `output_modes()` and `reasoning_levels()` read the API's lists.
mod common;

use mockito::Server;

#[test]
fn output_modes_are_listed() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/model/response/output-modes")
        .with_body(
            r#"{"success": true, "output_modes": [
                {"mode": "text", "description": "Markdown", "is_default": true},
                {"mode": "plain", "description": null, "is_default": false, "beta": true}]}"#,
        )
        .create();
    let modes = common::client(&server.url())
        .responses()
        .output_modes()
        .unwrap();
    let names: Vec<_> = modes
        .iter()
        .map(|m| (m.mode.as_str(), m.is_default))
        .collect();
    assert_eq!(names, [("text", true), ("plain", false)]);
    assert_eq!(modes[0].description.as_deref(), Some("Markdown"));
    assert_eq!(modes[1].description, None);
    assert_eq!(modes[1].extra["beta"], true);
    mock.assert();
}

#[test]
fn reasoning_levels_are_listed() {
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/model/response/reasoning-levels")
        .with_body(
            r#"{"reasoning_levels": [{"level": "off", "is_default": false},
                {"level": "medium", "description": "Balanced", "is_default": true}]}"#,
        )
        .create();
    let levels = common::client(&server.url())
        .responses()
        .reasoning_levels()
        .unwrap();
    let names: Vec<_> = levels
        .iter()
        .map(|l| (l.level.as_str(), l.is_default))
        .collect();
    assert_eq!(names, [("off", false), ("medium", true)]);
    mock.assert();
}

#[test]
fn a_list_without_its_field_is_a_decode_error() {
    let mut server = Server::new();
    server
        .mock("GET", "/v1/model/response/output-modes")
        .with_body(r#"{"success": true}"#)
        .create();
    let err = common::client(&server.url())
        .responses()
        .output_modes()
        .unwrap_err();
    assert!(matches!(err, freddy::Error::Decode(_)), "{err:?}");
}
