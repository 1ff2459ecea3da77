//! `FreddyClient::from_env`: the key from `FREDDY_API_KEY`, the base URL from `FREDDY_BASE_URL`,
//! and errors that name the variable at fault without showing the key.
//!
//! Its own test binary with a single test, since it changes the process environment.
mod common;

use std::error::Error as _;

use freddy::{Error, FreddyClient, DEFAULT_BASE_URL};
use mockito::Server;

const KEY_VAR: &str = "FREDDY_API_KEY";
const URL_VAR: &str = "FREDDY_BASE_URL";

/// Every text the error shows: `Display`, `Debug` and each `source()` down the chain.
fn all_text(err: &Error) -> String {
    let mut text = format!("{err} {err:?}");
    let mut next = err.source();
    while let Some(e) = next {
        text.push_str(&format!(" {e} {e:?}"));
        next = e.source();
    }
    text
}

/// Checks that `from_env` fails with `Error::Env` for `variable`, caused by `cause`, and that
/// nothing it shows holds part of `key`.
fn assert_env_error(key: &str, variable: &str, cause: fn(&Error) -> bool) {
    let err = FreddyClient::from_env().unwrap_err();
    let Error::Env {
        variable: named,
        source,
    } = &err
    else {
        panic!("expected Error::Env for {variable}, got {err:?}")
    };
    assert_eq!(*named, variable);
    assert!(cause(source), "unexpected cause: {source:?}");
    // The cause is told in the error's own text (and not repeated as its source).
    assert!(err.to_string().contains(&source.to_string()), "{err}");
    assert!(err.source().is_none());
    assert!(err.to_string().contains(variable), "{err}");
    let text = all_text(&err);
    assert_eq!(
        common::leaked_windows(key, &text),
        Vec::<String>::new(),
        "{text}"
    );
}

#[test]
fn from_env_reads_the_key_and_base_url_and_names_the_variable_at_fault() {
    std::env::remove_var(KEY_VAR);
    std::env::remove_var(URL_VAR);
    let err = FreddyClient::from_env().unwrap_err();
    assert!(matches!(err, Error::MissingApiKey), "unset: {err:?}");
    assert!(err.to_string().contains(KEY_VAR), "{err}");

    std::env::set_var(KEY_VAR, "");
    let err = FreddyClient::from_env().unwrap_err();
    assert!(matches!(err, Error::MissingApiKey), "empty: {err:?}");

    // A bad character in the middle, and one character too many.
    let key = common::fake_key(1);
    let bad_char = format!("{}-{}", &key[..20], &key[21..]);
    let too_long = format!("{key}XY");
    for bad in [&bad_char, &too_long] {
        std::env::set_var(KEY_VAR, bad);
        assert_env_error(bad, KEY_VAR, |cause| {
            matches!(cause, Error::InvalidApiKey(_))
        });
    }

    // Without FREDDY_BASE_URL the client talks to the API's own host.
    let key = common::fake_key(2);
    std::env::set_var(KEY_VAR, &key);
    assert_eq!(
        FreddyClient::from_env().unwrap().base_url(),
        DEFAULT_BASE_URL
    );

    // A trailing newline, as a `.env` line may leave, is not part of the key.
    let mut server = Server::new();
    let mock = server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", key.as_str())
        .with_body(r#"{"models": []}"#)
        .expect(1)
        .create();
    std::env::set_var(KEY_VAR, format!("{key}\n"));
    std::env::set_var(URL_VAR, server.url());
    let client = FreddyClient::from_env().unwrap();
    assert_eq!(client.base_url(), server.url());
    assert_eq!(
        client.authenticated_get("models").unwrap()["models"],
        serde_json::json!([])
    );
    mock.assert();

    // A base URL holding the key (a key pasted into the wrong variable, too) is refused
    // without being quoted.
    let holding_key = [format!("{}/{key}", server.url()), key.clone()];
    let bad_urls = ["http://api.aitronos.com", "not a url", "ftp://127.0.0.1"];
    for bad_url in bad_urls
        .iter()
        .copied()
        .chain(holding_key.iter().map(String::as_str))
    {
        std::env::set_var(URL_VAR, bad_url);
        assert_env_error(&key, URL_VAR, |cause| {
            matches!(cause, Error::InvalidBaseUrl(_))
        });
    }

    std::env::remove_var(KEY_VAR);
    let err = FreddyClient::from_env().unwrap_err();
    assert!(
        matches!(err, Error::MissingApiKey),
        "a base URL alone is not enough: {err:?}"
    );
    std::env::remove_var(URL_VAR);

    // A key that is not valid Unicode is unusable, not missing.
    #[cfg(unix)]
    {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;

        let key = common::fake_key(3);
        let mut bytes = key.clone().into_bytes();
        bytes[20] = 0xff;
        std::env::set_var(KEY_VAR, OsStr::from_bytes(&bytes));
        assert_env_error(&key, KEY_VAR, |cause| {
            matches!(
                cause,
                Error::InvalidApiKey(freddy::KeyError::BadCharacter { position: 20 })
            )
        });
        std::env::remove_var(KEY_VAR);
    }
}
