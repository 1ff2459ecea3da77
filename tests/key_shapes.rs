//! Which keys are accepted, how bad ones are refused, and that a refused key sends nothing.
mod common;

use std::error::Error as _;

use freddy::{ApiKey, Error, FreddyClient, KeyError};
use mockito::{Matcher, Mock, Server, ServerGuard};

/// The documentation's own example, 43 characters long although it documents 42.
const DOC_EXAMPLE_KEY: &str = "ak_1234567890abcdef1234567890abcdef12345678";

/// A fake key with the character at `position` replaced.
fn with_char_at(position: usize, replacement: char) -> String {
    common::key()
        .chars()
        .enumerate()
        .map(|(i, c)| if i == position { replacement } else { c })
        .collect()
}

/// Every bad shape, with the error it must give.
fn bad_keys() -> Vec<(&'static str, String, KeyError)> {
    let key = common::key();
    let secret = &key[3..];
    vec![
        ("empty", String::new(), KeyError::Empty),
        ("whitespace only", " \t\r\n ".to_owned(), KeyError::Empty),
        ("no prefix", secret.to_owned(), KeyError::MissingPrefix),
        (
            "other prefix",
            format!("sk_{secret}"),
            KeyError::MissingPrefix,
        ),
        (
            "upper-case prefix",
            format!("AK_{secret}"),
            KeyError::MissingPrefix,
        ),
        (
            "prefix only",
            "ak_".to_owned(),
            KeyError::WrongLength { len: 3 },
        ),
        (
            "one short",
            key[..41].to_owned(),
            KeyError::WrongLength { len: 41 },
        ),
        (
            "one too long",
            format!("{key}ab"),
            KeyError::WrongLength { len: 44 },
        ),
        (
            "secret twice",
            format!("{key}{secret}"),
            KeyError::WrongLength { len: 81 },
        ),
        (
            "dash",
            with_char_at(10, '-'),
            KeyError::BadCharacter { position: 10 },
        ),
        (
            "underscore after prefix",
            with_char_at(3, '_'),
            KeyError::BadCharacter { position: 3 },
        ),
        (
            "last character",
            with_char_at(41, '!'),
            KeyError::BadCharacter { position: 41 },
        ),
        (
            "inner space",
            with_char_at(20, ' '),
            KeyError::BadCharacter { position: 20 },
        ),
        (
            "inner newline",
            with_char_at(30, '\n'),
            KeyError::BadCharacter { position: 30 },
        ),
        (
            "accented letter",
            with_char_at(7, 'é'),
            KeyError::BadCharacter { position: 7 },
        ),
        (
            "Cyrillic look-alike",
            with_char_at(12, 'а'),
            KeyError::BadCharacter { position: 12 },
        ),
        (
            "non-ASCII digit",
            with_char_at(15, '٣'),
            KeyError::BadCharacter { position: 15 },
        ),
    ]
}

/// `leaked_windows` skips the 3-character prefix; padding makes every window of the raw input
/// count, since a refused input need not start with `ak_`.
fn leaks(input: &str, text: &str) -> Vec<String> {
    common::leaked_windows(&format!("___{input}"), text)
}

/// Display, Debug and every `source()` of an error, in one string.
fn all_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{err} {err:?} {err:#?}");
    let mut next = err.source();
    while let Some(e) = next {
        text.push_str(&format!(" {e} {e:?}"));
        next = e.source();
    }
    text
}

#[test]
fn the_documentations_43_character_example_is_accepted() {
    assert_eq!(DOC_EXAMPLE_KEY.len(), 43);
    let key = ApiKey::new(DOC_EXAMPLE_KEY).unwrap();
    assert_eq!(key.expose_secret(), DOC_EXAMPLE_KEY);
    FreddyClient::new(DOC_EXAMPLE_KEY).unwrap();
}

#[test]
fn documented_42_character_keys_are_accepted() {
    for n in 0..20 {
        let raw = common::fake_key(n);
        assert_eq!(raw.len(), 42);
        let key: ApiKey = raw.parse().unwrap();
        assert_eq!(key.expose_secret(), raw);
        FreddyClient::new(&raw).unwrap();
    }
}

#[test]
fn a_43_character_key_of_our_own_is_accepted() {
    let raw = format!("{}Z", common::fake_key(3));
    assert_eq!(ApiKey::new(&raw).unwrap().expose_secret(), raw);
}

#[test]
fn surrounding_whitespace_is_trimmed() {
    let raw = common::key();
    for padded in [
        format!("{raw}\n"),
        format!("{raw}\r\n"),
        format!("  {raw}"),
        format!("\t{raw} \n"),
    ] {
        let key = ApiKey::new(&padded).unwrap();
        assert_eq!(key.expose_secret(), raw, "{padded:?}");
        assert_eq!(FreddyClient::new(&padded).unwrap().api_key(), key);
    }
}

