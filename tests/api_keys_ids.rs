//! Organisation and key ids go into the URL path: anything that could change the path, and
//! anything shaped like an API key, is refused before a request is sent.
mod common;

use freddy::Error;
use mockito::{Matcher, Server};

const BAD: [&str; 12] = [
    "", ".", "..", "a/b", "a?b", "a#b", "a b", "a\nb", "%2e%2e", "a%2Fb", "é", "a\\b",
];

#[test]
fn ids_that_could_change_the_path_are_refused_and_nothing_is_sent() {
    let mut server = Server::new();
    let get = server.mock("GET", Matcher::Any).expect(0).create();
    let client = common::client(&server.url());
    for bad in BAD {
        let org = client.api_keys(bad).list(1, 10).unwrap_err();
        assert!(
            matches!(org, Error::InvalidRequest(_)),
            "org {bad:?}: {org:?}"
        );
        let key = client.api_keys("org_1").get(bad).unwrap_err();
        assert!(
            matches!(key, Error::InvalidRequest(_)),
            "key {bad:?}: {key:?}"
        );
        let usage = client.usage(bad).limits(None).unwrap_err();
        assert!(
            matches!(usage, Error::InvalidRequest(_)),
            "usage org {bad:?}: {usage:?}"
        );
    }
    let err = client.api_keys("org_1").get("a/b").unwrap_err();
    assert!(err.to_string().contains("`/` at position 1"), "{err}");
    get.assert();
}

#[test]
fn a_key_passed_as_an_id_is_refused_without_being_quoted() {
    let mut server = Server::new();
    let (get, delete) = (
        server.mock("GET", Matcher::Any).expect(0).create(),
        server.mock("DELETE", Matcher::Any).expect(0).create(),
    );
    let client = common::client(&server.url());
    for key in [common::key(), common::fake_key(3)] {
        let err = client.api_keys("org_1").delete(&key).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        let shown = format!("{err} {err:?}");
        assert_eq!(common::leaked_windows(&key, &shown), Vec::<String>::new());
    }
    // Part of the client's own key is refused too, whatever its shape.
    let part = &common::key()[3..20];
    assert!(matches!(
        client.api_keys(part).list(1, 1),
        Err(Error::InvalidRequest(_))
    ));
    get.assert();
    delete.assert();
}

#[test]
fn plain_ids_pass() {
    let mut server = Server::new();
    let mock = server
        .mock(
            "GET",
            "/v1/organizations/org_A-1.b~c/api-keys/3f2c9a1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b",
        )
        .with_body(r#"{"id": "3f2c9a1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b"}"#)
        .create();
    let client = common::client(&server.url());
    client
        .api_keys("org_A-1.b~c")
        .get("3f2c9a1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b")
        .unwrap();
    mock.assert();
}
