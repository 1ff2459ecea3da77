//! Redirects are followed only within the base URL's origin; the key never goes anywhere else.
mod common;

use freddy::Error;
use mockito::{Matcher, Mock, Server};
use serde_json::{json, Value};

const BODY: &str = r#"{"name":"x"}"#;

fn redirect(server: &mut Server, method: &str, path: &str, status: usize, location: &str) -> Mock {
    server
        .mock(method, path)
        .with_status(status)
        .with_header("location", location)
        .expect(1)
        .create()
}

/// Mocks that catch any request at all on `server`, each expected never to be hit.
fn never_called(server: &mut Server) -> Vec<Mock> {
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        .into_iter()
        .map(|method| server.mock(method, Matcher::Any).expect(0).create())
        .collect()
}

/// The target of a followed redirect: it must see the key, and answers with JSON.
fn target(server: &mut Server, method: &str, path: &str) -> Mock {
    server
        .mock(method, path)
        .match_header("x-api-key", common::key().as_str())
        .with_body(r#"{"arrived": true}"#)
        .expect(1)
}

#[test]
fn a_same_origin_redirect_is_followed_with_the_key() {
    for status in [301, 302, 307, 308] {
        let mut server = Server::new();
        let url = server.url();
        let locations = [
            ("abs-path", "/v1/new".to_owned()),
            ("rel-path", "new".to_owned()),
            ("absolute", format!("{url}/v1/new")),
        ];
        for (name, location) in locations {
            let from = redirect(
                &mut server,
                "GET",
                &format!("/v1/{name}"),
                status,
                &location,
            );
            let to = target(&mut server, "GET", "/v1/new").create();
            let value = common::client(&url).authenticated_get(name).unwrap();
            assert_eq!(value, json!({"arrived": true}), "{status} to {location}");
            from.assert();
            to.assert();
            server.reset();
        }
    }
}

#[test]
fn a_307_or_308_keeps_the_method_and_body() {
    for status in [307, 308] {
        for method in ["POST", "PATCH"] {
            let mut server = Server::new();
            let from = redirect(&mut server, method, "/v1/old", status, "/v1/new");
            let to = target(&mut server, method, "/v1/new")
                .match_header("content-type", Matcher::Regex("^application/json".into()))
                .match_body(BODY)
                .create();
            let client = common::client(&server.url());
            let body = json!({"name": "x"});
            let value: Value = match method {
                "POST" => client.post("old", &body),
                _ => client.patch("old", &body),
            }
            .unwrap();
            assert_eq!(value["arrived"], true, "{method} {status}");
            from.assert();
            to.assert();
        }
    }
}

#[test]
fn a_303_or_a_moved_post_becomes_a_get_without_body() {
    for (method, status) in [("POST", 303), ("PATCH", 303), ("POST", 301), ("POST", 302)] {
        let mut server = Server::new();
        let from = redirect(&mut server, method, "/v1/old", status, "/v1/new");
        let to = target(&mut server, "GET", "/v1/new")
            .match_header("content-type", Matcher::Missing)
            .match_body("")
            .create();
        let client = common::client(&server.url());
        let body = json!({"name": "x"});
        let value: Value = match method {
            "POST" => client.post("old", &body),
            _ => client.patch("old", &body),
        }
        .unwrap();
        assert_eq!(value["arrived"], true, "{method} {status}");
        from.assert();
        to.assert();
    }

    let mut server = Server::new();
    let from = redirect(&mut server, "GET", "/v1/old", 303, "/v1/new");
    let to = target(&mut server, "GET", "/v1/new").create();
    common::client(&server.url())
        .authenticated_get("old")
        .unwrap();
    from.assert();
    to.assert();
}

#[test]
fn a_redirect_to_another_origin_is_refused_and_nothing_is_sent_there() {
    let mut other = Server::new();
    let trap = never_called(&mut other);
    let other_url = other.url();
    let other_authority = other_url.trim_start_matches("http:");
    for status in [301, 302, 303, 307, 308] {
        let mut server = Server::new();
        let redirects = [
            redirect(
                &mut server,
                "GET",
                "/v1/get",
                status,
                &format!("{other_url}/v1/models"),
            ),
            redirect(
                &mut server,
                "POST",
                "/v1/post",
                status,
                &format!("{other_url}/v1/models"),
            ),
            // Scheme-relative: `//host:port/...` takes only the scheme from the request.
            redirect(
                &mut server,
                "GET",
                "/v1/scheme-relative",
                status,
                &format!("{other_authority}/v1/models"),
            ),
        ];
        let client = common::client(&server.url());
        for result in [
            client.authenticated_get("get"),
            client.post("post", &json!({"name": "x"})),
            client.authenticated_get("scheme-relative"),
        ] {
            let err = result.unwrap_err();
            assert!(
                matches!(err, Error::Redirect { status: s } if usize::from(s) == status),
                "{err:?}"
            );
            assert_eq!(err.status(), Some(status as u16));
        }
        redirects.iter().for_each(Mock::assert);
    }
    for mock in trap {
        mock.assert();
    }
}

#[test]
fn another_host_name_or_scheme_for_the_same_port_is_another_origin() {
    let mut server = Server::new();
    let port = server.url().rsplit(':').next().unwrap().to_owned();
    let redirects = [
        redirect(
            &mut server,
            "GET",
            "/v1/by-name",
            302,
            &format!("http://localhost:{port}/v1/models"),
        ),
        redirect(
            &mut server,
            "GET",
            "/v1/to-https",
            302,
            &format!("https://127.0.0.1:{port}/v1/models"),
        ),
    ];
    let target = server.mock("GET", "/v1/models").expect(0).create();
    let client = common::client(&server.url());
    for endpoint in ["by-name", "to-https"] {
        let err = client.authenticated_get(endpoint).unwrap_err();
        assert!(
            matches!(err, Error::Redirect { status: 302 }),
            "{endpoint}: {err:?}"
        );
    }
    redirects.iter().for_each(Mock::assert);
    target.assert();
}

#[test]
fn a_redirect_loop_is_refused() {
    let mut server = Server::new();
    server
        .mock("GET", "/v1/self")
        .with_status(302)
        .with_header("location", "/v1/self")
        .create();
    server
        .mock("GET", "/v1/ping")
        .with_status(307)
        .with_header("location", "/v1/pong")
        .create();
    server
        .mock("GET", "/v1/pong")
        .with_status(307)
        .with_header("location", "/v1/ping")
        .create();
    let client = common::client(&server.url());
    for endpoint in ["self", "ping"] {
        let err = client.authenticated_get(endpoint).unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{endpoint}: {err:?}");
    }
}

/// A chain `/v1/hop0 -> /v1/hop1 -> ... -> /v1/hop{hops}`, whose end answers 200.
fn chain(server: &mut Server, hops: usize) -> (Vec<Mock>, Mock) {
    let redirects = (0..hops)
        .map(|i| {
            redirect(
                server,
                "GET",
                &format!("/v1/hop{i}"),
                302,
                &format!("/v1/hop{}", i + 1),
            )
        })
        .collect();
    let end = server
        .mock("GET", format!("/v1/hop{hops}").as_str())
        .with_body("{}");
    (redirects, end)
}

#[test]
fn ten_hops_are_followed_and_the_eleventh_is_refused() {
    let mut server = Server::new();
    let (redirects, end) = chain(&mut server, 10);
    let end = end.expect(1).create();
    common::client(&server.url())
        .authenticated_get("hop0")
        .unwrap();
    redirects.iter().for_each(Mock::assert);
    end.assert();

    let mut server = Server::new();
    let (redirects, end) = chain(&mut server, 11);
    let end = end.expect(0).create();
    let err = common::client(&server.url())
        .authenticated_get("hop0")
        .unwrap_err();
    assert!(matches!(err, Error::Redirect { status: 302 }), "{err:?}");
    redirects.iter().for_each(Mock::assert);
    end.assert();
}

#[test]
fn a_redirect_without_a_location_is_the_apis_answer() {
    let mut server = Server::new();
    server.mock("GET", "/v1/models").with_status(302).create();
    let err = common::client(&server.url())
        .authenticated_get("models")
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.status() == 302),
        "{err:?}"
    );
}