#[test]
fn a_trimmed_key_is_sent_without_its_whitespace() {
    let mut server = Server::new();
    let raw = common::key();
    let mock = server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", raw.as_str())
        .with_body("{}")
        .create();
    let client = common::builder(&server.url())
        .api_key(format!(" {raw}\n"))
        .build()
        .unwrap();
    client.authenticated_get("models").unwrap();
    mock.assert();
}

#[test]
fn every_bad_shape_gives_its_key_error() {
    for (what, raw, expected) in bad_keys() {
        assert_eq!(ApiKey::new(&raw).unwrap_err(), expected, "{what}");
        assert_eq!(raw.parse::<ApiKey>().unwrap_err(), expected, "{what}");
        assert_eq!(
            expected.position().is_some(),
            matches!(expected, KeyError::BadCharacter { .. })
        );
    }
}

#[test]
fn bad_characters_report_their_position() {
    let err = ApiKey::new(with_char_at(25, '.')).unwrap_err();
    assert_eq!(err.position(), Some(25));
    assert!(err.to_string().contains("25"), "{err}");
    assert_eq!(ApiKey::new("").unwrap_err().position(), None);
}

#[test]
fn clients_refuse_bad_keys_with_invalid_api_key() {
    for (what, raw, expected) in bad_keys() {
        match FreddyClient::new(&raw) {
            Err(Error::InvalidApiKey(e)) => assert_eq!(e, expected, "{what}"),
            other => panic!("{what}: expected InvalidApiKey, got {other:?}"),
        }
        match FreddyClient::builder().api_key(&raw).build() {
            Err(Error::InvalidApiKey(e)) => assert_eq!(e, expected, "{what}"),
            other => panic!("{what}: expected InvalidApiKey, got {other:?}"),
        }
    }
}

#[test]
fn error_texts_never_repeat_the_key() {
    for (what, raw, _) in bad_keys() {
        let key_error = ApiKey::new(&raw).unwrap_err();
        let text = all_text(&key_error);
        assert!(leaks(&raw, &text).is_empty(), "{what}: {text}");

        let client_error = FreddyClient::new(&raw).unwrap_err();
        let text = all_text(&client_error);
        assert!(leaks(&raw, &text).is_empty(), "{what}: {text}");
        // The reason is in the text itself, so it is not repeated as a source.
        let reason = key_error.to_string();
        assert!(
            client_error.to_string().contains(&reason),
            "{what}: {client_error}"
        );
        assert!(client_error.source().is_none(), "{what}");

        let builder = FreddyClient::builder().api_key(&raw);
        let text = format!("{builder:?}");
        assert!(leaks(&raw, &text).is_empty(), "{what}: {text}");
    }
}

#[test]
fn debug_shows_at_most_the_prefix_and_the_last_four_characters() {
    for raw in [
        common::fake_key(1),
        common::fake_key(2),
        DOC_EXAMPLE_KEY.to_owned(),
    ] {
        let key = ApiKey::new(&raw).unwrap();
        let client = FreddyClient::builder().key(key.clone()).build().unwrap();
        let builder = FreddyClient::builder().api_key(&raw);
        for text in [
            format!("{key:?}"),
            format!("{key:#?}"),
            format!("{client:?}"),
            format!("{client:#?}"),
            format!("{builder:?}"),
        ] {
            // Any five consecutive characters of the secret would be more than the last four.
            let secret: Vec<char> = raw[3..].chars().collect();
            let shown: Vec<String> = secret
                .windows(5)
                .map(|w| w.iter().collect::<String>())
                .filter(|w| text.contains(w.as_str()))
                .collect();
            assert!(shown.is_empty(), "{text} shows {shown:?}");
        }
        assert!(format!("{key:?}").contains(&raw[raw.len() - 4..]));
    }
}

/// A server that answers nothing on purpose: any request at all fails the test.
fn catch_all(server: &mut ServerGuard) -> Vec<Mock> {
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
        .into_iter()
        .map(|method| server.mock(method, Matcher::Any).expect(0).create())
        .collect()
}

#[test]
fn a_refused_key_sends_nothing() {
    let mut server = Server::new();
    let mocks = catch_all(&mut server);
    let mut outcomes = Vec::new();
    for (what, raw, _) in bad_keys() {
        // The build fails before any I/O. Were a bad key ever let through, the call below would
        // reach the catch-all and fail the test there as well.
        let result = common::builder(&server.url()).api_key(&raw).build();
        if let Ok(client) = &result {
            let _ = client.authenticated_get("models");
        }
        outcomes.push((what, result));
    }
    for mock in mocks {
        mock.assert();
    }
    for (what, result) in outcomes {
        assert!(
            matches!(result, Err(Error::InvalidApiKey(_))),
            "{what}: {result:?}"
        );
    }
}
